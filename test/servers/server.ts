import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

import { handleProxyRequest, PROXY_DOMAIN } from './pod-panel';
import { handleGraphqlRequest, RUNPOD_API_HOST } from './runpod-graphql';
import type { Fault, RecordedRequest } from './scenario';
import { jsonResponse, type HandlerRequest, type HandlerResponse, type ServerState } from './state';

/** The only address the test servers bind to. */
export const LOOPBACK_ADDRESS = '127.0.0.1';
/** Larger request bodies get 413; the product's GraphQL queries are a few kilobytes. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

const DEFAULT_FAULT_CONTENT_TYPE = 'text/html; charset=utf-8';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Starts one HTTPS server on 127.0.0.1 with an ephemeral port for every simulated host.
 * Each request is checked against the scenario's faults first, then dispatched by its
 * `Host` header, and recorded in `state.requests` when the response is sent.
 */
export async function startHttpsServer(state: ServerState, certificate: { key: string; cert: string }): Promise<RunningServer> {
  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    serveRequest(req, res, state).catch((error: unknown) => {
      console.error('[test-servers] failed to respond to %s %s:', req.method, req.url, error);
      res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK_ADDRESS, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serveRequest(req: IncomingMessage, res: ServerResponse, state: ServerState): Promise<void> {
  const receivedAt = Date.now();
  const body = await readBody(req);
  const servername = (req.socket as TLSSocket).servername || undefined;
  const request: HandlerRequest = {
    method: req.method ?? 'GET',
    host: hostWithoutPort(req.headers.host),
    url: req.url ?? '/',
    headers: flattenHeaders(req.headers),
    body: body ?? '',
  };
  const record: RecordedRequest = { ...request, servername, status: 0, bytesSent: 0, receivedAt };

  if (body === undefined) {
    send(res, record, state, jsonResponse(413, { error: `Request body larger than ${MAX_REQUEST_BODY_BYTES} bytes` }));
    return;
  }

  // A client that sends one name in TLS and another in Host would reach a different
  // server through Cloudflare than the one it verified, so such a request is refused.
  if (servername !== undefined && servername.toLowerCase() !== request.host) {
    const message = `Misdirected request: TLS server name "${servername}" does not match Host "${request.host}"`;
    send(res, record, state, { status: 421, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: message });
    return;
  }

  const fault = state.takeFault(request.host, request.url);
  if (fault !== undefined) {
    await playFault(fault, req, res, record, state);
    return;
  }

  send(res, record, state, await dispatch(request, state));
}

async function playFault(fault: Fault, req: IncomingMessage, res: ServerResponse, record: RecordedRequest, state: ServerState): Promise<void> {
  if (fault.delayMs !== undefined && fault.delayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  }

  if (fault.dropConnection === true) {
    state.requests.push(record);
    req.socket.destroy();
    return;
  }

  const headers: Record<string, string> = { 'content-type': fault.contentType ?? DEFAULT_FAULT_CONTENT_TYPE };
  for (const [name, value] of Object.entries(fault.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  send(res, record, state, { status: fault.status, headers, body: fault.body });
}

async function dispatch(request: HandlerRequest, state: ServerState): Promise<HandlerResponse> {
  try {
    if (request.host === RUNPOD_API_HOST) {
      return await handleGraphqlRequest(request, state);
    }
    if (request.host.endsWith(`.${PROXY_DOMAIN}`)) {
      return handleProxyRequest(request, state);
    }
  } catch (error) {
    console.error('[test-servers] handler failed on %s %s%s:', request.method, request.host, request.url, error);
    return jsonResponse(500, { error: `Test server handler failed: ${(error as Error).message}` });
  }

  const message = `Misdirected request: this test server does not serve host "${request.host}". It serves ${RUNPOD_API_HOST} and *.${PROXY_DOMAIN}.`;
  return { status: 421, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: message };
}

/** Records the request and sends the response. Recording comes first, so a client that reads the log after the response sees the request. */
function send(res: ServerResponse, record: RecordedRequest, state: ServerState, response: HandlerResponse): void {
  const bytes = Buffer.from(response.body, 'utf8');
  record.status = response.status;
  record.bytesSent = bytes.length;
  if (response.warnings !== undefined && response.warnings.length > 0) {
    record.warnings = [...response.warnings];
  }
  state.requests.push(record);

  res.writeHead(response.status, { ...response.headers, 'content-length': String(bytes.length) });
  res.end(bytes);
}

/** Reads the body as UTF-8, or returns undefined when it exceeds MAX_REQUEST_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BODY_BYTES) {
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function hostWithoutPort(host: string | undefined): string {
  if (host === undefined) {
    return '';
  }
  // Keep bracketed IPv6 literals whole; strip `:port` from everything else.
  const withoutPort = host.startsWith('[') ? host.replace(/(?<=\])(:\d+)?$/, '') : host.replace(/:\d+$/, '');
  return withoutPort.toLowerCase();
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      flat[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return flat;
}

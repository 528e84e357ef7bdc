/**
 * A child process serving HTTPS on loopback for url-fetch.test.ts. The parent sends the
 * certificates over IPC, and the child replies with its ports and, on request, with statistics.
 *
 * Paths: `/echo` (the request as JSON), `/status/<code>`, `/delay/<ms>`, `/redirect/<n>`,
 * `/redirect-to?url=`, `/loop`, `/drop`, `/hang`, `/bytes`, `/latin1`, `/multi-headers`,
 * `/gzip`, `/big?bytes=<n>`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import * as zlib from 'node:zlib';

export interface ServerCertificates {
  trusted: { key: string; cert: string };
  untrusted: { key: string; cert: string };
}

export type ParentMessage = { type: 'start'; certificates: ServerCertificates } | { type: 'stats'; id: number } | { type: 'reset'; id: number };

export interface ServerStats {
  maxInFlight: number;
  requests: { method: string; path: string; host: string | undefined; servername: string | undefined }[];
}

export type ChildMessage =
  | { type: 'ready'; ports: { trusted: number; untrusted: number; plain: number } }
  | { type: 'stats'; id: number; stats: ServerStats }
  | { type: 'reset'; id: number };

let inFlight = 0;
let stats: ServerStats = { maxInFlight: 0, requests: [] };

function send(message: ChildMessage): void {
  process.send?.(message);
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function handle(request: http.IncomingMessage, response: http.ServerResponse): void {
  const url = new URL(request.url ?? '/', 'https://placeholder');
  const servername = (request.socket as TLSSocket).servername || undefined;
  stats.requests.push({ method: request.method ?? '', path: url.pathname + url.search, host: request.headers.host, servername });
  const [, first = '', second = ''] = url.pathname.split('/');

  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    switch (first) {
      case 'echo':
        json(response, 200, { method: request.method, path: url.pathname + url.search, headers: request.headers, body, servername });
        return;
      case 'status': {
        const code = Number(second);
        const long = url.searchParams.has('long');
        json(response, code, { error: long ? 'x'.repeat(300) : `status ${code}` });
        return;
      }
      case 'delay': {
        inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          json(response, 200, { delayed: Number(second) });
        }, Number(second));
        return;
      }
      case 'redirect': {
        const remaining = Number(second);
        response.writeHead(302, { Location: remaining <= 1 ? '/echo' : `/redirect/${remaining - 1}` });
        response.end();
        return;
      }
      case 'redirect-to':
        response.writeHead(302, { Location: url.searchParams.get('url') ?? '/echo' });
        response.end();
        return;
      case 'loop':
        response.writeHead(302, { Location: '/loop' });
        response.end();
        return;
      case 'drop':
        request.socket.destroy();
        return;
      case 'hang':
        return;
      case 'bytes':
        response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        response.end(Buffer.from([0x68, 0x69, 0xff, 0xfe]));
        return;
      case 'latin1':
        response.writeHead(200, { 'Content-Type': 'text/plain; charset=ISO-8859-1' });
        response.end(Buffer.from('café', 'latin1'));
        return;
      case 'multi-headers':
        response.writeHead(200, [
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
          ['X-Custom-Header', 'Value'],
        ]);
        response.end('ok');
        return;
      case 'gzip':
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        response.end(zlib.gzipSync(JSON.stringify({ compressed: true })));
        return;
      case 'big':
        response.writeHead(200, { 'Content-Type': 'text/plain' });
        response.end('a'.repeat(Number(url.searchParams.get('bytes') ?? '0')));
        return;
      default:
        json(response, 404, { error: `no route ${url.pathname}` });
    }
  });
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function start(certificates: ServerCertificates): Promise<void> {
  const trusted = https.createServer(certificates.trusted, handle);
  const untrusted = https.createServer(certificates.untrusted, handle);
  const plain = http.createServer(handle);
  const ports = { trusted: await listen(trusted), untrusted: await listen(untrusted), plain: await listen(plain) };
  send({ type: 'ready', ports });
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') void start(message.certificates);
  else if (message.type === 'stats') send({ type: 'stats', id: message.id, stats });
  else {
    stats = { maxInFlight: 0, requests: [] };
    send({ type: 'reset', id: message.id });
  }
});

// The parent's exit closes the IPC channel, and the child exits with it so that no server outlives the tests.
process.on('disconnect', () => process.exit(0));

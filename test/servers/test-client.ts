import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

/** What tests need to reach the servers: the port on 127.0.0.1 and the CA to trust. */
export interface ServerAddress {
  port: number;
  ca: string;
}

export interface TestRequest {
  /** Host name sent as `Host` and, unless `servername` is set, as TLS SNI. */
  host: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** TLS server name; defaults to `host`, or none when `host` is an IP address (TLS forbids IPs in SNI). */
  servername?: string;
}

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Sends one HTTPS request to 127.0.0.1 as a client of `host` would: SNI and `Host` set to the
 * name, the certificate verified against the test CA. Rejects on network errors (such as a
 * dropped connection).
 */
export function httpsRequest(server: ServerAddress, request: TestRequest): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = https.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: request.method ?? 'GET',
        path: request.path,
        servername: request.servername ?? (isIP(request.host) === 0 ? request.host : undefined),
        headers: { host: request.host, ...request.headers },
        ca: server.ca,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

export interface GraphqlCall {
  query: string;
  variables?: Record<string, unknown>;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  path?: string;
}

/** POSTs a GraphQL request to api.runpod.io. */
export function graphqlRequest(server: ServerAddress, call: GraphqlCall): Promise<TestResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (call.apiKey !== undefined) {
    headers['authorization'] = `Bearer ${call.apiKey}`;
  }
  return httpsRequest(server, {
    host: 'api.runpod.io',
    path: call.path ?? '/graphql',
    method: 'POST',
    headers,
    body: JSON.stringify({ query: call.query, variables: call.variables }),
  });
}

// Worker thread behind the UrlFetchApp fake: performs a batch of HTTP(S) requests concurrently
// and returns the results, while the main thread blocks in synckit's createSyncFn.
//
// It is plain JavaScript so that Node loads it the same way under jest and under tsx. The
// request and result shapes are `WireBatch` and `WireResult` in url-fetch-wire.ts.

import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { runAsWorker } from 'synckit';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Returns the route for a host name: an exact entry first, then the longest `*.suffix` entry. */
function findRoute(hostname, routes) {
  const host = hostname.toLowerCase();
  const exact = routes.find((route) => route.pattern.toLowerCase() === host);
  if (exact) return exact;
  const wildcards = routes
    .filter((route) => route.pattern.startsWith('*.'))
    .filter((route) => host.endsWith(route.pattern.slice(1).toLowerCase()) && host.length > route.pattern.length - 1)
    .sort((a, b) => b.pattern.length - a.pattern.length);
  return wildcards[0];
}

/** Names the failure kinds the main thread turns into Apps Script exceptions. */
function classifyError(error) {
  const code = error && error.code ? String(error.code) : '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ETIMEDOUT' || code === 'FAKE_DEADLINE') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code)) return 'tls';
  return 'other';
}

function failure(kind, url, error) {
  return { ok: false, kind, url, code: error && error.code ? String(error.code) : '', message: error ? String(error.message) : kind };
}

function decompress(body, encoding) {
  const name = (encoding || '').trim().toLowerCase();
  if (name === 'gzip' || name === 'x-gzip') return zlib.gunzipSync(body);
  if (name === 'deflate') return zlib.inflateSync(body);
  if (name === 'br') return zlib.brotliDecompressSync(body);
  return body;
}

/** Sends one request without following redirects. */
function performOnce(request, batch, deadline) {
  return new Promise((resolve) => {
    let url;
    try {
      url = new URL(request.url);
    } catch (error) {
      resolve(failure('invalid', request.url, error));
      return;
    }
    const secure = url.protocol === 'https:';
    const defaultPort = secure ? 443 : 80;

    const route = findRoute(url.hostname, batch.routes);
    if (!route && !batch.passthrough) {
      // Unrouted hosts never reach the network: they fail as an unknown host would.
      resolve(failure('dns', request.url, { code: 'ENOTFOUND', message: `host ${url.hostname} is not routed` }));
      return;
    }

    const headers = {};
    for (const [name, value] of request.headers) headers[name] = value;
    headers.Host = url.host;
    if (request.body) headers['Content-Length'] = String(request.body.length);

    const options = {
      host: route ? route.host : url.hostname,
      port: route ? route.port : Number(url.port || defaultPort),
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers,
      agent: false,
    };
    if (secure) {
      options.servername = url.hostname;
      options.rejectUnauthorized = request.validateHttpsCertificates;
      if (route && batch.ca) options.ca = batch.ca;
    }

    let settled = false;
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const remaining = Math.max(0, deadline - Date.now());
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`no response within ${batch.timeoutMs} ms`), { code: 'FAKE_DEADLINE' });
      outgoing.destroy(error);
      settle(failure('timeout', request.url, error));
    }, remaining);

    const outgoing = (secure ? https : http).request(options, (response) => {
      const chunks = [];
      let size = 0;
      response.on('data', (chunk) => {
        size += chunk.length;
        if (size > batch.maxResponseBytes) {
          response.destroy();
          outgoing.destroy();
          settle(failure('tooLarge', request.url, { code: 'FAKE_TOO_LARGE', message: `response body over ${batch.maxResponseBytes} bytes` }));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error) => settle(failure(classifyError(error), request.url, error)));
      response.on('end', () => {
        let body;
        try {
          body = decompress(Buffer.concat(chunks), response.headers['content-encoding']);
        } catch (error) {
          settle(failure('other', request.url, error));
          return;
        }
        if (body.length > batch.maxResponseBytes) {
          settle(failure('tooLarge', request.url, { code: 'FAKE_TOO_LARGE', message: `response body over ${batch.maxResponseBytes} bytes` }));
          return;
        }
        const pairs = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) pairs.push([response.rawHeaders[i], response.rawHeaders[i + 1]]);
        settle({ ok: true, status: response.statusCode ?? 0, headers: pairs, body: new Uint8Array(body), url: request.url });
      });
    });
    outgoing.on('error', (error) => settle(failure(classifyError(error), request.url, error)));
    if (request.body) outgoing.write(Buffer.from(request.body));
    outgoing.end();
  });
}

/** Sends a request and follows redirects as GET requests, up to `batch.maxRedirects`. */
async function perform(request, batch) {
  const deadline = Date.now() + batch.timeoutMs;
  const hops = [];
  let current = request;
  for (;;) {
    const result = await performOnce(current, batch, deadline);
    if (!result.ok) return { ...result, hops };
    const locationHeader = result.headers.find(([name]) => name.toLowerCase() === 'location');
    if (!request.followRedirects || !REDIRECT_STATUSES.has(result.status) || !locationHeader) return { ...result, hops };
    if (hops.length >= batch.maxRedirects) return { ...failure('tooManyRedirects', current.url, null), hops };
    const next = new URL(locationHeader[1], current.url).toString();
    hops.push(next);
    const headers = current.headers.filter(([name]) => name.toLowerCase() !== 'content-type');
    current = { ...current, url: next, method: 'GET', body: null, headers };
  }
}

runAsWorker(async (batch) => Promise.all(batch.requests.map((request) => perform(request, batch))));

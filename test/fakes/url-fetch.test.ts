import * as net from 'node:net';
import { type AppsScriptEnvironmentOptions, createAppsScriptEnvironment } from './environment';
import { type HttpsTestServer, startHttpsTestServer } from './testing/start-https-test-server';

let server: HttpsTestServer;
let closedPort: number;

/** Returns a loopback port nothing listens on. */
function findClosedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  server = await startHttpsTestServer();
  closedPort = await findClosedPort();
}, 30_000);

afterAll(async () => {
  await server.stop();
});

beforeEach(async () => {
  await server.reset();
});

function makeEnv(options: AppsScriptEnvironmentOptions = {}) {
  const loopback = (port: number) => ({ host: '127.0.0.1', port });
  return createAppsScriptEnvironment({
    routes: {
      'api.runpod.io': loopback(server.ports.trusted),
      '*.proxy.runpod.net': loopback(server.ports.trusted),
      'untrusted.runpod.io': loopback(server.ports.untrusted),
      'redirect.runpod.io': loopback(server.ports.trusted),
      'plain.runpod.io': loopback(server.ports.plain),
      'refused.runpod.io': loopback(closedPort),
    },
    ca: server.ca,
    fetchTimeoutMs: 2000,
    ...options,
  });
}

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return String(error);
  }
  throw new Error('expected the call to throw');
}

interface Echo {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  servername: string | undefined;
}

describe('UrlFetchApp routing', () => {
  it('routes an exact host with SNI and Host', () => {
    const env = makeEnv();
    const response = env.globals.UrlFetchApp.fetch('https://api.runpod.io/echo?x=1');
    const echo = JSON.parse(response.getContentText()) as Echo;
    expect(response.getResponseCode()).toBe(200);
    expect(echo.servername).toBe('api.runpod.io');
    expect(echo.headers.host).toBe('api.runpod.io');
    expect(echo.path).toBe('/echo?x=1');
    expect(echo.method).toBe('GET');
  });

  it('routes a wildcard host', () => {
    const env = makeEnv();
    const echo = JSON.parse(env.globals.UrlFetchApp.fetch('https://a1b2c3d4e5-7777.proxy.runpod.net/echo').getContentText()) as Echo;
    expect(echo.servername).toBe('a1b2c3d4e5-7777.proxy.runpod.net');
    expect(echo.headers.host).toBe('a1b2c3d4e5-7777.proxy.runpod.net');
  });

  it('fails unrouted hosts without network', () => {
    const env = makeEnv();
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://example.org/', { muteHttpExceptions: true }))).toBe('Exception: DNS error: https://example.org/');
    expect(env.urlFetch.requests[0]?.failure).toBe('dns');
  });

  it('verifies certificates against the CA', () => {
    const env = makeEnv();
    let caught: unknown;
    try {
      env.globals.UrlFetchApp.fetch('https://untrusted.runpod.io/echo', { muteHttpExceptions: true });
    } catch (error) {
      caught = error;
    }
    expect(String(caught)).toBe('Exception: Unexpected error: https://untrusted.runpod.io/echo');
    expect((caught as { detail: string }).detail).toMatch(/^tls /);
  });

  it('skips verification when asked', () => {
    const env = makeEnv();
    const response = env.globals.UrlFetchApp.fetch('https://untrusted.runpod.io/echo', { validateHttpsCertificates: false });
    expect(response.getResponseCode()).toBe(200);
  });

  it('fetches plain HTTP', () => {
    const env = makeEnv();
    expect(env.globals.UrlFetchApp.fetch('http://plain.runpod.io/echo').getResponseCode()).toBe(200);
  });

  it('accepts only loopback targets', () => {
    expect(() => createAppsScriptEnvironment({ routes: { 'api.runpod.io': { host: '10.0.0.1', port: 443 } } })).toThrow('only target loopback');
  });
});

describe('UrlFetchApp requests', () => {
  it('sends a string payload', () => {
    const env = makeEnv();
    const response = env.globals.UrlFetchApp.fetch('https://api.runpod.io/echo', {
      method: 'post',
      contentType: 'application/json',
      payload: JSON.stringify({ query: '{ myself { id } }' }),
      headers: { Authorization: 'Bearer rpa_SECRET' },
    });
    const echo = JSON.parse(response.getContentText()) as Echo;
    expect(echo.method).toBe('POST');
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers.authorization).toBe('Bearer rpa_SECRET');
    expect(echo.headers['user-agent']).toContain('Google-Apps-Script');
    expect(echo.body).toBe('{"query":"{ myself { id } }"}');
  });

  it('sends an object payload as a form', () => {
    const env = makeEnv();
    const echo = JSON.parse(env.globals.UrlFetchApp.fetch('https://api.runpod.io/echo', { method: 'post', payload: { a: 'x y', b: 2 } }).getContentText()) as Echo;
    expect(echo.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(echo.body).toBe('a=x+y&b=2');
  });

  it('logs requests for secret checks', () => {
    const env = makeEnv();
    env.globals.UrlFetchApp.fetch('https://api.runpod.io/echo?page=2', { headers: { Authorization: 'Bearer rpa_SECRET' } });
    const [entry] = env.urlFetch.requests;
    expect(entry?.url).toBe('https://api.runpod.io/echo?page=2');
    expect(entry?.method).toBe('GET');
    expect(entry?.headers.Authorization).toBe('Bearer rpa_SECRET');
    expect(entry?.status).toBe(200);
    expect(env.urlFetch.requests.some((request) => request.url.includes('rpa_SECRET'))).toBe(false);
    expect(env.urlFetch.calls).toBe(1);
    expect(env.urlFetch.bytesReceived).toBeGreaterThan(0);
  });

  it('rejects long URLs', () => {
    const env = makeEnv();
    expect(messageOf(() => env.globals.UrlFetchApp.fetch(`https://api.runpod.io/echo?q=${'a'.repeat(2100)}`))).toBe('Exception: Limit Exceeded: URLFetch URL Length.');
  });

  it('rejects malformed URLs', () => {
    const env = makeEnv();
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('not a url'))).toBe('Exception: Invalid argument: not a url');
  });

  it('describes a request without sending it', () => {
    const env = makeEnv();
    const request = env.globals.UrlFetchApp.getRequest('https://api.runpod.io/echo', { method: 'post', payload: 'x' });
    expect(request.method).toBe('post');
    expect(request.contentType).toBe('application/x-www-form-urlencoded');
    expect(env.urlFetch.calls).toBe(0);
  });
});

describe('UrlFetchApp errors', () => {
  it('throws on HTTP errors', () => {
    const env = makeEnv();
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://api.runpod.io/status/401'))).toBe(
      'Exception: Request failed for https://api.runpod.io returned code 401. Truncated server response: {"error":"status 401"} (use muteHttpExceptions option to examine full response)',
    );
  });

  it('truncates long error bodies', () => {
    const env = makeEnv();
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://api.runpod.io/status/500?long=1'))).toMatch(/Truncated server response: \{"error":"x{90}\.\.\. \(use/);
  });

  it('returns HTTP errors when muted', () => {
    const env = makeEnv();
    const response = env.globals.UrlFetchApp.fetch('https://api.runpod.io/status/404', { muteHttpExceptions: true });
    expect(response.getResponseCode()).toBe(404);
    expect(response.getContentText()).toBe('{"error":"status 404"}');
  });

  it('throws on refused connections even when muted', () => {
    const env = makeEnv();
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://refused.runpod.io/x', { muteHttpExceptions: true }))).toBe(
      'Exception: Address unavailable: https://refused.runpod.io/x',
    );
  });

  it('times out', () => {
    const env = makeEnv({ fetchTimeoutMs: 300 });
    const started = Date.now();
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://api.runpod.io/hang', { muteHttpExceptions: true }))).toBe('Exception: Timeout: https://api.runpod.io/hang');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('throws on a dropped connection', () => {
    const env = makeEnv();
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://api.runpod.io/drop', { muteHttpExceptions: true }))).toBe('Exception: Unexpected error: https://api.runpod.io/drop');
  });

  it('limits the response size', () => {
    const env = makeEnv({ maxResponseBytes: 1000 });
    expect(env.globals.UrlFetchApp.fetch('https://api.runpod.io/big?bytes=1000').getContentText()).toHaveLength(1000);
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://api.runpod.io/big?bytes=1001'))).toBe('Exception: Response too large');
  });

  it('enforces the daily quota', () => {
    const env = makeEnv({ urlFetchDailyQuota: 2 });
    env.globals.UrlFetchApp.fetch('https://api.runpod.io/echo');
    env.globals.UrlFetchApp.fetch('https://api.runpod.io/echo');
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://api.runpod.io/echo'))).toBe('Exception: Service invoked too many times for one day: urlfetch.');
    env.clock.advance(24 * 3600 * 1000);
    expect(env.globals.UrlFetchApp.fetch('https://api.runpod.io/echo').getResponseCode()).toBe(200);
  });

  it('is denied in simple triggers', () => {
    const env = makeEnv({ executionContext: 'simpleTrigger' });
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://api.runpod.io/echo'))).toBe(
      'Exception: You do not have permission to call UrlFetchApp.fetch. Required permissions: https://www.googleapis.com/auth/script.external_request',
    );
    expect(env.urlFetch.calls).toBe(0);
  });
});

describe('UrlFetchApp redirects', () => {
  it('follows redirects', () => {
    const env = makeEnv();
    const response = env.globals.UrlFetchApp.fetch('https://api.runpod.io/redirect/3', { method: 'post', payload: 'x' });
    const echo = JSON.parse(response.getContentText()) as Echo;
    expect(echo.path).toBe('/echo');
    expect(echo.method).toBe('GET');
    expect(env.urlFetch.requests[0]?.redirects).toEqual(['https://api.runpod.io/redirect/2', 'https://api.runpod.io/redirect/1', 'https://api.runpod.io/echo']);
  });

  it('follows redirects to other hosts', () => {
    const env = makeEnv();
    const target = encodeURIComponent('https://redirect.runpod.io/echo');
    const echo = JSON.parse(env.globals.UrlFetchApp.fetch(`https://api.runpod.io/redirect-to?url=${target}`).getContentText()) as Echo;
    expect(echo.servername).toBe('redirect.runpod.io');
  });

  it('returns redirects when not following', () => {
    const env = makeEnv();
    const response = env.globals.UrlFetchApp.fetch('https://api.runpod.io/redirect/1', { followRedirects: false });
    expect(response.getResponseCode()).toBe(302);
    expect(response.getHeaders()).toEqual(expect.objectContaining({ Location: '/echo' }));
  });

  it('stops after ten redirects', () => {
    const env = makeEnv();
    expect(messageOf(() => env.globals.UrlFetchApp.fetch('https://api.runpod.io/loop'))).toBe('Exception: Unexpected error: https://api.runpod.io/loop');
    expect(env.urlFetch.requests[0]?.redirects).toHaveLength(10);
  });
});

describe('UrlFetchApp.fetchAll', () => {
  it('runs requests concurrently, in order', async () => {
    const env = makeEnv();
    const started = Date.now();
    const responses = env.globals.UrlFetchApp.fetchAll([400, 300, 200, 100].map((ms) => ({ url: `https://api.runpod.io/delay/${ms}` })));
    const elapsed = Date.now() - started;
    expect(responses.map((response) => (JSON.parse(response.getContentText()) as { delayed: number }).delayed)).toEqual([400, 300, 200, 100]);
    expect(elapsed).toBeLessThan(900);
    expect((await server.stats()).maxInFlight).toBe(4);
    expect(env.urlFetch.calls).toBe(4);
    expect(env.urlFetch.batches).toBe(1);
    expect(env.urlFetch.requests.map((request) => request.batch)).toEqual([0, 0, 0, 0]);
  });

  it('accepts URL strings', () => {
    const env = makeEnv();
    expect(env.globals.UrlFetchApp.fetchAll(['https://api.runpod.io/echo']).map((response) => response.getResponseCode())).toEqual([200]);
  });

  it('throws for the batch on an HTTP error', () => {
    const env = makeEnv();
    expect(messageOf(() => env.globals.UrlFetchApp.fetchAll([{ url: 'https://api.runpod.io/echo' }, { url: 'https://api.runpod.io/status/500' }]))).toContain(
      'returned code 500',
    );
  });

  it('returns HTTP errors when muted', () => {
    const env = makeEnv();
    const responses = env.globals.UrlFetchApp.fetchAll([
      { url: 'https://api.runpod.io/echo', muteHttpExceptions: true },
      { url: 'https://api.runpod.io/status/503', muteHttpExceptions: true },
    ]);
    expect(responses.map((response) => response.getResponseCode())).toEqual([200, 503]);
  });

  it('throws for the batch on a connection error', () => {
    const env = makeEnv();
    expect(
      messageOf(() =>
        env.globals.UrlFetchApp.fetchAll([
          { url: 'https://api.runpod.io/echo', muteHttpExceptions: true },
          { url: 'https://refused.runpod.io/', muteHttpExceptions: true },
        ]),
      ),
    ).toBe('Exception: Address unavailable: https://refused.runpod.io/');
    expect(env.urlFetch.calls).toBe(2);
  });
});

describe('HTTPResponse', () => {
  it('replaces invalid UTF-8', () => {
    const response = makeEnv().globals.UrlFetchApp.fetch('https://api.runpod.io/bytes');
    expect(response.getContentText()).toBe('hi\uFFFD\uFFFD');
    expect(response.getContent()).toEqual([104, 105, -1, -2]);
    expect(response.getBlob().getBytes()).toEqual([104, 105, -1, -2]);
  });

  it('decodes a named charset', () => {
    const response = makeEnv().globals.UrlFetchApp.fetch('https://api.runpod.io/latin1');
    expect(response.getContentText('ISO-8859-1')).toBe('café');
    expect(response.getBlob().getDataAsString('ISO-8859-1')).toBe('café');
  });

  it('reports headers as sent', () => {
    const response = makeEnv().globals.UrlFetchApp.fetch('https://api.runpod.io/multi-headers');
    expect(response.getHeaders()).toEqual(expect.objectContaining({ 'Set-Cookie': 'a=1, b=2', 'X-Custom-Header': 'Value' }));
    expect(response.getAllHeaders()).toEqual(expect.objectContaining({ 'Set-Cookie': ['a=1', 'b=2'], 'X-Custom-Header': 'Value' }));
  });

  it('decompresses gzip', () => {
    const response = makeEnv().globals.UrlFetchApp.fetch('https://api.runpod.io/gzip');
    expect(JSON.parse(response.getContentText())).toEqual({ compressed: true });
  });
});

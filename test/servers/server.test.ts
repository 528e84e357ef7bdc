import { generate } from 'selfsigned';

import { BUILTIN_API_KEY, builtinScenario } from './builtin-scenario';
import { graphqlBackendErrorFault, htmlErrorFault, redirectFault, RUNPOD_BACKEND_ERROR_MESSAGE } from './faults';
import { launchServers, type ServerHandle } from './launch';
import { graphqlRequest, httpsRequest } from './test-client';

const PANEL_HOST = 'a1b2c3d4e5-7777.proxy.runpod.net';
const MYSELF_QUERY = '{ myself { id } }';

let server: ServerHandle;

beforeAll(async () => {
  server = await launchServers(builtinScenario());
});

afterAll(async () => {
  await server.stop();
});

beforeEach(async () => {
  await server.setScenario(builtinScenario());
  await server.clearRequests();
});

describe('faults', () => {
  it('status and body replace answer', async () => {
    await server.addFault({ host: 'api.runpod.io', status: 503, body: '<html>busy</html>' });
    const response = await graphqlRequest(server, { query: MYSELF_QUERY, apiKey: BUILTIN_API_KEY });

    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toBe('<html>busy</html>');
  });

  it('content type and headers apply', async () => {
    await server.addFault({
      host: 'api.runpod.io',
      status: 429,
      body: '{"errors":[{"message":"slow down"}]}',
      contentType: 'application/json',
      headers: { 'Retry-After': '30' },
    });
    const response = await graphqlRequest(server, { query: MYSELF_QUERY, apiKey: BUILTIN_API_KEY });

    expect(response.status).toBe(429);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['retry-after']).toBe('30');
  });

  it('times limits matches', async () => {
    await server.addFault({ host: PANEL_HOST, status: 524, body: 'timeout', times: 2 });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' })).status);
    }
    const scenario = await server.getScenario();

    expect(statuses).toEqual([524, 524, 200]);
    expect(scenario.faults).toEqual([]);
  });

  it('path prefix selects requests', async () => {
    await server.addFault({ host: PANEL_HOST, path: '/usage-log?since=', status: 500, body: 'broken' });
    const filtered = await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log?since=0' });
    const whole = await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' });

    expect(filtered.status).toBe(500);
    expect(whole.status).toBe(200);
  });

  it('host must match exactly', async () => {
    await server.addFault({ host: 'f6g7h8i9j0-7777.proxy.runpod.net', status: 500, body: 'broken' });
    const response = await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' });

    expect(response.status).toBe(200);
  });

  it('first matching fault wins', async () => {
    await server.addFault({ host: PANEL_HOST, status: 500, body: 'first', times: 1 });
    await server.addFault({ host: PANEL_HOST, status: 502, body: 'second' });
    const first = await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' });
    const second = await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' });

    expect(first.body).toBe('first');
    expect(second.body).toBe('second');
  });

  it('delay holds the answer', async () => {
    await server.addFault({ host: PANEL_HOST, status: 200, body: '[]', contentType: 'application/json', delayMs: 300 });
    const started = Date.now();
    const response = await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' });

    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.body).toBe('[]');
  });

  it('drop closes connection', async () => {
    await server.addFault({ host: PANEL_HOST, status: 0, body: '', dropConnection: true, times: 1 });

    await expect(httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    const [recorded] = await server.requests();
    expect(recorded?.status).toBe(0);
    expect(recorded?.bytesSent).toBe(0);
  });

  it('clearFaults removes all', async () => {
    await server.addFault({ host: PANEL_HOST, status: 500, body: 'broken' });
    await server.clearFaults();
    const response = await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' });

    expect(response.status).toBe(200);
  });

  it('redirect fault sends location', async () => {
    await server.addFault(redirectFault(PANEL_HOST, 'https://login.runpod.io/', { times: 1 }));
    const response = await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' });

    expect(response.status).toBe(302);
    expect(response.headers['location']).toBe('https://login.runpod.io/');
  });

  it('backend error fault', async () => {
    await server.addFault(graphqlBackendErrorFault({ times: 1 }));
    const response = await graphqlRequest(server, { query: MYSELF_QUERY, apiKey: BUILTIN_API_KEY });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({
      data: { myself: null },
      errors: [{ message: RUNPOD_BACKEND_ERROR_MESSAGE, path: ['myself'] }],
    });
  });

  it('html error fault', async () => {
    await server.addFault(htmlErrorFault('api.runpod.io', 403));
    const response = await graphqlRequest(server, { query: MYSELF_QUERY, apiKey: BUILTIN_API_KEY });

    expect(response.status).toBe(403);
    expect(response.body).toContain('<title>Error 403</title>');
  });
});

describe('request recording', () => {
  it('records every field', async () => {
    const before = Date.now();
    const body = JSON.stringify({ query: MYSELF_QUERY });
    const response = await httpsRequest(server, {
      host: 'api.runpod.io',
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BUILTIN_API_KEY}`, 'x-trace': 'one' },
      body,
    });
    const [recorded, ...others] = await server.requests();

    expect(others).toEqual([]);
    expect(recorded).toMatchObject({
      host: 'api.runpod.io',
      servername: 'api.runpod.io',
      method: 'POST',
      url: '/graphql',
      body,
      status: 200,
      bytesSent: Buffer.byteLength(response.body),
    });
    expect(recorded?.headers['authorization']).toBe(`Bearer ${BUILTIN_API_KEY}`);
    expect(recorded?.headers['x-trace']).toBe('one');
    expect(recorded?.receivedAt).toBeGreaterThanOrEqual(before);
  });

  it('keeps order and clears', async () => {
    await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log?since=1' });
    await httpsRequest(server, { host: 'zzzzzzzzzz-7777.proxy.runpod.net', path: '/usage-log' });
    const recorded = await server.requests();
    await server.clearRequests();

    expect(recorded.map((request) => [request.host, request.url, request.status])).toEqual([
      [PANEL_HOST, '/usage-log?since=1', 200],
      ['zzzzzzzzzz-7777.proxy.runpod.net', '/usage-log', 404],
    ]);
    expect(await server.requests()).toEqual([]);
  });

  it('setScenario keeps requests', async () => {
    await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log' });
    await server.setScenario(builtinScenario());

    expect(await server.requests()).toHaveLength(1);
  });
});

describe('host dispatch', () => {
  it('SNI and Host mismatch returns 421', async () => {
    const response = await httpsRequest(server, { host: PANEL_HOST, servername: 'api.runpod.io', path: '/usage-log' });

    expect(response.status).toBe(421);
    expect(response.body).toBe(`Misdirected request: TLS server name "api.runpod.io" does not match Host "${PANEL_HOST}"`);
  });

  it.each([
    ['localhost', 'localhost', 'localhost'],
    ['loopback address', '127.0.0.1', undefined],
  ])('%s is not served', async (_case, host, servername) => {
    const response = await httpsRequest(server, { host, path: '/' });
    const [recorded] = await server.requests();

    expect(response.status).toBe(421);
    expect(response.body).toMatch(/^Misdirected request: this test server does not serve host/);
    expect(recorded?.servername).toBe(servername);
  });

  it('Host port is ignored', async () => {
    const response = await httpsRequest(server, { host: PANEL_HOST, path: '/usage-log', headers: { host: `${PANEL_HOST}:443` } });
    const [recorded] = await server.requests();

    expect(response.status).toBe(200);
    expect(recorded?.host).toBe(PANEL_HOST);
  });

  it('other CA is refused', async () => {
    const other = await generate([{ name: 'commonName', value: 'other' }], { keyType: 'ec', algorithm: 'sha256' });

    await expect(httpsRequest({ port: server.port, ca: other.cert }, { host: PANEL_HOST, path: '/usage-log' })).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('name outside certificate is refused', async () => {
    await expect(httpsRequest(server, { host: 'a.b.proxy.runpod.net', path: '/' })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});

describe('server handle', () => {
  it('routes point at the server', () => {
    expect(server.routes).toEqual({
      'api.runpod.io': { host: '127.0.0.1', port: server.port },
      '*.proxy.runpod.net': { host: '127.0.0.1', port: server.port },
    });
  });

  it('stop ends the process', async () => {
    const other = await launchServers();
    await other.stop();

    await expect(other.requests()).rejects.toThrow(/^The test server process exited/);
    await expect(httpsRequest(other, { host: PANEL_HOST, path: '/usage-log' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(other.stop()).resolves.toBeUndefined();
  });
});

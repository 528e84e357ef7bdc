import { readFileSync } from 'node:fs';
import path from 'node:path';

import { builtinScenario } from './builtin-scenario';
import { launchServers, type ServerHandle } from './launch';
import { dumpsLikePython } from './python-json';
import { httpsRequest } from './test-client';

const CONTROL_PANEL_DIR = path.join(__dirname, '..', 'data', 'control-panel');
const A1_USAGE_LOG = readFileSync(path.join(CONTROL_PANEL_DIR, 'a1b2c3d4e5-usage_log.json'), 'utf8');
const K1_USER_STATS = readFileSync(path.join(CONTROL_PANEL_DIR, 'k1l2m3n4o5-api_user_stats.json'), 'utf8');

interface UsageEvent {
  user: string;
  action: string;
  timestamp: number;
}

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

function get(host: string, requestPath: string, headers?: Record<string, string>) {
  return httpsRequest(server, { host, path: requestPath, headers });
}

describe('proxy routing', () => {
  it('usage log served unchanged', async () => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toBe(A1_USAGE_LOG);
  });

  it('user stats served unchanged', async () => {
    const response = await get('k1l2m3n4o5-7777.proxy.runpod.net', '/api/user_stats');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toBe(K1_USER_STATS);
  });

  it.each([
    ['old panel without usage log', 'k1l2m3n4o5-7777.proxy.runpod.net', '/usage-log', 'Not found: /usage-log'],
    ['panel without user stats', 'a1b2c3d4e5-7777.proxy.runpod.net', '/api/user_stats', 'Not found: /api/user_stats'],
    ['unknown path', 'a1b2c3d4e5-7777.proxy.runpod.net', '/api/sessions', 'Not found: /api/sessions'],
    ['trailing slash', 'a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log/', 'Not found: /usage-log/'],
  ])('%s returns 404 JSON', async (_case, host, requestPath, message) => {
    const response = await get(host, requestPath);

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({ error: message });
  });

  it.each([
    ['runtime null', 'p6q7r8s9t0-7777.proxy.runpod.net', 'pod p6q7r8s9t0 has no runtime'],
    ['exited pod', 'u1v2w3x4y5-8888.proxy.runpod.net', 'pod u1v2w3x4y5 is EXITED'],
    ['port not exposed', 'u1v2w3x4y5-7777.proxy.runpod.net', 'pod u1v2w3x4y5 is EXITED'],
    ['nothing on port', 'a1b2c3d4e5-8188.proxy.runpod.net', 'nothing listens on port 8188 of pod a1b2c3d4e5'],
    ['tcp port', 'a1b2c3d4e5-22.proxy.runpod.net', 'pod a1b2c3d4e5 does not expose 22/http'],
  ])('%s returns 502 HTML', async (_case, host, reason) => {
    const response = await get(host, '/usage-log');

    expect(response.status).toBe(502);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toMatch(/^<!DOCTYPE html>/);
    expect(response.body).toContain('<title>502 Bad Gateway</title>');
    expect(response.body).toContain(reason);
  });

  it('running pod without 7777 returns 502', async () => {
    await server.updatePod('a1b2c3d4e5', { ports: '8188/http,22/tcp' });
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log');

    expect(response.status).toBe(502);
    expect(response.body).toContain('does not expose 7777/http');
  });

  it('starting pod serves once running', async () => {
    await server.setPanelFile('p6q7r8s9t0', { kind: 'usage_log', body: '[]' });
    const starting = await get('p6q7r8s9t0-7777.proxy.runpod.net', '/usage-log');
    await server.updatePod('p6q7r8s9t0', { runtime: { uptimeInSeconds: 5, ports: [], gpus: [], container: null } });
    const running = await get('p6q7r8s9t0-7777.proxy.runpod.net', '/usage-log');

    expect(starting.status).toBe(502);
    expect(running.status).toBe(200);
    expect(running.body).toBe('[]');
  });

  it.each([
    ['unknown pod', 'zzzzzzzzzz-7777.proxy.runpod.net'],
    ['no port in host', 'a1b2c3d4e5.proxy.runpod.net'],
    ['port not a number', 'a1b2c3d4e5-http.proxy.runpod.net'],
  ])('%s returns 404 HTML', async (_case, host) => {
    const response = await get(host, '/usage-log');

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<title>404 Not Found</title>');
  });

  it('host is case-insensitive', async () => {
    const response = await get('A1B2C3D4E5-7777.Proxy.RunPod.net', '/usage-log');

    expect(response.status).toBe(200);
  });

  it('POST returns 405', async () => {
    const response = await httpsRequest(server, { host: 'a1b2c3d4e5-7777.proxy.runpod.net', path: '/usage-log', method: 'POST', body: '{}' });

    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET');
  });
});

describe('panel token', () => {
  beforeEach(async () => {
    await server.setScenario(builtinScenario({ panelToken: 'panel-secret' }));
  });

  it.each([
    ['missing header', undefined],
    ['wrong token', 'Bearer not-the-token'],
    ['token without scheme', 'panel-secret'],
  ])('%s returns 401', async (_case, authorization) => {
    const headers = authorization === undefined ? undefined : { authorization };
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log', headers);

    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(response.body).error).toMatch(/^Unauthorized/);
  });

  it('right token serves file', async () => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log', { authorization: 'Bearer panel-secret' });

    expect(response.status).toBe(200);
    expect(response.body).toBe(A1_USAGE_LOG);
  });

  it('unknown path still needs token', async () => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/nothing-here');

    expect(response.status).toBe(401);
  });
});

describe('usage log since', () => {
  const allEvents = JSON.parse(A1_USAGE_LOG) as UsageEvent[];
  const middle = allEvents[40]!.timestamp;

  it('returns events from since on', async () => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', `/usage-log?since=${middle}`);
    const events = JSON.parse(response.body) as UsageEvent[];

    expect(response.status).toBe(200);
    expect(events).toEqual(allEvents.filter((event) => event.timestamp >= middle));
    expect(events[0]!.timestamp).toBe(middle);
  });

  it('filtered log is compact JSON', async () => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', `/usage-log?since=${middle}`);
    const events = JSON.parse(response.body) as UsageEvent[];

    expect(response.body).toBe(dumpsLikePython(events, { compact: true }));
    expect(response.body).not.toContain('\n');
    expect(response.body).toContain('"timestamp":1796');
  });

  it('since 0 returns every entry', async () => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log?since=0');

    expect(JSON.parse(response.body)).toEqual(allEvents);
  });

  it.each([
    ['before first event', 0, allEvents.length],
    ['after last event', 4_000_000_000, 0],
    ['fractional seconds', middle + 0.000001, allEvents.length - 41],
  ])('%s filters', async (_case, since, count) => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', `/usage-log?since=${since}`);

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toHaveLength(count);
  });

  it.each([['abc'], [''], ['12abc'], ['Infinity'], ['NaN'], ['0x10'], ['1e400']])('since %p returns 400', async (since) => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', `/usage-log?since=${since}`);

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toBe(
      '{"error":"invalid query parameter","parameter":"since","detail":"since must be a finite number of seconds since the Unix epoch, such as 1794357355.34"}',
    );
  });

  it('since twice returns 400', async () => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log?since=1&since=2');

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: 'invalid query parameter', parameter: 'since', detail: 'since must appear at most once' });
  });

  it.each([['1.794e9'], ['+1794000000.'], ['1794000000000']])('accepts since %p', async (since) => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', `/usage-log?since=${encodeURIComponent(since)}`);

    expect(response.status).toBe(200);
  });

  it.each([['1_794_000_000'], [' 1794000000 ']])('rejects since %p as the exporter does', async (since) => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', `/usage-log?since=${encodeURIComponent(since)}`);

    expect(response.status).toBe(400);
  });

  it('keeps entries without a usable timestamp', async () => {
    const entries = [
      { user: 'ana', action: 'start', timestamp: 1794000000.5 },
      { user: 'ana', action: 'stop' },
      { user: 'bo', action: 'start', timestamp: 'not a time' },
      { user: 'bo', action: 'stop', timestamp: true },
      { user: 'bo', action: 'stop', timestamp: 1794000100 },
    ];
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body: JSON.stringify(entries) });
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log?since=1794000050');

    expect(JSON.parse(response.body)).toEqual(entries.slice(1));
  });

  it('reads milliseconds and numeric strings', async () => {
    const entries = [
      { user: 'chen', action: 'start', timestamp: 1794000000000 },
      { user: 'chen', action: 'stop', timestamp: '1794000100.25' },
      { user: 'dana', action: 'start', timestamp: 1794000200123 },
    ];
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body: JSON.stringify(entries) });
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log?since=1794000100.25');

    expect(JSON.parse(response.body)).toEqual(entries.slice(1));
    expect(response.headers['x-log-first-timestamp']).toBe('1794000000.0');
  });
});

describe('usage log headers', () => {
  const allEvents = JSON.parse(A1_USAGE_LOG) as UsageEvent[];

  it.each([
    ['without since', '/usage-log'],
    ['with since', '/usage-log?since=4000000000'],
  ])('count whole file %s', async (_case, requestPath) => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', requestPath);

    expect(response.headers['x-log-entries']).toBe(String(allEvents.length));
    expect(response.headers['x-log-first-timestamp']).toBe(String(allEvents[0]!.timestamp));
  });

  it('integral first timestamp as Python float', async () => {
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body: '[{"user": "ana", "action": "start", "timestamp": 1794000000}]' });
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log');

    expect(response.headers['x-log-first-timestamp']).toBe('1794000000.0');
  });

  it.each([
    ['empty log', '[]', '0'],
    ['first entry without timestamp', '[{"user": "ana", "action": "start"}, {"user": "ana", "action": "stop", "timestamp": 1794000000.5}]', '2'],
  ])('%s has no first timestamp', async (_case, body, count) => {
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body });
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log');

    expect(response.status).toBe(200);
    expect(response.headers['x-log-entries']).toBe(count);
    expect(response.headers['x-log-first-timestamp']).toBeUndefined();
  });

  it('no-store on every response', async () => {
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log');

    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('unreadable usage log', () => {
  const busy = {
    error: 'log busy',
    detail: 'the file was empty, changing or not valid JSON on 5 reads 50 ms apart; the control panel may be rewriting it',
    path: '/workspace/user_data/usage_log.json',
  };

  async function useExporterErrors(): Promise<void> {
    const scenario = builtinScenario();
    scenario.pods[0]!.panel!.exporterErrors = true;
    await server.setScenario(scenario);
  }

  it.each([
    ['empty file', ''],
    ['cut off mid-write', A1_USAGE_LOG.slice(0, 500)],
    ['not an array', '{"user": "ana"}'],
  ])('%s served raw by default', async (_case, body) => {
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body });
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log?since=0');

    expect(response.status).toBe(200);
    expect(response.body).toBe(body);
    expect(response.headers['x-log-entries']).toBeUndefined();
  });

  it.each([
    ['empty file', ''],
    ['blank file', ' \n'],
    ['cut off mid-write', A1_USAGE_LOG.slice(0, 500)],
  ])('%s returns 503 with exporter errors', async (_case, body) => {
    await useExporterErrors();
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body });

    for (const requestPath of ['/usage-log', '/usage-log?since=0']) {
      const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', requestPath);

      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['retry-after']).toBe('5');
      expect(JSON.parse(response.body)).toEqual(busy);
    }
  });

  it('non-array returns 500 with exporter errors', async () => {
    await useExporterErrors();
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body: '{"user": "ana"}' });
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log');

    expect(response.status).toBe(500);
    expect(response.body).toBe('{"error":"usage log is not a JSON array","path":"/workspace/user_data/usage_log.json"}');
  });

  it('invalid since checked before the file', async () => {
    await useExporterErrors();
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body: '' });
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log?since=abc');

    expect(response.status).toBe(400);
  });

  it('whole file served with exporter errors', async () => {
    await useExporterErrors();
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log');

    expect(response.status).toBe(200);
    expect(response.body).toBe(A1_USAGE_LOG);
  });
});

describe('panel file changes', () => {
  const newEvent = { user: 'zoe', action: 'start', timestamp: 1796100000.5, datetime: '2026-12-01T04:40:00.500000', gpu: 'NVIDIA RTX A5000' };

  it('appendEvents adds to log', async () => {
    await server.appendEvents('a1b2c3d4e5', [newEvent]);
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log');
    const events = JSON.parse(response.body) as UsageEvent[];

    expect(events).toHaveLength(80);
    expect(events[79]).toEqual(newEvent);
    expect(response.body).toBe(`${A1_USAGE_LOG.trimEnd().slice(0, -2)},\n${dumpsLikePython([newEvent]).slice(2)}`);
  });

  it('appendEvents keeps newest 1000', async () => {
    await server.appendEvents('f6g7h8i9j0', [newEvent, { ...newEvent, action: 'stop', timestamp: 1796103600.5 }]);
    const response = await get('f6g7h8i9j0-7777.proxy.runpod.net', '/usage-log');
    const events = JSON.parse(response.body) as UsageEvent[];

    expect(events).toHaveLength(1000);
    expect(events[998]).toEqual(newEvent);
    expect(events[999]!.timestamp).toBe(1796103600.5);
  });

  it('appendEvents creates missing log', async () => {
    await server.appendEvents('k1l2m3n4o5', [newEvent]);
    const usageLog = await get('k1l2m3n4o5-7777.proxy.runpod.net', '/usage-log');
    const userStats = await get('k1l2m3n4o5-7777.proxy.runpod.net', '/api/user_stats');

    expect(JSON.parse(usageLog.body)).toEqual([newEvent]);
    expect(userStats.body).toBe(K1_USER_STATS);
  });

  it('appendEvents rejects broken log', async () => {
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body: '[{"user": "chen", ' });

    await expect(server.appendEvents('a1b2c3d4e5', [newEvent])).rejects.toThrow(
      /^Cannot append to the usage_log of pod a1b2c3d4e5: its body is not valid JSON/,
    );
  });

  it('setPanelFile replaces same kind', async () => {
    await server.setPanelFile('a1b2c3d4e5', { kind: 'usage_log', body: '[]' });
    const response = await get('a1b2c3d4e5-7777.proxy.runpod.net', '/usage-log');

    expect(response.body).toBe('[]');
  });

  it.each([
    ['updatePod', () => server.updatePod('zzzzzzzzzz', { name: 'x' })],
    ['setPanelFile', () => server.setPanelFile('zzzzzzzzzz', { kind: 'usage_log', body: '[]' })],
    ['appendEvents', () => server.appendEvents('zzzzzzzzzz', [])],
  ])('%s rejects unknown pod', async (_case, change) => {
    await expect(change()).rejects.toThrow('Pod zzzzzzzzzz not found in the scenario (pods: a1b2c3d4e5, f6g7h8i9j0, k1l2m3n4o5, p6q7r8s9t0, u1v2w3x4y5)');
  });
});

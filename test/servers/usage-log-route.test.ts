/**
 * Checks the simulated `/usage-log` against the real exporter (pod/usage_exporter.py): for the
 * same stored file and query, both must send the same status, headers and body.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { startPythonExporter, type PythonExporter } from '../harness/python-exporter';
import { dumpsLikePython } from './python-json';
import { httpsRequest, type TestResponse } from './test-client';
import { parsePythonFloat, serveUsageLog, SIMULATED_LOG_PATH, timestampSeconds } from './usage-log-route';

const CONTROL_PANEL_DIR = path.join(__dirname, '..', 'data', 'control-panel');
const A1_USAGE_LOG = readFileSync(path.join(CONTROL_PANEL_DIR, 'a1b2c3d4e5-usage_log.json'), 'utf8');
const F6_USAGE_LOG = readFileSync(path.join(CONTROL_PANEL_DIR, 'f6g7h8i9j0-usage_log.json'), 'utf8');
const TOKEN = 'route-parity-token-0123456789';
/** The headers the sheet or a client reads; Date, Server and Content-Length differ by design. */
const COMPARED_HEADERS = ['content-type', 'cache-control', 'x-content-type-options', 'retry-after', 'x-log-entries', 'x-log-first-timestamp'];

const A1_MIDDLE = (JSON.parse(A1_USAGE_LOG) as { timestamp: number }[])[40]!.timestamp;
const QUERIES = [
  '',
  '?since=0',
  `?since=${A1_MIDDLE}`,
  `?since=${A1_MIDDLE + 0.000001}`,
  '?since=4000000000',
  '?since=1_794_000_000',
  '?since=%201794000100.25%20',
  '?since=1794000100.25',
  '?since=%2B1794000000.',
  '?since=1.794e9',
  '?since=abc',
  '?since=',
  '?since',
  '?since=inf',
  '?since=1e400',
  '?since=0x10',
  '?since=1&since=2',
];
const UNREADABLE_QUERIES = ['', '?since=0', '?since=abc', '?since=1&since=2'];

/** Entries of every kind, with Python floats where the panel writes them (`4.0`, not `4`). */
const MIXED_TIMESTAMPS = dumpsLikePython([
  { user: 'ana', action: 'start' },
  { user: 'chen', action: 'start', timestamp: 1794000000000 },
  { user: 'chen', action: 'stop', timestamp: '1794000100.25' },
  { user: 'bo', action: 'start', timestamp: 'not a time' },
  { user: 'bo', action: 'stop', timestamp: true },
  { user: 'Zoë', action: 'start', timestamp: 1794000150.5, gpu: 'RTX 4090 😀' },
  { user: 'Zoë', action: 'stop', timestamp: 1794000200.5, duration_hours: 1.0, cost: 4.0 },
  'not an object',
  null,
]);

let exporter: PythonExporter;

beforeAll(async () => {
  exporter = await startPythonExporter({ token: TOKEN });
});

afterAll(async () => {
  await exporter?.stop();
});

function exporterGet(requestPath: string): Promise<TestResponse> {
  return httpsRequest(
    { port: exporter.port, ca: exporter.ca },
    { host: 'x1y2z3w4v5-7778.proxy.runpod.net', path: requestPath, headers: { authorization: `Bearer ${TOKEN}` } },
  );
}

function comparedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, unknown> {
  return Object.fromEntries(COMPARED_HEADERS.map((name) => [name, headers[name]]));
}

describe('simulated /usage-log matches the exporter', () => {
  it.each([
    ['panel log', A1_USAGE_LOG, QUERIES],
    ['1000-entry log', F6_USAGE_LOG, QUERIES],
    ['mixed timestamps', MIXED_TIMESTAMPS, QUERIES],
    ['empty array', '[]', QUERIES],
    // The exporter spends 200 ms on retries for each request to an unreadable file.
    ['empty file', '', UNREADABLE_QUERIES],
    ['cut off mid-write', A1_USAGE_LOG.slice(0, 500), UNREADABLE_QUERIES],
    ['object', '{"user": "ana"}', QUERIES],
  ])('%s', async (_case, body, queries) => {
    writeFileSync(exporter.usageLogPath, body);

    for (const query of queries) {
      const real = await exporterGet(`/usage-log${query}`);
      const url = new URL(`https://pod/usage-log${query}`);
      const simulated = serveUsageLog(body, url.searchParams.getAll('since'), true);
      const realBody = real.body.replace(JSON.stringify(exporter.usageLogPath), JSON.stringify(SIMULATED_LOG_PATH));

      expect([query, simulated.status]).toEqual([query, real.status]);
      expect([query, comparedHeaders(simulated.headers)]).toEqual([query, comparedHeaders(real.headers)]);
      if (query === '' && real.status === 200) {
        // Without since the simulator serves the stored file, where the exporter re-encodes it.
        expect([query, JSON.parse(simulated.body)]).toEqual([query, JSON.parse(realBody)]);
        expect([query, dumpsLikePython(JSON.parse(simulated.body), { compact: true })]).toEqual([query, realBody]);
      } else {
        expect([query, simulated.body]).toEqual([query, realBody]);
      }
    }
  });
});

describe('parsePythonFloat', () => {
  it.each([
    ['12', 12],
    [' 12.5\n', 12.5],
    ['1_000.000_1', 1000.0001],
    ['+1.', 1],
    ['-.5', -0.5],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
  ])('reads %p', (text, expected) => {
    expect(parsePythonFloat(text)).toBe(expected);
  });

  it('reads nan', () => {
    expect(parsePythonFloat('NaN')).toBeNaN();
  });

  it.each([[''], ['abc'], ['0x10'], ['1__0'], ['_1'], ['1_'], ['1e'], ['.'], ['1 2'], ['12abc']])('rejects %p', (text) => {
    expect(parsePythonFloat(text)).toBeUndefined();
  });
});

describe('timestampSeconds', () => {
  it.each([
    ['seconds', { timestamp: 1794000000.5 }, 1794000000.5],
    ['milliseconds', { timestamp: 1794000000500 }, 1794000000.5],
    ['numeric string', { timestamp: '1794000000.5' }, 1794000000.5],
    ['millisecond string', { timestamp: '1794000000500' }, 1794000000.5],
  ])('reads %s', (_case, entry, expected) => {
    expect(timestampSeconds(entry)).toBe(expected);
  });

  it.each([
    ['missing', {}],
    ['boolean', { timestamp: true }],
    ['null', { timestamp: null }],
    ['text', { timestamp: 'soon' }],
    ['infinite string', { timestamp: 'inf' }],
    ['not an object', 'entry'],
    ['array', [1794000000]],
  ])('rejects %s', (_case, entry) => {
    expect(timestampSeconds(entry)).toBeUndefined();
  });
});

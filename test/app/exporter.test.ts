/**
 * Full refreshes of the built bundle against the real pod exporter (`pod/usage_exporter.py`),
 * which serves HTTPS itself on loopback. RunPod stays simulated: its pod exposes the exporter's
 * port 7778 and has no simulated panel, and the pod's proxy host is routed to the exporter.
 */
import { rmSync, writeFileSync } from 'node:fs';

import { DEFAULT_NOW, startHarness, type Harness } from '../harness/harness';
import { startPythonExporter, type PythonExporter } from '../harness/python-exporter';
import { scenarioWith, TEST_API_KEY } from '../harness/scenarios';
import { launchServers, type ServerHandle } from '../servers/launch';
import { dumpsLikePython } from '../servers/python-json';
import type { SimPod } from '../servers/scenario';

const POD_ID = 'x1y2z3w4v5';
const EXPORTER_PORT = 7778;
const PROXY_HOST = `${POD_ID}-${EXPORTER_PORT}.proxy.runpod.net`;
const POD_TOKEN = 'exporter-test-token-0123456789';
const NOW_SECONDS = DEFAULT_NOW / 1000;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;
/**
 * The tabs that a refresh which cannot read the pod's log leaves unchanged. Prices is left out
 * because RunPod still reports the pod, so its price's Last Seen moves on. Monthly is left out
 * because it extends a running session to the time of the refresh, even when the session's row
 * was not updated.
 */
const KEPT_TABS = ['Sessions', 'Usage Summary', 'Invalid Rows'];

interface PanelEvent {
  user: string;
  action: 'start' | 'stop';
  timestamp: number;
  datetime: string;
  gpu?: string;
  duration_hours?: number;
  cost?: number;
}

let servers: ServerHandle;
let exporter: PythonExporter;
const harnesses: Harness[] = [];

beforeAll(async () => {
  servers = await launchServers(scenarioWith([exporterPod()]));
  exporter = await startPythonExporter({ token: POD_TOKEN });
});

afterAll(async () => {
  await Promise.all([servers?.stop(), exporter?.stop()]);
});

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.stop()));
});

/** Builds a running pod that exposes only the exporter's port, as `7778/http`, and has no simulated panel. */
function exporterPod(): SimPod {
  return {
    graphql: {
      id: POD_ID,
      name: 'exporter-pod',
      desiredStatus: 'RUNNING',
      costPerHr: 0.5,
      adjustedCostPerHr: 0.5,
      gpuCount: 1,
      ports: `${EXPORTER_PORT}/http`,
      machine: { gpuDisplayName: 'RTX 4090', location: 'EU-SE-1' },
      runtime: { uptimeInSeconds: 3600, ports: [], gpus: [{ id: 'GPU-1', gpuUtilPercent: 50, memoryUtilPercent: 40 }], container: { cpuPercent: 1, memoryPercent: 1 } },
    },
  };
}

/** Starts a harness whose pod proxy host reaches the exporter, and saves the exporter's settings. */
async function exporterHarness(podToken = POD_TOKEN): Promise<Harness> {
  const harness = await startHarness({
    servers,
    scenario: scenarioWith([exporterPod()]),
    extraRoutes: { [PROXY_HOST]: { host: '127.0.0.1', port: exporter.port } },
    extraCa: exporter.ca,
  });
  harnesses.push(harness);
  harness.open();
  const saved = harness.saveSettings({ apiKey: TEST_API_KEY, podToken, port: String(EXPORTER_PORT), paths: '/usage-log, /user-stats' });
  expect(saved).toMatchObject({ ok: true, view: { port: EXPORTER_PORT, paths: '/usage-log, /user-stats', hasPodToken: true } });
  return harness;
}

/**
 * Builds the start and stop events of a session that runs from `startSeconds` for `hours`, with
 * fractional timestamps as the panel's `time.time()` writes them.
 */
function closedSession(user: string, startSeconds: number, hours: number): PanelEvent[] {
  const stopSeconds = startSeconds + hours * SECONDS_PER_HOUR + 0.25;
  return [startEvent(user, startSeconds), { user, action: 'stop', timestamp: stopSeconds, datetime: isoSeconds(stopSeconds), duration_hours: hours, cost: round(hours * 0.74) }];
}

function startEvent(user: string, startSeconds: number): PanelEvent {
  return { user, action: 'start', timestamp: startSeconds, datetime: isoSeconds(startSeconds), gpu: 'NVIDIA GeForce RTX 4090' };
}

function stopEvent(user: string, startSeconds: number, stopSeconds: number): PanelEvent {
  const hours = round((stopSeconds - startSeconds) / SECONDS_PER_HOUR);
  return { user, action: 'stop', timestamp: stopSeconds, datetime: isoSeconds(stopSeconds), duration_hours: hours, cost: round(hours * 0.74) };
}

/** Moves the harness's fake clock forward by `seconds`. */
function advanceClock(harness: Harness, seconds: number): void {
  harness.env.clock.advance(seconds * 1000);
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('Z', '');
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Rewrites the whole log, as the panel does on every event: `json.dump(entries, file, indent=2)`. */
function writeUsageLog(events: readonly PanelEvent[]): void {
  writeFileSync(exporter.usageLogPath, dumpsLikePython(events));
}

/** Writes the panel's user_statistics.json for the closed sessions among `events`. */
function writeUserStats(events: readonly PanelEvent[]): void {
  const stats: Record<string, { total_hours: number; total_cost: number; sessions: object[]; gpu_used: string }> = {};
  const starts = new Map<string, PanelEvent>();
  for (const event of events) {
    if (event.action === 'start') {
      starts.set(event.user, event);
      continue;
    }
    const start = starts.get(event.user);
    if (start === undefined) continue;
    starts.delete(event.user);
    const entry = (stats[event.user] ??= { total_hours: 0, total_cost: 0, sessions: [], gpu_used: start.gpu ?? '' });
    entry.sessions.push({
      start_time: start.timestamp,
      end_time: event.timestamp,
      start_datetime: start.datetime,
      end_datetime: event.datetime,
      duration_hours: event.duration_hours,
      cost: event.cost,
      gpu: start.gpu,
      hourly_rate: 0.74,
    });
    entry.total_hours += event.duration_hours ?? 0;
    entry.total_cost += event.cost ?? 0;
  }
  writeFileSync(exporter.userStatsPath, dumpsLikePython(stats));
}

/** Removes user_statistics.json, as on a pod where no session has stopped since the panel was installed. */
function removeUserStats(): void {
  rmSync(exporter.userStatsPath, { force: true });
}

/** Writes the first half of the log's bytes, which is what a read during the panel's rewrite gets. */
function writeTornUsageLog(events: readonly PanelEvent[]): void {
  const body = dumpsLikePython(events);
  writeFileSync(exporter.usageLogPath, body.slice(0, Math.floor(body.length / 2)));
}

function syncStatus(harness: Harness): Record<string, unknown> {
  const rows = harness.rows('Sync Status');
  expect(rows).toHaveLength(1);
  return rows[0] as Record<string, unknown>;
}

function sessionKeys(harness: Harness): unknown[] {
  return harness.rows('Sessions').map((row) => row['Session Key']);
}

/** Lists the requests the bundle sent to the exporter, as path and query with their statuses. */
function exporterRequests(harness: Harness): { path: string; status: number }[] {
  return harness.env.urlFetch.requests
    .filter((request) => new URL(request.url).host === PROXY_HOST)
    .map((request) => ({ path: new URL(request.url).pathname + new URL(request.url).search, status: request.status }));
}

// Three of ana's sessions on the day before, then bo's session that is still running.
const ANA_START = NOW_SECONDS - 26 * SECONDS_PER_HOUR + 0.123456;
const BO_START = NOW_SECONDS - 40 * SECONDS_PER_MINUTE + 0.654321;
const HISTORY: PanelEvent[] = [
  ...closedSession('ana', ANA_START, 1.5),
  ...closedSession('ana', ANA_START + 3 * SECONDS_PER_HOUR, 2),
  ...closedSession('ana', ANA_START + 8 * SECONDS_PER_HOUR, 0.5),
  startEvent('bo', BO_START),
];

describe('refresh through the Python exporter', () => {
  beforeEach(() => {
    writeUsageLog(HISTORY);
    writeUserStats(HISTORY);
  });

  it('routes the exact proxy host to the exporter', async () => {
    const harness = await exporterHarness();
    harness.refresh();

    expect(exporterRequests(harness)).toEqual([
      { path: '/usage-log', status: 200 },
    ]);
    expect((await servers.requests()).filter((request) => request.host === PROXY_HOST)).toEqual([]);
  });

  it('writes exporter sessions to Sessions', async () => {
    const harness = await exporterHarness();
    const report = harness.refresh();

    expect(report.status).toBe('done');
    expect(report.outcome?.rowsAdded).toBe(4);
    const sessions = harness.rows('Sessions');
    expect(sessions.map((row) => [row.User, row.Status, row.Source, row['Pod ID']])).toEqual([
      ['ana', 'closed', 'usage_log', POD_ID],
      ['ana', 'closed', 'usage_log', POD_ID],
      ['ana', 'closed', 'usage_log', POD_ID],
      ['bo', 'running', 'usage_log', POD_ID],
    ]);
    expect((sessions[0]?.Started as Date).getTime()).toBe(Math.floor(ANA_START * 1000));
    expect(sessions[0]?.['Panel Cost ($)']).toBe(1.11);
    expect(sessions[3]?.Ended).toBe('');
    expect(sessions[3]?.['Duration (hrs)']).toBeCloseTo((NOW_SECONDS - BO_START) / SECONDS_PER_HOUR, 3);
  });

  it('reports the exporter pod as ok', async () => {
    const harness = await exporterHarness();
    harness.refresh();

    const status = syncStatus(harness);
    expect(status).toMatchObject({ 'Pod ID': POD_ID, Result: 'ok', Error: '', 'Rows Added': 4, 'Invalid Records': 0 });
    expect(status.Bytes).toBeGreaterThan(0);
    expect((status['Log Cursor'] as Date).getTime()).toBe(Math.floor(BO_START * 1000));
    expect(harness.rows('Live Pods')[0]).toMatchObject({ 'Pod ID': POD_ID, 'Control Panel': 'answered' });
  });

  it('sends the pod token only in the header', async () => {
    const harness = await exporterHarness();
    harness.refresh();

    const sent = harness.env.urlFetch.requests.filter((request) => new URL(request.url).host === PROXY_HOST);
    expect(sent.map((request) => request.headers.Authorization)).toEqual([`Bearer ${POD_TOKEN}`]);
    expect(sent.filter((request) => request.url.includes(POD_TOKEN))).toEqual([]);
    const cells = harness.env.spreadsheet.sheetList.flatMap((sheet) => harness.tab(sheet.sheetName)).flat().map(String);
    expect(cells.filter((cell) => cell.includes(POD_TOKEN))).toEqual([]);
    expect(exporter.logLines().filter((line) => line.includes(POD_TOKEN))).toEqual([]);
  });

  it('asks only since the cursor the second time', async () => {
    const harness = await exporterHarness();
    harness.refresh();
    const firstBytes = harness.env.urlFetch.bytesReceived;
    const firstStatusBytes = syncStatus(harness).Bytes as number;

    advanceClock(harness, 10 * SECONDS_PER_MINUTE);
    const report = harness.refresh();

    // The event log responded, so /user-stats, a fallback for panels without it, is not asked.
    expect(exporterRequests(harness).slice(1)).toEqual([{ path: `/usage-log?since=${Math.floor(BO_START)}`, status: 200 }]);
    const secondBytes = harness.env.urlFetch.bytesReceived - firstBytes;
    expect(secondBytes).toBeLessThan(firstBytes);
    expect(syncStatus(harness).Bytes).toBeLessThan(firstStatusBytes);
    expect(report.outcome?.rowsAdded).toBe(0);
    expect(report.outcome?.rowsUpdated).toBe(1);
    expect(syncStatus(harness).Result).toBe('ok');
  });
});

describe('torn usage log', () => {
  beforeEach(() => {
    writeUsageLog(HISTORY);
    removeUserStats();
  });

  it('reports log busy and keeps rows', async () => {
    const harness = await exporterHarness();
    harness.refresh();
    const before = KEPT_TABS.map((name) => harness.tab(name));
    const synced = syncStatus(harness);

    writeTornUsageLog(HISTORY);
    advanceClock(harness, 10 * SECONDS_PER_MINUTE);
    const report = harness.refresh();

    expect(exporterRequests(harness).slice(1)).toEqual([{ path: `/usage-log?since=${Math.floor(BO_START)}`, status: 503 }]);
    expect(KEPT_TABS.map((name) => harness.tab(name))).toEqual(before);
    const status = syncStatus(harness);
    expect(status.Result).toBe('log busy');
    expect(status['Last Success']).toEqual(synced['Last Success']);
    expect(status['Log Cursor']).toEqual(synced['Log Cursor']);
    expect(status.Error).toContain('/usage-log');
    expect(status.Error).toContain('HTTP 503');
    expect(status.Error).toContain('The next refresh tries again');
    expect(report.message).toContain('exporter-pod (log busy)');
    expect(report.message).toContain('see the Sync Status tab');
  });

  it('catches up once the log is whole', async () => {
    const torn = await exporterHarness();
    const untouched = await exporterHarness();
    torn.refresh();
    untouched.refresh();

    writeTornUsageLog(HISTORY);
    advanceClock(torn, 10 * SECONDS_PER_MINUTE);
    advanceClock(untouched, 10 * SECONDS_PER_MINUTE);
    torn.refresh();
    expect(syncStatus(torn).Result).toBe('log busy');

    // The rewrite that was under way completes: bo stopped and cy started.
    const stopSeconds = NOW_SECONDS + 5 * SECONDS_PER_MINUTE + 0.5;
    const final = [...HISTORY, stopEvent('bo', BO_START, stopSeconds), startEvent('cy', stopSeconds + 30)];
    writeUsageLog(final);
    advanceClock(torn, 10 * SECONDS_PER_MINUTE);
    advanceClock(untouched, 10 * SECONDS_PER_MINUTE);
    const report = torn.refresh();
    untouched.refresh();

    expect(syncStatus(torn).Result).toBe('ok');
    expect(syncStatus(torn)['Log Cursor']).toEqual(syncStatus(untouched)['Log Cursor']);
    expect(report.outcome?.rowsAdded).toBe(1);
    expect(report.outcome?.rowsUpdated).toBe(1);
    for (const name of [...KEPT_TABS, 'Monthly', 'Prices', 'Live Pods']) {
      expect([name, torn.tab(name)]).toEqual([name, untouched.tab(name)]);
    }
    expect(torn.rows('Sessions').map((row) => [row.User, row.Status])).toEqual([
      ['ana', 'closed'],
      ['ana', 'closed'],
      ['ana', 'closed'],
      ['bo', 'closed'],
      ['cy', 'running'],
    ]);
  });

  it('keeps rows when stats are whole', async () => {
    writeUserStats(HISTORY);
    const harness = await exporterHarness();
    harness.refresh();
    const before = KEPT_TABS.map((name) => harness.tab(name));
    const synced = syncStatus(harness);

    writeTornUsageLog(HISTORY);
    advanceClock(harness, 10 * SECONDS_PER_MINUTE);
    harness.refresh();

    // /user-stats is asked only when /usage-log is missing, so a busy log leaves the pod log busy.
    const status = syncStatus(harness);
    expect(status.Result).toBe('log busy');
    expect(status.Error).toContain('/usage-log');
    expect(status.Error).toContain('HTTP 503');
    expect(status['Log Cursor']).toEqual(synced['Log Cursor']);
    expect(KEPT_TABS.map((name) => harness.tab(name))).toEqual(before);
  });
});

describe('wrong pod token', () => {
  beforeEach(() => {
    writeUsageLog(HISTORY);
    writeUserStats(HISTORY);
  });

  it('reports unauthorized', async () => {
    const harness = await exporterHarness('not-the-exporter-token');
    const report = harness.refresh();

    expect(exporterRequests(harness)).toEqual([{ path: '/usage-log', status: 401 }]);
    const status = syncStatus(harness);
    expect(status.Result).toBe('unauthorized');
    expect(status['Last Success']).toBe('');
    expect(status.Error).toContain('/usage-log: ');
    expect(status.Error).toContain('HTTP 401');
    expect(status.Error).toContain('Usage > Settings');
    expect(report.message).toContain('exporter-pod (unauthorized)');
    expect(harness.rows('Sessions')).toEqual([]);
  });

  it('keeps rows after the token changes', async () => {
    const harness = await exporterHarness();
    harness.refresh();
    const before = KEPT_TABS.map((name) => harness.tab(name));
    const synced = syncStatus(harness);

    harness.saveSettings({ apiKey: TEST_API_KEY, podToken: 'not-the-exporter-token', port: String(EXPORTER_PORT), paths: '/usage-log, /user-stats' });
    advanceClock(harness, 10 * SECONDS_PER_MINUTE);
    harness.refresh();

    const status = syncStatus(harness);
    expect(status.Result).toBe('unauthorized');
    expect(status['Last Success']).toEqual(synced['Last Success']);
    expect(status['Log Cursor']).toEqual(synced['Log Cursor']);
    expect(KEPT_TABS.map((name) => harness.tab(name))).toEqual(before);
  });
});

describe('events appended by the panel', () => {
  beforeEach(() => {
    writeUsageLog(HISTORY);
    writeUserStats(HISTORY);
  });

  it('closes the running session in place', async () => {
    const harness = await exporterHarness();
    harness.refresh();
    const before = harness.tab('Sessions');
    const boPosition = sessionKeys(harness).findIndex((key) => String(key).startsWith('bo|'));

    const stopSeconds = NOW_SECONDS + 20 * SECONDS_PER_MINUTE + 0.75;
    const appended = [...HISTORY, stopEvent('bo', BO_START, stopSeconds), ...closedSession('cy', stopSeconds + 60, 0.25), startEvent('di', stopSeconds + 30 * SECONDS_PER_MINUTE)];
    writeUsageLog(appended);
    writeUserStats(appended);
    advanceClock(harness, SECONDS_PER_HOUR);
    const report = harness.refresh();

    expect(report.outcome?.rowsAdded).toBe(2);
    expect(report.outcome?.rowsUpdated).toBe(1);
    const after = harness.tab('Sessions');
    expect(after).toHaveLength(before.length + 2);
    const changed = before.map((row, index) => (JSON.stringify(row) === JSON.stringify(after[index]) ? null : index)).filter((index) => index !== null);
    expect(changed).toEqual([boPosition + 1]);

    const bo = harness.rows('Sessions')[boPosition];
    expect(bo).toMatchObject({ User: 'bo', Status: 'closed', Source: 'usage_log' });
    expect((bo?.Ended as Date).getTime()).toBe(Math.floor(stopSeconds * 1000));
    expect(bo?.['Duration (hrs)']).toBeCloseTo((stopSeconds - BO_START) / SECONDS_PER_HOUR, 3);
    expect(harness.rows('Sessions').slice(-2).map((row) => [row.User, row.Status])).toEqual([
      ['cy', 'closed'],
      ['di', 'running'],
    ]);
  });

  it('moves the cursor to the new running session', async () => {
    const harness = await exporterHarness();
    harness.refresh();

    const stopSeconds = NOW_SECONDS + 20 * SECONDS_PER_MINUTE + 0.75;
    const diStart = stopSeconds + 30 * SECONDS_PER_MINUTE;
    writeUsageLog([...HISTORY, stopEvent('bo', BO_START, stopSeconds), startEvent('di', diStart)]);
    advanceClock(harness, SECONDS_PER_HOUR);
    harness.refresh();
    advanceClock(harness, SECONDS_PER_HOUR);
    const report = harness.refresh();

    expect((syncStatus(harness)['Log Cursor'] as Date).getTime()).toBe(Math.floor(diStart * 1000));
    expect(exporterRequests(harness).map((request) => request.path.split('?')[1] ?? '')).toEqual(['', `since=${Math.floor(BO_START)}`, `since=${Math.floor(diStart)}`]);
    expect(report.outcome?.rowsAdded).toBe(0);
    expect(report.outcome?.rowsUpdated).toBe(1);
    expect(harness.rows('Sessions')).toHaveLength(5);
  });

  it('warns when the panel dropped unread events', async () => {
    const harness = await exporterHarness();
    harness.refresh();

    // The panel keeps its newest 1000 entries: after many short sessions, bo's start is gone.
    const firstKept = NOW_SECONDS + 10 * SECONDS_PER_MINUTE + 0.5;
    const newer: PanelEvent[] = [];
    for (let index = 0; index < 3; index++) {
      newer.push(...closedSession('eve', firstKept + index * 10 * SECONDS_PER_MINUTE, 0.1));
    }
    writeUsageLog(newer);
    advanceClock(harness, SECONDS_PER_HOUR);
    const report = harness.refresh();

    const status = syncStatus(harness);
    expect(status.Result).toBe('ok');
    expect(status.Error).toContain(`/usage-log: the log now starts at ${new Date(firstKept * 1000).toISOString()}, after the last sync`);
    expect(report.outcome?.rowsAdded).toBe(3);
  });
});

describe('exporter errors', () => {
  beforeEach(() => {
    removeUserStats();
  });

  it('reports a missing log file', async () => {
    rmSync(exporter.usageLogPath, { force: true });
    const harness = await exporterHarness();
    harness.refresh();

    expect(exporterRequests(harness)).toEqual([
      { path: '/usage-log', status: 404 },
      { path: '/user-stats', status: 404 },
    ]);
    const status = syncStatus(harness);
    expect(status.Result).toBe('not found');
    expect(status.Error).toContain('/usage-log: ');
    expect(status.Error).toContain('HTTP 404');
  });

  it.each([
    ['log not an array', '{"user": "ana"}', 'usage log is not a JSON array'],
    ['log with NaN', '[{"user": "ana", "action": "start", "timestamp": NaN}]', 'usage log contains NaN or Infinity'],
  ])('%s shows the reason', async (_case, body, reason) => {
    writeFileSync(exporter.usageLogPath, body);
    const harness = await exporterHarness();
    harness.refresh();

    expect(exporterRequests(harness)[0]).toEqual({ path: '/usage-log', status: 500 });
    const status = syncStatus(harness);
    expect(status.Result).toBe('invalid log');
    expect(status.Error).toContain('/usage-log: ');
    expect(status.Error).toContain('HTTP 500');
    expect(status.Error).toContain(reason);
  });
});

describe('invalid log entries', () => {
  beforeEach(() => {
    removeUserStats();
  });

  it('lists a huge timestamp once', async () => {
    // Python reads these digits as an int that float() cannot convert, and JavaScript as Infinity.
    const huge = `{"user": "zed", "action": "start", "timestamp": 1${'0'.repeat(400)}}`;
    writeFileSync(exporter.usageLogPath, dumpsLikePython(HISTORY).replace(/^\[/, `[\n  ${huge},`));
    const harness = await exporterHarness();
    harness.refresh();
    advanceClock(harness, 10 * SECONDS_PER_MINUTE);
    harness.refresh();

    expect(exporterRequests(harness).filter((request) => request.path.startsWith('/usage-log'))).toEqual([
      { path: '/usage-log', status: 200 },
      { path: `/usage-log?since=${Math.floor(BO_START)}`, status: 200 },
    ]);
    expect(syncStatus(harness)).toMatchObject({ Result: 'ok', Error: '', 'Invalid Records': 1 });
    const invalid = harness.rows('Invalid Rows');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ 'Pod ID': POD_ID, Source: 'usage_log', Reason: 'timestamp: expected a finite number' });
    expect(harness.rows('Sessions')).toHaveLength(4);
  });
});

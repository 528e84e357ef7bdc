import { MENU_ITEMS } from '../../src/app/menu';
import { DEFAULT_NOW, startHarness, type Harness } from '../harness/harness';
import { podWithLog, scenarioWith, sessionEvents, TEST_API_KEY } from '../harness/scenarios';
import { launchServers, type ServerHandle } from '../servers/launch';
import type { Scenario } from '../servers/scenario';

const HOUR = 3_600_000;
const NOW_SECONDS = DEFAULT_NOW / 1000;

let servers: ServerHandle;
let harness: Harness;

beforeAll(async () => {
  servers = await launchServers();
});

afterAll(async () => {
  await servers.stop();
});

async function ready(scenario?: Scenario): Promise<Harness> {
  harness = await startHarness({ servers, scenario });
  harness.open();
  const saved = harness.saveSettings(scenario ? { apiKey: scenario.apiKey } : {});
  expect(saved.ok).toBe(true);
  return harness;
}

function column(rows: Record<string, unknown>[], header: string): unknown[] {
  return rows.map((row) => row[header]);
}

describe('refresh of the built-in pods', () => {
  beforeEach(async () => {
    await ready();
  });

  it('writes every tab', () => {
    const report = harness.refresh();
    expect(report.status).toBe('done');

    const names = harness.env.spreadsheet.sheetList.map((sheet) => sheet.sheetName);
    expect(names).toEqual(['Sheet1', 'Sessions', 'Usage Summary', 'Monthly', 'Live Pods', 'Account', 'Sync Status', 'Prices', 'Invalid Rows']);
    expect(harness.rows('Sessions')).toHaveLength(552);
    expect(harness.rows('Invalid Rows')).toHaveLength(1);
    expect(harness.env.spreadsheet.toasts.map((toast) => toast.message)).toEqual([report.message]);
  });

  it('writes a session with RunPod price and panel cost', () => {
    harness.refresh();
    const first = harness.rows('Sessions').find((row) => row['Session Key'] === 'chen|2026-11-10T14:57:56.586Z');
    expect(first).toMatchObject({
      User: 'chen',
      'Pod ID': 'a1b2c3d4e5',
      'Pod Name': 'comfy-a5000-team',
      'GPU Type': 'NVIDIA RTX A5000',
      'Cost/hr ($)': 0.27,
      Status: 'closed',
      'Price Basis': 'estimated',
      'Panel Cost ($)': 1.46,
      Source: 'usage_log',
    });
    expect((first?.Started as Date).toISOString()).toBe('2026-11-10T14:57:56.586Z');
    expect(first?.['Total Cost ($)']).toBeCloseTo(((1794329800.651582 - 1794322676.585944) / 3600) * 0.27, 3);
  });

  it('writes the running session as open', () => {
    harness.refresh();
    const running = harness.rows('Sessions').filter((row) => row.Status === 'running');
    expect(column(running, 'User')).toEqual(['bruno']);
    expect(running[0]?.Ended).toBe('');
    expect(running[0]?.['Duration (hrs)']).toBeCloseTo((DEFAULT_NOW - 1796046140521) / HOUR, 3);
  });

  it('reports each pod in Sync Status', () => {
    harness.refresh();
    const results = Object.fromEntries(harness.rows('Sync Status').map((row) => [row['Pod ID'], row.Result]));
    expect(results).toEqual({
      a1b2c3d4e5: 'ok',
      f6g7h8i9j0: 'ok',
      k1l2m3n4o5: 'ok',
      p6q7r8s9t0: 'not running',
      u1v2w3x4y5: 'not running',
    });
  });

  it('lists every pod in Live Pods', () => {
    harness.refresh();
    const pods = harness.rows('Live Pods');
    expect(column(pods, 'Status')).toEqual(['running', 'running', 'running', 'starting', 'exited']);
    expect(column(pods, 'Control Panel')).toEqual(['answered', 'answered', 'answered', 'not running', 'not running']);
    expect(column(pods, 'Cost/hr ($)')).toEqual([0.27, 1.39, 0.69, 2.99, '']);
  });

  it('appends the account snapshot', () => {
    harness.refresh();
    harness.refresh();
    const account = harness.rows('Account');
    expect(account).toHaveLength(2);
    expect(account[0]).toMatchObject({ 'Balance ($)': 412.37, 'Spend/hr ($)': 3.517, 'Spend Limit ($/hr)': 80 });
    expect(account[0]?.['Runway (hrs)']).toBeCloseTo(412.37 / 3.517, 2);
  });

  it('totals per user and month', () => {
    harness.refresh();
    const summary = harness.rows('Usage Summary');
    const total = summary[summary.length - 1];
    expect(total?.User).toBe('Total');
    expect(total?.Sessions).toBe(552);
    const monthly = harness.rows('Monthly');
    const monthlyCost = monthly.reduce((sum, row) => sum + Number(row['Cost ($)']), 0);
    expect(monthlyCost).toBeCloseTo(Number(total?.['Total Cost ($)']), 1);
  });

  it('leaves the sheet identical when refreshed twice', () => {
    // Sync Status and Account describe each attempt, so only the data tabs must stay the same.
    const dataTabs = ['Sessions', 'Usage Summary', 'Monthly', 'Live Pods', 'Prices', 'Invalid Rows'];
    harness.refresh();
    const before = dataTabs.map((name) => harness.tab(name));
    const report = harness.refresh();
    expect(report.outcome?.rowsAdded).toBe(0);
    expect(report.outcome?.rowsUpdated).toBe(0);
    expect(dataTabs.map((name) => harness.tab(name))).toEqual(before);
    expect(column(harness.rows('Sync Status'), 'Result')).toEqual(['ok', 'ok', 'ok', 'not running', 'not running']);
  });

  it('changes only the rows of new events', async () => {
    harness.refresh();
    const before = harness.tab('Sessions');

    harness.env.clock.advance(HOUR);
    const later = NOW_SECONDS + 3600;
    await servers.appendEvents('a1b2c3d4e5', [
      { user: 'bruno', action: 'stop', timestamp: later - 600, datetime: 'ignored', duration_hours: 100, cost: 74 },
      { user: 'alice', action: 'start', timestamp: later - 500, datetime: 'ignored', gpu: 'NVIDIA RTX A5000' },
      { user: 'alice', action: 'stop', timestamp: later - 100, datetime: 'ignored', duration_hours: 0.111, cost: 0.08 },
    ]);
    const report = harness.refresh();
    expect(report.outcome?.rowsAdded).toBe(1);
    expect(report.outcome?.rowsUpdated).toBe(1);

    const after = harness.tab('Sessions');
    expect(after).toHaveLength(before.length + 1);
    const changed = after.slice(0, before.length).map((row, index) => (JSON.stringify(row) === JSON.stringify(before[index]) ? null : index)).filter((index) => index !== null);
    expect(changed).toHaveLength(1);
    const bruno = harness.rows('Sessions')[(changed[0] as number) - 1];
    expect(bruno).toMatchObject({ User: 'bruno', Status: 'closed' });
  });

  it('asks the exporter only for new events', async () => {
    harness.refresh();
    await servers.clearRequests();
    harness.refresh();
    const urls = (await servers.requests()).map((request) => `${request.host}${request.url}`);
    expect(urls).toContain('a1b2c3d4e5-7777.proxy.runpod.net/usage-log?since=1796046140');
  });

  it('writes nothing while another refresh holds the lock', () => {
    harness.env.holdScriptLockElsewhere();
    harness.env.spreadsheet.resetCounters();
    const report = harness.refresh();
    expect(report.status).toBe('busy');
    expect(harness.env.spreadsheet.counters.writes).toBe(0);
    expect(harness.env.ui.alerts.map((alert) => alert.prompt)).toEqual([expect.stringContaining('Another refresh is running')]);
    expect(harness.env.urlFetch.calls).toBe(0);
  });

  it('flushes before releasing the lock', () => {
    harness.refresh();
    expect(harness.env.spreadsheet.counters.writesSinceFlush).toBe(0);
  });

  it('keeps secrets out of cells, logs and URLs', async () => {
    harness.refresh();
    const cells = harness.env.spreadsheet.sheetList.flatMap((sheet) => harness.tab(sheet.sheetName)).flat().map(String);
    expect(cells.filter((cell) => cell.includes(harness.apiKey))).toEqual([]);
    expect(harness.env.logs.filter((entry) => entry.message.includes(harness.apiKey))).toEqual([]);
    expect(harness.env.urlFetch.requests.filter((request) => request.url.includes(harness.apiKey))).toEqual([]);
    const requests = await servers.requests();
    const graphql = requests.filter((request) => request.host === 'api.runpod.io');
    expect(graphql.map((request) => request.headers.authorization)).toEqual([`Bearer ${harness.apiKey}`]);
    expect(requests.flatMap((request) => request.warnings ?? [])).toEqual([]);
  });

  it('asks user_stats only where the event log is missing', () => {
    harness.refresh();
    // RunPod, then /usage-log of the three pods in one batch, then /api/user_stats of the one
    // pod without /usage-log.
    expect(harness.env.urlFetch.batches).toBe(3);
    expect(harness.env.urlFetch.calls).toBe(1 + 3 + 1);
  });
});

describe('settings and triggers', () => {
  beforeEach(async () => {
    await ready();
  });

  it('builds only the menu on open', () => {
    const fresh = harness.env;
    expect(fresh.ui.menus.map((menu) => menu.name)).toEqual(['Usage']);
    const items = fresh.ui.menus[0]?.items ?? [];
    expect(items).toHaveLength(MENU_ITEMS.length);
    for (const item of MENU_ITEMS) {
      if (item) expect(harness.bundle.functions).toContain(item.functionName);
    }
  });

  it('installs the hourly refresh once', () => {
    harness.bundle.call('installHourlyRefresh');
    harness.bundle.call('installHourlyRefresh');
    expect(harness.env.triggers.all.filter((trigger) => trigger.handler === 'refreshUsage')).toHaveLength(1);
  });

  it('runs the trigger as its owner without UI', () => {
    harness.bundle.call('installHourlyRefresh');
    const alertsBefore = harness.env.ui.alerts.length;
    harness.env.setActiveUser('someone-else@example.com');
    harness.runTriggers();
    expect(harness.rows('Sessions')).toHaveLength(552);
    expect(harness.env.ui.alerts).toHaveLength(alertsBefore);
    expect(harness.env.logs.some((entry) => entry.message.startsWith('Synced 3 of 3 pods'))).toBe(true);
  });

  it('removes the hourly refresh', () => {
    harness.bundle.call('installHourlyRefresh');
    harness.bundle.call('removeHourlyRefresh');
    expect(harness.env.triggers.all).toHaveLength(0);
  });

  it('tells another editor without a key what to do', () => {
    harness.bundle.call('installHourlyRefresh');
    harness.env.setActiveUser('editor@example.com');
    const report = harness.refresh();
    expect(report.status).toBe('no key');
    expect(report.message).toContain('Usage > Settings');
    expect(report.message).toContain(harness.env.triggers.all[0]?.owner ?? 'missing owner');
    expect(harness.env.spreadsheet.sheetList.map((sheet) => sheet.sheetName)).toEqual(['Sheet1']);
  });

  it('shows stored secrets only as present', () => {
    harness.saveSettings({ podToken: 'pod-token-xyz' });
    const view = harness.bundle.call('getSettings') as Record<string, unknown>;
    expect(view).toMatchObject({ hasApiKey: true, hasPodToken: true, port: 7777 });
    expect(JSON.stringify(view)).not.toContain(harness.apiKey);
    expect(JSON.stringify(view)).not.toContain('pod-token-xyz');
  });

  it('rejects a bad port and stores nothing', () => {
    const result = harness.saveSettings({ port: 'http', paths: '/usage-log' });
    expect(result).toEqual({ ok: false, errors: [expect.stringContaining('"http" is not a port number')] });
    expect((harness.bundle.call('getSettings') as { paths: string }).paths).toBe('/usage-log, /api/user_stats');
  });
});

describe('refresh of chosen scenarios', () => {
  it.each([
    ['=HYPERLINK("http://x","y")'],
    ['+1'],
    ['00123'],
    ['-5'],
    ['@here'],
    ['TRUE'],
    ['2026-01-01'],
    ['1,000'],
  ])('keeps the user name %s as text', async (user) => {
    await ready(scenarioWith([podWithLog('aaaa1111', sessionEvents(user, 1, NOW_SECONDS))]));
    harness.refresh();
    const sessions = harness.rows('Sessions');
    expect(column(sessions, 'User')).toEqual([user]);
    const formulas = harness.env.spreadsheet.uncounted(() => harness.env.spreadsheet.getSheetByName('Sessions')?.getDataRange().getFormulas());
    expect(formulas?.flat().filter((formula) => formula !== '')).toEqual([]);
    expect(harness.env.spreadsheet.counters.undefinedWrites).toBe(0);
  });

  it('keeps the number of sheet calls flat as rows grow', async () => {
    const callsFor = async (sessionCount: number) => {
      await ready(scenarioWith([podWithLog('bbbb2222', sessionEvents('ana', sessionCount, NOW_SECONDS))]));
      harness.refresh();
      harness.env.clock.advance(4 * HOUR);
      await servers.appendEvents('bbbb2222', sessionEvents('bo', 2, NOW_SECONDS + 4 * 3600));
      harness.env.spreadsheet.resetCounters();
      harness.refresh();
      const { reads, writes } = harness.env.spreadsheet.counters;
      return { reads, writes, rows: harness.rows('Sessions').length };
    };
    const small = await callsFor(5);
    const large = await callsFor(400);
    expect(large.rows).toBe(402);
    expect(large.reads).toBe(small.reads);
    expect(large.writes).toBe(small.writes);
  });

  it('sends the pod token as a bearer header', async () => {
    const pod = podWithLog('cccc3333', sessionEvents('ana', 2, NOW_SECONDS));
    pod.panel = { ...pod.panel!, token: 'pod-secret-1' };
    await ready(scenarioWith([pod]));
    harness.refresh();
    expect(harness.rows('Sync Status')[0]?.Result).toBe('unauthorized');

    harness.saveSettings({ apiKey: TEST_API_KEY, podToken: 'pod-secret-1' });
    harness.refresh();
    expect(harness.rows('Sync Status')[0]?.Result).toBe('ok');
    expect(harness.rows('Sessions')).toHaveLength(2);
  });

  it('keeps sessions of a pod that is gone', async () => {
    await ready(scenarioWith([podWithLog('dddd4444', sessionEvents('ana', 3, NOW_SECONDS))]));
    harness.refresh();
    await servers.setScenario(scenarioWith([]));
    harness.env.clock.advance(HOUR);
    harness.refresh();
    expect(harness.rows('Sessions')).toHaveLength(3);
    expect(harness.rows('Usage Summary')[0]).toMatchObject({ User: 'ana', Sessions: 3 });
  });

  it('prices a session at the price RunPod reported while it ran', async () => {
    const start = NOW_SECONDS + 600;
    await ready(scenarioWith([podWithLog('eeee5555', [{ user: 'ana', action: 'start', timestamp: start, gpu: 'RTX 4090' }])]));
    harness.refresh();
    harness.env.clock.advance(HOUR);
    await servers.updatePod('eeee5555', { costPerHr: 1, adjustedCostPerHr: 1 });
    harness.refresh();
    harness.env.clock.advance(HOUR);
    await servers.appendEvents('eeee5555', [{ user: 'ana', action: 'stop', timestamp: NOW_SECONDS + 2 * 3600, duration_hours: 1.83, cost: 1.36 }]);
    await servers.updatePod('eeee5555', { costPerHr: 5, adjustedCostPerHr: 5 });
    harness.refresh();

    const [row] = harness.rows('Sessions');
    // 0.5 $/h from the start until the price change an hour after the first refresh, then 1 $/h.
    const expected = ((3600 - 600) / 3600) * 0.5 + 1 * 1;
    expect(row?.['Total Cost ($)']).toBeCloseTo(expected, 3);
    expect(row?.['Price Basis']).toBe('observed');
  });
});

import { DEFAULT_NOW, startHarness, type Harness } from '../harness/harness';
import { podWithLog, scenarioWith, sessionEvents } from '../harness/scenarios';
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

async function ready(scenario: Scenario, options: { locale?: string } = {}): Promise<Harness> {
  harness = await startHarness({ servers, scenario });
  if (options.locale) harness.env.spreadsheet.locale = options.locale;
  harness.open();
  expect(harness.saveSettings({ apiKey: scenario.apiKey }).ok).toBe(true);
  return harness;
}

function twoPods(): Scenario {
  return scenarioWith([
    podWithLog('aaaa1111', sessionEvents('ana', 3, NOW_SECONDS)),
    podWithLog('bbbb2222', [...sessionEvents('bo', 2, NOW_SECONDS - 3600), { user: 'bo', action: 'start', timestamp: NOW_SECONDS - 600, gpu: 'RTX 4090' }]),
  ]);
}

function sessionsWithoutSyncTimes(): unknown[][] {
  const [header = [], ...rows] = harness.tab('Sessions');
  const synced = header.indexOf('Last Synced');
  return rows.map((row) => row.filter((_, column) => column !== synced));
}

describe('RunPod failures', () => {
  it.each([
    ['a rejected key', { status: 401, body: '{"errors":[{"message":"Unauthorized"}]}', contentType: 'application/json' }, 'fix key', 'Usage > Settings'],
    ['a rate limit page', { status: 429, body: '<html>Too Many Requests</html>', contentType: 'text/html', headers: { 'Retry-After': '60' } }, 'wait', 'wait 60 seconds'],
    ['a backend fault', { status: 200, body: '{"data":{"myself":null},"errors":[{"message":"Something went wrong. Please try again later or contact support."}]}', contentType: 'application/json' }, 'wait', 'Something went wrong'],
  ])('still reads the known pods after %s', async (_name, fault, action, messagePart) => {
    await ready(twoPods());
    harness.refresh();
    const livePods = harness.tab('Live Pods');
    const accountRows = harness.rows('Account').length;

    harness.env.clock.advance(HOUR);
    await servers.appendEvents('aaaa1111', sessionEvents('cy', 1, NOW_SECONDS + 3600));
    await servers.addFault({ host: 'api.runpod.io', ...fault });
    const report = harness.refresh();

    expect(report.status).toBe('partial');
    expect(report.outcome?.runpodFailure?.action).toBe(action);
    expect(report.message).toContain(messagePart);
    expect(report.message).toContain('known from the last snapshot were read');
    expect(report.outcome?.rowsAdded).toBe(1);
    expect(harness.tab('Live Pods')).toEqual(livePods);
    expect(harness.rows('Account')).toHaveLength(accountRows);
    expect(report.message).not.toMatch(/\b0 pods\b|\$0(\.0+)?\/hr/);
  });

  it('says so when no pods are known yet', async () => {
    await ready(twoPods());
    await servers.addFault({ host: 'api.runpod.io', status: 401, body: '{}', contentType: 'application/json' });
    const report = harness.refresh();
    expect(report.status).toBe('partial');
    expect(report.message).toContain('No pods were known from an earlier snapshot');
    expect(harness.rows('Sessions')).toEqual([]);
  });

  it('reaches the same sheet once RunPod is back', async () => {
    await ready(twoPods());
    await servers.addFault({ host: 'api.runpod.io', status: 503, body: '<html>down</html>', contentType: 'text/html', times: 1 });
    harness.refresh();
    harness.refresh();
    const recovered = sessionsWithoutSyncTimes();

    await ready(twoPods());
    harness.refresh();
    expect(sessionsWithoutSyncTimes()).toEqual(recovered);
  });
});

describe('account changes', () => {
  it('writes nothing with a key of another account', async () => {
    await ready(twoPods());
    harness.refresh();
    const before = harness.tab('Sessions');
    const other = scenarioWith([podWithLog('cccc3333', sessionEvents('zed', 1, NOW_SECONDS))]);
    await servers.setScenario({ ...other, apiKey: twoPods().apiKey, account: { ...other.account, id: 'user_other' } });
    harness.env.clock.advance(HOUR);
    const report = harness.refresh();
    expect(report.status).toBe('failed');
    expect(report.message).toContain('belongs to account user_other, but this sheet tracks account user_test');
    expect(harness.tab('Sessions')).toEqual(before);
    expect(harness.rows('Sessions').filter((row) => row.Status === 'running')).toHaveLength(1);
  });
});

describe('pod failures', () => {
  it('keeps the other pods when one refuses the connection', async () => {
    await ready(twoPods());
    await servers.addFault({ host: 'aaaa1111-7777.proxy.runpod.net', status: 0, body: '', dropConnection: true });
    const report = harness.refresh();
    const results = Object.fromEntries(harness.rows('Sync Status').map((row) => [row['Pod ID'], row.Result]));
    expect(results).toEqual({ aaaa1111: 'unreachable', bbbb2222: 'ok' });
    expect(report.message).toContain('aaaa1111-name (unreachable)');
    expect(harness.rows('Sessions').map((row) => row.User)).toEqual(['bo', 'bo', 'bo']);
  });

  it('waits for a hanging pod only once', async () => {
    await ready(twoPods());
    harness.env.urlFetch.timeoutMs = 300;
    await servers.addFault({ host: 'aaaa1111-7777.proxy.runpod.net', status: 200, body: '[]', delayMs: 2000 });
    harness.refresh();
    // Only the first path: a pod that does not respond is not asked for its fallback path.
    const hanging = harness.env.urlFetch.requests.filter((request) => request.url.includes('aaaa1111'));
    expect(hanging).toHaveLength(1);
    const results = Object.fromEntries(harness.rows('Sync Status').map((row) => [row['Pod ID'], row.Result]));
    expect(results).toEqual({ aaaa1111: 'unreachable', bbbb2222: 'ok' });
  });

  it('keeps synced rows when a pod later fails', async () => {
    await ready(twoPods());
    harness.refresh();
    const before = harness.tab('Sessions');
    await servers.addFault({ host: 'bbbb2222-7777.proxy.runpod.net', status: 502, body: '<html>502 Bad Gateway</html>', contentType: 'text/html' });
    harness.env.clock.advance(HOUR);
    harness.refresh();
    const bo = harness.rows('Sync Status').find((row) => row['Pod ID'] === 'bbbb2222');
    expect(bo?.Result).toBe('unreachable');
    expect(String(bo?.Error)).toContain('nothing is listening');
    expect(harness.tab('Sessions').length).toBe(before.length);
  });
});

describe('sessions left open', () => {
  it('ends a running session when its pod stops', async () => {
    await ready(twoPods());
    harness.refresh();
    harness.env.clock.advance(HOUR);
    harness.refresh();
    const lastSeen = DEFAULT_NOW + HOUR;

    await servers.updatePod('bbbb2222', { desiredStatus: 'EXITED', runtime: null });
    harness.env.clock.advance(5 * HOUR);
    harness.refresh();
    const stopped = harness.rows('Sessions').find((row) => row.Status !== 'closed');
    expect(stopped).toMatchObject({ User: 'bo', Status: 'stopped', 'Price Basis': 'estimated' });
    expect((stopped?.Ended as Date).getTime()).toBe(lastSeen);

    harness.env.clock.advance(5 * HOUR);
    harness.refresh();
    expect(harness.rows('Sessions').find((row) => row.Status === 'stopped')?.['Duration (hrs)']).toBeCloseTo((lastSeen - (DEFAULT_NOW - 600_000)) / HOUR, 3);
  });

  it('takes the real stop when the pod comes back', async () => {
    await ready(twoPods());
    harness.refresh();
    await servers.updatePod('bbbb2222', { desiredStatus: 'EXITED' });
    harness.env.clock.advance(HOUR);
    harness.refresh();
    await servers.updatePod('bbbb2222', { desiredStatus: 'RUNNING' });
    await servers.appendEvents('bbbb2222', [{ user: 'bo', action: 'stop', timestamp: NOW_SECONDS + 1800, duration_hours: 0.667, cost: 0.49 }]);
    harness.env.clock.advance(HOUR);
    harness.refresh();
    const bo = harness.rows('Sessions').filter((row) => row.User === 'bo');
    expect(bo.map((row) => row.Status)).toEqual(['closed', 'closed', 'closed']);
    expect((bo[2]?.Ended as Date).getTime()).toBe(DEFAULT_NOW + 1800_000);
  });
});

describe('pricing across stops and moves', () => {
  it('charges nothing while the pod was stopped', async () => {
    const start = NOW_SECONDS - 600;
    await ready(scenarioWith([podWithLog('aaaa1111', [{ user: 'ana', action: 'start', timestamp: start, gpu: 'RTX 4090' }])]));
    harness.refresh();
    harness.env.clock.advance(HOUR);
    harness.refresh();
    await servers.updatePod('aaaa1111', { desiredStatus: 'EXITED', runtime: null });
    harness.env.clock.advance(HOUR);
    harness.refresh();
    harness.env.clock.advance(10 * HOUR);
    harness.refresh();
    await servers.setScenario(scenarioWith([podWithLog('aaaa1111', [
      { user: 'ana', action: 'start', timestamp: start, gpu: 'RTX 4090' },
      { user: 'ana', action: 'stop', timestamp: NOW_SECONDS + 13.5 * 3600, duration_hours: 13.67, cost: 10.1 },
    ])]));
    harness.env.clock.advance(HOUR);
    harness.refresh();
    harness.env.clock.advance(HOUR);
    harness.refresh();

    const [row] = harness.rows('Sessions');
    // Charged from 18:50 until the pod was found stopped at 21:00, and from its restart at 08:00
    // to the stop at 08:30, not for the 11 hours it was stopped.
    const chargedHours = (2 * 3600 + 600) / 3600 + 0.5;
    expect(row).toMatchObject({ Status: 'closed', 'Price Basis': 'estimated' });
    expect(row?.['Total Cost ($)']).toBeCloseTo(chargedHours * 0.5, 3);
  });

  it('prices a session that moved with its volume on both pods', async () => {
    const start = NOW_SECONDS - 600;
    await ready(scenarioWith([podWithLog('aaaa1111', [{ user: 'ana', action: 'start', timestamp: start, gpu: 'RTX 4090' }])]));
    harness.refresh();
    harness.env.clock.advance(HOUR);
    harness.refresh();
    const moved = podWithLog('bbbb2222', [
      { user: 'ana', action: 'start', timestamp: start, gpu: 'RTX 4090' },
      { user: 'ana', action: 'stop', timestamp: NOW_SECONDS + 2.5 * 3600, duration_hours: 2.67, cost: 1.97 },
    ]);
    moved.graphql.costPerHr = 3;
    moved.graphql.adjustedCostPerHr = 3;
    await servers.setScenario(scenarioWith([moved]));
    harness.env.clock.advance(HOUR);
    harness.refresh();
    harness.env.clock.advance(HOUR);
    harness.refresh();

    const [row] = harness.rows('Sessions');
    // 18:50 to 21:00 on the old pod at $0.50, then 21:00 to 21:30 on the new one at $3.
    expect(row).toMatchObject({ 'Pod ID': 'aaaa1111', Status: 'closed' });
    expect(row?.['Total Cost ($)']).toBeCloseTo((2 * 3600 + 600) / 3600 * 0.5 + 0.5 * 3, 3);
  });
});

describe('changes people make to the sheet', () => {
  it('keeps sorting, an inserted column and notes', async () => {
    await ready(twoPods());
    harness.refresh();
    const sheet = harness.env.spreadsheet.sheet('Sessions');
    harness.env.spreadsheet.uncounted(() => {
      sheet.sort(1, false);
      sheet.insertColumnBefore(3);
      sheet.getRange(1, 3).setValue('Team');
      const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0] as string[];
      sheet.getRange(2, 3).setValue('vision');
      sheet.getRange(2, header.indexOf('Note') + 1).setValue('checked by finance');
    });

    harness.env.clock.advance(HOUR);
    await servers.appendEvents('aaaa1111', sessionEvents('cy', 1, NOW_SECONDS + 3600));
    harness.refresh();
    const rows = harness.rows('Sessions');
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({ Team: 'vision', Note: 'checked by finance' });
    expect(new Set(rows.map((row) => row['Session Key'])).size).toBe(7);
  });

  it('writes to a renamed Sessions tab', async () => {
    await ready(twoPods());
    harness.refresh();
    harness.env.spreadsheet.uncounted(() => harness.env.spreadsheet.sheet('Sessions').setName('GPU sessions'));
    harness.env.clock.advance(HOUR);
    harness.refresh();
    expect(harness.env.spreadsheet.sheetList.map((sheet) => sheet.sheetName)).not.toContain('Sessions');
    expect(harness.rows('GPU sessions')).toHaveLength(6);
  });

  it('stops with a message when the header row is gone', async () => {
    await ready(twoPods());
    harness.refresh();
    harness.env.spreadsheet.uncounted(() => harness.env.spreadsheet.sheet('Sessions').deleteRow(1));
    const before = harness.tab('Sessions');
    const report = harness.refresh();
    expect(report.status).toBe('failed');
    expect(report.message).toContain('lacks the columns "Session Key", "User"');
    expect(harness.tab('Sessions')).toEqual(before);
  });

  it.each([['Started'], ['User'], ['Status']])('stops when the %s column is deleted', async (header) => {
    await ready(twoPods());
    harness.refresh();
    const sheet = harness.env.spreadsheet.sheet('Sessions');
    harness.env.spreadsheet.uncounted(() => {
      const headers = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0] as string[];
      sheet.deleteColumn(headers.indexOf(header) + 1);
    });
    const before = harness.tab('Sessions');
    const summary = harness.tab('Usage Summary');
    const report = harness.refresh();
    expect(report.status).toBe('failed');
    expect(report.message).toContain(`lacks the "${header}" column`);
    expect(harness.tab('Sessions')).toEqual(before);
    expect(harness.tab('Usage Summary')).toEqual(summary);
  });

  it('stops when the header row of a one-row tab is gone', async () => {
    await ready(scenarioWith([podWithLog('aaaa1111', sessionEvents('ana', 1, NOW_SECONDS))]));
    harness.refresh();
    harness.env.spreadsheet.uncounted(() => harness.env.spreadsheet.sheet('Sessions').deleteRow(1));
    const before = harness.tab('Sessions');
    const report = harness.refresh();
    expect(report.status).toBe('failed');
    expect(report.message).toContain('"Session Key"');
    expect(harness.tab('Sessions')).toEqual(before);
  });

  it('reports rows whose Started cell was cleared', async () => {
    await ready(twoPods());
    harness.refresh();
    const sheet = harness.env.spreadsheet.sheet('Sessions');
    harness.env.spreadsheet.uncounted(() => {
      const headers = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0] as string[];
      sheet.getRange(2, headers.indexOf('Started') + 1).setValue('');
    });
    const report = harness.refresh();
    expect(report.message).toContain('1 row in the Sessions tab lacks a Session Key or Started value');
  });

  it('rebuilds a summary tab whose header row was deleted', async () => {
    await ready(twoPods());
    harness.refresh();
    const summary = harness.tab('Usage Summary');
    harness.env.spreadsheet.uncounted(() => harness.env.spreadsheet.sheet('Usage Summary').deleteRow(1));
    harness.refresh();
    expect(harness.tab('Usage Summary')).toEqual(summary);
  });

  it('reads the whole logs again after the Sessions tab is deleted', async () => {
    await ready(twoPods());
    harness.refresh();
    const before = sessionsWithoutSyncTimes();
    harness.env.spreadsheet.uncounted(() => harness.env.spreadsheet.deleteSheet(harness.env.spreadsheet.sheet('Sessions')));
    harness.refresh();
    expect(sessionsWithoutSyncTimes()).toEqual(before);
  });

  it('completes the work after a run died midway', async () => {
    await ready(twoPods());
    const monthly = harness.env.spreadsheet.uncounted(() => harness.env.spreadsheet.insertSheet('Monthly'));
    const original = monthly.getRange.bind(monthly);
    let failures = 1;
    monthly.getRange = ((...args: Parameters<typeof original>) => {
      if (failures-- > 0) throw new Error('Exceeded maximum execution time');
      return original(...args);
    }) as typeof monthly.getRange;
    expect(harness.refresh().status).toBe('failed');
    harness.refresh();
    const afterRecovery = sessionsWithoutSyncTimes();

    await ready(twoPods());
    harness.refresh();
    expect(afterRecovery).toEqual(sessionsWithoutSyncTimes());
  });

  it('keeps numbers as numbers in a comma-decimal locale', async () => {
    await ready(twoPods(), { locale: 'de_DE' });
    harness.refresh();
    const costs = harness.rows('Sessions').map((row) => row['Total Cost ($)']);
    expect(costs.every((cost) => typeof cost === 'number')).toBe(true);
  });
});

describe('time limit', () => {
  function manyPods(count: number): Scenario {
    const pods = Array.from({ length: count }, (_, index) => podWithLog(`pod${String(index).padStart(4, '0')}`, sessionEvents(`user${index % 7}`, 1, NOW_SECONDS - index * 60)));
    return scenarioWith(pods);
  }

  it('stops fetching before the limit and continues next run', async () => {
    // More pods than one batch holds, so the clock is checked between two batches.
    await ready(manyPods(520));
    harness.env.urlFetch.simulatedLatencyMs = 2 * 60_000;
    const first = harness.refresh();
    const deferred = first.outcome?.pods.filter((pod) => pod.result === 'not reached') ?? [];
    expect(deferred.length).toBeGreaterThan(0);
    expect(first.message).toContain('could not be read before the time limit');

    harness.env.clock.advance(HOUR);
    const second = harness.refresh();
    const secondResults = new Map(second.outcome?.pods.map((pod) => [pod.podId, pod.result]));
    expect(deferred.map((pod) => secondResults.get(pod.podId))).toEqual(deferred.map(() => 'ok'));

    // Each run reads one batch here, so the pods take turns; every pod has been read by now.
    expect(harness.rows('Sync Status').filter((row) => row['Last Success'] === '')).toEqual([]);
    const continued = sessionsWithoutSyncTimes();

    await ready(manyPods(520));
    harness.refresh();
    expect(continued).toEqual(sessionsWithoutSyncTimes());
  });
});

describe('hourly trigger repairs', () => {
  it('offers to reinstall a deleted trigger', async () => {
    await ready(twoPods());
    harness.bundle.call('installHourlyRefresh');
    const trigger = harness.env.triggers.all[0];
    harness.env.triggers.all.splice(0, harness.env.triggers.all.length);
    expect(trigger).toBeDefined();

    harness.env.ui.answerNextAlertWith('YES');
    harness.refresh();
    expect(harness.env.ui.alerts.some((alert) => alert.prompt.includes('no longer installed'))).toBe(true);
    expect(harness.env.triggers.all).toHaveLength(1);
  });

  it('remembers every owner of an hourly refresh', async () => {
    await ready(twoPods());
    harness.bundle.call('installHourlyRefresh');
    harness.env.setActiveUser('second@example.com');
    harness.saveSettings({ apiKey: twoPods().apiKey });
    harness.env.ui.answerNextAlertWith('YES');
    harness.bundle.call('installHourlyRefresh');
    harness.bundle.call('removeHourlyRefresh');
    harness.env.setActiveUser('editor@example.com');
    const report = harness.refresh();
    expect(report.message).toContain('The hourly refresh runs as owner@example.com with their key.');
  });

  it('writes nothing when the trigger fires during a refresh', async () => {
    await ready(twoPods());
    harness.bundle.call('installHourlyRefresh');
    harness.env.holdScriptLockElsewhere();
    const results = harness.runTriggers() as { status: string }[];
    expect(results.map((result) => result.status)).toEqual(['busy']);
    expect(harness.rows('Sessions')).toEqual([]);
  });
});

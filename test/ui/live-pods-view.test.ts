import { nextGpuIdleSince } from '../../src/app/gpu-idle';
import { buildLivePodsView, observationFromSnapshot, type ObservedPod, type Observation, type SheetFacts } from '../../src/app/live-pods-view';
import { isPodId, readStopAnswer } from '../../src/app/pod-stop';
import { checkSidebarSettings } from '../../src/app/sidebar-settings';
import type { PodSnapshot } from '../../src/core/types';
import type { HttpResult } from '../../src/platform/http-port';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 4, 12, 0, 0);

function snapshotPod(id: string, overrides: Partial<PodSnapshot> = {}): PodSnapshot {
  return {
    id,
    name: `${id}-name`,
    desiredStatus: 'RUNNING',
    runtimeUp: true,
    costPerHr: 1.5,
    gpuType: 'RTX 4090',
    gpuCount: 1,
    httpPorts: [7777],
    uptimeSeconds: 5 * 3600,
    gpuUtilPercent: 0,
    gpuMemoryPercent: 0,
    location: 'EU',
    ...overrides,
  };
}

function observedPod(id: string, overrides: Partial<ObservedPod> = {}): ObservedPod {
  return {
    id,
    name: `${id}-name`,
    status: 'running',
    gpuType: 'RTX 4090',
    gpuCount: 1,
    costPerHr: 1.5,
    uptimeSeconds: 5 * 3600,
    gpuUtilPercent: 0,
    gpuMemoryPercent: 0,
    volumeGb: 50,
    ...overrides,
  };
}

function facts(overrides: Partial<SheetFacts> = {}): SheetFacts {
  return {
    controlPanels: new Map(),
    openSessions: new Map(),
    gpuIdleSince: {},
    settings: { allowStopPods: false, idleAfterHours: 2 },
    lastFailure: null,
    ...overrides,
  };
}

function observation(pods: ObservedPod[], takenMs = T0): Observation {
  return { takenMs, pods, account: null };
}

describe('nextGpuIdleSince', () => {
  it('starts counting at the first 0%', () => {
    expect(nextGpuIdleSince({}, [snapshotPod('a')], T0)).toEqual({ a: T0 });
  });

  it('keeps the first instant while the GPU stays at 0%', () => {
    expect(nextGpuIdleSince({ a: T0 }, [snapshotPod('a')], T0 + HOUR)).toEqual({ a: T0 });
  });

  it('drops a pod whose GPU shows use', () => {
    expect(nextGpuIdleSince({ a: T0 }, [snapshotPod('a', { gpuUtilPercent: 3 })], T0 + HOUR)).toEqual({});
  });

  it('drops a pod without GPU figures', () => {
    expect(nextGpuIdleSince({ a: T0 }, [snapshotPod('a', { gpuUtilPercent: null })], T0 + HOUR)).toEqual({});
  });

  it('drops a stopped or starting pod', () => {
    const pods = [snapshotPod('a', { desiredStatus: 'EXITED', runtimeUp: false }), snapshotPod('b', { runtimeUp: false })];
    expect(nextGpuIdleSince({ a: T0, b: T0 }, pods, T0 + HOUR)).toEqual({});
  });

  it('restarts the count after a pod restart', () => {
    const restarted = snapshotPod('a', { uptimeSeconds: 600 });
    expect(nextGpuIdleSince({ a: T0 }, [restarted], T0 + 2 * HOUR)).toEqual({ a: T0 + 2 * HOUR });
  });

  it('drops pods that are gone', () => {
    expect(nextGpuIdleSince({ gone: T0 }, [], T0 + HOUR)).toEqual({});
  });
});

describe('buildLivePodsView', () => {
  it('flags a pod idle for the set time', () => {
    const view = buildLivePodsView(observation([observedPod('a')], T0 + 2 * HOUR), 'runpod', facts({ gpuIdleSince: { a: T0 } }), T0 + 2 * HOUR);
    expect(view.pods[0]).toMatchObject({ id: 'a', idle: true, gpuIdleSinceMs: T0 });
  });

  it('does not flag a pod idle for less', () => {
    const view = buildLivePodsView(observation([observedPod('a')], T0 + 2 * HOUR - 1), 'runpod', facts({ gpuIdleSince: { a: T0 } }), T0 + 2 * HOUR);
    expect(view.pods[0]?.idle).toBe(false);
  });

  it('measures idle time at the snapshot, not now', () => {
    const view = buildLivePodsView(observation([observedPod('a')], T0 + HOUR), 'cache', facts({ gpuIdleSince: { a: T0 } }), T0 + 5 * HOUR);
    expect(view.pods[0]?.idle).toBe(false);
  });

  it('does not flag a pod in its first hour', () => {
    const settings = { allowStopPods: false, idleAfterHours: 0.5 };
    const young = observedPod('a', { uptimeSeconds: 3599 });
    const view = buildLivePodsView(observation([young], T0 + HOUR), 'runpod', facts({ gpuIdleSince: { a: T0 }, settings }), T0 + HOUR);
    expect(view.pods[0]?.idle).toBe(false);
  });

  it('does not flag a pod whose GPU shows use now', () => {
    const busy = observedPod('a', { gpuUtilPercent: 40 });
    const view = buildLivePodsView(observation([busy], T0 + 3 * HOUR), 'runpod', facts({ gpuIdleSince: { a: T0 } }), T0 + 3 * HOUR);
    expect(view.pods[0]).toMatchObject({ idle: false, gpuIdleSinceMs: null });
  });

  it('lists stopped pods with their monthly disk cost', () => {
    const pods = [
      observedPod('stopped', { status: 'exited', volumeGb: 75 }),
      observedPod('no-volume', { status: 'exited', volumeGb: 0 }),
      observedPod('unknown', { status: 'exited', volumeGb: null }),
      observedPod('gone', { status: 'terminated', volumeGb: 20 }),
    ];
    const view = buildLivePodsView(observation(pods), 'runpod', facts(), T0);
    expect(view.pods).toEqual([]);
    expect(view.stoppedPods).toEqual([
      { id: 'stopped', name: 'stopped-name', status: 'exited', volumeGb: 75, diskCostPerMonth: 15 },
      { id: 'unknown', name: 'unknown-name', status: 'exited', volumeGb: null, diskCostPerMonth: null },
    ]);
  });

  it('lists running, starting, created and restarting pods as live', () => {
    const statuses = ['running', 'starting', 'created', 'restarting', 'exited', 'paused'];
    const view = buildLivePodsView(observation(statuses.map((status) => observedPod(status, { status }))), 'runpod', facts(), T0);
    expect(view.pods.map((pod) => pod.id)).toEqual(['running', 'starting', 'created', 'restarting']);
  });

  it('adds open sessions and control panels', () => {
    const sheet = facts({ openSessions: new Map([['a', ['chen', 'bruno']]]), controlPanels: new Map([['a', 'answered']]) });
    const view = buildLivePodsView(observation([observedPod('a'), observedPod('b')]), 'sheet', sheet, T0);
    expect(view.pods.map((pod) => [pod.users, pod.controlPanel])).toEqual([[['chen', 'bruno'], 'answered'], [[], null]]);
  });

  it('keeps only a failure newer than the data', () => {
    const older = buildLivePodsView(observation([], T0), 'cache', facts({ lastFailure: { atMs: T0 - 1, message: 'old' } }), T0);
    const newer = buildLivePodsView(observation([], T0), 'cache', facts({ lastFailure: { atMs: T0 + 1, message: 'new' } }), T0);
    expect(older.lastFailure).toBeNull();
    expect(newer.lastFailure).toEqual({ atMs: T0 + 1, message: 'new' });
  });

  it('reports no data before any snapshot', () => {
    const view = buildLivePodsView(null, 'cache', facts(), T0);
    expect(view).toMatchObject({ source: 'none', takenMs: null, pods: [], stoppedPods: [], account: null, serverNowMs: T0 });
  });
});

describe('observationFromSnapshot', () => {
  it('works out the runway and the status words', () => {
    const starting = snapshotPod('b', { runtimeUp: false });
    const result = observationFromSnapshot({ balance: 100, spendPerHr: 4, spendLimit: 80 }, [snapshotPod('a', { volumeGb: 30 }), starting], T0);
    expect(result.account).toEqual({ balance: 100, spendPerHr: 4, spendLimit: 80, runwayHours: 25 });
    expect(result.pods.map((pod) => [pod.status, pod.volumeGb])).toEqual([['running', 30], ['starting', null]]);
  });

  it('has no runway below a zero balance', () => {
    expect(observationFromSnapshot({ balance: -3, spendPerHr: 2, spendLimit: null }, [], T0).account?.runwayHours).toBe(0);
  });

  it('has no runway while nothing spends', () => {
    expect(observationFromSnapshot({ balance: 100, spendPerHr: 0, spendLimit: null }, [], T0).account?.runwayHours).toBeNull();
  });
});

describe('readStopAnswer', () => {
  function answer(status: number, body: unknown): HttpResult {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return { ok: true, status, headers: {}, text, bytes: text.length };
  }

  it('reads the status RunPod reports', () => {
    const read = readStopAnswer(answer(200, { data: { podStop: { id: 'abc', name: 'trainer', desiredStatus: 'EXITED' } } }), 'trainer');
    expect(read).toEqual({ ok: true, podId: 'abc', podName: 'trainer', desiredStatus: 'EXITED' });
  });

  it.each([
    ['a GraphQL error', answer(200, { data: { podStop: null }, errors: [{ message: 'Pod not found' }] }), 'RunPod did not stop trainer: Pod not found.'],
    ['a rejected key', answer(401, { errors: [{ message: 'Unauthorized' }] }), 'RunPod rejected the API key (HTTP 401), so trainer was not stopped.'],
    ['a server error', answer(502, '<html><h1>Bad gateway</h1></html>'), 'RunPod responded with HTTP 502 (Bad gateway), so trainer may not have stopped.'],
    ['a body that is not JSON', answer(200, 'hello'), 'with a body that is not JSON (hello)'],
    ['a transport error', { ok: false, error: 'Timeout' } as HttpResult, "Could not reach RunPod's API to stop trainer (Timeout)."],
  ])('explains %s', (_name, result, message) => {
    const read = readStopAnswer(result, 'trainer');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.message).toContain(message);
  });
});

describe('isPodId', () => {
  it.each([
    ['a1b2c3d4e5', true],
    ['', false],
    ['a b', false],
    ['"}) { id } #', false],
    [42, false],
  ])('checks %j', (value, expected) => {
    expect(isPodId(value)).toBe(expected);
  });
});

describe('checkSidebarSettings', () => {
  const current = { allowStopPods: false, idleAfterHours: 2 };

  it('keeps stored values for absent fields', () => {
    expect(checkSidebarSettings({}, current)).toEqual({ ok: true, settings: current });
  });

  it('accepts hours with a fraction', () => {
    expect(checkSidebarSettings({ allowStopPods: true, idleAfterHours: ' 1.5 ' }, current)).toEqual({ ok: true, settings: { allowStopPods: true, idleAfterHours: 1.5 } });
  });

  it.each(['', '0', '-1', 'two', '169', 'Infinity'])('rejects %j hours', (text) => {
    const check = checkSidebarSettings({ idleAfterHours: text }, current);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.errors[0]).toContain('is not a number of hours');
  });
});

import { mergeSessions, type MergeContext, type SessionRow } from '../../src/core/session-rows';
import type { PricedSession } from '../../src/core/types';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 10, 12);
const NOW = T0 + 10 * HOUR;

const context: MergeContext = { nowMs: NOW, podNames: new Map([['p1', 'pod one'], ['p2', 'pod two']]), podGpuTypes: new Map([['p1', 'RTX A5000']]) };

function priced(overrides: Partial<PricedSession> = {}): PricedSession {
  return {
    key: `ana|${new Date(T0).toISOString()}`,
    user: 'ana',
    podId: 'p1',
    gpu: null,
    startMs: T0,
    endMs: T0 + 2 * HOUR,
    panelCost: 1.48,
    source: 'usage_log',
    startReconstructed: false,
    costPerHr: 0.27,
    totalCost: 0.54,
    priceBasis: 'observed',
    ...overrides,
  };
}

function rowOf(session: PricedSession): SessionRow {
  const merged = mergeSessions([], [session], context);
  return merged.rows[0] as SessionRow;
}

describe('mergeSessions', () => {
  it('appends a new session as a row', () => {
    const merged = mergeSessions([], [priced()], context);
    expect(merged.rows).toEqual([
      expect.objectContaining({ user: 'ana', podId: 'p1', podName: 'pod one', gpuType: 'RTX A5000', durationHours: 2, totalCost: 0.54, status: 'closed', lastSyncedMs: NOW }),
    ]);
    expect(merged.changed).toEqual([0]);
    expect(merged.addedByPod.get('p1')).toBe(1);
  });

  it('changes nothing when the same sessions arrive again', () => {
    const first = mergeSessions([], [priced(), priced({ key: 'bo|x', user: 'bo', startMs: T0 + 3 * HOUR, endMs: null })], context);
    const again = mergeSessions(first.rows, [priced(), priced({ key: 'bo|x', user: 'bo', startMs: T0 + 3 * HOUR, endMs: null })], context);
    expect(again.changed).toEqual([]);
    expect(again.rows).toEqual(first.rows);
  });

  it('updates a running row in place when it closes', () => {
    const open = rowOf(priced({ endMs: null, totalCost: 2.7 }));
    const merged = mergeSessions([null, open], [priced({ endMs: T0 + 5 * HOUR, totalCost: 1.35 })], { ...context, nowMs: NOW + HOUR });
    expect(merged.changed).toEqual([1]);
    expect(merged.rows[1]).toMatchObject({ status: 'closed', endMs: T0 + 5 * HOUR, durationHours: 5, totalCost: 1.35 });
    expect(merged.updatedByPod.get('p1')).toBe(1);
  });

  it('never rewrites a closed row', () => {
    const closed = rowOf(priced());
    const merged = mergeSessions([closed], [priced({ totalCost: 99, costPerHr: 49.5 })], context);
    expect(merged.changed).toEqual([]);
    expect(merged.rows[0]?.totalCost).toBe(0.54);
  });

  it('keeps rows whose pod no longer reports them', () => {
    const closed = rowOf(priced());
    const merged = mergeSessions([closed, null], [], context);
    expect(merged.rows).toEqual([closed, null]);
  });

  it('counts a session reported by two pods once', () => {
    const merged = mergeSessions([], [priced(), priced({ podId: 'p2' })], context);
    expect(merged.rows).toHaveLength(1);
  });

  it('keeps the original pod when a moved log reports the session', () => {
    const open = rowOf(priced({ endMs: null }));
    const merged = mergeSessions([open], [priced({ podId: 'p2', endMs: T0 + HOUR })], context);
    expect(merged.rows[0]).toMatchObject({ podId: 'p1', podName: 'pod one', endMs: T0 + HOUR });
  });

  it('matches a rebuilt start to the row with the same end', () => {
    const closed = rowOf(priced());
    const rebuilt = priced({ key: 'ana|rebuilt', startMs: T0 + 1500, startReconstructed: true, endMs: T0 + 2 * HOUR + 400 });
    const merged = mergeSessions([closed], [rebuilt], context);
    expect(merged.rows).toHaveLength(1);
    expect(merged.changed).toEqual([]);
  });

  it('prefers the event log over user_stats for one key', () => {
    const merged = mergeSessions([], [priced({ source: 'user_stats', panelCost: 9 }), priced()], context);
    expect(merged.rows[0]?.source).toBe('usage_log');
  });
});

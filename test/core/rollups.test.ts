import { summarizeByMonth, summarizeByUser } from '../../src/core/rollups';
import type { SessionRow } from '../../src/core/session-rows';
import type { OffsetAt } from '../../src/core/time-zone';

const HOUR = 3_600_000;

function row(user: string, startMs: number, endMs: number | null, totalCost: number, overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    key: `${user}|${startMs}`,
    user,
    podId: 'p1',
    podName: null,
    gpuType: null,
    startMs,
    endMs,
    durationHours: ((endMs ?? startMs) - startMs) / HOUR,
    costPerHr: 1,
    totalCost,
    status: endMs === null ? 'running' : 'closed',
    priceBasis: 'observed',
    panelCost: null,
    source: 'usage_log',
    lastSyncedMs: startMs,
    ...overrides,
  };
}

const utc: OffsetAt = () => 0;

/** Europe/Berlin: +1 h in winter, +2 h from the last Sunday of March to the last Sunday of October. */
const berlin: OffsetAt = (atMs) => {
  const summerStart = Date.UTC(2026, 2, 29, 1);
  const summerEnd = Date.UTC(2026, 9, 25, 1);
  return atMs >= summerStart && atMs < summerEnd ? 2 * HOUR : HOUR;
};

describe('summarizeByUser', () => {
  it('sums per user with a total over everyone', () => {
    const summary = summarizeByUser([
      row('ana', 0, 2 * HOUR, 2),
      row('Ana ', 3 * HOUR, 4 * HOUR, 1, { priceBasis: 'estimated' }),
      null,
      row('bo', 0, HOUR, 0.5),
    ]);
    expect(summary.users).toEqual([
      { user: 'ana', hours: 3, cost: 3, sessions: 2, running: 0, estimatedCost: 1, lastActivityMs: 4 * HOUR },
      { user: 'bo', hours: 1, cost: 0.5, sessions: 1, running: 0, estimatedCost: 0, lastActivityMs: HOUR },
    ]);
    expect(summary.total).toEqual({ hours: 4, cost: 3.5, sessions: 3, running: 0, estimatedCost: 1, lastActivityMs: 4 * HOUR });
  });
});

describe('summarizeByMonth', () => {
  it('splits a session at a month end in the zone', () => {
    const start = Date.UTC(2026, 10, 30, 22);
    const totals = summarizeByMonth([row('ana', start, start + 4 * HOUR, 4)], utc);
    expect(totals).toEqual([
      { month: '2026-11', user: 'ana', hours: 2, cost: 2, sessions: 1 },
      { month: '2026-12', user: 'ana', hours: 2, cost: 2, sessions: 1 },
    ]);
  });

  it('uses the zone, not UTC, for the boundary', () => {
    // 23:30 UTC on 31 October is already 1 November in Berlin (UTC+1 in winter).
    const start = Date.UTC(2026, 9, 31, 23, 30);
    const totals = summarizeByMonth([row('ana', start, start + HOUR, 1)], berlin);
    expect(totals).toEqual([{ month: '2026-11', user: 'ana', hours: 1, cost: 1, sessions: 1 }]);
  });

  it('splits at midnight across a daylight-saving change', () => {
    // Berlin's month boundary 1 April 00:00 (+2 h) is 31 March 22:00 UTC.
    const start = Date.UTC(2026, 2, 31, 21);
    const totals = summarizeByMonth([row('ana', start, start + 2 * HOUR, 2)], berlin);
    expect(totals.map((total) => [total.month, total.hours])).toEqual([
      ['2026-03', 1],
      ['2026-04', 1],
    ]);
  });

  it('counts a running session as far as its duration', () => {
    const start = Date.UTC(2026, 11, 1, 10);
    const totals = summarizeByMonth([row('ana', start, null, 3, { durationHours: 3 })], utc);
    expect(totals).toEqual([{ month: '2026-12', user: 'ana', hours: 3, cost: 3, sessions: 1 }]);
  });
});

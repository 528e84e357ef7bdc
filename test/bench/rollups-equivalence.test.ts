/**
 * The monthly rollup finds months with few offset lookups. These tests hold it to the plain
 * algorithm it replaced, which split every session with `splitByMonth`, on sessions around month
 * boundaries in zones with unusual offsets and daylight-saving rules.
 */
import { summarizeByMonth, utcMonthIndex, type MonthlyTotal } from '../../src/core/rollups';
import { round, type SessionRow } from '../../src/core/session-rows';
import { userKey } from '../../src/core/session-key';
import { cachedOffsets, splitByMonth, type OffsetAt } from '../../src/core/time-zone';

const HOUR = 3_600_000;

/** Computes the monthly totals as the rollup did before it skipped offset lookups. */
function referenceSummary(rows: readonly (SessionRow | null)[], offsetAt: OffsetAt): MonthlyTotal[] {
  const totals = new Map<string, MonthlyTotal>();
  for (const row of rows) {
    if (!row) continue;
    const endMs = row.endMs ?? row.startMs + Math.max(0, row.durationHours) * HOUR;
    const spanMs = endMs - row.startMs;
    const slices = spanMs > 0 ? splitByMonth(row.startMs, endMs, offsetAt) : splitByMonth(row.startMs, row.startMs + 1, offsetAt);
    for (const slice of slices) {
      const share = spanMs > 0 ? (slice.endMs - slice.startMs) / spanMs : 1;
      const key = `${slice.month}|${userKey(row.user)}`;
      const total = totals.get(key) ?? { month: slice.month, user: row.user.trim(), hours: 0, cost: 0, sessions: 0 };
      total.hours += spanMs > 0 ? (slice.endMs - slice.startMs) / HOUR : 0;
      total.cost += (row.totalCost ?? 0) * share;
      total.sessions += 1;
      totals.set(key, total);
    }
  }
  const compare = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
  return Array.from(totals.values())
    .map((total) => ({ ...total, hours: round(total.hours), cost: round(total.cost) }))
    .sort((a, b) => compare(a.month, b.month) || compare(a.user, b.user));
}

/** Returns an IANA zone's offsets from Intl, as `Utilities.formatDate(..., 'Z')` gives them. */
function intlOffsets(timeZone: string): OffsetAt {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  return cachedOffsets((atMs) => {
    const name = format.formatToParts(new Date(atMs)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    if (!match) return 0;
    return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
  });
}

function sessionRow(user: string, startMs: number, endMs: number | null, totalCost: number): SessionRow {
  return {
    key: `${user}|${startMs}`,
    user,
    podId: 'p1',
    podName: null,
    gpuType: null,
    startMs,
    endMs,
    durationHours: 0,
    costPerHr: 1,
    totalCost,
    status: endMs === null ? 'running' : 'closed',
    priceBasis: 'observed',
    panelCost: null,
    source: 'usage_log',
    lastSyncedMs: startMs,
  };
}

/** Mulberry32, seeded, so every run tests the same sessions. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Sessions that start within two days of a month's first midnight, some long, some open or empty. */
function sessionsNearMonthEnds(count: number, seed: number): (SessionRow | null)[] {
  const random = seededRandom(seed);
  const users = ['ana', 'Ana ', 'bo', 'chen'];
  const rows: (SessionRow | null)[] = [];
  for (let i = 0; i < count; i++) {
    const monthStart = Date.UTC(2011 + Math.floor(random() * 20), Math.floor(random() * 12), 1);
    const startMs = monthStart + Math.round((random() - 0.5) * 4 * 24 * HOUR);
    const kind = random();
    let endMs: number | null;
    if (kind < 0.05) {
      endMs = null;
    } else if (kind < 0.1) {
      endMs = startMs;
    } else if (kind < 0.15) {
      endMs = startMs - HOUR;
    } else {
      endMs = startMs + Math.round(random() * (kind < 0.3 ? 40 * 24 * HOUR : 30 * HOUR));
    }
    rows.push(i % 97 === 0 ? null : sessionRow(users[i % users.length] as string, startMs, endMs, Math.round(random() * 1000) / 100));
  }
  return rows;
}

describe('summarizeByMonth against splitByMonth', () => {
  // America/Havana is left out: its clocks jumped at midnight on 1 April 2012, where the plain
  // algorithm never ends. The test below covers it.
  const zones = ['UTC', 'Europe/Berlin', 'America/Santiago', 'Pacific/Kiritimati', 'Pacific/Apia', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Etc/GMT+12'];

  it.each(zones)('gives the same totals in %s', (timeZone) => {
    const rows = sessionsNearMonthEnds(3000, timeZone.length);
    expect(summarizeByMonth(rows, intlOffsets(timeZone))).toEqual(referenceSummary(rows, intlOffsets(timeZone)));
  });

  it('splits at a clock change at midnight', () => {
    // Havana went from UTC-5 to UTC-4 at 00:00 on 1 April 2012, so April began at 05:00 UTC.
    const start = Date.UTC(2012, 2, 31, 23);
    const totals = summarizeByMonth([sessionRow('ana', start, start + 8 * HOUR, 8)], intlOffsets('America/Havana'));
    expect(totals.map((total) => [total.month, total.hours])).toEqual([
      ['2012-03', 6],
      ['2012-04', 2],
    ]);
  });

  it('asks for far fewer offsets than sessions', () => {
    const rows = sessionsNearMonthEnds(3000, 7).map((row) => row && { ...row, startMs: row.startMs + 10 * 24 * HOUR, endMs: row.endMs === null ? null : row.endMs + 10 * 24 * HOUR });
    let lookups = 0;
    const counting: OffsetAt = (atMs) => {
      lookups++;
      return atMs % 2 === 0 ? HOUR : HOUR;
    };
    summarizeByMonth(rows, counting);
    expect(lookups).toBeLessThan(rows.length / 2);
  });
});

describe('utcMonthIndex', () => {
  it('matches Date for every day from 1900 to 2100', () => {
    const mismatches: string[] = [];
    for (let atMs = Date.UTC(1900, 0, 1); atMs < Date.UTC(2100, 0, 1); atMs += 24 * HOUR - 1) {
      const date = new Date(atMs);
      if (utcMonthIndex(atMs) !== date.getUTCFullYear() * 12 + date.getUTCMonth()) mismatches.push(date.toISOString());
    }
    expect(mismatches).toEqual([]);
  });
});

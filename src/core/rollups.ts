/** Per-user and per-month totals, computed from every row of the Sessions tab. */
import { round, type SessionRow } from './session-rows';
import { userKey } from './session-key';
import { splitByMonth, type OffsetAt } from './time-zone';

const MS_PER_HOUR = 3_600_000;

export interface UserTotal {
  user: string;
  hours: number;
  cost: number;
  sessions: number;
  running: number;
  /** The part of `cost` priced at an estimated rate. */
  estimatedCost: number;
  /** The latest end of a session, or the last sync of a running one. */
  lastActivityMs: number;
}

export interface UsageSummary {
  users: UserTotal[];
  total: Omit<UserTotal, 'user' | 'lastActivityMs'> & { lastActivityMs: number | null };
}

/** Sums hours and cost per user, with a total over everyone. Users sort by name. */
export function summarizeByUser(rows: readonly (SessionRow | null)[]): UsageSummary {
  const byUser = new Map<string, UserTotal>();
  for (const row of rows) {
    if (!row) continue;
    const key = userKey(row.user);
    const total = byUser.get(key) ?? { user: row.user.trim(), hours: 0, cost: 0, sessions: 0, running: 0, estimatedCost: 0, lastActivityMs: 0 };
    total.hours += row.durationHours;
    total.cost += row.totalCost ?? 0;
    total.sessions += 1;
    total.running += row.status === 'running' ? 1 : 0;
    total.estimatedCost += row.priceBasis === 'estimated' ? (row.totalCost ?? 0) : 0;
    total.lastActivityMs = Math.max(total.lastActivityMs, row.endMs ?? row.lastSyncedMs);
    byUser.set(key, total);
  }

  const users = Array.from(byUser.values())
    .map((total) => ({ ...total, hours: round(total.hours), cost: round(total.cost), estimatedCost: round(total.estimatedCost) }))
    .sort((a, b) => compareText(a.user, b.user));
  const total = users.reduce(
    (sum, user) => ({
      hours: sum.hours + user.hours,
      cost: sum.cost + user.cost,
      sessions: sum.sessions + user.sessions,
      running: sum.running + user.running,
      estimatedCost: sum.estimatedCost + user.estimatedCost,
      lastActivityMs: Math.max(sum.lastActivityMs ?? 0, user.lastActivityMs),
    }),
    { hours: 0, cost: 0, sessions: 0, running: 0, estimatedCost: 0, lastActivityMs: null as number | null },
  );
  return { users, total: { ...total, hours: round(total.hours), cost: round(total.cost), estimatedCost: round(total.estimatedCost) } };
}

export interface MonthlyTotal {
  month: string;
  user: string;
  hours: number;
  cost: number;
  sessions: number;
}

/**
 * Sums hours and cost per calendar month (in the spreadsheet's zone) and user. A session that
 * crosses a month boundary is split there, and its cost is shared in proportion to its hours.
 */
export function summarizeByMonth(rows: readonly (SessionRow | null)[], nowMs: number, offsetAt: OffsetAt): MonthlyTotal[] {
  const totals = new Map<string, MonthlyTotal>();
  for (const row of rows) {
    if (!row) continue;
    const endMs = row.endMs ?? Math.max(nowMs, row.startMs);
    const spanMs = endMs - row.startMs;
    const slices = spanMs > 0 ? splitByMonth(row.startMs, endMs, offsetAt) : splitByMonth(row.startMs, row.startMs + 1, offsetAt);

    for (const slice of slices) {
      const share = spanMs > 0 ? (slice.endMs - slice.startMs) / spanMs : 1;
      const key = `${slice.month}|${userKey(row.user)}`;
      const total = totals.get(key) ?? { month: slice.month, user: row.user.trim(), hours: 0, cost: 0, sessions: 0 };
      total.hours += spanMs > 0 ? (slice.endMs - slice.startMs) / MS_PER_HOUR : 0;
      total.cost += (row.totalCost ?? 0) * share;
      total.sessions += 1;
      totals.set(key, total);
    }
  }

  return Array.from(totals.values())
    .map((total) => ({ ...total, hours: round(total.hours), cost: round(total.cost) }))
    .sort((a, b) => compareText(a.month, b.month) || compareText(a.user, b.user));
}

function compareText(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

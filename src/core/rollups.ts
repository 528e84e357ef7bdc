/** Per-user and per-month totals, computed from every row of the Sessions tab. */
import { round, type SessionRow } from './session-rows';
import { userKey } from './session-key';
import { monthOf, nextMonthStart, type OffsetAt } from './time-zone';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

// Taken from Math once: the loops below run for every session row, and in the node:vm sandbox that
// the tests and the benchmark run the bundle in, each lookup of a global such as Math costs about
// 100 ns (about 10 times its cost at top level in node).
const { floor, max, min } = Math;

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
  const userKeys = new UserKeys();
  for (const row of rows) {
    if (!row) continue;
    const key = userKeys.of(row.user);
    const total = byUser.get(key) ?? { user: row.user.trim(), hours: 0, cost: 0, sessions: 0, running: 0, estimatedCost: 0, lastActivityMs: 0 };
    total.hours += row.durationHours;
    total.cost += row.totalCost ?? 0;
    total.sessions += 1;
    total.running += row.status === 'running' ? 1 : 0;
    total.estimatedCost += row.priceBasis === 'estimated' ? (row.totalCost ?? 0) : 0;
    total.lastActivityMs = max(total.lastActivityMs, row.endMs ?? row.lastSyncedMs);
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
 * A running session counts as far as its Duration reaches, the span the Sessions tab priced, so
 * Monthly agrees with Sessions and Usage Summary even when its pod could not be read.
 * NOTE: the share follows wall-clock hours. A session whose pod was stopped for part of it gives
 * the month of the stopped hours more than RunPod charged in it, though the total is unchanged.
 */
export function summarizeByMonth(rows: readonly (SessionRow | null)[], offsetAt: OffsetAt): MonthlyTotal[] {
  const calendar = new MonthCalendar(offsetAt);
  const userKeys = new UserKeys();
  // Totals by month, then by user key: the same grouping as a `month|user` key without building it.
  const totals = new Map<string, Map<string, MonthlyTotal>>();
  for (const row of rows) {
    if (!row) continue;
    const endMs = row.endMs ?? row.startMs + max(0, row.durationHours) * MS_PER_HOUR;
    const spanMs = endMs - row.startMs;
    const splitEndMs = spanMs > 0 ? endMs : row.startMs + 1;
    const key = userKeys.of(row.user);

    let fromMs = row.startMs;
    let month = calendar.monthAt(fromMs);
    while (fromMs < splitEndMs) {
      const untilMs = min(month.nextStartMs, splitEndMs);
      const share = spanMs > 0 ? (untilMs - fromMs) / spanMs : 1;

      let byUser = totals.get(month.label);
      if (!byUser) {
        byUser = new Map();
        totals.set(month.label, byUser);
      }
      let total = byUser.get(key);
      if (!total) {
        total = { month: month.label, user: row.user.trim(), hours: 0, cost: 0, sessions: 0 };
        byUser.set(key, total);
      }
      total.hours += spanMs > 0 ? (untilMs - fromMs) / MS_PER_HOUR : 0;
      total.cost += (row.totalCost ?? 0) * share;
      total.sessions += 1;
      fromMs = untilMs;
      if (fromMs < splitEndMs) month = calendar.following(month);
    }
  }

  const flat: MonthlyTotal[] = [];
  totals.forEach((byUser) => byUser.forEach((total) => flat.push({ ...total, hours: round(total.hours), cost: round(total.cost) })));
  return flat.sort((a, b) => compareText(a.month, b.month) || compareText(a.user, b.user));
}

/**
 * Bound on any zone's offset from UTC. Today's zones lie within UTC-12 and UTC+14; 16 hours also
 * covers the local mean times of the 19th century. An instant further than this from both ends
 * of its UTC month is in that same month in every zone.
 */
const MAX_ZONE_OFFSET_MS = 16 * 3_600_000;

/** Zones change their offset on quarter hours, so the search for a month's end steps by one, for at most a day. */
const QUARTER_HOUR_MS = 15 * 60_000;
const MAX_BOUNDARY_STEPS = 96;

interface CalendarMonth {
  /** `yyyy-MM`. */
  label: string;
  /** The instant the next month begins in the zone. */
  nextStartMs: number;
  /** The month that begins at `nextStartMs`, once asked for. */
  next?: CalendarMonth;
}

/**
 * The months of the spreadsheet's zone, as `monthOf` and `nextMonthStart` give them, with far
 * fewer offset lookups: in Apps Script each lookup is a `Utilities.formatDate` call. An instant
 * more than 16 hours from a UTC month boundary is in that UTC month in every zone, so only
 * instants near a boundary ask for their offset, and each month's end is worked out once.
 */
class MonthCalendar {
  private readonly labels = new Map<number, string>();
  private readonly monthIndexByDay = new Map<number, number>();
  private readonly months = new Map<string, CalendarMonth>();

  constructor(private readonly offsetAt: OffsetAt) {}

  /** Returns the month of an instant; its `nextStartMs` is always later than `atMs`. */
  monthAt(atMs: number): CalendarMonth {
    const label = this.labelAt(atMs);
    const cached = this.months.get(label);
    if (cached && cached.nextStartMs > atMs) return cached;
    // A month seen again after its end: clocks set back across midnight on the 1st.
    const month = { label, nextStartMs: this.nextStart(label, atMs) };
    this.months.set(label, month);
    return month;
  }

  /** Returns the month that begins where `month` ends, looked up once per month. */
  following(month: CalendarMonth): CalendarMonth {
    if (!month.next || month.next.nextStartMs <= month.nextStartMs) month.next = this.monthAt(month.nextStartMs);
    return month.next;
  }

  /**
   * Returns where the month after `label` begins. `nextMonthStart` depends only on the month of
   * its argument, so one call per month gives what it gives every instant of that month. In a zone
   * whose clocks jump at midnight (America/Havana on 1 April 2012) it returns an instant still in
   * `label`, where splitting by month used to loop forever. This steps on to the real change.
   */
  private nextStart(label: string, atMs: number): number {
    let nextMs = nextMonthStart(atMs, this.offsetAt);
    for (let step = 0; step < MAX_BOUNDARY_STEPS && (nextMs <= atMs || this.labelAt(nextMs) === label); step++) {
      nextMs = Math.max(nextMs, atMs) + QUARTER_HOUR_MS;
    }
    return Math.max(nextMs, atMs + 1);
  }

  private labelAt(atMs: number): string {
    const index = this.monthIndexOfDay(floor((atMs - MAX_ZONE_OFFSET_MS) / MS_PER_DAY));
    if (index !== this.monthIndexOfDay(floor((atMs + MAX_ZONE_OFFSET_MS) / MS_PER_DAY))) {
      return monthOf(atMs, this.offsetAt);
    }
    let label = this.labels.get(index);
    if (label === undefined) {
      const year = Math.floor(index / 12);
      label = `${year}-${String(index - year * 12 + 1).padStart(2, '0')}`;
      this.labels.set(index, label);
    }
    return label;
  }

  /** Returns the UTC month index of a day since the epoch, computed once per day. */
  private monthIndexOfDay(day: number): number {
    let index = this.monthIndexByDay.get(day);
    if (index === undefined) {
      index = utcMonthIndex(day * MS_PER_DAY);
      this.monthIndexByDay.set(day, index);
    }
    return index;
  }
}

/**
 * Returns year * 12 + month (0-based) of an instant in UTC, without building a Date: this runs
 * for every session row. The days-to-civil-date steps are Howard Hinnant's `civil_from_days`.
 */
export function utcMonthIndex(atMs: number): number {
  const days = Math.floor(atMs / MS_PER_DAY) + 719_468;
  const era = Math.floor(days / 146_097);
  const dayOfEra = days - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  // Months counted from March, so that the leap day ends the year.
  const marchMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const month = marchMonth < 10 ? marchMonth + 2 : marchMonth - 10;
  const year = yearOfEra + era * 400 + (month < 2 ? 1 : 0);
  return year * 12 + month;
}

/** Caches `userKey` per spelling, as the same few names repeat on every row. */
class UserKeys {
  private readonly keys = new Map<string, string>();

  of(user: string): string {
    let key = this.keys.get(user);
    if (key === undefined) {
      key = userKey(user);
      this.keys.set(user, key);
    }
    return key;
  }
}

function compareText(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

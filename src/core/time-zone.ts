/** Calendar arithmetic in the spreadsheet's time zone, given only a way to read its UTC offset. */

/** Returns the zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export type OffsetAt = (atMs: number) => number;

export interface MonthSlice {
  /** The calendar month as `yyyy-MM`. */
  month: string;
  startMs: number;
  endMs: number;
}

/** Returns the `yyyy-MM` month that an instant falls in, in the zone. */
export function monthOf(atMs: number, offsetAt: OffsetAt): string {
  return monthLabel(new Date(atMs + offsetAt(atMs)));
}

/** Formats the month of a wall-clock time held in a Date's UTC fields as `yyyy-MM`. */
function monthLabel(local: Date): string {
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;

/** A day of quarter hours: the furthest a month's first instant can lie from its midnight. */
const MAX_BOUNDARY_STEPS = 96;

/** Returns the instant at which the month after the one containing `atMs` begins, in the zone. */
export function nextMonthStart(atMs: number, offsetAt: OffsetAt): number {
  const local = new Date(atMs + offsetAt(atMs));
  const wallClock = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1);
  // The offset at midnight can differ from the offset now (daylight saving), so settle it twice.
  const firstGuess = wallClock - offsetAt(wallClock);
  const guess = wallClock - offsetAt(firstGuess);
  // Where the clocks jump over midnight (America/Havana on 1 April 2012) no instant has that wall
  // time, and the guess can land in the old month: step on to the first instant of the new one.
  const month = monthLabel(local);
  let start = Math.max(guess, atMs + 1);
  for (let step = 0; step < MAX_BOUNDARY_STEPS && monthOf(start, offsetAt) === month; step++) {
    start = Math.floor(start / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS;
  }
  return start;
}


/** Splits [startMs, endMs) at the month boundaries of the zone. */
export function splitByMonth(startMs: number, endMs: number, offsetAt: OffsetAt): MonthSlice[] {
  const slices: MonthSlice[] = [];
  let from = startMs;
  while (from < endMs) {
    const boundary = nextMonthStart(from, offsetAt);
    const until = Math.min(boundary, endMs);
    slices.push({ month: monthOf(from, offsetAt), startMs: from, endMs: until });
    from = until;
  }
  return slices;
}

/** Wraps an offset lookup so each quarter hour is computed once; zones change offset on those. */
export function cachedOffsets(offsetAt: OffsetAt): OffsetAt {
  const cache = new Map<number, number>();
  return (atMs) => {
    const bucket = Math.floor(atMs / QUARTER_HOUR_MS);
    let offset = cache.get(bucket);
    if (offset === undefined) {
      offset = offsetAt(bucket * QUARTER_HOUR_MS);
      cache.set(bucket, offset);
    }
    return offset;
  };
}

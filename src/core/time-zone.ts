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
  const local = new Date(atMs + offsetAt(atMs));
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Returns the instant at which the month after the one containing `atMs` begins, in the zone. */
export function nextMonthStart(atMs: number, offsetAt: OffsetAt): number {
  const local = new Date(atMs + offsetAt(atMs));
  const wallClock = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1);
  // The offset at midnight can differ from the offset now (daylight saving), so settle it twice.
  const guess = wallClock - offsetAt(wallClock);
  return wallClock - offsetAt(guess);
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
  const QUARTER_HOUR_MS = 15 * 60 * 1000;
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

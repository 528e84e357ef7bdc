/**
 * Time zone arithmetic over `Intl.DateTimeFormat`, shared by the spreadsheet (typed dates, display
 * values), `Utilities.formatDate` and the XLSX export.
 */

/** The calendar fields of an instant as a clock in some time zone shows them. */
export interface WallTime {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 for Sunday to 6 for Saturday. */
  weekday: number;
}

const MS_PER_MINUTE = 60_000;
/** Offsets are cached per 15-minute slice of UTC time, the granularity of modern zone transitions. */
const OFFSET_CACHE_SLICE_MS = 15 * MS_PER_MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCaches = new Map<string, Map<number, number>>();

/** Tells whether `Intl` accepts `timeZone` as an IANA name such as `Europe/Berlin` or `Etc/UTC`. */
export function isIanaTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Parses Java's custom zone ids such as `GMT+2`, `GMT-05:30` or `UTC`, returning the offset in ms. */
export function parseFixedOffsetZone(timeZone: string): number | undefined {
  const match = /^(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/.exec(timeZone);
  if (match === null) return undefined;
  if (match[1] === undefined) return 0;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? '0');
  if (hours > 23 || minutes > 59) return undefined;
  const sign = match[1] === '-' ? -1 : 1;
  return sign * (hours * 60 + minutes) * MS_PER_MINUTE;
}

/**
 * Returns the offset from UTC in ms of `timeZone` at the instant `ms`. A zone that is neither an
 * IANA name nor a `GMT±hh:mm` id counts as GMT, as `java.util.TimeZone` treats unknown ids.
 */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const fixed = parseFixedOffsetZone(timeZone);
  if (fixed !== undefined) return fixed;
  if (!isIanaTimeZone(timeZone)) return 0;

  let cache = offsetCaches.get(timeZone);
  if (cache === undefined) {
    cache = new Map();
    offsetCaches.set(timeZone, cache);
  }
  const slice = Math.floor(ms / OFFSET_CACHE_SLICE_MS);
  const cached = cache.get(slice);
  if (cached !== undefined) return cached;

  const offset = computeOffsetMs(ms, timeZone);
  cache.set(slice, offset);
  return offset;
}

function computeOffsetMs(ms: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const fields: Record<string, string> = {};
  for (const part of formatter.formatToParts(ms)) fields[part.type] = part.value;
  let year = Number(fields.year);
  if (fields.era === 'BC') year = 1 - year;
  const wallAsUtc = Date.UTC(year, Number(fields.month) - 1, Number(fields.day), Number(fields.hour), Number(fields.minute), Number(fields.second));
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return wallAsUtc - wholeSecond;
}

/** Returns the calendar fields of the instant `ms` in `timeZone`. */
export function toWallTime(ms: number, timeZone: string): WallTime {
  const shifted = new Date(ms + zoneOffsetMs(ms, timeZone));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    millisecond: shifted.getUTCMilliseconds(),
    weekday: shifted.getUTCDay(),
  };
}

/** Returns the wall-clock time of `ms` in `timeZone` as ms since 1970 read as if it were UTC. */
export function toWallMs(ms: number, timeZone: string): number {
  return ms + zoneOffsetMs(ms, timeZone);
}

/**
 * Converts a wall-clock time in `timeZone`, given as ms since 1970 read as UTC, to the instant.
 * A time skipped by a daylight-saving change moves forward by the size of the gap, and a time that
 * occurs twice resolves to the earlier instant, as `java.util.Calendar` does.
 */
export function fromWallMs(wallMs: number, timeZone: string): number {
  // No zone changes its offset twice within three days, so the offsets 36 hours either side are
  // the only candidates.
  const offsetBefore = zoneOffsetMs(wallMs - 36 * 60 * MS_PER_MINUTE, timeZone);
  const offsetAfter = zoneOffsetMs(wallMs + 36 * 60 * MS_PER_MINUTE, timeZone);
  const candidates = [wallMs - offsetBefore, wallMs - offsetAfter].sort((a, b) => a - b);
  for (const candidate of candidates) {
    if (toWallMs(candidate, timeZone) === wallMs) return candidate;
  }
  // The wall time falls into a gap, so read it with the offset in force before the change.
  return wallMs - offsetBefore;
}

/** Formats an offset as `+0100` (`withColon` false) or `+01:00`. */
export function formatOffset(offsetMs: number, withColon: boolean): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const totalMinutes = Math.round(Math.abs(offsetMs) / MS_PER_MINUTE);
  const hours = String(Math.floor(totalMinutes / 60)).padStart(2, '0');
  const minutes = String(totalMinutes % 60).padStart(2, '0');
  return withColon ? `${sign}${hours}:${minutes}` : `${sign}${hours}${minutes}`;
}

/**
 * Returns the zone name Java's `z` (short) or `zzzz` (long) pattern prints, such as `CET`, `PST`
 * or `UTC`. `Intl` has no abbreviation for some zones in English; those print as `GMT+01:00`,
 * which is what Java prints for zones without one.
 */
export function zoneName(ms: number, timeZone: string, style: 'short' | 'long'): string {
  const offset = zoneOffsetMs(ms, timeZone);
  if (!isIanaTimeZone(timeZone)) return offset === 0 ? 'GMT' : `GMT${formatOffset(offset, true)}`;

  for (const locale of ['en-US', 'en-GB']) {
    const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style }).formatToParts(ms);
    const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
    if (name !== '' && !/^GMT[+-]/.test(name)) return name;
  }
  return `GMT${formatOffset(offset, true)}`;
}

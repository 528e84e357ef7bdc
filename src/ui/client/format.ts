/** Number, duration and time formats of the sidebar, in the browser's locale and time zone. */

const DASH = '–';

export function money(value: number | null, digits = 2): string {
  return value === null ? DASH : `$${value.toFixed(digits)}`;
}

export function percent(value: number | null): string {
  return value === null ? DASH : `${Math.round(value)}%`;
}

/** Formats a duration as "42 min", "5.2 h" or "3 d 22 h". */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = ms / 3_600_000;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  const wholeHours = Math.round(hours);
  return `${Math.floor(wholeHours / 24)} d ${wholeHours % 24} h`;
}

/** Formats an age as "just now" or "12 min ago". */
export function ago(ms: number): string {
  return ms < 60_000 ? 'just now' : `${duration(ms)} ago`;
}

/** Formats an instant as a time of day, with the date when it is not on the day of `nowMs`. */
export function clockTime(ms: number, nowMs: number): string {
  const date = new Date(ms);
  const sameDay = date.toDateString() === new Date(nowMs).toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

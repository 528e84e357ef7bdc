/** Conversion of the control panel's epoch-second timestamps into epoch milliseconds. */

/** Anything above this many seconds is far past year 5000, so such a value must already be in ms. */
const LARGEST_PLAUSIBLE_SECONDS = 1e11;

/** 2015-01-01T00:00:00Z: RunPod did not exist before, so an earlier instant is a broken clock. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2015, 0, 1);

/** 2100-01-01T00:00:00Z. */
export const LATEST_PLAUSIBLE_MS = Date.UTC(2100, 0, 1);

/** Converts epoch seconds (or milliseconds, which some panels write) to whole epoch milliseconds. */
export function epochToMs(value: number): number {
  const ms = Math.abs(value) > LARGEST_PLAUSIBLE_SECONDS ? value : value * 1000;
  return Math.round(ms);
}

export function isPlausibleInstant(ms: number): boolean {
  return ms >= EARLIEST_PLAUSIBLE_MS && ms < LATEST_PLAUSIBLE_MS;
}

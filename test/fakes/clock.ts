import * as vm from 'node:vm';

/** 2026-01-15 12:00:00 UTC: a fixed start so that tests do not depend on the day they run. */
export const DEFAULT_START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

/** The time the fakes and the bundle see. It moves only when a test or `Utilities.sleep` moves it. */
export class FakeClock {
  private currentMs: number;

  constructor(start: number | Date | string = DEFAULT_START_MS) {
    this.currentMs = toMs(start);
  }

  now(): number {
    return this.currentMs;
  }

  set(time: number | Date | string): void {
    this.currentMs = toMs(time);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance expects a non-negative number of ms, got ${ms}`);
    this.currentMs += ms;
  }
}

function toMs(time: number | Date | string): number {
  const ms = typeof time === 'number' ? time : new Date(time).getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid clock time: ${String(time)}`);
  return ms;
}

/**
 * The source of a factory `(BaseDate, now) => Date` building a `Date` constructor over `BaseDate`
 * whose `Date.now()`, `new Date()` and `Date()` read `now`. `new Date(x)` with arguments,
 * `Date.UTC` and `Date.parse` behave normally. The function shares `BaseDate.prototype`, so every
 * date of that realm passes `instanceof` for both. It is plain JavaScript text so it can be
 * compiled inside a vm context without the helpers a TypeScript transpiler may insert.
 */
const CLOCK_DATE_FACTORY_SOURCE = `(function makeClockDate(BaseDate, now) {
  function Date(...args) {
    if (new.target === undefined) return new BaseDate(now()).toString();
    if (args.length === 0) return Reflect.construct(BaseDate, [now()], new.target);
    return Reflect.construct(BaseDate, args, new.target);
  }
  Object.defineProperty(Date, 'prototype', { value: BaseDate.prototype });
  Object.defineProperty(Date, 'length', { value: 7 });
  Object.defineProperty(Date, 'now', { value: function now_() { return now(); }, writable: true, configurable: true });
  Object.defineProperty(Date, 'UTC', { value: BaseDate.UTC, writable: true, configurable: true });
  Object.defineProperty(Date, 'parse', { value: BaseDate.parse, writable: true, configurable: true });
  return Date;
})`;

type ClockDateFactory = (BaseDate: DateConstructor, now: () => number) => DateConstructor;

/** Builds a clock-driven `Date` in the test's own realm, over the global `Date`. */
export function makeClockDate(now: () => number): DateConstructor {
  const factory = vm.runInThisContext(CLOCK_DATE_FACTORY_SOURCE) as ClockDateFactory;
  return factory(Date, now);
}

/**
 * Replaces the global `Date` of `context` with a clock-driven one built from that context's own
 * intrinsic `Date`, and returns it. `Date.prototype.constructor` is pointed at it too, so
 * `new date.constructor()` also reads the clock.
 */
export function installClockDate(context: vm.Context, now: () => number): DateConstructor {
  const factory = vm.runInContext(CLOCK_DATE_FACTORY_SOURCE, context) as ClockDateFactory;
  const intrinsicDate = vm.runInContext('Date', context) as DateConstructor;
  const clockDate = factory(intrinsicDate, now);
  Object.defineProperty(intrinsicDate.prototype, 'constructor', { value: clockDate, writable: true, configurable: true });
  Object.defineProperty(context, 'Date', { value: clockDate, writable: true, configurable: true });
  return clockDate;
}

import * as vm from 'node:vm';
import { FakeClock, installClockDate, makeClockDate } from './clock';

describe('FakeClock', () => {
  it('sets and advances', () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    clock.advance(1500);
    expect(new Date(clock.now()).toISOString()).toBe('2026-01-01T00:00:01.500Z');
    clock.set(0);
    expect(clock.now()).toBe(0);
  });

  it('rejects going back', () => {
    expect(() => new FakeClock().advance(-1)).toThrow('non-negative');
  });
});

describe('clock Date', () => {
  it('reads the clock without arguments', () => {
    const clock = new FakeClock(1_000_000);
    const ClockDate = makeClockDate(() => clock.now());
    expect(new ClockDate().getTime()).toBe(1_000_000);
    expect(ClockDate.now()).toBe(1_000_000);
    expect(new ClockDate(5).getTime()).toBe(5);
    expect(new ClockDate(2026, 0, 1).getFullYear()).toBe(2026);
    expect(ClockDate.UTC(2026, 0, 1)).toBe(Date.UTC(2026, 0, 1));
    expect(ClockDate.parse('1970-01-01T00:00:01Z')).toBe(1000);
    expect((ClockDate as unknown as () => string)()).toBe(new Date(1_000_000).toString());
  });

  it('passes instanceof inside a context', () => {
    const clock = new FakeClock(42);
    const context = vm.createContext({});
    installClockDate(context, () => clock.now());
    const result = vm.runInContext(
      `var made = new Date(); var literal = new Date(7);
       [made.getTime(), Date.now(), made instanceof Date, literal instanceof Date, Object.prototype.toString.call(made), new made.constructor().getTime()]`,
      context,
    ) as unknown[];
    expect(result).toEqual([42, 42, true, true, '[object Date]', 42]);
    clock.advance(8);
    expect(vm.runInContext('Date.now()', context)).toBe(50);
  });
});

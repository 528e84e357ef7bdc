import { monthOf, nextMonthStart, splitByMonth, type OffsetAt } from '../../src/core/time-zone';

/** Reads a zone's offset from the platform's time zone data, as Utilities.formatDate does in Apps Script. */
function zone(timeZone: string): OffsetAt {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  return (atMs) => {
    const parts: Record<string, number> = Object.fromEntries(format.formatToParts(new Date(atMs)).map((part) => [part.type, Number(part.value)]));
    const field = (name: string) => parts[name] ?? 0;
    const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
    return wall - Math.floor(atMs / 1000) * 1000;
  };
}

describe('nextMonthStart', () => {
  it.each([
    ['Europe/Berlin', Date.UTC(2026, 2, 15), Date.UTC(2026, 2, 31, 22)],
    ['America/New_York', Date.UTC(2026, 10, 15), Date.UTC(2026, 11, 1, 5)],
    ['Asia/Kolkata', Date.UTC(2026, 11, 15), Date.UTC(2026, 11, 31, 18, 30)],
  ])('finds the month start in %s', (timeZone, atMs, expected) => {
    expect(nextMonthStart(atMs, zone(timeZone))).toBe(expected);
  });

  it('steps over a clock jump at midnight', () => {
    // Havana's clocks jumped from 00:00 to 01:00 on 1 April 2012, so April began at 01:00 local.
    const havana = zone('America/Havana');
    const start = nextMonthStart(Date.UTC(2012, 2, 20), havana);
    expect(monthOf(start, havana)).toBe('2012-04');
    expect(monthOf(start - 1, havana)).toBe('2012-03');
  });

  it('splits a session across that jump', () => {
    const havana = zone('America/Havana');
    const slices = splitByMonth(Date.UTC(2012, 2, 31, 20), Date.UTC(2012, 3, 1, 8), havana);
    expect(slices.map((slice) => slice.month)).toEqual(['2012-03', '2012-04']);
  });
});

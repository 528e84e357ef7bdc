import { fromWallMs, toWallMs, zoneName, zoneOffsetMs } from './time-zone';

const HOUR = 3_600_000;

describe('time zones', () => {
  it('reads offsets across daylight saving', () => {
    expect(zoneOffsetMs(Date.parse('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(HOUR);
    expect(zoneOffsetMs(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(zoneOffsetMs(Date.parse('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
    expect(zoneOffsetMs(Date.parse('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR);
  });

  it('reads Java fixed-offset ids', () => {
    expect(zoneOffsetMs(0, 'GMT+2')).toBe(2 * HOUR);
    expect(zoneOffsetMs(0, 'GMT-05:30')).toBe(-5.5 * HOUR);
    expect(zoneOffsetMs(0, 'UTC')).toBe(0);
    expect(zoneOffsetMs(0, 'Nowhere/Special')).toBe(0);
  });

  it('round-trips wall times', () => {
    const instant = Date.parse('2026-11-10T13:57:00Z');
    expect(fromWallMs(toWallMs(instant, 'Europe/Berlin'), 'Europe/Berlin')).toBe(instant);
  });

  it('moves a skipped time forward', () => {
    const wall = Date.UTC(2026, 2, 29, 2, 30);
    expect(new Date(fromWallMs(wall, 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('takes the earlier of a repeated time', () => {
    const wall = Date.UTC(2026, 9, 25, 2, 30);
    expect(new Date(fromWallMs(wall, 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('names zones', () => {
    expect(zoneName(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Berlin', 'short')).toBe('CEST');
    expect(zoneName(0, 'Etc/UTC', 'short')).toBe('UTC');
    expect(zoneName(0, 'GMT+2', 'short')).toBe('GMT+02:00');
  });
});

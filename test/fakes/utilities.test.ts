import * as vm from 'node:vm';
import { createAppsScriptEnvironment } from './environment';

const AUTUMN_AFTERNOON = new Date('2026-11-10T13:57:09.042Z');

describe('Utilities.formatDate', () => {
  const { Utilities } = createAppsScriptEnvironment().globals;

  it.each<[string, string, string]>([
    ['yyyy-MM-dd', 'Europe/Berlin', '2026-11-10'],
    ['yy/M/d', 'Europe/Berlin', '26/11/10'],
    ['MMM d, yyyy', 'Europe/Berlin', 'Nov 10, 2026'],
    ['MMMM', 'Europe/Berlin', 'November'],
    ['E EEE EEEE', 'Europe/Berlin', 'Tue Tue Tuesday'],
    ['hh:mm a', 'Europe/Berlin', '02:57 PM'],
    ['H:mm', 'Europe/Berlin', '14:57'],
    ['HH:mm:ss.SSS', 'Europe/Berlin', '14:57:09.042'],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", 'Europe/Berlin', '2026-11-10T14:57:09+01:00'],
    ['Z X XX XXX', 'Europe/Berlin', '+0100 +01 +0100 +01:00'],
    ['z', 'Europe/Berlin', 'CET'],
    ['zzzz', 'Europe/Berlin', 'Central European Standard Time'],
    ['XXX Z', 'Etc/UTC', 'Z +0000'],
    ['z', 'America/Los_Angeles', 'PST'],
    ['HH:mm XXX', 'Asia/Kolkata', '19:27 +05:30'],
    ['HH:mm', 'GMT+2', '15:57'],
    ['HH:mm z', 'Not/AZone', '13:57 GMT'],
    ["'at' h 'o''clock'", 'Europe/Berlin', "at 2 o'clock"],
    ['D', 'Europe/Berlin', '314'],
    ['u k K', 'Europe/Berlin', '2 14 2'],
  ])('formats %s in %s', (pattern, timeZone, expected) => {
    expect(Utilities.formatDate(AUTUMN_AFTERNOON, timeZone, pattern)).toBe(expected);
  });

  it.each<[string, string]>([
    ['2026-03-29T00:59:59Z', '2026-03-29 01:59:59 +0100 CET'],
    ['2026-03-29T01:00:00Z', '2026-03-29 03:00:00 +0200 CEST'],
    ['2026-10-25T00:30:00Z', '2026-10-25 02:30:00 +0200 CEST'],
    ['2026-10-25T01:30:00Z', '2026-10-25 02:30:00 +0100 CET'],
  ])('crosses daylight saving at %s', (instant, expected) => {
    expect(Utilities.formatDate(new Date(instant), 'Europe/Berlin', 'yyyy-MM-dd HH:mm:ss Z z')).toBe(expected);
  });

  it('uses the week year for Y', () => {
    const date = new Date('2026-12-28T12:00:00Z');
    expect(Utilities.formatDate(date, 'Etc/UTC', 'yyyy YYYY w')).toBe('2026 2027 1');
  });

  it('accepts dates from another realm', () => {
    const foreign = vm.runInNewContext('new Date(Date.UTC(2026, 0, 2))') as Date;
    expect(Utilities.formatDate(foreign, 'Etc/UTC', 'yyyy-MM-dd')).toBe('2026-01-02');
  });

  it('rejects unknown pattern letters', () => {
    expect(() => Utilities.formatDate(AUTUMN_AFTERNOON, 'Etc/UTC', 'yyyy-qq')).toThrow("Illegal pattern character 'q'");
  });

  it('rejects a string date', () => {
    expect(() => Utilities.formatDate('2026-01-01' as unknown as Date, 'Etc/UTC', 'yyyy')).toThrow(
      "The parameters (String,String,String) don't match the method signature for Utilities.formatDate.",
    );
  });
});

describe('Utilities', () => {
  it('sleeps on the fake clock', () => {
    const env = createAppsScriptEnvironment();
    const before = env.clock.now();
    const started = Date.now();
    env.globals.Utilities.sleep(60_000);
    expect(env.clock.now() - before).toBe(60_000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(env.utilities.sleepCalls).toBe(1);
    expect(env.utilities.sleptMs).toBe(60_000);
  });

  it('rejects sleeps over five minutes', () => {
    const { Utilities } = createAppsScriptEnvironment().globals;
    expect(() => Utilities.sleep(300_001)).toThrow('Invalid argument: milliseconds');
  });

  it('makes UUIDs', () => {
    const { Utilities } = createAppsScriptEnvironment().globals;
    expect(Utilities.getUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('encodes base64', () => {
    const { Utilities } = createAppsScriptEnvironment().globals;
    expect(Utilities.base64Encode('user:päss')).toBe('dXNlcjpww6Rzcw==');
    expect(Utilities.base64EncodeWebSafe([-5, -1])).toBe('-_8=');
    expect(Utilities.base64Decode('w6Q=')).toEqual([-61, -92]);
    expect(Utilities.newBlob(Utilities.base64Decode('w6Q=')).getDataAsString()).toBe('ä');
  });

  it('computes digests as signed bytes', () => {
    const { Utilities } = createAppsScriptEnvironment().globals;
    const digest = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, 'abc');
    expect(digest).toHaveLength(32);
    expect(digest.slice(0, 4)).toEqual([-70, 120, 22, -65]);
  });

  it('formats strings', () => {
    const { Utilities } = createAppsScriptEnvironment().globals;
    expect(Utilities.formatString('%s costs %.2f (%d%%)', 'pod', 1.234, 12.9)).toBe('pod costs 1.23 (12%)');
  });

  it('builds blobs', () => {
    const { Utilities } = createAppsScriptEnvironment().globals;
    const blob = Utilities.newBlob('hé', 'text/plain', 'a.txt');
    expect(blob.getBytes()).toEqual([104, -61, -87]);
    expect(blob.getContentType()).toBe('text/plain');
    expect(blob.getName()).toBe('a.txt');
  });
});

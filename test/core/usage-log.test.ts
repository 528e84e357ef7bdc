import { nextCursor, pairEvents, parseUsageLog } from '../../src/core/usage-log';
import type { UsageEvent } from '../../src/core/types';
import { fixtureJson } from '../data/fixtures';

const POD = 'a1b2c3d4e5';
const T0 = 1794322676.585944;

function start(user: string, seconds: number, extra: object = {}) {
  return { user, action: 'start', timestamp: seconds, datetime: 'ignored', gpu: 'NVIDIA RTX A5000', ...extra };
}

function stop(user: string, seconds: number, durationHours: number | null = null, extra: object = {}) {
  return { user, action: 'stop', timestamp: seconds, datetime: 'ignored', duration_hours: durationHours, cost: 1.46, ...extra };
}

function events(entries: unknown[]): UsageEvent[] {
  const parsed = parseUsageLog(POD, entries);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.events;
}

describe('parseUsageLog', () => {
  it('reads every entry of the a1b2 fixture', () => {
    const parsed = parseUsageLog(POD, fixtureJson('control-panel/a1b2c3d4e5-usage_log.json'));
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.events).toHaveLength(79);
    expect(parsed.invalid).toEqual([]);
    expect(parsed.events[0]).toMatchObject({ user: 'chen', action: 'start', atMs: 1794322676586, gpu: 'NVIDIA RTX A5000' });
  });

  it.each([
    ['timestamp as a string', { ...start('ana', 0), timestamp: '1794322676.5' }, 1794322676500],
    ['timestamp in milliseconds', { ...start('ana', 0), timestamp: 1794322676500 }, 1794322676500],
    ['user with spaces', { ...start('  ana ', T0) }, Math.round(T0 * 1000)],
    ['unknown extra field', { ...start('ana', T0), shoe_size: 44 }, Math.round(T0 * 1000)],
  ])('accepts %s', (_name, entry, atMs) => {
    const [event] = events([entry]);
    expect(event?.atMs).toBe(atMs);
    expect(event?.user).toBe('ana');
  });

  it.each([
    ['missing timestamp', { user: 'ana', action: 'start' }, 'timestamp'],
    ['non-numeric timestamp', { ...start('ana', 0), timestamp: 'yesterday' }, 'timestamp'],
    ['timestamp before 2015', start('ana', 1000), 'between 2015 and 2100'],
    ['unknown action', { ...start('ana', T0), action: 'pause' }, 'action'],
    ['empty user', start('   ', T0), 'user'],
    ['entry that is not an object', 42, 'Expected Object'],
    ['user name with invalid UTF-8', start('an\uFFFDa', T0), 'not valid UTF-8'],
  ])('sets aside %s', (_name, entry, reasonPart) => {
    const parsed = parseUsageLog(POD, [entry]);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.events).toEqual([]);
    expect(parsed.invalid).toHaveLength(1);
    expect(parsed.invalid[0]?.reason).toContain(reasonPart);
    expect(parsed.invalid[0]?.position).toBe('entry 0');
  });

  it('names a missing field without the word undefined', () => {
    const parsed = parseUsageLog(POD, [{ user: 'ana', action: 'start' }, { action: 'stop', timestamp: T0 }]);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.invalid.map((record) => record.reason)).toEqual(['timestamp: missing', 'user: missing']);
  });

  it('rejects a body that is not an array', () => {
    expect(parseUsageLog(POD, { user: 'ana' })).toEqual({ error: 'expected a JSON array of start/stop events, got an object' });
  });
});

describe('pairEvents', () => {
  it('pairs the a1b2 fixture into 39 closed sessions and one open', () => {
    const { sessions, invalid } = pairEvents(POD, events(fixtureJson('control-panel/a1b2c3d4e5-usage_log.json')));
    expect(invalid).toEqual([]);
    expect(sessions.filter((session) => session.endMs !== null)).toHaveLength(39);
    const open = sessions.filter((session) => session.endMs === null);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ user: 'bruno', startMs: 1796046140521 });
  });

  it('rebuilds the start of the truncated f6g7 fixture from its duration', () => {
    const { sessions } = pairEvents('f6g7h8i9j0', events(fixtureJson('control-panel/f6g7h8i9j0-usage_log.json')));
    expect(sessions).toHaveLength(500);
    const first = sessions[0];
    expect(first?.startReconstructed).toBe(true);
    expect(first?.endMs).toBe(1773170952630);
    expect(first?.startMs).toBe(Math.round(1773170952629.714 - 5.887 * 3_600_000));
  });

  it('sets aside the crashed start in the f6g7 fixture', () => {
    const { invalid } = pairEvents('f6g7h8i9j0', events(fixtureJson('control-panel/f6g7h8i9j0-usage_log.json')));
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ position: 'entry 561', reason: expect.stringContaining('another start followed it') });
    expect(invalid[0]?.record).toContain('"user":"dana"');
  });

  it('closes a session with the stop of the same user', () => {
    const { sessions } = pairEvents(POD, events([start('ana', T0), stop('ana', T0 + 3600, 1)]));
    expect(sessions).toEqual([
      expect.objectContaining({ user: 'ana', startMs: Math.round(T0 * 1000), endMs: Math.round((T0 + 3600) * 1000), panelCost: 1.46, source: 'usage_log' }),
    ]);
  });

  it('orders events by time before pairing', () => {
    const { sessions } = pairEvents(POD, events([stop('ana', T0 + 3600, 1), start('ana', T0)]));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.startReconstructed).toBe(false);
  });

  it('ignores duplicate events', () => {
    const { sessions, invalid } = pairEvents(POD, events([start('ana', T0), start('ana', T0), stop('ana', T0 + 60, 0.0167), stop('ana', T0 + 60, 0.0167)]));
    expect(sessions).toHaveLength(1);
    expect(invalid).toEqual([]);
  });

  it('sets aside a start followed by another start', () => {
    const { sessions, invalid } = pairEvents(POD, events([start('ana', T0), start('ana', T0 + 100), stop('ana', T0 + 200, 0.03)]));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.startMs).toBe(Math.round((T0 + 100) * 1000));
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.reason).toContain('another start followed it');
  });

  it('keeps the last start without a stop as running', () => {
    const { sessions } = pairEvents(POD, events([start('ana', T0)]));
    expect(sessions).toEqual([expect.objectContaining({ endMs: null, user: 'ana' })]);
  });

  it('matches users regardless of case and spaces', () => {
    const { sessions } = pairEvents(POD, events([start('Ana', T0), stop(' ana ', T0 + 60, 0.0167)]));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.endMs).not.toBeNull();
  });

  it('sets aside a stop without a start in the middle', () => {
    const { invalid } = pairEvents(POD, events([start('ana', T0), stop('ana', T0 + 60, 0.0167), stop('ana', T0 + 120, 0.0167)]));
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.reason).toBe('stop without a start in the middle of the log');
  });

  it('sets aside a session longer than 31 days', () => {
    const { sessions, invalid } = pairEvents(POD, events([start('ana', T0), stop('ana', T0 + 40 * 86400, 960)]));
    expect(sessions).toEqual([]);
    expect(invalid.map((record) => record.position)).toEqual(['entry 0', 'entry 1']);
    expect(invalid[0]?.reason).toContain('longer than the 31-day maximum');
  });

  it('sets aside a stop written after its start with an earlier time', () => {
    const { sessions, invalid, backwardStarts } = pairEvents(POD, events([start('bo', T0 - 7200), stop('bo', T0 - 3600, 1), start('ana', T0), stop('ana', T0 - 600, -0.167)]));
    expect(sessions).toEqual([expect.objectContaining({ user: 'bo', endMs: Math.round((T0 - 3600) * 1000) })]);
    expect(backwardStarts.map((event) => event.index)).toEqual([2]);
    expect(invalid.map((record) => record.position)).toEqual(['entry 2', 'entry 3']);
    expect(invalid[0]?.reason).toContain('negative duration: the stop at');
    expect(invalid[0]?.reason).toContain('10 minutes before its start');
  });

  it('keeps a stop logged before its start when the times agree', () => {
    const { sessions, invalid } = pairEvents(POD, events([start('bo', T0 - 7200), stop('ana', T0 + 3600, 1), start('ana', T0), stop('bo', T0 - 3600, 1)]));
    expect(invalid).toEqual([]);
    expect(sessions.map((session) => session.user)).toEqual(['bo', 'ana']);
  });

  it('sets aside a leading stop without a duration', () => {
    const { sessions, invalid } = pairEvents(POD, events([stop('ana', T0, null)]));
    expect(sessions).toEqual([]);
    expect(invalid[0]?.reason).toContain('no plausible duration_hours');
  });
});

describe('pairEvents with a cursor', () => {
  it('skips leading stops that an earlier sync stored', () => {
    const syncedUntilMs = Math.round((T0 + 60) * 1000);
    const { sessions, invalid } = pairEvents(POD, events([stop('ana', T0 + 60, null), start('bo', T0 + 60.5)]), { syncedUntilMs });
    expect(invalid).toEqual([]);
    expect(sessions).toEqual([expect.objectContaining({ user: 'bo', endMs: null })]);
  });

  it('still rebuilds a leading stop after the cursor', () => {
    const { sessions } = pairEvents(POD, events([stop('ana', T0 + 3600, 1)]), { syncedUntilMs: Math.round(T0 * 1000) });
    expect(sessions[0]?.startReconstructed).toBe(true);
  });
});

describe('nextCursor', () => {
  it('points at the start of the running session', () => {
    const log = events([start('ana', T0), stop('ana', T0 + 60, 0.0167), start('bo', T0 + 120)]);
    const { sessions } = pairEvents(POD, log);
    expect(nextCursor(log, sessions, null)).toBe(Math.round((T0 + 120) * 1000));
  });

  it('points at the newest event when nothing runs', () => {
    const log = events([start('ana', T0), stop('ana', T0 + 60, 0.0167)]);
    const { sessions } = pairEvents(POD, log);
    expect(nextCursor(log, sessions, null)).toBe(Math.round((T0 + 60) * 1000));
  });

  it('keeps the previous cursor for an empty answer', () => {
    expect(nextCursor([], [], 1234)).toBe(1234);
  });
});

import { parseUserStats } from '../../src/core/user-stats';
import { fixtureJson } from '../data/fixtures';

const POD = 'k1l2m3n4o5';

describe('parseUserStats', () => {
  it('reads the fixture and skips the non-user keys', () => {
    const parsed = parseUserStats(POD, fixtureJson('control-panel/k1l2m3n4o5-api_user_stats.json'));
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.invalid).toEqual([]);
    const users = new Set(parsed.sessions.map((session) => session.user));
    expect(users.has('current_gpu')).toBe(false);
    expect(users.has('hourly_rate')).toBe(false);
    expect(users.has('dana')).toBe(true);
    expect(parsed.sessions.every((session) => session.endMs !== null && session.source === 'user_stats')).toBe(true);
  });

  it('keys a session by user and start instant', () => {
    const parsed = parseUserStats(POD, { dana: { sessions: [{ start_time: 1795209144.9192328, end_time: 1795213302.719491, gpu: 'RTX 4090', cost: 0.85 }] } });
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.sessions[0]).toMatchObject({ key: 'dana|2026-11-20T21:12:24.919Z', startMs: 1795209144919, endMs: 1795213302719, panelCost: 0.85 });
  });

  it.each([
    ['a user without sessions', { ana: { total_hours: 1 } }, 'sessions: missing'],
    ['a session without end_time', { ana: { sessions: [{ start_time: 1795209144 }] } }, 'end_time'],
    ['a session that ends before it starts', { ana: { sessions: [{ start_time: 1795209144, end_time: 1795200000 }] } }, 'end_time is before start_time'],
    ['a user name with invalid UTF-8', { 'an\uFFFDa': { sessions: [{ start_time: 1795209144, end_time: 1795213302 }] } }, 'not valid UTF-8'],
    ['an empty user name', { ' ': { sessions: [] } }, 'empty user name'],
  ])('sets aside %s', (_name, body, reasonPart) => {
    const parsed = parseUserStats(POD, body);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.sessions).toEqual([]);
    expect(parsed.invalid[0]?.reason).toContain(reasonPart);
    expect(parsed.invalid[0]?.source).toBe('user_stats');
  });

  it('rejects an array body', () => {
    expect(parseUserStats(POD, [])).toEqual({ error: 'expected a JSON object keyed by user name, got an array' });
  });
});

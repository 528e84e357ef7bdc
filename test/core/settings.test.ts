import { checkSettingsForm, cleanSecret, parsePaths } from '../../src/core/settings';

describe('checkSettingsForm', () => {
  it('accepts the defaults with a key', () => {
    expect(checkSettingsForm({ apiKey: 'rpa_ABC', port: '7777', paths: '/usage-log, /api/user_stats' })).toEqual({
      ok: true,
      settings: { apiKey: 'rpa_ABC', podToken: null, port: 7777, paths: ['/usage-log', '/api/user_stats'] },
    });
  });

  it.each([
    ['a port that is not a number', { port: 'seven' }, 'is not a port number'],
    ['a port out of range', { port: '70000' }, 'is not a port number'],
    ['a key with spaces inside', { apiKey: 'rpa ABC' }, 'contains spaces'],
    ['a key with non-ASCII letters', { apiKey: 'rpa_ÄBC' }, 'not plain ASCII'],
    ['a path with a query', { paths: '/usage-log?x=1' }, 'cannot hold'],
    ['no paths', { paths: ' , ' }, 'at least one path'],
  ])('rejects %s', (_name, form, messagePart) => {
    const check = checkSettingsForm(form);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.errors.join(' ')).toContain(messagePart);
  });

  it('clears the pod token when asked', () => {
    const check = checkSettingsForm({ podToken: 'ignored', clearPodToken: true });
    if (!check.ok) throw new Error(check.errors.join(' '));
    expect(check.settings.podToken).toBe('');
  });
});

describe('cleanSecret', () => {
  it.each([
    ['  rpa_ABC  ', 'rpa_ABC'],
    ['"rpa_ABC"', 'rpa_ABC'],
    ["' rpa_ABC '", 'rpa_ABC'],
    ['\u201crpa_ABC\u201d', 'rpa_ABC'],
    ['rpa_\u200bABC', 'rpa_ABC'],
    ['', null],
    ['   ', null],
  ])('cleans %j', (input, expected) => {
    expect(cleanSecret(input)).toBe(expected);
  });
});

describe('parsePaths', () => {
  it('adds a missing leading slash', () => {
    expect(parsePaths('usage-log,\n/api/user_stats')).toEqual(['/usage-log', '/api/user_stats']);
  });
});

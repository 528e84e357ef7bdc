import { MAX_CACHE_VALUE_BYTES } from './cache';
import { createAppsScriptEnvironment } from './environment';

describe('CacheService', () => {
  it('stores and expires by the clock', () => {
    const env = createAppsScriptEnvironment();
    const cache = env.globals.CacheService.getScriptCache();
    cache.put('pods', '[1,2]', 60);
    env.clock.advance(59_999);
    expect(cache.get('pods')).toBe('[1,2]');
    env.clock.advance(1);
    expect(cache.get('pods')).toBeNull();
  });

  it('defaults to ten minutes', () => {
    const env = createAppsScriptEnvironment();
    const cache = env.globals.CacheService.getScriptCache();
    cache.put('k', 'v');
    env.clock.advance(599_000);
    expect(cache.get('k')).toBe('v');
    env.clock.advance(1000);
    expect(cache.get('k')).toBeNull();
  });

  it('caps the time to live at six hours', () => {
    const env = createAppsScriptEnvironment();
    const cache = env.globals.CacheService.getScriptCache();
    cache.put('k', 'v', 86_400);
    env.clock.advance(21_600_000);
    expect(cache.get('k')).toBeNull();
  });

  it('handles batches', () => {
    const cache = createAppsScriptEnvironment().globals.CacheService.getDocumentCache()!;
    cache.putAll({ a: '1', b: '2', c: '3' });
    cache.remove('b');
    expect(cache.getAll(['a', 'b', 'c'])).toEqual({ a: '1', c: '3' });
    cache.removeAll(['a', 'c']);
    expect(cache.getAll(['a', 'c'])).toEqual({});
  });

  it('rejects oversized values and keys', () => {
    const cache = createAppsScriptEnvironment().globals.CacheService.getScriptCache();
    cache.put('fits', 'x'.repeat(MAX_CACHE_VALUE_BYTES));
    expect(() => cache.put('big', 'x'.repeat(MAX_CACHE_VALUE_BYTES + 1))).toThrow('Argument too large: value');
    expect(() => cache.put('k'.repeat(251), 'v')).toThrow('Argument too large: key');
  });

  it('keeps user caches per user', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com' });
    env.globals.CacheService.getUserCache().put('k', 'alice');
    env.setActiveUser('bob@example.com');
    expect(env.globals.CacheService.getUserCache().get('k')).toBeNull();
    expect(env.cache.user('alice@example.com').snapshot(env.clock.now())).toEqual({ k: 'alice' });
  });
});

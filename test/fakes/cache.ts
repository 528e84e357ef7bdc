import type { ScriptRuntime } from './runtime';

/** CacheService limits: keys up to 250 characters, values up to 100 KB, entries live 1 s to 6 h. */
export const MAX_CACHE_KEY_LENGTH = 250;
export const MAX_CACHE_VALUE_BYTES = 100 * 1024;
export const MAX_CACHE_TTL_SECONDS = 21_600;
export const DEFAULT_CACHE_TTL_SECONDS = 600;

interface CacheEntry {
  value: string;
  expiresAt: number;
}

/** The entries of one cache; expired entries disappear when read. */
export class CacheData {
  readonly entries = new Map<string, CacheEntry>();

  /** Returns the live entries at `now` as a plain object, for assertions. */
  snapshot(now: number): Record<string, string> {
    const live: Record<string, string> = {};
    for (const [key, entry] of this.entries) if (entry.expiresAt > now) live[key] = entry.value;
    return live;
  }
}

/**
 * `CacheService` with a script cache, a document cache and a cache per user. Expiry follows the
 * fake clock. Real caches may also evict entries early; this one never does.
 */
export class FakeCaches {
  readonly script = new CacheData();
  readonly document = new CacheData();
  private readonly users = new Map<string, CacheData>();

  constructor(private readonly runtime: ScriptRuntime) {}

  user(email: string): CacheData {
    let data = this.users.get(email);
    if (data === undefined) {
      data = new CacheData();
      this.users.set(email, data);
    }
    return data;
  }

  /** Builds the `CacheService` global. */
  createService(): GoogleAppsScript.Cache.CacheService {
    const authorize = (method: string): void => this.runtime.requireAuthorization(method, 'https://www.googleapis.com/auth/script.storage', 'CacheService');
    const service = {
      getScriptCache: () => {
        authorize('CacheService.getScriptCache');
        return this.wrap(this.script);
      },
      getDocumentCache: () => {
        authorize('CacheService.getDocumentCache');
        return this.wrap(this.document);
      },
      getUserCache: () => {
        authorize('CacheService.getUserCache');
        return this.wrap(this.user(this.runtime.activeUser));
      },
    };
    return service as unknown as GoogleAppsScript.Cache.CacheService;
  }

  private wrap(data: CacheData): GoogleAppsScript.Cache.Cache {
    const realm = this.runtime.realm;
    const clock = this.runtime.clock;

    const checkKey = (key: unknown): string => {
      if (key === null || key === undefined) throw realm.exception('Invalid argument: key');
      const text = String(key);
      if (text.length > MAX_CACHE_KEY_LENGTH) throw realm.exception('Argument too large: key');
      return text;
    };
    const checkValue = (value: unknown): string => {
      if (value === null || value === undefined) throw realm.exception('Invalid argument: value');
      const text = String(value);
      if (Buffer.byteLength(text, 'utf8') > MAX_CACHE_VALUE_BYTES) throw realm.exception('Argument too large: value');
      return text;
    };
    // NOTE: Apps Script documents 21600 s as the maximum; the fake caps longer times instead of throwing.
    const expiryFor = (ttlSeconds: number | undefined): number => {
      const seconds = ttlSeconds === undefined ? DEFAULT_CACHE_TTL_SECONDS : Math.min(Math.max(1, Math.floor(ttlSeconds)), MAX_CACHE_TTL_SECONDS);
      return clock.now() + seconds * 1000;
    };
    const read = (key: string): string | null => {
      const entry = data.entries.get(key);
      if (entry === undefined) return null;
      if (entry.expiresAt <= clock.now()) {
        data.entries.delete(key);
        return null;
      }
      return entry.value;
    };

    const cache = {
      get: (key: string): string | null => read(checkKey(key)),
      getAll: (keys: string[]): Record<string, string> => {
        const found: Record<string, string> = {};
        for (const key of keys) {
          const value = read(checkKey(key));
          if (value !== null) found[key] = value;
        }
        return realm.object(found);
      },
      put: (key: string, value: string, expirationInSeconds?: number): void => {
        data.entries.set(checkKey(key), { value: checkValue(value), expiresAt: expiryFor(expirationInSeconds) });
      },
      putAll: (values: Record<string, string>, expirationInSeconds?: number): void => {
        const checked = Object.entries(values).map(([key, value]) => [checkKey(key), checkValue(value)] as const);
        const expiresAt = expiryFor(expirationInSeconds);
        for (const [key, value] of checked) data.entries.set(key, { value, expiresAt });
      },
      remove: (key: string): void => {
        data.entries.delete(checkKey(key));
      },
      removeAll: (keys: string[]): void => {
        for (const key of keys) data.entries.delete(checkKey(key));
      },
    };
    return cache as unknown as GoogleAppsScript.Cache.Cache;
  }
}

import type { ScriptRuntime } from './runtime';

/** Apps Script quotas: 9 KB per value, 500 KB per store (keys and values, UTF-8 bytes). */
export const MAX_PROPERTY_VALUE_BYTES = 9 * 1024;
export const MAX_PROPERTY_STORE_BYTES = 500 * 1024;

/** The OAuth scope Apps Script names when a simple trigger may not use a properties store. */
const STORAGE_SCOPE = 'https://www.googleapis.com/auth/script.storage';

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The contents of one properties store, which the test can read and seed directly. */
export class PropertyData {
  readonly entries = new Map<string, string>();

  byteSize(): number {
    let total = 0;
    for (const [key, value] of this.entries) total += utf8Bytes(key) + utf8Bytes(value);
    return total;
  }

  toObject(): Record<string, string> {
    return Object.fromEntries(this.entries);
  }
}

/**
 * `PropertiesService` with one script store, one document store and one user store per email.
 * `getUserProperties()` returns the store of the user active at the time of the call.
 */
export class FakeProperties {
  readonly script = new PropertyData();
  readonly document = new PropertyData();
  private readonly users = new Map<string, PropertyData>();

  constructor(private readonly runtime: ScriptRuntime) {}

  /** Returns the user store of `email`, creating it empty. */
  user(email: string): PropertyData {
    let data = this.users.get(email);
    if (data === undefined) {
      data = new PropertyData();
      this.users.set(email, data);
    }
    return data;
  }

  /** Builds the `PropertiesService` global. */
  createService(): GoogleAppsScript.Properties.PropertiesService {
    const service = {
      getScriptProperties: () => {
        this.runtime.requireAuthorization('PropertiesService.getScriptProperties', STORAGE_SCOPE, 'PropertiesService');
        return this.wrap(this.script);
      },
      getDocumentProperties: () => {
        this.runtime.requireAuthorization('PropertiesService.getDocumentProperties', STORAGE_SCOPE, 'PropertiesService');
        return this.wrap(this.document);
      },
      getUserProperties: () => {
        this.runtime.requireAuthorization('PropertiesService.getUserProperties', STORAGE_SCOPE, 'PropertiesService');
        return this.wrap(this.user(this.runtime.activeUser));
      },
    };
    return service as unknown as GoogleAppsScript.Properties.PropertiesService;
  }

  private wrap(data: PropertyData): GoogleAppsScript.Properties.Properties {
    const realm = this.runtime.realm;
    const requireKey = (key: unknown): string => {
      if (key === null || key === undefined) throw realm.exception('Invalid argument: key');
      return String(key);
    };
    // NOTE: Apps Script's handling of null and undefined values is not confirmed; the fake rejects them.
    const requireValue = (value: unknown): string => {
      if (value === null || value === undefined) throw realm.exception('Invalid argument: value');
      const text = String(value);
      if (utf8Bytes(text) > MAX_PROPERTY_VALUE_BYTES) throw realm.exception('Argument too large: value');
      return text;
    };
    /** Applies `change` to a copy and commits it only if the store stays within its quota. */
    const commit = (change: (draft: Map<string, string>) => void): void => {
      const draft = new Map(data.entries);
      change(draft);
      let total = 0;
      for (const [key, value] of draft) total += utf8Bytes(key) + utf8Bytes(value);
      if (total > MAX_PROPERTY_STORE_BYTES) {
        throw realm.exception('You have exceeded the property storage quota. Please remove some properties and try again.');
      }
      data.entries.clear();
      for (const [key, value] of draft) data.entries.set(key, value);
    };

    const properties = {
      getProperty: (key: string): string | null => data.entries.get(requireKey(key)) ?? null,
      getProperties: (): Record<string, string> => realm.object(data.toObject()),
      getKeys: (): string[] => realm.array([...data.entries.keys()]),
      setProperty: (key: string, value: string) => {
        const name = requireKey(key);
        const text = requireValue(value);
        commit((draft) => draft.set(name, text));
        return properties;
      },
      setProperties: (values: Record<string, unknown>, deleteAllOthers = false) => {
        if (values === null || typeof values !== 'object') throw realm.exception('Invalid argument: properties');
        const pairs = Object.entries(values).map(([key, value]) => [key, requireValue(value)] as const);
        commit((draft) => {
          if (deleteAllOthers) draft.clear();
          for (const [key, value] of pairs) draft.set(key, value);
        });
        return properties;
      },
      deleteProperty: (key: string) => {
        data.entries.delete(requireKey(key));
        return properties;
      },
      deleteAllProperties: () => {
        data.entries.clear();
        return properties;
      },
    };
    return properties as unknown as GoogleAppsScript.Properties.Properties;
  }
}

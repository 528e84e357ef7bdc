import { createAppsScriptEnvironment } from './environment';
import { MAX_PROPERTY_VALUE_BYTES } from './properties';

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return String(error);
  }
  throw new Error('expected the call to throw');
}

describe('PropertiesService', () => {
  it('returns null for missing keys', () => {
    const { PropertiesService } = createAppsScriptEnvironment().globals;
    expect(PropertiesService.getScriptProperties().getProperty('missing')).toBeNull();
  });

  it('stores strings', () => {
    const env = createAppsScriptEnvironment();
    const store = env.globals.PropertiesService.getScriptProperties();
    store.setProperty('count', 3 as unknown as string);
    expect(store.getProperty('count')).toBe('3');
    expect(env.properties.script.toObject()).toEqual({ count: '3' });
  });

  it('keeps stores apart', () => {
    const { PropertiesService } = createAppsScriptEnvironment().globals;
    PropertiesService.getScriptProperties().setProperty('k', 'script');
    PropertiesService.getDocumentProperties().setProperty('k', 'document');
    PropertiesService.getUserProperties().setProperty('k', 'user');
    expect(PropertiesService.getScriptProperties().getProperty('k')).toBe('script');
    expect(PropertiesService.getDocumentProperties().getProperty('k')).toBe('document');
    expect(PropertiesService.getUserProperties().getProperty('k')).toBe('user');
  });

  it('gives each user a store', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com' });
    env.globals.PropertiesService.getUserProperties().setProperty('apiKey', 'alice-key');
    env.setActiveUser('bob@example.com');
    expect(env.globals.PropertiesService.getUserProperties().getProperty('apiKey')).toBeNull();
    expect(env.globals.Session.getActiveUser().getEmail()).toBe('bob@example.com');
    env.setActiveUser('alice@example.com');
    expect(env.globals.PropertiesService.getUserProperties().getProperty('apiKey')).toBe('alice-key');
    expect(env.properties.user('alice@example.com').toObject()).toEqual({ apiKey: 'alice-key' });
  });

  it('sets, lists and deletes', () => {
    const store = createAppsScriptEnvironment().globals.PropertiesService.getScriptProperties();
    store.setProperties({ a: '1', b: '2' });
    store.setProperties({ c: '3' }, true);
    expect(store.getKeys()).toEqual(['c']);
    store.setProperties({ d: '4' });
    store.deleteProperty('c');
    expect(store.getProperties()).toEqual({ d: '4' });
    store.deleteAllProperties();
    expect(store.getKeys()).toEqual([]);
  });

  it('rejects values over 9 KB', () => {
    const store = createAppsScriptEnvironment().globals.PropertiesService.getScriptProperties();
    store.setProperty('fits', 'x'.repeat(MAX_PROPERTY_VALUE_BYTES));
    expect(messageOf(() => store.setProperty('big', 'x'.repeat(MAX_PROPERTY_VALUE_BYTES + 1)))).toBe('Exception: Argument too large: value');
    expect(messageOf(() => store.setProperty('wide', 'é'.repeat(4700)))).toBe('Exception: Argument too large: value');
    expect(store.getProperty('big')).toBeNull();
  });

  it('rejects stores over 500 KB', () => {
    const store = createAppsScriptEnvironment().globals.PropertiesService.getScriptProperties();
    let written = 0;
    const message = messageOf(() => {
      for (;;) {
        store.setProperty(`k${written}`, 'y'.repeat(9000));
        written++;
      }
    });
    expect(message).toBe('Exception: You have exceeded the property storage quota. Please remove some properties and try again.');
    expect(written).toBe(56);
    expect(store.getProperty(`k${written}`)).toBeNull();
  });

  it('applies setProperties atomically', () => {
    const store = createAppsScriptEnvironment().globals.PropertiesService.getScriptProperties();
    store.setProperty('keep', 'v');
    expect(() => store.setProperties({ a: 'ok', b: 'x'.repeat(10_000) })).toThrow('Argument too large: value');
    expect(store.getProperties()).toEqual({ keep: 'v' });
  });

  it('rejects null values', () => {
    const store = createAppsScriptEnvironment().globals.PropertiesService.getScriptProperties();
    expect(messageOf(() => store.setProperty('k', null as unknown as string))).toBe('Exception: Invalid argument: value');
  });

  it('works in simple triggers by default', () => {
    const env = createAppsScriptEnvironment({ executionContext: 'simpleTrigger' });
    expect(env.globals.PropertiesService.getDocumentProperties().getProperty('x')).toBeNull();
  });

  it('can be denied in simple triggers', () => {
    const env = createAppsScriptEnvironment({ executionContext: 'simpleTrigger', deniedInSimpleTriggers: ['PropertiesService'] });
    expect(messageOf(() => env.globals.PropertiesService.getUserProperties())).toBe(
      'Exception: You do not have permission to call PropertiesService.getUserProperties. Required permissions: https://www.googleapis.com/auth/script.storage',
    );
  });
});

import * as path from 'node:path';
import { createAppsScriptEnvironment } from './environment';

describe('Session', () => {
  it('reports the active and effective user', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com', effectiveUser: 'owner@example.com' });
    expect(env.globals.Session.getActiveUser().getEmail()).toBe('alice@example.com');
    expect(env.globals.Session.getEffectiveUser().getEmail()).toBe('owner@example.com');
  });

  it('defaults the script zone to UTC', () => {
    expect(createAppsScriptEnvironment().globals.Session.getScriptTimeZone()).toBe('Etc/UTC');
  });

  it('reads the zone from the manifest', () => {
    const manifestPath = path.join(__dirname, '..', '..', 'appsscript.json');
    expect(createAppsScriptEnvironment({ manifestPath }).globals.Session.getScriptTimeZone()).toBe('Etc/UTC');
    expect(createAppsScriptEnvironment({ manifestPath, scriptTimeZone: 'Europe/Berlin' }).globals.Session.getScriptTimeZone()).toBe('Europe/Berlin');
  });

  it('keeps a temporary key per user', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com' });
    const aliceKey = env.globals.Session.getTemporaryActiveUserKey();
    env.setActiveUser('bob@example.com');
    expect(env.globals.Session.getTemporaryActiveUserKey()).not.toBe(aliceKey);
    env.setActiveUser('alice@example.com');
    expect(env.globals.Session.getTemporaryActiveUserKey()).toBe(aliceKey);
  });
});

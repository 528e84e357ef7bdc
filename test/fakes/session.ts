import type { ScriptRuntime } from './runtime';

/** Builds a `Base.User` object for `email`. */
export function makeUser(email: string): GoogleAppsScript.Base.User {
  return {
    getEmail: () => email,
    getUserLoginId: () => email,
    toString: () => email,
  } as unknown as GoogleAppsScript.Base.User;
}

/**
 * Builds `Session`. The active user is the person running the script (the trigger owner during a
 * trigger run), the effective user is the account the script runs as, and the script time zone
 * is the manifest's `timeZone`.
 */
export function createSession(runtime: ScriptRuntime): GoogleAppsScript.Base.Session {
  let temporaryKeyCounter = 0;
  const temporaryKeys = new Map<string, string>();
  const session = {
    getActiveUser: () => makeUser(runtime.activeUser),
    getEffectiveUser: () => makeUser(runtime.effectiveUser),
    getScriptTimeZone: () => runtime.scriptTimeZone,
    getActiveUserLocale: () => 'en',
    /** An opaque key per user. The real key changes every 30 days; this one stays the same. */
    getTemporaryActiveUserKey: () => {
      let key = temporaryKeys.get(runtime.activeUser);
      if (key === undefined) {
        temporaryKeyCounter++;
        key = `temporary-user-key-${String(temporaryKeyCounter).padStart(4, '0')}`;
        temporaryKeys.set(runtime.activeUser, key);
      }
      return key;
    },
  };
  return session as unknown as GoogleAppsScript.Base.Session;
}

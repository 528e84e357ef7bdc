/** The hourly time-driven trigger that runs the refresh as the person who installed it. */

export const REFRESH_HANDLER = 'refreshUsage';

export function refreshTriggers(): GoogleAppsScript.Script.Trigger[] {
  return ScriptApp.getProjectTriggers().filter((trigger) => trigger.getHandlerFunction() === REFRESH_HANDLER);
}

/** Installs the hourly trigger, replacing duplicates so that exactly one remains. */
export function installHourlyTrigger(): 'installed' | 'already installed' {
  const existing = refreshTriggers();
  existing.slice(1).forEach((trigger) => ScriptApp.deleteTrigger(trigger));
  if (existing.length > 0) return 'already installed';
  ScriptApp.newTrigger(REFRESH_HANDLER).timeBased().everyHours(1).create();
  return 'installed';
}

export function removeHourlyTriggers(): number {
  const existing = refreshTriggers();
  existing.forEach((trigger) => ScriptApp.deleteTrigger(trigger));
  return existing.length;
}

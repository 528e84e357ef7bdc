import { createAppsScriptEnvironment } from './environment';

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return String(error);
  }
  throw new Error('expected the call to throw');
}

describe('ScriptApp triggers', () => {
  it('creates a time-driven trigger', () => {
    const { ScriptApp } = createAppsScriptEnvironment().globals;
    const trigger = ScriptApp.newTrigger('syncUsage').timeBased().everyHours(1).create();
    expect(trigger.getHandlerFunction()).toBe('syncUsage');
    expect(trigger.getEventType()).toBe(ScriptApp.EventType.CLOCK);
    expect(trigger.getTriggerSource()).toBe(ScriptApp.TriggerSource.CLOCK);
    expect(String(trigger.getEventType())).toBe('CLOCK');
    expect(ScriptApp.getProjectTriggers().map((t) => t.getUniqueId())).toEqual([trigger.getUniqueId()]);
  });

  it('records the schedule', () => {
    const env = createAppsScriptEnvironment();
    env.globals.ScriptApp.newTrigger('daily').timeBased().everyDays(1).atHour(3).nearMinute(15).inTimezone('Europe/Berlin').create();
    expect(env.triggers.all[0]?.schedule).toEqual({ everyDays: 1, atHour: 3, nearMinute: 15, timeZone: 'Europe/Berlin' });
  });

  it.each([1, 2, 4, 6, 8, 12])('accepts everyHours(%i)', (hours) => {
    const { ScriptApp } = createAppsScriptEnvironment().globals;
    expect(() => ScriptApp.newTrigger('f').timeBased().everyHours(hours).create()).not.toThrow();
  });

  it.each([0, 3, 5, 24, 1.5])('rejects everyHours(%p)', (hours) => {
    const { ScriptApp } = createAppsScriptEnvironment().globals;
    expect(messageOf(() => ScriptApp.newTrigger('f').timeBased().everyHours(hours))).toBe('Exception: The value you passed to everyHours was invalid.');
  });

  it.each([2, 20, 60])('rejects everyMinutes(%i)', (minutes) => {
    const { ScriptApp } = createAppsScriptEnvironment().globals;
    expect(messageOf(() => ScriptApp.newTrigger('f').timeBased().everyMinutes(minutes))).toBe('Exception: The value you passed to everyMinutes was invalid.');
  });

  it('allows 20 triggers per user', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com' });
    const { ScriptApp } = env.globals;
    for (let i = 0; i < 20; i++) ScriptApp.newTrigger(`f${i}`).timeBased().everyHours(1).create();
    expect(messageOf(() => ScriptApp.newTrigger('f20').timeBased().everyHours(1).create())).toBe(
      'Exception: This script has too many triggers. Triggers must be deleted from the script before more can be added.',
    );
    env.setActiveUser('bob@example.com');
    expect(() => ScriptApp.newTrigger('bob').timeBased().everyHours(1).create()).not.toThrow();
  });

  it('lists only the current user', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com' });
    env.globals.ScriptApp.newTrigger('alice').timeBased().everyHours(1).create();
    env.setActiveUser('bob@example.com');
    expect(env.globals.ScriptApp.getProjectTriggers()).toEqual([]);
    env.globals.ScriptApp.newTrigger('bob').timeBased().everyHours(2).create();
    expect(env.globals.ScriptApp.getProjectTriggers().map((t) => t.getHandlerFunction())).toEqual(['bob']);
    expect(env.triggers.all).toHaveLength(2);
  });

  it('deletes triggers', () => {
    const { ScriptApp } = createAppsScriptEnvironment().globals;
    const trigger = ScriptApp.newTrigger('f').timeBased().everyHours(1).create();
    ScriptApp.deleteTrigger(ScriptApp.getProjectTriggers()[0]!);
    expect(ScriptApp.getProjectTriggers()).toEqual([]);
    expect(() => ScriptApp.deleteTrigger(trigger)).not.toThrow();
  });

  it('creates spreadsheet triggers', () => {
    const env = createAppsScriptEnvironment();
    const { ScriptApp, SpreadsheetApp } = env.globals;
    const trigger = ScriptApp.newTrigger('onOpenInstalled').forSpreadsheet(SpreadsheetApp.getActive()).onOpen().create();
    expect(trigger.getEventType()).toBe(ScriptApp.EventType.ON_OPEN);
    expect(trigger.getTriggerSourceId()).toBe(env.spreadsheet.uncounted(() => env.spreadsheet.getId()));
    expect(ScriptApp.getUserTriggers(SpreadsheetApp.getActive())).toHaveLength(1);
  });

  it('requires a schedule', () => {
    const { ScriptApp } = createAppsScriptEnvironment().globals;
    expect(() => ScriptApp.newTrigger('f').timeBased().create()).toThrow('The trigger has no schedule');
  });

  it('fires as the owner', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com', now: '2026-03-29T01:30:00Z' });
    const trigger = env.globals.ScriptApp.newTrigger('syncUsage').timeBased().everyHours(1).create();
    env.setActiveUser('bob@example.com');
    const event = env.fireTrigger(trigger.getUniqueId());
    expect(env.activeUser).toBe('alice@example.com');
    expect(env.globals.Session.getEffectiveUser().getEmail()).toBe('alice@example.com');
    expect(env.executionContext).toBe('trigger');
    expect(event).toEqual({
      authMode: env.globals.ScriptApp.AuthMode.FULL,
      triggerUid: trigger.getUniqueId(),
      year: 2026,
      month: 3,
      'day-of-month': 29,
      'day-of-week': 7,
      'week-of-year': 13,
      hour: 1,
      minute: 30,
      second: 0,
      timezone: 'UTC',
    });
    expect(env.triggers.find(trigger.getUniqueId())?.fireCount).toBe(1);
  });

  it('is denied in simple triggers', () => {
    const env = createAppsScriptEnvironment({ executionContext: 'simpleTrigger' });
    expect(messageOf(() => env.globals.ScriptApp.getProjectTriggers())).toBe(
      'Exception: You do not have permission to call ScriptApp.getProjectTriggers. Required permissions: https://www.googleapis.com/auth/script.scriptapp',
    );
  });
});

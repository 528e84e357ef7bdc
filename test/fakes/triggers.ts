import { type AppsScriptEnumValue, createEnum } from './apps-script-enum';
import type { ScriptRuntime } from './runtime';
import type { FakeSpreadsheet } from './spreadsheet';

/** Apps Script allows each user 20 triggers per script. */
export const MAX_TRIGGERS_PER_USER = 20;
/** The only intervals `everyMinutes` and `everyHours` accept. */
export const VALID_MINUTE_INTERVALS: readonly number[] = [1, 5, 10, 15, 30];
export const VALID_HOUR_INTERVALS: readonly number[] = [1, 2, 4, 6, 8, 12];

const SCRIPT_APP_SCOPE = 'https://www.googleapis.com/auth/script.scriptapp';

export const AuthMode = createEnum(['NONE', 'CUSTOM_FUNCTION', 'LIMITED', 'FULL']);
export const EventType = createEnum(['CLOCK', 'ON_OPEN', 'ON_EDIT', 'ON_FORM_SUBMIT', 'ON_CHANGE', 'ON_EVENT_UPDATED']);
export const TriggerSource = createEnum(['SPREADSHEETS', 'CLOCK', 'FORMS', 'DOCUMENTS', 'CALENDAR']);
export const WeekDay = createEnum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']);

export type EventTypeName = keyof typeof EventType;

/** When a time-driven trigger runs, as its builder set it. */
export interface ClockSchedule {
  everyMinutes?: number;
  everyHours?: number;
  everyDays?: number;
  everyWeeks?: number;
  atHour?: number;
  nearMinute?: number;
  onMonthDay?: number;
  onWeekDay?: string;
  /** Clock time in ms for `at()`/`atDate()`/`after()` one-off triggers. */
  at?: number;
  timeZone?: string;
}

/** A trigger as the fake stores it. */
export interface TriggerRecord {
  uniqueId: string;
  handler: string;
  /** Email of the user who created it; it runs as that user. */
  owner: string;
  eventType: EventTypeName;
  source: keyof typeof TriggerSource;
  /** Spreadsheet id for spreadsheet triggers, null for time-driven ones. */
  sourceId: string | null;
  schedule: ClockSchedule;
  createdAt: number;
  fireCount: number;
}

/** The event object Apps Script passes to a time-driven handler; date fields are in UTC. */
export interface ClockTriggerEvent {
  authMode: AppsScriptEnumValue;
  triggerUid: string;
  year: number;
  month: number;
  'day-of-month': number;
  /** 1 for Monday to 7 for Sunday. */
  'day-of-week': number;
  'week-of-year': number;
  hour: number;
  minute: number;
  second: number;
  timezone: string;
}

/** `ScriptApp`: trigger builders, the current user's triggers and the enums. */
export class FakeTriggers {
  readonly all: TriggerRecord[] = [];
  private nextId = 1;

  constructor(
    private readonly runtime: ScriptRuntime,
    private readonly spreadsheet: FakeSpreadsheet,
  ) {}

  /** Returns the triggers `email` owns. */
  ownedBy(email: string): TriggerRecord[] {
    return this.all.filter((record) => record.owner === email);
  }

  find(uniqueId: string): TriggerRecord | undefined {
    return this.all.find((record) => record.uniqueId === uniqueId);
  }

  /**
   * Prepares a run of the trigger: the active user becomes its owner, the context `trigger`, and
   * the returned event object is the one to pass to the handler.
   */
  fire(uniqueId: string): { record: TriggerRecord; event: Record<string, unknown> } {
    const record = this.find(uniqueId);
    if (record === undefined) throw new Error(`no trigger with id ${uniqueId}; existing: ${this.all.map((r) => r.uniqueId).join(', ') || 'none'}`);
    this.runtime.activeUser = record.owner;
    this.runtime.effectiveUser = record.owner;
    this.runtime.executionContext = 'trigger';
    record.fireCount++;
    return { record, event: this.eventFor(record) };
  }

  private eventFor(record: TriggerRecord): Record<string, unknown> {
    if (record.eventType !== 'CLOCK') {
      return this.runtime.realm.object({ authMode: AuthMode.FULL, triggerUid: record.uniqueId, source: this.spreadsheet, user: { getEmail: () => record.owner } });
    }
    const now = new Date(this.runtime.clock.now());
    const event: ClockTriggerEvent = {
      authMode: AuthMode.FULL,
      triggerUid: record.uniqueId,
      year: now.getUTCFullYear(),
      month: now.getUTCMonth() + 1,
      'day-of-month': now.getUTCDate(),
      'day-of-week': now.getUTCDay() === 0 ? 7 : now.getUTCDay(),
      'week-of-year': isoWeek(now),
      hour: now.getUTCHours(),
      minute: now.getUTCMinutes(),
      second: now.getUTCSeconds(),
      timezone: 'UTC',
    };
    return this.runtime.realm.object(event) as unknown as Record<string, unknown>;
  }

  /** Builds the `ScriptApp` global. */
  createService(): GoogleAppsScript.Script.ScriptApp {
    const requireScope = (method: string): void => this.runtime.requireAuthorization(method, SCRIPT_APP_SCOPE, 'ScriptApp');
    const service = {
      AuthMode,
      EventType,
      TriggerSource,
      WeekDay,
      InstallationSource: createEnum(['APPS_MARKETPLACE_DOMAIN_ADD_ON', 'NONE', 'WEB_STORE_ADD_ON']),
      newTrigger: (functionName: string) => {
        requireScope('ScriptApp.newTrigger');
        if (typeof functionName !== 'string' || functionName === '') throw this.runtime.realm.exception('Invalid argument: functionName');
        return this.triggerBuilder(functionName);
      },
      getProjectTriggers: () => {
        requireScope('ScriptApp.getProjectTriggers');
        return this.runtime.realm.array(this.ownedBy(this.runtime.activeUser).map((record) => this.wrap(record)));
      },
      getUserTriggers: (document: unknown) => {
        requireScope('ScriptApp.getUserTriggers');
        const sourceId = (document as { getId?: () => string } | null)?.getId?.();
        const owned = this.ownedBy(this.runtime.activeUser).filter((record) => record.sourceId === sourceId || record.source === 'CLOCK');
        return this.runtime.realm.array(owned.map((record) => this.wrap(record)));
      },
      deleteTrigger: (trigger: GoogleAppsScript.Script.Trigger) => {
        requireScope('ScriptApp.deleteTrigger');
        const uniqueId = trigger.getUniqueId();
        const index = this.all.findIndex((record) => record.uniqueId === uniqueId && record.owner === this.runtime.activeUser);
        if (index !== -1) this.all.splice(index, 1);
      },
      getScriptId: () => '1FakeScriptIdForTests000000000000000000000000000000000',
      getOAuthToken: () => 'fake-oauth-token',
      getService: () => ({
        getUrl: () => 'https://script.google.com/macros/s/FakeDeploymentId/exec',
        isEnabled: () => true,
      }),
    };
    return service as unknown as GoogleAppsScript.Script.ScriptApp;
  }

  private wrap(record: TriggerRecord): GoogleAppsScript.Script.Trigger {
    const trigger = {
      getHandlerFunction: () => record.handler,
      getUniqueId: () => record.uniqueId,
      getEventType: () => EventType[record.eventType],
      getTriggerSource: () => TriggerSource[record.source],
      getTriggerSourceId: () => record.sourceId,
      toString: () => 'Trigger',
    };
    return trigger as unknown as GoogleAppsScript.Script.Trigger;
  }

  private register(handler: string, eventType: EventTypeName, source: TriggerRecord['source'], sourceId: string | null, schedule: ClockSchedule) {
    const owner = this.runtime.activeUser;
    if (this.ownedBy(owner).length >= MAX_TRIGGERS_PER_USER) {
      throw this.runtime.realm.exception('This script has too many triggers. Triggers must be deleted from the script before more can be added.');
    }
    // Real trigger ids are long decimal strings; these are deterministic.
    const uniqueId = String(7_000_000_000_000_000 + this.nextId++ * 7919);
    const record: TriggerRecord = { uniqueId, handler, owner, eventType, source, sourceId, schedule, createdAt: this.runtime.clock.now(), fireCount: 0 };
    this.all.push(record);
    return this.wrap(record);
  }

  private triggerBuilder(handler: string) {
    const realm = this.runtime.realm;
    const invalid = (name: string): Error => realm.exception(`The value you passed to ${name} was invalid.`);
    return {
      timeBased: () => {
        const schedule: ClockSchedule = {};
        const builder = {
          everyMinutes: (minutes: number) => {
            if (!VALID_MINUTE_INTERVALS.includes(minutes)) throw invalid('everyMinutes');
            schedule.everyMinutes = minutes;
            return builder;
          },
          // NOTE: the wording is inferred from the everyMinutes error; the accepted values are documented.
          everyHours: (hours: number) => {
            if (!VALID_HOUR_INTERVALS.includes(hours)) throw invalid('everyHours');
            schedule.everyHours = hours;
            return builder;
          },
          everyDays: (days: number) => {
            if (!Number.isInteger(days) || days < 1) throw invalid('everyDays');
            schedule.everyDays = days;
            return builder;
          },
          everyWeeks: (weeks: number) => {
            if (!Number.isInteger(weeks) || weeks < 1) throw invalid('everyWeeks');
            schedule.everyWeeks = weeks;
            return builder;
          },
          atHour: (hour: number) => {
            if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw invalid('atHour');
            schedule.atHour = hour;
            return builder;
          },
          nearMinute: (minute: number) => {
            if (!Number.isInteger(minute) || minute < 0 || minute > 59) throw invalid('nearMinute');
            schedule.nearMinute = minute;
            return builder;
          },
          onMonthDay: (day: number) => {
            if (!Number.isInteger(day) || day < 1 || day > 31) throw invalid('onMonthDay');
            schedule.onMonthDay = day;
            return builder;
          },
          onWeekDay: (day: unknown) => {
            schedule.onWeekDay = String(day);
            return builder;
          },
          inTimezone: (timeZone: string) => {
            schedule.timeZone = timeZone;
            return builder;
          },
          at: (date: Date) => {
            schedule.at = date.getTime();
            return builder;
          },
          atDate: (year: number, month: number, day: number) => {
            schedule.at = Date.UTC(year, month - 1, day);
            return builder;
          },
          after: (durationMilliseconds: number) => {
            schedule.at = this.runtime.clock.now() + durationMilliseconds;
            return builder;
          },
          create: () => {
            const recurring = [schedule.everyMinutes, schedule.everyHours, schedule.everyDays, schedule.everyWeeks, schedule.at];
            if (recurring.every((value) => value === undefined)) {
              throw realm.exception('The trigger has no schedule. Call everyMinutes, everyHours, everyDays, everyWeeks, at, atDate or after before create().');
            }
            return this.register(handler, 'CLOCK', 'CLOCK', null, { ...schedule });
          },
        };
        return builder;
      },
      forSpreadsheet: (spreadsheetOrId: unknown) => {
        const sourceId = typeof spreadsheetOrId === 'string' ? spreadsheetOrId : this.spreadsheet.uncounted(() => this.spreadsheet.getId());
        let eventType: EventTypeName | undefined;
        const choose = (type: EventTypeName) => () => {
          eventType = type;
          return builder;
        };
        const builder = {
          onOpen: choose('ON_OPEN'),
          onEdit: choose('ON_EDIT'),
          onChange: choose('ON_CHANGE'),
          onFormSubmit: choose('ON_FORM_SUBMIT'),
          create: () => {
            if (eventType === undefined) throw realm.exception('The trigger has no event. Call onOpen, onEdit, onChange or onFormSubmit before create().');
            return this.register(handler, eventType, 'SPREADSHEETS', sourceId, {});
          },
        };
        return builder;
      },
    };
  }
}

/** Returns the ISO 8601 week number of a UTC date. */
function isoWeek(date: Date): number {
  const day = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 4 - day));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return Math.ceil(((thursday.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

import { FakeClock } from './clock';
import { Realm } from './realm';

/**
 * How the current execution started, which decides what Apps Script allows in it:
 * - `menu`: a person ran a function from a menu, a dialog or the editor; the UI is available.
 * - `trigger`: an installable trigger (time-driven) runs it as the trigger's owner; no UI.
 * - `simpleTrigger`: `onOpen` and other simple triggers, in `AuthMode.LIMITED`; services that need
 *   authorization throw.
 * - `webapp`: `doGet`/`doPost`; no spreadsheet UI.
 */
export type ExecutionContext = 'menu' | 'trigger' | 'simpleTrigger' | 'webapp';

export const EXECUTION_CONTEXTS: readonly ExecutionContext[] = ['menu', 'trigger', 'simpleTrigger', 'webapp'];

/** A log line the bundle wrote through `console` or `Logger`. */
export interface LogEntry {
  level: 'debug' | 'info' | 'log' | 'warn' | 'error';
  message: string;
  source: 'console' | 'Logger';
}

export interface ScriptRuntimeOptions {
  clock?: FakeClock;
  /** Email of the person running the script; default `owner@example.com`. */
  activeUser?: string;
  /** Email of the account the script runs as (the owner); default the active user. */
  effectiveUser?: string;
  /** The manifest's `timeZone`; default `Etc/UTC`. */
  scriptTimeZone?: string;
  executionContext?: ExecutionContext;
  /**
   * Services that throw a permission error in a simple trigger; default `UrlFetchApp` and
   * `ScriptApp`, which need the `script.external_request` and `script.scriptapp` scopes. Add
   * `PropertiesService`, `LockService` or `CacheService` to make them throw too.
   */
  deniedInSimpleTriggers?: Iterable<string>;
}

/**
 * Apps Script documents that simple triggers cannot use services that require authorization.
 * `UrlFetchApp` and `ScriptApp`'s trigger methods need OAuth scopes. `PropertiesService`,
 * `LockService` and `CacheService` need none, and the AuthMode reference shows an `onOpen` in
 * `AuthMode.LIMITED` reading document properties, so they are allowed by default.
 */
export const DEFAULT_DENIED_IN_SIMPLE_TRIGGERS: readonly string[] = ['UrlFetchApp', 'ScriptApp'];

/** State every fake service shares: the clock, the realm, who runs the script and how it started. */
export class ScriptRuntime {
  readonly clock: FakeClock;
  readonly realm: Realm;
  readonly logs: LogEntry[] = [];
  activeUser: string;
  effectiveUser: string;
  scriptTimeZone: string;
  executionContext: ExecutionContext;
  readonly deniedInSimpleTriggers: Set<string>;

  constructor(options: ScriptRuntimeOptions = {}) {
    this.clock = options.clock ?? new FakeClock();
    this.realm = new Realm(this.clock);
    this.activeUser = options.activeUser ?? 'owner@example.com';
    this.effectiveUser = options.effectiveUser ?? this.activeUser;
    this.scriptTimeZone = options.scriptTimeZone ?? 'Etc/UTC';
    this.executionContext = options.executionContext ?? 'menu';
    this.deniedInSimpleTriggers = new Set(options.deniedInSimpleTriggers ?? DEFAULT_DENIED_IN_SIMPLE_TRIGGERS);
  }

  /**
   * Throws the permission error Apps Script raises when a simple trigger calls `method` of
   * `service`, which needs the OAuth scope `scope`, if `service` is denied in simple triggers.
   */
  requireAuthorization(method: string, scope: string, service: string): void {
    if (this.executionContext !== 'simpleTrigger' || !this.deniedInSimpleTriggers.has(service)) return;
    throw this.realm.exception(`You do not have permission to call ${method}. Required permissions: ${scope}`);
  }
}

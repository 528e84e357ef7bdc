import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vm from 'node:vm';
import { createEnum } from './apps-script-enum';
import { FakeCaches } from './cache';
import { FakeClock } from './clock';
import { FakeHtml } from './html';
import { FakeLocks } from './lock';
import { createConsole, createLogger } from './logging';
import { FakeProperties } from './properties';
import type { Realm } from './realm';
import { type ExecutionContext, EXECUTION_CONTEXTS, type LogEntry, ScriptRuntime } from './runtime';
import { createSession } from './session';
import { FakeSpreadsheet, type FakeSpreadsheetOptions } from './spreadsheet';
import { FakeTriggers } from './triggers';
import { FakeUi } from './ui';
import { FakeUrlFetch, type UrlFetchOptions } from './url-fetch';
import { FakeUtilities } from './utilities';

export interface AppsScriptEnvironmentOptions extends UrlFetchOptions {
  spreadsheet?: Omit<FakeSpreadsheetOptions, 'runtime'>;
  /** Email of the person running the script; default `owner@example.com`. */
  activeUser?: string;
  /** Email the script runs as; default the active user. */
  effectiveUser?: string;
  /** Start of the fake clock; default 2026-01-15 12:00:00 UTC. */
  now?: number | Date | string;
  /** `Session.getScriptTimeZone()`; default the `timeZone` of `manifestPath`, else `Etc/UTC`. */
  scriptTimeZone?: string;
  /** Path of the manifest read for its `timeZone`; default the repository's appsscript.json. */
  manifestPath?: string;
  /** Default `menu`. */
  executionContext?: ExecutionContext;
  /** Services that throw a permission error in simple triggers; default `UrlFetchApp` and `ScriptApp`. */
  deniedInSimpleTriggers?: string[];
  /** Folder of the HTML files `HtmlService.createHtmlOutputFromFile` reads, such as `dist/`. */
  htmlDir?: string;
  /** Alias of `timeoutMs`: deadline of each fetch in ms; default 30,000. */
  fetchTimeoutMs?: number;
  /** Alias of `dailyQuota` for `UrlFetchApp`; default 20,000. */
  urlFetchDailyQuota?: number;
  /** Also print the bundle's console and Logger lines on stderr. */
  echoLogs?: boolean;
}

/** The globals of a bundle's context, by name. */
export interface AppsScriptGlobals {
  SpreadsheetApp: GoogleAppsScript.Spreadsheet.SpreadsheetApp;
  PropertiesService: GoogleAppsScript.Properties.PropertiesService;
  LockService: GoogleAppsScript.Lock.LockService;
  ScriptApp: GoogleAppsScript.Script.ScriptApp;
  CacheService: GoogleAppsScript.Cache.CacheService;
  HtmlService: GoogleAppsScript.HTML.HtmlService;
  UrlFetchApp: GoogleAppsScript.URL_Fetch.UrlFetchApp;
  Utilities: GoogleAppsScript.Utilities.Utilities;
  Session: GoogleAppsScript.Base.Session;
  Logger: GoogleAppsScript.Base.Logger;
  console: Console;
  /** The clock-driven `Date` of the test's realm; `loadBundle` installs the context's own. */
  Date: DateConstructor;
}

/** The repository's manifest, two folders above this file. */
const DEFAULT_MANIFEST_PATH = path.join(__dirname, '..', '..', 'appsscript.json');

function readManifestTimeZone(manifestPath: string | undefined): string | undefined {
  if (manifestPath === undefined && !fs.existsSync(DEFAULT_MANIFEST_PATH)) return undefined;
  const manifest = JSON.parse(fs.readFileSync(manifestPath ?? DEFAULT_MANIFEST_PATH, 'utf8')) as { timeZone?: unknown };
  return typeof manifest.timeZone === 'string' ? manifest.timeZone : undefined;
}

/**
 * A stateful Apps Script environment for one spreadsheet-bound script. `globals` go into the vm
 * context that `loadBundle` creates. The other fields let a test seed state, drive the clock, play
 * other users and executions, and read what the bundle did.
 */
export class AppsScriptEnvironment {
  readonly runtime: ScriptRuntime;
  readonly clock: FakeClock;
  readonly spreadsheet: FakeSpreadsheet;
  readonly ui: FakeUi;
  readonly triggers: FakeTriggers;
  readonly lock: FakeLocks;
  readonly urlFetch: FakeUrlFetch;
  readonly properties: FakeProperties;
  readonly cache: FakeCaches;
  readonly html: FakeHtml;
  readonly utilities: FakeUtilities;
  readonly globals: AppsScriptGlobals;
  /** Executions ended with `endExecution`. */
  executions = 0;

  constructor(options: AppsScriptEnvironmentOptions = {}) {
    this.clock = new FakeClock(options.now);
    const runtimeOptions: ConstructorParameters<typeof ScriptRuntime>[0] = {
      clock: this.clock,
      scriptTimeZone: options.scriptTimeZone ?? readManifestTimeZone(options.manifestPath) ?? 'Etc/UTC',
    };
    if (options.activeUser !== undefined) runtimeOptions.activeUser = options.activeUser;
    if (options.effectiveUser !== undefined) runtimeOptions.effectiveUser = options.effectiveUser;
    if (options.executionContext !== undefined) runtimeOptions.executionContext = options.executionContext;
    if (options.deniedInSimpleTriggers !== undefined) runtimeOptions.deniedInSimpleTriggers = options.deniedInSimpleTriggers;
    this.runtime = new ScriptRuntime(runtimeOptions);

    this.spreadsheet = new FakeSpreadsheet({ ...options.spreadsheet, runtime: this.runtime });
    this.ui = new FakeUi(this.runtime);
    this.triggers = new FakeTriggers(this.runtime, this.spreadsheet);
    this.lock = new FakeLocks(this.runtime, this.spreadsheet);
    this.properties = new FakeProperties(this.runtime);
    this.cache = new FakeCaches(this.runtime);
    this.html = new FakeHtml(this.runtime, options.htmlDir);
    this.utilities = new FakeUtilities(this.runtime);

    const fetchOptions: UrlFetchOptions = { ...options };
    if (options.fetchTimeoutMs !== undefined) fetchOptions.timeoutMs = options.fetchTimeoutMs;
    if (options.urlFetchDailyQuota !== undefined) fetchOptions.dailyQuota = options.urlFetchDailyQuota;
    this.urlFetch = new FakeUrlFetch(this.runtime, fetchOptions);

    const echo = options.echoLogs ?? false;
    this.globals = {
      SpreadsheetApp: this.createSpreadsheetApp(),
      PropertiesService: this.properties.createService(),
      LockService: this.lock.createService(),
      ScriptApp: this.triggers.createService(),
      CacheService: this.cache.createService(),
      HtmlService: this.html.createService(),
      UrlFetchApp: this.urlFetch.createService(),
      Utilities: this.utilities.createService(),
      Session: createSession(this.runtime),
      Logger: createLogger(this.runtime, echo),
      console: createConsole(this.runtime, echo),
      Date: this.runtime.realm.Date,
    };
  }

  get realm(): Realm {
    return this.runtime.realm;
  }

  /** Lines the bundle logged through `console` and `Logger`, in order. */
  get logs(): LogEntry[] {
    return this.runtime.logs;
  }

  get activeUser(): string {
    return this.runtime.activeUser;
  }

  get executionContext(): ExecutionContext {
    return this.runtime.executionContext;
  }

  /** Makes `email` the person running the script: user properties, caches, locks and triggers follow. */
  setActiveUser(email: string, effectiveUser: string = email): void {
    this.runtime.activeUser = email;
    this.runtime.effectiveUser = effectiveUser;
  }

  setExecutionContext(context: ExecutionContext): void {
    if (!EXECUTION_CONTEXTS.includes(context)) throw new Error(`unknown execution context ${String(context)}; use one of ${EXECUTION_CONTEXTS.join(', ')}`);
    this.runtime.executionContext = context;
  }

  /** Simulates another execution holding the script lock, until released or for `forMs` of fake time. */
  holdScriptLockElsewhere(options: { forMs?: number } = {}): void {
    this.lock.holdElsewhere('script', options);
  }

  releaseScriptLockElsewhere(): void {
    this.lock.releaseElsewhere('script');
  }

  /**
   * Prepares a run of trigger `uniqueId`: the active user becomes its owner and the context
   * `trigger`. Returns the event object Apps Script passes to the handler.
   */
  fireTrigger(uniqueId: string): Record<string, unknown> {
    return this.triggers.fire(uniqueId).event;
  }

  /** Ends the current execution as Apps Script does: locks still held are released. */
  endExecution(): void {
    this.lock.endExecution();
    this.executions++;
  }

  /** Makes the fakes build errors and dates with the intrinsics of `context`; `loadBundle` calls it. */
  bindContext(context: vm.Context): void {
    this.runtime.realm.bind(context);
  }

  private createSpreadsheetApp(): GoogleAppsScript.Spreadsheet.SpreadsheetApp {
    const spreadsheet = this.spreadsheet;
    const app = {
      ProtectionType: createEnum(['RANGE', 'SHEET']),
      WrapStrategy: createEnum(['WRAP', 'OVERFLOW', 'CLIP']),
      BorderStyle: createEnum(['DOTTED', 'DASHED', 'SOLID', 'SOLID_MEDIUM', 'SOLID_THICK', 'DOUBLE']),
      Dimension: createEnum(['COLUMNS', 'ROWS']),
      getActiveSpreadsheet: () => spreadsheet,
      getActive: () => spreadsheet,
      getActiveSheet: () => spreadsheet.uncounted(() => spreadsheet.getActiveSheet()),
      openById: (id: string) => {
        if (id !== spreadsheet.uncounted(() => spreadsheet.getId())) throw this.runtime.realm.exception(`Unexpected error while getting the method or property openById on object SpreadsheetApp.`);
        return spreadsheet;
      },
      flush: () => spreadsheet.recordFlush(),
      getUi: () => this.ui.getUi(),
    };
    return app as unknown as GoogleAppsScript.Spreadsheet.SpreadsheetApp;
  }
}

/** Creates an environment; see `AppsScriptEnvironmentOptions` for the defaults. */
export function createAppsScriptEnvironment(options: AppsScriptEnvironmentOptions = {}): AppsScriptEnvironment {
  return new AppsScriptEnvironment(options);
}

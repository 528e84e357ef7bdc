/**
 * One measured hourly refresh of the built bundle. A spreadsheet is seeded with a workload's
 * history, and a warm-up refresh at the previous refresh's instant creates every other tab as
 * earlier refreshes would have. Then the new events go into the pods' logs, and the next refresh
 * is measured.
 */
import { join } from 'node:path';

import { createAppsScriptEnvironment } from '../../test/fakes/environment';
import { loadBundle } from '../../test/fakes/load-bundle';
import { DIST, Harness } from '../../test/harness/harness';
import type { ServerHandle } from '../../test/servers/launch';
import type { Scenario } from '../../test/servers/scenario';
import { SESSIONS, PRICES, SYNC_STATUS } from '../../src/sheet/tabs';
import type { TabSnapshot } from './baselines';
import { measure, tallyCallsPerTab, timeSpreadsheetCalls, type ResourceUse, type TabCalls } from './probes';
import { scenarioOf, type Workload } from './workload';

export const BENCH_API_KEY = 'rpa_BENCHKEY0123';

/** The tabs every refresh opens; "per tab" figures divide by this count. */
export const PRODUCT_TABS = ['Sessions', 'Usage Summary', 'Monthly', 'Live Pods', 'Account', 'Sync Status', 'Prices', 'Invalid Rows'];

export interface FetchUse {
  requests: number;
  batches: number;
  bytesReceived: number;
  /** Time spent inside `UrlFetchApp.fetchAll`, which includes the simulators' response time. */
  wallMs: number;
  cpuMs: number;
}

export interface RefreshResult {
  status: string;
  message: string;
  rowsAdded: number;
  rowsUpdated: number;
  reads: number;
  writes: number;
  other: number;
  cellsRead: number;
  cellsWritten: number;
  byMethod: Record<string, number>;
  perTab: Map<string, TabCalls>;
  /**
   * CPU time inside the spreadsheet fakes' bulk data methods and `Utilities.formatDate`: work
   * that Google's services do in Apps Script.
   */
  serviceCpuMs: number;
  fetch: FetchUse;
  use: ResourceUse;
  /** Rows x columns of every tab after the refresh, as Sheets counts them against its limit. */
  totalCells: number;
  cellsByTab: Map<string, number>;
  /** Columns of each tab after the refresh: new tabs get 26, as in Sheets. */
  columnsByTab: Map<string, number>;
}

export interface PreparedSheet {
  harness: Harness;
  workload: Workload;
}

/** The built bundle, unless a run loads a copy. */
export const DEFAULT_BUNDLE_PATH = join(DIST, 'Code.js');

export interface PrepareOptions {
  /** The bundle to load; a copy keeps a run from seeing a rebuild of dist/ halfway. */
  bundlePath?: string;
  /** Raises the spreadsheet's 10,000,000-cell limit, for histories larger than Sheets allows. */
  cellLimit?: number;
  /**
   * Empty rows below the seeded sessions. The product grows the tab 500 rows at a time, so half
   * of that is free on average; 0 makes the next new session grow the tab.
   */
  spareSessionRows?: number;
}

/** Half of the 500 rows the product adds each time the Sessions tab is full. */
export const DEFAULT_SPARE_SESSION_ROWS = 250;

/** Loads the bundle over fresh fakes, seeds the workload's history, runs the warm-up refresh and appends the new events. */
export async function prepareSheet(servers: ServerHandle, workload: Workload, options: PrepareOptions = {}): Promise<PreparedSheet> {
  const harness = await startBenchHarness(servers, scenarioOf(workload, BENCH_API_KEY, false), workload.previousRefreshMs, options.bundlePath ?? DEFAULT_BUNDLE_PATH);
  const { env, bundle } = harness;
  if (options.cellLimit !== undefined) env.spreadsheet.cellLimit = options.cellLimit;

  harness.open();
  const saved = harness.saveSettings({ apiKey: BENCH_API_KEY });
  if (!saved.ok) throw new Error(`The benchmark settings were rejected: ${saved.errors.join(' ')}`);
  env.setExecutionContext('menu');
  bundle.call('installHourlyRefresh');

  const sessions = env.spreadsheet.loadRows(SESSIONS.name, workload.sessionsRows);
  sessions.maxRows = Math.max(sessions.maxRows, workload.sessionsRows.length + (options.spareSessionRows ?? DEFAULT_SPARE_SESSION_ROWS));
  env.spreadsheet.loadRows(SYNC_STATUS.name, workload.syncStatusRows);
  env.spreadsheet.loadRows(PRICES.name, workload.pricesRows);

  const [warmUp] = harness.runTriggers() as { status: string; message: string }[];
  if (warmUp?.status !== 'done') throw new Error(`The warm-up refresh did not finish: ${warmUp?.status}: ${warmUp?.message}`);

  await Promise.all(workload.pods.filter((pod) => pod.newEvents.length > 0).map((pod) => servers.appendEvents(pod.id, pod.newEvents)));
  env.clock.set(workload.refreshMs);
  return { harness, workload };
}

/**
 * Starts a harness as `startHarness` does, in the spreadsheet zone Europe/Berlin, but over the
 * bundle at `bundlePath`.
 */
async function startBenchHarness(servers: ServerHandle, scenario: Scenario, now: number, bundlePath: string): Promise<Harness> {
  await servers.setScenario(scenario);
  await servers.clearRequests();
  const env = createAppsScriptEnvironment({ now, spreadsheet: { timeZone: 'Europe/Berlin' }, htmlDir: DIST, routes: servers.routes, ca: servers.ca });
  return new Harness(env, loadBundle(bundlePath, env), servers, scenario.apiKey, false);
}

/** Runs the hourly trigger once and measures it. A refresh that throws is reported as failed. */
export function measureRefresh(prepared: PreparedSheet): RefreshResult {
  const { env, bundle } = prepared.harness;
  const fetch = wrapFetchAll(bundle.context as Record<string, unknown>);
  const formatDate = wrapFormatDate(bundle.context as Record<string, unknown>);
  const fetchBefore = { requests: env.urlFetch.calls, batches: env.urlFetch.batches, bytes: env.urlFetch.bytesReceived };
  env.spreadsheet.resetCounters();

  const { result: timed, use } = measure(() =>
    timeSpreadsheetCalls(() =>
      tallyCallsPerTab(env.spreadsheet, () => {
        try {
          return prepared.harness.runTriggers()[0] as { status: string; message: string; outcome: { rowsAdded: number; rowsUpdated: number } | null };
        } catch (error) {
          // Errors thrown in the sandbox belong to its realm, so `instanceof Error` is false here.
          const message = (error as { message?: unknown } | null)?.message;
          return { status: 'threw', message: typeof message === 'string' ? message : String(error), outcome: null };
        }
      }),
    ),
  );
  const tallied = timed.result;
  const report = tallied.result;
  const counters = env.spreadsheet.counters;
  const cellsByTab = new Map(env.spreadsheet.sheetList.map((sheet) => [sheet.sheetName, sheet.maxRows * sheet.maxColumns]));
  const columnsByTab = new Map(env.spreadsheet.sheetList.map((sheet) => [sheet.sheetName, sheet.maxColumns]));

  return {
    status: report.status,
    message: report.message,
    rowsAdded: report.outcome?.rowsAdded ?? 0,
    rowsUpdated: report.outcome?.rowsUpdated ?? 0,
    reads: counters.reads,
    writes: counters.writes,
    other: counters.other,
    cellsRead: counters.cellsRead,
    cellsWritten: counters.cellsWritten,
    byMethod: { ...counters.byMethod },
    perTab: tallied.perTab,
    serviceCpuMs: timed.cpuMs + formatDate.cpuMs,
    fetch: {
      requests: env.urlFetch.calls - fetchBefore.requests,
      batches: env.urlFetch.batches - fetchBefore.batches,
      bytesReceived: env.urlFetch.bytesReceived - fetchBefore.bytes,
      wallMs: fetch.wallMs,
      cpuMs: fetch.cpuMs,
    },
    use,
    totalCells: env.spreadsheet.totalCells(),
    cellsByTab,
    columnsByTab,
  };
}

/**
 * Replaces the sandbox's `UrlFetchApp` with one that times each `fetchAll`, which separates the
 * time spent waiting for the simulators from the refresh's own work.
 */
function wrapFetchAll(context: Record<string, unknown>): { wallMs: number; cpuMs: number } {
  const totals = { wallMs: 0, cpuMs: 0 };
  const original = context.UrlFetchApp as GoogleAppsScript.URL_Fetch.UrlFetchApp;
  const wrapped = Object.create(original) as GoogleAppsScript.URL_Fetch.UrlFetchApp;
  wrapped.fetchAll = (requests) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    try {
      return original.fetchAll(requests);
    } finally {
      totals.wallMs += performance.now() - start;
      const used = process.cpuUsage(cpu);
      totals.cpuMs += (used.user + used.system) / 1000;
    }
  };
  context.UrlFetchApp = wrapped;
  return totals;
}

/** Replaces the sandbox's `Utilities` with one that times `formatDate`, which reads zone offsets. */
function wrapFormatDate(context: Record<string, unknown>): { cpuMs: number } {
  const totals = { cpuMs: 0 };
  const original = context.Utilities as GoogleAppsScript.Utilities.Utilities;
  const wrapped = Object.create(original) as GoogleAppsScript.Utilities.Utilities;
  wrapped.formatDate = (date, timeZone, format) => {
    const cpu = process.cpuUsage();
    try {
      return original.formatDate(date, timeZone, format);
    } finally {
      const used = process.cpuUsage(cpu);
      totals.cpuMs += (used.user + used.system) / 1000;
    }
  };
  context.Utilities = wrapped;
  return totals;
}

/** Reads the product's tabs without counting: values with the header row first, and size. */
export function snapshotTabs(harness: Harness): TabSnapshot[] {
  return harness.env.spreadsheet.sheetList
    .filter((sheet) => PRODUCT_TABS.includes(sheet.sheetName))
    .map((sheet) => ({ name: sheet.sheetName, values: harness.tab(sheet.sheetName), maxRows: sheet.maxRows, maxColumns: sheet.maxColumns }));
}

/**
 * The two baselines the product is compared with: writing row by row, and the earlier refresh
 * that cleared and rewrote every tab from every pod's whole log. Each runs in a fresh sandbox over
 * the same spreadsheet the product refreshed and the same simulated pods.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vm from 'node:vm';

import { createAppsScriptEnvironment } from '../../test/fakes/environment';
import { loadBundle } from '../../test/fakes/load-bundle';
import { DIST } from '../../test/harness/harness';
import type { ServerHandle } from '../../test/servers/launch';
import { measure, type ResourceUse } from './probes';
import type { Workload } from './workload';

export type BaselineName = 'row by row' | 'clear and rewrite';

/** A tab's values and size, as the product left it or found it. */
export interface TabSnapshot {
  name: string;
  values: unknown[][];
  maxRows: number;
  maxColumns: number;
}

export interface BaselineResult {
  name: BaselineName;
  reads: number;
  writes: number;
  other: number;
  cellsWritten: number;
  fetchRequests: number;
  bytesReceived: number;
  use: ResourceUse;
}

const SCRIPTS: Record<BaselineName, { file: string; entry: string }> = {
  'row by row': { file: 'row-by-row.js', entry: 'writeRowByRow' },
  'clear and rewrite': { file: 'rewrite.js', entry: 'rewriteEveryTab' },
};

/** The panel paths the product reads by default; the rewrite reads both whole. */
const PANEL_PATHS = ['/usage-log', '/api/user_stats'];

/**
 * Runs one baseline: a new sandbox gets the tabs as they were before the product's refresh, then
 * the baseline script writes the tabs as the product left them. `cellLimit` is the spreadsheet's
 * cell limit, raised for histories larger than Sheets allows.
 */
export function runBaseline(name: BaselineName, servers: ServerHandle, workload: Workload, before: TabSnapshot[], after: TabSnapshot[], bundlePath: string, cellLimit?: number): BaselineResult {
  const env = createAppsScriptEnvironment({ now: workload.refreshMs, spreadsheet: { timeZone: 'Europe/Berlin' }, htmlDir: DIST, routes: servers.routes, ca: servers.ca });
  if (cellLimit !== undefined) env.spreadsheet.cellLimit = cellLimit;
  for (const tab of before) {
    const sheet = env.spreadsheet.loadRows(tab.name, tab.values);
    sheet.maxRows = Math.max(sheet.maxRows, tab.maxRows);
    sheet.maxColumns = Math.max(sheet.maxColumns, tab.maxColumns);
  }

  const bundle = loadBundle(bundlePath, env);
  const script = SCRIPTS[name];
  new vm.Script(readFileSync(join(__dirname, 'baselines', script.file), 'utf8'), { filename: script.file }).runInContext(bundle.context);
  const entry = (bundle.context as Record<string, unknown>)[script.entry] as (input: unknown) => void;
  const input = name === 'row by row' ? rowByRowInput(before, after) : rewriteInput(workload, after);

  env.spreadsheet.resetCounters();
  const fetchBefore = { requests: env.urlFetch.calls, bytes: env.urlFetch.bytesReceived };
  const { use } = measure(() => entry(input));
  const counters = env.spreadsheet.counters;
  return {
    name,
    reads: counters.reads,
    writes: counters.writes,
    other: counters.other,
    cellsWritten: counters.cellsWritten,
    fetchRequests: env.urlFetch.calls - fetchBefore.requests,
    bytesReceived: env.urlFetch.bytesReceived - fetchBefore.bytes,
    use,
  };
}

/** Lists per tab the rows to append and the cells that changed, with blanks for rows that went away. */
function rowByRowInput(before: TabSnapshot[], after: TabSnapshot[]): { tabs: { name: string; appends: unknown[][]; cells: { row: number; column: number; value: unknown }[] }[] } {
  const beforeByName = new Map(before.map((tab) => [tab.name, tab.values]));
  const tabs = after.map((tab) => {
    const old = beforeByName.get(tab.name) ?? [];
    const appends: unknown[][] = [];
    const cells: { row: number; column: number; value: unknown }[] = [];
    const height = Math.max(old.length, tab.values.length);
    for (let r = 0; r < height; r++) {
      const next = tab.values[r];
      const previous = old[r];
      if (!previous) {
        appends.push(next as unknown[]);
        continue;
      }
      const width = Math.max(previous.length, next?.length ?? 0);
      for (let c = 0; c < width; c++) {
        const value = next?.[c] ?? '';
        if (!sameCell(previous[c] ?? '', value)) cells.push({ row: r + 1, column: c + 1, value });
      }
    }
    return { name: tab.name, appends, cells };
  });
  return { tabs };
}

/** Builds the rewrite's input: every tab whole, padded to one width, and each pod's log requests without a cursor. */
function rewriteInput(workload: Workload, after: TabSnapshot[]): { requests: object[]; tabs: { name: string; rows: unknown[][] }[] } {
  const requests = workload.pods.flatMap((pod) => PANEL_PATHS.map((path) => ({ url: `https://${pod.id}-7777.proxy.runpod.net${path}`, method: 'get', muteHttpExceptions: true })));
  const tabs = after.map((tab) => {
    const width = tab.values.reduce((max, row) => Math.max(max, row.length), 0);
    const rows = tab.values.map((row) => (row.length === width ? row : row.concat(new Array(width - row.length).fill(''))));
    return { name: tab.name, rows };
  });
  return { requests, tabs };
}

function sameCell(a: unknown, b: unknown): boolean {
  if (isDate(a) && isDate(b)) return a.getTime() === b.getTime();
  return a === b;
}

function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

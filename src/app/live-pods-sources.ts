/**
 * The sidebar's data sources that need no RunPod request: its own snapshot in the document cache,
 * and the Live Pods, Account and Sessions tabs that the last refresh wrote. Nothing here creates
 * or writes a tab.
 */
import { readInstant, readNumber, readText } from '../sheet/cells';
import { ACCOUNT, LIVE_PODS, SESSIONS } from '../sheet/tabs';
import type { AccountView } from '../shared/rpc';
import type { ObservedPod, Observation } from './live-pods-view';

const SNAPSHOT_CACHE_KEY = 'livePods.snapshot.v1';
const FAILURE_CACHE_KEY = 'livePods.lastFailure.v1';
/** CacheService keeps an entry at most six hours; the Live Pods tab covers anything older. */
const CACHE_SECONDS = 21_600;

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** The Live Pods tab read back: the refresh's snapshot and each pod's control-panel state. */
export interface LivePodsTab {
  observation: Observation | null;
  controlPanels: Map<string, string>;
}

export function readCachedObservation(): Observation | null {
  const parsed = readCacheJson(SNAPSHOT_CACHE_KEY) as Partial<Observation> | null;
  if (!parsed || typeof parsed.takenMs !== 'number' || !Array.isArray(parsed.pods)) return null;
  return { takenMs: parsed.takenMs, pods: parsed.pods, account: parsed.account ?? null };
}

/** Caches the sidebar's latest snapshot for the next sidebar that opens, and clears the failure it replaces. */
export function cacheObservation(observation: Observation): void {
  const cache = CacheService.getDocumentCache();
  if (!cache) return;
  try {
    cache.put(SNAPSHOT_CACHE_KEY, JSON.stringify(observation), CACHE_SECONDS);
    cache.remove(FAILURE_CACHE_KEY);
  } catch (error) {
    // A snapshot over the cache's 100 KB limit (some hundreds of pods): the Live Pods tab serves instead.
    console.warn(`Caching the live pods snapshot failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function readCachedFailure(): { atMs: number; message: string } | null {
  const parsed = readCacheJson(FAILURE_CACHE_KEY) as { atMs?: unknown; message?: unknown } | null;
  if (!parsed || typeof parsed.atMs !== 'number' || typeof parsed.message !== 'string') return null;
  return { atMs: parsed.atMs, message: parsed.message };
}

export function cacheFailure(atMs: number, message: string): void {
  try {
    CacheService.getDocumentCache()?.put(FAILURE_CACHE_KEY, JSON.stringify({ atMs, message }), CACHE_SECONDS);
  } catch (error) {
    console.warn(`Caching the live pods failure failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readCacheJson(key: string): unknown {
  const text = CacheService.getDocumentCache()?.get(key);
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Reads the Live Pods tab whole (one row per pod) and the Account tab's newest row. */
export function readLivePodsTab(spreadsheet: Spreadsheet): LivePodsTab {
  const controlPanels = new Map<string, string>();
  const sheet = spreadsheet.getSheetByName(LIVE_PODS.name);
  if (!sheet) return { observation: null, controlPanels };

  const [header = [], ...rows] = sheet.getDataRange().getValues();
  const cell = columnReader(header);
  const pods: ObservedPod[] = [];
  let takenMs: number | null = null;
  for (const row of rows) {
    const id = readText(cell(row, 'Pod ID'));
    if (id === '') continue;
    const uptimeHours = readNumber(cell(row, 'Uptime (hrs)'));
    pods.push({
      id,
      name: readText(cell(row, 'Pod Name')) || id,
      status: readText(cell(row, 'Status')),
      gpuType: readText(cell(row, 'GPU Type')) || null,
      gpuCount: readNumber(cell(row, 'GPUs')),
      costPerHr: readNumber(cell(row, 'Cost/hr ($)')),
      uptimeSeconds: uptimeHours === null ? null : Math.round(uptimeHours * 3600),
      gpuUtilPercent: readNumber(cell(row, 'GPU Util (%)')),
      gpuMemoryPercent: readNumber(cell(row, 'GPU Memory (%)')),
      volumeGb: null,
    });
    const panel = readText(cell(row, 'Control Panel'));
    if (panel !== '') controlPanels.set(id, panel);
    takenMs = readInstant(cell(row, 'Snapshot At')) ?? takenMs;
  }
  if (takenMs === null) return { observation: null, controlPanels };
  return { observation: { takenMs, pods, account: readLastAccountRow(spreadsheet) }, controlPanels };
}

/** Reads the header and the newest row of the Account tab, which gains a row at every refresh. */
function readLastAccountRow(spreadsheet: Spreadsheet): AccountView | null {
  const sheet = spreadsheet.getSheetByName(ACCOUNT.name);
  const lastRow = sheet?.getLastRow() ?? 0;
  const width = sheet?.getLastColumn() ?? 0;
  if (!sheet || lastRow < 2 || width === 0) return null;

  const header = sheet.getRange(1, 1, 1, width).getValues()[0] ?? [];
  const row = sheet.getRange(lastRow, 1, 1, width).getValues()[0] ?? [];
  const cell = columnReader(header);
  return {
    balance: readNumber(cell(row, 'Balance ($)')),
    spendPerHr: readNumber(cell(row, 'Spend/hr ($)')),
    spendLimit: readNumber(cell(row, 'Spend Limit ($/hr)')),
    runwayHours: readNumber(cell(row, 'Runway (hrs)')),
  };
}

/**
 * Returns the users with an open session on each pod: Sessions rows with Status `running`. Reads
 * only the columns from "User" to "Status", as the tab grows by thousands of rows a year.
 */
export function readOpenSessions(spreadsheet: Spreadsheet): Map<string, string[]> {
  const open = new Map<string, string[]>();
  const sheet = spreadsheet.getSheetByName(SESSIONS.name);
  const lastRow = sheet?.getLastRow() ?? 0;
  const width = sheet?.getLastColumn() ?? 0;
  if (!sheet || lastRow < 2 || width === 0) return open;

  const header = (sheet.getRange(1, 1, 1, width).getValues()[0] ?? []).map(readText);
  const columns = ['User', 'Pod ID', 'Status'].map((name) => header.indexOf(name));
  if (columns.some((column) => column < 0)) return open;
  const first = Math.min(...columns);
  const last = Math.max(...columns);
  const [userColumn, podColumn, statusColumn] = columns.map((column) => column - first) as [number, number, number];

  for (const row of sheet.getRange(2, first + 1, lastRow - 1, last - first + 1).getValues()) {
    if (readText(row[statusColumn]) !== 'running') continue;
    const podId = readText(row[podColumn]);
    const user = readText(row[userColumn]);
    if (podId === '' || user === '') continue;
    const users = open.get(podId) ?? [];
    if (!users.includes(user)) users.push(user);
    open.set(podId, users);
  }
  return open;
}

/** Returns a function that reads a row's cell by header, or '' when the tab has no such column. */
function columnReader(header: readonly unknown[]): (row: readonly unknown[], name: string) => unknown {
  const columnOf = new Map<string, number>();
  header.forEach((cell, column) => {
    const name = readText(cell);
    if (name !== '' && !columnOf.has(name)) columnOf.set(name, column);
  });
  return (row, name) => {
    const column = columnOf.get(name);
    return column === undefined ? '' : row[column];
  };
}

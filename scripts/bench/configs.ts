/**
 * One benchmark configuration from start to end: the workload, the product's measured refresh,
 * and the two baselines on the same spreadsheet and pods.
 */
import type { ServerHandle } from '../../test/servers/launch';
import { runBaseline, type BaselineName, type BaselineResult } from './baselines';
import { DEFAULT_BUNDLE_PATH, measureRefresh, prepareSheet, snapshotTabs, type RefreshResult } from './refresh-run';
import { buildWorkload, logBody, type WorkloadShape } from './workload';

/** Google Sheets' limit on the cells of one spreadsheet, over all its tabs. */
export const SHEETS_CELL_LIMIT = 10_000_000;

/** Columns a tab created by the product has: Sheets gives every new tab 26. */
const TAB_COLUMNS = 26;

/** Cells the other tabs hold while they have at most 1000 rows: eight tabs of 1000 x 26, Sheet1 included. */
const OTHER_TABS_CELLS = 8 * 1000 * TAB_COLUMNS;

export interface ConfigResult {
  shape: WorkloadShape;
  /** Whether the pods also served `/api/user_stats`. */
  userStats: boolean;
  users: number;
  /** Bytes of every pod's whole log, as a request without `?since=` downloads it. */
  logBytes: number;
  /** The cell limit in force: raised above Sheets' 10,000,000 when the history needs more. */
  cellLimit: number;
  /** The run with the median CPU time outside `fetchAll`, when the refresh was measured more than once. */
  product: RefreshResult;
  /** CPU time outside `fetchAll` of every measured run, in ms. */
  cpuSamplesMs: number[];
  baselines: BaselineResult[];
  /** Wall time of the whole configuration, setup and baselines included. */
  totalWallMs: number;
}

export const BASELINES: BaselineName[] = ['row by row', 'clear and rewrite'];

/** Returns the cell limit a history of `rows` sessions needs: Sheets' own when it fits. */
export function cellLimitFor(rows: number): number {
  const needed = (rows + 1000) * TAB_COLUMNS + OTHER_TABS_CELLS;
  return needed <= SHEETS_CELL_LIMIT ? SHEETS_CELL_LIMIT : Math.ceil((needed * 1.5) / 1_000_000) * 1_000_000;
}

export interface ConfigOptions {
  /** Also run the baselines on the same data. */
  baselines: boolean;
  /** The bundle to load; dist/Code.js when absent. */
  bundlePath?: string;
  /** Times to measure the product's refresh, each on a freshly seeded spreadsheet; default 1. */
  repeats?: number;
  /** Pods also serve the panel's `/api/user_stats`, with every session of their history. */
  userStats?: boolean;
}

/** Runs one configuration. */
export async function runConfig(servers: ServerHandle, shape: WorkloadShape, options: ConfigOptions): Promise<ConfigResult> {
  const started = performance.now();
  const workload = buildWorkload(shape, 1, { userStats: options.userStats ?? false });
  const cellLimit = cellLimitFor(shape.rows);
  const bundlePath = options.bundlePath ?? DEFAULT_BUNDLE_PATH;
  let prepared: Awaited<ReturnType<typeof prepareSheet>> | null = await prepareSheet(servers, workload, { cellLimit, bundlePath });

  const before = options.baselines ? snapshotTabs(prepared.harness) : [];
  const product = measureRefresh(prepared);
  const after = options.baselines ? snapshotTabs(prepared.harness) : [];
  // The product's spreadsheet is not needed any more; the baselines build their own.
  prepared = null;

  const baselines = options.baselines ? BASELINES.map((name) => runBaseline(name, servers, workload, before, after, bundlePath, cellLimit)) : [];

  const runs = [product];
  for (let repeat = 1; repeat < (options.repeats ?? 1); repeat++) {
    runs.push(measureRefresh(await prepareSheet(servers, workload, { cellLimit, bundlePath })));
  }
  const cpuOutsideFetch = (run: RefreshResult) => run.use.cpuMs - run.fetch.cpuMs;
  const byCpu = runs.slice().sort((a, b) => cpuOutsideFetch(a) - cpuOutsideFetch(b));
  const median = byCpu[Math.floor((byCpu.length - 1) / 2)] as RefreshResult;

  const logBytes = workload.pods.reduce((sum, pod) => sum + Buffer.byteLength(logBody(pod.oldEvents.concat(pod.newEvents))), 0);
  return { shape, userStats: options.userStats ?? false, users: workload.users, logBytes, cellLimit, product: median, cpuSamplesMs: runs.map(cpuOutsideFetch), baselines, totalWallMs: performance.now() - started };
}

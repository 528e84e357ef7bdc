/** The benchmark's results as Markdown tables, and the check of each target against them. */
import type { BaselineName, BaselineResult } from './baselines';
import type { BundleCost } from './bundle';
import type { AtLimitResult, HistoryCapacity } from './capacity';
import type { ConfigResult } from './configs';

const MIB = 1024 * 1024;

/** Consumer accounts may make 20,000 UrlFetch calls a day (developers.google.com/apps-script/guides/services/quotas). */
export const URL_FETCH_CALLS_PER_DAY = 20_000;

export interface BenchResults {
  machine: string[];
  bundle: BundleCost;
  configs: ConfigResult[];
  /** The same refresh with pods that also serve `/api/user_stats`. */
  userStatsConfigs: ConfigResult[];
  capacity: HistoryCapacity[];
  atLimit: AtLimitResult | null;
  wallSeconds: number;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(0);
}

function ratio(ours: number, theirs: number): string {
  if (theirs === 0) return ours === 0 ? '1' : 'n/a';
  const value = ours / theirs;
  if (value >= 10) return value.toFixed(0);
  if (value >= 0.1) return value.toFixed(2);
  return value.toPrecision(2);
}

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function shapeCells(config: ConfigResult): string[] {
  return [count(config.shape.pods), count(config.shape.rows), count(config.shape.newEvents)];
}

/** Reads plus writes: the calls that move cell data or change the spreadsheet. */
function dataCalls(result: { reads: number; writes: number }): number {
  return result.reads + result.writes;
}

function maxPerTab(config: ConfigResult): number {
  let max = 0;
  config.product.perTab.forEach((calls) => (max = Math.max(max, calls.reads + calls.writes)));
  return max;
}

function cpuOutsideFetchMs(config: ConfigResult): number {
  return config.product.use.cpuMs - config.product.fetch.cpuMs;
}

function heapGrowthBytes(use: { heapPeakBytes: number; heapBeforeBytes: number }): number {
  return use.heapPeakBytes - use.heapBeforeBytes;
}

export function productTable(configs: ConfigResult[]): string {
  return table(
    ['pods', 'rows', 'new events', 'reads', 'writes', 'other', 'max per tab', 'cells written', 'requests', 'fetchAll calls', 'bytes received', 'CPU s', 'CPU outside fetch s', 'of it in service calls s', 'wall s', 'heap growth MiB', 'heap peak MiB', 'result'],
    configs.map((config) => {
      const p = config.product;
      return [
        ...shapeCells(config),
        count(p.reads),
        count(p.writes),
        count(p.other),
        count(maxPerTab(config)),
        count(p.cellsWritten),
        count(p.fetch.requests),
        count(p.fetch.batches),
        count(p.fetch.bytesReceived),
        seconds(p.use.cpuMs),
        seconds(cpuOutsideFetchMs(config)),
        seconds(p.serviceCpuMs),
        seconds(p.use.wallMs),
        mib(heapGrowthBytes(p.use)),
        mib(p.use.heapPeakBytes),
        p.status === 'done' ? `${count(p.rowsAdded)} added, ${count(p.rowsUpdated)} updated` : `${p.status}: ${p.message}`,
      ];
    }),
  );
}

export function baselineTable(configs: ConfigResult[], name: BaselineName): string {
  const rows = configs
    .map((config) => ({ config, baseline: config.baselines.find((baseline) => baseline.name === name) }))
    .filter((entry): entry is { config: ConfigResult; baseline: BaselineResult } => entry.baseline !== undefined)
    .map(({ config, baseline }) => [
      ...shapeCells(config),
      count(baseline.reads),
      count(baseline.writes),
      count(baseline.cellsWritten),
      count(baseline.fetchRequests),
      count(baseline.bytesReceived),
      seconds(baseline.use.cpuMs),
      mib(heapGrowthBytes(baseline.use)),
    ]);
  return table(['pods', 'rows', 'new events', 'reads', 'writes', 'cells written', 'requests', 'bytes received', 'CPU s', 'heap growth MiB'], rows);
}

/** Ours divided by theirs: below 1 means the product does less. */
export function ratioTable(configs: ConfigResult[]): string {
  const rows = configs
    .filter((config) => config.baselines.length === 2)
    .map((config) => {
      const [rowByRow, rewrite] = config.baselines as [BaselineResult, BaselineResult];
      const p = config.product;
      return [
        ...shapeCells(config),
        ratio(dataCalls(p), dataCalls(rowByRow)),
        ratio(p.cellsWritten, rowByRow.cellsWritten),
        ratio(p.use.cpuMs, rowByRow.use.cpuMs),
        ratio(dataCalls(p), dataCalls(rewrite)),
        ratio(p.cellsWritten, rewrite.cellsWritten),
        ratio(p.fetch.bytesReceived, rewrite.bytesReceived),
        ratio(p.use.cpuMs, rewrite.use.cpuMs),
        ratio(heapGrowthBytes(p.use), heapGrowthBytes(rewrite.use)),
      ];
    });
  return table(['pods', 'rows', 'new events', 'calls / row by row', 'cells / row by row', 'CPU / row by row', 'calls / rewrite', 'cells / rewrite', 'bytes / rewrite', 'CPU / rewrite', 'heap / rewrite'], rows);
}

/** Bytes per refresh with and without `/api/user_stats` on the pods, for the same shapes. */
export function userStatsTable(configs: ConfigResult[], withStats: ConfigResult[]): string {
  return table(
    ['pods', 'rows', 'new events', 'bytes, /usage-log only', 'bytes, /api/user_stats too', 'CPU outside fetch s, /api/user_stats too'],
    withStats.map((config) => {
      const plain = configs.find((entry) => entry.shape.pods === config.shape.pods && entry.shape.rows === config.shape.rows && entry.shape.newEvents === config.shape.newEvents);
      return [...shapeCells(config), plain ? count(plain.product.fetch.bytesReceived) : 'n/a', count(config.product.fetch.bytesReceived), seconds(cpuOutsideFetchMs(config))];
    }),
  );
}

export function capacityTable(capacity: HistoryCapacity[]): string {
  return table(
    ['pods', 'users', 'sessions a month', 'months until 10,000,000 cells', 'session rows then'],
    capacity.map((entry) => [count(entry.pods), count(entry.users), count(Math.round(entry.sessionsPerMonth)), entry.months.toFixed(0), count(entry.sessionRows)]),
  );
}

/** Checks each target of the benchmark against the results. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { configs } = results;
  if (configs.length === 0) return checks;

  const perTabWorst = configs.reduce((worst, config) => Math.max(worst, dataCalls(config.product) / Math.max(1, config.product.perTab.size)), 0);
  const callCounts = configs.map((config) => dataCalls(config.product));
  checks.push({
    target: 'Spreadsheet reads + writes per refresh do not grow with rows or events: at most 2 per tab touched',
    measured: `${Math.min(...callCounts)} to ${Math.max(...callCounts)} calls over ${configs[0]?.product.perTab.size ?? 0} tabs; worst ${perTabWorst.toFixed(2)} per tab, at most ${Math.max(...configs.map(maxPerTab))} on one tab`,
    met: perTabWorst <= 2,
  });

  const groups = new Map<string, ConfigResult[]>();
  for (const config of configs) {
    const key = `${config.shape.pods}|${config.shape.newEvents}`;
    groups.set(key, [...(groups.get(key) ?? []), config]);
  }
  let worstSpread = 1;
  let worstShare = 0;
  groups.forEach((group) => {
    const bytes = group.map((config) => config.product.fetch.bytesReceived);
    worstSpread = Math.max(worstSpread, Math.max(...bytes) / Math.max(1, Math.min(...bytes)));
  });
  for (const config of configs) {
    const whole = config.baselines.find((baseline) => baseline.name === 'clear and rewrite')?.bytesReceived ?? config.logBytes;
    if (config.shape.newEvents <= 10 && whole > 0) worstShare = Math.max(worstShare, config.product.fetch.bytesReceived / whole);
  }
  checks.push({
    target: 'Bytes downloaded per hourly refresh grow with the new events only, not with the logs',
    measured: `same pods and events, logs of different lengths: largest/smallest bytes ${worstSpread.toFixed(2)}; with 10 new events at most ${(worstShare * 100).toFixed(1)}% of the whole logs`,
    met: worstSpread < 1.2,
  });

  const merge = configs.filter((config) => config.shape.rows >= 1_000_000 && config.shape.newEvents >= 10_000);
  if (merge.length > 0) {
    const cpu = Math.max(...merge.map(cpuOutsideFetchMs));
    const heap = Math.max(...merge.map((config) => heapGrowthBytes(config.product.use)));
    const samples = merge.map((config) => `${config.shape.pods} pods: ${config.cpuSamplesMs.map(seconds).join(', ')} s`).join('; ');
    const ownCode = Math.max(...merge.map((config) => cpuOutsideFetchMs(config) - config.product.serviceCpuMs));
    checks.push({
      target: 'Merging 10,000 new events into 1,000,000 rows: under 3 s of CPU and 1 GiB of heap',
      measured: `worst median ${seconds(cpu)} s CPU outside fetchAll (runs: ${samples}); ${seconds(ownCode)} s of it outside Sheets and Utilities calls; ${mib(heap)} MiB heap growth`,
      met: cpu < 3000 && heap < 1024 * MIB,
    });
  }

  const largest = configs.filter((config) => config.shape.pods === Math.max(...configs.map((entry) => entry.shape.pods)));
  const batches = Math.max(...largest.map((config) => config.product.fetch.batches));
  checks.push({
    target: `${largest[0]?.shape.pods ?? 0} pods fetched in one fetchAll batch, never one request after another`,
    measured: `${batches} fetchAll calls per refresh: 1 for RunPod's snapshot, ${batches - 1} for ${count(Math.max(...largest.map((config) => config.product.fetch.requests)) - 1)} pod requests`,
    met: batches <= 2,
  });

  checks.push({
    target: 'The bundle stays under 200 KB and loads in under 20 ms',
    measured: `${(results.bundle.bytes / 1024).toFixed(1)} KiB; first load ${results.bundle.firstLoadMs.toFixed(1)} ms, later loads ${results.bundle.medianLoadMs.toFixed(1)} ms`,
    met: results.bundle.bytes < 200 * 1024 && results.bundle.firstLoadMs < 20,
  });

  const quota = largest.map((config) => config.product.fetch.requests * 24);
  checks.push({
    target: `Hourly refreshes stay within ${count(URL_FETCH_CALLS_PER_DAY)} UrlFetch calls a day (consumer account)`,
    measured: `${count(Math.max(...quota))} calls a day at ${largest[0]?.shape.pods ?? 0} pods`,
    met: Math.max(...quota) <= URL_FETCH_CALLS_PER_DAY,
  });
  return checks;
}

export function targetsTable(checks: TargetCheck[]): string {
  return table(['target', 'measured', 'met'], checks.map((check) => [check.target, check.measured, check.met ? 'yes' : '**no**']));
}

/** Renders the whole report, as printed and as saved next to the JSON results. */
export function renderReport(results: BenchResults): string {
  const parts = [
    '## Machine',
    results.machine.map((line) => `    ${line}`).join('\n'),
    '## Targets',
    targetsTable(checkTargets(results)),
    '## The product\'s refresh',
    productTable(results.configs),
    '## Ratios to the baselines (ours / theirs)',
    ratioTable(results.configs),
    '### Baseline: row by row',
    baselineTable(results.configs, 'row by row'),
    '### Baseline: clear and rewrite every tab',
    baselineTable(results.configs, 'clear and rewrite'),
    '## Bytes when pods also serve /api/user_stats',
    userStatsTable(results.configs, results.userStatsConfigs),
    '## History until the 10,000,000-cell limit',
    capacityTable(results.capacity),
  ];
  if (results.atLimit) {
    const limit = results.atLimit;
    const fitting = limit.fitting;
    parts.push(
      '## Refreshes at the cell limit',
      [
        `10 pods; the spreadsheet has ${count(limit.cellsBefore)} cells, with 100 empty rows below the sessions.`,
        `- Hourly refresh with 10 new events: ${fitting.status}, ${count(fitting.rowsAdded)} added, ${fitting.reads} reads, ${fitting.writes} writes, ` +
          `${seconds(fitting.use.cpuMs - fitting.fetch.cpuMs)} s CPU outside fetchAll (${seconds(fitting.serviceCpuMs)} s in service calls), ${mib(heapGrowthBytes(fitting.use))} MiB heap growth.`,
        `- Next refresh, 500 new sessions with ${count(limit.sessionRows)} rows in the sheet: ${limit.overflowing.status}: ${limit.overflowing.message}`,
        `- Session rows after it: ${count(limit.sessionRowsAfter)}; log cursors moved: ${limit.cursorsMoved ? 'yes' : 'no'}.`,
      ].join('\n'),
    );
  }
  parts.push(`Whole run: ${results.wallSeconds.toFixed(0)} s.`);
  return parts.join('\n\n');
}

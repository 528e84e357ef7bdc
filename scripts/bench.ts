/**
 * `npm run bench`: what an hourly refresh costs as the team and its history grow. It builds
 * synthetic pods and logs, seeds the spreadsheet's history, and runs the built bundle against the
 * Apps Script fakes and the loopback simulators. It prints Markdown tables of spreadsheet calls,
 * cells, UrlFetch requests and bytes, CPU time and heap, with the same figures for two baselines.
 *
 *   npm run bench                                   every configuration (about 5 minutes)
 *   npm run bench -- --pods 10 --rows 1000 --events 10 --no-baselines
 *
 * Node needs --expose-gc for steady heap figures and a large heap for 1,000,000 rows; the npm
 * script sets both. Results also go to test-output/bench/ as report.md and results.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ROOT } from '../test/harness/harness';
import { launchServers } from '../test/servers/launch';
import { copyBundle, measureBundle } from './bench/bundle';
import { historyCapacity, refreshAtCellLimit } from './bench/capacity';
import { runConfig, type ConfigResult } from './bench/configs';
import { checkTargets, renderReport, type BenchResults } from './bench/report';
import { teamUserCount, type WorkloadShape } from './bench/workload';

const DEFAULT_PODS = [10, 100, 500];
const DEFAULT_ROWS = [1_000, 100_000, 1_000_000];
const DEFAULT_EVENTS = [10, 10_000];
const MERGE_TARGET_REPEATS = 3;

function parseList(text: string | undefined, fallback: number[], option: string): number[] {
  if (text === undefined) return fallback;
  const values = text.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (values.some((value) => !Number.isInteger(value) || value < 0)) {
    throw new Error(`--${option} "${text}" is not a comma-separated list of whole numbers, such as 10,100,500`);
  }
  return values;
}

/**
 * Picks the shapes to measure again with pods that also serve `/api/user_stats`: the smallest
 * team's hourly refreshes, with histories up to 100,000 rows, so the growth of the bytes shows.
 */
function userStatsShapes(configs: ConfigResult[]): WorkloadShape[] {
  const smallest = Math.min(...configs.map((config) => config.shape.pods));
  const fewest = Math.min(...configs.map((config) => config.shape.newEvents));
  return configs.map((config) => config.shape).filter((shape) => shape.pods === smallest && shape.newEvents === fewest && shape.rows <= 100_000);
}

function machineDescription(): string[] {
  const lines = [`node ${process.version}`, `nproc: ${cpus().length} (${cpus()[0]?.model ?? 'unknown CPU'})`, `memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`];
  try {
    lines.push(...execFileSync('free', ['-h'], { encoding: 'utf8' }).trimEnd().split('\n'));
  } catch {
    lines.push('free -h: not available on this system');
  }
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pods: { type: 'string' },
      rows: { type: 'string' },
      events: { type: 'string' },
      'no-baselines': { type: 'boolean' },
      'no-limit': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(
      [
        'Usage: npm run bench [-- options]',
        '  --pods 10,100,500          team sizes (pods)',
        '  --rows 1000,100000,1000000 session rows already in the sheet',
        '  --events 10,10000          events the pods logged since the last refresh',
        '  --no-baselines             measure the product only',
        '  --no-limit                 skip the refresh at the 10,000,000-cell limit',
        '  --out DIR                  where report.md and results.json go (default test-output/bench)',
      ].join('\n'),
    );
    return;
  }
  const pods = parseList(values.pods, DEFAULT_PODS, 'pods');
  const rows = parseList(values.rows, DEFAULT_ROWS, 'rows');
  const events = parseList(values.events, DEFAULT_EVENTS, 'events');
  const outDir = values.out ?? join(ROOT, 'test-output', 'bench');
  if (!(globalThis as { gc?: unknown }).gc) console.error('Node runs without --expose-gc, so heap figures include garbage from earlier steps; use npm run bench.');

  const started = performance.now();
  const bundlePath = copyBundle(outDir);
  // The bundle is loaded first, so its first load compiles it as Apps Script would.
  const bundle = measureBundle(bundlePath);
  const servers = await launchServers();
  const configs: ConfigResult[] = [];
  try {
    for (const podCount of pods) {
      for (const rowCount of rows) {
        for (const eventCount of events) {
          const shape = { pods: podCount, rows: rowCount, newEvents: eventCount };
          // The refresh the CPU target is about is measured three times, to damp other processes' noise.
          const repeats = rowCount >= 1_000_000 && eventCount >= 10_000 ? MERGE_TARGET_REPEATS : 1;
          const result = await runConfig(servers, shape, { baselines: !values['no-baselines'], bundlePath, repeats });
          configs.push(result);
          const p = result.product;
          console.error(
            `${podCount} pods, ${rowCount} rows, ${eventCount} events: ${p.status}, ${p.reads} reads, ${p.writes} writes, ${p.fetch.bytesReceived} bytes, ` +
              `${(p.use.cpuMs / 1000).toFixed(2)} s CPU, ${((p.use.heapPeakBytes - p.use.heapBeforeBytes) / 2 ** 20).toFixed(0)} MiB heap growth (${(result.totalWallMs / 1000).toFixed(1)} s in all)`,
          );
        }
      }
    }
    const userStatsConfigs: ConfigResult[] = [];
    for (const shape of userStatsShapes(configs)) {
      userStatsConfigs.push(await runConfig(servers, shape, { baselines: false, bundlePath, userStats: true }));
      console.error(`${shape.pods} pods, ${shape.rows} rows, ${shape.newEvents} events, /api/user_stats too: ${userStatsConfigs[userStatsConfigs.length - 1]?.product.fetch.bytesReceived} bytes`);
    }
    const atLimit = values['no-limit'] ? null : await refreshAtCellLimit(servers, bundlePath);
    if (atLimit) console.error(`At the cell limit: ${atLimit.fitting.status}, then ${atLimit.overflowing.status} (${(atLimit.wallMs / 1000).toFixed(1)} s)`);

    const capacity = DEFAULT_PODS.map((podCount) => historyCapacity(podCount, teamUserCount(podCount)));
    const results: BenchResults = { machine: machineDescription(), bundle, configs, userStatsConfigs, capacity, atLimit, wallSeconds: (performance.now() - started) / 1000 };
    const report = renderReport(results);
    console.log(report);

    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'report.md'), `${report}\n`);
    writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, (_key, value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value), 2));
    if (checkTargets(results).some((check) => !check.met)) console.error('Some targets are missed; see the Targets table.');
  } finally {
    await servers.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

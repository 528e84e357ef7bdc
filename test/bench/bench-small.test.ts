/**
 * The benchmark's smallest configuration, run by `npm test` so that `npm run bench` cannot break
 * unnoticed. It asserts the counts the benchmark's targets are about (spreadsheet calls, fetch
 * batches, bytes, bundle size), never timings, which depend on the machine.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

import { runConfig, type ConfigResult } from '../../scripts/bench/configs';
import { PRODUCT_TABS } from '../../scripts/bench/refresh-run';
import { checkTargets, renderReport } from '../../scripts/bench/report';
import { DIST } from '../harness/harness';
import { launchServers, type ServerHandle } from '../servers/launch';

const PODS = 10;

let servers: ServerHandle;
let small: ConfigResult;
let larger: ConfigResult;

beforeAll(async () => {
  servers = await launchServers();
  small = await runConfig(servers, { pods: PODS, rows: 1_000, newEvents: 10 }, { baselines: true });
  // 500 new sessions pass the 250 spare rows below the history, so the Sessions tab must grow.
  larger = await runConfig(servers, { pods: PODS, rows: 20_000, newEvents: 1_000 }, { baselines: false });
}, 120_000);

afterAll(async () => {
  await servers.stop();
});

describe('bench smallest configuration', () => {
  it('finishes the refresh', () => {
    expect(small.product.status).toBe('done');
    expect(small.product.rowsAdded).toBeGreaterThan(0);
    expect(small.product.rowsUpdated).toBeGreaterThan(0);
  });

  it('touches every product tab', () => {
    expect(Array.from(small.product.perTab.keys()).sort()).toEqual(PRODUCT_TABS.slice().sort());
  });

  it('reads and writes each tab once at most', () => {
    const overspent = Array.from(small.product.perTab)
      .filter(([, calls]) => calls.reads > 1 || calls.writes > 1)
      .map(([tab, calls]) => `${tab}: ${calls.reads} reads, ${calls.writes} writes`);
    expect(overspent).toEqual([]);
  });

  it('stays within two calls per tab', () => {
    expect(small.product.reads + small.product.writes).toBeLessThanOrEqual(2 * small.product.perTab.size);
  });

  it('keeps reads flat as rows grow', () => {
    expect(larger.product.status).toBe('done');
    expect(larger.product.rowsAdded).toBe(500);
    expect(larger.product.reads).toBe(small.product.reads);
  });

  it('grows a tab with one insert', () => {
    expect(larger.product.writes).toBe(small.product.writes + 1);
    expect(larger.product.byMethod['Sheet.insertRowsAfter']).toBe(1);
    expect(larger.product.byMethod['Sheet.getMaxRows']).toBeUndefined();
    expect(larger.product.reads + larger.product.writes).toBeLessThanOrEqual(2 * larger.product.perTab.size);
  });

  it('fetches every pod in one batch', () => {
    expect(small.product.fetch.batches).toBe(2);
    // One request to RunPod, then one per pod: /api/user_stats is asked only where /usage-log is missing.
    expect(small.product.fetch.requests).toBe(1 + PODS);
  });

  it('downloads only the new events', () => {
    const rewrite = small.baselines.find((baseline) => baseline.name === 'clear and rewrite');
    expect(rewrite?.bytesReceived).toBeGreaterThan(0);
    expect(small.product.fetch.bytesReceived).toBeLessThan((rewrite?.bytesReceived ?? 0) / 10);
  });

  it('makes fewer calls than row by row', () => {
    const rowByRow = small.baselines.find((baseline) => baseline.name === 'row by row');
    expect(rowByRow).toBeDefined();
    expect(small.product.reads + small.product.writes).toBeLessThan((rowByRow?.reads ?? 0) + (rowByRow?.writes ?? 0));
  });

  it('writes fewer cells than rewriting', () => {
    const rewrite = small.baselines.find((baseline) => baseline.name === 'clear and rewrite');
    expect(small.product.cellsWritten).toBeLessThan(rewrite?.cellsWritten ?? 0);
  });

  it('keeps the bundle under 200 KB', () => {
    expect(statSync(join(DIST, 'Code.js')).size).toBeLessThan(200 * 1024);
  });

  it('renders the report', () => {
    const results = { machine: [], bundle: { bytes: 1, firstLoadMs: 1, medianLoadMs: 1 }, configs: [small, larger], userStatsConfigs: [], capacity: [], atLimit: null, wallSeconds: 1 };
    const checks = checkTargets(results);
    expect(checks.find((check) => check.target.startsWith('Spreadsheet reads'))?.met).toBe(true);
    expect(renderReport(results)).toContain('| 10 | 1,000 | 10 |');
  });
});

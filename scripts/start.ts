/**
 * `npm start`: one refresh of the built bundle against simulated pods and RunPod (or the real ones
 * with RUNPOD_API_KEY), then the per-user summary on stdout and the workbook in out/usage.xlsx.
 *
 *   npm start                   the built-in pods from test/data
 *   npm start -- --pods DIR     one running pod per <podId>-usage_log.json or <podId>-api_user_stats.json
 *   RUNPOD_API_KEY=... npm start    the real RunPod API and pods, through the same code
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { writeWorkbook } from '../test/fakes/xlsx';
import { ROOT, startHarness } from '../test/harness/harness';
import { scenarioFromPodsDir } from '../test/servers/builtin-scenario';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { pods: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log('Usage: npm start -- [--pods DIR] [--out FILE.xlsx]\n  --pods DIR   play one running pod per <podId>-usage_log.json or <podId>-api_user_stats.json in DIR\n  --out FILE   where to write the workbook (default out/usage.xlsx)\nSet RUNPOD_API_KEY to use the real RunPod API and pods instead of the simulators.');
    return;
  }

  const realApiKey = process.env.RUNPOD_API_KEY?.trim() || undefined;
  if (realApiKey && values.pods) {
    throw new Error('--pods plays simulated pods, and RUNPOD_API_KEY asks for the real ones: use one of them.');
  }
  if (values.pods && !existsSync(resolve(values.pods))) {
    throw new Error(`The folder ${resolve(values.pods)} does not exist. Pass --pods a folder of <podId>-usage_log.json or <podId>-api_user_stats.json files.`);
  }
  const scenario = values.pods ? scenarioFromPodsDir(resolve(values.pods)) : undefined;
  const outFile = resolve(values.out ?? join(ROOT, 'out', 'usage.xlsx'));

  const harness = await startHarness({ scenario, realApiKey, now: realApiKey ? Date.now() : undefined });
  try {
    console.log(realApiKey ? 'Using the real RunPod API and pods.' : `Simulated RunPod and ${values.pods ? `the pods in ${values.pods}` : 'the built-in pods'} on 127.0.0.1.`);
    harness.open();
    const saved = harness.saveSettings();
    if (!saved.ok) throw new Error(`The settings were rejected: ${saved.errors.join(' ')}`);

    const report = harness.refresh();
    console.log(`\n${report.message}\n`);
    printSummary(harness.rows('Usage Summary'));

    mkdirSync(resolve(outFile, '..'), { recursive: true });
    await writeWorkbook(harness.env.spreadsheet, outFile);
    console.log(`\nWrote ${outFile} (tabs: ${harness.env.spreadsheet.sheetList.map((sheet) => sheet.sheetName).join(', ')}).`);
    if (report.status !== 'done') process.exitCode = 1;
  } finally {
    await harness.stop();
  }
}

function printSummary(rows: Record<string, unknown>[]): void {
  const table = rows.map((row) => ({
    User: String(row.User),
    'Total Hours': Number(row['Total Hours']).toFixed(2),
    'Total Cost ($)': Number(row['Total Cost ($)']).toFixed(2),
    Sessions: Number(row.Sessions),
    'Running Now': Number(row['Running Now']),
    'Estimated Part ($)': Number(row['Estimated Part ($)']).toFixed(2),
  }));
  console.table(table);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

/** The size of the built bundle and the time it takes to load into a fresh sandbox. */
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { createAppsScriptEnvironment } from '../../test/fakes/environment';
import { loadBundle } from '../../test/fakes/load-bundle';
import { DIST } from '../../test/harness/harness';

export interface BundleCost {
  bytes: number;
  /** The first load in this process, which compiles the script. */
  firstLoadMs: number;
  /** Median of later loads, each into a new context; V8 may reuse its compiled code for these. */
  medianLoadMs: number;
}

/**
 * Copies dist/Code.js into `directory` and returns the copy's path, so that a rebuild of dist/
 * during a run cannot change what the run measures.
 */
export function copyBundle(directory: string): string {
  mkdirSync(directory, { recursive: true });
  const copy = join(directory, 'Code.js');
  copyFileSync(join(DIST, 'Code.js'), copy);
  return copy;
}

/** Loads the bundle at `codePath` `loads` times, each into a new vm context over new fakes. */
export function measureBundle(codePath = join(DIST, 'Code.js'), loads = 11): BundleCost {
  const times: number[] = [];
  for (let i = 0; i < loads; i++) {
    const env = createAppsScriptEnvironment({ htmlDir: DIST });
    const start = performance.now();
    loadBundle(codePath, env);
    times.push(performance.now() - start);
  }
  const later = times.slice(1).sort((a, b) => a - b);
  return { bytes: statSync(codePath).size, firstLoadMs: times[0] as number, medianLoadMs: later[Math.floor(later.length / 2)] ?? (times[0] as number) };
}

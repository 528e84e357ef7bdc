/** Loads the realistic control-panel logs and RunPod answers kept under test/data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR = __dirname;

export function readFixture(relativePath: string): string {
  return readFileSync(join(DATA_DIR, relativePath), 'utf8');
}

export function fixtureJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readFixture(relativePath)) as T;
}

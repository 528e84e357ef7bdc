/** Builds dist/ once before the suites, so tests never load a stale bundle. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function globalSetup(): void {
  const root = join(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('tsx/cli'), join(root, 'scripts', 'build.ts')], { cwd: root, stdio: 'pipe' });
}

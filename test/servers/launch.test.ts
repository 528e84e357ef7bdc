import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { launchServers } from './launch';
import { httpsRequest } from './test-client';

// Node itself, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss.
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/**
 * Returns whether the process exists and has not exited. An orphan that exited stays a zombie
 * until PID 1 reaps it, which can take seconds in a container, so Linux's process state is read.
 */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // No /proc entry: either the process is gone or this is not Linux.
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('launchServers', () => {
  it('server exits with its parent', async () => {
    const parent = spawn(process.execPath, ['--import', TSX_LOADER, path.join(__dirname, 'orphan-parent.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let output = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('\n')) {
          resolve(output.split('\n')[0]!);
        }
      });
      parent.once('exit', (code) => reject(new Error(`orphan-parent.ts exited early with code ${code}`)));
    });
    const { pid } = JSON.parse(firstLine) as { pid: number };
    expect(isRunning(pid)).toBe(true);

    parent.kill('SIGKILL');

    expect(await waitUntil(() => !isRunning(pid), 5000)).toBe(true);
  });

  it('starts with builtin scenario', async () => {
    const handle = await launchServers();
    try {
      const scenario = await handle.getScenario();
      const response = await httpsRequest(handle, { host: 'k1l2m3n4o5-7777.proxy.runpod.net', path: '/api/user_stats' });

      expect(scenario.pods).toHaveLength(5);
      expect(response.status).toBe(200);
    } finally {
      await handle.stop();
    }
  });
});

/**
 * Runs the real pod exporter (`pod/usage_exporter.py`) as a child process, so the integration
 * tests can point a pod's proxy host at it instead of at the simulated panel.
 *
 * The exporter serves HTTPS itself with the test certificate from `test/servers/tls.ts`, which
 * covers `*.proxy.runpod.net` and 127.0.0.1. The certificate, the key and the two files the
 * exporter serves live in a temporary folder that `stop()` removes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LOOPBACK_ADDRESS } from '../servers/server';
import { getTestCertificate } from '../servers/tls';
import { ROOT } from './harness';

const EXPORTER_SCRIPT = join(ROOT, 'pod', 'usage_exporter.py');
/** How long the exporter may take to start and respond to `/healthz`. */
const START_TIMEOUT_MS = 15_000;
/** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
const EXIT_TIMEOUT_MS = 5_000;
const HEALTH_POLL_INTERVAL_MS = 50;

export interface PythonExporterOptions {
  /** The bearer token the exporter requires, as `USAGE_EXPORT_TOKEN`. */
  token: string;
  /** The Python interpreter, `python3` when absent. */
  python?: string;
}

export interface PythonExporter {
  /** The port the exporter listens on, on 127.0.0.1. */
  port: number;
  /** The PEM certificate authority that clients must trust to reach it. */
  ca: string;
  /** The exporter's `USAGE_LOG_PATH`, which does not exist until a test writes it. */
  usageLogPath: string;
  /** The exporter's `USER_STATS_PATH`, which does not exist until a test writes it. */
  userStatsPath: string;
  /** Every line the exporter wrote to stderr so far: its start line, one line per request, warnings. */
  logLines(): string[];
  /** Stops the exporter with SIGTERM, waits for it to exit and removes its temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the exporter on 127.0.0.1 with a free port and HTTPS, and resolves once `/healthz`
 * returns 200. Rejects with the exporter's stderr when it exits or does not respond in time.
 */
export async function startPythonExporter(options: PythonExporterOptions): Promise<PythonExporter> {
  const certificate = await getTestCertificate();
  const folder = mkdtempSync(join(tmpdir(), 'usage-exporter-'));
  const certPath = join(folder, 'cert.pem');
  const keyPath = join(folder, 'key.pem');
  writeFileSync(certPath, certificate.cert);
  writeFileSync(keyPath, certificate.key, { mode: 0o600 });
  const usageLogPath = join(folder, 'usage_log.json');
  const userStatsPath = join(folder, 'user_statistics.json');

  const child = spawn(options.python ?? 'python3', [EXPORTER_SCRIPT], {
    env: {
      ...inheritedEnvironment(),
      USAGE_EXPORT_TOKEN: options.token,
      USAGE_EXPORT_HOST: LOOPBACK_ADDRESS,
      USAGE_EXPORT_PORT: '0',
      USAGE_LOG_PATH: usageLogPath,
      USER_STATS_PATH: userStatsPath,
      USAGE_EXPORT_CERT: certPath,
      USAGE_EXPORT_KEY: keyPath,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines = collectLines(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    // A missing interpreter emits 'error' and no 'exit'.
    child.once('error', (error) => {
      lines.push(`failed to run ${options.python ?? 'python3'}: ${error.message}`);
      resolve(null);
    });
  });
  let stopped = false;
  // A test process that exits without calling stop() must not leave the exporter listening.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      process.removeListener('exit', killOnExit);
      await terminate(child, exited);
      rmSync(folder, { recursive: true, force: true });
    }
  };

  try {
    const port = await waitForStartLine(lines, exited);
    await waitForHealth(port, certificate.ca, exited, lines);
    return { port, ca: certificate.ca, usageLogPath, userStatsPath, logLines: () => lines.slice(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * This process's environment without the exporter's own variables, so that a developer's
 * `USAGE_EXPORT_*` or `WORKSPACE_DIR` setting cannot change what the tests start.
 */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  const environment = { ...process.env };
  for (const name of Object.keys(environment)) {
    if (name.startsWith('USAGE_') || name === 'USER_STATS_PATH' || name === 'WORKSPACE_DIR') {
      delete environment[name];
    }
  }
  return environment;
}

function collectLines(child: ChildProcess): string[] {
  const lines: string[] = [];
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('end', () => {
    if (partial !== '') lines.push(partial);
  });
  return lines;
}

/** Reads the port from the start line `... listening on https://127.0.0.1:<port>; ...`. */
async function waitForStartLine(lines: string[], exited: Promise<number | null>): Promise<number> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  while (Date.now() < deadline) {
    for (const line of lines) {
      const match = /listening on (https?):\/\/[^:]+:(\d+);/.exec(line);
      if (match === null) continue;
      if (match[1] !== 'https') {
        throw new Error(`The exporter serves ${match[1]} instead of HTTPS: ${line}`);
      }
      return Number(match[2]);
    }
    if (exitCode !== undefined) {
      throw new Error(`The exporter exited with code ${String(exitCode)} before it listened. Its stderr:\n${lines.join('\n')}`);
    }
    await delay(HEALTH_POLL_INTERVAL_MS);
  }
  throw new Error(`The exporter printed no start line within ${START_TIMEOUT_MS} ms. Its stderr:\n${lines.join('\n')}`);
}

async function waitForHealth(port: number, ca: string, exited: Promise<number | null>, lines: string[]): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  let lastProblem = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`The exporter exited with code ${String(exitCode)} before /healthz responded. Its stderr:\n${lines.join('\n')}`);
    }
    try {
      const status = await healthStatus(port, ca);
      if (status === 200) return;
      lastProblem = `HTTP ${status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await delay(HEALTH_POLL_INTERVAL_MS);
  }
  throw new Error(`The exporter's https://127.0.0.1:${port}/healthz did not return 200 within ${START_TIMEOUT_MS} ms (last: ${lastProblem}). Its stderr:\n${lines.join('\n')}`);
}

function healthStatus(port: number, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: LOOPBACK_ADDRESS, port, path: '/healthz', ca, agent: false, timeout: 2000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), EXIT_TIMEOUT_MS);
  });
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

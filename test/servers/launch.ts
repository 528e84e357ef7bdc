import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { builtinScenario } from './builtin-scenario';
import type { ControlMethodName, ControlMethods, ControlReply, ControlRequest } from './control-protocol';
import { PROXY_DOMAIN } from './pod-panel';
import { RUNPOD_API_HOST } from './runpod-graphql';
import type { Fault, PanelFile, RecordedRequest, Scenario, SimPod } from './scenario';
import { LOOPBACK_ADDRESS } from './server';
import { getTestCertificate } from './tls';

const CHILD_ENTRY = path.join(__dirname, 'child.ts');
/** How long the server process may take to load TypeScript and start listening. */
const START_TIMEOUT_MS = 30_000;
/** How long `stop()` waits for the process to exit before it sends SIGKILL. */
const EXIT_TIMEOUT_MS = 5_000;

/** Where a client connects for a host name: always the loopback server. */
export interface Route {
  host: typeof LOOPBACK_ADDRESS;
  port: number;
}

/** Controls the server process. Every method is a round trip over IPC. */
export interface ServerHandle {
  /** Process id of the server process. */
  pid: number;
  /** Port of the HTTPS server on 127.0.0.1. */
  port: number;
  /** PEM certificate that clients trust as their only CA. */
  ca: string;
  /** Keyed by `api.runpod.io` and `*.proxy.runpod.net`. */
  routes: Record<string, Route>;
  /** Replaces the whole scenario, faults included. Recorded requests stay. */
  setScenario(scenario: Scenario): Promise<void>;
  /** The scenario as served now, with the changes mutations and faults made to it. */
  getScenario(): Promise<Scenario>;
  /** Merges `patch` into the pod's GraphQL object (one level deep). Rejects an unknown pod id. */
  updatePod(podId: string, patch: Partial<SimPod['graphql']>): Promise<void>;
  /** Replaces the pod's file of the same kind, giving the pod a panel when it had none. */
  setPanelFile(podId: string, file: PanelFile): Promise<void>;
  /**
   * Appends events to the pod's usage log, keeps the newest 1000 entries and re-serialises it
   * with indent=2, as the panel does. Rejects when the current body is not a JSON array.
   */
  appendEvents(podId: string, events: object[]): Promise<void>;
  /** Adds a fault after the existing ones. The first fault that matches a request sends its response. */
  addFault(fault: Fault): Promise<void>;
  clearFaults(): Promise<void>;
  /** Every request responded to (or dropped) since the start or the last `clearRequests`, in that order. */
  requests(): Promise<RecordedRequest[]>;
  clearRequests(): Promise<void>;
  /** Stops the server and waits for its process to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Forks the server process, starts its HTTPS server with `initialScenario` (the built-in
 * scenario when absent) and returns a handle to control it.
 *
 * The server runs in its own process because the product's synchronous UrlFetchApp fake blocks
 * this thread while a request is in flight. The child exits when this process disconnects or
 * dies. Between calls the handle does not keep this process alive, so a script that is done
 * can exit without calling `stop()`.
 */
export async function launchServers(initialScenario?: Scenario): Promise<ServerHandle> {
  const certificate = await getTestCertificate();
  const scenario = initialScenario ?? builtinScenario();
  const child = forkServerProcess();
  const connection = new ChildConnection(child);

  let port: number;
  try {
    ({ port } = await connection.call('start', { key: certificate.key, cert: certificate.cert }, scenario));
  } catch (error) {
    await connection.close();
    throw error;
  }

  const route: Route = { host: LOOPBACK_ADDRESS, port };
  return {
    pid: child.pid!,
    port,
    ca: certificate.ca,
    routes: { [RUNPOD_API_HOST]: route, [`*.${PROXY_DOMAIN}`]: route },
    setScenario: (next) => connection.call('setScenario', next),
    getScenario: () => connection.call('getScenario'),
    updatePod: (podId, patch) => connection.call('updatePod', podId, patch),
    setPanelFile: (podId, file) => connection.call('setPanelFile', podId, file),
    appendEvents: (podId, events) => connection.call('appendEvents', podId, events),
    addFault: (fault) => connection.call('addFault', fault),
    clearFaults: () => connection.call('clearFaults'),
    requests: () => connection.call('requests'),
    clearRequests: () => connection.call('clearRequests'),
    stop: () => connection.close(),
  };
}

/**
 * Forks child.ts with tsx's loader given by absolute file URL, so that it resolves the same
 * from jest, from `tsx scripts/start.ts` and from any working directory.
 */
function forkServerProcess(): ChildProcess {
  const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
  return fork(CHILD_ENTRY, [], {
    execArgv: ['--import', tsxLoader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
}

/** Request/reply calls over the IPC channel, matched by id. */
class ChildConnection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  private exitError: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitError = new Error(`The test server process exited (code ${code}, signal ${signal})`);
        for (const call of this.pending.values()) {
          call.reject(this.exitError);
        }
        this.pending.clear();
        resolve();
      });
    });
    child.once('error', (error) => {
      console.error('[test-servers] server process failed:', error);
    });
    child.on('message', (reply: ControlReply) => this.settle(reply));

    // Only calls in flight keep this process alive (see `call`).
    child.unref();
    child.channel?.unref();
  }

  call<Name extends ControlMethodName>(
    method: Name,
    ...params: Parameters<ControlMethods[Name]>
  ): Promise<ReturnType<ControlMethods[Name]>> {
    if (this.exitError !== undefined) {
      return Promise.reject(this.exitError);
    }

    const id = this.nextId++;
    const request: ControlRequest = { id, method, params };
    return new Promise((resolve, reject) => {
      const timer = method === 'start' ? setTimeout(() => this.timeOutStart(id), START_TIMEOUT_MS) : undefined;
      this.pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result as ReturnType<ControlMethods[Name]>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.channel?.ref();
      this.child.send(request, (error) => {
        if (error !== null && error !== undefined) {
          this.pending.delete(id);
          this.releaseIfIdle();
          reject(new Error(`Failed to send ${method} to the test server process: ${error.message}`));
        }
      });
    });
  }

  /** Stops the server, disconnects, and waits for the process to exit (SIGKILL after EXIT_TIMEOUT_MS). */
  async close(): Promise<void> {
    if (this.exitError !== undefined) {
      return;
    }
    try {
      await this.call('stop');
    } catch {
      // The process is going away anyway: disconnecting or killing it below finishes the job.
    }
    if (this.child.connected) {
      this.child.disconnect();
    }

    const killTimer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await this.exited;
    clearTimeout(killTimer);
  }

  private settle(reply: ControlReply): void {
    const call = this.pending.get(reply.id);
    if (call === undefined) {
      return;
    }
    this.pending.delete(reply.id);
    this.releaseIfIdle();
    if (reply.ok) {
      call.resolve(reply.result);
    } else {
      call.reject(new Error(reply.error));
    }
  }

  private timeOutStart(id: number): void {
    const call = this.pending.get(id);
    if (call === undefined) {
      return;
    }
    this.pending.delete(id);
    call.reject(new Error(`The test server process did not start within ${START_TIMEOUT_MS} ms`));
    this.child.kill('SIGKILL');
  }

  private releaseIfIdle(): void {
    if (this.pending.size === 0) {
      this.child.channel?.unref();
    }
  }
}

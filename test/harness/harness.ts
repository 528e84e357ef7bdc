/**
 * The shared harness of `npm start`, the integration tests and the benchmark: it starts the
 * simulated RunPod and pods in a child process, loads the built `dist/Code.js` into a sandbox whose
 * globals are the Apps Script fakes, and calls entry points by name as Apps Script would.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { RefreshReport } from '../../src/app/refresh-entry';
import type { SaveSettingsResult, SettingsFormPayload } from '../../src/shared/rpc';
import { createAppsScriptEnvironment, type AppsScriptEnvironment } from '../fakes/environment';
import { loadBundle, type LoadedBundle } from '../fakes/load-bundle';
import { BUILTIN_API_KEY, builtinScenario } from '../servers/builtin-scenario';
import { launchServers, type ServerHandle } from '../servers/launch';
import type { Scenario } from '../servers/scenario';

export const ROOT = resolve(__dirname, '..', '..');
export const DIST = join(ROOT, 'dist');

/** Shortly after the newest event of the built-in logs, so their running sessions are plausible. */
export const DEFAULT_NOW = Date.UTC(2026, 11, 4, 19, 0, 0);

export interface HarnessOptions {
  /** The simulated RunPod account and pods; the built-in fixtures when absent. */
  scenario?: Scenario;
  /** Talk to the real RunPod API and pods with this key instead of starting the simulators. */
  realApiKey?: string;
  /** The spreadsheet's time zone; default Europe/Berlin, so zone handling is always exercised. */
  timeZone?: string;
  now?: number;
  /** Also print the bundle's log lines. */
  echoLogs?: boolean;
  /** Extra host routes to loopback servers, such as a Python exporter. */
  extraRoutes?: Record<string, { host: string; port: number }>;
  /** Extra certificate authorities to trust for those routes. */
  extraCa?: string;
  /** Servers already running, reused across tests; they get `scenario` (or the built-in one). */
  servers?: ServerHandle;
}

export class Harness {
  constructor(
    readonly env: AppsScriptEnvironment,
    readonly bundle: LoadedBundle,
    readonly servers: ServerHandle | null,
    readonly apiKey: string,
    private readonly ownsServers: boolean,
  ) {}

  /** Opens the spreadsheet: `onOpen` runs as a simple trigger. */
  open(): void {
    this.asContext('simpleTrigger', () => this.bundle.call('onOpen'));
  }

  /** Saves the Settings dialog's form, as its Save button does. */
  saveSettings(form: Partial<SettingsFormPayload> = {}): SaveSettingsResult {
    const payload: SettingsFormPayload = { apiKey: this.apiKey, podToken: '', clearPodToken: false, port: '7777', paths: '/usage-log, /api/user_stats', ...form };
    return this.asContext('menu', () => this.bundle.call('saveSettings', payload)) as SaveSettingsResult;
  }

  /** Usage > Refresh now. */
  refresh(): RefreshReport {
    return this.asContext('menu', () => this.bundle.call('refreshUsage')) as RefreshReport;
  }

  /** Runs every installed time-driven trigger once, as the clock would. */
  runTriggers(): unknown[] {
    const ids = this.env.triggers.all.map((record) => record.uniqueId);
    return ids.map((id) => this.bundle.runTrigger(id));
  }

  /** A tab's values without counting, or an empty list when the tab does not exist. */
  tab(name: string): unknown[][] {
    const exists = this.env.spreadsheet.sheetList.some((sheet) => sheet.sheetName === name);
    return exists ? this.env.spreadsheet.readAll(name) : [];
  }

  /** A tab's data rows as objects keyed by header. */
  rows(name: string): Record<string, unknown>[] {
    const [header = [], ...rows] = this.tab(name);
    return rows.map((row) => Object.fromEntries(header.map((cell, column) => [String(cell), row[column]])));
  }

  /** Stops the servers this harness started; shared ones stay up for the next test. */
  async stop(): Promise<void> {
    if (this.ownsServers) await this.servers?.stop();
  }

  private asContext<T>(context: 'menu' | 'simpleTrigger' | 'trigger', action: () => T): T {
    this.env.setExecutionContext(context);
    return action();
  }
}

/** Starts the servers (unless talking to RunPod for real) and loads the built bundle. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const codePath = join(DIST, 'Code.js');
  if (!existsSync(codePath)) {
    throw new Error(`${codePath} is missing. Run "npm run build" first.`);
  }

  let servers: ServerHandle | null = null;
  if (options.servers) {
    servers = options.servers;
    await servers.setScenario(options.scenario ?? builtinScenario());
    await servers.clearRequests();
  } else if (!options.realApiKey) {
    servers = await launchServers(options.scenario);
  }
  const routes = { ...(servers?.routes ?? {}), ...(options.extraRoutes ?? {}) };
  const ca = [servers?.ca, options.extraCa].filter(Boolean).join('\n');
  const env = createAppsScriptEnvironment({
    now: options.now ?? DEFAULT_NOW,
    spreadsheet: { timeZone: options.timeZone ?? 'Europe/Berlin' },
    htmlDir: DIST,
    echoLogs: options.echoLogs ?? false,
    ...(options.realApiKey ? { passthrough: true } : { routes, ca }),
  });
  const bundle = loadBundle(codePath, env);
  const apiKey = options.realApiKey ?? options.scenario?.apiKey ?? BUILTIN_API_KEY;
  return new Harness(env, bundle, servers, apiKey, !options.servers);
}

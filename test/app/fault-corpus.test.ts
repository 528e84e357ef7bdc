/**
 * Runs every case of the fault corpus in test/data/faults through the built bundle. Each case is
 * played twice on the same timeline: once with the fault and once without it. The run with the
 * fault checks what the sheet shows while the fault lasts. Then the fault is cleared and the sheet
 * refreshed, and its Sessions tab (without the "Last Synced" column) must equal the clean run's.
 * docs/failure-modes.md describes each case for the people who use the sheet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { RefreshReport } from '../../src/app/refresh-entry';
import type { SettingsFormPayload } from '../../src/shared/rpc';
import { DEFAULT_NOW, ROOT, startHarness, type Harness } from '../harness/harness';
import { podWithLog, scenarioWith, sessionEvents, TEST_API_KEY } from '../harness/scenarios';
import { launchServers, type ServerHandle } from '../servers/launch';
import type { Fault, Scenario, SimPod } from '../servers/scenario';

const HOUR = 3_600_000;
const NOW_SECONDS = DEFAULT_NOW / 1000;
const CORPUS_DIR = join(__dirname, '..', 'data', 'faults');
const KINDS = ['pods', 'logs', 'runpod', 'time', 'sheet', 'concurrency', 'settings', 'text'] as const;
type Kind = (typeof KINDS)[number];

/** The pod that gets the fault, and the pod beside it that must keep syncing. */
const POD_A = 'aaaa1111';
const POD_B = 'bbbb2222';
const HOST_A = `${POD_A}-7777.proxy.runpod.net`;

// ---------------------------------------------------------------------------------------------
// The shapes of the corpus files, one interface per folder.

interface ExpectedSession {
  user: string;
  /** ISO 8601 instants, as the Started and Ended cells hold them. */
  start: string;
  end: string | null;
  status: 'running' | 'closed' | 'stopped';
  pod?: string;
  priceBasis?: string;
}

interface LogExpectation {
  /** The pod's Sync Status result; `ok` when absent. */
  result?: string;
  errorContains?: string[];
  sessions: ExpectedSession[];
  /** One reason substring per Invalid Rows row, in any order. */
  invalid: string[];
  /** The Usage Summary rows without the total, in order. */
  summary?: { user: string; sessions: number }[];
}

/**
 * A pod of a log case: `log` is served as the event log and `body` as its raw text; `userStats`
 * and `userStatsBody` likewise at /api/user_stats.
 */
interface PodSpec {
  id: string;
  log?: object[];
  body?: string;
  userStats?: object;
  userStatsBody?: string;
  /** Fields that replace those of the pod's RunPod object (name, desiredStatus, runtime, ...). */
  graphql?: Record<string, unknown>;
}

interface PodFaultCase {
  description: string;
  /** Faults on pod A's proxy host, checked in order. */
  faults?: Fault[];
  /** Closes the port pod A's proxy host connects to, so the connection is refused. */
  refuseConnection?: boolean;
  /** Pod A's /usage-log returns a JSON array of `count` copies of `entry`. */
  largeBody?: { entry: object; count: number };
  /** Overrides of the UrlFetchApp fake for the whole case. */
  urlFetch?: { timeoutMs?: number; maxResponseBytes?: number };
  expect: { result: string; errorContains: string[] };
}

interface LogStep {
  advanceHours?: number;
  /** Events appended to a pod's log, by pod id. */
  append?: Record<string, object[]>;
  /** Fields patched into a pod's RunPod object, by pod id. */
  updatePod?: Record<string, Record<string, unknown>>;
  /** Replaces every pod, as when a pod is terminated and its volume attached to a new one. */
  pods?: PodSpec[];
  expect: LogExpectation;
}

interface LogCase {
  description: string;
  /** Pod A's log, for cases with one pod. */
  log?: object[];
  body?: string;
  userStats?: object;
  userStatsBody?: string;
  pods?: PodSpec[];
  /** The same log without the fault. When present, the run without the fault serves it instead. */
  clean?: object[];
  /** Settings paths; the default reads /usage-log and /api/user_stats. */
  paths?: string;
  expect: LogExpectation;
  steps?: LogStep[];
}

interface RunPodCase {
  description: string;
  /** A response of api.runpod.io; its host is filled in. */
  fault?: Omit<Fault, 'host'>;
  /** Fields patched into pods' RunPod objects during the fault, by pod id. */
  updatePod?: Record<string, Record<string, unknown>>;
  expect: {
    status: 'partial' | 'done';
    action?: 'fix key' | 'wait' | 'report bug';
    messageContains?: string[];
    /** True when the hourly trigger must fail, so that Apps Script emails its owner. */
    triggerFails?: boolean;
    livePods?: Record<string, Record<string, unknown>>;
    /** Pod ids in Live Pods after the fault; both test pods when absent. */
    livePodIds?: string[];
    syncStatus?: Record<string, { result: string; errorContains?: string[] }>;
  };
}

interface TimeCase {
  description: string;
  timeZone: string;
  now: string;
  log: object[];
  expect: {
    sessions: ExpectedSession[];
    monthly: { month: string; user: string; hours: number; sessions: number }[];
  };
}

interface SheetCase {
  description: string;
  edit: keyof typeof SHEET_EDITS;
  /** What the person does after the message, such as restoring the header. */
  repair?: 'restoreHeader';
  expect: { status: 'done' | 'failed'; messageContains?: string[] };
}

interface ConcurrencyCase {
  description: string;
  scenario: keyof typeof CONCURRENCY_SCENARIOS;
  expect: { status?: string; messageContains?: string[]; triggers?: number };
}

interface SettingsCase {
  description: string;
  /** The form saved; null saves nothing, as for a person who never opened Settings. */
  form: Partial<SettingsFormPayload> | null;
  /** Another person refreshes, without a key of their own. */
  asUser?: string;
  expect: {
    saved?: boolean;
    errorsContain?: string[];
    stored?: { port?: number; paths?: string };
    status: string;
    messageContains?: string[];
    syncResults?: Record<string, string>;
  };
}

interface TextCase {
  description: string;
  pods: PodSpec[];
  account?: Record<string, unknown>;
  /** The spreadsheet's locale, such as de_DE, which writes 1,5 for one and a half. */
  locale?: string;
  expect: {
    /** Cells expected in the Sessions tab, one object per row in sheet order, by header. */
    sessions?: Record<string, unknown>[];
    /** Cells expected in the Live Pods tab, one object per row. */
    livePods?: Record<string, unknown>[];
    numberColumns?: string[];
  };
}

// ---------------------------------------------------------------------------------------------
// Loading the corpus.

function loadCases<T>(kind: Kind): [string, T][] {
  const folder = join(CORPUS_DIR, kind);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(join(folder, file), 'utf8')) as T]);
}

// ---------------------------------------------------------------------------------------------
// Shared steps.

let servers: ServerHandle;

beforeAll(async () => {
  servers = await launchServers();
});

afterAll(async () => {
  await servers.stop();
  const outcomesPath = process.env.FAULT_CORPUS_OUTCOMES;
  if (outcomesPath) writeFileSync(outcomesPath, `${JSON.stringify(outcomes, null, 2)}\n`);
});

/**
 * What each case showed a person, by test name. `FAULT_CORPUS_OUTCOMES=out.json npx jest
 * test/app/fault-corpus.test.ts` writes it to a file, to check docs/failure-modes.md against.
 */
const outcomes: Record<string, Record<string, unknown>[]> = {};

function recordOutcome(harness: Harness, report: { status?: string; message?: string } | null, podId: string | null): void {
  const name = expect.getState().currentTestName ?? 'unknown';
  const sync = podId ? harness.rows('Sync Status').find((row) => row['Pod ID'] === podId) : undefined;
  const outcome: Record<string, unknown> = {
    status: report?.status,
    message: report?.message,
    syncResult: sync?.Result,
    syncError: sync?.Error,
    invalid: harness.rows('Invalid Rows').map((row) => row.Reason),
  };
  (outcomes[name] ??= []).push(outcome);
}

interface ReadyOptions {
  timeZone?: string;
  now?: number;
  locale?: string;
  form?: Partial<SettingsFormPayload> | null;
  extraRoutes?: Record<string, { host: string; port: number }>;
}

async function ready(scenario: Scenario, options: ReadyOptions = {}): Promise<Harness> {
  const harness = await startHarness({ servers, scenario, timeZone: options.timeZone, now: options.now, extraRoutes: options.extraRoutes });
  if (options.locale) harness.env.spreadsheet.locale = options.locale;
  harness.open();
  if (options.form !== null) {
    const saved = harness.saveSettings({ apiKey: scenario.apiKey, ...options.form });
    expect(saved.ok).toBe(true);
  }
  return harness;
}

/** Pod A with three finished sessions of ana; pod B with two of bo and one bo is running. */
function twoPods(): Scenario {
  return scenarioWith([
    podWithLog(POD_A, sessionEvents('ana', 3, NOW_SECONDS)),
    podWithLog(POD_B, [...sessionEvents('bo', 2, NOW_SECONDS - 3600), { user: 'bo', action: 'start', timestamp: NOW_SECONDS - 600, gpu: 'RTX 4090' }]),
  ]);
}

/** Appends the hour after the first refresh: cy uses pod A, and bo stops on pod B. */
async function appendNextHour(): Promise<void> {
  await servers.appendEvents(POD_A, [
    { user: 'cy', action: 'start', timestamp: NOW_SECONDS + 600, gpu: 'RTX 4090' },
    { user: 'cy', action: 'stop', timestamp: NOW_SECONDS + 2400, duration_hours: 0.5, cost: 0.37 },
  ]);
  await servers.appendEvents(POD_B, [{ user: 'bo', action: 'stop', timestamp: NOW_SECONDS + 1800, duration_hours: 0.667, cost: 0.49 }]);
}

function scenarioOf(pods: readonly PodSpec[], account: Record<string, unknown> = {}): Scenario {
  const scenario = scenarioWith(pods.map(simPod));
  scenario.account = { ...scenario.account, ...account };
  return scenario;
}

function simPod(spec: PodSpec): SimPod {
  const pod = podWithLog(spec.id, spec.log ?? [], spec.graphql ?? {});
  const files: NonNullable<SimPod['panel']>['files'] = [];
  if (spec.body !== undefined) files.push({ kind: 'usage_log', body: spec.body });
  else if (spec.log !== undefined) files.push({ kind: 'usage_log', body: JSON.stringify(spec.log, null, 2) });
  if (spec.userStatsBody !== undefined) files.push({ kind: 'user_stats', body: spec.userStatsBody });
  else if (spec.userStats !== undefined) files.push({ kind: 'user_stats', body: JSON.stringify(spec.userStats, null, 2) });
  pod.panel = { files };
  return pod;
}

/** Returns the Sessions tab without the "Last Synced" column, which records when each refresh ran. */
function sessionsWithoutSyncTimes(harness: Harness): unknown[][] {
  const [header = [], ...rows] = harness.tab('Sessions');
  const synced = header.indexOf('Last Synced');
  return [header, ...rows].map((row) => row.filter((_, column) => column !== synced));
}

function syncRow(harness: Harness, podId: string): Record<string, unknown> {
  const row = harness.rows('Sync Status').find((candidate) => candidate['Pod ID'] === podId);
  if (!row) throw new Error(`Sync Status has no row for ${podId}`);
  return row;
}

function sessionRowsOf(harness: Harness, podId: string): unknown[][] {
  const [header = [], ...rows] = harness.tab('Sessions');
  const pod = header.indexOf('Pod ID');
  return rows.filter((row) => row[pod] === podId);
}

function isoOf(cell: unknown): string | null {
  if (cell === '' || cell === null || cell === undefined) return null;
  return Object.prototype.toString.call(cell) === '[object Date]' ? (cell as Date).toISOString() : String(cell);
}

function bySession(a: ExpectedSession, b: ExpectedSession): number {
  return a.start.localeCompare(b.start) || a.user.localeCompare(b.user);
}

function actualSessions(harness: Harness): ExpectedSession[] {
  return harness
    .rows('Sessions')
    .filter((row) => row['Session Key'] !== '')
    .map((row) => ({
      user: String(row.User),
      start: isoOf(row.Started) ?? '',
      end: isoOf(row.Ended),
      status: row.Status as ExpectedSession['status'],
      pod: String(row['Pod ID']),
      priceBasis: String(row['Price Basis']),
    }))
    .sort(bySession);
}

function expectSessions(harness: Harness, expected: readonly ExpectedSession[]): void {
  const sorted = expected.slice().sort(bySession);
  expect(actualSessions(harness)).toEqual(sorted.map((session) => expect.objectContaining(session)));
}

/** Checks that each expected reason matches its own Invalid Rows row, and that no row is left over. */
function expectInvalid(harness: Harness, expected: readonly string[]): void {
  const reasons = harness.rows('Invalid Rows').map((row) => String(row.Reason));
  const unmatched = reasons.slice();
  for (const part of expected) {
    const index = unmatched.findIndex((reason) => reason.includes(part));
    if (index < 0) throw new Error(`No Invalid Rows reason left that contains "${part}". Reasons: ${JSON.stringify(reasons)}`);
    unmatched.splice(index, 1);
  }
  expect(unmatched).toEqual([]);
}

function expectLogOutcome(harness: Harness, podId: string, expected: LogExpectation): void {
  const status = syncRow(harness, podId);
  expect(status.Result).toBe(expected.result ?? 'ok');
  for (const part of expected.errorContains ?? []) expect(String(status.Error)).toContain(part);
  expectSessions(harness, expected.sessions);
  expectInvalid(harness, expected.invalid);
  if (expected.summary) {
    const users = harness.rows('Usage Summary').filter((row) => row.User !== 'Total');
    expect(users.map((row) => ({ user: row.User, sessions: row.Sessions }))).toEqual(expected.summary);
  }
}

/** Messages must never turn an unknown into a zero. */
function expectNoFalseZeros(text: string): void {
  expect(text).not.toMatch(/\b0 pods\b/);
  expect(text).not.toMatch(/\$0(\.0+)?\/hr/);
}

/** Checks every tab for cells that show a missing value as a word or a non-number. */
function expectNoPlaceholderCells(harness: Harness): void {
  const cells = harness.env.spreadsheet.sheetList.flatMap((sheet) => harness.tab(sheet.sheetName).flat());
  const words = cells.filter((cell) => typeof cell === 'string' && /^(null|undefined|NaN|Infinity|\[object Object\])$|\bundefined\b/.test(cell));
  expect(words).toEqual([]);
  expect(harness.env.spreadsheet.counters.undefinedWrites).toBe(0);
  expect(harness.env.spreadsheet.counters.nonFiniteWrites).toBe(0);
  expect(harness.env.spreadsheet.counters.objectWrites).toBe(0);
}

// ---------------------------------------------------------------------------------------------
// A loopback forwarder to the simulators that can stop listening, so a connection is refused.

/** Runs in a child process: forwards TCP connections to the port in argv, stops and starts listening on command. */
const FORWARDER_SOURCE = `
const net = require('node:net');
const target = Number(process.argv[1]);
const sockets = new Set();
let port = 0;
const server = net.createServer((client) => {
  const upstream = net.connect(target, '127.0.0.1');
  for (const socket of [client, upstream]) {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => { client.destroy(); upstream.destroy(); });
  }
  client.pipe(upstream).pipe(client);
});
server.on('error', (error) => process.send({ error: error.message }));
function listen() {
  server.listen(port, '127.0.0.1', () => {
    port = server.address().port;
    process.send({ listening: port });
  });
}
process.on('message', (command) => {
  if (command === 'refuse') {
    server.close(() => process.send({ refusing: port }));
    sockets.forEach((socket) => socket.destroy());
  } else if (command === 'accept' && server.listening) {
    process.send({ listening: port });
  } else if (command === 'accept') {
    listen();
  }
});
process.on('disconnect', () => process.exit(0));
listen();
`;

interface Forwarder {
  port: number;
  refuse(): Promise<void>;
  accept(): Promise<void>;
  stop(): Promise<void>;
}

async function startForwarder(targetPort: number): Promise<Forwarder> {
  const child: ChildProcess = spawn(process.execPath, ['-e', FORWARDER_SOURCE, String(targetPort)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextMessage = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      child.once('message', (message: Record<string, unknown>) => (message.error ? reject(new Error(`forwarder: ${String(message.error)}`)) : resolve(message)));
      child.once('exit', (code) => reject(new Error(`forwarder exited with code ${code}`)));
    });

  const { listening } = await nextMessage();
  return {
    port: listening as number,
    refuse: async () => {
      child.send('refuse');
      await nextMessage();
    },
    accept: async () => {
      child.send('accept');
      await nextMessage();
    },
    stop: async () => {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// pods: one pod fails while the other responds.

function podFaults(spec: PodFaultCase): Fault[] {
  const faults = (spec.faults ?? []).map((fault) => ({ ...fault, host: fault.host ?? HOST_A }));
  if (spec.largeBody) {
    const body = JSON.stringify(new Array(spec.largeBody.count).fill(spec.largeBody.entry));
    faults.push({ host: HOST_A, path: '/usage-log', status: 200, body, contentType: 'application/json' });
  }
  return faults;
}

async function podTimeline(spec: PodFaultCase, withFault: boolean): Promise<unknown[][]> {
  const forwarder = spec.refuseConnection ? await startForwarder(servers.port) : null;
  try {
    const extraRoutes = forwarder ? { [HOST_A]: { host: '127.0.0.1', port: forwarder.port } } : undefined;
    const harness = await ready(twoPods(), { extraRoutes });
    if (spec.urlFetch?.timeoutMs !== undefined) harness.env.urlFetch.timeoutMs = spec.urlFetch.timeoutMs;
    if (spec.urlFetch?.maxResponseBytes !== undefined) harness.env.urlFetch.maxResponseBytes = spec.urlFetch.maxResponseBytes;
    harness.refresh();
    const firstSync = harness.env.clock.now();
    const rowsOfA = sessionRowsOf(harness, POD_A);

    harness.env.clock.advance(HOUR);
    await appendNextHour();
    if (withFault) {
      for (const fault of podFaults(spec)) await servers.addFault(fault);
      await forwarder?.refuse();
    }
    const report = harness.refresh();

    if (withFault) {
      recordOutcome(harness, report, POD_A);
      const status = syncRow(harness, POD_A);
      expect(status.Result).toBe(spec.expect.result);
      for (const part of spec.expect.errorContains) expect(String(status.Error)).toContain(part);
      expect((status['Last Success'] as Date).getTime()).toBe(firstSync);
      expect(syncRow(harness, POD_B).Result).toBe('ok');
      expect(syncRow(harness, POD_B)['Rows Updated']).toBe(1);
      expect(report.status).toBe('done');
      expect(report.message).toContain(`${POD_A}-name (${spec.expect.result})`);
      expect(harness.env.spreadsheet.toasts.map((toast) => toast.message)).toContain(report.message);
      expect(sessionRowsOf(harness, POD_A)).toEqual(rowsOfA);
    }

    await servers.clearFaults();
    await forwarder?.accept();
    harness.env.clock.advance(HOUR);
    expect(harness.refresh().status).toBe('done');
    expect(syncRow(harness, POD_A).Result).toBe('ok');
    return sessionsWithoutSyncTimes(harness);
  } finally {
    await forwarder?.stop();
  }
}

describe('fault corpus: pods', () => {
  it.each(loadCases<PodFaultCase>('pods'))('%s', async (_name, spec) => {
    const faulty = await podTimeline(spec, true);
    const clean = await podTimeline(spec, false);
    expect(faulty).toEqual(clean);
  });
});

// ---------------------------------------------------------------------------------------------
// logs: what a pod's log contains.

function logPods(spec: LogCase, variant: 'fault' | 'clean'): PodSpec[] {
  if (spec.pods) return spec.pods;
  const pod: PodSpec = { id: POD_A };
  if (variant === 'clean' && spec.clean) pod.log = spec.clean;
  else if (spec.body !== undefined) pod.body = spec.body;
  else if (spec.log !== undefined) pod.log = spec.log;
  if (spec.userStats !== undefined) pod.userStats = spec.userStats;
  if (spec.userStatsBody !== undefined) pod.userStatsBody = spec.userStatsBody;
  return [pod];
}

async function logTimeline(spec: LogCase, variant: 'fault' | 'clean'): Promise<unknown[][]> {
  const pods = logPods(spec, variant);
  const checkedPod = pods[0]?.id ?? POD_A;
  const form = spec.paths ? { paths: spec.paths } : {};
  const harness = await ready(scenarioOf(pods), { form });
  const report = harness.refresh();
  if (variant === 'fault') recordOutcome(harness, report, checkedPod);
  if (variant === 'fault') expectLogOutcome(harness, checkedPod, spec.expect);

  for (const step of spec.steps ?? []) {
    harness.env.clock.advance((step.advanceHours ?? 1) * HOUR);
    if (step.pods) await servers.setScenario(scenarioOf(step.pods));
    for (const [podId, events] of Object.entries(step.append ?? {})) await servers.appendEvents(podId, events);
    for (const [podId, patch] of Object.entries(step.updatePod ?? {})) await servers.updatePod(podId, patch);
    const stepReport = harness.refresh();
    const stepPod = step.pods?.[0]?.id ?? checkedPod;
    if (variant === 'fault') recordOutcome(harness, stepReport, stepPod);
    if (variant === 'fault') expectLogOutcome(harness, stepPod, step.expect);
  }

  // The fault is cleared (or, for a log that stays as it is, nothing changes), and the sheet is
  // refreshed at the same instant: a second refresh must change no session and add no invalid row.
  if (variant === 'fault' && spec.clean && !spec.pods) {
    await servers.setPanelFile(POD_A, { kind: 'usage_log', body: JSON.stringify(spec.clean, null, 2) });
  }
  const before = sessionsWithoutSyncTimes(harness);
  const invalidBefore = harness.tab('Invalid Rows');
  harness.refresh();
  expect(sessionsWithoutSyncTimes(harness)).toEqual(before);
  expect(harness.tab('Invalid Rows')).toEqual(invalidBefore);
  expectNoPlaceholderCells(harness);
  return before;
}

describe('fault corpus: logs', () => {
  it.each(loadCases<LogCase>('logs'))('%s', async (_name, spec) => {
    const faulty = await logTimeline(spec, 'fault');
    const clean = await logTimeline(spec, 'clean');
    expect(faulty).toEqual(clean);
  });
});

// ---------------------------------------------------------------------------------------------
// runpod: RunPod's API fails or reports something odd.

async function runpodTimeline(spec: RunPodCase, withFault: boolean): Promise<unknown[][]> {
  const scenario = twoPods();
  const harness = await ready(scenario);
  harness.refresh();
  const livePods = harness.tab('Live Pods');
  const accountRows = harness.rows('Account').length;

  harness.env.clock.advance(HOUR);
  await appendNextHour();
  if (withFault && spec.fault) await servers.addFault({ host: 'api.runpod.io', ...spec.fault });
  if (withFault) {
    for (const [podId, patch] of Object.entries(spec.updatePod ?? {})) await servers.updatePod(podId, patch);
  }
  const alertsBefore = harness.env.ui.alerts.length;
  const report = harness.refresh();

  if (withFault) {
    recordOutcome(harness, report, Object.keys(spec.expect.syncStatus ?? {})[0] ?? null);
    expect(report.status).toBe(spec.expect.status);
    for (const part of spec.expect.messageContains ?? []) expect(report.message).toContain(part);
    expectNoFalseZeros(report.message);
    expect(harness.rows('Live Pods').map((row) => row['Pod ID'])).toEqual(spec.expect.livePodIds ?? [POD_A, POD_B]);
    for (const [podId, cells] of Object.entries(spec.expect.livePods ?? {})) {
      expect(harness.rows('Live Pods').find((row) => row['Pod ID'] === podId)).toMatchObject(cells);
    }
    for (const [podId, sync] of Object.entries(spec.expect.syncStatus ?? {})) {
      expect(syncRow(harness, podId).Result).toBe(sync.result);
      for (const part of sync.errorContains ?? []) expect(String(syncRow(harness, podId).Error)).toContain(part);
    }
    if (spec.expect.status === 'partial') {
      expect(report.outcome?.runpodFailure?.action).toBe(spec.expect.action);
      expect(report.outcome?.rowsAdded).toBe(1);
      expect(syncRow(harness, POD_A).Result).toBe('ok');
      expect(harness.tab('Live Pods')).toEqual(livePods);
      expect(harness.rows('Account')).toHaveLength(accountRows);
      expect(harness.env.ui.alerts.slice(alertsBefore).map((alert) => alert.prompt)).toContain(report.message);
    }
    if (spec.expect.triggerFails !== undefined) {
      // The hourly trigger meets the same response: an outage is only logged, while a problem the
      // owner must fix fails the run, so that Apps Script emails the owner.
      harness.bundle.call('installHourlyRefresh');
      const run = () => harness.runTriggers();
      if (spec.expect.triggerFails) expect(run).toThrow(report.outcome?.runpodFailure?.message ?? 'missing RunPod failure');
      else expect(run).not.toThrow();
      harness.env.setExecutionContext('menu');
      harness.bundle.call('removeHourlyRefresh');
    }
  }

  await servers.clearFaults();
  for (const [podId, patch] of Object.entries(spec.updatePod ?? {})) {
    const original: Record<string, unknown> = scenario.pods.find((pod) => pod.graphql.id === podId)?.graphql ?? {};
    await servers.updatePod(podId, Object.fromEntries(Object.keys(patch).map((key) => [key, original[key] ?? null])));
  }
  harness.env.clock.advance(HOUR);
  expect(harness.refresh().status).toBe('done');
  return sessionsWithoutSyncTimes(harness);
}

describe('fault corpus: runpod', () => {
  it.each(loadCases<RunPodCase>('runpod'))('%s', async (_name, spec) => {
    const faulty = await runpodTimeline(spec, true);
    const clean = await runpodTimeline(spec, false);
    expect(faulty).toEqual(clean);
  });
});

// ---------------------------------------------------------------------------------------------
// time: sessions across midnight, month ends and daylight-saving changes.

describe('fault corpus: time', () => {
  it.each(loadCases<TimeCase>('time'))('%s', async (_name, spec) => {
    const harness = await ready(scenarioOf([{ id: POD_A, log: spec.log }]), { timeZone: spec.timeZone, now: Date.parse(spec.now) });
    const report = harness.refresh();
    recordOutcome(harness, report, POD_A);
    expect(report.status).toBe('done');
    expectSessions(harness, spec.expect.sessions);

    const monthly = harness.rows('Monthly').map((row) => ({ month: row.Month, user: row.User, hours: row.Hours, sessions: row.Sessions }));
    expect(monthly).toHaveLength(spec.expect.monthly.length);
    spec.expect.monthly.forEach((expected, index) => {
      expect(monthly[index]).toMatchObject({ month: expected.month, user: expected.user, sessions: expected.sessions });
      expect(monthly[index]?.hours).toBeCloseTo(expected.hours, 4);
    });
    const monthlyCost = harness.rows('Monthly').reduce((sum, row) => sum + Number(row['Cost ($)']), 0);
    const sessionCost = harness.rows('Sessions').reduce((sum, row) => sum + Number(row['Total Cost ($)']), 0);
    expect(monthlyCost).toBeCloseTo(sessionCost, 3);

    const before = sessionsWithoutSyncTimes(harness);
    const monthlyBefore = harness.tab('Monthly');
    harness.refresh();
    expect(sessionsWithoutSyncTimes(harness)).toEqual(before);
    expect(harness.tab('Monthly')).toEqual(monthlyBefore);
  });
});

// ---------------------------------------------------------------------------------------------
// sheet: what people do to the tabs.

interface SheetEdit {
  /** Changes the sheet after the first refresh and returns a check of the person's edit, run after the next refreshes. */
  apply(harness: Harness): (harness: Harness) => void;
  /** The tab the Sessions rows live in after the edit. */
  sessionsTab?: string;
}

const SHEET_EDITS = {
  sort: {
    apply(harness: Harness) {
      const sheet = harness.env.spreadsheet.sheet('Sessions');
      harness.env.spreadsheet.uncounted(() => sheet.sort(1, false));
      const firstKeys = harness.rows('Sessions').map((row) => row['Session Key']);
      return (after: Harness) => expect(after.rows('Sessions').slice(0, firstKeys.length).map((row) => row['Session Key'])).toEqual(firstKeys);
    },
  },
  insertColumn: {
    apply(harness: Harness) {
      const sheet = harness.env.spreadsheet.sheet('Sessions');
      harness.env.spreadsheet.uncounted(() => {
        sheet.insertColumnBefore(3);
        sheet.getRange(1, 3).setValue('Team');
        sheet.getRange(2, 3).setValue('vision');
      });
      const key = harness.rows('Sessions')[0]?.['Session Key'];
      return (after: Harness) => expect(after.rows('Sessions').find((row) => row['Session Key'] === key)?.Team).toBe('vision');
    },
  },
  renameTab: {
    apply(harness: Harness) {
      harness.env.spreadsheet.uncounted(() => harness.env.spreadsheet.sheet('Sessions').setName('GPU sessions'));
      return (after: Harness) => expect(after.env.spreadsheet.sheetList.map((sheet) => sheet.sheetName)).not.toContain('Sessions');
    },
    sessionsTab: 'GPU sessions',
  },
  noteInRow: {
    apply(harness: Harness) {
      const sheet = harness.env.spreadsheet.sheet('Sessions');
      const header = harness.tab('Sessions')[0] as string[];
      harness.env.spreadsheet.uncounted(() => sheet.getRange(2, header.indexOf('Note') + 1).setValue('checked by finance'));
      const key = harness.rows('Sessions')[0]?.['Session Key'];
      return (after: Harness) => expect(after.rows('Sessions').find((row) => row['Session Key'] === key)?.Note).toBe('checked by finance');
    },
  },
  typedRow: {
    apply(harness: Harness) {
      const sheet = harness.env.spreadsheet.sheet('Sessions');
      harness.env.spreadsheet.uncounted(() => sheet.appendRow(['Checked up to here by finance']));
      const position = harness.rows('Sessions').length - 1;
      return (after: Harness) => expect(after.rows('Sessions')[position]).toMatchObject({ User: 'Checked up to here by finance', 'Session Key': '' });
    },
  },
  deleteHeader: {
    apply(harness: Harness) {
      const header = harness.tab('Sessions')[0] as unknown[];
      harness.env.spreadsheet.uncounted(() => harness.env.spreadsheet.sheet('Sessions').deleteRow(1));
      savedHeaders.set(harness, header);
      return () => undefined;
    },
  },
} satisfies Record<string, SheetEdit>;

const savedHeaders = new WeakMap<Harness, unknown[]>();

const SHEET_REPAIRS = {
  restoreHeader(harness: Harness) {
    const header = savedHeaders.get(harness) as unknown[];
    const sheet = harness.env.spreadsheet.sheet('Sessions');
    harness.env.spreadsheet.uncounted(() => {
      sheet.insertRowBefore(1);
      sheet.getRange(1, 1, 1, header.length).setValues([header]);
    });
  },
};

/** Returns the managed cells of every session row by Session Key, so a person's row order and added columns do not count. */
function sessionsByKey(harness: Harness, tab: string): Record<string, Record<string, unknown>> {
  const managed = (harness.tab(tab)[0] as string[]).filter((header) => header !== 'Last Synced' && header !== 'Note' && header !== 'Project' && header !== 'Team');
  const byKey: Record<string, Record<string, unknown>> = {};
  for (const row of harness.rows(tab)) {
    if (row['Session Key'] === '') continue;
    byKey[String(row['Session Key'])] = Object.fromEntries(managed.map((header) => [header, row[header]]));
  }
  return byKey;
}

async function sheetTimeline(spec: SheetCase, withFault: boolean): Promise<Record<string, Record<string, unknown>>> {
  const edit: SheetEdit = SHEET_EDITS[spec.edit];
  const harness = await ready(twoPods());
  harness.refresh();
  const check = withFault ? edit.apply(harness) : () => undefined;
  const before = harness.tab(edit.sessionsTab && withFault ? edit.sessionsTab : 'Sessions');

  harness.env.clock.advance(HOUR);
  await appendNextHour();
  const report = harness.refresh();
  if (withFault) {
    recordOutcome(harness, report, null);
    expect(report.status).toBe(spec.expect.status);
    for (const part of spec.expect.messageContains ?? []) expect(report.message).toContain(part);
    if (report.status === 'failed') {
      expect(harness.tab('Sessions')).toEqual(before);
      expect(harness.env.ui.alerts.map((alert) => alert.prompt)).toContain(report.message);
    }
    if (spec.repair) SHEET_REPAIRS[spec.repair](harness);
  }

  harness.env.clock.advance(HOUR);
  expect(harness.refresh().status).toBe('done');
  check(harness);
  return sessionsByKey(harness, withFault && edit.sessionsTab ? edit.sessionsTab : 'Sessions');
}

describe('fault corpus: sheet', () => {
  it.each(loadCases<SheetCase>('sheet'))('%s', async (_name, spec) => {
    const faulty = await sheetTimeline(spec, true);
    const clean = await sheetTimeline(spec, false);
    expect(faulty).toEqual(clean);
  });
});

// ---------------------------------------------------------------------------------------------
// concurrency: triggers and refreshes that meet, and a run that dies.

interface ConcurrencyScenario {
  /** Plays the fault after the first refresh and returns what the person saw. */
  play(harness: Harness): { status?: string; message?: string };
}

/**
 * Refreshes with every `getRange` call on a tab throwing, as when the run dies at its first write
 * there and does nothing after, then restores the tab.
 */
function refreshDyingAt(harness: Harness, tab: string): RefreshReport {
  const sheet = harness.env.spreadsheet.sheet(tab);
  const original = sheet.getRange;
  sheet.getRange = (() => {
    throw harness.env.runtime.realm.exception('Exceeded maximum execution time');
  }) as typeof sheet.getRange;
  try {
    return harness.refresh();
  } finally {
    sheet.getRange = original;
  }
}

const CONCURRENCY_SCENARIOS = {
  triggerDuringRefresh: {
    play(harness: Harness) {
      harness.bundle.call('installHourlyRefresh');
      harness.env.holdScriptLockElsewhere();
      harness.env.spreadsheet.resetCounters();
      const [result] = harness.runTriggers() as RefreshReport[];
      expect(harness.env.spreadsheet.counters.writes).toBe(0);
      harness.env.releaseScriptLockElsewhere();
      return { status: result?.status, message: result?.message };
    },
  },
  refreshDuringTrigger: {
    play(harness: Harness) {
      harness.env.holdScriptLockElsewhere();
      harness.env.spreadsheet.resetCounters();
      const report = harness.refresh();
      expect(harness.env.spreadsheet.counters.writes).toBe(0);
      expect(harness.env.ui.alerts.map((alert) => alert.prompt)).toContain(report.message);
      harness.env.releaseScriptLockElsewhere();
      return { status: report.status, message: report.message };
    },
  },
  triggerInstalledTwice: {
    play(harness: Harness) {
      harness.bundle.call('installHourlyRefresh');
      const message = harness.bundle.call('installHourlyRefresh') as string;
      return { message };
    },
  },
  secondPersonInstalls: {
    play(harness: Harness) {
      harness.bundle.call('installHourlyRefresh');
      harness.env.setActiveUser('editor@example.com');
      harness.saveSettings({ apiKey: TEST_API_KEY });
      harness.env.ui.answerNextAlertWith('NO');
      const message = harness.bundle.call('installHourlyRefresh') as string;
      const prompts = harness.env.ui.alerts.map((alert) => alert.prompt);
      harness.env.setActiveUser('owner@example.com');
      return { status: message, message: prompts.find((prompt) => prompt.includes('already has')) ?? '' };
    },
  },
  triggerDeleted: {
    play(harness: Harness) {
      harness.bundle.call('installHourlyRefresh');
      harness.env.triggers.all.splice(0, harness.env.triggers.all.length);
      harness.env.ui.answerNextAlertWith('YES');
      const report = harness.refresh();
      const prompts = harness.env.ui.alerts.map((alert) => alert.prompt);
      return { status: report.status, message: prompts.find((prompt) => prompt.includes('no longer installed')) ?? '' };
    },
  },
  runDiesBeforeSessions: {
    play(harness: Harness) {
      const report = refreshDyingAt(harness, 'Sessions');
      return { status: report.status, message: report.message };
    },
  },
  runDiesAfterSessions: {
    play(harness: Harness) {
      const before = harness.rows('Sessions').length;
      const report = refreshDyingAt(harness, 'Sync Status');
      expect(harness.rows('Sessions').length).toBeGreaterThan(before);
      return { status: report.status, message: report.message };
    },
  },
} satisfies Record<string, ConcurrencyScenario>;

async function concurrencyTimeline(spec: ConcurrencyCase, withFault: boolean): Promise<unknown[][]> {
  const harness = await ready(twoPods());
  harness.refresh();
  harness.env.clock.advance(HOUR);
  await appendNextHour();

  if (withFault) {
    const seen: { status?: string; message?: string } = CONCURRENCY_SCENARIOS[spec.scenario].play(harness);
    recordOutcome(harness, seen, null);
    if (spec.expect.status !== undefined) expect(seen.status).toBe(spec.expect.status);
    for (const part of spec.expect.messageContains ?? []) expect(seen.message).toContain(part);
    if (spec.expect.triggers !== undefined) expect(harness.env.triggers.all).toHaveLength(spec.expect.triggers);
  }

  harness.env.clock.advance(HOUR);
  expect(harness.refresh().status).toBe('done');
  return sessionsWithoutSyncTimes(harness);
}

describe('fault corpus: concurrency', () => {
  it.each(loadCases<ConcurrencyCase>('concurrency'))('%s', async (_name, spec) => {
    const faulty = await concurrencyTimeline(spec, true);
    const clean = await concurrencyTimeline(spec, false);
    expect(faulty).toEqual(clean);
  });
});

// ---------------------------------------------------------------------------------------------
// settings: what people type into the Settings dialog.

async function settingsTimeline(spec: SettingsCase, withFault: boolean): Promise<unknown[][]> {
  const harness = await ready(twoPods(), { form: null });
  if (withFault) {
    if (spec.form !== null) {
      const saved = harness.saveSettings(spec.form);
      expect(saved.ok).toBe(spec.expect.saved ?? true);
      const errors = saved.ok ? [] : saved.errors;
      recordOutcome(harness, { status: saved.ok ? 'saved' : 'rejected', message: errors.join(' ') }, null);
      for (const part of spec.expect.errorsContain ?? []) expect(errors.join(' ')).toContain(part);
    }
    if (spec.expect.stored) {
      expect(harness.bundle.call('getSettings')).toMatchObject(spec.expect.stored);
    }
    if (spec.asUser) harness.env.setActiveUser(spec.asUser);
    const report = harness.refresh();
    recordOutcome(harness, report, Object.keys(spec.expect.syncResults ?? {})[0] ?? null);
    expect(report.status).toBe(spec.expect.status);
    for (const part of spec.expect.messageContains ?? []) expect(report.message).toContain(part);
    for (const [podId, result] of Object.entries(spec.expect.syncResults ?? {})) expect(syncRow(harness, podId).Result).toBe(result);
    if (spec.asUser) harness.env.setActiveUser('owner@example.com');
  } else if (spec.expect.status !== 'no key') {
    // The clean run refreshes at the same instant, so both record RunPod's prices then. A refresh
    // without a key reaches nothing, so its clean run has no refresh there either.
    expect(harness.saveSettings({ apiKey: TEST_API_KEY }).ok).toBe(true);
    expect(harness.refresh().status).toBe('done');
  }

  // The person then saves the settings as they should be.
  expect(harness.saveSettings({ apiKey: TEST_API_KEY }).ok).toBe(true);
  harness.env.clock.advance(HOUR);
  expect(harness.refresh().status).toBe('done');
  return sessionsWithoutSyncTimes(harness);
}

describe('fault corpus: settings', () => {
  it.each(loadCases<SettingsCase>('settings'))('%s', async (_name, spec) => {
    const faulty = await settingsTimeline(spec, true);
    const clean = await settingsTimeline(spec, false);
    expect(faulty).toEqual(clean);
  });
});

// ---------------------------------------------------------------------------------------------
// text: values that a spreadsheet would misread.

describe('fault corpus: text', () => {
  it.each(loadCases<TextCase>('text'))('%s', async (_name, spec) => {
    const harness = await ready(scenarioOf(spec.pods, spec.account), { locale: spec.locale });
    const report = harness.refresh();
    recordOutcome(harness, report, spec.pods[0]?.id ?? null);
    expect(report.status).toBe('done');

    for (const [tab, expected] of [['Sessions', spec.expect.sessions], ['Live Pods', spec.expect.livePods]] as const) {
      if (!expected) continue;
      const rows = harness.rows(tab);
      expect(rows).toHaveLength(expected.length);
      expected.forEach((cells, index) => expect(rows[index]).toMatchObject(cells));
    }
    for (const header of spec.expect.numberColumns ?? []) {
      const cells = harness.rows('Sessions').map((row) => row[header]).filter((cell) => cell !== '');
      expect(cells.every((cell) => typeof cell === 'number')).toBe(true);
    }
    for (const sheet of harness.env.spreadsheet.sheetList) {
      const formulas = harness.env.spreadsheet.uncounted(() => sheet.getDataRange().getFormulas());
      expect({ tab: sheet.sheetName, formulas: formulas.flat().filter((formula) => formula !== '') }).toEqual({ tab: sheet.sheetName, formulas: [] });
    }
    expectNoPlaceholderCells(harness);

    const before = sessionsWithoutSyncTimes(harness);
    harness.refresh();
    expect(sessionsWithoutSyncTimes(harness)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// The corpus as a whole.

describe('fault corpus', () => {
  const documented = readFileSync(join(ROOT, 'docs', 'failure-modes.md'), 'utf8');

  it.each(KINDS.map((kind) => [kind]))('has cases for %s', (kind) => {
    expect(loadCases(kind).length).toBeGreaterThan(0);
  });

  it.each(KINDS.flatMap((kind) => loadCases<{ description?: unknown; expect?: unknown }>(kind).map(([name, spec]) => [`${kind}/${name}`, spec] as const)))(
    'describes and documents %s',
    (path, spec) => {
      expect(typeof spec.description).toBe('string');
      expect(spec.expect).toBeDefined();
      expect(documented).toContain(`${path}.json`);
    },
  );
});

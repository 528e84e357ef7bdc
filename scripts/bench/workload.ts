/**
 * Synthetic teams for the benchmark: pods with control-panel event logs shaped like the ones in
 * test/data/control-panel, and the Sessions, Prices and Sync Status rows that earlier hourly
 * refreshes would have left in the spreadsheet. Everything is derived from a seeded PRNG, so one
 * shape always produces the same data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SESSIONS, SYNC_STATUS, PRICES } from '../../src/sheet/tabs';
import { ROOT } from '../../test/harness/harness';
import type { Scenario, SimPod } from '../../test/servers/scenario';

export const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 24 * MS_PER_HOUR;

/** The control panel keeps its newest 1000 events; the simulator serves whatever it is given. */
export const PANEL_LOG_CAPACITY = 1000;

/**
 * Sessions a pod runs per day. The fixture f6g7h8i9j0 contains 500 sessions over 245 days, about
 * 2 a day, each about 4.8 hours long. The fixture a1b2c3d4e5 is quieter.
 */
export const SESSIONS_PER_POD_PER_DAY = 2;
const MEAN_SESSION_HOURS = 4.8;

/** Maximum span of the seeded history. Larger histories get shorter, more frequent sessions. */
const MAX_HISTORY_DAYS = 3 * 365;

/** The panel's own rate per hour, which it writes into each stop event's `cost`. */
const PANEL_HOURLY_RATE = 0.74;

/** GPU types with on-demand prices per hour in the range RunPod charges for them. */
const GPUS: { name: string; short: string; memory: string; costPerHr: number }[] = [
  { name: 'NVIDIA RTX A5000', short: 'a5000', memory: '24 GB', costPerHr: 0.27 },
  { name: 'NVIDIA GeForce RTX 4090', short: '4090', memory: '24 GB', costPerHr: 0.69 },
  { name: 'NVIDIA A100 80GB PCIe', short: 'a100', memory: '80 GB', costPerHr: 1.39 },
  { name: 'NVIDIA RTX A4000', short: 'a4000', memory: '16 GB', costPerHr: 0.17 },
  { name: 'NVIDIA L40S', short: 'l40s', memory: '48 GB', costPerHr: 0.86 },
  { name: 'NVIDIA H100 80GB HBM3', short: 'h100', memory: '80 GB', costPerHr: 2.99 },
];

const FIRST_NAMES = ['alice', 'bruno', 'chen', 'dana', 'emil', 'fatima', 'gustav', 'hana', 'ivan', 'jonas', 'keiko', 'lena', 'marco', 'nadia', 'omar', 'priya'];

export interface WorkloadShape {
  pods: number;
  /** Session rows already in the Sessions tab. */
  rows: number;
  /** Events the pods logged since the previous refresh, spread over the pods. */
  newEvents: number;
}

export interface UsageEvent {
  user: string;
  action: 'start' | 'stop';
  timestamp: number;
  datetime: string;
  gpu?: string;
  duration_hours?: number;
  cost?: number;
}

export interface BenchPod {
  id: string;
  name: string;
  gpu: (typeof GPUS)[number];
  users: string[];
  /** Events of the log that the previous refresh already read. */
  oldEvents: UsageEvent[];
  /** Events logged since the previous refresh. */
  newEvents: UsageEvent[];
  /**
   * The panel's `/api/user_stats` body, with every closed session of the pod's history, when the
   * workload was built with `userStats`. Absent otherwise, and the pod then returns 404 there.
   */
  userStatsBody?: string;
  /** The pod's cursor as the previous refresh left it, in epoch ms. */
  cursorMs: number;
}

export interface Workload {
  shape: WorkloadShape;
  /** The instant of the previous refresh: history ends here. */
  previousRefreshMs: number;
  /** The instant of the measured refresh. */
  refreshMs: number;
  pods: BenchPod[];
  /** Sheet rows with the header first, stored as the product's writes leave them. */
  sessionsRows: unknown[][];
  pricesRows: unknown[][];
  syncStatusRows: unknown[][];
  /** Distinct users of the team. */
  users: number;
}

/** A session of the seeded history. */
interface HistorySession {
  user: string;
  pod: BenchPod;
  startMs: number;
  endMs: number | null;
}

/** Mulberry32: a small, fast, seedable PRNG, good enough to vary synthetic data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Exponentially distributed value with the given mean, capped at four means. */
function exponential(random: () => number, mean: number): number {
  return Math.min(-Math.log(1 - random()) * mean, 4 * mean);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * Returns the event timestamp the panel would write for an instant: epoch seconds with six
 * decimals. The sub-millisecond part stays below 0.5 ms, so the product rounds back to `ms`.
 */
function panelTimestamp(ms: number, random: () => number): number {
  const microseconds = Math.floor(100 + random() * 300);
  return Number(((ms * 1000 + microseconds) / 1_000_000).toFixed(6));
}

/** Python's `datetime.isoformat()` of a naive UTC time, as the panel writes `datetime`. */
function panelDatetime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}

function sessionKey(user: string, startMs: number): string {
  return `${user.trim().toLowerCase()}|${new Date(startMs).toISOString()}`;
}

/** Team size for a number of pods: about four people for every five pods, and at least six. */
export function teamUserCount(pods: number): number {
  return Math.max(6, Math.round(pods * 0.8));
}

/** Team members: first names, then the same names with a number once the list runs out. */
function teamUsers(count: number): string[] {
  const users: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = FIRST_NAMES[i % FIRST_NAMES.length] as string;
    users.push(i < FIRST_NAMES.length ? name : `${name}${Math.floor(i / FIRST_NAMES.length) + 1}`);
  }
  return users;
}

/** Pod ids as RunPod makes them: ten lower-case letters and digits. */
function podId(index: number, random: () => number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = index.toString(36).padStart(3, '0');
  while (id.length < 10) id += alphabet[Math.floor(random() * alphabet.length)];
  return id;
}

/** Splits `total` into `parts` counts that differ by at most one, larger ones first. */
function spread(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const remainder = total % parts;
  return Array.from({ length: parts }, (_, index) => base + (index < remainder ? 1 : 0));
}

/** Builds the start and stop events of one session, as the panel logs them. */
function sessionEvents(pod: BenchPod, user: string, startMs: number, endMs: number | null, random: () => number): UsageEvent[] {
  const events: UsageEvent[] = [{ user, action: 'start', timestamp: panelTimestamp(startMs, random), datetime: panelDatetime(startMs), gpu: pod.gpu.name }];
  if (endMs !== null) {
    const hours = round((endMs - startMs) / MS_PER_HOUR, 3);
    events.push({ user, action: 'stop', timestamp: panelTimestamp(endMs, random), datetime: panelDatetime(endMs), duration_hours: hours, cost: round(hours * PANEL_HOURLY_RATE, 2) });
  }
  return events;
}

/**
 * Builds the team, its history and its new events. A third of the pods have a session running at
 * the previous refresh. Its stop is the first new event of that pod, if the pod has any.
 */
export function buildWorkload(shape: WorkloadShape, seed = 1, options: { userStats?: boolean } = {}): Workload {
  const random = seededRandom(seed);
  const refreshMs = Date.UTC(2026, 11, 4, 19, 0, 0);
  const newEventsByPod = spread(shape.newEvents, shape.pods);
  const maxNewPerPod = Math.max(...newEventsByPod);
  // An hour ago, as with the hourly trigger, unless the busiest pod logged more than one session:
  // then long enough ago for it to log its new events at the usual pace.
  const paceMs = (maxNewPerPod / 2 / SESSIONS_PER_POD_PER_DAY) * MS_PER_DAY;
  const newWindowMs = maxNewPerPod <= 2 ? MS_PER_HOUR : Math.max(MS_PER_HOUR, paceMs);
  const previousRefreshMs = refreshMs - Math.round(newWindowMs);

  const users = teamUsers(teamUserCount(shape.pods));
  const pods: BenchPod[] = Array.from({ length: shape.pods }, (_, index) => {
    const gpu = GPUS[index % GPUS.length] as (typeof GPUS)[number];
    const podUsers = [0, 1, 2, 3].map((offset) => users[(index * 3 + offset * 7) % users.length] as string);
    return { id: podId(index, random), name: `team-${gpu.short}-${index + 1}`, gpu, users: Array.from(new Set(podUsers)), oldEvents: [], newEvents: [], cursorMs: 0 };
  });

  const history = buildHistory(pods, shape.rows, previousRefreshMs, random);
  fillLogs(pods, history, newEventsByPod, previousRefreshMs, refreshMs, random);
  if (options.userStats) addUserStats(pods, history);

  return {
    shape,
    previousRefreshMs,
    refreshMs,
    pods,
    sessionsRows: sessionsRows(history, previousRefreshMs),
    pricesRows: pricesRows(pods, history, previousRefreshMs),
    syncStatusRows: syncStatusRows(pods, previousRefreshMs),
    users: new Set(pods.flatMap((pod) => pod.users)).size,
  };
}

/** Generates `rows` sessions over the pods, oldest first, each pod's sessions back to back. */
function buildHistory(pods: BenchPod[], rows: number, endMs: number, random: () => number): HistorySession[] {
  const perPod = spread(rows, pods.length);
  const maxPerPod = Math.max(...perPod);
  const historyDays = Math.min(MAX_HISTORY_DAYS, Math.max(1, maxPerPod / SESSIONS_PER_POD_PER_DAY));
  // Each session and the idle time after it share the span evenly; their ratio follows the fixtures.
  const slotMs = (historyDays * MS_PER_DAY) / Math.max(1, maxPerPod);
  const meanSessionMs = Math.min(MEAN_SESSION_HOURS * MS_PER_HOUR, slotMs * 0.4);

  const history: HistorySession[] = [];
  pods.forEach((pod, podIndex) => {
    const count = perPod[podIndex] as number;
    const running = podIndex % 3 === 0 && count > 0;
    let cursor = endMs - Math.round(random() * slotMs * 0.5);
    const sessions: HistorySession[] = [];
    for (let i = count - 1; i >= 0; i--) {
      const user = pod.users[Math.floor(random() * pod.users.length)] as string;
      const isRunning = running && i === count - 1;
      const durationMs = Math.max(60_000, Math.round(exponential(random, meanSessionMs)));
      const endOfSession = isRunning ? null : cursor;
      const startMs = (endOfSession ?? endMs) - durationMs;
      sessions.push({ user, pod, startMs, endMs: endOfSession });
      cursor = startMs - Math.max(60_000, Math.round(slotMs - meanSessionMs + (random() - 0.5) * slotMs * 0.2));
    }
    history.push(...sessions.reverse());
  });
  history.sort((a, b) => a.startMs - b.startMs);
  return history;
}

/**
 * Writes each pod's log: the newest history events that fit next to the new events (the panel
 * keeps 1000), then the new events, and sets the cursor the previous refresh left behind.
 */
function fillLogs(pods: BenchPod[], history: HistorySession[], newEventsByPod: number[], previousRefreshMs: number, refreshMs: number, random: () => number): void {
  const byPod = new Map<BenchPod, HistorySession[]>();
  for (const session of history) {
    const list = byPod.get(session.pod) ?? [];
    list.push(session);
    byPod.set(session.pod, list);
  }

  pods.forEach((pod, podIndex) => {
    const sessions = byPod.get(pod) ?? [];
    const newCount = newEventsByPod[podIndex] as number;
    const open = sessions.length > 0 && sessions[sessions.length - 1]?.endMs === null ? (sessions[sessions.length - 1] as HistorySession) : null;

    const newEvents: UsageEvent[] = [];
    const slotMs = (refreshMs - previousRefreshMs) / Math.max(1, newCount);
    let at = previousRefreshMs;
    let pendingUser: string | null = open ? open.user : null;
    for (let i = 0; i < newCount; i++) {
      at += Math.max(1000, Math.round(slotMs * (0.5 + random() * 0.5)));
      const ms = Math.min(at, refreshMs - 1000);
      if (pendingUser !== null) {
        const startMs = i === 0 && open ? open.startMs : (newEvents[newEvents.length - 1] as UsageEvent).timestamp * 1000;
        const hours = round((ms - startMs) / MS_PER_HOUR, 3);
        newEvents.push({ user: pendingUser, action: 'stop', timestamp: panelTimestamp(ms, random), datetime: panelDatetime(ms), duration_hours: hours, cost: round(hours * PANEL_HOURLY_RATE, 2) });
        pendingUser = null;
      } else {
        pendingUser = pod.users[Math.floor(random() * pod.users.length)] as string;
        newEvents.push({ user: pendingUser, action: 'start', timestamp: panelTimestamp(ms, random), datetime: panelDatetime(ms), gpu: pod.gpu.name });
      }
    }

    const room = Math.max(0, PANEL_LOG_CAPACITY - newEvents.length);
    const oldEvents: UsageEvent[] = [];
    for (let i = sessions.length - 1; i >= 0 && oldEvents.length < room; i--) {
      const session = sessions[i] as HistorySession;
      const events = sessionEvents(pod, session.user, session.startMs, session.endMs, random);
      if (oldEvents.length + events.length > room) break;
      oldEvents.unshift(...events);
    }

    pod.oldEvents = oldEvents;
    pod.newEvents = newEvents;
    const last = sessions[sessions.length - 1];
    // The exporter's cursor: the start of the running session, or else the newest event read.
    if (open) {
      pod.cursorMs = open.startMs;
    } else if (last) {
      pod.cursorMs = last.endMs as number;
    } else {
      pod.cursorMs = previousRefreshMs - MS_PER_DAY;
    }
  });
}

/**
 * Builds `sessionsPerPod` closed sessions of 20 minutes each for every pod, back to back from
 * `fromMs`: events for a later refresh than the workload's own.
 */
export function laterEvents(workload: Workload, sessionsPerPod: number, fromMs: number): Map<string, UsageEvent[]> {
  const random = seededRandom(7);
  const events = new Map<string, UsageEvent[]>();
  for (const pod of workload.pods) {
    const list: UsageEvent[] = [];
    for (let i = 0; i < sessionsPerPod; i++) {
      const startMs = fromMs + i * 30 * 60_000;
      list.push(...sessionEvents(pod, pod.users[i % pod.users.length] as string, startMs, startMs + 20 * 60_000, random));
    }
    events.set(pod.id, list);
  }
  return events;
}

/**
 * Writes each pod's `/api/user_stats` body as the panel keeps `user_statistics.json`: per user,
 * totals and every closed session, however old, with the pod's GPU and the panel's rate.
 */
function addUserStats(pods: BenchPod[], history: HistorySession[]): void {
  const byPod = new Map<BenchPod, Record<string, { total_hours: number; total_cost: number; sessions: object[]; gpu_used: string }>>();
  for (const session of history) {
    if (session.endMs === null) continue;
    const stats = byPod.get(session.pod) ?? {};
    const user = (stats[session.user] ??= { total_hours: 0, total_cost: 0, sessions: [], gpu_used: session.pod.gpu.name });
    const hours = round((session.endMs - session.startMs) / MS_PER_HOUR, 3);
    const cost = round(hours * PANEL_HOURLY_RATE, 2);
    user.total_hours += hours;
    user.total_cost = round(user.total_cost + cost, 2);
    user.sessions.push({
      start_time: session.startMs / 1000,
      end_time: session.endMs / 1000,
      start_datetime: panelDatetime(session.startMs),
      end_datetime: panelDatetime(session.endMs),
      duration_hours: hours,
      cost,
      gpu: session.pod.gpu.name,
      hourly_rate: PANEL_HOURLY_RATE,
    });
    byPod.set(session.pod, stats);
  }
  for (const pod of pods) {
    pod.userStatsBody = JSON.stringify({ ...(byPod.get(pod) ?? {}), current_gpu: { name: pod.gpu.name, memory: pod.gpu.memory }, hourly_rate: PANEL_HOURLY_RATE }, null, 2);
  }
}

/** Header plus one row per session, in the column order of the Sessions tab. */
function sessionsRows(history: HistorySession[], syncedMs: number): unknown[][] {
  const header = SESSIONS.columns.map((column) => column.header).concat(SESSIONS.personColumns ?? []);
  const rows: unknown[][] = [header];
  for (const session of history) {
    const endMs = session.endMs ?? syncedMs;
    const hours = (endMs - session.startMs) / MS_PER_HOUR;
    const costPerHr = session.pod.gpu.costPerHr;
    rows.push([
      session.user,
      session.pod.id,
      session.pod.name,
      session.pod.gpu.name,
      new Date(session.startMs),
      session.endMs === null ? '' : new Date(session.endMs),
      round(hours, 4),
      costPerHr,
      round(hours * costPerHr, 4),
      session.endMs === null ? 'running' : 'closed',
      'observed',
      session.endMs === null ? '' : round(round(hours, 3) * PANEL_HOURLY_RATE, 2),
      'usage_log',
      sessionKey(session.user, session.startMs),
      new Date(session.endMs === null ? syncedMs : Math.min(syncedMs, Math.ceil(session.endMs / MS_PER_HOUR) * MS_PER_HOUR)),
    ]);
  }
  return rows;
}

/** Builds one price per pod, observed from before its first session until the previous refresh. */
function pricesRows(pods: BenchPod[], history: HistorySession[], previousRefreshMs: number): unknown[][] {
  const firstSeenMs = (history[0]?.startMs ?? previousRefreshMs) - MS_PER_HOUR;
  const rows: unknown[][] = [PRICES.columns.map((column) => column.header)];
  const sorted = pods.slice().sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const pod of sorted) {
    rows.push([pod.id, pod.gpu.costPerHr, new Date(firstSeenMs), new Date(previousRefreshMs)]);
  }
  return rows;
}

function syncStatusRows(pods: BenchPod[], previousRefreshMs: number): unknown[][] {
  const rows: unknown[][] = [SYNC_STATUS.columns.map((column) => column.header)];
  for (const pod of pods) {
    rows.push([pod.id, pod.name, 'ok', new Date(previousRefreshMs), new Date(previousRefreshMs), 0, 0, 0, 2, '', new Date(pod.cursorMs)]);
  }
  return rows;
}

/** The first pod of the RunPod fixture, as the template of every benchmark pod's GraphQL object. */
function podTemplate(): Record<string, unknown> {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'data', 'runpod', 'graphql-myself-pods.json'), 'utf8')) as { data: { myself: { pods: Record<string, unknown>[] } } };
  return fixture.data.myself.pods[0] as Record<string, unknown>;
}

/** Serialises events as the panel writes its log file: a JSON array with `indent=2`. */
export function logBody(events: readonly UsageEvent[]): string {
  return JSON.stringify(events, null, 2);
}

/** Builds the simulated RunPod account and pods. With `withNewEvents`, the logs contain the new events too. */
export function scenarioOf(workload: Workload, apiKey: string, withNewEvents: boolean): Scenario {
  const template = podTemplate();
  const pods: SimPod[] = workload.pods.map((pod) => ({
    graphql: {
      ...template,
      id: pod.id,
      name: pod.name,
      costPerHr: pod.gpu.costPerHr,
      adjustedCostPerHr: pod.gpu.costPerHr,
      machine: { gpuDisplayName: pod.gpu.name.replace(/^NVIDIA (GeForce )?/, ''), location: 'EU-RO-1' },
    },
    panel: {
      files: [
        { kind: 'usage_log', body: logBody(withNewEvents ? pod.oldEvents.concat(pod.newEvents) : pod.oldEvents) },
        ...(pod.userStatsBody === undefined ? [] : [{ kind: 'user_stats' as const, body: pod.userStatsBody }]),
      ],
    },
  }));
  return { apiKey, account: { id: 'user_bench', clientBalance: 5000, currentSpendPerHr: 25, spendLimit: 400 }, pods, faults: [] };
}

/** Merging priced sessions into the rows of the Sessions tab, keyed by user and start instant. */
import { userKey } from './session-key';
import type { LogSource, PriceBasis, PricedSession } from './types';

const MS_PER_HOUR = 3_600_000;

/**
 * `stopped` is a session that was still open when its pod stopped or its log lost it: it ends at
 * the last refresh that saw it running, and a real stop, if one arrives later, replaces that end.
 */
export type SessionStatus = 'running' | 'closed' | 'stopped';

/** One row of the Sessions tab, as the sheet layer reads and writes it. */
export interface SessionRow {
  key: string;
  user: string;
  podId: string;
  podName: string | null;
  gpuType: string | null;
  startMs: number;
  endMs: number | null;
  durationHours: number;
  costPerHr: number | null;
  totalCost: number | null;
  status: SessionStatus;
  priceBasis: PriceBasis;
  panelCost: number | null;
  source: LogSource;
  lastSyncedMs: number;
}

export interface MergeContext {
  nowMs: number;
  /** Pod names from the current RunPod snapshot. */
  podNames: ReadonlyMap<string, string>;
  /** GPU types from the current RunPod snapshot, used when the log does not name the GPU. */
  podGpuTypes: ReadonlyMap<string, string>;
}

export interface MergeResult {
  /** The existing rows in their sheet order, then the new rows. Null marks a row the sheet layer could not read. */
  rows: (SessionRow | null)[];
  /** Positions in `rows` whose values changed or are new. */
  changed: number[];
  addedByPod: Map<string, number>;
  updatedByPod: Map<string, number>;
}

/**
 * Two sessions of one user on one pod that start (or, for a rebuilt start, end) within this window
 * are the same session: the panel's two files may round the same instant differently. On two pods
 * they are two sessions, however close, unless their keys match exactly.
 */
const SAME_INSTANT_TOLERANCE_MS = 2000;

/**
 * Merges sessions into existing rows. A closed row is history and is never rewritten, so a later
 * price change or a truncated log cannot alter it. A running row is updated in place until it
 * closes. Rows are never removed.
 */
export function mergeSessions(existing: readonly (SessionRow | null)[], sessions: readonly PricedSession[], context: MergeContext): MergeResult {
  const rows = existing.slice();
  const changed: number[] = [];
  const addedByPod = new Map<string, number>();
  const updatedByPod = new Map<string, number>();

  // Indexes only the rows the incoming sessions can match, so a refresh of a few new sessions
  // against a long history builds small maps: rows with an incoming key, and rows whose start (or,
  // for sessions rebuilt from a lone stop, end) falls in the same tolerance bucket as an incoming one.
  const preferred = preferredSessions(sessions);
  const incomingKeys = new Set(preferred.map((session) => session.key));
  const startBuckets = new Set<number>();
  const endBuckets = new Set<number>();
  for (const session of preferred) {
    if (session.startReconstructed && session.endMs !== null) addNeighbours(endBuckets, session.endMs);
    else addNeighbours(startBuckets, session.startMs);
  }

  const positionByKey = new Map<string, number>();
  const byStart = new InstantIndex();
  const byEnd = new InstantIndex();
  rows.forEach((row, position) => {
    if (!row) return;
    if (incomingKeys.has(row.key)) positionByKey.set(row.key, position);
    if (startBuckets.has(bucketOf(row.startMs))) byStart.add(`${row.podId}|${row.user}`, row.startMs, position);
    if (row.endMs !== null && endBuckets.has(bucketOf(row.endMs))) byEnd.add(row.user, row.endMs, position);
  });

  for (const session of preferred) {
    let position = positionByKey.get(session.key);
    if (position === undefined) {
      position = session.startReconstructed ? byEnd.find(session.user, session.endMs) : byStart.find(`${session.podId}|${session.user}`, session.startMs);
    }

    if (position === undefined) {
      const row = toRow(session, null, context);
      rows.push(row);
      position = rows.length - 1;
      changed.push(position);
      positionByKey.set(session.key, position);
      byStart.add(`${row.podId}|${row.user}`, row.startMs, position);
      if (row.endMs !== null) byEnd.add(row.user, row.endMs, position);
      increment(addedByPod, session.podId);
      continue;
    }

    const current = rows[position];
    if (!current || current.status === 'closed' || (current.status === 'stopped' && session.endMs === null)) {
      continue;
    }
    const next = toRow(session, current, context);
    if (!sameRow(current, next)) {
      rows[position] = next;
      changed.push(position);
      increment(updatedByPod, session.podId);
    }
  }

  changed.sort((a, b) => a - b);
  return { rows, changed, addedByPod, updatedByPod };
}

/**
 * Ends running rows that can no longer close by themselves: their pod stopped or disappeared, or
 * the pod returned a log that no longer contains the session. Each ends at its last sync, the
 * last refresh that saw it running, with its cost up to then, marked estimated.
 */
export function endAbandonedSessions(result: MergeResult, isAbandoned: (row: SessionRow) => boolean): number {
  let ended = 0;
  result.rows.forEach((row, position) => {
    if (!row || row.status !== 'running' || !isAbandoned(row)) return;
    result.rows[position] = {
      ...row,
      endMs: row.lastSyncedMs,
      durationHours: round(Math.max(0, row.lastSyncedMs - row.startMs) / MS_PER_HOUR),
      status: 'stopped',
      priceBasis: row.priceBasis === 'no price' ? 'no price' : 'estimated',
    };
    if (!result.changed.includes(position)) result.changed.push(position);
    increment(result.updatedByPod, row.podId);
    ended++;
  });
  result.changed.sort((a, b) => a - b);
  return ended;
}

/** Builds the row for a session, keeping the pod and names of the row it updates. */
function toRow(session: PricedSession, current: SessionRow | null, context: MergeContext): SessionRow {
  const endMs = session.endMs;
  const durationMs = (endMs ?? Math.max(context.nowMs, session.startMs)) - session.startMs;
  const podId = current?.podId ?? session.podId;
  return {
    key: current?.key ?? session.key,
    user: current?.user ?? session.user,
    podId,
    podName: current?.podName ?? context.podNames.get(podId) ?? null,
    gpuType: current?.gpuType ?? session.gpu ?? context.podGpuTypes.get(podId) ?? null,
    startMs: current?.startMs ?? session.startMs,
    endMs,
    durationHours: round(durationMs / MS_PER_HOUR),
    costPerHr: roundOrNull(session.costPerHr),
    totalCost: roundOrNull(session.totalCost),
    status: endMs === null ? 'running' : 'closed',
    priceBasis: session.priceBasis,
    panelCost: session.panelCost,
    source: session.source,
    lastSyncedMs: context.nowMs,
  };
}

/**
 * Keeps one session per key when several pods (or both panel formats) report it: a closed one over
 * an open one, the event log over user_stats, and a real start over a rebuilt one.
 */
function preferredSessions(sessions: readonly PricedSession[]): PricedSession[] {
  const byKey = new Map<string, PricedSession>();
  for (const session of sessions) {
    const kept = byKey.get(session.key);
    if (!kept || rank(session) > rank(kept)) {
      byKey.set(session.key, session);
    }
  }
  return Array.from(byKey.values());
}

function rank(session: PricedSession): number {
  return (session.endMs !== null ? 4 : 0) + (session.source === 'usage_log' ? 2 : 0) + (session.startReconstructed ? 0 : 1);
}

// Taken from Math once: bucketOf runs twice for every session row, and in the node:vm sandbox that
// the tests and the benchmark run the bundle in, each lookup of a global costs about 100 ns.
const { floor } = Math;

function bucketOf(atMs: number): number {
  return floor(atMs / SAME_INSTANT_TOLERANCE_MS);
}

function addNeighbours(buckets: Set<number>, atMs: number): void {
  const center = bucketOf(atMs);
  buckets.add(center - 1).add(center).add(center + 1);
}

/** Row positions by user and instant, in buckets of the tolerance, for near matches in O(1). */
class InstantIndex {
  private readonly buckets = new Map<string, { atMs: number; position: number }[]>();

  add(user: string, atMs: number, position: number): void {
    const key = this.bucketKey(user, bucketOf(atMs));
    const bucket = this.buckets.get(key) ?? [];
    bucket.push({ atMs, position });
    this.buckets.set(key, bucket);
  }

  find(user: string, atMs: number | null): number | undefined {
    if (atMs === null) return undefined;
    const center = bucketOf(atMs);
    for (const bucket of [center - 1, center, center + 1]) {
      const match = this.buckets.get(this.bucketKey(user, bucket))?.find((entry) => Math.abs(entry.atMs - atMs) <= SAME_INSTANT_TOLERANCE_MS);
      if (match) return match.position;
    }
    return undefined;
  }

  private bucketKey(user: string, bucket: number): string {
    return `${userKey(user)}|${bucket}`;
  }
}

function sameRow(a: SessionRow, b: SessionRow): boolean {
  return (
    a.endMs === b.endMs &&
    a.durationHours === b.durationHours &&
    a.costPerHr === b.costPerHr &&
    a.totalCost === b.totalCost &&
    a.status === b.status &&
    a.priceBasis === b.priceBasis &&
    a.panelCost === b.panelCost &&
    a.source === b.source &&
    a.podName === b.podName &&
    a.gpuType === b.gpuType
  );
}

function increment(counts: Map<string, number>, podId: string): void {
  counts.set(podId, (counts.get(podId) ?? 0) + 1);
}

/** Rounds to 4 decimals: a hundredth of a cent, and stable from one refresh to the next. */
export function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value);
}

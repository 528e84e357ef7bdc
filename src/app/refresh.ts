/**
 * One refresh, from RunPod's snapshot to every tab. The caller holds the script lock. Each tab is
 * read once and written once, or once per run of columns when a person split its managed columns.
 */
import { summarizeByMonth, summarizeByUser } from '../core/rollups';
import { endAbandonedSessions, mergeSessions, type SessionRow } from '../core/session-rows';
import { PriceTimeline, recordPrices } from '../core/prices';
import type { OffsetAt } from '../core/time-zone';
import type { InvalidRecord, PodSnapshot, PricedSession, PriceRecord, Session } from '../core/types';
import type { HttpPort, HttpRequest, HttpResult } from '../platform/http-port';
import { isPathMissing, readPodAnswers, type PodReading } from '../pods/panel-answers';
import { planPanelRequests, type PanelSettings, type PodPlan } from '../pods/panel-requests';
import { readSnapshotAnswer, snapshotRequest, type RunPodFailure, type RunPodSnapshot } from '../runpod/snapshot';
import { accountRow, livePodRows, monthlyRows, summaryRows, type PanelState } from '../sheet/derived-tabs';
import { readKnownPanelPods } from '../sheet/live-pods-tab';
import { invalidCells, invalidIdentity, readInvalidIdentities } from '../sheet/invalid-rows-tab';
import { priceCells, priceIdentity, readPriceRows } from '../sheet/prices-tab';
import { readSessionRows, sessionCells } from '../sheet/sessions-tab';
import { readSyncStatus, syncStatusCells, type PodSyncStatus, type StoredSyncStatus } from '../sheet/sync-status-tab';
import { openTab, readTable, replaceRows, writeRows, type RowValues, type Table } from '../sheet/table';
import * as tabs from '../sheet/tabs';
import { recordGpuIdle } from './gpu-idle';

export interface RefreshContext {
  http: HttpPort;
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet;
  apiKey: string;
  panel: PanelSettings;
  nowMs: number;
  offsetAt: OffsetAt;
  log: (message: string) => void;
  /** Reads the clock while the refresh runs, to stop fetching at `deadlineMs`. */
  clock: () => number;
  /** No new batch of pod requests starts after this instant; the rest wait for the next refresh. */
  deadlineMs: number;
  /** The RunPod account the sheet has tracked so far, or null before the first refresh. */
  trackedAccountId: string | null;
}

/** Requests per `fetchAll` (one per pod): few batches, but a place to check the clock between them. */
export const MAX_REQUESTS_PER_BATCH = 500;

export interface RefreshOutcome {
  ok: boolean;
  /** RunPod's failure when the snapshot could not be read; nothing was written then. */
  runpodFailure: RunPodFailure | null;
  pods: PodSyncStatus[];
  rowsAdded: number;
  rowsUpdated: number;
  invalidRecords: number;
  users: { user: string; hours: number; cost: number; sessions: number }[];
  totalCost: number;
  /** Pods in RunPod's snapshot that the sheet could not read. */
  unreadablePods: { id: string; reason: string }[];
  /** The account of this refresh's snapshot, to track from now on; null without a snapshot. */
  accountId: string | null;
  /** True when the refresh stopped before touching the sheet. */
  wroteNothing: boolean;
  /** Sessions rows with content but no Session Key or Started, left out of every total. */
  unreadableRows: number;
}

export function runRefresh(context: RefreshContext): RefreshOutcome {
  const { http, spreadsheet, nowMs, log } = context;

  const answer = readSnapshotAnswer(http.fetchAll([snapshotRequest(context.apiKey)])[0] as HttpResult);
  const snapshot = answer.ok ? answer.snapshot : null;
  if (snapshot && context.trackedAccountId !== null && snapshot.accountId !== context.trackedAccountId) {
    // Another account's pods would look like every tracked pod had stopped, and end their sessions.
    const failure: RunPodFailure = {
      action: 'fix key',
      message: `The RunPod key stored for you belongs to account ${snapshot.accountId}, but this sheet tracks account ${context.trackedAccountId}. Open Usage > Settings… and paste a key of the team's account.`,
    };
    log(failure.message);
    return { ...emptyOutcome(failure), accountId: null };
  }
  if (!answer.ok) {
    log(`RunPod snapshot failed (${answer.failure.action}): ${answer.failure.message}`);
  } else {
    log(`RunPod snapshot: ${answer.snapshot.pods.length} pods, balance $${answer.snapshot.account.balance}, spending $${answer.snapshot.account.spendPerHr}/hr.`);
    answer.snapshot.unreadablePods.forEach((pod) => log(`RunPod listed pod ${pod.id} in a shape the sheet cannot read (${pod.reason}); its rows are left as they are.`));
  }

  const { sessionsTable, summaryTable, monthlyTable, livePodsTable, accountSheet, syncTable, pricesTable, invalidTable } = openTabs(spreadsheet);

  // Without RunPod's snapshot, the pods whose panels responded last time are still read, so a
  // RunPod outage delays no usage. Prices, Live Pods and Account wait for RunPod.
  const pods = snapshot ? snapshot.pods : readKnownPanelPods(livePodsTable, context.panel.port);
  if (!snapshot) log(`Reading the ${pods.length} pods known from the last snapshot.`);

  // An empty Sessions tab (new, or deleted by a person) needs every log read whole again.
  const previousSync = readSyncStatus(syncTable);
  const cursors = new Map<string, number>();
  if (sessionsTable.rows.length > 0) {
    previousSync.forEach((stored, podId) => stored.cursorMs !== null && cursors.set(podId, stored.cursorMs));
  }
  const plans = planPanelRequests(pods, context.panel, cursors);
  const readings = fetchPodLogs(context, plans, previousSync);

  // Prices first: the sessions below are priced with this refresh's observation included.
  const priceRows = readPriceRows(pricesTable);
  const prices = recordPrices(priceRows.records, snapshot ? pods : [], nowMs, {
    complete: snapshot !== null,
    unknownPodIds: new Set(snapshot?.unreadablePods.map((pod) => pod.id) ?? []),
  });
  writeRows(pricesTable, positionedUpdates(prices.changed, pricesTable.rows.length, (record) => priceRows.positionOf.get(priceIdentity(record)), priceCells));

  const existing = readSessionRows(sessionsTable);
  const priced = priceSessions(existing, readings, prices.records, nowMs);
  const merged = mergeSessions(existing, priced, {
    nowMs,
    podNames: new Map(pods.map((pod) => [pod.id, pod.name])),
    podGpuTypes: new Map(pods.filter((pod) => pod.gpuType).map((pod) => [pod.id, pod.gpuType as string])),
  });
  if (snapshot) {
    const ended = endAbandonedSessions(merged, abandonedTest(snapshot, readings, priced));
    if (ended > 0) log(`Ended ${ended} running sessions whose pod stopped or whose log no longer holds them.`);
  }
  const sessionUpdates = new Map<number, RowValues>();
  for (const position of merged.changed) {
    sessionUpdates.set(position, sessionCells(merged.rows[position] as SessionRow));
  }
  writeRows(sessionsTable, sessionUpdates);

  const summary = summarizeByUser(merged.rows);
  replaceRows(summaryTable, summaryRows(summary));
  replaceRows(monthlyTable, monthlyRows(summarizeByMonth(merged.rows, context.offsetAt)));
  if (snapshot) {
    replaceRows(livePodsTable, livePodRows(snapshot.pods, panelStates(plans, readings), nowMs));
    recordGpuIdle(snapshot.pods, nowMs);
    const account = accountRow(snapshot.account, nowMs);
    accountSheet.appendRow(tabs.ACCOUNT.columns.map((column) => account[column.header] ?? ''));
  }

  const invalid = Array.from(readings.values()).flatMap((reading) => reading.invalid);
  const newInvalid = appendInvalidRecords(invalidTable, invalid, nowMs);
  const statuses = plans.map((plan) => podStatus(plan, readings.get(plan.pod.id), merged, previousSync.get(plan.pod.id) ?? null, nowMs));
  writeRows(syncTable, positionedUpdates(statuses, syncTable.rows.length, (status) => previousSync.get(status.podId)?.position, syncStatusCells));
  statuses.forEach((status) => log(`Pod ${status.podId} (${status.podName}): ${status.result}, ${status.rowsAdded} added, ${status.rowsUpdated} updated${status.error ? `; ${status.error}` : ''}`));

  return {
    ok: answer.ok,
    runpodFailure: answer.ok ? null : answer.failure,
    pods: statuses,
    rowsAdded: sum(merged.addedByPod),
    rowsUpdated: sum(merged.updatedByPod),
    invalidRecords: newInvalid,
    users: summary.users.map(({ user, hours, cost, sessions }) => ({ user, hours, cost, sessions })),
    totalCost: summary.total.cost,
    unreadablePods: snapshot?.unreadablePods ?? [],
    accountId: snapshot?.accountId ?? null,
    wroteNothing: false,
    unreadableRows: sessionsTable.rows.filter((raw, position) => existing[position] === null && raw.some((cell) => cell !== '' && cell !== null)).length,
  };
}

/** Opens every tab, in the order people read them, so a first refresh creates them in that order. */
function openTabs(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet) {
  return {
    sessionsTable: readTable(spreadsheet, tabs.SESSIONS),
    summaryTable: readTable(spreadsheet, tabs.USAGE_SUMMARY),
    monthlyTable: readTable(spreadsheet, tabs.MONTHLY),
    livePodsTable: readTable(spreadsheet, tabs.LIVE_PODS),
    accountSheet: openTab(spreadsheet, tabs.ACCOUNT),
    syncTable: readTable(spreadsheet, tabs.SYNC_STATUS),
    pricesTable: readTable(spreadsheet, tabs.PRICES),
    invalidTable: readTable(spreadsheet, tabs.INVALID_ROWS),
  };
}

/**
 * Prices every session read this refresh. A session whose row names another pod moved with its
 * volume, so it is priced on the pod it started on and then on the pod that reported it.
 */
function priceSessions(existing: readonly (SessionRow | null)[], readings: ReadonlyMap<string, PodReading>, records: readonly PriceRecord[], nowMs: number): PricedSession[] {
  const timeline = new PriceTimeline(records);
  const rowPod = new Map<string, string>();
  existing.forEach((row) => row && row.status !== 'closed' && rowPod.set(row.key, row.podId));
  return Array.from(readings.values()).flatMap((reading) =>
    reading.sessions.map((session) => {
      const startPod = rowPod.get(session.key);
      return timeline.price(session, nowMs, startPod && startPod !== session.podId ? [startPod, session.podId] : [session.podId]);
    }),
  );
}

function emptyOutcome(failure: RunPodFailure): RefreshOutcome {
  return { ok: false, runpodFailure: failure, pods: [], rowsAdded: 0, rowsUpdated: 0, invalidRecords: 0, users: [], totalCost: 0, unreadablePods: [], accountId: null, wroteNothing: true, unreadableRows: 0 };
}

/**
 * Decides which running rows will never close by themselves: RunPod no longer lists their pod as
 * RUNNING, or the pod's event log was read and no longer contains the session.
 */
function abandonedTest(snapshot: RunPodSnapshot, readings: ReadonlyMap<string, PodReading>, sessions: readonly Session[]): (row: SessionRow) => boolean {
  // A pod RunPod listed in an unreadable shape may well be running, so its sessions stay open.
  const running = new Set(snapshot.pods.filter((pod) => pod.desiredStatus === 'RUNNING').map((pod) => pod.id).concat(snapshot.unreadablePods.map((pod) => pod.id)));
  const reported = new Set(sessions.map((session) => session.key));
  return (row) => {
    if (reported.has(row.key)) return false;
    if (!running.has(row.podId)) return true;
    return readings.get(row.podId)?.eventLogRead === true;
  };
}

/**
 * Sends the pods' log requests in as few `fetchAll` batches as possible, the pods least recently
 * attempted first. Each pod is asked for its first path; only the pods where that path is missing
 * (HTTP 404) are asked for the next, so a pod with the exporter never sends its whole history from
 * `/api/user_stats`. When the deadline passes, the remaining pods are left for the next refresh.
 */
function fetchPodLogs(context: RefreshContext, plans: readonly PodPlan[], previous: ReadonlyMap<string, StoredSyncStatus>): Map<string, PodReading> {
  const waiting = plans
    .filter((plan) => !plan.skip)
    .sort((a, b) => (previous.get(a.pod.id)?.lastAttemptMs ?? -Infinity) - (previous.get(b.pod.id)?.lastAttemptMs ?? -Infinity));

  const readings = new Map<string, PodReading>();
  while (waiting.length > 0) {
    if (context.clock() >= context.deadlineMs) {
      context.log(`Out of time: ${waiting.length} pods are left for the next refresh, which reads them first.`);
      waiting.forEach((plan) => readings.set(plan.pod.id, notReached(plan)));
      break;
    }
    const batch = waiting.splice(0, MAX_REQUESTS_PER_BATCH);
    const sent = new Map<PodPlan, { requests: HttpRequest[]; results: HttpResult[] }>(batch.map((plan) => [plan, { requests: [], results: [] }]));

    let round = batch;
    for (let pathIndex = 0; round.length > 0; pathIndex++) {
      const requests = round.map((plan) => plan.requests[pathIndex] as HttpRequest);
      const results = context.http.fetchAll(requests);
      round.forEach((plan, index) => {
        const record = sent.get(plan) as { requests: HttpRequest[]; results: HttpResult[] };
        record.requests.push(requests[index] as HttpRequest);
        record.results.push(results[index] as HttpResult);
      });
      round = round.filter((plan, index) => pathIndex + 1 < plan.requests.length && isPathMissing(results[index] as HttpResult));
    }

    sent.forEach((record, plan) => readings.set(plan.pod.id, readPodAnswers(plan.pod.id, record.requests, record.results, plan.cursorMs)));
  }
  return readings;
}

function notReached(plan: PodPlan): PodReading {
  const error = 'The refresh ran out of time before reading this pod. The next refresh reads it first.';
  return { result: 'not reached', sessions: [], invalid: [], error, bytes: 0, cursorMs: plan.cursorMs, eventLogRead: false };
}

function panelStates(plans: readonly PodPlan[], readings: ReadonlyMap<string, PodReading>): Map<string, PanelState> {
  const states = new Map<string, PanelState>();
  for (const plan of plans) {
    if (plan.skip) {
      states.set(plan.pod.id, plan.skip.reason);
    } else {
      states.set(plan.pod.id, readings.get(plan.pod.id)?.result === 'ok' ? 'answered' : 'failed');
    }
  }
  return states;
}

function appendInvalidRecords(table: Table, invalid: readonly InvalidRecord[], nowMs: number): number {
  const known = readInvalidIdentities(table);
  const updates = new Map<number, RowValues>();
  for (const record of invalid) {
    const identity = invalidIdentity(record);
    if (known.has(identity)) continue;
    known.add(identity);
    updates.set(table.rows.length + updates.size, invalidCells(record, nowMs));
  }
  writeRows(table, updates);
  return updates.size;
}

function podStatus(plan: PodPlan, reading: PodReading | undefined, merged: ReturnType<typeof mergeSessions>, previous: StoredSyncStatus | null, nowMs: number): PodSyncStatus {
  const pod: PodSnapshot = plan.pod;
  const lastSuccessMs = previous?.lastSuccessMs ?? null;
  const attemptMs = reading?.result === 'not reached' ? (previous?.lastAttemptMs ?? null) : nowMs;
  const base = { podId: pod.id, podName: pod.name, attemptMs, rowsAdded: 0, rowsUpdated: 0, invalidRecords: 0, bytes: 0, cursorMs: previous?.cursorMs ?? null };
  if (plan.skip || !reading) {
    return { ...base, result: plan.skip?.reason ?? 'not running', lastSuccessMs, error: plan.skip?.message ?? '' };
  }
  return {
    ...base,
    cursorMs: reading.cursorMs,
    result: reading.result,
    lastSuccessMs: reading.result === 'ok' ? nowMs : lastSuccessMs,
    rowsAdded: merged.addedByPod.get(pod.id) ?? 0,
    rowsUpdated: merged.updatedByPod.get(pod.id) ?? 0,
    invalidRecords: reading.invalid.length,
    bytes: reading.bytes,
    error: reading.error,
  };
}

/** Places each item at its existing row, or after the last row when it is new. */
function positionedUpdates<T>(items: readonly T[], rowCount: number, positionOf: (item: T) => number | undefined, cells: (item: T) => RowValues): Map<number, RowValues> {
  const updates = new Map<number, RowValues>();
  let next = rowCount;
  for (const item of items) {
    const position = positionOf(item) ?? next++;
    updates.set(position, cells(item));
  }
  return updates;
}

function sum(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  counts.forEach((count) => (total += count));
  return total;
}

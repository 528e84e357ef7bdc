/**
 * The live pods sidebar's server functions. The first paint reads only the cache and the sheet.
 * An update sends one request to RunPod's GraphQL API, and never reads the pods' logs or writes a tab.
 */
import type { PodSnapshot } from '../core/types';
import type { HttpResult } from '../platform/http-port';
import { loadSettings } from '../platform/settings-store';
import { errorMessage, urlFetchPort } from '../platform/url-fetch';
import { readSnapshotAnswer, snapshotRequest, type RunPodSnapshot } from '../runpod/snapshot';
import type { LivePodsSource, LivePodsView, StopPodResult } from '../shared/rpc';
import { loadGpuIdleSince, recordGpuIdle } from './gpu-idle';
import { cacheFailure, cacheObservation, readCachedFailure, readCachedObservation, readLivePodsTab, readOpenSessions } from './live-pods-sources';
import { buildLivePodsView, observationFromSnapshot, type Observation } from './live-pods-view';
import { isPodId, readStopAnswer, stopRequest } from './pod-stop';
import { loadSidebarSettings } from './sidebar-settings';

/** How long an update waits for a running refresh before it skips recording idle GPUs; the refresh records them itself. */
const IDLE_LOCK_WAIT_MS = 2000;

export function showLivePodsSidebar(): void {
  const html = HtmlService.createHtmlOutputFromFile('sidebar').setTitle('Live pods');
  SpreadsheetApp.getUi().showSidebar(html);
}

/**
 * Returns the newest snapshot known without asking RunPod: the sidebar's cached one or the Live
 * Pods tab's, whichever was taken later. A tab snapshot borrows disk sizes from the cached one.
 */
export function livePodsView(): LivePodsView {
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  const cached = readCachedObservation();
  const tab = readLivePodsTab(spreadsheet);

  let observation: Observation | null = cached;
  let source: LivePodsSource = 'cache';
  if (tab.observation && (!cached || tab.observation.takenMs > cached.takenMs)) {
    observation = withCachedDiskSizes(tab.observation, cached);
    source = 'sheet';
  }
  return buildLivePodsView(observation, source, {
    controlPanels: tab.controlPanels,
    openSessions: readOpenSessions(spreadsheet),
    gpuIdleSince: loadGpuIdleSince(),
    settings: loadSidebarSettings(),
    lastFailure: readCachedFailure(),
  }, Date.now());
}

/** Asks RunPod for the pods and the account with the current person's key; throws with a readable message when that fails. */
export function updateLivePodsView(): LivePodsView {
  const nowMs = Date.now();
  const snapshot = takeSnapshot(nowMs);
  return viewOfSnapshot(snapshot, nowMs);
}

/** Stops a pod when Settings allows it, then requests the pods from RunPod again to show their status. */
export function stopPodFromSidebar(podId: unknown): StopPodResult {
  if (!loadSidebarSettings().allowStopPods) {
    throw new Error('Stopping pods from the sidebar is turned off. An editor can turn it on in Usage > Settings….');
  }
  if (!isPodId(podId)) {
    throw new Error(`"${String(podId)}" is not a RunPod pod id, so nothing was stopped.`);
  }
  const apiKey = requireApiKey();
  const label = readCachedObservation()?.pods.find((pod) => pod.id === podId)?.name ?? podId;

  const log = (message: string) => console.log(message);
  const answer = readStopAnswer(urlFetchPort(log).fetchAll([stopRequest(apiKey, podId)])[0] as HttpResult, label);
  if (!answer.ok) {
    console.warn(answer.message);
    throw new Error(answer.message);
  }
  console.log(`Stopped pod ${podId} (${answer.podName}) from the sidebar; RunPod reports ${answer.desiredStatus}.`);

  const result: StopPodResult = { podId, podName: answer.podName, reportedStatus: answer.desiredStatus.toLowerCase(), view: null, updateError: null };
  try {
    result.view = updateLivePodsView();
  } catch (error) {
    result.updateError = errorMessage(error);
  }
  return result;
}

function takeSnapshot(nowMs: number): RunPodSnapshot {
  const apiKey = requireApiKey();
  const log = (message: string) => console.log(message);
  const answer = readSnapshotAnswer(urlFetchPort(log).fetchAll([snapshotRequest(apiKey)])[0] as HttpResult);
  if (!answer.ok) {
    console.warn(`Live pods update failed (${answer.failure.action}): ${answer.failure.message}`);
    cacheFailure(nowMs, answer.failure.message);
    throw new Error(answer.failure.message);
  }
  return answer.snapshot;
}

function viewOfSnapshot(snapshot: RunPodSnapshot, nowMs: number): LivePodsView {
  recordIdleUnlessRefreshRuns(snapshot.pods, nowMs);
  const observation = observationFromSnapshot(snapshot.account, snapshot.pods, nowMs);
  cacheObservation(observation);

  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  return buildLivePodsView(observation, 'runpod', {
    controlPanels: readLivePodsTab(spreadsheet).controlPanels,
    openSessions: readOpenSessions(spreadsheet),
    gpuIdleSince: loadGpuIdleSince(),
    settings: loadSidebarSettings(),
    lastFailure: null,
  }, nowMs);
}

/** Records idle GPUs under the script lock; while a refresh holds it, the refresh's own observation counts instead. */
function recordIdleUnlessRefreshRuns(pods: readonly PodSnapshot[], nowMs: number): void {
  const lock = LockService.getScriptLock();
  if (!lock.tryLock(IDLE_LOCK_WAIT_MS)) {
    console.log('A refresh is running, so this sidebar update leaves idle GPUs to it.');
    return;
  }
  try {
    recordGpuIdle(pods, nowMs);
  } finally {
    lock.releaseLock();
  }
}

function requireApiKey(): string {
  const settings = loadSettings();
  if (!settings.apiKey) {
    throw new Error('No RunPod API key is stored for you. Keys are private to each person, so open Usage > Settings… and paste your RunPod API key.');
  }
  return settings.apiKey;
}

function withCachedDiskSizes(observation: Observation, cached: Observation | null): Observation {
  if (!cached) return observation;
  const sizes = new Map(cached.pods.map((pod) => [pod.id, pod.volumeGb]));
  return { ...observation, pods: observation.pods.map((pod) => ({ ...pod, volumeGb: sizes.get(pod.id) ?? null })) };
}

/**
 * Builds what the live pods sidebar shows from one observation of RunPod's pods and the facts the
 * sheet keeps: open sessions, control-panel states and idle GPUs. Pure, so tests call it directly.
 */
import type { AccountSnapshot, PodSnapshot } from '../core/types';
import { podStatus } from '../sheet/derived-tabs';
import type { AccountView, LivePodsSource, LivePodsView, LivePodView, StoppedPodView } from '../shared/rpc';
import type { GpuIdleSince } from './gpu-idle';
import type { SidebarSettings } from './sidebar-settings';

/**
 * RunPod's price for the volume disk of a stopped pod, in USD per GB per month, from RunPod's
 * storage documentation (docs.runpod.io/pods/storage): $0.10 while running, $0.20 while stopped.
 * The container disk is cleared when a pod stops and costs nothing then.
 */
export const STOPPED_VOLUME_USD_PER_GB_MONTH = 0.2;

/** A pod stays unflagged in its first hour, while it loads models or data. */
export const IDLE_GRACE_SECONDS = 3600;

/** Statuses of pods that run or are about to run, so their GPU is billed. */
const ACTIVE_STATUSES = new Set(['running', 'starting', 'created', 'restarting']);

/** A pod as observed once, from RunPod or read back from the Live Pods tab. */
export interface ObservedPod {
  id: string;
  name: string;
  /** As the Live Pods tab writes it: `running`, `starting`, or RunPod's status in lower case. */
  status: string;
  gpuType: string | null;
  gpuCount: number | null;
  costPerHr: number | null;
  uptimeSeconds: number | null;
  gpuUtilPercent: number | null;
  gpuMemoryPercent: number | null;
  volumeGb: number | null;
}

/** One snapshot of the pods and the account, as the sidebar caches it. */
export interface Observation {
  takenMs: number;
  pods: ObservedPod[];
  account: AccountView | null;
}

/** Facts from the sheet and the document properties that complete an observation. */
export interface SheetFacts {
  /** Pod id to the Live Pods tab's "Control Panel" cell. */
  controlPanels: ReadonlyMap<string, string>;
  /** Pod id to the users with an open session on it. */
  openSessions: ReadonlyMap<string, string[]>;
  gpuIdleSince: Readonly<GpuIdleSince>;
  settings: SidebarSettings;
  lastFailure: { atMs: number; message: string } | null;
}

export function observationFromSnapshot(account: AccountSnapshot, pods: readonly PodSnapshot[], takenMs: number): Observation {
  return {
    takenMs,
    account: {
      balance: account.balance,
      spendPerHr: account.spendPerHr,
      spendLimit: account.spendLimit,
      // As in the Account tab: pods stop when the balance reaches $0, so a negative balance leaves no runway.
      runwayHours: account.spendPerHr > 0 ? Math.max(0, account.balance / account.spendPerHr) : null,
    },
    pods: pods.map((pod) => ({
      id: pod.id,
      name: pod.name,
      status: podStatus(pod),
      gpuType: pod.gpuType,
      gpuCount: pod.gpuCount,
      costPerHr: pod.costPerHr,
      uptimeSeconds: pod.uptimeSeconds,
      gpuUtilPercent: pod.gpuUtilPercent,
      gpuMemoryPercent: pod.gpuMemoryPercent,
      volumeGb: pod.volumeGb ?? null,
    })),
  };
}

export function buildLivePodsView(observation: Observation | null, source: LivePodsSource, facts: SheetFacts, nowMs: number): LivePodsView {
  const pods = observation?.pods ?? [];
  const takenMs = observation?.takenMs ?? null;
  const lastFailure = facts.lastFailure && (takenMs === null || facts.lastFailure.atMs > takenMs) ? facts.lastFailure : null;
  return {
    pods: pods.filter((pod) => ACTIVE_STATUSES.has(pod.status)).map((pod) => livePod(pod, facts, takenMs ?? nowMs)),
    stoppedPods: pods.filter(isStoppedWithDisk).map(stoppedPod),
    account: observation?.account ?? null,
    takenMs,
    source: observation ? source : 'none',
    serverNowMs: nowMs,
    lastFailure,
    idleAfterHours: facts.settings.idleAfterHours,
    allowStopPods: facts.settings.allowStopPods,
  };
}

function livePod(pod: ObservedPod, facts: SheetFacts, takenMs: number): LivePodView {
  const idleSinceMs = pod.status === 'running' && pod.gpuUtilPercent === 0 ? (facts.gpuIdleSince[pod.id] ?? null) : null;
  const pastGrace = pod.uptimeSeconds !== null && pod.uptimeSeconds >= IDLE_GRACE_SECONDS;
  const idleLongEnough = idleSinceMs !== null && takenMs - idleSinceMs >= facts.settings.idleAfterHours * 3_600_000;
  return {
    id: pod.id,
    name: pod.name,
    status: pod.status,
    gpuType: pod.gpuType,
    gpuCount: pod.gpuCount,
    costPerHr: pod.costPerHr,
    uptimeSeconds: pod.uptimeSeconds,
    gpuUtilPercent: pod.gpuUtilPercent,
    gpuMemoryPercent: pod.gpuMemoryPercent,
    users: facts.openSessions.get(pod.id) ?? [],
    controlPanel: facts.controlPanels.get(pod.id) ?? null,
    gpuIdleSinceMs: idleSinceMs,
    idle: pastGrace && idleLongEnough,
  };
}

/**
 * Decides whether a pod is stopped with a volume disk, which RunPod keeps until the pod is
 * terminated. A pod read from the Live Pods tab has no disk size, so it is listed with an unknown
 * size rather than left out.
 * NOTE: RunPod documents the price of a stopped pod's volume, not whether PAUSED or DEAD pods pay
 * it too; they are listed as stopped.
 */
function isStoppedWithDisk(pod: ObservedPod): boolean {
  if (ACTIVE_STATUSES.has(pod.status) || pod.status === 'terminated') return false;
  return pod.volumeGb === null || pod.volumeGb > 0;
}

function stoppedPod(pod: ObservedPod): StoppedPodView {
  return {
    id: pod.id,
    name: pod.name,
    status: pod.status,
    volumeGb: pod.volumeGb,
    diskCostPerMonth: pod.volumeGb === null ? null : pod.volumeGb * STOPPED_VOLUME_USD_PER_GB_MONTH,
  };
}

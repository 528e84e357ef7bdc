/**
 * Idle GPUs across refreshes. For each running pod whose GPU showed 0% at every observation, one
 * document property stores the instant of the first of those observations. Both the refresh and
 * the sidebar's updates record observations; a pod leaves the map as soon as its GPU shows use.
 */
import type { PodSnapshot } from '../core/types';

const GPU_IDLE_SINCE_PROPERTY = 'livePods.gpuIdleSince';

/** Pod id to epoch milliseconds since which the pod's GPU has shown 0% at every observation. */
export type GpuIdleSince = Record<string, number>;

/**
 * Returns the map after one observation. A pod is kept only while it runs with its GPU at 0%, and
 * a restart since the stored instant starts the count again at this observation.
 * NOTE: RunPod's first GPU stands for the pod, as in the Live Pods tab, so a pod using only its
 * second GPU counts as idle.
 */
export function nextGpuIdleSince(previous: Readonly<GpuIdleSince>, pods: readonly PodSnapshot[], observedMs: number): GpuIdleSince {
  const next: GpuIdleSince = {};
  for (const pod of pods) {
    if (!pod.runtimeUp || pod.gpuUtilPercent !== 0) continue;
    const stored = previous[pod.id];
    const startedMs = pod.uptimeSeconds === null ? null : observedMs - pod.uptimeSeconds * 1000;
    const restartedSince = stored !== undefined && startedMs !== null && stored < startedMs;
    next[pod.id] = stored === undefined || restartedSince ? observedMs : Math.min(stored, observedMs);
  }
  return next;
}

/** Reads the stored map; a missing or unreadable property reads as empty. */
export function loadGpuIdleSince(): GpuIdleSince {
  const text = PropertiesService.getDocumentProperties().getProperty(GPU_IDLE_SINCE_PROPERTY);
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const map: GpuIdleSince = {};
    for (const [podId, sinceMs] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof sinceMs === 'number' && Number.isFinite(sinceMs)) map[podId] = sinceMs;
    }
    return map;
  } catch {
    return {};
  }
}

/**
 * Records one observation of the pods. The caller holds the script lock, so that a refresh and a
 * sidebar update never overwrite each other's observation. Logs and swallows storage errors,
 * because a lost observation only delays an idle flag and must not fail a refresh.
 */
export function recordGpuIdle(pods: readonly PodSnapshot[], observedMs: number): void {
  try {
    const previous = loadGpuIdleSince();
    const next = nextGpuIdleSince(previous, pods, observedMs);
    const text = JSON.stringify(next);
    if (text === JSON.stringify(previous)) return;
    const properties = PropertiesService.getDocumentProperties();
    if (Object.keys(next).length === 0) properties.deleteProperty(GPU_IDLE_SINCE_PROPERTY);
    else properties.setProperty(GPU_IDLE_SINCE_PROPERTY, text);
  } catch (error) {
    console.warn(`Recording idle GPUs failed, so idle flags may appear one refresh late: ${error instanceof Error ? error.message : String(error)}`);
  }
}

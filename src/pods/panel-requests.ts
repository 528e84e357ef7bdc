/** Plans the requests for each pod's usage log through RunPod's proxy. */
import type { PodSnapshot } from '../core/types';
import type { HttpRequest } from '../platform/http-port';

export interface PanelSettings {
  /** The control panel's container port, exposed on the pod as `<port>/http`. */
  port: number;
  /** Paths to read on the panel, each starting with `/`. */
  paths: string[];
  /** Sent as `Authorization: Bearer <token>` when set. */
  podToken: string | null;
}

/** The reason a pod's log is not requested. */
export type SkipReason = 'not running' | 'not exposed';

export interface PodPlan {
  pod: PodSnapshot;
  /** One request per configured path; empty when the pod is skipped. */
  requests: HttpRequest[];
  skip: { reason: SkipReason; message: string } | null;
  /** The end of the last read of the pod's event log, in epoch ms, or null before the first read. */
  cursorMs: number | null;
}

/** Tells the exporter's event-log path, which accepts `?since=`, from the panel's own paths. */
export function isEventLogPath(path: string): boolean {
  return /usage-log\/?$/.test(path);
}

/**
 * Asks the exporter only for events from the cursor's second on. Whole seconds, rounded down, so
 * an event in the same second as the cursor is never missed; the pairing skips what was seen.
 */
function withCursor(path: string, cursorMs: number | null): string {
  if (cursorMs === null || !isEventLogPath(path)) return path;
  return `${path}?since=${Math.floor(cursorMs / 1000)}`;
}

/** RunPod pod ids are lower-case letters and digits; anything else must not become a host name. */
const POD_ID_PATTERN = /^[a-z0-9]{1,64}$/;

/**
 * Plans the log requests for each pod. Proxy URLs are rebuilt from the live pod list every time,
 * because a migrated pod gets a new id.
 */
export function planPanelRequests(pods: readonly PodSnapshot[], settings: PanelSettings, cursors: ReadonlyMap<string, number> = new Map()): PodPlan[] {
  return pods.map((pod) => {
    if (pod.desiredStatus !== 'RUNNING') {
      return skipped(pod, 'not running', `RunPod reports the pod as ${pod.desiredStatus}.`);
    }
    if (!pod.runtimeUp) {
      return skipped(pod, 'not running', 'The pod is starting: RunPod reports no running container yet.');
    }
    if (!pod.httpPorts.includes(settings.port)) {
      const exposed = pod.httpPorts.length ? pod.httpPorts.map((port) => `${port}/http`).join(', ') : 'no HTTP ports';
      return skipped(pod, 'not exposed', `Port ${settings.port} is not exposed as ${settings.port}/http (the pod exposes ${exposed}). Add it to the pod's template if this pod runs the control panel.`);
    }
    if (!POD_ID_PATTERN.test(pod.id)) {
      return skipped(pod, 'not exposed', 'The pod id has characters a proxy host name cannot hold.');
    }

    const headers: Record<string, string> = settings.podToken ? { Authorization: `Bearer ${settings.podToken}` } : {};
    const cursorMs = cursors.get(pod.id) ?? null;
    const requests = settings.paths.map((path) => ({ url: proxyUrl(pod.id, settings.port, withCursor(path, cursorMs)), method: 'get' as const, headers }));
    return { pod, requests, skip: null, cursorMs };
  });
}

/** Builds the RunPod proxy URL of a pod's container port. */
export function proxyUrl(podId: string, port: number, path: string): string {
  return `https://${podId}-${port}.proxy.runpod.net${path}`;
}

function skipped(pod: PodSnapshot, reason: SkipReason, message: string): PodPlan {
  return { pod, requests: [], skip: { reason, message }, cursorMs: null };
}

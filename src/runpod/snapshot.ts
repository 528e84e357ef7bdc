/** Requests the account and its pods from RunPod, and turns every kind of response into data or a clear error. */
import * as v from 'valibot';

import { describeIssues } from '../core/log-schemas';
import type { AccountSnapshot, PodSnapshot } from '../core/types';
import { headerValue, type HttpRequest, type HttpResult } from '../platform/http-port';
import { RUNPOD_GRAPHQL_URL, SNAPSHOT_QUERY } from './graphql-query';
import { MyselfSchema, PodSchema, type RunPodPod } from './snapshot-schema';

export interface RunPodSnapshot {
  /** RunPod's id of the account the key belongs to. */
  accountId: string;
  account: AccountSnapshot;
  pods: PodSnapshot[];
  /** Pods RunPod listed in a shape the sheet cannot read, with the reason; their rows are left alone. */
  unreadablePods: { id: string; reason: string }[];
}

/** The action a person should take after a failure: fix the key, or wait for the next refresh. */
export type RunPodFailureAction = 'fix key' | 'wait' | 'report bug';

export interface RunPodFailure {
  action: RunPodFailureAction;
  message: string;
}

export type RunPodAnswer = { ok: true; snapshot: RunPodSnapshot } | { ok: false; failure: RunPodFailure };

/** Builds the request; the key travels only in the Authorization header, never in the URL. */
export function snapshotRequest(apiKey: string): HttpRequest {
  return {
    url: RUNPOD_GRAPHQL_URL,
    method: 'post',
    headers: { Authorization: `Bearer ${apiKey}` },
    jsonBody: JSON.stringify({ query: SNAPSHOT_QUERY, variables: {} }),
  };
}

/** Interprets RunPod's response to the snapshot request. */
export function readSnapshotAnswer(result: HttpResult): RunPodAnswer {
  if (!result.ok) {
    return fail('wait', `Could not reach RunPod's API (${result.error}). The next refresh tries again.`);
  }

  const statusFailure = failureForStatus(result);
  if (statusFailure) {
    return { ok: false, failure: statusFailure };
  }

  let body: unknown;
  try {
    body = JSON.parse(result.text);
  } catch {
    return fail('wait', `RunPod answered HTTP ${result.status} with a body that is not JSON (${preview(result.text)}). The next refresh tries again.`);
  }

  const envelope = body as { data?: { myself?: unknown } | null; errors?: { message?: unknown }[] };
  const errors = Array.isArray(envelope.errors) ? envelope.errors : [];
  const myself = envelope.data?.myself;
  if (errors.length > 0 && (myself === null || myself === undefined)) {
    return fail('wait', `RunPod's API returned an error: ${errorText(errors)}. This is usually a fault on RunPod's side; the next refresh tries again.`);
  }
  if (myself === null || myself === undefined) {
    return fail('fix key', 'RunPod returned no account for this request, which happens when no API key reaches it. Open Usage > Settings… and paste your RunPod API key again.');
  }

  const parsed = v.safeParse(MyselfSchema, myself);
  if (!parsed.success) {
    return fail('report bug', `RunPod's response has an unexpected shape at myself.${describeIssues(parsed.issues)}. RunPod may have changed its API; report this with the execution log.`);
  }

  const account: AccountSnapshot = {
    balance: parsed.output.clientBalance,
    spendPerHr: parsed.output.currentSpendPerHr,
    spendLimit: parsed.output.spendLimit ?? null,
  };
  const pods: PodSnapshot[] = [];
  const unreadablePods: { id: string; reason: string }[] = [];
  parsed.output.pods.forEach((raw, index) => {
    const pod = v.safeParse(PodSchema, raw);
    if (pod.success) {
      pods.push(toPodSnapshot(pod.output));
      return;
    }
    const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : `#${index}`;
    unreadablePods.push({ id, reason: `myself.pods.${index}.${describeIssues(pod.issues)}` });
  });
  return { ok: true, snapshot: { accountId: parsed.output.id, account, pods, unreadablePods } };
}

function failureForStatus(result: Extract<HttpResult, { ok: true }>): RunPodFailure | null {
  const status = result.status;
  if (status === 200) {
    return null;
  }
  if (status === 401) {
    return { action: 'fix key', message: 'RunPod rejected the API key (HTTP 401). Create a read-only key in RunPod\'s console, then open Usage > Settings… and paste it.' };
  }
  if (status === 403) {
    return { action: 'wait', message: 'RunPod rejected the request (HTTP 403, often its firewall blocking a burst of requests). Wait for the next refresh; if this persists for hours, check that the key is enabled in RunPod\'s console.' };
  }
  if (status === 429) {
    const retryAfter = headerValue(result.headers, 'Retry-After');
    const when = retryAfter ? ` RunPod asks to wait ${retryAfter} seconds.` : '';
    return { action: 'wait', message: `RunPod is rate-limiting requests (HTTP 429).${when} The next refresh tries again.` };
  }
  if (status === 400) {
    return { action: 'report bug', message: `RunPod rejected the sheet's query (HTTP 400: ${errorTextFromBody(result.text)}). RunPod may have changed its API; report this with the execution log.` };
  }
  if (status >= 500) {
    return { action: 'wait', message: `RunPod's API is failing (HTTP ${status}). The next refresh tries again.` };
  }
  return { action: 'wait', message: `RunPod's API returned HTTP ${status} (${preview(result.text)}). The next refresh tries again.` };
}

/** Reduces RunPod's pod object to what the sheet uses; a running pod's price of 0 means unknown. */
export function toPodSnapshot(pod: RunPodPod): PodSnapshot {
  const adjusted = pod.adjustedCostPerHr ?? 0;
  const listed = pod.costPerHr ?? 0;
  let costPerHr: number | null = null;
  if (adjusted > 0) costPerHr = adjusted;
  else if (listed > 0) costPerHr = listed;
  const gpu = pod.runtime?.gpus?.[0];
  return {
    id: pod.id,
    name: pod.name ?? pod.id,
    desiredStatus: pod.desiredStatus,
    runtimeUp: pod.desiredStatus === 'RUNNING' && !!pod.runtime,
    costPerHr,
    gpuType: pod.machine?.gpuDisplayName ?? null,
    gpuCount: pod.gpuCount ?? null,
    httpPorts: parseHttpPorts(pod.ports),
    uptimeSeconds: pod.runtime?.uptimeInSeconds ?? null,
    gpuUtilPercent: gpu?.gpuUtilPercent ?? null,
    gpuMemoryPercent: gpu?.memoryUtilPercent ?? null,
    location: pod.machine?.location ?? null,
    volumeGb: pod.volumeInGb ?? null,
    containerDiskGb: pod.containerDiskInGb ?? null,
  };
}

/** Reads RunPod's port list, such as `7777/http,8188/http,22/tcp`, into the HTTP ports. */
export function parseHttpPorts(ports: string | null | undefined): number[] {
  if (!ports) return [];
  return ports
    .split(',')
    .map((entry) => entry.trim().split('/'))
    .filter(([, type]) => (type ?? '').toLowerCase() === 'http')
    .map(([port]) => Number(port))
    .filter((port) => Number.isInteger(port) && port > 0);
}

function fail(action: RunPodFailureAction, message: string): RunPodAnswer {
  return { ok: false, failure: { action, message } };
}

/** Joins GraphQL error messages without their final full stops, as the caller adds its own. */
function errorText(errors: { message?: unknown }[]): string {
  return errors.map((error) => (typeof error.message === 'string' ? error.message.replace(/\.+\s*$/, '') : 'unknown error')).join('; ');
}

function errorTextFromBody(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { message?: unknown }[] };
    if (Array.isArray(body.errors)) return errorText(body.errors);
  } catch {
    // Not JSON: fall through to a preview of the text.
  }
  return preview(text);
}

/** Shows the start of a body on one line, with HTML tags removed, for error messages. */
export function preview(text: string): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 120 ? `${plain.slice(0, 120)}…` : plain || 'empty body';
}

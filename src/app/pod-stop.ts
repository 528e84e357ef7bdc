/**
 * Stopping a pod through RunPod's GraphQL API: the `podStop` mutation, with the key in the
 * Authorization header and the pod id as a variable, never spliced into the query text.
 */
import type { HttpRequest, HttpResult } from '../platform/http-port';
import { RUNPOD_GRAPHQL_URL } from '../runpod/graphql-query';
import { preview } from '../runpod/snapshot';

const STOP_MUTATION = `mutation UsageSheetStopPod($podId: String!) {
  podStop(input: { podId: $podId }) { id name desiredStatus }
}`;

/** RunPod pod ids are short strings of letters and digits. */
const POD_ID_PATTERN = /^[A-Za-z0-9]{1,64}$/;

export type StopAnswer = { ok: true; podId: string; podName: string; desiredStatus: string } | { ok: false; message: string };

export function isPodId(value: unknown): value is string {
  return typeof value === 'string' && POD_ID_PATTERN.test(value);
}

export function stopRequest(apiKey: string, podId: string): HttpRequest {
  return {
    url: RUNPOD_GRAPHQL_URL,
    method: 'post',
    headers: { Authorization: `Bearer ${apiKey}` },
    jsonBody: JSON.stringify({ query: STOP_MUTATION, variables: { podId } }),
  };
}

/** Interprets RunPod's response to the stop, with `label` (the pod's name or id) in every message. */
export function readStopAnswer(result: HttpResult, label: string): StopAnswer {
  if (!result.ok) {
    return { ok: false, message: `Could not reach RunPod's API to stop ${label} (${result.error}). The pod was not stopped; try again.` };
  }
  if (result.status === 401) {
    return { ok: false, message: `RunPod rejected the API key (HTTP 401), so ${label} was not stopped. Open Usage > Settings… and paste a valid key.` };
  }
  if (result.status !== 200) {
    return { ok: false, message: `RunPod responded with HTTP ${result.status} (${errorText(result.text)}), so ${label} may not have stopped. Press Refresh to see its status.` };
  }

  let body: { data?: { podStop?: { id?: unknown; name?: unknown; desiredStatus?: unknown } | null } | null; errors?: unknown };
  try {
    body = JSON.parse(result.text) as typeof body;
  } catch {
    return { ok: false, message: `RunPod responded to the stop of ${label} with a body that is not JSON (${preview(result.text)}). Press Refresh to see its status.` };
  }

  const pod = body.data?.podStop;
  if (!pod || typeof pod.desiredStatus !== 'string') {
    const reason = Array.isArray(body.errors) ? messagesOf(body.errors) : 'no pod in the answer';
    return {
      ok: false,
      message: `RunPod did not stop ${label}: ${reason}. A read-only API key cannot stop pods: stopping needs a key with write access.`,
    };
  }
  return {
    ok: true,
    podId: typeof pod.id === 'string' ? pod.id : '',
    podName: typeof pod.name === 'string' && pod.name !== '' ? pod.name : label,
    desiredStatus: pod.desiredStatus,
  };
}

function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors)) return messagesOf(body.errors);
  } catch {
    // Not JSON: an HTML error page, shown as a preview.
  }
  return preview(text);
}

function messagesOf(errors: unknown[]): string {
  return errors.map((error) => (typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : 'unknown error')).join('; ');
}

/** Reads a pod's responses into sessions, or into a sync result that names what went wrong. */
import { parseJsonBody } from '../core/json-body';
import { describeKind, nextCursor, pairEvents, parseUsageLog } from '../core/usage-log';
import { parseUserStats } from '../core/user-stats';
import type { InvalidRecord, Session } from '../core/types';
import { headerValue, type HttpRequest, type HttpResult } from '../platform/http-port';
import { isEventLogPath } from './panel-requests';
import { preview } from '../runpod/snapshot';

/** The result column of the Sync Status tab. */
export type SyncResult = 'ok' | 'unreachable' | 'invalid log' | 'not exposed' | 'not running' | 'unauthorized' | 'log busy' | 'not found' | 'not reached';

export interface PodReading {
  result: SyncResult;
  sessions: Session[];
  invalid: InvalidRecord[];
  /** Empty when every path returned a usable log. */
  error: string;
  bytes: number;
  /** The start of the next incremental read of the event log, in epoch ms. */
  cursorMs: number | null;
  /** True when an event log was read, so a running session missing from it really is gone. */
  eventLogRead: boolean;
}

interface PathReading {
  path: string;
  result: SyncResult;
  sessions: Session[];
  invalid: InvalidRecord[];
  /** The problem on this path, without the path, or empty when there was none. */
  problem: string;
  cursorMs?: number | null;
  /** A `not found` that means a missing file on the pod, not a path this panel lacks by design. */
  missingFile?: boolean;
}

/** Tells whether a path does not exist on a pod (HTTP 404), so the next configured path is worth asking. */
export function isPathMissing(result: HttpResult): boolean {
  return result.ok && result.status === 404;
}

/** When no path gives sessions, the pod's result is the most telling failure among its paths. */
const FAILURE_PRIORITY: SyncResult[] = ['unauthorized', 'log busy', 'invalid log', 'unreachable', 'not found'];

/** Reads every response of one pod. The pod is ok when at least one path returned a usable log. */
export function readPodAnswers(podId: string, requests: readonly HttpRequest[], results: readonly HttpResult[], cursorMs: number | null = null): PodReading {
  const readings = results.map((result, index) => readPathAnswer(podId, pathOf((requests[index] as HttpRequest).url), result, cursorMs));
  const logReading = readings.find((reading) => reading.cursorMs !== undefined);
  const nextCursorMs = logReading?.cursorMs !== undefined ? logReading.cursorMs : cursorMs;
  const bytes = results.reduce((sum, result) => sum + (result.ok ? result.bytes : 0), 0);
  const good = readings.filter((reading) => reading.result === 'ok');
  // A path the panel lacks is normal; a missing event-log file on the pod is worth a word.
  const problems = readings.filter((reading) => reading.result !== 'ok' && (reading.result !== 'not found' || (reading.missingFile && isEventLogPath(reading.path))));

  if (good.length > 0) {
    // The event log is the only source of running sessions: when it failed, the pod is not `ok`
    // even though another path gave finished sessions, so Last Success and the cursor stay put.
    const logProblem = problems.find((reading) => isEventLogPath(reading.path));
    return {
      result: logProblem ? logProblem.result : 'ok',
      sessions: good.flatMap((reading) => reading.sessions),
      invalid: good.flatMap((reading) => reading.invalid),
      error: joinProblems(problems.concat(good)),
      bytes,
      cursorMs: nextCursorMs,
      eventLogRead: logReading !== undefined,
    };
  }

  const worst = FAILURE_PRIORITY.find((result) => readings.some((reading) => reading.result === result)) ?? 'unreachable';
  const error = joinProblems(readings.filter((reading) => reading.result === worst));
  return { result: worst, sessions: [], invalid: [], error, bytes, cursorMs, eventLogRead: false };
}

/** Joins the paths' problems into one text, stating a problem that several paths share once. */
function joinProblems(readings: readonly PathReading[]): string {
  const pathsByProblem = new Map<string, string[]>();
  for (const reading of readings) {
    if (reading.problem === '') continue;
    const paths = pathsByProblem.get(reading.problem) ?? [];
    paths.push(reading.path);
    pathsByProblem.set(reading.problem, paths);
  }
  return Array.from(pathsByProblem, ([problem, paths]) => {
    const others = paths.length > 1 ? ` ${paths.slice(1).join(' and ')} failed the same way.` : '';
    return `${paths[0]}: ${problem}${others}`;
  }).join(' ');
}

/**
 * The largest response read as a log: 10 MiB, the exporter's default file limit. The panel keeps
 * its newest 1000 events, about 175 KB, so a larger response is not a usage log.
 */
export const MAX_LOG_BYTES = 10 * 1024 * 1024;

function readPathAnswer(podId: string, path: string, result: HttpResult, cursorMs: number | null): PathReading {
  if (!result.ok) {
    return transportFailure(path, result.error);
  }

  const { status, text } = result;
  const isHtml = (headerValue(result.headers, 'Content-Type') ?? '').includes('text/html') || text.trimStart().startsWith('<');
  if ((status === 401 || status === 403) && isHtml) {
    return failed('unauthorized', path, `a sign-in page or RunPod's firewall responded with HTTP ${status} instead of the control panel (${preview(text)}). Check that the port in Usage > Settings… serves the panel without a login.`);
  }
  if (status === 401 || status === 403) {
    return failed('unauthorized', path, `the control panel rejected the request (HTTP ${status}). Check the pod token in Usage > Settings… against the exporter's token.`);
  }
  if (status === 404 && !isHtml) {
    return notFound(path, text);
  }
  if (status === 404) {
    return failed('not found', path, `HTTP 404 page: the path does not exist on the control panel (check the paths in Usage > Settings…), or RunPod's proxy knows no pod with this id because it was terminated or moved.`);
  }
  if (status === 503 && !isHtml) {
    return failed('log busy', path, `the exporter could not read a whole file (HTTP 503: ${panelErrorText(text)}). The next refresh tries again; if Last Success stays old over several refreshes, check the file on the pod.`);
  }
  if (status !== 200 && !isHtml) {
    return failed('invalid log', path, `the control panel responded with HTTP ${status} (${panelErrorText(text)}), so it could not serve the log file. The exporter's log on the pod has the cause.`);
  }
  if (status !== 200) {
    return failed('unreachable', path, `RunPod's proxy answered HTTP ${status}${proxyHint(status)} (${preview(text)}).`);
  }
  if (result.bytes > MAX_LOG_BYTES) {
    return failed('invalid log', path, `the response is ${megabytes(result.bytes)} MB, more than the ${megabytes(MAX_LOG_BYTES)} MB any pod log reaches (the panel keeps 1000 events, about 175 KB), so it was not read. Check the paths in Usage > Settings….`);
  }

  const parsed = parseJsonBody(text);
  if (!parsed.ok && isSignInPage(text)) {
    return failed('unauthorized', path, `the port returned a sign-in page instead of the control panel's JSON (${preview(text)}). Set the port in Usage > Settings… to the one the control panel or exporter listens on, without a login in front.`);
  }
  if (!parsed.ok) {
    return failed('invalid log', path, `${parsed.message}.`);
  }
  if (Array.isArray(parsed.value)) {
    const events = parseUsageLog(podId, parsed.value);
    if ('error' in events) return failed('invalid log', path, `${events.error}.`);
    const paired = pairEvents(podId, events.events, { syncedUntilMs: cursorMs ?? undefined });
    const cursorEvents = events.events.filter((event) => !paired.backwardStarts.includes(event));
    return {
      path,
      result: 'ok',
      sessions: paired.sessions,
      invalid: events.invalid.concat(paired.invalid),
      problem: truncationWarning(result.headers, cursorMs),
      cursorMs: nextCursor(cursorEvents, paired.sessions, cursorMs),
    };
  }
  if (!isPlainObject(parsed.value)) {
    return failed('invalid log', path, `expected a JSON array of start/stop events, or from /api/user_stats an object keyed by user name, got ${describeKind(parsed.value)}.`);
  }
  const stats = parseUserStats(podId, parsed.value);
  if ('error' in stats) return failed('invalid log', path, `${stats.error}.`);
  return { path, result: 'ok', sessions: stats.sessions, invalid: stats.invalid, problem: '' };
}

/**
 * Describes a request that got no HTTP response. UrlFetchApp reports these only as exception text,
 * so the kind is read from the message's start.
 * NOTE: the patterns follow the test fake's messages. Apps Script's wording for timeouts and
 * oversized responses is not confirmed, and an unknown wording falls back to "failed or dropped".
 */
function transportFailure(path: string, error: string): PathReading {
  if (/too large/i.test(error)) {
    return failed('invalid log', path, `the response was larger than the 50 MB UrlFetchApp accepts, far more than any pod log, so it was not read (${error}). Check the paths in Usage > Settings….`);
  }
  let problem = 'the connection failed or was dropped before an answer';
  if (/^Timeout/i.test(error)) problem = 'no answer before UrlFetchApp gave up waiting, so the control panel or the pod hangs';
  else if (/^Address unavailable/i.test(error)) problem = 'the connection was refused';
  else if (/^DNS error/i.test(error)) problem = 'the proxy host name could not be resolved';
  // The URL in the message repeats the pod and the path, and would keep two paths' identical
  // problems from being stated once.
  const withoutUrl = error.replace(/:?\s*https?:\/\/\S+/g, '');
  return failed('unreachable', path, `${problem} (${withoutUrl}).`);
}

/** Returns the `error` and `detail` fields of the exporter's JSON error body, or a preview of the text. */
function panelErrorText(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; detail?: unknown };
    if (body && typeof body.error === 'string') {
      return typeof body.detail === 'string' ? `${body.error}: ${body.detail}` : body.error;
    }
  } catch {
    // Not JSON: the preview below shows what came instead.
  }
  return preview(text);
}

/** True for an HTML page with a password field or a sign-in form, where a redirect to a login ends. */
function isSignInPage(text: string): boolean {
  if (!text.trimStart().replace(/^\uFEFF/, '').startsWith('<')) return false;
  return /<input[^>]*type=["']?password/i.test(text) || (/<form[\s>]/i.test(text) && /\b(log ?in|sign ?in)\b/i.test(text));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/**
 * Warns when the exporter's log now begins after the cursor: the panel keeps only its newest 1000
 * events, so events between the last sync and that first entry were dropped before this sync.
 */
function truncationWarning(headers: Record<string, string>, cursorMs: number | null): string {
  const first = Number(headerValue(headers, 'X-Log-First-Timestamp'));
  if (cursorMs === null || !Number.isFinite(first) || first * 1000 <= cursorMs + 1000) return '';
  return `the log now starts at ${new Date(first * 1000).toISOString()}, after the last sync, so the panel dropped older events before they were read. Refresh more often, or keep the hourly refresh installed.`;
}

function proxyHint(status: number): string {
  if (status === 502) return ': nothing is listening on the port, so the control panel is not running';
  if (status === 524) return ': the panel took longer than the proxy\'s 100-second limit';
  return '';
}

/**
 * Reads a JSON 404. The exporter returns "usage log not found" (or "user stats not found") with the
 * file's path when the file is missing on the pod, which is worth reporting even when another
 * path worked; any other 404 means the panel has no such path.
 */
function notFound(path: string, text: string): PathReading {
  let body: { error?: unknown; path?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON: treated as a path the panel lacks.
  }
  if (typeof body.error === 'string' && /^(usage log|user stats) not found$/.test(body.error)) {
    const file = typeof body.path === 'string' ? ` at ${body.path}` : '';
    const reading = failed('not found', path, `the exporter found no file${file} on the pod (HTTP 404). The panel creates it at its first session; if sessions have run, set USAGE_LOG_PATH or USER_STATS_PATH on the pod to where the panel writes.`);
    return { ...reading, missingFile: true };
  }
  return failed('not found', path, 'not found on the control panel (HTTP 404). Check the paths in Usage > Settings…');
}

function failed(result: SyncResult, path: string, problem: string): PathReading {
  return { path, result, sessions: [], invalid: [], problem };
}

function pathOf(url: string): string {
  const match = /^https?:\/\/[^/]+(\/[^?#]*)/.exec(url);
  return match ? (match[1] as string) : url;
}

/** Reads a pod's responses into sessions, or into a sync result that names what went wrong. */
import { parseJsonBody } from '../core/json-body';
import { nextCursor, pairEvents, parseUsageLog } from '../core/usage-log';
import { parseUserStats } from '../core/user-stats';
import type { InvalidRecord, Session } from '../core/types';
import { headerValue, type HttpRequest, type HttpResult } from '../platform/http-port';
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
  result: SyncResult;
  sessions: Session[];
  invalid: InvalidRecord[];
  error: string;
  cursorMs?: number | null;
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
  const problems = readings.filter((reading) => reading.result !== 'ok' && reading.result !== 'not found');

  if (good.length > 0) {
    return {
      result: 'ok',
      sessions: good.flatMap((reading) => reading.sessions),
      invalid: good.flatMap((reading) => reading.invalid),
      error: problems.concat(good).map((reading) => reading.error).filter((error) => error !== '').join(' '),
      bytes,
      cursorMs: nextCursorMs,
      eventLogRead: logReading !== undefined,
    };
  }

  const worst = FAILURE_PRIORITY.find((result) => readings.some((reading) => reading.result === result)) ?? 'unreachable';
  const error = readings.filter((reading) => reading.result === worst).map((reading) => reading.error).join(' ');
  return { result: worst, sessions: [], invalid: [], error, bytes, cursorMs, eventLogRead: false };
}

function readPathAnswer(podId: string, path: string, result: HttpResult, cursorMs: number | null): PathReading {
  if (!result.ok) {
    return failed('unreachable', `${path}: could not connect (${result.error}).`);
  }

  const { status, text } = result;
  const isHtml = (headerValue(result.headers, 'Content-Type') ?? '').includes('text/html') || text.trimStart().startsWith('<');
  if (status === 401 || status === 403) {
    return failed('unauthorized', `${path}: the control panel rejected the request (HTTP ${status}). Check the pod token in Usage > Settings… against the exporter's token.`);
  }
  if (status === 404 && !isHtml) {
    return failed('not found', `${path}: not found on the control panel (HTTP 404). Check the paths in Usage > Settings….`);
  }
  if (status === 503 && !isHtml) {
    return failed('log busy', `${path}: the panel was rewriting its log (HTTP 503). The next refresh tries again.`);
  }
  if (status !== 200) {
    return failed('unreachable', `${path}: RunPod's proxy answered HTTP ${status}${proxyHint(status)} (${preview(text)}).`);
  }

  const parsed = parseJsonBody(text);
  if (!parsed.ok) {
    return failed('invalid log', `${path}: ${parsed.message}.`);
  }
  if (Array.isArray(parsed.value)) {
    const events = parseUsageLog(podId, parsed.value);
    if ('error' in events) return failed('invalid log', `${path}: ${events.error}.`);
    const paired = pairEvents(podId, events.events, { syncedUntilMs: cursorMs ?? undefined });
    return {
      result: 'ok',
      sessions: paired.sessions,
      invalid: events.invalid.concat(paired.invalid),
      error: truncationWarning(path, result.headers, cursorMs),
      cursorMs: nextCursor(events.events, paired.sessions, cursorMs),
    };
  }
  const stats = parseUserStats(podId, parsed.value);
  if ('error' in stats) return failed('invalid log', `${path}: ${stats.error}.`);
  return { result: 'ok', sessions: stats.sessions, invalid: stats.invalid, error: '' };
}

/**
 * Warns when the exporter's log now begins after the cursor: the panel keeps only its newest 1000
 * events, so events between the last sync and that first entry were dropped before this sync.
 */
function truncationWarning(path: string, headers: Record<string, string>, cursorMs: number | null): string {
  const first = Number(headerValue(headers, 'X-Log-First-Timestamp'));
  if (cursorMs === null || !Number.isFinite(first) || first * 1000 <= cursorMs + 1000) return '';
  return `${path}: the log now starts at ${new Date(first * 1000).toISOString()}, after the last sync, so the panel dropped older events before they were read. Refresh more often, or keep the hourly refresh installed.`;
}

function proxyHint(status: number): string {
  if (status === 502) return ': nothing is listening on the port, so the control panel is not running';
  if (status === 524) return ': the panel took longer than the proxy\'s 100-second limit';
  return '';
}

function failed(result: SyncResult, error: string): PathReading {
  return { result, sessions: [], invalid: [], error };
}

function pathOf(url: string): string {
  const match = /^https?:\/\/[^/]+(\/[^?#]*)/.exec(url);
  return match ? (match[1] as string) : url;
}

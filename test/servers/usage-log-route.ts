/**
 * The simulated panel's `GET /usage-log`, which plays `read_usage_log` in pod/usage_responses.py
 * (the pod exporter, or the panel's Flask app serving the same routes) for a stored log body.
 */
import { dumpsLikePython, pythonFloatRepr } from './python-json';
import type { HandlerResponse } from './state';

/** The panel's default log path, which the exporter names in its error bodies. */
export const SIMULATED_LOG_PATH = '/workspace/user_data/usage_log.json';

/** Headers that every response of the exporter carries. */
const EXPORTER_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const SINCE_DETAIL = 'since must be a finite number of seconds since the Unix epoch, such as 1794357355.34';
const REPEATED_SINCE_DETAIL = 'since must appear at most once';
/** The exporter's detail after its 5 reads 50 ms apart all failed. */
const BUSY_DETAIL = 'the file was empty, changing or not valid JSON on 5 reads 50 ms apart; the control panel may be rewriting it';
const BUSY_RETRY_AFTER_SECONDS = '5';
/** A timestamp above this is in milliseconds, as the exporter and the sheet read it. */
const MAX_PLAUSIBLE_SECONDS = 1e11;

/**
 * Builds the response to `GET /usage-log` for the stored `body`. `sinceValues` are the values of
 * every `since` query parameter.
 *
 * - 400 for a repeated or invalid `since`, with the exporter's body.
 * - With `exporterErrors`, 503 "log busy" for a body that is empty or not JSON, such as a file
 *   cut off in the middle of the panel's rewrite. The exporter sends it after its retries read
 *   the same. JSON that is not an array gets 500.
 * - Without `exporterErrors`, such a body is served unchanged with 200.
 * - 200 otherwise, with `X-Log-Entries` and `X-Log-First-Timestamp`. Without `since` the body is
 *   the stored file as it is. With `since` it holds the entries whose timestamp is at or after
 *   `since`, or that have no usable timestamp, as compact JSON.
 *
 * NOTE: the real exporter re-encodes the unfiltered log as compact JSON too, so its bodies
 * without `since` are smaller than the simulator's. It also reads NaN and Infinity, which it
 * rejects with a 500, where JSON.parse fails and the simulator sends 503.
 */
export function serveUsageLog(body: string, sinceValues: readonly string[], exporterErrors: boolean): HandlerResponse {
  if (sinceValues.length > 1) {
    return invalidParameter(REPEATED_SINCE_DETAIL);
  }
  const since = sinceValues.length === 1 ? parseSince(sinceValues[0] as string) : null;
  if (since !== null && (since === undefined || !Number.isFinite(since))) {
    return invalidParameter(SINCE_DETAIL);
  }

  const entries = parseLog(body);
  if (!Array.isArray(entries) && !exporterErrors) {
    return { status: 200, headers: { ...EXPORTER_HEADERS }, body };
  }
  if (entries === undefined) {
    return exporterJson(503, { error: 'log busy', detail: BUSY_DETAIL, path: SIMULATED_LOG_PATH }, { 'retry-after': BUSY_RETRY_AFTER_SECONDS });
  }
  if (!Array.isArray(entries)) {
    return exporterJson(500, { error: 'usage log is not a JSON array', path: SIMULATED_LOG_PATH });
  }

  const headers: Record<string, string> = { ...EXPORTER_HEADERS, 'x-log-entries': String(entries.length) };
  const first = entries.length > 0 ? timestampSeconds(entries[0]) : undefined;
  if (first !== undefined) {
    headers['x-log-first-timestamp'] = pythonFloatRepr(first);
  }

  if (since === null) {
    return { status: 200, headers, body };
  }
  const recent = entries.filter((entry: unknown) => {
    const seconds = timestampSeconds(entry);
    return seconds === undefined || seconds >= since;
  });
  return { status: 200, headers, body: dumpsLikePython(recent, { compact: true }) };
}

/** Returns the parsed body, or undefined for an empty body or one that is not JSON. */
function parseLog(body: string): unknown {
  if (body.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Returns an entry's timestamp in epoch seconds, or undefined when it has none that is usable:
 * a finite number or numeric string, with values above 1e11 read as milliseconds.
 */
export function timestampSeconds(entry: unknown): number | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return undefined;
  }
  const value = (entry as Record<string, unknown>).timestamp;
  let seconds: number | undefined;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    seconds = parsePythonFloat(value);
  }
  if (seconds === undefined || !Number.isFinite(seconds)) {
    return undefined;
  }
  return Math.abs(seconds) > MAX_PLAUSIBLE_SECONDS ? seconds / 1000 : seconds;
}

/** Python's `float(text)` for ASCII input: surrounding whitespace, digits with `_` between them, `inf` and `nan`. */
const PYTHON_DECIMAL = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PYTHON_SPECIAL = /^([+-]?)(?:(inf|infinity)|nan)$/i;

/** Converts text as Python's `float()` does, or returns undefined where it raises ValueError. */
export function parsePythonFloat(text: string): number | undefined {
  const trimmed = text.trim();
  if (PYTHON_DECIMAL.test(trimmed)) {
    return Number(trimmed.replace(/_/g, ''));
  }
  const special = PYTHON_SPECIAL.exec(trimmed);
  if (special === null) {
    return undefined;
  }
  if (special[2] === undefined) {
    return NaN;
  }
  return special[1] === '-' ? -Infinity : Infinity;
}

/** The plain decimal numbers the exporter accepts for `since`: no spaces, underscores or words. */
const SINCE_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Reads `since` as the exporter does: a plain decimal, in milliseconds above 1e11. */
export function parseSince(text: string): number | undefined {
  if (!SINCE_PATTERN.test(text)) return undefined;
  const value = Number(text);
  return Math.abs(value) > 1e11 ? value / 1000 : value;
}

function invalidParameter(detail: string): HandlerResponse {
  return exporterJson(400, { error: 'invalid query parameter', parameter: 'since', detail });
}

function exporterJson(status: number, payload: object, headers: Record<string, string> = {}): HandlerResponse {
  return { status, headers: { ...EXPORTER_HEADERS, ...headers }, body: dumpsLikePython(payload, { compact: true }) };
}

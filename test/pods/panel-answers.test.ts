import { MAX_LOG_BYTES, readPodAnswers } from '../../src/pods/panel-answers';
import type { HttpRequest, HttpResult } from '../../src/platform/http-port';
import { readFixture } from '../data/fixtures';

const POD = 'a1b2c3d4e5';
const LOG_URL = `https://${POD}-7777.proxy.runpod.net/usage-log`;
const STATS_URL = `https://${POD}-7777.proxy.runpod.net/api/user_stats`;
const requests: HttpRequest[] = [LOG_URL, STATS_URL].map((url) => ({ url, method: 'get', headers: {} }));

function answer(status: number, text: string, contentType = 'application/json'): HttpResult {
  return { ok: true, status, headers: { 'Content-Type': contentType }, text, bytes: text.length };
}

const NOT_FOUND = answer(404, '{"error":"not found"}');

describe('readPodAnswers', () => {
  it('reads an event log and ignores the missing other path', () => {
    const reading = readPodAnswers(POD, requests, [answer(200, readFixture('control-panel/a1b2c3d4e5-usage_log.json')), NOT_FOUND]);
    expect(reading.result).toBe('ok');
    expect(reading.sessions).toHaveLength(40);
    expect(reading.error).toBe('');
  });

  it('reads a user_stats answer', () => {
    const reading = readPodAnswers(POD, requests, [NOT_FOUND, answer(200, readFixture('control-panel/k1l2m3n4o5-api_user_stats.json'))]);
    expect(reading.result).toBe('ok');
    expect(reading.sessions.length).toBeGreaterThan(0);
  });

  it('reads a body that starts with a byte-order mark', () => {
    const reading = readPodAnswers(POD, requests, [answer(200, '\uFEFF[]'), NOT_FOUND]);
    expect(reading.result).toBe('ok');
  });

  it.each([
    ['a proxy 502 page', answer(502, '<html><body>502 Bad Gateway</body></html>', 'text/html'), 'unreachable', 'nothing is listening'],
    ['a proxy 524 page', answer(524, '<html>A timeout occurred</html>', 'text/html'), 'unreachable', '100-second limit'],
    ['a wrong token', answer(401, '{"error":"unauthorized"}'), 'unauthorized', 'pod token'],
    ['a busy log', answer(503, '{"error":"log busy"}'), 'log busy', 'could not read a whole file'],
    ['an empty body', answer(200, ''), 'invalid log', 'empty'],
    ['a body cut off', answer(200, '[{"user": "ana", "act'), 'invalid log', 'cut off'],
    ['a login page', answer(200, '<!DOCTYPE html><form>Sign in</form>', 'text/html'), 'unauthorized', 'sign-in page'],
    ['an HTML page that is no login', answer(200, '<!DOCTYPE html><p>Welcome to ComfyUI</p>', 'text/html'), 'invalid log', 'HTML page'],
    ['a refused connection', { ok: false, error: 'Address unavailable: x' } as HttpResult, 'unreachable', 'the connection was refused'],
    ['a dropped connection', { ok: false, error: 'Unexpected error: x' } as HttpResult, 'unreachable', 'dropped before an answer'],
    ['a hanging pod', { ok: false, error: 'Timeout: x' } as HttpResult, 'unreachable', 'UrlFetchApp gave up waiting'],
    ['an answer over UrlFetchApp\'s limit', { ok: false, error: 'Response too large' } as HttpResult, 'invalid log', 'larger than the 50 MB'],
    ['a proxy 404 page', answer(404, '<html>404 Not Found</html>', 'text/html'), 'not found', 'terminated or moved'],
    ['a firewall 403 page', answer(403, '<html>Access denied</html>', 'text/html'), 'unauthorized', 'sign-in page or RunPod\'s firewall'],
    ['an exporter error', answer(500, '{"error":"usage log too large","size_bytes":20000000,"max_bytes":10485760}'), 'invalid log', 'HTTP 500 (usage log too large)'],
    ['a sign-in page after a redirect', answer(200, '<html><form action="/login"><input type="password" name="p"></form></html>', 'text/html'), 'unauthorized', 'sign-in page'],
  ])('reports %s', (_name, result, expected, messagePart) => {
    const reading = readPodAnswers(POD, requests, [result, NOT_FOUND]);
    expect(reading.result).toBe(expected);
    expect(reading.sessions).toEqual([]);
    expect(reading.error).toContain(messagePart);
  });

  it('rejects a response larger than any log', () => {
    const huge: HttpResult = { ok: true, status: 200, headers: { 'Content-Type': 'application/json' }, text: '[]', bytes: MAX_LOG_BYTES + 1 };
    const reading = readPodAnswers(POD, requests, [huge, NOT_FOUND]);
    expect(reading.result).toBe('invalid log');
    expect(reading.error).toContain('more than the 10.0 MB any pod log reaches');
  });

  it('quotes the exporter error detail', () => {
    const busy = answer(500, '{"error":"usage log could not be read","detail":"Permission denied","path":"/workspace/user_data/usage_log.json"}');
    const reading = readPodAnswers(POD, requests, [busy, NOT_FOUND]);
    expect(reading.error).toContain('usage log could not be read: Permission denied');
  });

  it('names paths that failed alike once', () => {
    const page = answer(502, '<html><body>502 Bad Gateway</body></html>', 'text/html');
    const reading = readPodAnswers(POD, requests, [page, page]);
    expect(reading.error).toMatch(/^\/usage-log: RunPod's proxy answered HTTP 502/);
    expect(reading.error).toMatch(/ \/api\/user_stats failed the same way\.$/);
    expect(reading.error.match(/502 Bad Gateway/g)).toHaveLength(1);
  });

  it('leaves the URL out of a connection error', () => {
    const failure = (url: string): HttpResult => ({ ok: false, error: `Timeout: ${url}` });
    const reading = readPodAnswers(POD, requests, [failure(`${LOG_URL}?since=1794322676`), failure(STATS_URL)]);
    expect(reading.error).toBe('/usage-log: no answer before UrlFetchApp gave up waiting, so the control panel or the pod hangs (Timeout). /api/user_stats failed the same way.');
  });

  it('rejects a log that is neither array nor object', () => {
    const reading = readPodAnswers(POD, requests, [answer(200, '"maintenance"'), NOT_FOUND]);
    expect(reading.result).toBe('invalid log');
    expect(reading.error).toBe('/usage-log: expected a JSON array of start/stop events, or from /api/user_stats an object keyed by user name, got a string.');
  });

  it('reports not found when no path exists', () => {
    const reading = readPodAnswers(POD, requests, [NOT_FOUND, NOT_FOUND]);
    expect(reading.result).toBe('not found');
    expect(reading.error).toContain('Check the paths');
  });
});

describe('readPodAnswers with a cursor', () => {
  const log = JSON.stringify([
    { user: 'ana', action: 'start', timestamp: 1794322676.5 },
    { user: 'ana', action: 'stop', timestamp: 1794326276.5, duration_hours: 1 },
  ]);

  it('moves the cursor to the newest event', () => {
    const reading = readPodAnswers(POD, requests, [answer(200, log), NOT_FOUND], 1794322000000);
    expect(reading.cursorMs).toBe(1794326276500);
  });

  it('stops the cursor before a negative-duration pair', () => {
    const backward = JSON.stringify([
      { user: 'ana', action: 'start', timestamp: 1794330000 },
      { user: 'ana', action: 'stop', timestamp: 1794329400, duration_hours: -0.167 },
    ]);
    const reading = readPodAnswers(POD, requests, [answer(200, backward), NOT_FOUND], 1794322000000);
    expect(reading.sessions).toEqual([]);
    expect(reading.cursorMs).toBe(1794329400000);
  });

  it('keeps the cursor when the pod fails', () => {
    const reading = readPodAnswers(POD, requests, [answer(502, '<html></html>', 'text/html'), NOT_FOUND], 1794322000000);
    expect(reading.cursorMs).toBe(1794322000000);
  });

  it('warns when the log was truncated past the cursor', () => {
    const truncated: HttpResult = { ok: true, status: 200, headers: { 'X-Log-First-Timestamp': '1794322676.5' }, text: log, bytes: log.length };
    const reading = readPodAnswers(POD, requests, [truncated, NOT_FOUND], 1794000000000);
    expect(reading.result).toBe('ok');
    expect(reading.error).toContain('dropped older events');
  });
});

describe('readPodAnswers with one path failing', () => {
  const stats = answer(200, readFixture('control-panel/k1l2m3n4o5-api_user_stats.json'));

  it('reports a busy event log although user_stats worked', () => {
    const reading = readPodAnswers(POD, requests, [answer(503, '{"error":"log busy"}'), stats]);
    expect(reading.result).toBe('log busy');
    expect(reading.sessions.length).toBeGreaterThan(0);
    expect(reading.eventLogRead).toBe(false);
  });

  it('stays ok when the panel lacks the event-log path', () => {
    const reading = readPodAnswers(POD, requests, [answer(404, '<!doctype html><title>404 Not Found</title>', 'text/html'), stats]);
    expect(reading.result).toBe('ok');
    expect(reading.error).toBe('');
  });

  it('names a missing log file on the pod', () => {
    const missing = answer(404, '{"error":"usage log not found","path":"/workspace/user_data/usage_log.json"}');
    const reading = readPodAnswers(POD, requests, [missing, stats]);
    expect(reading.result).toBe('not found');
    expect(reading.error).toContain('no file at /workspace/user_data/usage_log.json');
  });
});

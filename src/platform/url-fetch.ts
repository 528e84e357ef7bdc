/** The HTTP port over Apps Script's UrlFetchApp. */
import type { HttpPort, HttpRequest, HttpResult } from './http-port';

/**
 * Sends requests with `fetchAll`. Apps Script throws for the whole batch when one host cannot be
 * reached, even with `muteHttpExceptions`, and names the URL in the message ("Timeout: <url>").
 * So on a throw, every request to that host fails with the message, and the rest are sent again
 * as one batch. When the message names no URL, the rest are sent one at a time.
 */
export function urlFetchPort(log: (message: string) => void): HttpPort {
  return {
    fetchAll(requests: readonly HttpRequest[]): HttpResult[] {
      const results: (HttpResult | undefined)[] = requests.map(() => undefined);
      let pending = requests.map((request, index) => ({ index, params: toFetchParams(request) }));

      // Each pass either finishes or removes at least one host, so this ends within requests.length passes.
      while (pending.length > 0) {
        try {
          const responses = UrlFetchApp.fetchAll(pending.map((item) => item.params));
          pending.forEach((item, position) => (results[item.index] = toResult(responses[position] as GoogleAppsScript.URL_Fetch.HTTPResponse)));
          break;
        } catch (error) {
          const message = errorMessage(error);
          const host = hostOf(/https?:\/\/[^\s"']+/.exec(message)?.[0] ?? '');
          const failing = pending.filter((item) => host !== '' && hostOf(item.params.url) === host);
          if (failing.length === 0) {
            log(`A batch of ${pending.length} requests failed (${message}); sending them one at a time.`);
            pending.forEach((item) => (results[item.index] = fetchOne(item.params)));
            break;
          }
          log(`${host} failed (${message}); sending the other ${pending.length - failing.length} requests again.`);
          failing.forEach((item) => (results[item.index] = { ok: false, error: message }));
          pending = pending.filter((item) => !failing.includes(item));
        }
      }
      return results.map((result) => result ?? { ok: false, error: 'not sent' });
    },
  };
}

function fetchOne(params: GoogleAppsScript.URL_Fetch.URLFetchRequest): HttpResult {
  try {
    const { url, ...options } = params;
    return toResult(UrlFetchApp.fetch(url, options));
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

function hostOf(url: string): string {
  return (/^https?:\/\/([^/?#:]+)/i.exec(url)?.[1] ?? '').toLowerCase();
}

function toFetchParams(request: HttpRequest): GoogleAppsScript.URL_Fetch.URLFetchRequest {
  const params: GoogleAppsScript.URL_Fetch.URLFetchRequest = {
    url: request.url,
    method: request.method,
    headers: request.headers,
    muteHttpExceptions: true,
    followRedirects: true,
    validateHttpsCertificates: true,
  };
  if (request.jsonBody !== undefined) {
    params.contentType = 'application/json';
    params.payload = request.jsonBody;
  }
  return params;
}

function toResult(response: GoogleAppsScript.URL_Fetch.HTTPResponse): HttpResult {
  const text = response.getContentText('UTF-8');
  const headers: Record<string, string> = {};
  const raw = response.getHeaders() as Record<string, unknown>;
  Object.keys(raw).forEach((name) => (headers[name] = String(raw[name])));
  return { ok: true, status: response.getResponseCode(), headers, text, bytes: response.getContent().length };
}

/** Removes the "Exception: " prefix Apps Script adds, and anything that looks like a bearer token. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Exception: /, '').replace(/Bearer\s+\S+/gi, 'Bearer [hidden]');
}

/** The HTTP port over Apps Script's UrlFetchApp. */
import type { HttpPort, HttpRequest, HttpResult } from './http-port';

/**
 * Sends requests with `fetchAll`. Apps Script throws for the whole batch when one host cannot be
 * reached, even with `muteHttpExceptions`, so on a throw each request is sent again on its own to
 * find out which pod failed while the others still count.
 */
export function urlFetchPort(log: (message: string) => void): HttpPort {
  return {
    fetchAll(requests: readonly HttpRequest[]): HttpResult[] {
      if (requests.length === 0) return [];
      const params = requests.map(toFetchParams);
      try {
        return UrlFetchApp.fetchAll(params).map(toResult);
      } catch (error) {
        log(`A batch of ${requests.length} requests failed (${errorMessage(error)}); sending them one at a time.`);
      }
      return params.map((param) => {
        try {
          const { url, ...options } = param;
          return toResult(UrlFetchApp.fetch(url, options));
        } catch (error) {
          return { ok: false, error: errorMessage(error) };
        }
      });
    },
  };
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

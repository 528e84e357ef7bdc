/** The HTTP requests a refresh makes, as plain data, so the core and clients never touch UrlFetchApp. */

export interface HttpRequest {
  url: string;
  method: 'get' | 'post';
  headers: Record<string, string>;
  /** A JSON body, sent as a string with content type `application/json`. */
  jsonBody?: string;
}

export type HttpResult =
  | { ok: true; status: number; headers: Record<string, string>; text: string; bytes: number }
  | { ok: false; error: string };

export interface HttpPort {
  /** Sends the requests concurrently and returns one result per request, in order; a failed request becomes a result, not an exception. */
  fetchAll(requests: readonly HttpRequest[]): HttpResult[];
}

/** Reads a header case-insensitively, as HTTP defines them. */
export function headerValue(headers: Record<string, string>, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) {
      return headers[key] ?? null;
    }
  }
  return null;
}

/** The messages between the UrlFetchApp fake and its worker thread (url-fetch-worker.mjs). */

/** Where requests for a host go: an exact host name or `*.suffix`, served on a loopback port. */
export interface WireRoute {
  pattern: string;
  host: string;
  port: number;
}

export interface WireRequest {
  url: string;
  /** Upper case, such as `GET`. */
  method: string;
  /** Header names as the product spelled them. */
  headers: [string, string][];
  body: Uint8Array | null;
  followRedirects: boolean;
  validateHttpsCertificates: boolean;
}

export interface WireBatch {
  requests: WireRequest[];
  routes: WireRoute[];
  /** PEM certificates trusted for routed hosts, in place of the system store. */
  ca: string | undefined;
  /** When true, unrouted hosts are fetched from the network. */
  passthrough: boolean;
  /** Deadline for each request, redirects included, in ms. */
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
}

export type WireFailureKind = 'invalid' | 'dns' | 'refused' | 'timeout' | 'reset' | 'tls' | 'tooLarge' | 'tooManyRedirects' | 'other';

export type WireResult =
  | { ok: true; status: number; headers: [string, string][]; body: Uint8Array; url: string; hops: string[] }
  | { ok: false; kind: WireFailureKind; url: string; code: string; message: string; hops: string[] };

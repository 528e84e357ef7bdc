import * as net from 'node:net';
import * as path from 'node:path';
import { createSyncFn } from 'synckit';
import { FakeBlob, bytesOf, decodeText, toSignedBytes } from './blob';
import type { Realm } from './realm';
import type { ScriptRuntime } from './runtime';
import type { WireBatch, WireRequest, WireResult, WireRoute } from './url-fetch-wire';

/** Apps Script limits: URLs up to 2 KB, responses up to 50 MB, 20,000 calls a day (consumer accounts). */
export const MAX_URL_LENGTH = 2048;
export const DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
export const DEFAULT_DAILY_QUOTA = 20_000;
/** Real Apps Script waits up to 60 s and has no option; tests need a shorter, configurable bound. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
export const MAX_REDIRECTS = 10;
/** Characters of the body an HTTP error message quotes. */
const TRUNCATED_RESPONSE_LENGTH = 100;
const USER_AGENT = 'Mozilla/5.0 (compatible; Google-Apps-Script; beanserver; +https://script.google.com; id: fake-apps-script)';
const EXTERNAL_REQUEST_SCOPE = 'https://www.googleapis.com/auth/script.external_request';

export interface UrlFetchOptions {
  /**
   * Hosts served by local test servers, keyed by exact host name or `*.suffix`
   * (`*.proxy.runpod.net`). Targets must be loopback addresses.
   */
  routes?: Record<string, { host: string; port: number }>;
  /** PEM certificate(s) that routed servers' certificates must chain to. */
  ca?: string;
  /** Fetch unrouted hosts from the network, with the system's certificate store. Default false. */
  passthrough?: boolean;
  /** Default 30,000 ms. */
  timeoutMs?: number;
  /** Default 50 MB. */
  maxResponseBytes?: number;
  /** Calls allowed per 24 hours of fake time; default 20,000. */
  dailyQuota?: number;
  /**
   * Fake time each `fetch` or `fetchAll` call takes, added to the clock after it returns; default 0.
   * Lets a test play slow pods without waiting for them.
   */
  simulatedLatencyMs?: number;
}

/** One request the product sent, after redirects. */
export interface FetchLogEntry {
  url: string;
  method: string;
  /** Headers as sent, including the `User-Agent` and `Content-Type` the fake adds. */
  headers: Record<string, string>;
  payloadText: string | undefined;
  /** Redirect targets followed, in order. */
  redirects: string[];
  /** 0 when the request failed without a response. */
  status: number;
  /** The failure kind (`dns`, `refused`, `timeout`, `reset`, `tls`, ...) for requests without a response. */
  failure: string | undefined;
  at: number;
  /** Index of the `fetchAll` call it belonged to, undefined for `fetch`. */
  batch: number | undefined;
}

type FetchParams = Partial<{
  method: string;
  headers: Record<string, unknown>;
  payload: unknown;
  contentType: string;
  muteHttpExceptions: boolean;
  followRedirects: boolean;
  validateHttpsCertificates: boolean;
}>;

/** A request as the product described it, kept for messages and `muteHttpExceptions`. */
interface PreparedRequest {
  wire: WireRequest;
  muteHttpExceptions: boolean;
}

const syncFunctions = new Map<number, (batch: WireBatch) => WireResult[]>();

/** Returns the synchronous worker call, one worker per call timeout. */
function workerFor(timeoutMs: number): (batch: WireBatch) => WireResult[] {
  let run = syncFunctions.get(timeoutMs);
  if (run === undefined) {
    const workerPath = path.join(__dirname, 'url-fetch-worker.mjs');
    // The worker enforces each request's deadline; this bound only catches a stuck worker.
    run = createSyncFn<(batch: WireBatch) => Promise<WireResult[]>>(workerPath, { timeout: timeoutMs + 10_000 });
    syncFunctions.set(timeoutMs, run);
  }
  return run;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

/**
 * `UrlFetchApp` performing real HTTP(S) requests, synchronously, through a worker thread. Routed
 * hosts connect to a loopback port with the original host name as TLS SNI and `Host` header, and
 * their certificates must chain to `ca`. Other hosts fail with a DNS error unless `passthrough`.
 */
export class FakeUrlFetch {
  /** Requests sent, each request of a `fetchAll` counting once. */
  calls = 0;
  /** `fetchAll` calls. */
  batches = 0;
  bytesReceived = 0;
  readonly requests: FetchLogEntry[] = [];
  dailyQuota: number;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Fake time each call takes; tests may change it between refreshes. */
  simulatedLatencyMs: number;
  private readonly routes: WireRoute[];
  private readonly ca: string | undefined;
  private readonly passthrough: boolean;
  private quotaWindowStart: number | undefined;
  private quotaUsed = 0;

  constructor(
    private readonly runtime: ScriptRuntime,
    options: UrlFetchOptions = {},
  ) {
    this.routes = Object.entries(options.routes ?? {}).map(([pattern, target]) => ({ pattern, host: target.host, port: target.port }));
    for (const route of this.routes) {
      if (!isLoopback(route.host)) throw new Error(`route ${route.pattern} points at ${route.host}; routes may only target loopback addresses`);
    }
    this.ca = options.ca;
    this.passthrough = options.passthrough ?? false;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.dailyQuota = options.dailyQuota ?? DEFAULT_DAILY_QUOTA;
    this.simulatedLatencyMs = options.simulatedLatencyMs ?? 0;
  }

  /** Builds the `UrlFetchApp` global. */
  createService(): GoogleAppsScript.URL_Fetch.UrlFetchApp {
    const service = {
      fetch: (url: string, params: FetchParams = {}) => {
        this.runtime.requireAuthorization('UrlFetchApp.fetch', EXTERNAL_REQUEST_SCOPE, 'UrlFetchApp');
        const [response] = this.send([this.prepare(url, params)], undefined);
        return response;
      },
      fetchAll: (requests: (string | (FetchParams & { url: string }))[]) => {
        this.runtime.requireAuthorization('UrlFetchApp.fetchAll', EXTERNAL_REQUEST_SCOPE, 'UrlFetchApp');
        if (!Array.isArray(requests)) throw this.runtime.realm.exception('Invalid argument: requests');
        const prepared = requests.map((request) => (typeof request === 'string' ? this.prepare(request, {}) : this.prepare(request.url, request)));
        const batch = this.batches++;
        return this.runtime.realm.array(this.send(prepared, batch));
      },
      getRequest: (url: string, params: FetchParams = {}) => {
        const { wire, muteHttpExceptions } = this.prepare(url, params);
        return {
          url: wire.url,
          method: wire.method.toLowerCase(),
          headers: Object.fromEntries(wire.headers),
          payload: wire.body === null ? '' : decodeText(wire.body),
          contentType: wire.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '',
          followRedirects: wire.followRedirects,
          validateHttpsCertificates: wire.validateHttpsCertificates,
          muteHttpExceptions,
          useIntranet: false,
        };
      },
    };
    return service as unknown as GoogleAppsScript.URL_Fetch.UrlFetchApp;
  }

  /** Turns `fetch(url, params)` into a wire request, applying Apps Script's URL and payload rules. */
  private prepare(url: unknown, params: FetchParams): PreparedRequest {
    const realm = this.runtime.realm;
    if (typeof url !== 'string') throw realm.exception(`Invalid argument: url`);
    if (url.length > MAX_URL_LENGTH) throw realm.exception('Limit Exceeded: URLFetch URL Length.');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw realm.exception(`Invalid argument: ${url}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw realm.exception(`Invalid argument: ${url}`);

    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(params.headers ?? {})) headers.push([name, String(value)]);
    const hasHeader = (wanted: string): boolean => headers.some(([name]) => name.toLowerCase() === wanted);

    let body: Uint8Array | null = null;
    let contentType = params.contentType;
    const payload = params.payload;
    if (payload !== undefined && payload !== null) {
      if (typeof payload === 'string' || Array.isArray(payload) || payload instanceof FakeBlob) {
        body = bytesOf(payload);
        if (payload instanceof FakeBlob && contentType === undefined) contentType = payload.getContentType() ?? undefined;
      } else if (typeof payload === 'object') {
        // An object payload is sent as an HTML form, its values as text.
        const form = new URLSearchParams();
        for (const [key, value] of Object.entries(payload as Record<string, unknown>)) form.append(key, String(value));
        body = bytesOf(form.toString());
        contentType = 'application/x-www-form-urlencoded';
      } else {
        body = bytesOf(String(payload));
      }
      if (contentType !== undefined) {
        const index = headers.findIndex(([name]) => name.toLowerCase() === 'content-type');
        if (index !== -1) headers.splice(index, 1);
        headers.push(['Content-Type', contentType]);
      } else if (!hasHeader('content-type')) {
        headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
      }
    }
    if (!hasHeader('user-agent')) headers.push(['User-Agent', USER_AGENT]);

    return {
      wire: {
        url,
        method: (params.method ?? 'get').toUpperCase(),
        headers,
        body,
        followRedirects: params.followRedirects ?? true,
        validateHttpsCertificates: params.validateHttpsCertificates ?? true,
      },
      muteHttpExceptions: params.muteHttpExceptions ?? false,
    };
  }

  /** Sends requests concurrently and maps results to responses or to one exception for the call. */
  private send(prepared: PreparedRequest[], batch: number | undefined): FakeHttpResponse[] {
    this.chargeQuota(prepared.length);
    this.calls += prepared.length;

    const results = workerFor(this.timeoutMs)({
      requests: prepared.map((request) => request.wire),
      routes: this.routes,
      ca: this.ca,
      passthrough: this.passthrough,
      timeoutMs: this.timeoutMs,
      maxResponseBytes: this.maxResponseBytes,
      maxRedirects: MAX_REDIRECTS,
    });

    if (this.simulatedLatencyMs > 0) this.runtime.clock.advance(this.simulatedLatencyMs);
    results.forEach((result, index) => this.log((prepared[index] as PreparedRequest).wire, result, batch));
    const failed = results.find((result) => !result.ok);
    if (failed !== undefined && !failed.ok) throw this.connectionError(failed);

    const responses = results.map((result) => {
      if (!result.ok) throw new Error('unreachable: failures were handled above');
      this.bytesReceived += result.body.length;
      return new FakeHttpResponse(result.status, result.headers, result.body, this.runtime.realm);
    });
    responses.forEach((response, index) => {
      const request = prepared[index] as PreparedRequest;
      if (response.getResponseCode() >= 400 && !request.muteHttpExceptions) throw this.httpError(request.wire.url, response);
    });
    return responses;
  }

  /** Counts calls against the daily quota; the window starts with the first call and lasts 24 hours. */
  private chargeQuota(count: number): void {
    const now = this.runtime.clock.now();
    if (this.quotaWindowStart === undefined || now - this.quotaWindowStart >= 86_400_000) {
      this.quotaWindowStart = now;
      this.quotaUsed = 0;
    }
    if (this.quotaUsed + count > this.dailyQuota) throw this.runtime.realm.exception('Service invoked too many times for one day: urlfetch.');
    this.quotaUsed += count;
  }

  private log(request: WireRequest, result: WireResult, batch: number | undefined): void {
    this.requests.push({
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      payloadText: request.body === null ? undefined : decodeText(request.body),
      redirects: result.hops,
      status: result.ok ? result.status : 0,
      failure: result.ok ? undefined : result.kind,
      at: this.runtime.clock.now(),
      batch,
    });
  }

  /** Builds the exception for a request that got no response; `detail` names the cause for tests. */
  private connectionError(result: Extract<WireResult, { ok: false }>): Error {
    const realm = this.runtime.realm;
    let error: Error;
    switch (result.kind) {
      case 'dns':
        error = realm.exception(`DNS error: ${result.url}`);
        break;
      case 'refused':
        error = realm.exception(`Address unavailable: ${result.url}`);
        break;
      case 'timeout':
        error = realm.exception(`Timeout: ${result.url}`);
        break;
      case 'tooLarge':
        error = realm.exception('Response too large');
        break;
      case 'invalid':
        error = realm.exception(`Invalid argument: ${result.url}`);
        break;
      default:
        // NOTE: Apps Script's wording for resets, TLS failures and redirect loops is not confirmed.
        error = realm.exception(`Unexpected error: ${result.url}`);
    }
    Object.defineProperty(error, 'detail', { value: `${result.kind}${result.code === '' ? '' : ` ${result.code}`}: ${result.message}`, enumerable: false });
    return error;
  }

  private httpError(url: string, response: FakeHttpResponse): Error {
    const origin = new URL(url).origin;
    const text = response.getContentText();
    const truncated = text.length > TRUNCATED_RESPONSE_LENGTH ? `${text.slice(0, TRUNCATED_RESPONSE_LENGTH)}...` : text;
    return this.runtime.realm.exception(
      `Request failed for ${origin} returned code ${response.getResponseCode()}. Truncated server response: ${truncated} (use muteHttpExceptions option to examine full response)`,
    );
  }
}

/** `HTTPResponse`. */
export class FakeHttpResponse {
  constructor(
    private readonly status: number,
    private readonly rawHeaders: [string, string][],
    private readonly body: Uint8Array,
    private readonly realm: Realm,
  ) {}

  getResponseCode(): number {
    return this.status;
  }

  /** Decodes the body, as UTF-8 unless `charset` names another; invalid bytes become U+FFFD. */
  getContentText(charset?: string): string {
    return decodeText(this.body, charset);
  }

  /** Returns the body as signed bytes, like Java's `byte[]`. */
  getContent(): number[] {
    return this.realm.array(toSignedBytes(this.body));
  }

  /** Returns headers by the name the server sent; repeated headers are joined with `, `. */
  getHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of this.rawHeaders) headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    return this.realm.object(headers);
  }

  /** Returns headers by the name the server sent; repeated headers become arrays. */
  getAllHeaders(): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of this.rawHeaders) {
      const existing = headers[name];
      if (existing === undefined) headers[name] = value;
      else headers[name] = this.realm.array(Array.isArray(existing) ? [...existing, value] : [existing, value]);
    }
    return this.realm.object(headers);
  }

  getBlob(): FakeBlob {
    const contentType = this.rawHeaders.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? null;
    return new FakeBlob(this.body.slice(), contentType, null, this.realm);
  }

  getAs(contentType: string): FakeBlob {
    return this.getBlob().setContentType(contentType);
  }
}

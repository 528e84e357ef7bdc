/**
 * The state the simulated RunPod API and pods serve. The harness sends a scenario to the server
 * process, changes it between refreshes, and reads back the requests the servers received.
 */

/** The account fields of RunPod's GraphQL `myself` object. */
export interface SimAccount {
  id: string;
  clientBalance: number;
  currentSpendPerHr: number;
  spendLimit: number;
}

/** One file a pod's control panel serves, as raw bytes, so tests can serve broken bodies too. */
export interface PanelFile {
  /** `usage_log` is served at `/usage-log`, `user_stats` at `/api/user_stats`. */
  kind: 'usage_log' | 'user_stats';
  body: string;
}

/** A pod: the object RunPod's GraphQL API returns for it, and what its control panel serves. */
export interface SimPod {
  /** The pod exactly as `myself.pods[]` returns it (id, name, desiredStatus, costPerHr, ports, runtime, ...). */
  graphql: Record<string, unknown> & { id: string };
  /** Absent for a pod without the control panel: its proxy URL answers like RunPod's proxy does. */
  panel?: {
    files: PanelFile[];
    /** When set, the panel requires `Authorization: Bearer <token>`. */
    token?: string;
    /** Container port the panel listens on; 7777 when absent. */
    port?: number;
    /**
     * When true, `/usage-log` responds to a log it cannot serve as the exporter does: 503 "log busy"
     * for an empty or cut-off file, 500 for JSON that is not an array. Otherwise it serves such a
     * log unchanged with 200, so tests can feed the sheet broken bodies.
     */
    exporterErrors?: boolean;
  };
}

/** A canned answer for requests that match, used to play RunPod and proxy failures. */
export interface Fault {
  /** Exact host name, such as `api.runpod.io` or `a1b2c3d4e5-7777.proxy.runpod.net`. */
  host: string;
  /** Prefix of the path and query string (`/graphql`, `/usage-log?since=`); every path when absent. */
  path?: string;
  status: number;
  body: string;
  /** Defaults to `text/html; charset=utf-8`, because RunPod and Cloudflare send their error pages as HTML. */
  contentType?: string;
  headers?: Record<string, string>;
  /** Waits this long before answering. */
  delayMs?: number;
  /** Destroys the connection without an answer. */
  dropConnection?: boolean;
  /** Matches this many requests, then is removed; forever when absent. */
  times?: number;
}

export interface Scenario {
  /** The key RunPod accepts as `Authorization: Bearer <key>`. */
  apiKey: string;
  account: SimAccount;
  pods: SimPod[];
  /** Checked in order before the simulated services. The first fault that matches sends its response. */
  faults?: Fault[];
}

/**
 * Something the real service accepts but the product must never do, noted on the request:
 * - `api_key_in_url`: the RunPod API key was sent as `?api_key=`, which puts it into URLs and logs.
 * - `pod_env_requested`: a GraphQL query selected `Pod.env`, which contains the pod's secrets in clear text.
 */
export type RequestWarning = 'api_key_in_url' | 'pod_env_requested';

/** A request as the servers received it. */
export interface RecordedRequest {
  /** The `Host` header without its port, lowercased. */
  host: string;
  /** TLS server name (SNI) the client sent; absent when it sent none. */
  servername?: string;
  method: string;
  /** Path and query string, as sent. */
  url: string;
  /** Header names are lowercase; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  body: string;
  /** Status sent, or 0 when a fault dropped the connection without a response. */
  status: number;
  /** Bytes of the response body, without headers. */
  bytesSent: number;
  /** Epoch milliseconds when the request arrived. */
  receivedAt: number;
  warnings?: RequestWarning[];
}

import { dumpsLikePython } from './python-json';
import type { Fault, PanelFile, RecordedRequest, RequestWarning, Scenario, SimPod } from './scenario';

/** The control panel keeps only this many newest entries in `usage_log.json`. */
export const USAGE_LOG_MAX_ENTRIES = 1000;

/** A request as the handlers see it: the body already read, header names lowercase. */
export interface HandlerRequest {
  method: string;
  /** The `Host` header without its port, lowercased. */
  host: string;
  /** Path and query string, as sent. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HandlerResponse {
  status: number;
  /** Must include `content-type`. */
  headers: Record<string, string>;
  body: string;
  warnings?: RequestWarning[];
}

/** Everything the server process keeps: the scenario it serves and the requests it received. */
export class ServerState {
  scenario: Scenario;
  requests: RecordedRequest[] = [];
  /** Runtimes that `podStop` cleared, keyed by pod id, so that `podResume` can bring them back. */
  stoppedRuntimes = new Map<string, unknown>();

  constructor(scenario: Scenario) {
    this.scenario = structuredClone(scenario);
  }

  setScenario(scenario: Scenario): void {
    this.scenario = structuredClone(scenario);
    this.stoppedRuntimes.clear();
  }

  findPod(podId: string): SimPod | undefined {
    return this.scenario.pods.find((pod) => pod.graphql.id === podId);
  }

  /** Returns the pod or throws an error that names the missing id. */
  requirePod(podId: string): SimPod {
    const pod = this.findPod(podId);
    if (pod === undefined) {
      const known = this.scenario.pods.map((candidate) => candidate.graphql.id).join(', ');
      throw new Error(`Pod ${podId} not found in the scenario (pods: ${known || 'none'})`);
    }
    return pod;
  }

  /** Merges `patch` into the pod's GraphQL object, one level deep (a patched `runtime` replaces the old one). */
  updatePod(podId: string, patch: Partial<SimPod['graphql']>): void {
    const pod = this.requirePod(podId);
    pod.graphql = { ...pod.graphql, ...patch };
  }

  /** Replaces the pod's file of the same kind. A pod without a panel gets one that serves only this file. */
  setPanelFile(podId: string, file: PanelFile): void {
    const pod = this.requirePod(podId);
    if (pod.panel === undefined) {
      pod.panel = { files: [] };
    }
    pod.panel.files = pod.panel.files.filter((existing) => existing.kind !== file.kind);
    pod.panel.files.push({ kind: file.kind, body: file.body });
  }

  /**
   * Appends events to the pod's `usage_log` the way the panel does: parses the JSON array,
   * keeps the newest USAGE_LOG_MAX_ENTRIES entries and rewrites it with `indent=2`.
   * A pod without a usage log gets one. Throws when the current body is not a JSON array.
   */
  appendEvents(podId: string, events: object[]): void {
    const pod = this.requirePod(podId);
    const current = pod.panel?.files.find((file) => file.kind === 'usage_log');

    let entries: unknown[] = [];
    if (current !== undefined && current.body.trim() !== '') {
      entries = parseJsonArray(current.body, `usage_log of pod ${podId}`);
    }

    const kept = [...entries, ...events].slice(-USAGE_LOG_MAX_ENTRIES);
    this.setPanelFile(podId, { kind: 'usage_log', body: dumpsLikePython(kept) });
  }

  addFault(fault: Fault): void {
    if (this.scenario.faults === undefined) {
      this.scenario.faults = [];
    }
    this.scenario.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.scenario.faults = [];
  }

  /**
   * Returns the first fault that matches the request and counts the match against its `times`,
   * removing the fault when none remain.
   */
  takeFault(host: string, url: string): Fault | undefined {
    const faults = this.scenario.faults ?? [];
    const index = faults.findIndex(
      (fault) =>
        fault.host.toLowerCase() === host &&
        url.startsWith(fault.path ?? '') &&
        (fault.times === undefined || fault.times > 0),
    );
    if (index < 0) {
      return undefined;
    }

    const fault = faults[index]!;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) {
        faults.splice(index, 1);
      }
    }
    return fault;
  }
}

function parseJsonArray(body: string, what: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new Error(`Cannot append to the ${what}: its body is not valid JSON (${(error as Error).message}). Set a valid body with setPanelFile first.`);
  }
  if (!Array.isArray(parsed)) {
    throw new Error(`Cannot append to the ${what}: its body is JSON but not an array`);
  }
  return parsed;
}

/** Builds a response with a JSON body and `content-type: application/json`. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): HandlerResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}

/** Builds a response with an HTML body. */
export function htmlResponse(status: number, html: string): HandlerResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
}

import type { Fault, PanelFile, RecordedRequest, Scenario, SimPod } from './scenario';

/**
 * The operations the parent calls on the server process over the IPC channel of
 * `child_process.fork`. Arguments and results travel as JSON.
 */
export interface ControlMethods {
  /** Starts the HTTPS server; the first call the parent makes. */
  start(certificate: { key: string; cert: string }, scenario: Scenario): { port: number };
  setScenario(scenario: Scenario): void;
  getScenario(): Scenario;
  updatePod(podId: string, patch: Partial<SimPod['graphql']>): void;
  setPanelFile(podId: string, file: PanelFile): void;
  appendEvents(podId: string, events: object[]): void;
  addFault(fault: Fault): void;
  clearFaults(): void;
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** Closes the server and its open connections; the process exits when the parent disconnects. */
  stop(): void;
}

export type ControlMethodName = keyof ControlMethods;

export interface ControlRequest {
  id: number;
  method: ControlMethodName;
  params: unknown[];
}

export type ControlReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

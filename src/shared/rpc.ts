/**
 * Payloads between the server functions and the dialog and sidebar. `google.script.run` passes
 * only primitives, plain objects and arrays, so instants travel as epoch milliseconds.
 */

export interface SettingsView {
  hasApiKey: boolean;
  hasPodToken: boolean;
  port: number;
  paths: string;
  /** The email of the person whose hourly refresh is installed, or null. */
  triggerOwner: string | null;
  /** True when the current person has an hourly refresh installed. */
  triggerInstalled: boolean;
  userEmail: string;
}

export interface SettingsFormPayload {
  apiKey: string;
  podToken: string;
  clearPodToken: boolean;
  port: string;
  paths: string;
}

export type SaveSettingsResult = { ok: true; view: SettingsView } | { ok: false; errors: string[] };

export interface LivePodView {
  id: string;
  name: string;
  status: string;
  gpuType: string;
  gpuCount: number | null;
  costPerHr: number | null;
  uptimeHours: number | null;
  gpuUtilPercent: number | null;
  controlPanel: string;
}

export interface LivePodsView {
  pods: LivePodView[];
  /** When RunPod's snapshot was taken, in epoch milliseconds, or null before the first refresh. */
  snapshotMs: number | null;
  account: { balance: number | null; spendPerHr: number | null; runwayHours: number | null } | null;
}

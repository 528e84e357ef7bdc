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
  /** True when the live pods sidebar offers "Stop pod" (a document property, shared by every editor). */
  allowStopPods: boolean;
  /** Hours of 0% GPU after which the sidebar flags a running pod as idle. */
  idleAfterHours: number;
}

export interface SettingsFormPayload {
  apiKey: string;
  podToken: string;
  clearPodToken: boolean;
  port: string;
  paths: string;
  /** Absent keeps the stored choice. */
  allowStopPods?: boolean;
  /** Hours as typed, such as "2" or "1.5"; absent keeps the stored value. */
  idleAfterHours?: string;
}

export type SaveSettingsResult = { ok: true; view: SettingsView } | { ok: false; errors: string[] };

/** Interval between the open sidebar's requests to RunPod. Data older than two intervals is stale. */
export const LIVE_PODS_POLL_MS = 5 * 60_000;

/** A pod that is running or starting, as the sidebar shows it. */
export interface LivePodView {
  id: string;
  name: string;
  /** `running`, `starting` (RUNNING without a container yet), `created` or `restarting`. */
  status: string;
  gpuType: string | null;
  gpuCount: number | null;
  /** RunPod's price per hour for the whole pod; null when unknown. */
  costPerHr: number | null;
  uptimeSeconds: number | null;
  gpuUtilPercent: number | null;
  gpuMemoryPercent: number | null;
  /** People with an open session on the pod: the Sessions tab rows with Status `running`. */
  users: string[];
  /**
   * The Live Pods tab's "Control Panel" cell from the last refresh (`answered`, `failed`,
   * `not exposed`, `not running`), or null when no refresh has listed the pod yet.
   */
  controlPanel: string | null;
  /** Since when the GPU has shown 0% at every refresh, or null when it has not. */
  gpuIdleSinceMs: number | null;
  /** True when the GPU has shown 0% for at least `idleAfterHours` and the pod is past its first hour. */
  idle: boolean;
}

/** A stopped pod that keeps its volume disk, which RunPod bills while the pod is stopped. */
export interface StoppedPodView {
  id: string;
  name: string;
  /** RunPod's status in lower case, such as `exited`. */
  status: string;
  /** Null when only the Live Pods tab was read, which has no disk sizes. */
  volumeGb: number | null;
  /** `volumeGb` times RunPod's price for a stopped pod's volume, in USD per month. */
  diskCostPerMonth: number | null;
}

export interface AccountView {
  balance: number | null;
  spendPerHr: number | null;
  spendLimit: number | null;
  /** Balance divided by spend per hour; null when nothing is spending. */
  runwayHours: number | null;
}

/** The origin of a view's pods and account. */
export type LivePodsSource = 'runpod' | 'cache' | 'sheet' | 'none';

export interface LivePodsView {
  pods: LivePodView[];
  stoppedPods: StoppedPodView[];
  account: AccountView | null;
  /** When RunPod's data was taken, or null when there is none yet. */
  takenMs: number | null;
  /**
   * `runpod`: asked just now; `cache`: an earlier sidebar update; `sheet`: the Live Pods and
   * Account tabs of the last refresh; `none`: no data yet.
   */
  source: LivePodsSource;
  /** The server's clock when it built the view, so the sidebar measures age without trusting its own clock. */
  serverNowMs: number;
  /** The last failed update from RunPod, when it is newer than `takenMs`. */
  lastFailure: { atMs: number; message: string } | null;
  idleAfterHours: number;
  allowStopPods: boolean;
}

export interface StopPodResult {
  podId: string;
  podName: string;
  /** The pod's status in RunPod's response to the stop, in lower case, such as `exited`. */
  reportedStatus: string;
  /** The pods after the stop, or null when that second request failed. */
  view: LivePodsView | null;
  /** The reason `view` is null. */
  updateError: string | null;
}

/** The server functions the dialog and sidebar call, as `src/index.ts` exports them. */
export interface ServerFunctions {
  getSettings(): SettingsView;
  saveSettings(form: SettingsFormPayload): SaveSettingsResult;
  /** The last snapshot, without asking RunPod: the sidebar's first paint. */
  getLivePods(): LivePodsView;
  /** Asks RunPod for the pods and the account now; throws with a message when that fails. */
  updateLivePods(): LivePodsView;
  /** Stops a pod through RunPod's API when Settings allows it; throws with a message when that fails. */
  stopLivePod(podId: string): StopPodResult;
}

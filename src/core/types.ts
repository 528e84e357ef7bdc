/**
 * Plain data that flows through one refresh. Instants are epoch milliseconds (UTC) everywhere in
 * the core; only the sheet layer turns them into Date cells shown in the spreadsheet's time zone.
 */

/** The control-panel file a record came from. */
export type LogSource = 'usage_log' | 'user_stats';

/** One start or stop entry of a pod's `usage_log.json`, normalised. */
export interface UsageEvent {
  user: string;
  action: 'start' | 'stop';
  atMs: number;
  gpu: string | null;
  durationHours: number | null;
  /** The panel's own cost figure: duration times its HOURLY_RATE setting, not what RunPod charged. */
  panelCost: number | null;
  /** Position of the entry in the log, for messages. */
  index: number;
}

/** A record the sheet could not use, kept with the reason instead of being dropped silently. */
export interface InvalidRecord {
  podId: string;
  source: LogSource;
  /** Position in the log (0-based) or the user key of a `/api/user_stats` entry. */
  position: string;
  reason: string;
  /** The record as JSON, cut to a readable length. */
  record: string;
}

/** A usage session as one pod's log describes it, before pricing. */
export interface Session {
  key: string;
  user: string;
  podId: string;
  gpu: string | null;
  startMs: number;
  /** Null while the session is still running. */
  endMs: number | null;
  panelCost: number | null;
  source: LogSource;
  /** True when the start was rebuilt from a stop's duration because the log lost the start. */
  startReconstructed: boolean;
}

/** The basis of a session's cost: observed prices, an estimate, or none. */
export type PriceBasis = 'observed' | 'estimated' | 'no price';

export interface PricedSession extends Session {
  costPerHr: number | null;
  totalCost: number | null;
  priceBasis: PriceBasis;
}

/** A price RunPod reported for a pod, held from `firstSeenMs` to `lastSeenMs`. */
export interface PriceRecord {
  podId: string;
  costPerHr: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /**
   * The first refresh after `lastSeenMs` that found the pod stopped or gone, or null while it runs.
   * RunPod charges no GPU time between then and the pod's next record.
   */
  stoppedSeenMs?: number | null;
}

/** The account figures of one refresh. */
export interface AccountSnapshot {
  balance: number;
  spendPerHr: number;
  spendLimit: number | null;
}

/** A pod as RunPod's API reported it at one refresh, reduced to what the sheet uses. */
export interface PodSnapshot {
  id: string;
  name: string;
  /** RunPod's `desiredStatus`: CREATED, RUNNING, RESTARTING, EXITED, PAUSED, DEAD or TERMINATED. */
  desiredStatus: string;
  /** True when the container runs: RUNNING with a runtime. */
  runtimeUp: boolean;
  /** RunPod's charge per hour for the whole pod, discounts included, or null when unknown. */
  costPerHr: number | null;
  gpuType: string | null;
  /** Null when RunPod leaves it out. */
  gpuCount: number | null;
  /** Container ports exposed over HTTP, from the `ports` string (for example `7777/http`). */
  httpPorts: number[];
  uptimeSeconds: number | null;
  gpuUtilPercent: number | null;
  gpuMemoryPercent: number | null;
  location: string | null;
  /** Size of the pod's volume disk in GB, kept and billed while the pod is stopped; absent when not read. */
  volumeGb?: number | null;
  /** Size of the container disk in GB, cleared and no longer billed when the pod stops; absent when not read. */
  containerDiskGb?: number | null;
}

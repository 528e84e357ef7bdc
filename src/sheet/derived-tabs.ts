/** Tabs rebuilt on every refresh from the sessions and RunPod's snapshot. */
import type { MonthlyTotal, UsageSummary } from '../core/rollups';
import type { AccountSnapshot, PodSnapshot } from '../core/types';
import { dateCell, numberCell, textCell } from './cells';
import type { RowValues } from './table';

export function summaryRows(summary: UsageSummary): RowValues[] {
  const rows: RowValues[] = summary.users.map((user) => ({
    User: textCell(user.user),
    'Total Hours': numberCell(user.hours),
    'Total Cost ($)': numberCell(user.cost),
    Sessions: numberCell(user.sessions),
    'Last Updated': dateCell(user.lastActivityMs),
    'Running Now': numberCell(user.running),
    'Estimated Part ($)': numberCell(user.estimatedCost),
  }));
  rows.push({
    User: 'Total',
    'Total Hours': numberCell(summary.total.hours),
    'Total Cost ($)': numberCell(summary.total.cost),
    Sessions: numberCell(summary.total.sessions),
    'Last Updated': dateCell(summary.total.lastActivityMs),
    'Running Now': numberCell(summary.total.running),
    'Estimated Part ($)': numberCell(summary.total.estimatedCost),
  });
  return rows;
}

export function monthlyRows(totals: readonly MonthlyTotal[]): RowValues[] {
  return totals.map((total) => ({
    Month: textCell(total.month),
    User: textCell(total.user),
    Hours: numberCell(total.hours),
    'Cost ($)': numberCell(total.cost),
    Sessions: numberCell(total.sessions),
  }));
}

/** Describes the control panel's state on a pod for the Live Pods tab. */
export type PanelState = 'answered' | 'failed' | 'not exposed' | 'not running';

export function livePodRows(pods: readonly PodSnapshot[], panelStates: ReadonlyMap<string, PanelState>, snapshotMs: number): RowValues[] {
  return pods.map((pod) => ({
    'Pod ID': textCell(pod.id),
    'Pod Name': textCell(pod.name),
    Status: textCell(podStatus(pod)),
    'GPU Type': textCell(pod.gpuType),
    GPUs: numberCell(pod.gpuCount),
    // A stopped pod pays only for its disk, so its GPU price would read as a charge it does not make.
    'Cost/hr ($)': numberCell(pod.desiredStatus === 'RUNNING' ? pod.costPerHr : null),
    'Uptime (hrs)': numberCell(pod.uptimeSeconds === null ? null : Math.round((pod.uptimeSeconds / 3600) * 100) / 100),
    'GPU Util (%)': numberCell(pod.gpuUtilPercent),
    'GPU Memory (%)': numberCell(pod.gpuMemoryPercent),
    'Control Panel': textCell(panelStates.get(pod.id) ?? 'not running'),
    Location: textCell(pod.location),
    'Snapshot At': dateCell(snapshotMs),
  }));
}

/** Says what a pod is doing in a person's words: RUNNING without a container yet is "starting". */
export function podStatus(pod: PodSnapshot): string {
  if (pod.desiredStatus === 'RUNNING') return pod.runtimeUp ? 'running' : 'starting';
  return pod.desiredStatus.toLowerCase();
}

export function accountRow(account: AccountSnapshot, refreshedMs: number): RowValues {
  // A balance at or below zero leaves no runway: pods stop when the balance reaches $0.
  const runway = account.spendPerHr > 0 ? Math.max(0, Math.round((account.balance / account.spendPerHr) * 100) / 100) : null;
  return {
    'Refreshed At': dateCell(refreshedMs),
    'Balance ($)': numberCell(account.balance),
    'Spend/hr ($)': numberCell(account.spendPerHr),
    'Spend Limit ($/hr)': numberCell(account.spendLimit),
    'Runway (hrs)': numberCell(runway),
  };
}

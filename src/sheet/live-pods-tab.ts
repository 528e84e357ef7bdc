/** Reading the last RunPod snapshot back from the Live Pods tab, for refreshes when RunPod fails. */
import type { PodSnapshot } from '../core/types';
import { readNumber, readText } from './cells';
import { cellOf } from './row-access';
import type { Table } from './table';

/**
 * Returns the pods that were running with a reachable control panel at the last snapshot, so
 * their logs can still be read while RunPod's API is down. Prices are left unknown, because
 * only RunPod reports what it charges now.
 */
export function readKnownPanelPods(table: Table, panelPort: number): PodSnapshot[] {
  const pods: PodSnapshot[] = [];
  for (const row of table.rows) {
    const id = readText(cellOf(table, row, 'Pod ID'));
    const status = readText(cellOf(table, row, 'Status'));
    const panel = readText(cellOf(table, row, 'Control Panel'));
    if (id === '' || status !== 'running' || (panel !== 'answered' && panel !== 'failed')) continue;
    pods.push({
      id,
      name: readText(cellOf(table, row, 'Pod Name')) || id,
      desiredStatus: 'RUNNING',
      runtimeUp: true,
      costPerHr: null,
      gpuType: readText(cellOf(table, row, 'GPU Type')) || null,
      gpuCount: readNumber(cellOf(table, row, 'GPUs')),
      httpPorts: [panelPort],
      uptimeSeconds: null,
      gpuUtilPercent: null,
      gpuMemoryPercent: null,
      location: readText(cellOf(table, row, 'Location')) || null,
    });
  }
  return pods;
}

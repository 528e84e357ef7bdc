/** The Sync Status tab: one row per pod with the outcome of its latest sync attempt. */
import type { SyncResult } from '../pods/panel-answers';
import { dateCell, numberCell, readInstant, readText, textCell } from './cells';
import { cellOf } from './row-access';
import type { RowValues, Table } from './table';

export interface PodSyncStatus {
  podId: string;
  podName: string;
  result: SyncResult;
  attemptMs: number;
  /** The last time the pod's log was read, possibly an earlier refresh. */
  lastSuccessMs: number | null;
  rowsAdded: number;
  rowsUpdated: number;
  invalidRecords: number;
  bytes: number;
  error: string;
}

/** Reads each pod's row position and its last success, which survives failed attempts. */
export function readSyncStatus(table: Table): Map<string, { position: number; lastSuccessMs: number | null }> {
  const byPod = new Map<string, { position: number; lastSuccessMs: number | null }>();
  table.rows.forEach((row, position) => {
    const podId = readText(cellOf(table, row, 'Pod ID'));
    if (podId !== '') byPod.set(podId, { position, lastSuccessMs: readInstant(cellOf(table, row, 'Last Success')) });
  });
  return byPod;
}

export function syncStatusCells(status: PodSyncStatus): RowValues {
  return {
    'Pod ID': textCell(status.podId),
    'Pod Name': textCell(status.podName),
    Result: textCell(status.result),
    'Last Attempt': dateCell(status.attemptMs),
    'Last Success': dateCell(status.lastSuccessMs),
    'Rows Added': numberCell(status.rowsAdded),
    'Rows Updated': numberCell(status.rowsUpdated),
    'Invalid Records': numberCell(status.invalidRecords),
    Bytes: numberCell(status.bytes),
    Error: textCell(status.error),
  };
}

/** The Sync Status tab: one row per pod with the outcome of its latest sync attempt. */
import type { SyncResult } from '../pods/panel-answers';
import { dateCell, numberCell, readInstant, readText, textCell } from './cells';
import { cellOf } from './row-access';
import type { RowValues, Table } from './table';

export interface PodSyncStatus {
  podId: string;
  podName: string;
  result: SyncResult;
  /** Null for a pod never attempted yet. */
  attemptMs: number | null;
  /** The last time the pod's log was read, possibly an earlier refresh. */
  lastSuccessMs: number | null;
  rowsAdded: number;
  rowsUpdated: number;
  invalidRecords: number;
  bytes: number;
  error: string;
  /** The start of the next read of the pod's event log, or null to read the whole log. */
  cursorMs: number | null;
}

export interface StoredSyncStatus {
  position: number;
  lastAttemptMs: number | null;
  lastSuccessMs: number | null;
  cursorMs: number | null;
}

/** Reads each pod's row position, last success and log cursor, which survive failed attempts. */
export function readSyncStatus(table: Table): Map<string, StoredSyncStatus> {
  const byPod = new Map<string, StoredSyncStatus>();
  table.rows.forEach((row, position) => {
    const podId = readText(cellOf(table, row, 'Pod ID'));
    if (podId === '') return;
    byPod.set(podId, {
      position,
      lastAttemptMs: readInstant(cellOf(table, row, 'Last Attempt')),
      lastSuccessMs: readInstant(cellOf(table, row, 'Last Success')),
      cursorMs: readInstant(cellOf(table, row, 'Log Cursor')),
    });
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
    'Log Cursor': dateCell(status.cursorMs),
  };
}

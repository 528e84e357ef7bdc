/** The Prices tab: RunPod's price of each pod over time. */
import type { PriceRecord } from '../core/types';
import { dateCell, numberCell, readInstant, readNumber, readText, textCell } from './cells';
import { cellOf } from './row-access';
import type { RowValues, Table } from './table';

export interface PriceRows {
  records: PriceRecord[];
  /** The data position of each record read, by its identity. */
  positionOf: Map<string, number>;
}

export function priceIdentity(record: Pick<PriceRecord, 'podId' | 'firstSeenMs'>): string {
  return `${record.podId}|${record.firstSeenMs}`;
}

/** Reads the price records; rows that do not hold a pod, a price and two instants are skipped. */
export function readPriceRows(table: Table): PriceRows {
  const records: PriceRecord[] = [];
  const positionOf = new Map<string, number>();
  table.rows.forEach((row, position) => {
    const podId = readText(cellOf(table, row, 'Pod ID'));
    const costPerHr = readNumber(cellOf(table, row, 'Cost/hr ($)'));
    const firstSeenMs = readInstant(cellOf(table, row, 'First Seen'));
    const lastSeenMs = readInstant(cellOf(table, row, 'Last Seen'));
    if (podId === '' || costPerHr === null || firstSeenMs === null || lastSeenMs === null) return;
    const record = { podId, costPerHr, firstSeenMs, lastSeenMs, stoppedSeenMs: readInstant(cellOf(table, row, 'Stopped Seen')) };
    records.push(record);
    positionOf.set(priceIdentity(record), position);
  });
  return { records, positionOf };
}

export function priceCells(record: PriceRecord): RowValues {
  return {
    'Pod ID': textCell(record.podId),
    'Cost/hr ($)': numberCell(record.costPerHr),
    'First Seen': dateCell(record.firstSeenMs),
    'Last Seen': dateCell(record.lastSeenMs),
    'Stopped Seen': dateCell(record.stoppedSeenMs ?? null),
  };
}

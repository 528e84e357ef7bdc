/** The Invalid Rows tab: log records the sheet could not use, each listed once with the reason. */
import type { InvalidRecord } from '../core/types';
import { dateCell, readText, textCell } from './cells';
import { cellOf } from './row-access';
import type { RowValues, Table } from './table';

/** Identifies a record without its position, which shifts when the panel drops old entries. */
export function invalidIdentity(record: Pick<InvalidRecord, 'podId' | 'reason' | 'record'>): string {
  return `${record.podId}|${record.reason}|${record.record}`;
}

export function readInvalidIdentities(table: Table): Set<string> {
  const identities = new Set<string>();
  for (const row of table.rows) {
    identities.add(
      invalidIdentity({
        podId: readText(cellOf(table, row, 'Pod ID')),
        reason: readText(cellOf(table, row, 'Reason')),
        record: readText(cellOf(table, row, 'Record')),
      }),
    );
  }
  return identities;
}

export function invalidCells(record: InvalidRecord, firstSeenMs: number): RowValues {
  return {
    'Pod ID': textCell(record.podId),
    Source: textCell(record.source),
    Position: textCell(record.position),
    Reason: textCell(record.reason),
    Record: textCell(record.record),
    'First Seen': dateCell(firstSeenMs),
  };
}

/** The Sessions tab: reading its rows into session rows, and writing merged rows back. */
import type { SessionRow, SessionStatus } from '../core/session-rows';
import type { LogSource, PriceBasis } from '../core/types';
import { dateCell, numberCell, readInstant, readNumber, readText, textCell } from './cells';
import { cellOf } from './row-access';
import type { RowValues, Table } from './table';

const STATUSES: SessionStatus[] = ['running', 'closed', 'stopped'];
const BASES: PriceBasis[] = ['observed', 'estimated', 'no price'];
const SOURCES: LogSource[] = ['usage_log', 'user_stats'];

/**
 * Reads every data row. A row without a session key or start (a note a person typed, or a row
 * damaged by hand) becomes null: it is kept where it is and never rewritten.
 */
export function readSessionRows(table: Table): (SessionRow | null)[] {
  return table.rows.map((row) => {
    const key = readText(cellOf(table, row, 'Session Key'));
    const startMs = readInstant(cellOf(table, row, 'Started'));
    if (key === '' || startMs === null) return null;

    const status = readText(cellOf(table, row, 'Status')) as SessionStatus;
    const basis = readText(cellOf(table, row, 'Price Basis')) as PriceBasis;
    const source = readText(cellOf(table, row, 'Source')) as LogSource;
    return {
      key,
      user: readText(cellOf(table, row, 'User')),
      podId: readText(cellOf(table, row, 'Pod ID')),
      podName: readText(cellOf(table, row, 'Pod Name')) || null,
      gpuType: readText(cellOf(table, row, 'GPU Type')) || null,
      startMs,
      endMs: readInstant(cellOf(table, row, 'Ended')),
      durationHours: readNumber(cellOf(table, row, 'Duration (hrs)')) ?? 0,
      costPerHr: readNumber(cellOf(table, row, 'Cost/hr ($)')),
      totalCost: readNumber(cellOf(table, row, 'Total Cost ($)')),
      status: STATUSES.includes(status) ? status : 'closed',
      priceBasis: BASES.includes(basis) ? basis : 'estimated',
      panelCost: readNumber(cellOf(table, row, 'Panel Cost ($)')),
      source: SOURCES.includes(source) ? source : 'usage_log',
      lastSyncedMs: readInstant(cellOf(table, row, 'Last Synced')) ?? 0,
    };
  });
}

export function sessionCells(row: SessionRow): RowValues {
  return {
    User: textCell(row.user),
    'Pod ID': textCell(row.podId),
    'Pod Name': textCell(row.podName),
    'GPU Type': textCell(row.gpuType),
    Started: dateCell(row.startMs),
    Ended: dateCell(row.endMs),
    'Duration (hrs)': numberCell(row.durationHours),
    'Cost/hr ($)': numberCell(row.costPerHr),
    'Total Cost ($)': numberCell(row.totalCost),
    Status: textCell(row.status),
    'Price Basis': textCell(row.priceBasis),
    'Panel Cost ($)': numberCell(row.panelCost),
    Source: textCell(row.source),
    'Session Key': textCell(row.key),
    'Last Synced': dateCell(row.lastSyncedMs),
  };
}

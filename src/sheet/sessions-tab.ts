/** The Sessions tab: reading its rows into session rows, and writing merged rows back. */
import type { SessionRow, SessionStatus } from '../core/session-rows';
import type { LogSource, PriceBasis } from '../core/types';
import { dateCell, numberCell, readInstant, readNumber, readText, textCell } from './cells';
import type { RowValues, Table } from './table';

// Taken once: these run for every cell of the tab, and in the node:vm sandbox that the tests and
// the benchmark run the bundle in, each lookup of a global such as Number costs about 100 ns.
const isFiniteNumber = Number.isFinite;
const objectToString = Object.prototype.toString;

const STATUSES: SessionStatus[] = ['running', 'closed', 'stopped'];
const BASES: PriceBasis[] = ['observed', 'estimated', 'no price'];
const SOURCES: LogSource[] = ['usage_log', 'user_stats'];

/**
 * Reads every data row. A row without a session key or start (a note a person typed, or a row
 * damaged by hand) becomes null: it is kept where it is and never rewritten.
 */
export function readSessionRows(table: Table): (SessionRow | null)[] {
  // Column positions are looked up once, not per cell: the tab can hold a million rows.
  const cell = cellReader(table);
  const keyAt = cell('Session Key');
  const startedAt = cell('Started');
  const userAt = cell('User');
  const podIdAt = cell('Pod ID');
  const podNameAt = cell('Pod Name');
  const gpuTypeAt = cell('GPU Type');
  const endedAt = cell('Ended');
  const durationAt = cell('Duration (hrs)');
  const costPerHrAt = cell('Cost/hr ($)');
  const totalCostAt = cell('Total Cost ($)');
  const statusAt = cell('Status');
  const basisAt = cell('Price Basis');
  const panelCostAt = cell('Panel Cost ($)');
  const sourceAt = cell('Source');
  const lastSyncedAt = cell('Last Synced');

  return table.rows.map((row) => {
    const key = textOf(keyAt(row));
    const startMs = instantOf(startedAt(row));
    if (key === '' || startMs === null) return null;

    const status = textOf(statusAt(row)) as SessionStatus;
    const basis = textOf(basisAt(row)) as PriceBasis;
    const source = textOf(sourceAt(row)) as LogSource;
    return {
      key,
      user: textOf(userAt(row)),
      podId: textOf(podIdAt(row)),
      podName: textOf(podNameAt(row)) || null,
      gpuType: textOf(gpuTypeAt(row)) || null,
      startMs,
      endMs: instantOf(endedAt(row)),
      durationHours: numberOf(durationAt(row)) ?? 0,
      costPerHr: numberOf(costPerHrAt(row)),
      totalCost: numberOf(totalCostAt(row)),
      status: STATUSES.includes(status) ? status : 'closed',
      priceBasis: BASES.includes(basis) ? basis : 'estimated',
      panelCost: numberOf(panelCostAt(row)),
      source: SOURCES.includes(source) ? source : 'usage_log',
      lastSyncedMs: instantOf(lastSyncedAt(row)) ?? 0,
    };
  });
}

/** Returns a reader of one managed column, which gives '' when the tab lacks that column. */
function cellReader(table: Table): (header: string) => (row: readonly unknown[]) => unknown {
  return (header) => {
    const column = table.columnOf.get(header);
    return column === undefined ? () => '' : (row) => row[column];
  };
}

/** Reads text as `readText` does, with a quick path for strings, the kind of most cells. */
function textOf(cell: unknown): string {
  return typeof cell === 'string' ? cell.trim() : readText(cell);
}

/** Reads an instant as `readInstant` does, with a quick path for the dates `getValues` returns. */
function instantOf(cell: unknown): number | null {
  if (typeof cell === 'object' && cell !== null && objectToString.call(cell) === '[object Date]') {
    const ms = (cell as Date).getTime();
    return isFiniteNumber(ms) ? ms : null;
  }
  return readInstant(cell);
}

/** Reads a number as `readNumber` does, with a quick path for numbers. */
function numberOf(cell: unknown): number | null {
  if (typeof cell === 'number') return isFiniteNumber(cell) ? cell : null;
  return readNumber(cell);
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

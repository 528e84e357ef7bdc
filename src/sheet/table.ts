/**
 * A tab as a header-keyed table: one read of the whole tab, and writes of only the managed columns,
 * so columns that people add, and the notes they type there, are never touched.
 */
import type { CellValue } from './cells';
import { readText } from './cells';

export interface ColumnSpec {
  header: string;
  /** A Sheets number format such as `0.00`, applied to the column when the tab is created. */
  format?: string;
  width?: number;
}

export interface TabSpec {
  name: string;
  columns: ColumnSpec[];
  /** The column that identifies a row. A tab with rows but without it is not written. */
  keyHeader?: string;
  /**
   * Columns whose loss would corrupt the rows (a person deleted one): a tab with rows that lacks
   * one is not written. Other missing columns, such as ones added by a newer version, are added.
   */
  requiredHeaders?: string[];
  /** Columns added for people to type in; the sheet never writes below their header. */
  personColumns?: string[];
}

export class SheetLayoutError extends Error {}

export interface Table {
  spec: TabSpec;
  sheet: GoogleAppsScript.Spreadsheet.Sheet;
  /** 0-based column of each managed header in the sheet. */
  columnOf: Map<string, number>;
  /** Data rows below the header, as read, in every column of the sheet. */
  rows: unknown[][];
  /**
   * Not read any more: writes grow the sheet only when `getRange` rejects their range. Kept
   * because callers build tables with `maxRows: null`.
   */
  maxRows: number | null;
}

/** Opens a tab, finding it under a new name when a person renamed it, or else creating it. */
export function openTab(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, spec: TabSpec): GoogleAppsScript.Spreadsheet.Sheet {
  return spreadsheet.getSheetByName(spec.name) ?? findRenamedTab(spreadsheet, spec) ?? createTab(spreadsheet, spec);
}

/**
 * Finds a keyed tab that a person renamed: another tab whose header row contains the key column
 * and every managed column. Writing a fresh tab instead would lose the rows of pods that are gone.
 */
function findRenamedTab(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, spec: TabSpec): GoogleAppsScript.Spreadsheet.Sheet | null {
  if (!spec.keyHeader) return null;
  const wanted = spec.columns.map((column) => column.header);
  for (const sheet of spreadsheet.getSheets()) {
    const width = sheet.getLastColumn();
    if (width === 0) continue;
    const header = new Set((sheet.getRange(1, 1, 1, width).getValues()[0] ?? []).map(readText));
    if (wanted.every((name) => header.has(name))) {
      console.warn(`The "${spec.name}" tab was renamed to "${sheet.getName()}"; the refresh keeps its rows there.`);
      return sheet;
    }
  }
  return null;
}

/** Opens a tab, creating it with its header when it does not exist, and reads it whole in one call. */
export function readTable(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, spec: TabSpec): Table {
  const sheet = openTab(spreadsheet, spec);

  const values = readAllValues(sheet);
  const header = (values[0] ?? []).map(readText);
  const rows = values.slice(1);
  const hasContent = values.length > 1 || header.some((cell) => cell !== '');

  const columnOf = new Map<string, number>();
  header.forEach((cell, column) => {
    if (cell !== '' && !columnOf.has(cell)) columnOf.set(cell, column);
  });

  const missing = spec.columns.map((column) => column.header).filter((name) => !columnOf.has(name));
  if (!spec.keyHeader && hasContent && missing.length > 0) {
    return resetDerivedTab(sheet, spec);
  }
  // Row 1 without the key column is not our header (a person deleted it, so a data row moved up):
  // even a single row there must not be mistaken for a header and written over.
  const lost = [spec.keyHeader, ...(spec.requiredHeaders ?? [])].filter((name): name is string => !!name && !columnOf.has(name));
  const keyLost = !!spec.keyHeader && lost.includes(spec.keyHeader);
  if (lost.length > 0 && (rows.length > 0 || (keyLost && hasContent))) {
    const names = lost.map((name) => `"${name}"`).join(', ');
    const columns = lost.length === 1 ? `the ${names} column` : `the columns ${names}`;
    throw new SheetLayoutError(
      `The "${spec.name}" tab lacks ${columns}, so its rows cannot be read or matched and the refresh would write wrong totals or duplicates. ` +
        `Restore the header in row 1 (undo the change, or type the name back over the right column), then refresh again.`,
    );
  }

  if (missing.length > 0) {
    let next = hasContent ? Math.max(header.length, lastFilled(header) + 1) : 0;
    const placed = missing.map((name) => {
      const column = hasContent ? next++ : spec.columns.findIndex((spec) => spec.header === name);
      columnOf.set(name, column);
      return { name, column };
    });
    writeHeaderCells(sheet, placed);
  }

  return { spec, sheet, columnOf, rows, maxRows: null };
}

/**
 * Reads a tab from A1 to its last row and column with data in one call. Google's Sheet reference
 * (developers.google.com/apps-script/reference/spreadsheet/sheet) says of `getSheetValues`: "A -1
 * value given as the row or column position is equivalent to getting the very last row or column
 * that has data in the sheet". `getDataRange().getValues()` reads the same in two calls, and is
 * the fallback for an empty tab, which has no such last row.
 * NOTE: -1 as a row and column count is how public scripts use it and how the fakes implement it;
 * it has not run against live Apps Script here. A rejection falls back to the two calls.
 */
function readAllValues(sheet: GoogleAppsScript.Spreadsheet.Sheet): unknown[][] {
  try {
    return sheet.getSheetValues(1, 1, -1, -1);
  } catch {
    return sheet.getDataRange().getValues();
  }
}

/**
 * Rebuilds the header of a tab the refresh rewrites whole (a summary) after a person deleted or
 * renamed one of its columns: its rows are recomputed anyway, so they are cleared with it.
 */
function resetDerivedTab(sheet: GoogleAppsScript.Spreadsheet.Sheet, spec: TabSpec): Table {
  console.warn(`The "${spec.name}" tab lost a column header; rebuilding the tab.`);
  sheet.clearContents();
  const headers = spec.columns.map((column) => column.header);
  sheet.getRange(1, 1, 1, headers.length).setValues([headers]);
  return { spec, sheet, columnOf: new Map(headers.map((header, column) => [header, column])), rows: [], maxRows: null };
}

function createTab(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, spec: TabSpec): GoogleAppsScript.Spreadsheet.Sheet {
  const sheet = spreadsheet.insertSheet(spec.name);
  const headers = spec.columns.map((column) => column.header).concat(spec.personColumns ?? []);
  sheet.getRange(1, 1, 1, headers.length).setValues([headers]).setFontWeight('bold');
  sheet.setFrozenRows(1);
  spec.columns.forEach((column, index) => {
    if (column.format) sheet.getRange(2, index + 1, sheet.getMaxRows() - 1, 1).setNumberFormat(column.format);
    if (column.width) sheet.setColumnWidth(index + 1, column.width);
  });
  return sheet;
}

function writeHeaderCells(sheet: GoogleAppsScript.Spreadsheet.Sheet, placed: { name: string; column: number }[]): void {
  for (const { name, column } of placed) {
    sheet.getRange(1, column + 1).setValue(name).setFontWeight('bold');
  }
}

function lastFilled(cells: string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) {
    if (cells[i] !== '') return i;
  }
  return -1;
}

/** A row's managed values, by header. */
export type RowValues = Record<string, CellValue>;

/**
 * Writes rows at 0-based data positions (position 0 is sheet row 2). One `setValues` covers the
 * span from the first to the last position, for each run of adjacent managed columns; rows inside
 * the span that did not change are written back with the values read.
 */
export function writeRows(table: Table, updates: ReadonlyMap<number, RowValues>): number {
  if (updates.size === 0) return 0;
  // A loop, not Math.min(...positions): spreading 100,000 arguments overflows the call stack.
  let first = Infinity;
  let last = -Infinity;
  updates.forEach((_, position) => {
    first = Math.min(first, position);
    last = Math.max(last, position);
  });

  let cellsWritten = 0;
  for (const run of managedRuns(table)) {
    const block: CellValue[][] = [];
    for (let position = first; position <= last; position++) {
      const update = updates.get(position);
      const current = table.rows[position];
      block.push(run.headers.map((header, offset) => (update ? (update[header] ?? '') : cellAsWritten(current?.[run.start + offset]))));
    }
    rangeToWrite(table, first + 2, run.start + 1, block.length, run.headers.length).setValues(block);
    cellsWritten += block.length * run.headers.length;
  }
  return cellsWritten;
}

/**
 * Replaces all data rows of a derived tab (a summary that is rebuilt every refresh): writes the
 * new rows and blanks the rows left over from a longer previous version, in one call per run.
 */
export function replaceRows(table: Table, rows: RowValues[]): number {
  const height = Math.max(rows.length, table.rows.length);
  if (height === 0) return 0;
  const updates = new Map<number, RowValues>();
  for (let position = 0; position < height; position++) {
    updates.set(position, rows[position] ?? {});
  }
  return writeRows(table, updates);
}

/** Groups the managed columns into runs of adjacent sheet columns, so each run is one range. */
function managedRuns(table: Table): { start: number; headers: string[] }[] {
  const placed = table.spec.columns
    .map((column) => ({ header: column.header, column: table.columnOf.get(column.header) as number }))
    .sort((a, b) => a.column - b.column);
  const runs: { start: number; headers: string[] }[] = [];
  for (const { header, column } of placed) {
    const run = runs[runs.length - 1];
    if (run && run.start + run.headers.length === column) {
      run.headers.push(header);
    } else {
      runs.push({ start: column, headers: [header] });
    }
  }
  return runs;
}

/** Rows added at least each time a tab is too short for a write. */
const MIN_GROWTH_ROWS = 500;

/**
 * Returns the range for a write. `getRange` rejects a range that passes the sheet's last row; then
 * rows are inserted below the last row the table read, enough for the write and at least 500, and
 * the range is asked for again. So the sheet's size is never read, and only a write that does not
 * fit costs an extra call. A range rejected for another reason is rejected again and raises.
 */
function rangeToWrite(table: Table, row: number, column: number, numRows: number, numColumns: number): GoogleAppsScript.Spreadsheet.Range {
  try {
    return table.sheet.getRange(row, column, numRows, numColumns);
  } catch {
    // The header and the data rows read end at this row; every row below it is empty.
    const lastContentRow = table.rows.length + 1;
    const lastSheetRow = row + numRows - 1;
    table.sheet.insertRowsAfter(lastContentRow, Math.max(lastSheetRow - lastContentRow, MIN_GROWTH_ROWS));
    return table.sheet.getRange(row, column, numRows, numColumns);
  }
}

/** Writes a value read from the sheet back unchanged, keeping text as text. */
function cellAsWritten(cell: unknown): CellValue {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell === '' ? '' : `'${cell}`;
  return cell as CellValue;
}

import { parseA1Notation } from './a1-notation';
import { STYLE_DEFAULTS, type StyleName } from './cell-format';
import { sortOrder } from './cell-sorting';
import { type CellValue, FormulaCell, TEXT_FORMAT, assertCellTextLengths, mayNeedParsing, toStoredValue } from './cell-values';
import { Grid } from './grid';
import { FakeProtection } from './protection';
import { FakeRange } from './range';
import { isDate, signatureMismatch } from './realm';
import type { CallKind } from './spreadsheet-counters';
import type { FakeSpreadsheet } from './spreadsheet';

/** A new sheet has 1000 rows and 26 columns, as in Sheets. */
export const DEFAULT_MAX_ROWS = 1000;
export const DEFAULT_MAX_COLUMNS = 26;
/** Width in pixels Sheets gives a column that was never resized. */
export const DEFAULT_COLUMN_WIDTH = 100;

const STYLE_NAMES = Object.keys(STYLE_DEFAULTS) as StyleName[];

/**
 * One tab. Cells live in row arrays (`values`), formatting in parallel sparse grids (`styles`,
 * `notes`). The grid has a fixed size, `maxRows` x `maxColumns`: `getRange` past it throws, and
 * only `appendRow`, `insertRows*` and `insertColumns*` grow it, as in Sheets.
 */
export class FakeSheet {
  readonly values = new Grid<CellValue>('');
  readonly styles: Record<StyleName, Grid<string | undefined>>;
  readonly notes = new Grid<string>('');
  readonly columnWidths = new Map<number, number>();
  /** Columns passed to `autoResizeColumns`, 1-based, in call order. */
  readonly autoResizedColumns: number[] = [];
  maxRows = DEFAULT_MAX_ROWS;
  maxColumns = DEFAULT_MAX_COLUMNS;
  frozenRows = 0;
  frozenColumns = 0;
  hidden = false;
  private lastRowCache: number | undefined;
  private lastColumnCache: number | undefined;

  constructor(
    readonly spreadsheet: FakeSpreadsheet,
    private name: string,
    readonly sheetId: number,
  ) {
    const styles = {} as Record<StyleName, Grid<string | undefined>>;
    for (const style of STYLE_NAMES) styles[style] = new Grid<string | undefined>(undefined);
    this.styles = styles;
  }

  /** Counts one call on the spreadsheet's counters. */
  count(kind: CallKind, method: string, cells = 0): void {
    this.spreadsheet.countCall(kind, method, cells);
  }

  get realm() {
    return this.spreadsheet.runtime.realm;
  }

  // ---- Names and identity --------------------------------------------------------------

  getName(): string {
    this.count('other', 'Sheet.getName');
    return this.name;
  }

  /** The sheet's name without counting a call, for the spreadsheet and the harness. */
  get sheetName(): string {
    return this.name;
  }

  setName(name: string): FakeSheet {
    this.count('write', 'Sheet.setName');
    this.spreadsheet.assertSheetNameFree(name, this);
    this.name = name;
    return this;
  }

  getSheetId(): number {
    this.count('other', 'Sheet.getSheetId');
    return this.sheetId;
  }

  getSheetName(): string {
    this.count('other', 'Sheet.getSheetName');
    return this.name;
  }

  /** Returns the 1-based position of the tab. */
  getIndex(): number {
    this.count('other', 'Sheet.getIndex');
    return this.spreadsheet.sheetList.indexOf(this) + 1;
  }

  getParent(): FakeSpreadsheet {
    this.count('other', 'Sheet.getParent');
    return this.spreadsheet;
  }

  activate(): FakeSheet {
    this.count('other', 'Sheet.activate');
    this.spreadsheet.activeSheet = this;
    return this;
  }

  // ---- Ranges ---------------------------------------------------------------------------

  getRange(rowOrA1: number | string, column?: number, numRows?: number, numColumns?: number): FakeRange {
    this.count('other', 'Sheet.getRange');
    if (typeof rowOrA1 === 'string' && column === undefined) return this.rangeFromA1(rowOrA1);
    let argumentCount = 2;
    if (numRows !== undefined) argumentCount = 3;
    if (numColumns !== undefined) argumentCount = 4;
    const args = [rowOrA1, column, numRows, numColumns].slice(0, argumentCount);
    if (args.some((arg) => typeof arg !== 'number' || Number.isNaN(arg))) throw signatureMismatch(this.realm, 'SpreadsheetApp.Sheet.getRange', args);
    return this.makeRange(Math.trunc(rowOrA1 as number), Math.trunc(column as number), Math.trunc(numRows ?? 1), Math.trunc(numColumns ?? 1));
  }

  /** Builds a range after the checks Sheets applies to `getRange` arguments. */
  makeRange(row: number, column: number, numRows: number, numColumns: number): FakeRange {
    if (row < 1) throw this.realm.exception('The starting row of the range is too small.');
    if (column < 1) throw this.realm.exception('The starting column of the range is too small.');
    if (numRows < 1) throw this.realm.exception('The number of rows in the range must be at least 1.');
    if (numColumns < 1) throw this.realm.exception('The number of columns in the range must be at least 1.');
    this.assertInside(row, column, numRows, numColumns);
    return new FakeRange(this, row, column, numRows, numColumns);
  }

  /** Throws Sheets' error when a block reaches past the sheet's rows or columns. */
  assertInside(row: number, column: number, numRows: number, numColumns: number): void {
    if (row + numRows - 1 > this.maxRows || column + numColumns - 1 > this.maxColumns) {
      throw this.realm.exception('The coordinates of the range are outside the dimensions of the sheet.');
    }
  }

  private rangeFromA1(notation: string): FakeRange {
    const parsed = parseA1Notation(notation);
    if (parsed === undefined) throw this.realm.exception('Range not found');
    if (parsed.sheetName !== undefined && parsed.sheetName.toLowerCase() !== this.name.toLowerCase()) {
      throw this.realm.exception('Range not found');
    }
    // Open sides, as in `A:C`, `2:5` or `A2:C`, reach to the edge of the sheet.
    let startRow = parsed.startRow ?? 1;
    let endRow = parsed.endRow ?? this.maxRows;
    let startColumn = parsed.startColumn ?? 1;
    let endColumn = parsed.endColumn ?? this.maxColumns;
    if (endRow < startRow) [startRow, endRow] = [endRow, startRow];
    if (endColumn < startColumn) [startColumn, endColumn] = [endColumn, startColumn];
    return this.makeRange(startRow, startColumn, endRow - startRow + 1, endColumn - startColumn + 1);
  }

  /** Returns the range from A1 to the last row and column with content (A1 on an empty sheet). */
  getDataRange(): FakeRange {
    this.count('read', 'Sheet.getDataRange');
    return new FakeRange(this, 1, 1, Math.max(1, this.lastRow()), Math.max(1, this.lastColumn()));
  }

  /** Returns the values of a block, like `getRange(...).getValues()`. */
  getSheetValues(row: number, column: number, numRows: number, numColumns: number): unknown[][] {
    const rows = numRows === -1 ? Math.max(0, this.lastRow() - row + 1) : numRows;
    const columns = numColumns === -1 ? Math.max(0, this.lastColumn() - column + 1) : numColumns;
    return this.makeRange(row, column, rows, columns).getValues();
  }

  // ---- Geometry ------------------------------------------------------------------------

  getLastRow(): number {
    this.count('read', 'Sheet.getLastRow');
    return this.lastRow();
  }

  getLastColumn(): number {
    this.count('read', 'Sheet.getLastColumn');
    return this.lastColumn();
  }

  getMaxRows(): number {
    this.count('read', 'Sheet.getMaxRows');
    return this.maxRows;
  }

  getMaxColumns(): number {
    this.count('read', 'Sheet.getMaxColumns');
    return this.maxColumns;
  }

  /** Returns the 1-based index of the last row with content, 0 for an empty sheet, without counting. */
  lastRow(): number {
    if (this.lastRowCache !== undefined) return this.lastRowCache;
    const rows = this.values.rows;
    let last = rows.length;
    while (last > 0 && !rowHasContent(rows[last - 1])) last--;
    rows.length = last;
    this.lastRowCache = last;
    return last;
  }

  /** Returns the 1-based index of the last column with content, 0 for an empty sheet, without counting. */
  lastColumn(): number {
    if (this.lastColumnCache !== undefined) return this.lastColumnCache;
    let last = 0;
    for (const cells of this.values.rows) {
      if (cells === undefined) continue;
      for (let c = cells.length - 1; c >= last; c--) {
        if (cells[c] !== '') {
          last = c + 1;
          break;
        }
      }
    }
    this.lastColumnCache = last;
    return last;
  }

  /** Forgets the cached last row and column; every change of cell values calls it. */
  contentChanged(): void {
    this.lastRowCache = undefined;
    this.lastColumnCache = undefined;
  }

  // ---- Writing ---------------------------------------------------------------------------

  appendRow(rowContents: unknown[]): FakeSheet {
    this.count('write', 'Sheet.appendRow', Array.isArray(rowContents) ? rowContents.length : 0);
    if (!Array.isArray(rowContents)) throw signatureMismatch(this.realm, 'SpreadsheetApp.Sheet.appendRow', [rowContents]);
    assertCellTextLengths(this.realm, [rowContents]);

    const row = this.lastRow() + 1;
    if (row > this.maxRows) this.growRows(row - this.maxRows);
    if (rowContents.length > this.maxColumns) this.growColumns(rowContents.length - this.maxColumns);
    this.writeCells(row - 1, 0, [rowContents], rowContents.length);
    return this;
  }

  /**
   * Writes validated input rows at the 0-based position `row0`, `column0`, parsing each value as
   * Sheets parses typed input. Callers check dimensions and text lengths first.
   */
  writeCells(row0: number, column0: number, data: readonly (readonly unknown[])[], numColumns: number): void {
    const timeZone = this.spreadsheet.timeZone;
    const anomalies = this.spreadsheet.anomalyCounters();
    const formatGrid = this.styles.numberFormat;
    for (let i = 0; i < data.length; i++) {
      const input = data[i] as readonly unknown[];
      const r = row0 + i;
      const cells = this.values.writableRow(r, column0 + numColumns);
      const formats = formatGrid.rows[r];
      for (let j = 0; j < numColumns; j++) {
        const raw = input[j];
        if ((typeof raw === 'number' && Number.isFinite(raw)) || typeof raw === 'boolean' || (typeof raw === 'string' && !mayNeedParsing(raw))) {
          cells[column0 + j] = raw;
          continue;
        }
        // Dates may come from the bundle's realm, where `instanceof Date` fails.
        if (raw instanceof Date || isDate(raw)) {
          const ms = (raw as Date).getTime();
          if (Number.isNaN(ms)) anomalies.nonFiniteWrites++;
          cells[column0 + j] = new Date(ms);
          continue;
        }
        const format = formats?.[column0 + j];
        const typed = toStoredValue(raw, format === TEXT_FORMAT, timeZone, anomalies);
        cells[column0 + j] = typed.value;
        if (typed.format !== undefined && format === undefined) formatGrid.set(r, column0 + j, typed.format);
      }
    }
    this.contentChanged();
  }

  /** Stores values as given, without parsing or counting, growing the sheet to fit; see `FakeSpreadsheet.loadRows`. */
  loadRows(rows: readonly (readonly unknown[])[], startRow: number): void {
    const width = rows.reduce((max, row) => Math.max(max, row.length), 0);
    const lastRow = startRow + rows.length - 1;
    if (lastRow > this.maxRows) this.maxRows = lastRow;
    if (width > this.maxColumns) this.maxColumns = width;
    const target = this.values.rows;
    while (target.length < startRow - 1) target.push(undefined);
    for (let i = 0; i < rows.length; i++) {
      const source = rows[i] as readonly unknown[];
      const existing = target[startRow - 1 + i];
      const cells: CellValue[] = existing ?? [];
      for (let j = 0; j < source.length; j++) cells[j] = toLoadedValue(source[j]);
      for (let j = cells.length; j < source.length; j++) cells[j] = '';
      target[startRow - 1 + i] = cells;
    }
    this.contentChanged();
  }

  // ---- Rows and columns ------------------------------------------------------------------

  insertRowBefore(beforePosition: number): FakeSheet {
    return this.insertRowsAt('Sheet.insertRowBefore', beforePosition, 1, 'before');
  }

  insertRowAfter(afterPosition: number): FakeSheet {
    return this.insertRowsAt('Sheet.insertRowAfter', afterPosition, 1, 'after');
  }

  insertRowsBefore(beforePosition: number, howMany: number): FakeSheet {
    return this.insertRowsAt('Sheet.insertRowsBefore', beforePosition, howMany, 'before');
  }

  insertRowsAfter(afterPosition: number, howMany: number): FakeSheet {
    return this.insertRowsAt('Sheet.insertRowsAfter', afterPosition, howMany, 'after');
  }

  insertRows(rowIndex: number, numRows = 1): FakeSheet {
    return this.insertRowsAt('Sheet.insertRows', rowIndex, numRows, 'before');
  }

  private insertRowsAt(method: string, position: number, howMany: number, side: 'before' | 'after'): FakeSheet {
    this.count('write', method);
    if (!Number.isInteger(position) || position < 1 || position > this.maxRows) throw this.realm.exception('Those rows are out of bounds.');
    if (!Number.isInteger(howMany) || howMany < 1) throw this.realm.exception('The number of rows to insert must be at least 1.');
    this.spreadsheet.ensureCellCapacity(howMany * this.maxColumns);

    // New rows take the formatting of the row they were inserted next to, as in Sheets.
    const index = side === 'after' ? position : position - 1;
    this.values.insertRows(index, howMany);
    this.notes.insertRows(index, howMany);
    for (const style of STYLE_NAMES) this.styles[style].insertRows(index, howMany, position - 1);
    if (index < this.frozenRows) this.frozenRows += howMany;
    this.maxRows += howMany;
    this.contentChanged();
    return this;
  }

  /** Adds `count` rows at the bottom, for `appendRow` on a full sheet. */
  private growRows(count: number): void {
    this.spreadsheet.ensureCellCapacity(count * this.maxColumns);
    this.maxRows += count;
  }

  private growColumns(count: number): void {
    this.spreadsheet.ensureCellCapacity(count * this.maxRows);
    this.maxColumns += count;
  }

  insertColumnBefore(beforePosition: number): FakeSheet {
    return this.insertColumnsAt('Sheet.insertColumnBefore', beforePosition, 1, 'before');
  }

  insertColumnAfter(afterPosition: number): FakeSheet {
    return this.insertColumnsAt('Sheet.insertColumnAfter', afterPosition, 1, 'after');
  }

  insertColumnsBefore(beforePosition: number, howMany: number): FakeSheet {
    return this.insertColumnsAt('Sheet.insertColumnsBefore', beforePosition, howMany, 'before');
  }

  insertColumnsAfter(afterPosition: number, howMany: number): FakeSheet {
    return this.insertColumnsAt('Sheet.insertColumnsAfter', afterPosition, howMany, 'after');
  }

  insertColumns(columnIndex: number, numColumns = 1): FakeSheet {
    return this.insertColumnsAt('Sheet.insertColumns', columnIndex, numColumns, 'before');
  }

  private insertColumnsAt(method: string, position: number, howMany: number, side: 'before' | 'after'): FakeSheet {
    this.count('write', method);
    if (!Number.isInteger(position) || position < 1 || position > this.maxColumns) throw this.realm.exception('Those columns are out of bounds.');
    if (!Number.isInteger(howMany) || howMany < 1) throw this.realm.exception('The number of columns to insert must be at least 1.');
    this.spreadsheet.ensureCellCapacity(howMany * this.maxRows);

    const index = side === 'after' ? position : position - 1;
    this.values.insertColumns(index, howMany);
    this.notes.insertColumns(index, howMany);
    for (const style of STYLE_NAMES) this.styles[style].insertColumns(index, howMany);
    this.shiftColumnWidths(index, howMany);
    if (index < this.frozenColumns) this.frozenColumns += howMany;
    this.maxColumns += howMany;
    this.contentChanged();
    return this;
  }

  deleteRow(rowPosition: number): FakeSheet {
    return this.deleteRowsAt('Sheet.deleteRow', rowPosition, 1);
  }

  deleteRows(rowPosition: number, howMany: number): FakeSheet {
    return this.deleteRowsAt('Sheet.deleteRows', rowPosition, howMany);
  }

  private deleteRowsAt(method: string, position: number, howMany: number): FakeSheet {
    this.count('write', method);
    if (!Number.isInteger(position) || !Number.isInteger(howMany) || position < 1 || howMany < 1 || position + howMany - 1 > this.maxRows) {
      throw this.realm.exception('Those rows are out of bounds.');
    }
    const frozenDeleted = Math.max(0, Math.min(this.frozenRows, position + howMany - 1) - position + 1);
    const frozenLeft = this.frozenRows - frozenDeleted;
    if (this.maxRows - howMany - frozenLeft < 1) throw this.realm.exception('Sorry, it is not possible to delete all non-frozen rows.');

    this.values.deleteRows(position - 1, howMany);
    this.notes.deleteRows(position - 1, howMany);
    for (const style of STYLE_NAMES) this.styles[style].deleteRows(position - 1, howMany);
    this.frozenRows = frozenLeft;
    this.maxRows -= howMany;
    this.contentChanged();
    return this;
  }

  deleteColumn(columnPosition: number): FakeSheet {
    return this.deleteColumnsAt('Sheet.deleteColumn', columnPosition, 1);
  }

  deleteColumns(columnPosition: number, howMany: number): FakeSheet {
    return this.deleteColumnsAt('Sheet.deleteColumns', columnPosition, howMany);
  }

  private deleteColumnsAt(method: string, position: number, howMany: number): FakeSheet {
    this.count('write', method);
    if (!Number.isInteger(position) || !Number.isInteger(howMany) || position < 1 || howMany < 1 || position + howMany - 1 > this.maxColumns) {
      throw this.realm.exception('Those columns are out of bounds.');
    }
    const frozenDeleted = Math.max(0, Math.min(this.frozenColumns, position + howMany - 1) - position + 1);
    const frozenLeft = this.frozenColumns - frozenDeleted;
    if (this.maxColumns - howMany - frozenLeft < 1) throw this.realm.exception('Sorry, it is not possible to delete all non-frozen columns.');

    this.values.deleteColumns(position - 1, howMany);
    this.notes.deleteColumns(position - 1, howMany);
    for (const style of STYLE_NAMES) this.styles[style].deleteColumns(position - 1, howMany);
    this.shiftColumnWidths(position - 1, -howMany);
    this.frozenColumns = frozenLeft;
    this.maxColumns -= howMany;
    this.contentChanged();
    return this;
  }

  /** Moves stored column widths from the 0-based `index` on by `delta` columns. */
  private shiftColumnWidths(index: number, delta: number): void {
    const widths = [...this.columnWidths.entries()];
    this.columnWidths.clear();
    for (const [column, width] of widths) {
      if (column - 1 < index) this.columnWidths.set(column, width);
      else if (delta > 0 || column - 1 >= index - delta) this.columnWidths.set(column + delta, width);
    }
  }

  // ---- Clearing --------------------------------------------------------------------------

  /** Clears content and formatting, or only what `options` names (`contentsOnly`, `formatOnly`). */
  clear(options?: { contentsOnly?: boolean; formatOnly?: boolean }): FakeSheet {
    this.count('write', 'Sheet.clear');
    const contents = options === undefined || options.contentsOnly === true || options.formatOnly !== true;
    const formats = options === undefined || options.formatOnly === true || options.contentsOnly !== true;
    if (contents) this.values.clearAll();
    if (formats) for (const style of STYLE_NAMES) this.styles[style].clearAll();
    this.contentChanged();
    return this;
  }

  clearContents(): FakeSheet {
    this.count('write', 'Sheet.clearContents');
    this.values.clearAll();
    this.contentChanged();
    return this;
  }

  clearFormats(): FakeSheet {
    this.count('write', 'Sheet.clearFormats');
    for (const style of STYLE_NAMES) this.styles[style].clearAll();
    return this;
  }

  clearNotes(): FakeSheet {
    this.count('write', 'Sheet.clearNotes');
    this.notes.clearAll();
    return this;
  }

  // ---- Layout ----------------------------------------------------------------------------

  setFrozenRows(rows: number): FakeSheet {
    this.count('write', 'Sheet.setFrozenRows');
    if (!Number.isInteger(rows) || rows < 0 || rows > this.maxRows) throw this.realm.exception('Invalid argument: rows');
    this.frozenRows = rows;
    return this;
  }

  getFrozenRows(): number {
    this.count('read', 'Sheet.getFrozenRows');
    return this.frozenRows;
  }

  setFrozenColumns(columns: number): FakeSheet {
    this.count('write', 'Sheet.setFrozenColumns');
    if (!Number.isInteger(columns) || columns < 0 || columns > this.maxColumns) throw this.realm.exception('Invalid argument: columns');
    this.frozenColumns = columns;
    return this;
  }

  getFrozenColumns(): number {
    this.count('read', 'Sheet.getFrozenColumns');
    return this.frozenColumns;
  }

  /** Records the columns; the fake measures no text, so widths do not change. */
  autoResizeColumns(startColumn: number, numColumns: number): FakeSheet {
    this.count('write', 'Sheet.autoResizeColumns');
    if (startColumn < 1 || numColumns < 1 || startColumn + numColumns - 1 > this.maxColumns) throw this.realm.exception('Those columns are out of bounds.');
    for (let column = startColumn; column < startColumn + numColumns; column++) this.autoResizedColumns.push(column);
    return this;
  }

  autoResizeColumn(columnPosition: number): FakeSheet {
    return this.autoResizeColumns(columnPosition, 1);
  }

  setColumnWidth(columnPosition: number, width: number): FakeSheet {
    this.count('write', 'Sheet.setColumnWidth');
    if (columnPosition < 1 || columnPosition > this.maxColumns) throw this.realm.exception('Those columns are out of bounds.');
    this.columnWidths.set(columnPosition, width);
    return this;
  }

  setColumnWidths(startColumn: number, numColumns: number, width: number): FakeSheet {
    this.count('write', 'Sheet.setColumnWidths');
    if (startColumn < 1 || startColumn + numColumns - 1 > this.maxColumns) throw this.realm.exception('Those columns are out of bounds.');
    for (let column = startColumn; column < startColumn + numColumns; column++) this.columnWidths.set(column, width);
    return this;
  }

  getColumnWidth(columnPosition: number): number {
    this.count('read', 'Sheet.getColumnWidth');
    return this.columnWidths.get(columnPosition) ?? DEFAULT_COLUMN_WIDTH;
  }

  hideSheet(): FakeSheet {
    this.count('write', 'Sheet.hideSheet');
    const visible = this.spreadsheet.sheetList.filter((sheet) => !sheet.hidden);
    // NOTE: the wording of this error is not confirmed against Sheets.
    if (!this.hidden && visible.length === 1) throw this.realm.exception("You can't hide all the sheets in a document.");
    this.hidden = true;
    return this;
  }

  showSheet(): FakeSheet {
    this.count('write', 'Sheet.showSheet');
    this.hidden = false;
    return this;
  }

  isSheetHidden(): boolean {
    this.count('read', 'Sheet.isSheetHidden');
    return this.hidden;
  }

  protect(): FakeProtection {
    this.count('write', 'Sheet.protect');
    const protection = new FakeProtection(this.spreadsheet, this, undefined);
    this.spreadsheet.protections.push(protection);
    return protection;
  }

  // ---- Sorting ---------------------------------------------------------------------------

  /**
   * Sorts the rows below the frozen rows by one column, as a person sorting the tab does:
   * numbers and dates first, then text (ignoring case), then booleans, blanks last in both
   * directions. Whole rows move, with their formatting and notes.
   */
  sort(columnPosition: number, ascending = true): FakeSheet {
    this.count('write', 'Sheet.sort');
    if (!Number.isInteger(columnPosition) || columnPosition < 1 || columnPosition > this.maxColumns) {
      throw this.realm.exception('Those columns are out of bounds.');
    }
    const first = this.frozenRows;
    const last = this.lastRow();
    if (last <= first) return this;
    const keys: CellValue[] = [];
    for (let r = first; r < last; r++) keys.push(this.values.get(r, columnPosition - 1));
    const order = sortOrder([keys], [ascending]);
    this.values.permuteRows(first, order);
    this.notes.permuteRows(first, order);
    for (const style of STYLE_NAMES) this.styles[style].permuteRows(first, order);
    this.contentChanged();
    return this;
  }
}

function rowHasContent(cells: CellValue[] | undefined): boolean {
  if (cells === undefined) return false;
  for (const cell of cells) if (cell !== '') return true;
  return false;
}

/** Converts a seeded value: no parsing, `null`/`undefined` to empty, dates copied into the test's realm. */
function toLoadedValue(value: unknown): CellValue {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if (value instanceof Date) return value;
    if (isDate(value)) return new Date(value.getTime());
    if (value instanceof FormulaCell) return value;
    return String(value);
  }
  return value as CellValue;
}

import { toA1Notation } from './a1-notation';
import { DEFAULT_DATE_TIME_FORMAT, STYLE_DEFAULTS, type StyleName, formatCellForDisplay } from './cell-format';
import { sortOrder } from './cell-sorting';
import { type CellValue, FormulaCell, assertCellTextLengths, readCellValue } from './cell-values';
import { FakeProtection } from './protection';
import { signatureMismatch } from './realm';
import type { FakeSheet } from './sheet';

type SortSpec = number | { column: number; ascending?: boolean };

/** A rectangle of cells on a `FakeSheet`, with 1-based coordinates fixed when it was created. */
export class FakeRange {
  constructor(
    readonly sheet: FakeSheet,
    readonly row: number,
    readonly column: number,
    readonly numRows: number,
    readonly numColumns: number,
  ) {}

  private get realm() {
    return this.sheet.realm;
  }

  private get cellCount(): number {
    return this.numRows * this.numColumns;
  }

  // ---- Coordinates -----------------------------------------------------------------------

  getRow(): number {
    this.sheet.count('other', 'Range.getRow');
    return this.row;
  }

  getRowIndex(): number {
    this.sheet.count('other', 'Range.getRowIndex');
    return this.row;
  }

  getColumn(): number {
    this.sheet.count('other', 'Range.getColumn');
    return this.column;
  }

  getNumRows(): number {
    this.sheet.count('other', 'Range.getNumRows');
    return this.numRows;
  }

  getNumColumns(): number {
    this.sheet.count('other', 'Range.getNumColumns');
    return this.numColumns;
  }

  getHeight(): number {
    this.sheet.count('other', 'Range.getHeight');
    return this.numRows;
  }

  getWidth(): number {
    this.sheet.count('other', 'Range.getWidth');
    return this.numColumns;
  }

  /** Returns the range's own last row, not the sheet's last row with content. */
  getLastRow(): number {
    this.sheet.count('other', 'Range.getLastRow');
    return this.row + this.numRows - 1;
  }

  getLastColumn(): number {
    this.sheet.count('other', 'Range.getLastColumn');
    return this.column + this.numColumns - 1;
  }

  getA1Notation(): string {
    this.sheet.count('other', 'Range.getA1Notation');
    return toA1Notation(this.row, this.column, this.numRows, this.numColumns);
  }

  getSheet(): FakeSheet {
    this.sheet.count('other', 'Range.getSheet');
    return this.sheet;
  }

  getGridId(): number {
    this.sheet.count('other', 'Range.getGridId');
    return this.sheet.sheetId;
  }

  offset(rowOffset: number, columnOffset: number, numRows?: number, numColumns?: number): FakeRange {
    this.sheet.count('other', 'Range.offset');
    return this.sheet.makeRange(this.row + rowOffset, this.column + columnOffset, numRows ?? this.numRows, numColumns ?? this.numColumns);
  }

  /** Returns one cell of the range, 1-based relative to its top-left corner. */
  getCell(row: number, column: number): FakeRange {
    this.sheet.count('other', 'Range.getCell');
    if (row < 1 || column < 1 || row > this.numRows || column > this.numColumns) throw this.realm.exception('Cell reference out of range');
    return new FakeRange(this.sheet, this.row + row - 1, this.column + column - 1, 1, 1);
  }

  activate(): FakeRange {
    this.sheet.count('other', 'Range.activate');
    this.sheet.spreadsheet.activeSheet = this.sheet;
    return this;
  }

  // ---- Values ----------------------------------------------------------------------------

  /** Returns the cells' values; a dedicated loop because benchmarks read millions of cells at once. */
  getValues(): (string | number | boolean | Date)[][] {
    this.sheet.count('read', 'Range.getValues', this.cellCount);
    const realm = this.realm;
    const makeDate = (ms: number): Date => realm.date(ms);
    const rows = this.sheet.values.rows;
    const firstColumn = this.column - 1;
    const numColumns = this.numColumns;
    const output = realm.newArray<(string | number | boolean | Date)[]>(this.numRows);
    for (let i = 0; i < this.numRows; i++) {
      const cells = rows[this.row - 1 + i];
      const line = realm.newArray<string | number | boolean | Date>(numColumns);
      if (cells === undefined) {
        line.fill('');
      } else {
        for (let j = 0; j < numColumns; j++) {
          const cell = cells[firstColumn + j];
          if (cell === undefined) line[j] = '';
          else if (typeof cell === 'object') line[j] = readCellValue(cell, makeDate);
          else line[j] = cell;
        }
      }
      output[i] = line;
    }
    return output;
  }

  getValue(): string | number | boolean | Date {
    this.sheet.count('read', 'Range.getValue', 1);
    return readCellValue(this.sheet.values.get(this.row - 1, this.column - 1), (ms) => this.realm.date(ms));
  }

  getDisplayValues(): string[][] {
    this.sheet.count('read', 'Range.getDisplayValues', this.cellCount);
    const timeZone = this.sheet.spreadsheet.timeZone;
    const formats = this.sheet.styles.numberFormat;
    return this.readBlock((cell, _makeDate, r, c) => formatCellForDisplay(cell, formats.get(r, c), timeZone));
  }

  getDisplayValue(): string {
    this.sheet.count('read', 'Range.getDisplayValue', 1);
    const cell = this.sheet.values.get(this.row - 1, this.column - 1);
    return formatCellForDisplay(cell, this.sheet.styles.numberFormat.get(this.row - 1, this.column - 1), this.sheet.spreadsheet.timeZone);
  }

  getFormulas(): string[][] {
    this.sheet.count('read', 'Range.getFormulas', this.cellCount);
    return this.readBlock((cell) => (cell instanceof FormulaCell ? cell.formula : ''));
  }

  getFormula(): string {
    this.sheet.count('read', 'Range.getFormula', 1);
    const cell = this.sheet.values.get(this.row - 1, this.column - 1);
    return cell instanceof FormulaCell ? cell.formula : '';
  }

  isBlank(): boolean {
    this.sheet.count('read', 'Range.isBlank');
    for (let r = 0; r < this.numRows; r++) {
      for (let c = 0; c < this.numColumns; c++) {
        if (this.sheet.values.get(this.row - 1 + r, this.column - 1 + c) !== '') return false;
      }
    }
    return true;
  }

  /** Maps every cell of the range through `read`, in O(cells), reading the row arrays directly. */
  private readBlock<T>(read: (cell: CellValue, makeDate: (ms: number) => Date, row0: number, column0: number) => T): T[][] {
    const realm = this.realm;
    const makeDate = (ms: number): Date => realm.date(ms);
    const rows = this.sheet.values.rows;
    const firstColumn = this.column - 1;
    const output = realm.newArray<T[]>(this.numRows);
    for (let i = 0; i < this.numRows; i++) {
      const r = this.row - 1 + i;
      const cells = rows[r];
      const line = realm.newArray<T>(this.numColumns);
      for (let j = 0; j < this.numColumns; j++) {
        const cell = cells === undefined ? '' : cells[firstColumn + j];
        line[j] = read(cell === undefined ? '' : cell, makeDate, r, firstColumn + j);
      }
      output[i] = line;
    }
    return output;
  }

  /**
   * Writes a block, parsing each value as Sheets parses typed input. Throws, before writing
   * anything, when the array's shape differs from the range or a text is too long for a cell.
   */
  setValues(values: unknown[][]): FakeRange {
    this.sheet.count('write', 'Range.setValues', this.cellCount);
    this.assertShape('SpreadsheetApp.Range.setValues', values);
    assertCellTextLengths(this.realm, values);
    this.sheet.assertInside(this.row, this.column, this.numRows, this.numColumns);
    this.sheet.writeCells(this.row - 1, this.column - 1, values, this.numColumns);
    return this;
  }

  /** Writes one value into every cell of the range. */
  setValue(value: unknown): FakeRange {
    this.sheet.count('write', 'Range.setValue', this.cellCount);
    assertCellTextLengths(this.realm, [[value]]);
    this.sheet.assertInside(this.row, this.column, this.numRows, this.numColumns);
    const line = new Array<unknown>(this.numColumns).fill(value);
    this.sheet.writeCells(this.row - 1, this.column - 1, new Array<unknown[]>(this.numRows).fill(line), this.numColumns);
    return this;
  }

  setFormula(formula: string): FakeRange {
    this.sheet.count('write', 'Range.setFormula', this.cellCount);
    return this.writeFormulas(new Array<string[]>(this.numRows).fill(new Array<string>(this.numColumns).fill(formula)));
  }

  setFormulas(formulas: string[][]): FakeRange {
    this.sheet.count('write', 'Range.setFormulas', this.cellCount);
    this.assertShape('SpreadsheetApp.Range.setFormulas', formulas);
    return this.writeFormulas(formulas);
  }

  private writeFormulas(formulas: string[][]): FakeRange {
    assertCellTextLengths(this.realm, formulas);
    const asFormulas = formulas.map((line) => line.map((text) => (typeof text === 'string' && text !== '' && !text.startsWith('=') ? `=${text}` : text)));
    this.sheet.writeCells(this.row - 1, this.column - 1, asFormulas, this.numColumns);
    return this;
  }

  /** Clears values and formatting, or only what `options` names (`contentsOnly`, `formatOnly`). */
  clear(options?: { contentsOnly?: boolean; formatOnly?: boolean }): FakeRange {
    this.sheet.count('write', 'Range.clear');
    const contents = options === undefined || options.contentsOnly === true || options.formatOnly !== true;
    const formats = options === undefined || options.formatOnly === true || options.contentsOnly !== true;
    if (contents) this.clearValues();
    if (formats) this.clearStyles();
    return this;
  }

  clearContent(): FakeRange {
    this.sheet.count('write', 'Range.clearContent');
    this.clearValues();
    return this;
  }

  clearFormat(): FakeRange {
    this.sheet.count('write', 'Range.clearFormat');
    this.clearStyles();
    return this;
  }

  clearNote(): FakeRange {
    this.sheet.count('write', 'Range.clearNote');
    this.sheet.notes.clearBlock(this.row - 1, this.column - 1, this.numRows, this.numColumns);
    return this;
  }

  private clearValues(): void {
    this.sheet.values.clearBlock(this.row - 1, this.column - 1, this.numRows, this.numColumns);
    this.sheet.contentChanged();
  }

  private clearStyles(): void {
    for (const style of Object.keys(STYLE_DEFAULTS) as StyleName[]) {
      this.sheet.styles[style].clearBlock(this.row - 1, this.column - 1, this.numRows, this.numColumns);
    }
  }

  // ---- Formatting ------------------------------------------------------------------------

  setNumberFormat(format: string): FakeRange {
    return this.fillStyle('Range.setNumberFormat', 'numberFormat', format);
  }

  setNumberFormats(formats: string[][]): FakeRange {
    return this.setStyles('Range.setNumberFormats', 'numberFormat', formats);
  }

  /** Returns the top-left cell's format. An unformatted date reports Sheets' date-time format. */
  getNumberFormat(): string {
    this.sheet.count('read', 'Range.getNumberFormat');
    return this.numberFormatAt(this.row - 1, this.column - 1);
  }

  getNumberFormats(): string[][] {
    this.sheet.count('read', 'Range.getNumberFormats');
    return this.readBlock((_cell, _makeDate, r, c) => this.numberFormatAt(r, c));
  }

  private numberFormatAt(row0: number, column0: number): string {
    const format = this.sheet.styles.numberFormat.get(row0, column0);
    if (format !== undefined) return format;
    const cell = this.sheet.values.get(row0, column0);
    return typeof cell === 'object' && !(cell instanceof FormulaCell) ? DEFAULT_DATE_TIME_FORMAT : STYLE_DEFAULTS.numberFormat;
  }

  setFontWeight(fontWeight: string | null): FakeRange {
    return this.fillStyle('Range.setFontWeight', 'fontWeight', fontWeight ?? undefined);
  }

  setFontWeights(fontWeights: string[][]): FakeRange {
    return this.setStyles('Range.setFontWeights', 'fontWeight', fontWeights);
  }

  getFontWeight(): string {
    return this.getStyle('Range.getFontWeight', 'fontWeight');
  }

  getFontWeights(): string[][] {
    return this.getStyles('Range.getFontWeights', 'fontWeight');
  }

  setFontStyle(fontStyle: string | null): FakeRange {
    return this.fillStyle('Range.setFontStyle', 'fontStyle', fontStyle ?? undefined);
  }

  getFontStyle(): string {
    return this.getStyle('Range.getFontStyle', 'fontStyle');
  }

  setFontColor(color: string | null): FakeRange {
    return this.fillStyle('Range.setFontColor', 'fontColor', color ?? undefined);
  }

  setFontColors(colors: string[][]): FakeRange {
    return this.setStyles('Range.setFontColors', 'fontColor', colors);
  }

  getFontColor(): string {
    return this.getStyle('Range.getFontColor', 'fontColor');
  }

  setBackground(color: string | null): FakeRange {
    return this.fillStyle('Range.setBackground', 'background', color ?? undefined);
  }

  setBackgrounds(colors: string[][]): FakeRange {
    return this.setStyles('Range.setBackgrounds', 'background', colors);
  }

  getBackground(): string {
    return this.getStyle('Range.getBackground', 'background');
  }

  getBackgrounds(): string[][] {
    return this.getStyles('Range.getBackgrounds', 'background');
  }

  setHorizontalAlignment(alignment: string | null): FakeRange {
    return this.fillStyle('Range.setHorizontalAlignment', 'horizontalAlignment', alignment ?? undefined);
  }

  getHorizontalAlignment(): string {
    return this.getStyle('Range.getHorizontalAlignment', 'horizontalAlignment');
  }

  /** Counts formatting calls whose effect the fake does not keep, such as `setWrap` or `setBorder`. */
  private ignoredFormatting(method: string): FakeRange {
    this.sheet.count('write', method);
    return this;
  }

  setWrap(): FakeRange {
    return this.ignoredFormatting('Range.setWrap');
  }

  setWrapStrategy(): FakeRange {
    return this.ignoredFormatting('Range.setWrapStrategy');
  }

  setVerticalAlignment(): FakeRange {
    return this.ignoredFormatting('Range.setVerticalAlignment');
  }

  setBorder(): FakeRange {
    return this.ignoredFormatting('Range.setBorder');
  }

  setFontSize(): FakeRange {
    return this.ignoredFormatting('Range.setFontSize');
  }

  setFontFamily(): FakeRange {
    return this.ignoredFormatting('Range.setFontFamily');
  }

  private fillStyle(method: string, style: StyleName, value: string | undefined): FakeRange {
    this.sheet.count('write', method);
    const grid = this.sheet.styles[style];
    for (let r = 0; r < this.numRows; r++) {
      for (let c = 0; c < this.numColumns; c++) grid.set(this.row - 1 + r, this.column - 1 + c, value);
    }
    return this;
  }

  private setStyles(method: string, style: StyleName, values: (string | null)[][]): FakeRange {
    this.sheet.count('write', method);
    this.assertShape(`SpreadsheetApp.Range.${method.slice('Range.'.length)}`, values);
    const grid = this.sheet.styles[style];
    values.forEach((line, r) => line.forEach((value, c) => grid.set(this.row - 1 + r, this.column - 1 + c, value ?? undefined)));
    return this;
  }

  private getStyle(method: string, style: StyleName): string {
    this.sheet.count('read', method);
    return this.sheet.styles[style].get(this.row - 1, this.column - 1) ?? STYLE_DEFAULTS[style];
  }

  private getStyles(method: string, style: StyleName): string[][] {
    this.sheet.count('read', method);
    const grid = this.sheet.styles[style];
    return this.readBlock((_cell, _makeDate, r, c) => grid.get(r, c) ?? STYLE_DEFAULTS[style]);
  }

  // ---- Notes -----------------------------------------------------------------------------

  setNote(note: string | null): FakeRange {
    this.sheet.count('write', 'Range.setNote');
    for (let r = 0; r < this.numRows; r++) {
      for (let c = 0; c < this.numColumns; c++) this.sheet.notes.set(this.row - 1 + r, this.column - 1 + c, note === null ? '' : String(note));
    }
    return this;
  }

  setNotes(notes: (string | null)[][]): FakeRange {
    this.sheet.count('write', 'Range.setNotes');
    this.assertShape('SpreadsheetApp.Range.setNotes', notes);
    notes.forEach((line, r) => line.forEach((note, c) => this.sheet.notes.set(this.row - 1 + r, this.column - 1 + c, note === null ? '' : String(note))));
    return this;
  }

  getNote(): string {
    this.sheet.count('read', 'Range.getNote');
    return this.sheet.notes.get(this.row - 1, this.column - 1);
  }

  getNotes(): string[][] {
    this.sheet.count('read', 'Range.getNotes');
    return this.readBlock((_cell, _makeDate, r, c) => this.sheet.notes.get(r, c));
  }

  // ---- Sorting and protection ------------------------------------------------------------

  /**
   * Sorts the rows of the range by one or more columns given as sheet column numbers or
   * `{column, ascending}` objects. Only the range's cells move, with their formatting and notes.
   */
  sort(sortSpecObj: SortSpec | SortSpec[]): FakeRange {
    this.sheet.count('write', 'Range.sort');
    const specs = (Array.isArray(sortSpecObj) ? sortSpecObj : [sortSpecObj]).map((spec) =>
      typeof spec === 'number' ? { column: spec, ascending: true } : { column: spec.column, ascending: spec.ascending !== false },
    );
    for (const spec of specs) {
      if (spec.column < this.column || spec.column >= this.column + this.numColumns) {
        throw this.realm.exception(`The coordinates or dimensions of the range are invalid.`);
      }
    }

    const keys = specs.map((spec) => Array.from({ length: this.numRows }, (_, r) => this.sheet.values.get(this.row - 1 + r, spec.column - 1)));
    const order = sortOrder(keys, specs.map((spec) => spec.ascending));
    const grids = [this.sheet.values, this.sheet.notes, ...Object.values(this.sheet.styles)] as { get(r: number, c: number): unknown; set(r: number, c: number, v: unknown): void }[];
    for (const grid of grids) {
      for (let c = 0; c < this.numColumns; c++) {
        const column0 = this.column - 1 + c;
        const before = Array.from({ length: this.numRows }, (_, r) => grid.get(this.row - 1 + r, column0));
        order.forEach((from, to) => grid.set(this.row - 1 + to, column0, before[from]));
      }
    }
    this.sheet.contentChanged();
    return this;
  }

  protect(): FakeProtection {
    this.sheet.count('write', 'Range.protect');
    const protection = new FakeProtection(this.sheet.spreadsheet, this.sheet, this);
    this.sheet.spreadsheet.protections.push(protection);
    return protection;
  }

  // ---- Checks ----------------------------------------------------------------------------

  /** Throws Sheets' errors when `data` is not an array of `numRows` arrays of `numColumns` values. */
  private assertShape(method: string, data: unknown): asserts data is unknown[][] {
    if (!Array.isArray(data)) throw signatureMismatch(this.realm, method, [data]);
    if (data.length !== this.numRows) {
      throw this.realm.exception(`The number of rows in the data does not match the number of rows in the range. The data has ${data.length} but the range has ${this.numRows}.`);
    }
    for (const line of data) {
      if (!Array.isArray(line)) throw signatureMismatch(this.realm, method, [data]);
      if (line.length !== this.numColumns) {
        throw this.realm.exception(
          `The number of columns in the data does not match the number of columns in the range. The data has ${line.length} but the range has ${this.numColumns}.`,
        );
      }
    }
  }
}

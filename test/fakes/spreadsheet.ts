import { parseA1Notation } from './a1-notation';
import type { InputAnomalyCounters } from './cell-values';
import type { FakeProtection } from './protection';
import type { FakeRange } from './range';
import { ScriptRuntime } from './runtime';
import { DEFAULT_MAX_COLUMNS, DEFAULT_MAX_ROWS, FakeSheet } from './sheet';
import { type CallKind, SpreadsheetCounters } from './spreadsheet-counters';
import { isIanaTimeZone } from './time-zone';

export { FakeRange } from './range';
export { FakeSheet } from './sheet';
export { SpreadsheetCounters } from './spreadsheet-counters';
export { FORMULA_VALUE_PREFIX, MAX_CELL_CHARACTERS } from './cell-values';

/** Sheets allows at most this many cells (rows x columns of every tab) in one spreadsheet. */
export const DEFAULT_CELL_LIMIT = 10_000_000;

export interface FakeSpreadsheetOptions {
  name?: string;
  id?: string;
  /** IANA zone; default `Europe/Berlin`. Typed dates are read and displayed in it. */
  timeZone?: string;
  locale?: string;
  /** Tabs the spreadsheet starts with; default one tab named `Sheet1`. */
  sheetNames?: string[];
  /**
   * Maximum rows x columns over all tabs; default 10,000,000 as in Sheets. `loadRows` ignores it
   * so that a benchmark can seed more, but any later growth past it throws.
   */
  cellLimit?: number;
  /** Shared with the other fakes of an environment; a standalone spreadsheet makes its own. */
  runtime?: ScriptRuntime;
}

/** A message shown with `Spreadsheet.toast`. */
export interface ToastRecord {
  message: string;
  title: string;
  timeoutSeconds: number;
}

/**
 * The spreadsheet the script is bound to. Besides the Apps Script methods it offers harness
 * helpers (`loadRows`, `readAll`, `sheet`, `uncounted`, `resetCounters`) that neither parse nor
 * count.
 */
export class FakeSpreadsheet {
  readonly runtime: ScriptRuntime;
  counters = new SpreadsheetCounters();
  readonly toasts: ToastRecord[] = [];
  readonly protections: FakeProtection[] = [];
  readonly sheetList: FakeSheet[] = [];
  activeSheet: FakeSheet;
  cellLimit: number;
  timeZone: string;
  locale: string;
  private name: string;
  private readonly id: string;
  private nextSheetId = 1;
  private uncountedDepth = 0;
  /** Collects anomalies of uncounted writes so that they do not reach `counters`. */
  private readonly discardedAnomalies: InputAnomalyCounters = { undefinedWrites: 0, nonFiniteWrites: 0, objectWrites: 0 };

  constructor(options: FakeSpreadsheetOptions = {}) {
    this.runtime = options.runtime ?? new ScriptRuntime();
    this.name = options.name ?? 'RunPod usage';
    this.id = options.id ?? '1FakeSpreadsheetIdForTests0000000000000000000';
    this.timeZone = options.timeZone ?? 'Europe/Berlin';
    this.locale = options.locale ?? 'en_US';
    this.cellLimit = options.cellLimit ?? DEFAULT_CELL_LIMIT;
    const names = options.sheetNames ?? ['Sheet1'];
    if (names.length === 0) throw new Error('FakeSpreadsheet needs at least one sheet name');
    for (const name of names) {
      this.assertSheetNameFree(name, undefined);
      this.sheetList.push(new FakeSheet(this, name, this.sheetList.length === 0 ? 0 : this.allocateSheetId()));
    }
    this.activeSheet = this.sheetList[0] as FakeSheet;
  }

  // ---- Counting ----------------------------------------------------------------------------

  /** Counts one call, unless inside `uncounted`. */
  countCall(kind: CallKind, method: string, cells = 0): void {
    if (this.uncountedDepth > 0) return;
    const counters = this.counters;
    counters.byMethod[method] = (counters.byMethod[method] ?? 0) + 1;
    if (kind === 'read') {
      counters.reads++;
      counters.cellsRead += cells;
    } else if (kind === 'write') {
      counters.writes++;
      counters.cellsWritten += cells;
      counters.writesSinceFlush++;
    } else {
      counters.other++;
    }
  }

  /** Returns where writes record `undefined`, `NaN` and object inputs. */
  anomalyCounters(): InputAnomalyCounters {
    return this.uncountedDepth > 0 ? this.discardedAnomalies : this.counters;
  }

  /** Runs `action` without counting its calls, for a harness that plays a person editing the sheet. */
  uncounted<T>(action: () => T): T {
    this.uncountedDepth++;
    try {
      return action();
    } finally {
      this.uncountedDepth--;
    }
  }

  resetCounters(): void {
    this.counters = new SpreadsheetCounters();
  }

  /** Records `SpreadsheetApp.flush()`. */
  recordFlush(): void {
    this.counters.flushes++;
    this.counters.writesSinceFlush = 0;
  }

  // ---- Identity ----------------------------------------------------------------------------

  getId(): string {
    this.countCall('other', 'Spreadsheet.getId');
    return this.id;
  }

  getName(): string {
    this.countCall('other', 'Spreadsheet.getName');
    return this.name;
  }

  rename(newName: string): void {
    this.countCall('write', 'Spreadsheet.rename');
    this.name = newName;
  }

  getUrl(): string {
    this.countCall('other', 'Spreadsheet.getUrl');
    return `https://docs.google.com/spreadsheets/d/${this.id}/edit`;
  }

  getSpreadsheetTimeZone(): string {
    this.countCall('other', 'Spreadsheet.getSpreadsheetTimeZone');
    return this.timeZone;
  }

  /**
   * Changes the zone. Stored dates keep their instant here; in Sheets they keep their wall-clock
   * time, so after a change real Sheets returns other instants.
   */
  setSpreadsheetTimeZone(timeZone: string): void {
    this.countCall('write', 'Spreadsheet.setSpreadsheetTimeZone');
    if (!isIanaTimeZone(timeZone)) throw this.runtime.realm.exception(`Invalid argument: ${timeZone}`);
    this.timeZone = timeZone;
  }

  getSpreadsheetLocale(): string {
    this.countCall('other', 'Spreadsheet.getSpreadsheetLocale');
    return this.locale;
  }

  toast(message: string, title = '', timeoutSeconds = 5): void {
    this.countCall('other', 'Spreadsheet.toast');
    this.toasts.push({ message: String(message), title: String(title), timeoutSeconds });
  }

  // ---- Sheets ------------------------------------------------------------------------------

  getSheets(): FakeSheet[] {
    this.countCall('other', 'Spreadsheet.getSheets');
    return this.runtime.realm.array(this.sheetList);
  }

  getNumSheets(): number {
    this.countCall('other', 'Spreadsheet.getNumSheets');
    return this.sheetList.length;
  }

  /** Finds a tab by name, ignoring case as Sheets does; null when there is none. */
  getSheetByName(name: string): FakeSheet | null {
    this.countCall('other', 'Spreadsheet.getSheetByName');
    return this.findSheet(name) ?? null;
  }

  getSheetById(id: number): FakeSheet | null {
    this.countCall('other', 'Spreadsheet.getSheetById');
    return this.sheetList.find((sheet) => sheet.sheetId === id) ?? null;
  }

  getActiveSheet(): FakeSheet {
    this.countCall('other', 'Spreadsheet.getActiveSheet');
    return this.activeSheet;
  }

  setActiveSheet(sheet: FakeSheet): FakeSheet {
    this.countCall('other', 'Spreadsheet.setActiveSheet');
    this.activeSheet = sheet;
    return sheet;
  }

  /** Returns a range given in A1 notation, on the named tab or else on the active one. */
  getRange(a1Notation: string): FakeRange {
    this.countCall('other', 'Spreadsheet.getRange');
    const parsed = parseA1Notation(a1Notation);
    if (parsed === undefined) throw this.runtime.realm.exception('Range not found');
    const sheet = parsed.sheetName === undefined ? this.activeSheet : this.findSheet(parsed.sheetName);
    if (sheet === undefined) throw this.runtime.realm.exception('Range not found');
    return this.uncounted(() => sheet.getRange(a1Notation));
  }

  /**
   * Adds a tab of 1000 x 26 cells and makes it active, as Sheets does. Accepts `(name)`,
   * `(name, index)` with a 0-based index, `(index)` or `()`.
   */
  insertSheet(nameOrIndex?: string | number, index?: number): FakeSheet {
    this.countCall('write', 'Spreadsheet.insertSheet');
    const position = typeof nameOrIndex === 'number' ? nameOrIndex : (index ?? this.sheetList.length);
    const name = typeof nameOrIndex === 'string' ? nameOrIndex : this.nextDefaultSheetName();
    this.assertSheetNameFree(name, undefined);
    this.ensureCellCapacity(DEFAULT_MAX_ROWS * DEFAULT_MAX_COLUMNS);
    const sheet = new FakeSheet(this, name, this.allocateSheetId());
    this.sheetList.splice(Math.max(0, Math.min(position, this.sheetList.length)), 0, sheet);
    this.activeSheet = sheet;
    return sheet;
  }

  deleteSheet(sheet: FakeSheet): void {
    this.countCall('write', 'Spreadsheet.deleteSheet');
    const index = this.sheetList.indexOf(sheet);
    if (index === -1) throw this.runtime.realm.exception('Sheet not found');
    const visibleAfter = this.sheetList.filter((other) => other !== sheet && !other.hidden);
    // NOTE: the wording of this error is not confirmed against Sheets.
    if (visibleAfter.length === 0) throw this.runtime.realm.exception("You can't remove all the visible sheets in a document.");
    this.sheetList.splice(index, 1);
    if (this.activeSheet === sheet) this.activeSheet = visibleAfter[0] as FakeSheet;
  }

  getProtections(type: unknown): FakeProtection[] {
    this.countCall('other', 'Spreadsheet.getProtections');
    const wanted = String(type);
    return this.runtime.realm.array(this.protections.filter((protection) => protection.getProtectionType() === wanted));
  }

  /** Throws Sheets' error when another tab already has `name`; names compare without case. */
  assertSheetNameFree(name: string, except: FakeSheet | undefined): void {
    const existing = this.findSheet(name);
    if (existing !== undefined && existing !== except) {
      throw this.runtime.realm.exception(`A sheet with the name "${name}" already exists. Please enter another name.`);
    }
  }

  private findSheet(name: string): FakeSheet | undefined {
    const wanted = String(name).toLowerCase();
    return this.sheetList.find((sheet) => sheet.sheetName.toLowerCase() === wanted);
  }

  private nextDefaultSheetName(): string {
    let number = this.sheetList.length + 1;
    while (this.findSheet(`Sheet${number}`) !== undefined) number++;
    return `Sheet${number}`;
  }

  private allocateSheetId(): number {
    // Sheets gives added tabs large pseudo-random ids; these are deterministic.
    return 1_000_000_000 + 7919 * this.nextSheetId++;
  }

  // ---- Limits ------------------------------------------------------------------------------

  /** Returns rows x columns summed over all tabs. */
  totalCells(): number {
    return this.sheetList.reduce((sum, sheet) => sum + sheet.maxRows * sheet.maxColumns, 0);
  }

  /** Throws Sheets' error when adding `additionalCells` would pass the cell limit. */
  ensureCellCapacity(additionalCells: number): void {
    if (this.totalCells() + additionalCells > this.cellLimit) {
      throw this.runtime.realm.exception(`This action would increase the number of cells in the workbook above the limit of ${this.cellLimit} cells.`);
    }
  }

  // ---- Harness helpers ---------------------------------------------------------------------

  /** Returns a tab by exact name without counting; throws when it does not exist. */
  sheet(name: string): FakeSheet {
    const sheet = this.sheetList.find((candidate) => candidate.sheetName === name);
    if (sheet === undefined) throw new Error(`no sheet named "${name}"; sheets: ${this.sheetList.map((s) => s.sheetName).join(', ')}`);
    return sheet;
  }

  /**
   * Seeds a tab (created when missing) with rows stored as given: no parsing, no counting, no
   * cell limit. Dates may come from any realm. The tab grows to fit; rows start at `startRow`.
   */
  loadRows(sheetName: string, rows: readonly (readonly unknown[])[], startRow = 1): FakeSheet {
    let sheet = this.sheetList.find((candidate) => candidate.sheetName === sheetName);
    if (sheet === undefined) {
      this.assertSheetNameFree(sheetName, undefined);
      sheet = new FakeSheet(this, sheetName, this.allocateSheetId());
      this.sheetList.push(sheet);
    }
    sheet.loadRows(rows, startRow);
    return sheet;
  }

  /** Returns a tab's data range values, as `getDataRange().getValues()` would, without counting. */
  readAll(sheetName: string): (string | number | boolean | Date)[][] {
    const sheet = this.sheet(sheetName);
    if (sheet.lastRow() === 0) return [];
    return this.uncounted(() => sheet.getDataRange().getValues());
  }
}

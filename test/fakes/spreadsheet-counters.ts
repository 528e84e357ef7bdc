import type { InputAnomalyCounters } from './cell-values';

/**
 * Calls the product made on one spreadsheet, by kind:
 * - reads: calls that return cell data or sheet geometry: `getValues`, `getDisplayValues`,
 *   `getFormulas`, `getValue`, `getNumberFormats`, `getNotes`, style getters, `isBlank`,
 *   `getLastRow`, `getLastColumn`, `getMaxRows`, `getMaxColumns`, `getDataRange`,
 *   `getFrozenRows`, `isSheetHidden`, `getColumnWidth`.
 * - writes: calls that change the spreadsheet: `setValues`, `setValue`, `appendRow`, `clear*`,
 *   `insert*`, `delete*`, `sort`, `setNumberFormat(s)`, style setters, `setNote(s)`,
 *   `setFrozenRows`, `setColumnWidth`, `autoResizeColumns`, `hideSheet`, `showSheet`, `setName`,
 *   `protect`, `insertSheet`, `deleteSheet`, `setSpreadsheetTimeZone`.
 * - other: lookups and coordinate getters: `getSheetByName`, `getSheets`, `getRange`, `getName`,
 *   `getRow`, `getNumRows`, `getA1Notation`, `toast`, and so on.
 */
export class SpreadsheetCounters implements InputAnomalyCounters {
  reads = 0;
  writes = 0;
  other = 0;
  /** Cells returned by `getValues`, `getDisplayValues`, `getFormulas` and the single-cell getters. */
  cellsRead = 0;
  /** Cells assigned by `setValues`, `setValue`, `setFormula(s)` and `appendRow`. */
  cellsWritten = 0;
  /** `undefined` entries written; each became an empty cell. */
  undefinedWrites = 0;
  /** `NaN`, `Infinity` and invalid dates written. */
  nonFiniteWrites = 0;
  /** Objects other than dates written; each became its `String()` text. */
  objectWrites = 0;
  /** Calls of `SpreadsheetApp.flush()`. */
  flushes = 0;
  /** Write calls since the last `SpreadsheetApp.flush()`. */
  writesSinceFlush = 0;
  /** Calls per method, keyed like `Range.getValues` or `Sheet.appendRow`. */
  byMethod: Record<string, number> = {};
}

export type CallKind = 'read' | 'write' | 'other';

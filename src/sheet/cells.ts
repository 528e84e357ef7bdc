/**
 * Converting values to and from cells. `Range.setValues` parses strings the way a person typing
 * does: "=..." becomes a formula and "00123" the number 123. Every text from outside the sheet is
 * therefore written with a leading apostrophe, which Sheets stores as a text marker, not as text.
 */

export type CellValue = string | number | boolean | Date;

/** Writes text as literal text; null and undefined become an empty cell, never "null" or "undefined". */
export function textCell(value: string | null | undefined): CellValue {
  if (value === null || value === undefined || value === '') return '';
  return `'${value}`;
}

/** Writes a finite number; anything else becomes an empty cell. */
export function numberCell(value: number | null | undefined): CellValue {
  return typeof value === 'number' && Number.isFinite(value) ? value : '';
}

/** Writes an instant as a date-time cell, which Sheets shows in the spreadsheet's time zone. */
export function dateCell(ms: number | null | undefined): CellValue {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms) : '';
}

export function readText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (isDate(cell)) return cell.toISOString();
  return String(cell).trim();
}

export function readNumber(cell: unknown): number | null {
  if (typeof cell === 'number' && Number.isFinite(cell)) return cell;
  if (typeof cell === 'string' && cell.trim() !== '') {
    const value = Number(cell.trim());
    return Number.isFinite(value) ? value : null;
  }
  return null;
}

/** Reads a date-time cell back as epoch milliseconds. */
export function readInstant(cell: unknown): number | null {
  if (isDate(cell)) {
    const ms = cell.getTime();
    return Number.isFinite(ms) ? ms : null;
  }
  if (typeof cell === 'string' && cell.trim() !== '') {
    const ms = Date.parse(cell.trim());
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

/** Tells a Date apart from other objects, also one made in another realm (the test sandbox). */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

import { type Realm, isDate } from './realm';
import { fromWallMs } from './time-zone';

/** A cell holding a formula. The fake computes no formulas, so it only keeps the text. */
export class FormulaCell {
  constructor(readonly formula: string) {}
}

/** What a cell stores: `''` for an empty cell, dates as `Date` objects of the test's realm. */
export type CellValue = string | number | boolean | Date | FormulaCell;

/** Sheets rejects cell text longer than this many characters. */
export const MAX_CELL_CHARACTERS = 50_000;

/**
 * `getValues` returns a formula cell as this prefix followed by the formula text, for example
 * `#FORMULA!=SUM(A1:A3)`, so a test can tell the write became a formula. Real Sheets returns the
 * computed result.
 */
export const FORMULA_VALUE_PREFIX = '#FORMULA!';

/** The number format `@` (plain text) stores typed text verbatim. */
export const TEXT_FORMAT = '@';

/** A value typed into a cell, with the number format Sheets picks for it when the cell has none. */
export interface TypedValue {
  value: CellValue;
  format?: string;
}

/** Returns what `getValues` shows for a stored cell, with dates built by `makeDate`. */
export function readCellValue(cell: CellValue, makeDate: (ms: number) => Date): string | number | boolean | Date {
  if (typeof cell !== 'object') return cell;
  if (cell instanceof FormulaCell) return FORMULA_VALUE_PREFIX + cell.formula;
  return makeDate(cell.getTime());
}

const NUMBER_PATTERN = /^([+-])?(\$)?([+-])?(?:(\d{1,3}(?:,\d{3})+)|(\d*))(?:\.(\d*))?(?:[eE]([+-]?\d+))?(%)?$/;
const TIME_SOURCE = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:\s*([aApP][mM]))?`;
const ISO_DATE_PATTERN = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:\s+${TIME_SOURCE})?$`);
const US_DATE_PATTERN = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+${TIME_SOURCE})?$`);
const TIME_ONLY_PATTERN = new RegExp(`^${TIME_SOURCE}$`);

/**
 * Parses `text` the way Sheets (locale en_US) parses what a person types into an unformatted cell.
 * `=…` is a formula, and a leading apostrophe keeps the rest as text. Numbers, percentages,
 * currency amounts, booleans, dates, date-times and times become values, with wall-clock times
 * read in `timeZone`, the spreadsheet's zone. ISO 8601 text with a `T` separator stays text, as in
 * Sheets.
 */
export function parseTypedText(text: string, timeZone: string): TypedValue {
  const first = text.charAt(0);
  if (first === '=' && text.length > 1) return { value: new FormulaCell(text) };
  if (first === "'") return { value: text.slice(1) };

  const trimmed = text.trim();
  if (trimmed === '') return { value: text };

  const upper = trimmed.toUpperCase();
  if (upper === 'TRUE') return { value: true };
  if (upper === 'FALSE') return { value: false };

  return parseNumber(trimmed) ?? parseDateTime(trimmed, timeZone) ?? { value: text };
}

function parseNumber(text: string): TypedValue | undefined {
  const match = NUMBER_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, leadingSign, currency, innerSign, groupedDigits, plainDigits, fraction, exponent, percent] = match;
  if (leadingSign !== undefined && innerSign !== undefined) return undefined;

  const integerDigits = groupedDigits !== undefined ? groupedDigits.replace(/,/g, '') : (plainDigits ?? '');
  if (integerDigits === '' && (fraction === undefined || fraction === '')) return undefined;

  const sign = (leadingSign ?? innerSign) === '-' ? '-' : '';
  const exponentValue = Number(exponent ?? '0') - (percent !== undefined ? 2 : 0);
  const value = Number(`${sign}${integerDigits === '' ? '0' : integerDigits}.${fraction ?? ''}e${exponentValue}`);

  const decimals = fraction !== undefined && fraction.length > 0 ? `.${'0'.repeat(fraction.length)}` : '';
  let format: string | undefined;
  if (percent !== undefined) format = `0${decimals}%`;
  else if (currency !== undefined) format = '$#,##0.00';
  else if (exponent !== undefined) format = '0.00E+00';
  else if (groupedDigits !== undefined) format = `#,##0${decimals}`;
  return format === undefined ? { value } : { value, format };
}

interface ClockTime {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  hasSeconds: boolean;
}

function parseClockTime(groups: (string | undefined)[]): ClockTime | undefined {
  const [hourText, minuteText, secondText, fractionText, meridiem] = groups;
  let hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText ?? '0');
  const millisecond = Number((fractionText ?? '').padEnd(3, '0'));
  if (minute > 59 || second > 59) return undefined;
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    const pm = meridiem.toLowerCase() === 'pm';
    hour = (hour % 12) + (pm ? 12 : 0);
  } else if (hour > 23) {
    return undefined;
  }
  return { hour, minute, second, millisecond, hasSeconds: secondText !== undefined };
}

function parseDateTime(text: string, timeZone: string): TypedValue | undefined {
  let year: number;
  let month: number;
  let day: number;
  let timeGroups: (string | undefined)[];
  let dateFormat: string;

  const iso = ISO_DATE_PATTERN.exec(text);
  const us = iso === null ? US_DATE_PATTERN.exec(text) : null;
  if (iso !== null) {
    year = Number(iso[1]);
    month = Number(iso[3]);
    day = Number(iso[4]);
    timeGroups = iso.slice(5, 10);
    dateFormat = `yyyy${iso[2]}mm${iso[2]}dd`;
  } else if (us !== null) {
    month = Number(us[1]);
    day = Number(us[2]);
    year = Number(us[3]);
    timeGroups = us.slice(4, 9);
    dateFormat = 'm/d/yyyy';
  } else {
    const timeOnly = TIME_ONLY_PATTERN.exec(text);
    if (timeOnly === null) return undefined;
    const time = parseClockTime(timeOnly.slice(1, 6));
    if (time === undefined) return undefined;
    // Sheets stores a time of day as a fraction of the day 1899-12-30, its serial number zero.
    const wallMs = Date.UTC(1899, 11, 30, time.hour, time.minute, time.second, time.millisecond);
    return { value: new Date(fromWallMs(wallMs, timeZone)), format: time.hasSeconds ? 'h:mm:ss' : 'h:mm' };
  }

  let time: ClockTime = { hour: 0, minute: 0, second: 0, millisecond: 0, hasSeconds: false };
  let format = dateFormat;
  if (timeGroups[0] !== undefined) {
    const parsed = parseClockTime(timeGroups);
    if (parsed === undefined) return undefined;
    time = parsed;
    format = `${dateFormat} ${time.hasSeconds ? 'hh:mm:ss' : 'hh:mm'}`;
  }

  if (month < 1 || month > 12 || day < 1) return undefined;
  const wallMs = Date.UTC(year, month - 1, day, time.hour, time.minute, time.second, time.millisecond);
  const check = new Date(wallMs);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return { value: new Date(fromWallMs(wallMs, timeZone)), format };
}

/** Counts of suspicious inputs, which a test usually asserts to be zero. */
export interface InputAnomalyCounters {
  undefinedWrites: number;
  nonFiniteWrites: number;
  objectWrites: number;
}

/**
 * Converts a value the product passed to `setValues`/`setValue`/`appendRow` to what the cell
 * stores. Strings go through `parseTypedText` unless the cell's format is plain text (`@`).
 * `null` and `undefined` clear the cell, and `undefined` is counted. Objects other than dates are
 * stored as their `String()` text and counted.
 */
export function toStoredValue(input: unknown, textFormat: boolean, timeZone: string, anomalies: InputAnomalyCounters): TypedValue {
  switch (typeof input) {
    case 'string':
      if (textFormat || !mayNeedParsing(input)) return { value: input };
      return parseTypedText(input, timeZone);
    case 'number':
      if (!Number.isFinite(input)) anomalies.nonFiniteWrites++;
      return { value: input };
    case 'boolean':
      return { value: input };
    case 'undefined':
      anomalies.undefinedWrites++;
      return { value: '' };
    default:
      if (input === null) return { value: '' };
      if (isDate(input)) {
        if (Number.isNaN(input.getTime())) anomalies.nonFiniteWrites++;
        return { value: new Date(input.getTime()) };
      }
      anomalies.objectWrites++;
      return { value: String(input) };
  }
}

/** Tells whether `text` can be anything but plain text; most identifiers and names cannot. */
export function mayNeedParsing(text: string): boolean {
  if (text === '') return false;
  const code = text.charCodeAt(0);
  const isLetter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  if (!isLetter) return true;
  // TRUE and FALSE are the only typed values that start with a letter.
  return code === 84 || code === 116 || code === 70 || code === 102;
}

/** Throws Sheets' error when a string in `data` is longer than a cell can hold. */
export function assertCellTextLengths(realm: Realm, data: readonly (readonly unknown[])[]): void {
  for (const row of data) {
    for (const value of row) {
      if (typeof value === 'string' && value.length > MAX_CELL_CHARACTERS) {
        throw realm.exception(`Your input contains more than the maximum of ${MAX_CELL_CHARACTERS} characters in a single cell.`);
      }
    }
  }
}

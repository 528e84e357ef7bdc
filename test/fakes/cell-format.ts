import { type CellValue, FORMULA_VALUE_PREFIX, FormulaCell } from './cell-values';
import { toWallMs } from './time-zone';

/**
 * Display text of cells, as `Range.getDisplayValues` returns it, for the number formats a product
 * typically sets: `0.00`, `#,##0`, `$#,##0.00`, `0%`, `0.00E+00`, `yyyy-mm-dd hh:mm`, `h:mm am/pm`,
 * quoted literals and `positive;negative;zero` sections. Sheets' own rendering also depends on the
 * column width and the locale; this fake renders as an en_US spreadsheet with wide columns.
 */

/** Per-cell formatting the fake keeps, with the value a getter returns for an unformatted cell. */
export const STYLE_DEFAULTS = {
  numberFormat: 'General',
  fontWeight: 'normal',
  fontStyle: 'normal',
  fontColor: '#000000',
  background: '#ffffff',
  horizontalAlignment: 'general',
} as const;
export type StyleName = keyof typeof STYLE_DEFAULTS;
/** The format `getNumberFormat` reports for an unformatted cell. */
export const DEFAULT_NUMBER_FORMAT = 'General';
/** The format Sheets shows a `Date` in when the cell has no date format (en_US). */
export const DEFAULT_DATE_TIME_FORMAT = 'M/d/yyyy H:mm:ss';

const MS_PER_DAY = 86_400_000;
/** Days from 1899-12-30, Sheets' serial day zero, to 1970-01-01. */
const UNIX_EPOCH_SERIAL = 25_569;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Returns the display text of a stored cell under `format`, with dates shown in `timeZone`. */
export function formatCellForDisplay(cell: CellValue, format: string | undefined, timeZone: string): string {
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell instanceof FormulaCell) return FORMULA_VALUE_PREFIX + cell.formula;

  const pattern = format === undefined || format === '' || format === DEFAULT_NUMBER_FORMAT ? undefined : format;
  if (typeof cell === 'number') {
    if (pattern === undefined || pattern === '@') return formatAutomaticNumber(cell);
    if (isDateFormat(pattern)) return formatDateTime((cell - UNIX_EPOCH_SERIAL) * MS_PER_DAY, pattern);
    return formatNumber(cell, pattern);
  }

  const wallMs = toWallMs(cell.getTime(), timeZone);
  if (pattern === undefined || pattern === '@') return formatDateTime(wallMs, DEFAULT_DATE_TIME_FORMAT);
  if (isDateFormat(pattern)) return formatDateTime(wallMs, pattern);
  return formatNumber(wallMs / MS_PER_DAY + UNIX_EPOCH_SERIAL, pattern);
}

/** Formats a number as Sheets' automatic format does: up to 15 significant digits, `E` notation for huge values. */
export function formatAutomaticNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(15))).replace('e', 'E');
}

/** Removes quoted literals, escapes and bracketed currency or colour blocks from a format. */
function stripLiterals(pattern: string): string {
  return pattern.replace(/"[^"]*"|\\.|\[(?![hms]+\])[^\]]*\]/gi, '');
}

/** Tells whether a number format is a date or time format. */
export function isDateFormat(pattern: string): boolean {
  return /[ydhms]|am\/pm|a\/p/i.test(stripLiterals(pattern));
}

interface DateToken {
  kind: 'literal' | 'field';
  text: string;
}

const DATE_TOKEN = /"[^"]*"|\\.|\[h+\]|\[m+\]|\[s+\]|y+|m+|d+|h+|s+|\.0+|am\/pm|a\/p|./gi;

/** Formats the wall-clock time `wallMs` (ms since 1970 read as UTC) with a Sheets date pattern. */
export function formatDateTime(wallMs: number, pattern: string): string {
  const tokens: DateToken[] = [];
  for (const match of pattern.matchAll(DATE_TOKEN)) {
    const text = match[0];
    if (text.startsWith('"')) tokens.push({ kind: 'literal', text: text.slice(1, -1) });
    else if (text.startsWith('\\')) tokens.push({ kind: 'literal', text: text.slice(1) });
    else if (/^(\[[hms]+\]|[ymdhs]+|\.0+|am\/pm|a\/p)$/i.test(text)) tokens.push({ kind: 'field', text: text.toLowerCase() });
    else tokens.push({ kind: 'literal', text });
  }

  const twelveHour = tokens.some((token) => token.kind === 'field' && (token.text === 'am/pm' || token.text === 'a/p'));
  const fields = tokens.filter((token) => token.kind === 'field');
  const date = new Date(wallMs);
  const hour = date.getUTCHours();

  let output = '';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      output += token.text;
      continue;
    }
    const index = fields.indexOf(token);
    const previous = fields[index - 1]?.text ?? '';
    const next = fields[index + 1]?.text ?? '';
    // `m` and `mm` mean minutes right after an hour field or right before a seconds field.
    const isMinute = /^m{1,2}$/.test(token.text) && (/^h/.test(previous) || /^s/.test(next));
    output += renderDateField(token.text, date, hour, twelveHour, isMinute, wallMs);
  }
  return output;
}

/** Renders one date field token such as `yyyy`, `mmm`, `hh` or `am/pm` of the wall-clock `date`. */
function renderDateField(field: string, date: Date, hour: number, twelveHour: boolean, isMinute: boolean, wallMs: number): string {
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  if (isMinute) return field === 'mm' ? pad(date.getUTCMinutes(), 2) : String(date.getUTCMinutes());

  switch (field) {
    case 'yyyy':
    case 'yyy':
      return pad(date.getUTCFullYear(), 4);
    case 'yy':
    case 'y':
      return pad(date.getUTCFullYear() % 100, 2);
    case 'm':
      return String(date.getUTCMonth() + 1);
    case 'mm':
      return pad(date.getUTCMonth() + 1, 2);
    case 'mmm':
      return (MONTHS[date.getUTCMonth()] ?? '').slice(0, 3);
    case 'mmmmm':
      return (MONTHS[date.getUTCMonth()] ?? '').slice(0, 1);
    case 'd':
      return String(date.getUTCDate());
    case 'dd':
      return pad(date.getUTCDate(), 2);
    case 'ddd':
      return (WEEKDAYS[date.getUTCDay()] ?? '').slice(0, 3);
    case 'h':
      return String(twelveHour ? hour12 : hour);
    case 'hh':
      return pad(twelveHour ? hour12 : hour, 2);
    case 's':
      return String(date.getUTCSeconds());
    case 'ss':
      return pad(date.getUTCSeconds(), 2);
    case 'am/pm':
      return hour < 12 ? 'AM' : 'PM';
    case 'a/p':
      return hour < 12 ? 'A' : 'P';
    default:
      break;
  }

  if (field.startsWith('mmmm')) return MONTHS[date.getUTCMonth()] ?? '';
  if (field.startsWith('dddd')) return WEEKDAYS[date.getUTCDay()] ?? '';
  if (field.startsWith('.')) return `.${pad(date.getUTCMilliseconds(), 3).slice(0, field.length - 1)}`;

  // Elapsed-time fields count from Sheets' serial day zero, 1899-12-30.
  const elapsedMs = wallMs - Date.UTC(1899, 11, 30);
  if (field.startsWith('[h')) return String(Math.floor(elapsedMs / 3_600_000));
  if (field.startsWith('[m')) return String(Math.floor(elapsedMs / 60_000));
  if (field.startsWith('[s')) return String(Math.floor(elapsedMs / 1000));
  return field;
}

/** Splits a format into its `;` sections, ignoring semicolons inside quotes. */
function splitSections(pattern: string): string[] {
  const sections: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '"') quoted = !quoted;
    if (char === '\\' && !quoted) {
      current += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (char === ';' && !quoted) {
      sections.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  sections.push(current);
  return sections;
}

interface NumberSection {
  prefix: string;
  suffix: string;
  integerSpec: string;
  fractionSpec: string;
  exponentDigits: number | undefined;
  grouping: boolean;
  percentCount: number;
}

/** Splits one format section into literal text around the digit placeholders. */
function parseNumberSection(section: string): NumberSection {
  const pieces: { literal: boolean; text: string }[] = [];
  const token = /"([^"]*)"|\\(.)|\[\$([^\]-]*)[^\]]*\]|\[[^\]]*\]|(E[+-]0+)|([0#?.,]+)|(.)/gi;
  for (const match of section.matchAll(token)) {
    if (match[1] !== undefined) pieces.push({ literal: true, text: match[1] });
    else if (match[2] !== undefined) pieces.push({ literal: true, text: match[2] });
    else if (match[3] !== undefined) pieces.push({ literal: true, text: match[3] });
    else if (match[4] !== undefined) pieces.push({ literal: false, text: match[4] });
    else if (match[5] !== undefined) pieces.push({ literal: false, text: match[5] });
    else if (match[6] !== undefined) pieces.push({ literal: true, text: match[6] });
  }

  const firstDigit = pieces.findIndex((piece) => !piece.literal);
  let lastDigit = -1;
  pieces.forEach((piece, index) => {
    if (!piece.literal) lastDigit = index;
  });
  const literalText = (from: number, to: number): string => pieces.slice(from, to).map((piece) => piece.text).join('');
  const prefix = firstDigit === -1 ? literalText(0, pieces.length) : literalText(0, firstDigit);
  const suffix = firstDigit === -1 ? '' : literalText(lastDigit + 1, pieces.length);
  const numberSpec = firstDigit === -1 ? '' : pieces.slice(firstDigit, lastDigit + 1).filter((piece) => !piece.literal).map((piece) => piece.text).join('');

  const exponentMatch = /E[+-](0+)/i.exec(numberSpec);
  const mantissa = exponentMatch === null ? numberSpec : numberSpec.slice(0, exponentMatch.index);
  const [integerSpec = '', fractionSpec = ''] = mantissa.split('.');
  return {
    prefix,
    suffix,
    integerSpec,
    fractionSpec,
    exponentDigits: exponentMatch?.[1]?.length,
    grouping: integerSpec.includes(','),
    percentCount: (prefix + suffix).split('%').length - 1,
  };
}

/** Formats a number with a Sheets number pattern such as `#,##0.00` or `$#,##0.00;($#,##0.00)`. */
export function formatNumber(value: number, pattern: string): string {
  const sections = splitSections(pattern);
  let section = sections[0] ?? '';
  let magnitude = value;
  let sign = '';
  if (value < 0 && sections.length > 1) {
    section = sections[1] ?? '';
    magnitude = -value;
  } else if (value === 0 && sections.length > 2) {
    section = sections[2] ?? '';
  } else if (value < 0) {
    magnitude = -value;
    sign = '-';
  }

  const spec = parseNumberSection(section);
  if (spec.integerSpec === '' && spec.fractionSpec === '' && spec.exponentDigits === undefined) return spec.prefix + spec.suffix;
  const scaled = magnitude * 100 ** spec.percentCount;
  const body = spec.exponentDigits === undefined ? formatFixed(scaled, spec) : formatScientific(scaled, spec);
  return `${sign}${spec.prefix}${body}${spec.suffix}`;
}

function formatFixed(value: number, spec: NumberSection): string {
  const minFraction = (spec.fractionSpec.match(/0/g) ?? []).length;
  const maxFraction = (spec.fractionSpec.match(/[0#?]/g) ?? []).length;
  let [integerPart = '0', fractionPart = ''] = value.toFixed(maxFraction).split('.');
  while (fractionPart.length > minFraction && fractionPart.endsWith('0')) fractionPart = fractionPart.slice(0, -1);

  const minInteger = (spec.integerSpec.match(/0/g) ?? []).length;
  if (integerPart === '0' && minInteger === 0) integerPart = '';
  integerPart = integerPart.padStart(minInteger, '0');
  if (spec.grouping) integerPart = integerPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fractionPart === '' && !spec.fractionSpec.includes('0') ? integerPart : `${integerPart}.${fractionPart}`;
}

function formatScientific(value: number, spec: NumberSection): string {
  const decimals = (spec.fractionSpec.match(/[0#?]/g) ?? []).length;
  const [mantissa = '0', exponent = '0'] = value.toExponential(decimals).split('e');
  const exponentValue = Number(exponent);
  const exponentText = String(Math.abs(exponentValue)).padStart(spec.exponentDigits ?? 1, '0');
  return `${mantissa}E${exponentValue < 0 ? '-' : '+'}${exponentText}`;
}

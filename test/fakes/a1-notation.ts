/** A1 notation: `B2`, `A1:C3`, `A:C`, `2:5`, `A2:C`, optionally prefixed by `Sheet!` or `'My sheet'!`. */

/** A rectangle read from A1 notation; 1-based bounds, `undefined` where the notation leaves a side open. */
export interface A1Range {
  sheetName?: string;
  startRow?: number;
  startColumn?: number;
  endRow?: number;
  endColumn?: number;
}

/** Returns the column letters for a 1-based column index: 1 is `A`, 27 is `AA`. */
export function columnToLetters(column: number): string {
  let letters = '';
  let rest = column;
  while (rest > 0) {
    const digit = (rest - 1) % 26;
    letters = String.fromCharCode(65 + digit) + letters;
    rest = Math.floor((rest - 1) / 26);
  }
  return letters;
}

/** Returns the 1-based column index of column letters such as `A` or `AB`. */
export function lettersToColumn(letters: string): number {
  let column = 0;
  for (const char of letters.toUpperCase()) column = column * 26 + (char.charCodeAt(0) - 64);
  return column;
}

/** Returns the A1 notation of a block: `B2` for one cell, `A1:C3` otherwise. */
export function toA1Notation(row: number, column: number, numRows: number, numColumns: number): string {
  const start = `${columnToLetters(column)}${row}`;
  if (numRows === 1 && numColumns === 1) return start;
  return `${start}:${columnToLetters(column + numColumns - 1)}${row + numRows - 1}`;
}

const CELL_REFERENCE = /^\$?([A-Za-z]{1,3})?\$?(\d+)?$/;

/** Parses A1 notation, or returns undefined when the text is not A1 notation. */
export function parseA1Notation(notation: string): A1Range | undefined {
  let text = notation.trim();
  let sheetName: string | undefined;
  const bang = text.lastIndexOf('!');
  if (bang !== -1) {
    sheetName = text.slice(0, bang);
    if (sheetName.startsWith("'") && sheetName.endsWith("'")) sheetName = sheetName.slice(1, -1).replace(/''/g, "'");
    text = text.slice(bang + 1);
  }

  const [startText = '', endText, extra] = text.split(':');
  if (extra !== undefined || startText === '') return undefined;
  const start = CELL_REFERENCE.exec(startText);
  const end = endText === undefined ? start : CELL_REFERENCE.exec(endText);
  if (start === null || end === null || endText === '') return undefined;

  const startColumn = start[1] === undefined ? undefined : lettersToColumn(start[1]);
  const startRow = start[2] === undefined ? undefined : Number(start[2]);
  const endColumn = end[1] === undefined ? undefined : lettersToColumn(end[1]);
  const endRow = end[2] === undefined ? undefined : Number(end[2]);

  // A single reference must name a whole cell; `A` or `3` alone is not a range.
  if (endText === undefined && (startColumn === undefined || startRow === undefined)) return undefined;
  if (startColumn === undefined && startRow === undefined) return undefined;
  if (startRow === 0 || endRow === 0) return undefined;

  const range: A1Range = {};
  if (sheetName !== undefined) range.sheetName = sheetName;
  if (startRow !== undefined) range.startRow = startRow;
  if (startColumn !== undefined) range.startColumn = startColumn;
  if (endRow !== undefined) range.endRow = endRow;
  if (endColumn !== undefined) range.endColumn = endColumn;
  return range;
}

import { type CellValue, FormulaCell } from './cell-values';
import { isDate } from './realm';

/**
 * The order Sheets sorts cells in, ascending: numbers and dates, then text ignoring case, then
 * booleans. Blank cells sort last in both directions.
 */

const MS_PER_DAY = 86_400_000;
const UNIX_EPOCH_SERIAL = 25_569;

function sortRank(value: CellValue): number {
  if (value === '') return 3;
  if (typeof value === 'number' || isDate(value)) return 0;
  if (typeof value === 'boolean') return 2;
  return 1;
}

function compareCells(a: CellValue, b: CellValue): number {
  const rankA = sortRank(a);
  const rankB = sortRank(b);
  if (rankA !== rankB) return rankA - rankB;
  if (rankA === 0) {
    const numberA = typeof a === 'number' ? a : (a as Date).getTime() / MS_PER_DAY + UNIX_EPOCH_SERIAL;
    const numberB = typeof b === 'number' ? b : (b as Date).getTime() / MS_PER_DAY + UNIX_EPOCH_SERIAL;
    return numberA - numberB;
  }
  if (rankA === 1) {
    const textA = a instanceof FormulaCell ? a.formula : String(a);
    const textB = b instanceof FormulaCell ? b.formula : String(b);
    return textA.localeCompare(textB, 'en', { sensitivity: 'base' });
  }
  if (rankA === 2) return Number(a) - Number(b);
  return 0;
}

/**
 * Returns the stable order that sorts rows by several key columns: `keyColumns[k][i]` is row i's
 * value in the k-th key. Blank cells sort last whatever the direction.
 */
export function sortOrder(keyColumns: CellValue[][], ascending: boolean[]): number[] {
  const count = keyColumns[0]?.length ?? 0;
  const order = Array.from({ length: count }, (_, index) => index);
  order.sort((left, right) => {
    for (let k = 0; k < keyColumns.length; k++) {
      const keys = keyColumns[k] as CellValue[];
      const a = keys[left] as CellValue;
      const b = keys[right] as CellValue;
      if (a === '' || b === '') {
        if (a === b) continue;
        return a === '' ? 1 : -1;
      }
      const compared = compareCells(a, b);
      if (compared !== 0) return ascending[k] === false ? -compared : compared;
    }
    return 0;
  });
  return order;
}

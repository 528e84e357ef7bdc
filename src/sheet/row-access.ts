/** Reading one managed cell of a raw sheet row by its header. */
import type { Table } from './table';

export function cellOf(table: Table, row: readonly unknown[], header: string): unknown {
  const column = table.columnOf.get(header);
  return column === undefined ? '' : row[column];
}

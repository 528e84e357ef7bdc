/**
 * A sparse two-dimensional store with 0-based indexes: one array per row, rows never written stay
 * `undefined`, and a row array is only as long as its last written column. It keeps cell values
 * (with `''` as the empty value) and each formatting property (with `undefined`) of a sheet.
 */
export class Grid<T> {
  /** Row arrays by 0-based row index; the fake reads them directly in its bulk paths. */
  rows: (T[] | undefined)[] = [];

  constructor(readonly empty: T) {}

  get(row: number, column: number): T {
    const cells = this.rows[row];
    if (cells === undefined || column >= cells.length) return this.empty;
    return cells[column] as T;
  }

  /** Returns the row array for `row`, created and padded with the empty value up to `width` columns. */
  writableRow(row: number, width: number): T[] {
    let cells = this.rows[row];
    if (cells === undefined) {
      while (this.rows.length < row) this.rows.push(undefined);
      cells = [];
      this.rows[row] = cells;
    }
    while (cells.length < width) cells.push(this.empty);
    return cells;
  }

  set(row: number, column: number, value: T): void {
    if (value === this.empty && this.get(row, column) === this.empty) return;
    this.writableRow(row, column + 1)[column] = value;
  }

  /** Sets every cell of the block to the empty value. */
  clearBlock(row: number, column: number, numRows: number, numColumns: number): void {
    const end = Math.min(row + numRows, this.rows.length);
    for (let r = row; r < end; r++) {
      const cells = this.rows[r];
      if (cells === undefined) continue;
      const stop = Math.min(column + numColumns, cells.length);
      for (let c = column; c < stop; c++) cells[c] = this.empty;
    }
  }

  clearAll(): void {
    this.rows = [];
  }

  /**
   * Inserts `count` rows before `row`. When `templateRow` is given, each new row copies that row
   * (index before the insertion), the way Sheets gives inserted rows the formatting of a neighbour.
   */
  insertRows(row: number, count: number, templateRow?: number): void {
    const template = templateRow === undefined ? undefined : this.rows[templateRow];
    if (row >= this.rows.length && template === undefined) return;
    while (this.rows.length < row) this.rows.push(undefined);
    const inserted = new Array<T[] | undefined>(count);
    for (let i = 0; i < count; i++) inserted[i] = template === undefined ? undefined : template.slice();
    this.rows = this.rows.slice(0, row).concat(inserted, this.rows.slice(row));
  }

  deleteRows(row: number, count: number): void {
    if (row >= this.rows.length) return;
    this.rows.splice(row, count);
  }

  insertColumns(column: number, count: number): void {
    const filler = new Array<T>(count).fill(this.empty);
    for (const cells of this.rows) {
      if (cells !== undefined && cells.length > column) cells.splice(column, 0, ...filler);
    }
  }

  deleteColumns(column: number, count: number): void {
    for (const cells of this.rows) {
      if (cells !== undefined && cells.length > column) cells.splice(column, count);
    }
  }

  /** Reorders rows `start..start+order.length-1` so that new row `start+i` is old row `start+order[i]`. */
  permuteRows(start: number, order: number[]): void {
    const old = this.rows.slice(start, start + order.length);
    while (this.rows.length < start + order.length) this.rows.push(undefined);
    order.forEach((from, index) => {
      this.rows[start + index] = old[from];
    });
  }
}

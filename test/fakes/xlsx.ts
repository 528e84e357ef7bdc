import ExcelJS from 'exceljs';
import { formatCellForDisplay } from './cell-format';
import { type CellValue, FormulaCell } from './cell-values';
import type { FakeSheet } from './sheet';
import type { FakeSpreadsheet } from './spreadsheet';
import { toWallMs } from './time-zone';

/** Rows sampled to fit the width of columns the product did not size. */
const WIDTH_SAMPLE_ROWS = 1000;
const MIN_COLUMN_WIDTH = 8;
const MAX_COLUMN_WIDTH = 60;
/** Sheets measures widths in pixels, Excel in characters of about 7 pixels. */
const PIXELS_PER_CHARACTER = 7;
const DEFAULT_DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * Writes every tab of `spreadsheet` to an .xlsx file, streaming rows so that large tabs fit in
 * memory: values with their types, number formats the product set, a bold frozen header row, and
 * column widths. Formulas are written as their text. Hidden tabs stay hidden.
 *
 * Excel has no time zones, so each date is converted to its wall-clock time in the spreadsheet's
 * zone and written as that local time, the time a person reads in Sheets.
 */
export async function writeWorkbook(spreadsheet: FakeSpreadsheet, filePath: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: filePath, useStyles: true, useSharedStrings: false });
  for (const sheet of spreadsheet.sheetList) writeSheet(workbook, sheet, spreadsheet.timeZone);
  await workbook.commit();
}

function writeSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheet: FakeSheet, timeZone: string): void {
  const lastRow = sheet.lastRow();
  const lastColumn = sheet.lastColumn();
  const worksheet = workbook.addWorksheet(sheet.sheetName, {
    state: sheet.hidden ? 'hidden' : 'visible',
    views: [{ state: 'frozen', ySplit: Math.max(1, sheet.frozenRows), xSplit: sheet.frozenColumns }],
  });
  worksheet.columns = columnWidths(sheet, lastRow, lastColumn, timeZone).map((width) => ({ width }));

  const formats = sheet.styles.numberFormat;
  const weights = sheet.styles.fontWeight;
  const backgrounds = sheet.styles.background;
  for (let r = 0; r < lastRow; r++) {
    const values: ExcelJS.CellValue[] = [];
    for (let c = 0; c < lastColumn; c++) values.push(toExcelValue(sheet.values.get(r, c), timeZone));
    const row = worksheet.addRow(values);
    for (let c = 0; c < lastColumn; c++) {
      const cell = row.getCell(c + 1);
      const stored = sheet.values.get(r, c);
      const format = formats.get(r, c);
      if (format !== undefined && format !== 'General') cell.numFmt = format;
      else if (typeof stored === 'object' && !(stored instanceof FormulaCell)) cell.numFmt = DEFAULT_DATE_FORMAT;
      if (r === 0 || weights.get(r, c) === 'bold') cell.font = { bold: true };
      const background = backgrounds.get(r, c);
      if (background !== undefined && /^#[0-9a-f]{6}$/i.test(background)) {
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: `FF${background.slice(1).toUpperCase()}` } };
      }
    }
    row.commit();
  }
  worksheet.commit();
}

function toExcelValue(cell: CellValue, timeZone: string): ExcelJS.CellValue {
  if (cell === '') return null;
  if (cell instanceof FormulaCell) return cell.formula;
  if (typeof cell === 'object') return new Date(toWallMs(cell.getTime(), timeZone));
  return cell;
}

/** Returns Excel widths: the product's `setColumnWidth` in characters, else fitted to sampled text. */
function columnWidths(sheet: FakeSheet, lastRow: number, lastColumn: number, timeZone: string): number[] {
  const widths: number[] = [];
  const sampledRows = Math.min(lastRow, WIDTH_SAMPLE_ROWS);
  for (let c = 0; c < lastColumn; c++) {
    const pixels = sheet.columnWidths.get(c + 1);
    if (pixels !== undefined) {
      widths.push(Math.max(1, Math.round(pixels / PIXELS_PER_CHARACTER)));
      continue;
    }
    let longest = 0;
    for (let r = 0; r < sampledRows; r++) {
      const text = formatCellForDisplay(sheet.values.get(r, c), sheet.styles.numberFormat.get(r, c), timeZone);
      longest = Math.max(longest, text.length);
    }
    widths.push(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, longest + 2)));
  }
  return widths;
}

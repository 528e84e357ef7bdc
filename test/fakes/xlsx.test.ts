import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { FakeSpreadsheet } from './spreadsheet';
import { writeWorkbook } from './xlsx';

let folder: string;

beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-xlsx-'));
});

afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

async function exportAndRead(spreadsheet: FakeSpreadsheet): Promise<ExcelJS.Workbook> {
  const filePath = path.join(folder, `${Math.random().toString(36).slice(2)}.xlsx`);
  await writeWorkbook(spreadsheet, filePath);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(filePath);
  return workbook;
}

describe('writeWorkbook', () => {
  it('writes values with their types', async () => {
    const spreadsheet = new FakeSpreadsheet({ sheetNames: ['Sessions'], timeZone: 'Europe/Berlin' });
    const sheet = spreadsheet.sheet('Sessions');
    sheet.getRange('A1:E2').setValues([
      ['pod', 'started', 'cost', 'running', 'link'],
      ['a1b2c3', new Date(Date.UTC(2026, 10, 10, 13, 57)), 1.5, true, '=HYPERLINK("https://example.com","x")'],
    ]);
    sheet.getRange('B2').setNumberFormat('yyyy-mm-dd hh:mm');
    sheet.getRange('C2').setNumberFormat('$#,##0.00');

    const worksheet = (await exportAndRead(spreadsheet)).getWorksheet('Sessions')!;
    expect(worksheet.getCell('A2').value).toBe('a1b2c3');
    expect((worksheet.getCell('B2').value as Date).toISOString()).toBe('2026-11-10T14:57:00.000Z');
    expect(worksheet.getCell('B2').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(worksheet.getCell('C2').value).toBe(1.5);
    expect(worksheet.getCell('C2').numFmt).toBe('$#,##0.00');
    expect(worksheet.getCell('D2').value).toBe(true);
    expect(worksheet.getCell('E2').value).toBe('=HYPERLINK("https://example.com","x")');
  });

  it('styles the header', async () => {
    const spreadsheet = new FakeSpreadsheet({ sheetNames: ['Usage'] });
    spreadsheet.sheet('Usage').getRange('A1:B2').setValues([['pod', 'description'], ['x', 'a long description of the pod']]);
    spreadsheet.sheet('Usage').setColumnWidth(1, 140);

    const worksheet = (await exportAndRead(spreadsheet)).getWorksheet('Usage')!;
    expect(worksheet.getCell('A1').font?.bold).toBe(true);
    expect(worksheet.getCell('A2').font?.bold).not.toBe(true);
    expect(worksheet.views[0]).toEqual(expect.objectContaining({ state: 'frozen', ySplit: 1 }));
    expect(worksheet.getColumn(1).width).toBe(20);
    expect(worksheet.getColumn(2).width).toBe(31);
  });

  it('writes every tab', async () => {
    const spreadsheet = new FakeSpreadsheet({ sheetNames: ['One', 'Two'] });
    spreadsheet.sheet('Two').getRange('A1').setValue('x');
    spreadsheet.sheet('Two').hideSheet();
    const workbook = await exportAndRead(spreadsheet);
    expect(workbook.worksheets.map((worksheet) => worksheet.name)).toEqual(['One', 'Two']);
    expect(workbook.getWorksheet('Two')?.state).toBe('hidden');
  });
});

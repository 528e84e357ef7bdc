import * as vm from 'node:vm';
import { columnToLetters, lettersToColumn } from './a1-notation';
import { FORMULA_VALUE_PREFIX, FakeSpreadsheet } from './spreadsheet';

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return String(error);
  }
  throw new Error('expected the call to throw');
}

describe('Range.setValues shape', () => {
  it('rejects too few rows', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    const range = sheet.getRange(1, 1, 3, 2);
    expect(messageOf(() => range.setValues([[1, 2], [3, 4]]))).toBe(
      'Exception: The number of rows in the data does not match the number of rows in the range. The data has 2 but the range has 3.',
    );
  });

  it('rejects too many columns', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    expect(messageOf(() => sheet.getRange(1, 1, 1, 2).setValues([[1, 2, 3]]))).toBe(
      'Exception: The number of columns in the data does not match the number of columns in the range. The data has 3 but the range has 2.',
    );
  });

  it('rejects ragged rows without writing', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    const message = messageOf(() => sheet.getRange(1, 1, 2, 2).setValues([['a', 'b'], ['c']]));
    expect(message).toBe('Exception: The number of columns in the data does not match the number of columns in the range. The data has 1 but the range has 2.');
    expect(sheet.getLastRow()).toBe(0);
  });

  it('rejects a non-array', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    expect(messageOf(() => sheet.getRange(1, 1).setValues('x' as never))).toBe(
      "Exception: The parameters (String) don't match the method signature for SpreadsheetApp.Range.setValues.",
    );
  });

  it('throws errors named Exception', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    let caught: unknown;
    try {
      sheet.getRange(1, 1, 2, 1).setValues([[1]]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('Exception');
  });
});

describe('typed input parsing', () => {
  it.each<[string, unknown, unknown]>([
    ['leading zeros', '00123', 123],
    ['thousands separator', '1,000', 1000],
    ['bad grouping stays text', '1,00', '1,00'],
    ['currency', '$2.99', 2.99],
    ['negative currency', '-$5', -5],
    ['plus sign', '+1', 1],
    ['minus sign', '-5', -5],
    ['exponent', '1e3', 1000],
    ['percent', '12%', 0.12],
    ['decimal without integer part', '.5', 0.5],
    ['surrounding spaces', ' 42 ', 42],
    ['TRUE', 'TRUE', true],
    ['lower-case false', 'false', false],
    ['apostrophe keeps text', "'00123", '00123'],
    ['apostrophe keeps formula text', "'=A1", '=A1'],
    ['plain text', 'a1b2c3d4e5', 'a1b2c3d4e5'],
    ['text with a digit first', '3 pods', '3 pods'],
    ['ISO date-time with T stays text', '2026-11-10T14:57:00Z', '2026-11-10T14:57:00Z'],
    ['impossible date stays text', '2026-02-30', '2026-02-30'],
    ['null', null, ''],
    ['number', 42.5, 42.5],
    ['boolean', false, false],
    ['empty string', '', ''],
  ])('%s', (_name, input, expected) => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange(1, 1).setValues([[input]]);
    expect(sheet.getRange(1, 1).getValues()).toEqual([[expected]]);
  });

  it.each<[string, string, string]>([
    ['date', '2026-11-10', '2026-11-09T23:00:00.000Z'],
    ['date and minutes', '2026-11-10 14:57', '2026-11-10T13:57:00.000Z'],
    ['date and seconds', '2026-07-01 08:00:30', '2026-07-01T06:00:30.000Z'],
    ['US date', '11/10/2026', '2026-11-09T23:00:00.000Z'],
    ['afternoon with pm', '2026-11-10 2:57 pm', '2026-11-10T13:57:00.000Z'],
  ])('%s in the spreadsheet zone', (_name, input, isoInstant) => {
    const sheet = new FakeSpreadsheet({ timeZone: 'Europe/Berlin' }).getActiveSheet();
    sheet.getRange(1, 1).setValue(input);
    const value = sheet.getRange(1, 1).getValue();
    expect(Object.prototype.toString.call(value)).toBe('[object Date]');
    expect((value as Date).toISOString()).toBe(isoInstant);
  });

  it('stores formulas', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange(1, 1, 1, 2).setValues([['=SUM(B1:B3)', '=']]);
    expect(sheet.getRange(1, 1, 1, 2).getValues()).toEqual([[`${FORMULA_VALUE_PREFIX}=SUM(B1:B3)`, '=']]);
    expect(sheet.getRange(1, 1, 1, 2).getFormulas()).toEqual([['=SUM(B1:B3)', '']]);
  });

  it('keeps text in plain-text cells', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:A3').setNumberFormat('@');
    sheet.getRange('A1:A3').setValues([['00123'], ['=A2'], ['2026-11-10']]);
    expect(sheet.getRange('A1:A3').getValues()).toEqual([['00123'], ['=A2'], ['2026-11-10']]);
  });

  it('counts undefined writes', () => {
    const spreadsheet = new FakeSpreadsheet();
    const sheet = spreadsheet.getActiveSheet();
    sheet.getRange(1, 1, 1, 3).setValues([[1, undefined, 'x']]);
    expect(spreadsheet.counters.undefinedWrites).toBe(1);
    expect(sheet.getRange(1, 1, 1, 3).getValues()).toEqual([[1, '', 'x']]);
  });

  it('counts NaN and object writes', () => {
    const spreadsheet = new FakeSpreadsheet();
    spreadsheet.getActiveSheet().appendRow([Number.NaN, { a: 1 }]);
    expect(spreadsheet.counters.nonFiniteWrites).toBe(1);
    expect(spreadsheet.counters.objectWrites).toBe(1);
  });

  it('parses appendRow values too', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.appendRow(['1,000', '=A1*2', "'007"]);
    expect(sheet.getRange(1, 1, 1, 3).getValues()).toEqual([[1000, `${FORMULA_VALUE_PREFIX}=A1*2`, '007']]);
  });
});

describe('dates', () => {
  it('accepts dates from another realm', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    const foreign = vm.runInNewContext('new Date(Date.UTC(2026, 0, 2, 3, 4, 5))') as Date;
    sheet.getRange(1, 1).setValue(foreign);
    const value = sheet.getRange(1, 1).getValue() as Date;
    expect(value).toBeInstanceOf(Date);
    expect(value.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('returns a new date object per read', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange(1, 1).setValue(new Date(0));
    const first = sheet.getRange(1, 1).getValue() as Date;
    first.setFullYear(1999);
    expect((sheet.getRange(1, 1).getValue() as Date).getTime()).toBe(0);
  });

  it('reads a time of day on 1899-12-30', () => {
    const sheet = new FakeSpreadsheet({ timeZone: 'Etc/UTC' }).getActiveSheet();
    sheet.getRange(1, 1).setValue('14:30');
    expect((sheet.getRange(1, 1).getValue() as Date).toISOString()).toBe('1899-12-30T14:30:00.000Z');
    expect(sheet.getRange(1, 1).getDisplayValue()).toBe('14:30');
  });
});

describe('display values', () => {
  it.each<[string, unknown, string, string]>([
    ['grouped decimals', 1234.5, '#,##0.00', '1,234.50'],
    ['two decimals', 3.14159, '0.00', '3.14'],
    ['percent', 0.256, '0.0%', '25.6%'],
    ['currency', 2.5, '$#,##0.00', '$2.50'],
    ['quoted currency', 1234, '"€"#,##0', '€1,234'],
    ['negative section', -3, '#,##0;(#,##0)', '(3)'],
    ['scientific', 12345, '0.00E+00', '1.23E+04'],
    ['automatic number', 0.1 + 0.2, 'General', '0.3'],
    ['boolean', true, 'General', 'TRUE'],
    ['date pattern', new Date(Date.UTC(2026, 10, 10, 13, 57)), 'yyyy-mm-dd hh:mm', '2026-11-10 14:57'],
    ['twelve-hour clock', new Date(Date.UTC(2026, 10, 10, 13, 57)), 'h:mm am/pm', '2:57 PM'],
    ['month name', new Date(Date.UTC(2026, 10, 10, 13, 57)), 'd mmm yyyy', '10 Nov 2026'],
    ['number as date', 46336, 'yyyy-mm-dd', '2026-11-10'],
  ])('%s', (_name, value, format, expected) => {
    const sheet = new FakeSpreadsheet({ timeZone: 'Europe/Berlin' }).getActiveSheet();
    const cell = sheet.getRange(1, 1);
    cell.setNumberFormat(format);
    cell.setValue(value);
    expect(cell.getDisplayValues()).toEqual([[expected]]);
  });

  it('shows unformatted dates as date-times', () => {
    const sheet = new FakeSpreadsheet({ timeZone: 'Europe/Berlin' }).getActiveSheet();
    sheet.getRange(1, 1).setValue(new Date(Date.UTC(2026, 10, 10, 13, 57)));
    expect(sheet.getRange(1, 1).getDisplayValue()).toBe('11/10/2026 14:57:00');
    expect(sheet.getRange(1, 1).getNumberFormat()).toBe('M/d/yyyy H:mm:ss');
  });

  it('keeps the typed date format', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange(1, 1, 1, 3).setValues([['2026-11-10', '2026-11-10 14:57', '12.5%']]);
    expect(sheet.getRange(1, 1, 1, 3).getDisplayValues()).toEqual([['2026-11-10', '2026-11-10 14:57', '12.5%']]);
    expect(sheet.getRange(1, 1, 1, 3).getNumberFormats()).toEqual([['yyyy-mm-dd', 'yyyy-mm-dd hh:mm', '0.0%']]);
  });
});

describe('grid size', () => {
  it('starts at 1000 rows by 26 columns', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    expect(sheet.getMaxRows()).toBe(1000);
    expect(sheet.getMaxColumns()).toBe(26);
  });

  it('rejects ranges past the last row', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    expect(messageOf(() => sheet.getRange(1001, 1))).toBe('Exception: The coordinates of the range are outside the dimensions of the sheet.');
    expect(messageOf(() => sheet.getRange(999, 1, 3, 1))).toBe('Exception: The coordinates of the range are outside the dimensions of the sheet.');
  });

  it('rejects ranges past the last column', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    expect(messageOf(() => sheet.getRange(1, 27))).toBe('Exception: The coordinates of the range are outside the dimensions of the sheet.');
    expect(messageOf(() => sheet.getRange('AA1'))).toBe('Exception: The coordinates of the range are outside the dimensions of the sheet.');
  });

  it.each<[string, () => unknown, string]>([
    ['row 0', () => new FakeSpreadsheet().getActiveSheet().getRange(0, 1), 'Exception: The starting row of the range is too small.'],
    ['column 0', () => new FakeSpreadsheet().getActiveSheet().getRange(1, 0), 'Exception: The starting column of the range is too small.'],
    ['zero rows', () => new FakeSpreadsheet().getActiveSheet().getRange(1, 1, 0, 1), 'Exception: The number of rows in the range must be at least 1.'],
    ['undefined row', () => new FakeSpreadsheet().getActiveSheet().getRange(undefined as never, 1), "Exception: The parameters (null,number) don't match the method signature for SpreadsheetApp.Sheet.getRange."],
  ])('rejects %s', (_name, action, message) => {
    expect(messageOf(action)).toBe(message);
  });

  it('grows on appendRow at the bottom', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange(1000, 1).setValue('last');
    sheet.appendRow(['appended', 2, 3]);
    expect(sheet.getMaxRows()).toBe(1001);
    expect(sheet.getRange(1001, 1, 1, 3).getValues()).toEqual([['appended', 2, 3]]);
  });

  it('grows columns on a wide appendRow', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.appendRow(new Array(30).fill('x'));
    expect(sheet.getMaxColumns()).toBe(30);
  });

  it('grows on insertRowsAfter', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange(1, 1, 2, 1).setValues([['a'], ['b']]);
    sheet.insertRowsAfter(1, 5);
    expect(sheet.getMaxRows()).toBe(1005);
    expect(sheet.getRange(7, 1).getValue()).toBe('b');
  });

  it('rejects inserts past the end', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    expect(messageOf(() => sheet.insertRowsAfter(1001, 1))).toBe('Exception: Those rows are out of bounds.');
    expect(messageOf(() => sheet.deleteRows(1000, 2))).toBe('Exception: Those rows are out of bounds.');
    expect(messageOf(() => sheet.insertColumnAfter(27))).toBe('Exception: Those columns are out of bounds.');
  });

  it('keeps one non-frozen row', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.setFrozenRows(1);
    expect(messageOf(() => sheet.deleteRows(2, 999))).toBe('Exception: Sorry, it is not possible to delete all non-frozen rows.');
  });

  it('enforces the cell limit', () => {
    const spreadsheet = new FakeSpreadsheet();
    const sheet = spreadsheet.getActiveSheet();
    sheet.insertRowsAfter(1000, 383_000);
    expect(messageOf(() => sheet.insertRowsAfter(1000, 1000))).toBe(
      'Exception: This action would increase the number of cells in the workbook above the limit of 10000000 cells.',
    );
    expect(messageOf(() => spreadsheet.insertSheet('More'))).toContain('above the limit of 10000000 cells');
  });

  it('limits cell text to 50000 characters', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange(1, 1).setValue('x'.repeat(50_000));
    expect(messageOf(() => sheet.getRange(1, 2).setValue('x'.repeat(50_001)))).toBe(
      'Exception: Your input contains more than the maximum of 50000 characters in a single cell.',
    );
    expect(messageOf(() => sheet.appendRow(['y'.repeat(50_001)]))).toContain('maximum of 50000 characters');
  });
});

describe('last row and column', () => {
  it('returns 0 on an empty sheet', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    expect(sheet.getLastRow()).toBe(0);
    expect(sheet.getLastColumn()).toBe(0);
  });

  it('follows content, not formatting', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:C1').setValues([['a', 'b', 'c']]);
    sheet.getRange('B5').setValue(7);
    sheet.getRange('A1:Z900').setBackground('#ff0000');
    expect(sheet.getLastRow()).toBe(5);
    expect(sheet.getLastColumn()).toBe(3);
    sheet.getRange('B5').clearContent();
    expect(sheet.getLastRow()).toBe(1);
  });

  it('bounds the data range', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('B2:C3').setValues([[1, 2], [3, 4]]);
    expect(sheet.getDataRange().getA1Notation()).toBe('A1:C3');
  });
});

describe('sheets', () => {
  it('rejects duplicate names', () => {
    const spreadsheet = new FakeSpreadsheet({ sheetNames: ['Usage'] });
    expect(messageOf(() => spreadsheet.insertSheet('Usage'))).toBe('Exception: A sheet with the name "Usage" already exists. Please enter another name.');
    expect(messageOf(() => spreadsheet.insertSheet('usage'))).toBe('Exception: A sheet with the name "usage" already exists. Please enter another name.');
  });

  it('inserts at an index and activates', () => {
    const spreadsheet = new FakeSpreadsheet({ sheetNames: ['A', 'B'] });
    const inserted = spreadsheet.insertSheet('Middle', 1);
    expect(spreadsheet.getSheets().map((sheet) => sheet.getName())).toEqual(['A', 'Middle', 'B']);
    expect(spreadsheet.getActiveSheet()).toBe(inserted);
    expect(inserted.getIndex()).toBe(2);
  });

  it('finds names ignoring case', () => {
    const spreadsheet = new FakeSpreadsheet({ sheetNames: ['Usage'] });
    expect(spreadsheet.getSheetByName('usage')?.getName()).toBe('Usage');
    expect(spreadsheet.getSheetByName('Missing')).toBeNull();
  });

  it('deletes and renames', () => {
    const spreadsheet = new FakeSpreadsheet({ sheetNames: ['A', 'B'] });
    spreadsheet.deleteSheet(spreadsheet.sheet('A'));
    spreadsheet.sheet('B').setName('C');
    expect(spreadsheet.getSheets().map((sheet) => sheet.getName())).toEqual(['C']);
    expect(messageOf(() => spreadsheet.deleteSheet(spreadsheet.sheet('C')))).toContain('all the visible sheets');
  });

  it('hides and shows', () => {
    const spreadsheet = new FakeSpreadsheet({ sheetNames: ['A', 'B'] });
    spreadsheet.sheet('B').hideSheet();
    expect(spreadsheet.sheet('B').isSheetHidden()).toBe(true);
    expect(messageOf(() => spreadsheet.sheet('A').hideSheet())).toContain("can't hide all the sheets");
    spreadsheet.sheet('B').showSheet();
    expect(spreadsheet.sheet('B').isSheetHidden()).toBe(false);
  });

  it('reports identity and zone', () => {
    const spreadsheet = new FakeSpreadsheet({ name: 'Usage', id: 'abc123', timeZone: 'America/New_York' });
    expect(spreadsheet.getName()).toBe('Usage');
    expect(spreadsheet.getId()).toBe('abc123');
    expect(spreadsheet.getUrl()).toBe('https://docs.google.com/spreadsheets/d/abc123/edit');
    expect(spreadsheet.getSpreadsheetTimeZone()).toBe('America/New_York');
    spreadsheet.setSpreadsheetTimeZone('Asia/Tokyo');
    expect(spreadsheet.getSpreadsheetTimeZone()).toBe('Asia/Tokyo');
    expect(messageOf(() => spreadsheet.setSpreadsheetTimeZone('Mars/Base'))).toBe('Exception: Invalid argument: Mars/Base');
  });

  it('records toasts', () => {
    const spreadsheet = new FakeSpreadsheet();
    spreadsheet.toast('Synced 3 pods', 'RunPod', 10);
    expect(spreadsheet.toasts).toEqual([{ message: 'Synced 3 pods', title: 'RunPod', timeoutSeconds: 10 }]);
  });

  it('reads A1 ranges from the spreadsheet', () => {
    const spreadsheet = new FakeSpreadsheet({ sheetNames: ['A', 'My tab'] });
    spreadsheet.sheet('My tab').getRange('B2').setValue('here');
    expect(spreadsheet.getRange("'My tab'!B2").getValue()).toBe('here');
  });
});

describe('A1 notation', () => {
  it.each<[string, [number, number, number, number]]>([
    ['B2', [2, 2, 1, 1]],
    ['A1:C3', [1, 1, 3, 3]],
    ['$A$1:$B$2', [1, 1, 2, 2]],
    ['C3:A1', [1, 1, 3, 3]],
    ['A:B', [1, 1, 1000, 2]],
    ['2:3', [2, 1, 2, 26]],
    ['A2:C', [2, 1, 999, 3]],
  ])('%s', (notation, [row, column, numRows, numColumns]) => {
    const range = new FakeSpreadsheet().getActiveSheet().getRange(notation);
    expect([range.getRow(), range.getColumn(), range.getNumRows(), range.getNumColumns()]).toEqual([row, column, numRows, numColumns]);
  });

  it('rejects nonsense', () => {
    expect(messageOf(() => new FakeSpreadsheet().getActiveSheet().getRange('hello world'))).toBe('Exception: Range not found');
  });

  it('prints notation', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.insertColumnsAfter(26, 2);
    expect(sheet.getRange(3, 2, 2, 26).getA1Notation()).toBe('B3:AA4');
    expect(sheet.getRange(7, 28).getA1Notation()).toBe('AB7');
  });

  it.each<[number, string]>([
    [1, 'A'],
    [26, 'Z'],
    [27, 'AA'],
    [702, 'ZZ'],
    [703, 'AAA'],
  ])('names column %i', (column, letters) => {
    expect(columnToLetters(column)).toBe(letters);
    expect(lettersToColumn(letters)).toBe(column);
  });
});

describe('rows and columns', () => {
  it('shifts data on insertColumnBefore', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:B1').setValues([['a', 'b']]);
    sheet.insertColumnBefore(2);
    expect(sheet.getRange('A1:C1').getValues()).toEqual([['a', '', 'b']]);
    expect(sheet.getMaxColumns()).toBe(27);
  });

  it('shifts data on deleteRow', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:A3').setValues([['a'], ['b'], ['c']]);
    sheet.deleteRow(2);
    expect(sheet.getRange('A1:A3').getValues()).toEqual([['a'], ['c'], ['']]);
    expect(sheet.getMaxRows()).toBe(999);
  });

  it('copies formatting into inserted rows', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:B1').setFontWeight('bold');
    sheet.insertRowAfter(1);
    expect(sheet.getRange('A2').getFontWeight()).toBe('bold');
  });

  it('deletes columns with their formats', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:C1').setValues([[1, 2, 3]]);
    sheet.getRange('C1').setNumberFormat('0.00');
    sheet.deleteColumn(2);
    expect(sheet.getRange('A1:B1').getValues()).toEqual([[1, 3]]);
    expect(sheet.getRange('B1').getNumberFormat()).toBe('0.00');
  });
});

describe('clearing and notes', () => {
  it('clears content but keeps formats', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1').setNumberFormat('0.00').setValue(5).setNote('kept');
    sheet.getRange('A1').clearContent();
    expect(sheet.getRange('A1').getValue()).toBe('');
    expect(sheet.getRange('A1').getNumberFormat()).toBe('0.00');
    expect(sheet.getRange('A1').getNote()).toBe('kept');
  });

  it('clears content and formats', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1').setNumberFormat('0.00').setValue(5);
    sheet.clear();
    expect(sheet.getRange('A1').getValue()).toBe('');
    expect(sheet.getRange('A1').getNumberFormat()).toBe('General');
  });

  it('sets notes by block', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:B1').setNotes([['first', null]]);
    expect(sheet.getRange('A1:B1').getNotes()).toEqual([['first', '']]);
  });

  it('checks the shape of number formats', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    expect(messageOf(() => sheet.getRange('A1:A2').setNumberFormats([['0']]))).toContain('The data has 1 but the range has 2');
  });
});

describe('Sheet.sort', () => {
  it('sorts below the frozen header', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:B6').setValues([
      ['pod', 'cost'],
      ['b', 3],
      ['a', ''],
      ['c', 'n/a'],
      ['d', 1],
      ['e', true],
    ]);
    sheet.setFrozenRows(1);
    sheet.sort(2);
    expect(sheet.getRange('A1:A6').getValues().flat()).toEqual(['pod', 'd', 'b', 'c', 'e', 'a']);
  });

  it('keeps blanks last when descending', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:A4').setValues([[2], [''], [10], ['x']]);
    sheet.getRange('B1:B4').setValues([['two'], ['blank'], ['ten'], ['text']]);
    sheet.sort(1, false);
    expect(sheet.getRange('B1:B4').getValues().flat()).toEqual(['text', 'ten', 'two', 'blank']);
  });

  it('sorts a range by several keys', () => {
    const sheet = new FakeSpreadsheet().getActiveSheet();
    sheet.getRange('A1:B4').setValues([['x', 2], ['y', 1], ['x', 1], ['Y', 0]]);
    sheet.getRange('A1:B4').sort([{ column: 1, ascending: true }, { column: 2, ascending: false }]);
    expect(sheet.getRange('A1:B4').getValues()).toEqual([['x', 2], ['x', 1], ['y', 1], ['Y', 0]]);
  });
});

describe('counters', () => {
  it('sorts calls into reads, writes and other', () => {
    const spreadsheet = new FakeSpreadsheet();
    const sheet = spreadsheet.getSheetByName('Sheet1')!;
    const range = sheet.getRange(1, 1, 2, 3);
    range.setValues([[1, 2, 3], [4, 5, 6]]);
    range.getValues();
    sheet.getLastRow();
    expect(spreadsheet.counters.other).toBe(2);
    expect(spreadsheet.counters.writes).toBe(1);
    expect(spreadsheet.counters.reads).toBe(2);
    expect(spreadsheet.counters.cellsWritten).toBe(6);
    expect(spreadsheet.counters.cellsRead).toBe(6);
    expect(spreadsheet.counters.byMethod['Range.setValues']).toBe(1);
  });

  it('skips uncounted calls', () => {
    const spreadsheet = new FakeSpreadsheet();
    spreadsheet.uncounted(() => spreadsheet.getActiveSheet().getRange(1, 1).setValue(undefined));
    expect(spreadsheet.counters.writes).toBe(0);
    expect(spreadsheet.counters.undefinedWrites).toBe(0);
  });

  it('tracks writes since flush', () => {
    const spreadsheet = new FakeSpreadsheet();
    spreadsheet.getActiveSheet().appendRow([1]);
    expect(spreadsheet.counters.writesSinceFlush).toBe(1);
    spreadsheet.recordFlush();
    expect(spreadsheet.counters.writesSinceFlush).toBe(0);
    expect(spreadsheet.counters.flushes).toBe(1);
  });
});

describe('protection', () => {
  it('records settings', () => {
    const spreadsheet = new FakeSpreadsheet();
    const protection = spreadsheet.getActiveSheet().protect().setDescription('Managed by script').setWarningOnly(true);
    expect(spreadsheet.protections).toHaveLength(1);
    expect(protection.isWarningOnly()).toBe(true);
    expect(protection.getDescription()).toBe('Managed by script');
    protection.remove();
    expect(spreadsheet.protections).toHaveLength(0);
  });
});

describe('seeding and scale', () => {
  it('loads rows without parsing', () => {
    const spreadsheet = new FakeSpreadsheet();
    spreadsheet.loadRows('Usage', [['pod', 'started'], ['=not a formula', new Date(0)]]);
    expect(spreadsheet.readAll('Usage')).toEqual([['pod', 'started'], ['=not a formula', new Date(0)]]);
    expect(spreadsheet.counters.writes).toBe(0);
  });

  it('reads and writes 100k rows quickly', () => {
    const spreadsheet = new FakeSpreadsheet();
    const rows = Array.from({ length: 100_000 }, (_, i) => Array.from({ length: 15 }, (_, j) => (j === 0 ? `pod-${i}` : i * 15 + j)));
    const started = Date.now();
    const sheet = spreadsheet.loadRows('Usage', rows);
    const values = sheet.getRange(1, 1, 100_000, 15).getValues();
    sheet.getRange(1, 1, 100_000, 15).setValues(values);
    expect(values[99_999]?.[14]).toBe(99_999 * 15 + 14);
    expect(sheet.getLastRow()).toBe(100_000);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

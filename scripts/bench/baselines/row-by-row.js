// Baseline: the refresh's changes written the way a first Apps Script version typically writes
// them. Each tab is read once, each new row is appended with appendRow, and each changed cell of
// an existing row is written with its own getRange(...).setValue(...).
//
// The benchmark runs this file in the bundle's sandbox, against the same fakes and data as the
// product, with `input.tabs` listing per tab the rows to append and the cells to set.
function writeRowByRow(input) {
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  for (var t = 0; t < input.tabs.length; t++) {
    var tab = input.tabs[t];
    var sheet = spreadsheet.getSheetByName(tab.name);
    sheet.getDataRange().getValues();
    for (var u = 0; u < tab.cells.length; u++) {
      var cell = tab.cells[u];
      sheet.getRange(cell.row, cell.column).setValue(cell.value);
    }
    for (var a = 0; a < tab.appends.length; a++) {
      sheet.appendRow(tab.appends[a]);
    }
  }
}

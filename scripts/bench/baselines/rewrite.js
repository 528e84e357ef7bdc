// Baseline: the team's earlier refresh, which cleared every tab and wrote it again whole on each
// run, from every pod's whole log. It fetches each log without `?since=`, then clears each tab and
// writes all its rows in one setValues.
//
// The benchmark runs this file in the bundle's sandbox, against the same fakes and data as the
// product, with `input.requests` (the pods' log requests) and `input.tabs` (each tab's rows after
// the refresh, header first, padded to one width).
function rewriteEveryTab(input) {
  UrlFetchApp.fetchAll(input.requests);
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  for (var t = 0; t < input.tabs.length; t++) {
    var tab = input.tabs[t];
    var sheet = spreadsheet.getSheetByName(tab.name);
    sheet.clearContents();
    var maxRows = sheet.getMaxRows();
    if (tab.rows.length > maxRows) {
      sheet.insertRowsAfter(maxRows, tab.rows.length - maxRows);
    }
    if (tab.rows.length > 0) {
      sheet.getRange(1, 1, tab.rows.length, tab.rows[0].length).setValues(tab.rows);
    }
  }
}

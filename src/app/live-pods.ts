/** The live pods sidebar, served from the latest snapshot in the Live Pods and Account tabs. */
import { readInstant, readNumber, readText } from '../sheet/cells';
import { cellOf } from '../sheet/row-access';
import { ACCOUNT, LIVE_PODS } from '../sheet/tabs';
import type { Table } from '../sheet/table';
import type { LivePodsView } from '../shared/rpc';

export function showLivePodsSidebar(): void {
  const html = HtmlService.createHtmlOutputFromFile('sidebar').setTitle('Live pods');
  SpreadsheetApp.getUi().showSidebar(html);
}

/** Reads the last snapshot without creating tabs; an empty view before the first refresh. */
export function livePodsView(): LivePodsView {
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  const podsSheet = spreadsheet.getSheetByName(LIVE_PODS.name);
  const view: LivePodsView = { pods: [], snapshotMs: null, account: null };
  if (podsSheet) {
    const table = asTable(podsSheet, LIVE_PODS.name);
    for (const row of table.rows) {
      const id = readText(cellOf(table, row, 'Pod ID'));
      if (id === '') continue;
      view.pods.push({
        id,
        name: readText(cellOf(table, row, 'Pod Name')),
        status: readText(cellOf(table, row, 'Status')),
        gpuType: readText(cellOf(table, row, 'GPU Type')),
        gpuCount: readNumber(cellOf(table, row, 'GPUs')),
        costPerHr: readNumber(cellOf(table, row, 'Cost/hr ($)')),
        uptimeHours: readNumber(cellOf(table, row, 'Uptime (hrs)')),
        gpuUtilPercent: readNumber(cellOf(table, row, 'GPU Util (%)')),
        controlPanel: readText(cellOf(table, row, 'Control Panel')),
      });
      view.snapshotMs = readInstant(cellOf(table, row, 'Snapshot At')) ?? view.snapshotMs;
    }
  }

  const accountSheet = spreadsheet.getSheetByName(ACCOUNT.name);
  if (accountSheet) {
    const table = asTable(accountSheet, ACCOUNT.name);
    const last = table.rows[table.rows.length - 1];
    if (last) {
      view.account = {
        balance: readNumber(cellOf(table, last, 'Balance ($)')),
        spendPerHr: readNumber(cellOf(table, last, 'Spend/hr ($)')),
        runwayHours: readNumber(cellOf(table, last, 'Runway (hrs)')),
      };
    }
  }
  return view;
}

/** Reads a tab whole without the header repairs that `readTable` makes before a write. */
function asTable(sheet: GoogleAppsScript.Spreadsheet.Sheet, name: string): Table {
  const values = sheet.getDataRange().getValues();
  const columnOf = new Map<string, number>();
  (values[0] ?? []).forEach((cell, column) => {
    const header = readText(cell);
    if (header !== '' && !columnOf.has(header)) columnOf.set(header, column);
  });
  return { spec: { name, columns: [] }, sheet, columnOf, rows: values.slice(1), maxRows: null };
}

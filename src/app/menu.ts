/** The "Usage" menu. `onOpen` runs as a simple trigger, so building the menu is all it may do. */

export const MENU_ITEMS: ReadonlyArray<{ caption: string; functionName: string } | null> = [
  { caption: 'Refresh now', functionName: 'refreshUsage' },
  { caption: 'Show live pods', functionName: 'showLivePods' },
  { caption: 'Settings…', functionName: 'showSettings' },
  null,
  { caption: 'Install hourly refresh', functionName: 'installHourlyRefresh' },
  { caption: 'Remove hourly refresh', functionName: 'removeHourlyRefresh' },
];

export function buildMenu(ui: GoogleAppsScript.Base.Ui): void {
  const menu = ui.createMenu('Usage');
  for (const item of MENU_ITEMS) {
    if (item) menu.addItem(item.caption, item.functionName);
    else menu.addSeparator();
  }
  menu.addToUi();
}

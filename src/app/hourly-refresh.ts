/** Installing and removing the hourly refresh from the menu. */
import { loadSettings, saveTriggerOwner } from '../platform/settings-store';
import { installHourlyTrigger, refreshTriggers, removeHourlyTriggers } from '../platform/triggers';

export function installHourlyRefreshFromMenu(): string {
  const ui = SpreadsheetApp.getUi();
  const settings = loadSettings();
  const email = Session.getActiveUser().getEmail();

  if (!settings.apiKey) {
    const message = 'The hourly refresh runs as you, with your RunPod API key, and you have none stored yet. Open Usage > Settings…, paste a read-only key, then install the hourly refresh again.';
    ui.alert('Hourly refresh', message, ui.ButtonSet.OK);
    return message;
  }
  if (settings.triggerOwner && email && settings.triggerOwner !== email) {
    const answer = ui.alert(
      'Hourly refresh',
      `${settings.triggerOwner} already has an hourly refresh installed. A second one would refresh twice an hour. Install yours anyway?`,
      ui.ButtonSet.YES_NO,
    );
    if (answer !== ui.Button.YES) return 'cancelled';
  }

  const result = installHourlyTrigger();
  saveTriggerOwner(email || settings.triggerOwner);
  const message = result === 'installed'
    ? 'The hourly refresh is installed. It runs as you, about once an hour (Google may shift it by up to 15 minutes).'
    : 'Your hourly refresh was already installed; there is exactly one.';
  ui.alert('Hourly refresh', message, ui.ButtonSet.OK);
  return message;
}

export function removeHourlyRefreshFromMenu(): string {
  const removed = removeHourlyTriggers();
  const settings = loadSettings();
  const email = Session.getActiveUser().getEmail();
  if (removed > 0 && (!settings.triggerOwner || settings.triggerOwner === email)) {
    saveTriggerOwner(null);
  }
  const message = removed > 0
    ? 'Your hourly refresh is removed. Usage > Refresh now still works.'
    : settings.triggerOwner && settings.triggerOwner !== email
      ? `You have no hourly refresh installed. The one running belongs to ${settings.triggerOwner}: only they can remove it.`
      : 'You have no hourly refresh installed.';
  SpreadsheetApp.getUi().alert('Hourly refresh', message, SpreadsheetApp.getUi().ButtonSet.OK);
  return message;
}

/**
 * After a menu refresh: when the person who installed the hourly refresh no longer has its
 * trigger (deleted in the editor, or removed after repeated failures), offers to install it again.
 */
export function offerTriggerRepair(): void {
  const settings = loadSettings();
  const email = Session.getActiveUser().getEmail();
  if (!settings.triggerOwner || !email || settings.triggerOwner !== email || refreshTriggers().length > 0) return;

  const ui = SpreadsheetApp.getUi();
  const answer = ui.alert('Hourly refresh', 'Your hourly refresh is no longer installed, so the sheet only updates when someone presses Refresh now. Install it again?', ui.ButtonSet.YES_NO);
  if (answer === ui.Button.YES) {
    installHourlyTrigger();
    ui.alert('Hourly refresh', 'The hourly refresh is installed again.', ui.ButtonSet.OK);
  }
}

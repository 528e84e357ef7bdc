/** Installing and removing the hourly refresh from the menu. */
import { loadSettings, setTriggerOwner } from '../platform/settings-store';
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
  const others = settings.triggerOwners.filter((owner) => owner !== email);
  if (others.length > 0 && email) {
    const answer = ui.alert(
      'Hourly refresh',
      `${others.join(' and ')} already ${others.length === 1 ? 'has' : 'have'} an hourly refresh installed. Another one would refresh more than once an hour. Install yours anyway?`,
      ui.ButtonSet.YES_NO,
    );
    if (answer !== ui.Button.YES) return 'cancelled';
  }

  const result = installHourlyTrigger();
  if (email) setTriggerOwner(email, true);
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
  if (email) setTriggerOwner(email, false);
  const others = settings.triggerOwners.filter((owner) => owner !== email);
  const message = removed > 0
    ? 'Your hourly refresh is removed. Usage > Refresh now still works.'
    : others.length > 0
      ? `You have no hourly refresh installed. The one running belongs to ${others.join(' and ')}: only they can remove it.`
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
  if (!email || !settings.triggerOwners.includes(email) || refreshTriggers().length > 0) return;

  const ui = SpreadsheetApp.getUi();
  const answer = ui.alert('Hourly refresh', 'Your hourly refresh is no longer installed, so the sheet only updates when someone presses Refresh now. Install it again?', ui.ButtonSet.YES_NO);
  if (answer === ui.Button.YES) {
    installHourlyTrigger();
    ui.alert('Hourly refresh', 'The hourly refresh is installed again.', ui.ButtonSet.OK);
  }
}

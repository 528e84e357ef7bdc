/** The Settings dialog: secrets are write-only, so the dialog learns only whether one is stored. */
import { checkSettingsForm } from '../core/settings';
import { loadSettings, saveSettings } from '../platform/settings-store';
import { refreshTriggers } from '../platform/triggers';
import type { SaveSettingsResult, SettingsFormPayload, SettingsView } from '../shared/rpc';
import { checkSidebarSettings, loadSidebarSettings, saveSidebarSettings } from './sidebar-settings';

export function showSettingsDialog(): void {
  const html = HtmlService.createHtmlOutputFromFile('settings').setWidth(460).setHeight(680);
  SpreadsheetApp.getUi().showModalDialog(html, 'Usage settings');
}

export function settingsView(): SettingsView {
  const settings = loadSettings();
  return {
    hasApiKey: !!settings.apiKey,
    hasPodToken: !!settings.podToken,
    port: settings.port,
    paths: settings.paths.join(', '),
    triggerOwner: settings.triggerOwners.length > 0 ? settings.triggerOwners.join(', ') : null,
    triggerInstalled: refreshTriggers().length > 0,
    userEmail: Session.getActiveUser().getEmail(),
    ...loadSidebarSettings(),
  };
}

/** Checks and stores the dialog's values; nothing is stored when any value is invalid. */
export function saveSettingsForm(form: SettingsFormPayload): SaveSettingsResult {
  const check = checkSettingsForm(form);
  const sidebar = checkSidebarSettings(form, loadSidebarSettings());
  if (!check.ok || !sidebar.ok) {
    return { ok: false, errors: [...(check.ok ? [] : check.errors), ...(sidebar.ok ? [] : sidebar.errors)] };
  }
  saveSettings(check.settings);
  saveSidebarSettings(sidebar.settings);
  return { ok: true, view: settingsView() };
}

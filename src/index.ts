/**
 * The functions Apps Script calls: the menu, the trigger handler and the dialog and sidebar's
 * server functions. The build appends a top-level declaration for each export, so Apps Script
 * can find them by name.
 */
import { installHourlyRefreshFromMenu, removeHourlyRefreshFromMenu } from './app/hourly-refresh';
import { livePodsView, showLivePodsSidebar, stopPodFromSidebar, updateLivePodsView } from './app/live-pods';
import { buildMenu } from './app/menu';
import { refreshUsage as runRefreshEntry, type RefreshReport } from './app/refresh-entry';
import { saveSettingsForm, settingsView, showSettingsDialog } from './app/settings-dialog';
import type { LivePodsView, SaveSettingsResult, SettingsFormPayload, SettingsView, StopPodResult } from './shared/rpc';

/** Simple trigger: builds the menu and nothing else, because it runs without authorization. */
export function onOpen(): void {
  buildMenu(SpreadsheetApp.getUi());
}

/** "Usage > Refresh now" and the hourly trigger. */
export function refreshUsage(event?: { triggerUid?: string }): RefreshReport {
  return runRefreshEntry(event);
}

export function showLivePods(): void {
  showLivePodsSidebar();
}

export function showSettings(): void {
  showSettingsDialog();
}

export function installHourlyRefresh(): string {
  return installHourlyRefreshFromMenu();
}

export function removeHourlyRefresh(): string {
  return removeHourlyRefreshFromMenu();
}

/** Sidebar: the last snapshot of the pods and the account. */
export function getLivePods(): LivePodsView {
  return livePodsView();
}

/** Settings dialog: what is stored, without the secrets themselves. */
export function getSettings(): SettingsView {
  return settingsView();
}

/** Settings dialog: checks and stores the form. */
export function saveSettings(form: SettingsFormPayload): SaveSettingsResult {
  return saveSettingsForm(form);
}

/** Sidebar: RunPod's pods and account now, in one GraphQL request; no pod logs, no tab writes. */
export function updateLivePods(): LivePodsView {
  return updateLivePodsView();
}

/** Sidebar: stops a pod through RunPod's API when Settings allows it. */
export function stopLivePod(podId: string): StopPodResult {
  return stopPodFromSidebar(podId);
}

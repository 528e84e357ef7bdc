/**
 * Where settings live. Secrets go to the user properties of the person who saves them, because
 * script properties are readable by every editor in the project settings; an installable trigger
 * runs as its owner, so it finds the owner's key. The port and paths are shared document properties.
 */
import { DEFAULT_PANEL_PATHS, DEFAULT_PANEL_PORT, parsePaths, type ValidSettings } from '../core/settings';

const API_KEY = 'runpod.apiKey';
const POD_TOKEN = 'pod.token';
const PANEL_PORT = 'panel.port';
const PANEL_PATHS = 'panel.paths';
const TRIGGER_OWNER = 'trigger.owner';
const ACCOUNT_ID = 'runpod.accountId';

export interface StoredSettings {
  apiKey: string | null;
  podToken: string | null;
  port: number;
  paths: string[];
  /** The email of the person whose hourly refresh is installed, when known. */
  triggerOwner: string | null;
}

export function loadSettings(): StoredSettings {
  const user = PropertiesService.getUserProperties();
  const document = PropertiesService.getDocumentProperties().getProperties();
  const port = Number(document[PANEL_PORT]);
  const paths = document[PANEL_PATHS] ? parsePaths(document[PANEL_PATHS]) : DEFAULT_PANEL_PATHS;
  return {
    apiKey: user.getProperty(API_KEY),
    podToken: user.getProperty(POD_TOKEN),
    port: Number.isInteger(port) && port > 0 ? port : DEFAULT_PANEL_PORT,
    paths: paths.length > 0 ? paths : DEFAULT_PANEL_PATHS,
    triggerOwner: document[TRIGGER_OWNER] ?? null,
  };
}

export function saveSettings(settings: ValidSettings): void {
  const user = PropertiesService.getUserProperties();
  if (settings.apiKey !== null) user.setProperty(API_KEY, settings.apiKey);
  if (settings.podToken === '') user.deleteProperty(POD_TOKEN);
  else if (settings.podToken !== null) user.setProperty(POD_TOKEN, settings.podToken);

  PropertiesService.getDocumentProperties().setProperties({
    [PANEL_PORT]: String(settings.port),
    [PANEL_PATHS]: settings.paths.join(', '),
  });
}

/** Returns the RunPod account this sheet tracks: the one of its first successful refresh. */
export function loadTrackedAccount(): string | null {
  return PropertiesService.getDocumentProperties().getProperty(ACCOUNT_ID);
}

export function saveTrackedAccount(accountId: string): void {
  PropertiesService.getDocumentProperties().setProperty(ACCOUNT_ID, accountId);
}

export function saveTriggerOwner(email: string | null): void {
  const document = PropertiesService.getDocumentProperties();
  if (email) document.setProperty(TRIGGER_OWNER, email);
  else document.deleteProperty(TRIGGER_OWNER);
}

/**
 * Where settings live. Secrets go to the user properties of the person who saves them, because
 * every editor can read script properties in the project settings. An installable trigger runs as
 * its owner, so it finds the owner's key. The port and paths are shared document properties.
 */
import { DEFAULT_PANEL_PATHS, DEFAULT_PANEL_PORT, parsePaths, type ValidSettings } from '../core/settings';

const API_KEY = 'runpod.apiKey';
const POD_TOKEN = 'pod.token';
const PANEL_PORT = 'panel.port';
const PANEL_PATHS = 'panel.paths';
/** Comma-separated emails of the people whose hourly refresh is installed. */
const TRIGGER_OWNERS = 'trigger.owners';
const ACCOUNT_ID = 'runpod.accountId';

export interface StoredSettings {
  apiKey: string | null;
  podToken: string | null;
  port: number;
  paths: string[];
  /** The emails of the people who installed an hourly refresh from this sheet's menu. */
  triggerOwners: string[];
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
    triggerOwners: (document[TRIGGER_OWNERS] ?? '').split(',').filter((email) => email !== ''),
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

/** Records that `email` has an hourly refresh installed, or, with `installed` false, no longer has. */
export function setTriggerOwner(email: string, installed: boolean): void {
  const document = PropertiesService.getDocumentProperties();
  const owners = (document.getProperty(TRIGGER_OWNERS) ?? '').split(',').filter((owner) => owner !== '' && owner !== email);
  if (installed) owners.push(email);
  if (owners.length > 0) document.setProperty(TRIGGER_OWNERS, owners.join(','));
  else document.deleteProperty(TRIGGER_OWNERS);
}

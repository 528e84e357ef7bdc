/** The settings a person enters in the Settings dialog, checked and normalised before they are stored. */

export const DEFAULT_PANEL_PORT = 7777;

/** The exporter's event log first, then the panel's own statistics, which every pod already serves. */
export const DEFAULT_PANEL_PATHS = ['/usage-log', '/api/user_stats'];

/** The values the dialog sends. Secrets are blank when the person leaves them unchanged. */
export interface SettingsForm {
  apiKey?: string;
  podToken?: string;
  clearPodToken?: boolean;
  port?: string | number;
  paths?: string;
}

export interface ValidSettings {
  /** Null means keep the stored key. */
  apiKey: string | null;
  /** Null means keep the stored token; an empty string removes it. */
  podToken: string | null;
  port: number;
  paths: string[];
}

export type SettingsCheck = { ok: true; settings: ValidSettings } | { ok: false; errors: string[] };

/** Checks the dialog's values and returns, for each invalid one, what to type instead. */
export function checkSettingsForm(form: SettingsForm): SettingsCheck {
  const errors: string[] = [];

  const apiKey = cleanSecret(form.apiKey);
  if (apiKey !== null && !HEADER_SAFE.test(apiKey)) {
    errors.push('The RunPod API key contains spaces or characters that are not plain ASCII. Copy the key again from RunPod\'s console: it is one word of letters, digits and symbols.');
  }
  const podToken = form.clearPodToken ? '' : cleanSecret(form.podToken);
  if (podToken && !HEADER_SAFE.test(podToken)) {
    errors.push('The pod token contains spaces or characters that are not plain ASCII. Use the exact value of USAGE_EXPORT_TOKEN on the pods.');
  }

  const portText = String(form.port ?? DEFAULT_PANEL_PORT).trim();
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    errors.push(`The control-panel port "${portText}" is not a port number. Enter a whole number from 1 to 65535, such as ${DEFAULT_PANEL_PORT}.`);
  }

  const paths = parsePaths(form.paths ?? DEFAULT_PANEL_PATHS.join(', '));
  if (paths.length === 0) {
    errors.push(`Enter at least one path to read on the control panel, such as ${DEFAULT_PANEL_PATHS.join(', ')}.`);
  }
  for (const path of paths) {
    if (!/^\/[A-Za-z0-9._~\-/]*$/.test(path)) {
      errors.push(`The path "${path}" has characters a URL path cannot hold here. Use letters, digits, "-", "_", "." and "/" only.`);
    }
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings: { apiKey, podToken, port, paths } };
}

/** Splits a comma- or line-separated list of paths, adding the leading slash a person may forget. */
export function parsePaths(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((path) => path.trim())
    .filter((path) => path !== '')
    .map((path) => (path.startsWith('/') ? path : `/${path}`));
}

/** Printable ASCII without spaces: what an HTTP Authorization header can carry. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Zero-width spaces and byte-order marks that copying from web pages and chat apps adds. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;

/** Quote pairs a pasted key may arrive in, typographic ones included. */
const QUOTE_PAIRS: [string, string][] = [['"', '"'], ["'", "'"], ['`', '`'], ['\u201c', '\u201d'], ['\u2018', '\u2019'], ['\u00ab', '\u00bb']];

/** Trims a pasted secret and removes invisible characters and quotes around it; blank means "unchanged". */
export function cleanSecret(value: string | undefined): string | null {
  if (value === undefined) return null;
  let secret = value.replace(INVISIBLE, '').trim();
  let pair = QUOTE_PAIRS.find(([open, close]) => secret.length >= 2 && secret.startsWith(open) && secret.endsWith(close));
  while (pair) {
    secret = secret.slice(1, -1).trim();
    pair = QUOTE_PAIRS.find(([open, close]) => secret.length >= 2 && secret.startsWith(open) && secret.endsWith(close));
  }
  return secret === '' ? null : secret;
}

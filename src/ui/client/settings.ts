/** The Settings dialog's script. Secrets are sent once and never shown back. */
import type { SettingsFormPayload, SettingsView } from '../../shared/rpc';
import { byId, callServer } from './server';

function render(view: SettingsView): void {
  byId<HTMLInputElement>('apiKey').value = '';
  byId<HTMLInputElement>('apiKey').placeholder = view.hasApiKey ? 'A key is stored. Leave blank to keep it.' : 'No key stored yet';
  byId<HTMLInputElement>('podToken').value = '';
  byId<HTMLInputElement>('podToken').placeholder = view.hasPodToken ? 'A token is stored. Leave blank to keep it.' : 'No token (pods without one)';
  byId<HTMLInputElement>('clearPodToken').checked = false;
  byId<HTMLInputElement>('port').value = String(view.port);
  byId<HTMLInputElement>('paths').value = view.paths;
  byId<HTMLInputElement>('idleAfterHours').value = String(view.idleAfterHours);
  byId<HTMLInputElement>('allowStopPods').checked = view.allowStopPods;
  byId('trigger').textContent = view.triggerInstalled
    ? 'Your hourly refresh is installed and uses the key stored here.'
    : view.triggerOwner
      ? `The hourly refresh runs as ${view.triggerOwner}, with their key.`
      : 'No hourly refresh is installed. Use Usage > Install hourly refresh after saving a key.';
}

function showMessages(messages: string[], kind: 'error' | 'ok'): void {
  const list = byId('messages');
  list.textContent = '';
  list.className = kind;
  for (const message of messages) {
    const item = document.createElement('li');
    item.textContent = message;
    list.appendChild(item);
  }
}

async function save(event: Event): Promise<void> {
  event.preventDefault();
  const payload: SettingsFormPayload = {
    apiKey: byId<HTMLInputElement>('apiKey').value,
    podToken: byId<HTMLInputElement>('podToken').value,
    clearPodToken: byId<HTMLInputElement>('clearPodToken').checked,
    port: byId<HTMLInputElement>('port').value,
    paths: byId<HTMLInputElement>('paths').value,
    idleAfterHours: byId<HTMLInputElement>('idleAfterHours').value,
    allowStopPods: byId<HTMLInputElement>('allowStopPods').checked,
  };
  const button = byId<HTMLButtonElement>('save');
  button.disabled = true;
  try {
    const result = await callServer('saveSettings', payload);
    if (result.ok) {
      render(result.view);
      showMessages(['Saved.'], 'ok');
    } else {
      showMessages(result.errors, 'error');
    }
  } catch (error) {
    showMessages([`Saving failed: ${error instanceof Error ? error.message : String(error)}`], 'error');
  } finally {
    button.disabled = false;
  }
}

byId<HTMLFormElement>('form').addEventListener('submit', (event) => void save(event));
byId('close').addEventListener('click', () => google.script.host.close());
callServer('getSettings')
  .then(render)
  .catch((error: Error) => showMessages([`Loading the settings failed: ${error.message}`], 'error'));

/** The live pods sidebar's script. Every value from RunPod or a pod is inserted as text. */
import type { LivePodsView } from '../../shared/rpc';
import { byId, callServer } from './server';

function money(value: number | null, digits = 2): string {
  return value === null ? '–' : `$${value.toFixed(digits)}`;
}

function cell(row: HTMLElement, text: string, className?: string): void {
  const element = document.createElement('div');
  element.textContent = text;
  if (className) element.className = className;
  row.appendChild(element);
}

function render(view: LivePodsView): void {
  const account = view.account;
  byId('account').textContent = account
    ? `Balance ${money(account.balance)} · spending ${money(account.spendPerHr, 3)}/hr · runway ${account.runwayHours === null ? '–' : `${account.runwayHours.toFixed(1)} h`}`
    : 'No account data yet: run Usage > Refresh now.';
  byId('taken').textContent = view.snapshotMs === null ? '' : `Snapshot taken ${new Date(view.snapshotMs).toLocaleString()}`;

  const list = byId('pods');
  list.textContent = '';
  const shown = view.pods.filter((pod) => pod.status === 'running' || pod.status === 'starting');
  if (shown.length === 0) {
    cell(list, 'No pods are running.', 'empty');
  }
  for (const pod of shown) {
    const card = document.createElement('div');
    card.className = 'pod';
    cell(card, pod.name || pod.id, 'name');
    cell(card, `${pod.status} · ${pod.gpuCount ?? '?'}× ${pod.gpuType || 'unknown GPU'} · ${money(pod.costPerHr, 3)}/hr`);
    cell(card, `Up ${pod.uptimeHours === null ? '–' : `${pod.uptimeHours.toFixed(1)} h`} · GPU ${pod.gpuUtilPercent === null ? '–' : `${pod.gpuUtilPercent}%`} · panel ${pod.controlPanel}`, 'detail');
    list.appendChild(card);
  }
}

function load(): void {
  byId('error').textContent = '';
  callServer<LivePodsView>('getLivePods')
    .then(render)
    .catch((error: Error) => (byId('error').textContent = `Loading the pods failed: ${error.message}`));
}

byId('reload').addEventListener('click', load);
load();

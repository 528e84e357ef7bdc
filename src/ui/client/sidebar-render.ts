/**
 * Builds the sidebar's pod cards. Every value from RunPod, a pod or the sheet goes into the page
 * through `textContent` or `dataset`, never as HTML, so a pod named `<img onerror=…>` is only text.
 */
import type { LivePodsView, LivePodView, StoppedPodView } from '../../shared/rpc';
import { duration, money, percent } from './format';

export interface CardActions {
  /** The pod whose stop is waiting for confirmation, or null. */
  confirmingPodId: string | null;
  /** True while a server call is in flight: the buttons are disabled. */
  busy: boolean;
  askToStop(podId: string): void;
  cancelStop(): void;
  stop(podId: string): void;
}

/** Short words for the Live Pods tab's "Control Panel" cell, which describes the last refresh. */
const CONTROL_PANEL_TEXT: Record<string, string> = {
  answered: 'panel answered',
  failed: 'panel did not answer',
  'not exposed': 'panel port not exposed',
  'not running': 'panel not asked yet',
};

export function renderPods(list: HTMLElement, heading: HTMLElement, view: LivePodsView, actions: CardActions): void {
  const idleCount = view.pods.filter((pod) => pod.idle).length;
  heading.textContent = `Running and starting (${view.pods.length})${idleCount > 0 ? ` · ${idleCount} idle` : ''}`;
  list.replaceChildren();
  if (view.pods.length === 0) {
    list.appendChild(line(view.source === 'none' ? 'No snapshot yet.' : 'No pods are running or starting.', 'empty'));
  }
  for (const pod of view.pods) {
    list.appendChild(podCard(pod, view, actions));
  }
}

export function renderStoppedPods(list: HTMLElement, heading: HTMLElement, pods: StoppedPodView[]): void {
  list.replaceChildren();
  heading.hidden = pods.length === 0;
  const known = pods.filter((pod) => pod.diskCostPerMonth !== null);
  const total = known.reduce((sum, pod) => sum + (pod.diskCostPerMonth ?? 0), 0);
  const cost = known.length === 0 ? '' : `: ${money(total)}/month${known.length < pods.length ? ' and disks of unknown size' : ''}`;
  heading.textContent = `Stopped, still paying for disk (${pods.length})${cost}`;
  for (const pod of pods) {
    const row = document.createElement('div');
    row.className = 'stopped';
    row.dataset.podId = pod.id;
    row.appendChild(line(pod.name, 'name'));
    const disk = pod.volumeGb === null ? 'volume size known after the next update' : `${pod.volumeGb} GB volume · ${money(pod.diskCostPerMonth)}/month`;
    row.appendChild(line(`${pod.status} · ${disk}`, 'detail'));
    list.appendChild(row);
  }
}

function podCard(pod: LivePodView, view: LivePodsView, actions: CardActions): HTMLElement {
  const card = document.createElement('div');
  card.className = pod.idle ? 'pod idle' : 'pod';
  card.dataset.podId = pod.id;

  const title = document.createElement('div');
  title.className = 'title';
  title.appendChild(line(pod.name || pod.id, 'name'));
  title.appendChild(line(pod.status, `badge status-${pod.status === 'running' ? 'running' : 'other'}`));
  card.appendChild(title);

  const gpus = `${pod.gpuCount ?? '?'} × ${pod.gpuType ?? 'unknown GPU'}`;
  const uptime = pod.uptimeSeconds === null ? 'not up yet' : `up ${duration(pod.uptimeSeconds * 1000)}`;
  card.appendChild(line(`${gpus} · ${money(pod.costPerHr, 3)}/hr · ${uptime}`, 'detail'));

  const usage = pod.gpuUtilPercent === null && pod.gpuMemoryPercent === null ? 'no GPU figures yet' : `GPU ${percent(pod.gpuUtilPercent)} · memory ${percent(pod.gpuMemoryPercent)}`;
  const panel = pod.controlPanel === null ? 'panel not asked yet' : (CONTROL_PANEL_TEXT[pod.controlPanel] ?? `panel ${pod.controlPanel}`);
  const usageLine = line(`${usage} · ${panel}`, 'detail');
  usageLine.title = 'GPU use from RunPod; whether the control panel responded at the last refresh of the sheet';
  card.appendChild(usageLine);
  card.appendChild(line(pod.users.length > 0 ? `On it now: ${pod.users.join(', ')}` : 'No open session', pod.users.length > 0 ? 'users' : 'detail muted'));

  if (pod.idle && pod.gpuIdleSinceMs !== null && view.takenMs !== null) {
    card.appendChild(line(`Idle: GPU at 0% at every refresh for ${duration(view.takenMs - pod.gpuIdleSinceMs)}, costing ${money(pod.costPerHr, 3)}/hr`, 'idle-flag'));
  }
  if (view.allowStopPods) {
    card.appendChild(stopControls(pod, actions));
  }
  return card;
}

function stopControls(pod: LivePodView, actions: CardActions): HTMLElement {
  const box = document.createElement('div');
  box.className = 'actions';
  if (actions.confirmingPodId !== pod.id) {
    box.appendChild(button('Stop pod…', 'stop', actions.busy, () => actions.askToStop(pod.id)));
    return box;
  }

  box.className = 'actions confirm';
  box.appendChild(line(`Stop ${pod.name || pod.id}? RunPod ends its container and GPU billing. The volume disk stays and is billed while the pod is stopped; people on it lose unsaved work.`, 'question'));
  box.appendChild(button('Stop pod', 'confirm-stop danger', actions.busy, () => actions.stop(pod.id)));
  box.appendChild(button('Cancel', 'cancel-stop', actions.busy, () => actions.cancelStop()));
  return box;
}

function button(text: string, className: string, disabled: boolean, onClick: () => void): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = className;
  element.textContent = text;
  element.disabled = disabled;
  element.addEventListener('click', onClick);
  return element;
}

function line(text: string, className: string): HTMLElement {
  const element = document.createElement('div');
  element.className = className;
  element.textContent = text;
  return element;
}

/**
 * The live pods sidebar's script. It paints the last snapshot at once, then updates from RunPod,
 * and again every LIVE_PODS_POLL_MS while the page is visible. At most one server call is in
 * flight, so an open sidebar stays far below Apps Script's 10 concurrent `google.script.run`
 * calls and spends about 12 UrlFetch calls an hour.
 */
import { LIVE_PODS_POLL_MS, type LivePodsView } from '../../shared/rpc';
import { ago, clockTime, money } from './format';
import { byId, callServer, messageOf } from './server';
import { renderPods, renderStoppedPods } from './sidebar-render';

/** How often the "taken … ago" line and the stale mark are recomputed, without a server call. */
const CLOCK_TICK_MS = 30_000;

const SOURCE_TEXT: Record<LivePodsView['source'], string> = {
  runpod: '',
  cache: ', from an earlier sidebar update',
  sheet: ', from the last refresh of the sheet',
  none: '',
};

let view: LivePodsView | null = null;
/** Local clock when `view` arrived, to age it by the server's clock. */
let viewReceivedAtMs = 0;
/** The message of the latest update that failed, cleared by the next one that succeeds. */
let updateError: string | null = null;
/** Local clock of the latest update or stop; the next poll is due one interval later. */
let lastUpdateAtMs: number | null = null;
let busy = false;
let confirmingPodId: string | null = null;
let pollTimer: ReturnType<typeof setTimeout> | undefined;

/** Runs one server call unless another is in flight, with the buttons disabled meanwhile. */
async function exclusive(activity: string, work: () => Promise<void>): Promise<void> {
  if (busy) return;
  busy = true;
  byId('activity').textContent = activity;
  render();
  try {
    await work();
  } finally {
    busy = false;
    byId('activity').textContent = '';
    render();
    schedulePoll();
  }
}

function loadSnapshot(): Promise<void> {
  return exclusive('Loading the last snapshot…', async () => {
    try {
      show(await callServer('getLivePods'));
    } catch (error) {
      showError(`Loading the last snapshot failed: ${messageOf(error)}`);
    }
  });
}

function update(): Promise<void> {
  return exclusive('Updating from RunPod…', async () => {
    lastUpdateAtMs = Date.now();
    try {
      show(await callServer('updateLivePods'));
      updateError = null;
    } catch (error) {
      updateError = messageOf(error);
    }
  });
}

function stop(podId: string): Promise<void> {
  const name = view?.pods.find((pod) => pod.id === podId)?.name ?? podId;
  confirmingPodId = null;
  return exclusive(`Stopping ${name}…`, async () => {
    lastUpdateAtMs = Date.now();
    try {
      const result = await callServer('stopLivePod', podId);
      byId('notice').textContent = `RunPod reports ${result.podName} as ${result.reportedStatus}.`;
      if (result.view) {
        show(result.view);
        updateError = null;
      } else {
        updateError = result.updateError;
      }
    } catch (error) {
      showError(`Stopping ${name} failed: ${messageOf(error)}`);
    }
  });
}

function show(next: LivePodsView): void {
  view = next;
  viewReceivedAtMs = Date.now();
  byId('error').textContent = '';
}

function showError(text: string): void {
  byId('error').textContent = text;
}

/** Returns the server's clock now, so ages stay right when the browser's clock is off. */
function serverNow(): number {
  return view ? view.serverNowMs + (Date.now() - viewReceivedAtMs) : Date.now();
}

function render(): void {
  byId<HTMLButtonElement>('refresh').disabled = busy;
  renderAccount();
  renderTaken();
  if (!view) return;
  renderPods(byId('pods'), byId('podsHeading'), view, {
    confirmingPodId,
    busy,
    askToStop: (podId) => {
      confirmingPodId = podId;
      byId('notice').textContent = '';
      render();
    },
    cancelStop: () => {
      confirmingPodId = null;
      render();
    },
    stop: (podId) => void stop(podId),
  });
  renderStoppedPods(byId('stopped'), byId('stoppedHeading'), view.stoppedPods);
}

function renderAccount(): void {
  const account = view?.account;
  if (!account) {
    byId('account').textContent = view ? 'No account figures yet.' : '';
    return;
  }
  const runway = account.runwayHours === null ? 'no runway figure' : `runway ${account.runwayHours.toFixed(1)} h`;
  const limit = account.spendLimit === null ? 'no spend limit' : `limit ${money(account.spendLimit)}/hr`;
  byId('account').textContent = `Balance ${money(account.balance)} · spending ${money(account.spendPerHr, 3)}/hr · ${runway} · ${limit}`;
}

/** Shows when the data was taken, and marks it stale with every reason that applies. */
function renderTaken(): void {
  const takenLine = byId('taken');
  const stale = byId('stale');
  if (!view) {
    takenLine.textContent = '';
    stale.hidden = true;
    return;
  }

  const now = serverNow();
  takenLine.textContent = view.takenMs === null
    ? 'No RunPod data yet.'
    : `RunPod data from ${clockTime(view.takenMs, now)} (${ago(now - view.takenMs)})${SOURCE_TEXT[view.source]}`;

  const reasons: string[] = [];
  if (updateError !== null) {
    reasons.push(`The last update from RunPod failed: ${updateError}`);
  } else if (view.lastFailure) {
    reasons.push(`The last update from RunPod, at ${clockTime(view.lastFailure.atMs, now)}, failed: ${view.lastFailure.message}`);
  }
  if (view.takenMs !== null && now - view.takenMs > 2 * LIVE_PODS_POLL_MS) {
    reasons.push(`The data is older than two update intervals of ${LIVE_PODS_POLL_MS / 60_000} minutes.`);
  }
  stale.hidden = reasons.length === 0;
  stale.replaceChildren();
  if (stale.hidden) return;
  const title = document.createElement('strong');
  title.textContent = view.takenMs === null ? 'No data. ' : 'Stale. ';
  stale.appendChild(title);
  stale.appendChild(document.createTextNode(reasons.join(' ')));
}

/** Schedules the next update one interval after the last; none while the page is hidden. */
function schedulePoll(): void {
  if (pollTimer !== undefined) clearTimeout(pollTimer);
  pollTimer = undefined;
  if (document.hidden) return;
  const dueInMs = lastUpdateAtMs === null ? 0 : lastUpdateAtMs + LIVE_PODS_POLL_MS - Date.now();
  pollTimer = setTimeout(() => {
    pollTimer = undefined;
    // A call in flight reschedules the poll when it ends.
    if (!busy && !document.hidden) void update();
  }, Math.max(0, dueInMs));
}

byId('refresh').addEventListener('click', () => void update());
document.addEventListener('visibilitychange', () => {
  schedulePoll();
  if (!document.hidden) renderTaken();
});
setInterval(renderTaken, CLOCK_TICK_MS);

// The first paint reads only the cache and the sheet; the poll scheduled after it updates from RunPod at once.
void loadSnapshot();

/**
 * The live pods sidebar as built into dist/, in headless Chromium, calling the bundle's real
 * server functions against the fakes and the simulated RunPod and pods.
 */
import { DEFAULT_NOW, startHarness, type Harness } from '../harness/harness';
import { podWithLog, scenarioWith } from '../harness/scenarios';
import { builtinScenario } from '../servers/builtin-scenario';
import { launchServers, type ServerHandle } from '../servers/launch';
import type { Scenario } from '../servers/scenario';
import { HtmlServicePage, SidebarBrowser } from './sidebar-browser';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let servers: ServerHandle;
let browser: SidebarBrowser;
let harness: Harness;
let sidebar: HtmlServicePage;

beforeAll(async () => {
  [servers, browser] = await Promise.all([launchServers(), SidebarBrowser.launch()]);
});

afterAll(async () => {
  await Promise.all([servers?.stop(), browser?.close()]);
});

beforeEach(() => {
  browser.blockedRequests.length = 0;
});

afterEach(async () => {
  const page = sidebar;
  if (!page) return;
  await page.page.close();
  expect(page.wireErrors).toEqual([]);
  expect(page.pageErrors).toEqual([]);
  expect(page.dialogs).toEqual([]);
  expect(page.maxInFlight).toBeLessThanOrEqual(1);
  expect(browser.blockedRequests).toEqual([]);
});

/** Returns the built-in scenario with disk sizes and the given changes per pod id. */
function builtinWith(changes: Record<string, Record<string, unknown>> = {}): Scenario {
  const scenario = builtinScenario();
  for (const pod of scenario.pods) {
    Object.assign(pod.graphql, { volumeInGb: 100, containerDiskInGb: 20 }, changes[pod.graphql.id] ?? {});
  }
  return scenario;
}

/** Starts a harness on `scenario`, opens the spreadsheet, saves the settings and runs one refresh. */
async function ready(scenario: Scenario = builtinWith(), settings: { allowStopPods?: boolean; idleAfterHours?: string } = {}, refresh = true): Promise<Harness> {
  harness = await startHarness({ servers, scenario });
  harness.open();
  const saved = harness.saveSettings({ apiKey: scenario.apiKey, ...settings });
  expect(saved.ok).toBe(true);
  if (refresh) expect(harness.refresh().status).toBe('done');
  return harness;
}

async function open(options: { hold?: string[] } = {}): Promise<HtmlServicePage> {
  sidebar = await HtmlServicePage.open(browser, harness, options);
  return sidebar;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the page has received `count` responses of `name` and has no call in flight. */
async function answered(name: string, count = 1): Promise<void> {
  await waitUntil(() => sidebar.callsTo(name).length >= count, `${count} responses of ${name}`);
  await sidebar.page.waitForFunction(() => document.getElementById('activity')?.textContent === '');
}

/** Waits for the first paint while the held update from RunPod is in flight. */
async function paintedWhileUpdating(): Promise<void> {
  await waitUntil(() => sidebar.callsTo('getLivePods').length === 1, 'the first paint');
  await sidebar.page.waitForFunction(() => document.getElementById('activity')?.textContent === 'Updating from RunPod…');
}

function text(selector: string): Promise<string> {
  return sidebar.page.locator(selector).innerText();
}

function card(podId: string): string {
  return `#pods .pod[data-pod-id="${podId}"]`;
}

async function podIds(selector = '#pods .pod'): Promise<string[]> {
  return sidebar.page.locator(selector).evaluateAll((elements) => elements.map((element) => (element as HTMLElement).dataset.podId ?? ''));
}

describe('live pods sidebar', () => {
  it('paints the last refresh, then updates from RunPod', async () => {
    await ready();
    await open({ hold: ['updateLivePods'] });
    await paintedWhileUpdating();

    expect(await podIds()).toEqual(['a1b2c3d4e5', 'f6g7h8i9j0', 'k1l2m3n4o5', 'p6q7r8s9t0']);
    expect(await text('#taken')).toMatch(/^RunPod data from .* \(just now\), from the last refresh of the sheet$/);
    expect(await text('#account')).toBe('Balance $412.37 · spending $3.517/hr · runway 117.3 h · limit $80.00/hr');
    expect(await text('#podsHeading')).toBe('Running and starting (4)');
    const comfy = await text(card('a1b2c3d4e5'));
    expect(comfy).toContain('comfy-a5000-team');
    expect(comfy).toContain('1 × RTX A5000 · $0.270/hr · up 3 d 23 h');
    expect(comfy).toContain('GPU 87% · memory 64% · panel answered');
    expect(comfy).toContain('On it now: bruno');
    expect(await text(card('p6q7r8s9t0'))).toContain('starting\n1 × H100 80GB HBM3 · $2.990/hr · not up yet\nno GPU figures yet · panel not asked yet');
    expect(await text('#stopped')).toContain('old-experiments\nexited · volume size known after the next update');
    expect(await text('#stoppedHeading')).toBe('Stopped, still paying for disk (1)');
    await sidebar.screenshot('sidebar-first-paint');

    sidebar.release('updateLivePods');
    await answered('updateLivePods');
    expect(await text('#taken')).toMatch(/^RunPod data from .* \(just now\)$/);
    expect(await text('#stopped')).toContain('exited · 100 GB volume · $20.00/month');
    expect(await text('#stoppedHeading')).toBe('Stopped, still paying for disk (1): $20.00/month');
    expect(await sidebar.page.locator('#stale').isHidden()).toBe(true);
    await sidebar.screenshot('sidebar-updated');
  });

  it('paints the cached snapshot of an earlier sidebar', async () => {
    await ready();
    await open();
    await answered('updateLivePods');
    await sidebar.page.close();

    harness.env.clock.advance(2 * MINUTE);
    await servers.updatePod('a1b2c3d4e5', { name: 'renamed-after-the-cache' });
    await open({ hold: ['updateLivePods'] });
    await paintedWhileUpdating();
    expect(await text('#taken')).toMatch(/\(2 min ago\), from an earlier sidebar update$/);
    expect(await text(card('a1b2c3d4e5'))).toContain('comfy-a5000-team');
    expect(await text('#stopped')).toContain('100 GB volume');

    sidebar.release('updateLivePods');
    await answered('updateLivePods');
    expect(await text(card('a1b2c3d4e5'))).toContain('renamed-after-the-cache');
  });

  it('refreshes from RunPod alone on Refresh', async () => {
    await ready();
    await open();
    await answered('updateLivePods');
    await servers.updatePod('k1l2m3n4o5', { runtime: { uptimeInSeconds: 1_210_000, gpus: [{ id: 'GPU-9', gpuUtilPercent: 99, memoryUtilPercent: 71 }] } });
    await servers.clearRequests();
    const writesBefore = harness.env.spreadsheet.counters.writes;
    const sessionsBefore = harness.tab('Sessions');

    sidebar.hold('updateLivePods');
    await sidebar.page.click('#refresh');
    await waitUntil(() => sidebar.maxInFlight === 1, 'the refresh call');
    expect(await sidebar.page.locator('#refresh').isDisabled()).toBe(true);
    sidebar.release('updateLivePods');
    await answered('updateLivePods', 2);

    expect(await text(card('k1l2m3n4o5'))).toContain('GPU 99% · memory 71%');
    const requests = await servers.requests();
    expect(requests.map((request) => `${request.method} ${request.host}${request.url}`)).toEqual(['POST api.runpod.io/graphql']);
    expect(requests[0]?.body).toContain('UsageSheetSnapshot');
    expect(requests[0]?.headers['authorization']).toBe(`Bearer ${harness.apiKey}`);
    expect(harness.env.spreadsheet.counters.writes).toBe(writesBefore);
    expect(harness.tab('Sessions')).toEqual(sessionsBefore);
  });

  it('shows a server error and marks the data stale', async () => {
    await ready();
    await open();
    await answered('updateLivePods');
    await servers.addFault({ host: 'api.runpod.io', path: '/graphql', status: 502, body: '<html><body><h1>502 Bad gateway</h1></body></html>' });

    await sidebar.advanceClocks(1 * MINUTE);
    await sidebar.page.click('#refresh');
    await answered('updateLivePods', 2);
    const stale = await text('#stale');
    expect(stale).toBe("Stale. The last update from RunPod failed: RunPod's API is failing (HTTP 502). The next refresh tries again.");
    expect(await podIds()).toHaveLength(4);
    await sidebar.screenshot('sidebar-error');

    // A sidebar opened now learns of the failure from the cache before its own update fails too.
    await sidebar.page.close();
    await open({ hold: ['updateLivePods'] });
    await paintedWhileUpdating();
    expect(await text('#stale')).toMatch(/^Stale\. The last update from RunPod, at .*, failed: RunPod's API is failing \(HTTP 502\)/);
    await servers.clearFaults();
    sidebar.release('updateLivePods');
    await answered('updateLivePods');
    expect(await sidebar.page.locator('#stale').isHidden()).toBe(true);
  });

  it('tells a person without a key what to do', async () => {
    await ready();
    harness.env.setActiveUser('no-key@example.com');
    await open();
    await answered('updateLivePods');
    expect(await podIds()).toHaveLength(4);
    expect(await text('#stale')).toContain('The last update from RunPod failed: No RunPod API key is stored for you.');
  });

  it('polls every five minutes, only while visible', async () => {
    await ready();
    await open();
    await answered('updateLivePods');

    await sidebar.advanceClocks(4 * MINUTE);
    expect(sidebar.callsTo('updateLivePods')).toHaveLength(1);
    await sidebar.advanceClocks(1 * MINUTE);
    await answered('updateLivePods', 2);

    await sidebar.setHidden(true);
    await sidebar.advanceClocks(20 * MINUTE);
    expect(sidebar.callsTo('updateLivePods')).toHaveLength(2);
    expect(await text('#stale')).toBe('Stale. The data is older than two update intervals of 5 minutes.');

    await sidebar.setHidden(false);
    await answered('updateLivePods', 3);
    expect(await sidebar.page.locator('#stale').isHidden()).toBe(true);
    expect(sidebar.calls.map((call) => call.name)).toEqual(['getLivePods', 'updateLivePods', 'updateLivePods', 'updateLivePods']);
  });

  it('shows a hostile pod name as text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const now = DEFAULT_NOW / 1000;
    const pod = podWithLog('evil0pod1', [{ user: '<b onmouseover=alert(2)>mallory</b>', action: 'start', timestamp: now - 600, datetime: 'x', gpu: 'x' }], {
      name: hostile,
      machine: { gpuDisplayName: '<script>alert(3)</script>', location: 'EU' },
    });
    await ready(scenarioWith([pod]));
    await open();
    await answered('updateLivePods');

    expect(await text(`${card('evil0pod1')} .name`)).toBe(hostile);
    expect(await text(card('evil0pod1'))).toContain('1 × <script>alert(3)</script>');
    expect(await text(card('evil0pod1'))).toContain('On it now: <b onmouseover=alert(2)>mallory</b>');
    expect(await sidebar.page.locator('body img, body b').count()).toBe(0);
    expect(await sidebar.page.locator('script').count()).toBe(1);
    expect(browser.servedPaths.filter((path) => path !== '/sidebar.html')).toEqual([]);
    await sidebar.screenshot('sidebar-hostile-name');
  });

  it('flags a pod idle after the set time', async () => {
    await ready(builtinWith({
      f6g7h8i9j0: { runtime: { uptimeInSeconds: 3 * 3600, gpus: [{ id: 'GPU-a', gpuUtilPercent: 0, memoryUtilPercent: 0 }] } },
      k1l2m3n4o5: { runtime: { uptimeInSeconds: 3 * 3600, gpus: [{ id: 'GPU-b', gpuUtilPercent: 0, memoryUtilPercent: 2 }] } },
    }), { idleAfterHours: '2', allowStopPods: true });

    // Two hours later both GPUs still show 0%, but k1l2m3n4o5 restarted 20 minutes ago.
    harness.env.clock.advance(2 * HOUR);
    await servers.updatePod('f6g7h8i9j0', { runtime: { uptimeInSeconds: 5 * 3600, gpus: [{ id: 'GPU-a', gpuUtilPercent: 0, memoryUtilPercent: 0 }] } });
    await servers.updatePod('k1l2m3n4o5', { runtime: { uptimeInSeconds: 20 * 60, gpus: [{ id: 'GPU-b', gpuUtilPercent: 0, memoryUtilPercent: 2 }] } });
    await open();
    await answered('updateLivePods');

    expect(await sidebar.page.locator('#pods .pod.idle').evaluateAll((cards) => cards.map((element) => (element as HTMLElement).dataset.podId))).toEqual(['f6g7h8i9j0']);
    expect(await text(`${card('f6g7h8i9j0')} .idle-flag`)).toBe('Idle: GPU at 0% at every refresh for 2.0 h, costing $1.390/hr');
    expect(await text('#podsHeading')).toBe('Running and starting (4) · 1 idle');
    await sidebar.screenshot('sidebar-idle');

    // Any use of the GPU ends the idle time; a later 0% starts it again.
    await servers.updatePod('f6g7h8i9j0', { runtime: { uptimeInSeconds: 5 * 3600 + 300, gpus: [{ id: 'GPU-a', gpuUtilPercent: 35, memoryUtilPercent: 20 }] } });
    await sidebar.advanceClocks(5 * MINUTE);
    await answered('updateLivePods', 2);
    await servers.updatePod('f6g7h8i9j0', { runtime: { uptimeInSeconds: 5 * 3600 + 600, gpus: [{ id: 'GPU-a', gpuUtilPercent: 0, memoryUtilPercent: 0 }] } });
    await sidebar.advanceClocks(5 * MINUTE);
    await answered('updateLivePods', 3);
    expect(await sidebar.page.locator('#pods .pod.idle').count()).toBe(0);
  });

  it('fits one pod and forty pods in 300 pixels', async () => {
    await ready(scenarioWith([podWithLog('solo1', [], { name: 'solo-pod' })]));
    await open();
    await answered('updateLivePods');
    expect(await podIds()).toEqual(['solo1']);
    expect(await sidebar.horizontalOverflow()).toBe(0);
    await sidebar.screenshot('sidebar-one-pod');
    await sidebar.page.close();

    const names = (index: number) => (index % 3 === 0 ? `pod${'x'.repeat(70)}${index}` : `stable-diffusion-xl-finetune-with-a-long-descriptive-name-${index}`);
    const pods = Array.from({ length: 40 }, (_, index) =>
      podWithLog(`many${index}`, [], { name: names(index), gpuCount: 8, machine: { gpuDisplayName: 'NVIDIA H100 80GB HBM3 SXM5 with a long display name', location: 'EU' } }),
    );
    await ready(scenarioWith(pods), { allowStopPods: true });
    await open();
    await answered('updateLivePods');
    expect(await podIds()).toHaveLength(40);
    expect(await sidebar.horizontalOverflow()).toBe(0);
    await sidebar.screenshot('sidebar-forty-pods');
    await sidebar.screenshot('sidebar-forty-pods-top', { fullPage: false });
  });

  it('stops a pod only after confirmation', async () => {
    await ready(builtinWith(), { allowStopPods: true });
    await open();
    await answered('updateLivePods');
    await servers.clearRequests();
    const a100 = card('f6g7h8i9j0');

    await sidebar.page.click(`${a100} button.stop`);
    expect(await text(`${a100} .question`)).toBe('Stop a100-training? RunPod ends its container and GPU billing. The volume disk stays and is billed while the pod is stopped; people on it lose unsaved work.');
    await sidebar.screenshot('sidebar-stop-confirmation');
    await sidebar.page.click(`${a100} button.cancel-stop`);
    expect(await sidebar.page.locator(`${a100} .question`).count()).toBe(0);
    expect(sidebar.callsTo('stopLivePod')).toHaveLength(0);

    await sidebar.page.click(`${a100} button.stop`);
    await sidebar.page.click(`${a100} button.confirm-stop`);
    await answered('stopLivePod');

    expect(await text('#notice')).toBe('RunPod reports a100-training as exited.');
    expect(await podIds()).not.toContain('f6g7h8i9j0');
    expect(await text('#stopped')).toContain('a100-training\nexited · 100 GB volume · $20.00/month');
    const requests = await servers.requests();
    expect(requests.map((request) => JSON.parse(request.body).query.split('(')[0])).toEqual(['mutation UsageSheetStopPod', 'query UsageSheetSnapshot {\n  myself {\n    id\n    clientBalance\n    currentSpendPerHr\n    spendLimit\n    pods {\n      id\n      name\n      desiredStatus\n      costPerHr\n      adjustedCostPerHr\n      gpuCount\n      volumeInGb\n      containerDiskInGb\n      ports\n      machine { gpuDisplayName location }\n      runtime {\n        uptimeInSeconds\n        gpus { id gpuUtilPercent memoryUtilPercent }\n      }\n    }\n  }\n}']);
    expect(JSON.parse(requests[0]?.body ?? '{}').variables).toEqual({ podId: 'f6g7h8i9j0' });
    expect(requests[0]?.headers['authorization']).toBe(`Bearer ${harness.apiKey}`);
    const stopped = (await servers.getScenario()).pods.find((pod) => pod.graphql.id === 'f6g7h8i9j0');
    expect(stopped?.graphql.desiredStatus).toBe('EXITED');
  });

  it('shows the status RunPod reports after a stop', async () => {
    await ready(builtinWith(), { allowStopPods: true });
    await open();
    await answered('updateLivePods');
    // RunPod responds to the stop with the pod still RUNNING, and the sidebar shows that status, not an assumed one.
    await servers.addFault({ host: 'api.runpod.io', path: '/graphql', status: 200, contentType: 'application/json', times: 1, body: JSON.stringify({ data: { podStop: { id: 'f6g7h8i9j0', name: 'a100-training', desiredStatus: 'RUNNING' } } }) });

    await sidebar.page.click(`${card('k1l2m3n4o5')} button.stop`);
    await sidebar.page.click(`${card('k1l2m3n4o5')} button.confirm-stop`);
    await answered('stopLivePod');
    expect(await text('#notice')).toBe('RunPod reports a100-training as running.');
    expect(await podIds()).toContain('k1l2m3n4o5');
  });

  it('shows why RunPod refused a stop', async () => {
    await ready(builtinWith(), { allowStopPods: true });
    await open();
    await answered('updateLivePods');
    await servers.addFault({ host: 'api.runpod.io', path: '/graphql', status: 200, contentType: 'application/json', times: 1, body: JSON.stringify({ data: { podStop: null }, errors: [{ message: 'Permission denied' }] }) });

    await sidebar.page.click(`${card('a1b2c3d4e5')} button.stop`);
    await sidebar.page.click(`${card('a1b2c3d4e5')} button.confirm-stop`);
    await answered('stopLivePod');
    expect(await text('#error')).toBe('Stopping comfy-a5000-team failed: RunPod did not stop comfy-a5000-team: Permission denied. A read-only API key cannot stop pods: stopping needs a key with write access.');
    expect(await podIds()).toContain('a1b2c3d4e5');
  });

  it('offers no stop unless Settings allows it', async () => {
    await ready();
    await open();
    await answered('updateLivePods');
    expect(await sidebar.page.locator('button.stop').count()).toBe(0);
    expect(() => harness.bundle.call('stopLivePod', 'a1b2c3d4e5')).toThrow('Stopping pods from the sidebar is turned off.');
    expect((await servers.requests()).filter((request) => request.body.includes('podStop'))).toEqual([]);
  });
});

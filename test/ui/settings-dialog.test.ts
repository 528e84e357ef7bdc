/** The Settings dialog's sidebar fields, in headless Chromium, and the server-function contract. */
import type * as entryPoints from '../../src/index';
import type { ServerFunctions } from '../../src/shared/rpc';
import { startHarness, type Harness } from '../harness/harness';
import { launchServers, type ServerHandle } from '../servers/launch';
import { HtmlServicePage, SidebarBrowser } from './sidebar-browser';

/** Fails to type-check when src/index.ts exports a server function with another signature. */
const contract: Pick<ServerFunctions, keyof ServerFunctions> = null as unknown as Pick<typeof entryPoints, keyof ServerFunctions>;
void contract;

/** Every server function the pages call; the Record type makes the list complete. */
const SERVER_FUNCTIONS: Record<keyof ServerFunctions, true> = { getSettings: true, saveSettings: true, getLivePods: true, updateLivePods: true, stopLivePod: true };

let servers: ServerHandle;
let browser: SidebarBrowser;
let harness: Harness;
let dialog: HtmlServicePage | undefined;

beforeAll(async () => {
  [servers, browser] = await Promise.all([launchServers(), SidebarBrowser.launch()]);
});

afterAll(async () => {
  await Promise.all([servers?.stop(), browser?.close()]);
});

beforeEach(async () => {
  harness = await startHarness({ servers });
  harness.open();
});

afterEach(async () => {
  if (!dialog) return;
  await dialog.page.close();
  expect(dialog.wireErrors).toEqual([]);
  expect(dialog.pageErrors).toEqual([]);
  expect(browser.blockedRequests).toEqual([]);
  dialog = undefined;
});

async function answered(name: string, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((dialog?.callsTo(name).length ?? 0) < count) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${count} responses of ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('server functions', () => {
  it('are top-level functions of the bundle', () => {
    expect(harness.bundle.functions).toEqual(expect.arrayContaining(Object.keys(SERVER_FUNCTIONS)));
  });
});

describe('Settings dialog sidebar fields', () => {
  it('shows the defaults', async () => {
    dialog = await HtmlServicePage.open(browser, harness, { file: 'settings.html' });
    await answered('getSettings', 1);
    await dialog.page.waitForFunction(() => (document.getElementById('idleAfterHours') as HTMLInputElement).value !== '');
    expect(await dialog.page.inputValue('#idleAfterHours')).toBe('2');
    expect(await dialog.page.isChecked('#allowStopPods')).toBe(false);
  });

  it('stores both as document properties', async () => {
    harness.saveSettings();
    dialog = await HtmlServicePage.open(browser, harness, { file: 'settings.html' });
    await answered('getSettings', 1);
    await dialog.page.fill('#idleAfterHours', '1.5');
    await dialog.page.check('#allowStopPods');
    await dialog.page.click('#save');
    await answered('saveSettings', 1);
    await dialog.page.waitForSelector('#messages.ok');
    await dialog.screenshot('settings-dialog');

    expect(harness.env.properties.document.toObject()).toMatchObject({ 'sidebar.allowStopPods': 'true', 'sidebar.idleAfterHours': '1.5' });
    const view = harness.bundle.call('getLivePods') as { allowStopPods: boolean; idleAfterHours: number };
    expect(view).toMatchObject({ allowStopPods: true, idleAfterHours: 1.5 });
  });

  it('rejects an idle time that is not hours', async () => {
    harness.saveSettings();
    dialog = await HtmlServicePage.open(browser, harness, { file: 'settings.html' });
    await answered('getSettings', 1);
    await dialog.page.fill('#idleAfterHours', 'soon');
    await dialog.page.check('#allowStopPods');
    await dialog.page.click('#save');
    await answered('saveSettings', 1);
    await dialog.page.waitForSelector('#messages.error');

    expect(await dialog.page.innerText('#messages')).toBe('The idle time "soon" is not a number of hours. Enter a number above 0 and at most 168, such as 2 or 1.5.');
    expect(harness.env.properties.document.toObject()['sidebar.allowStopPods']).toBe('false');
  });
});

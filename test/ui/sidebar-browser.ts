/**
 * Runs the built sidebar and dialog (`dist/*.html`) in headless Chromium with a
 * `google.script.run` stand-in whose calls reach the real server functions of the bundle in a
 * harness. The pages are served on 127.0.0.1, and every other request is aborted and recorded.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { DIST, ROOT, type Harness } from '../harness/harness';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Google Sheets shows sidebars 300 px wide. */
export const SIDEBAR_WIDTH = 300;
export const SCREENSHOT_DIR = join(ROOT, 'test-output');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The built pages the loopback server serves. */
const SERVED_FILES = new Set(['/sidebar.html', '/settings.html']);

/** A Chromium with a fresh profile and the loopback server that serves the built pages. */
export class SidebarBrowser {
  private constructor(
    readonly context: BrowserContext,
    private readonly server: Server,
    readonly origin: string,
    private readonly profileDir: string,
    /** Requests the pages made to anything but `origin`: all aborted. */
    readonly blockedRequests: string[],
    /** Paths the loopback server was asked for, in order. */
    readonly servedPaths: string[],
  ) {}

  static async launch(): Promise<SidebarBrowser> {
    const servedPaths: string[] = [];
    const server = createServer((request, response) => {
      const path = request.url ?? '';
      servedPaths.push(path);
      if (request.method === 'GET' && SERVED_FILES.has(path)) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(readFileSync(join(DIST, path.slice(1))));
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const profileDir = mkdtempSync(join(tmpdir(), 'sidebar-chromium-'));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: SIDEBAR_WIDTH, height: 720 },
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
    });
    const blockedRequests: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      blockedRequests.push(url);
      return route.abort('blockedbyclient');
    });
    return new SidebarBrowser(context, server, origin, profileDir, blockedRequests, servedPaths);
  }

  async close(): Promise<void> {
    await this.context.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}

interface Deferred {
  promise: Promise<void>;
  release(): void;
}

/** One call the page made through `google.script.run`. */
export interface ServerCall {
  name: string;
  args: unknown[];
  /** The JSON the page received, or the error message its failure handler got. */
  outcome: { ok: true; json: string } | { ok: false; message: string };
}

export interface OpenOptions {
  /** The built page to open; `sidebar.html` when absent. */
  file?: string;
  /** Server functions whose calls wait, from the first one, until `release(name)`. */
  hold?: string[];
}

/** A built page (the sidebar or the Settings dialog) open in one tab, over one harness. */
export class HtmlServicePage {
  readonly calls: ServerCall[] = [];
  /** Values the server returned that `google.script.run` cannot carry, such as a Date. */
  readonly wireErrors: string[] = [];
  /** Dialogs the page opened (alert, confirm), which a script injected through a pod name would open. */
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  private readonly holds = new Map<string, Deferred>();

  private constructor(
    readonly page: Page,
    private readonly harness: Harness,
  ) {}

  /**
   * Opens the sidebar with the browser's clock set to the harness's fake clock, so both agree on
   * "now"; tests move them together with `advanceClocks`.
   */
  static async open(browser: SidebarBrowser, harness: Harness, options: OpenOptions = {}): Promise<HtmlServicePage> {
    const page = await browser.context.newPage();
    const sidebar = new HtmlServicePage(page, harness);
    for (const name of options.hold ?? []) sidebar.hold(name);
    page.on('dialog', (dialog) => {
      sidebar.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => sidebar.pageErrors.push(error.message));

    await page.clock.install({ time: harness.env.clock.now() });
    await page.exposeFunction('__runServerFunction', (name: string, argsJson: string) => sidebar.runServerFunction(name, argsJson));
    await page.addInitScript(googleScriptRunShim, harness.bundle.functions);
    await page.goto(`${browser.origin}/${options.file ?? 'sidebar.html'}`);
    return sidebar;
  }

  /** Makes calls to `name` wait until `release(name)`. */
  hold(name: string): void {
    let release = (): void => undefined;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.holds.set(name, { promise, release });
  }

  /** Lets the held calls to `name` run, and the later ones too. */
  release(name: string): void {
    this.holds.get(name)?.release();
    this.holds.delete(name);
  }

  callsTo(name: string): ServerCall[] {
    return this.calls.filter((call) => call.name === name);
  }

  /** Moves the browser's clock and the harness's clock forward together, firing due timers in the page. */
  async advanceClocks(ms: number): Promise<void> {
    this.harness.env.clock.advance(ms);
    await this.page.clock.fastForward(ms);
  }

  /** Plays the page being hidden (another tab, a minimised window) or shown again. */
  async setHidden(hidden: boolean): Promise<void> {
    await this.page.evaluate((value) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  }

  /** Saves a screenshot, of the whole page unless `fullPage` is false, as test-output/<name>.png. */
  async screenshot(name: string, options: { fullPage?: boolean } = {}): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path, fullPage: options.fullPage ?? true });
    return path;
  }

  /** Returns how far the page reaches past the sidebar's width, in pixels (0 when nothing overflows). */
  async horizontalOverflow(): Promise<number> {
    return this.page.evaluate(() => {
      let right = document.documentElement.scrollWidth;
      for (const element of Array.from(document.body.querySelectorAll('*'))) {
        right = Math.max(right, Math.ceil(element.getBoundingClientRect().right));
      }
      return right - document.documentElement.clientWidth;
    });
  }

  private async runServerFunction(name: string, argsJson: string): Promise<string> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.holds.get(name)?.promise;
      const args = JSON.parse(argsJson) as unknown[];
      const outcome = this.callBundle(name, args);
      this.calls.push({ name, args, outcome });
      return JSON.stringify(outcome);
    } finally {
      this.inFlight--;
    }
  }

  /** Calls the server function as a sidebar's `google.script.run` does: one execution, menu context. */
  private callBundle(name: string, args: unknown[]): ServerCall['outcome'] {
    let value: unknown;
    try {
      this.harness.env.setExecutionContext('menu');
      value = this.harness.bundle.call(name, ...args);
    } catch (error) {
      // The bundle's errors come from the vm's realm, where `instanceof Error` of this realm fails.
      const message = (error as { message?: unknown } | null)?.message;
      return { ok: false, message: typeof message === 'string' ? message : String(error) };
    }
    const problem = wireProblem(value, name);
    if (problem) {
      this.wireErrors.push(problem);
      return { ok: false, message: problem };
    }
    return { ok: true, json: JSON.stringify(value ?? null) };
  }
}

/**
 * Returns why `google.script.run` could not carry a return value, or null when it can. Google's
 * reference for `google.script.run` allows primitives, plain objects and arrays, and not Date or
 * Function. Non-finite numbers are rejected too, as JSON has no form for them.
 */
export function wireProblem(value: unknown, path: string): string | null {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} is ${value}, which JSON cannot carry`;
  if (typeof value !== 'object') return `${path} is a ${typeof value}, which google.script.run cannot return`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined) return `${path}[${i}] is undefined`;
      const problem = wireProblem(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  const tag = Object.prototype.toString.call(value);
  if (tag !== '[object Object]') return `${path} is ${tag}, which google.script.run cannot return`;
  for (const [key, item] of Object.entries(value)) {
    const problem = wireProblem(item, `${path}.${key}`);
    if (problem) return problem;
  }
  return null;
}

/**
 * Runs in the page before its own script: `google.script.run` with a method per server function,
 * `withSuccessHandler` and `withFailureHandler`, calling back asynchronously as Apps Script does.
 */
function googleScriptRunShim(functionNames: string[]): void {
  type Handler = ((value: unknown) => void) | null;
  const call = (window as unknown as { __runServerFunction(name: string, argsJson: string): Promise<string> }).__runServerFunction;

  function runner(onSuccess: Handler, onFailure: Handler): Record<string, unknown> {
    const methods: Record<string, unknown> = {
      withSuccessHandler: (handler: Handler) => runner(handler, onFailure),
      withFailureHandler: (handler: Handler) => runner(onSuccess, handler),
    };
    for (const name of functionNames) {
      methods[name] = (...args: unknown[]) => {
        void call(name, JSON.stringify(args)).then((reply) => {
          const outcome = JSON.parse(reply) as { ok: true; json: string } | { ok: false; message: string };
          if (outcome.ok) onSuccess?.(JSON.parse(outcome.json));
          else onFailure?.(new Error(outcome.message));
        });
      };
    }
    return methods;
  }

  (window as unknown as { google: unknown }).google = { script: { run: runner(null, null), host: { close: () => undefined } } };
}

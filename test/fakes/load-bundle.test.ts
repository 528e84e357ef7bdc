import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAppsScriptEnvironment } from './environment';
import { listTopLevelFunctions, loadBundle } from './load-bundle';

const BUNDLE = String.raw`
var counter = 0;
function onOpen(e) {
  SpreadsheetApp.getUi().createMenu('RunPod').addItem('Sync now', 'syncNow').addToUi();
}
function syncNow() {
  var sheet = SpreadsheetApp.getActiveSpreadsheet().getActiveSheet();
  sheet.appendRow([new Date(), 'pod']);
  counter++;
  return [sheet.getRange(1, 1).getValue() instanceof Date, counter];
}
function probeGlobals() {
  return [typeof require, typeof process, typeof setTimeout, typeof setInterval, typeof window, typeof Buffer,
    typeof TextEncoder, typeof fetch, typeof module, typeof exports, typeof SpreadsheetApp, typeof Utilities];
}
function clockNow() {
  return [Date.now(), new Date().getTime()];
}
function catchServiceError() {
  try {
    SpreadsheetApp.getActive().getActiveSheet().getRange(0, 1);
  } catch (e) {
    return [e instanceof Error, e.name, String(e)];
  }
}
function failInside() {
  var nothing = null;
  return nothing.field;
}
function logLines() {
  console.log('hello %s', 'world');
  console.error('bad');
  Logger.log('count=%s', 3);
}
function holdLock() {
  LockService.getScriptLock().waitLock(1000);
}
function installTrigger() {
  return ScriptApp.newTrigger('onTimer').timeBased().everyHours(1).create().getUniqueId();
}
function onTimer(e) {
  return [e.triggerUid, Session.getActiveUser().getEmail(), e.authMode === ScriptApp.AuthMode.FULL];
}
function renderTemplate() {
  return HtmlService.createTemplate('<p><?= greeting() ?></p>').evaluate().getContent();
}
function greeting() {
  return '<hi>';
}
function realmChecks() {
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  var range = spreadsheet.getActiveSheet().getRange(1, 1, 1, 2);
  range.setValues([[1, new Date()]]);
  var values = range.getValues();
  return [values instanceof Array, values[0] instanceof Array, values[0][1] instanceof Date, spreadsheet.getSheets() instanceof Array,
    PropertiesService.getScriptProperties().getProperties() instanceof Object, Utilities.base64Decode('YQ==') instanceof Array];
}
globalThis.assigned = function () { return 1; };
  function indented() {}
`;

let bundlePath: string;

beforeAll(() => {
  bundlePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fake-bundle-')), 'Code.js');
  fs.writeFileSync(bundlePath, BUNDLE);
});

afterAll(() => {
  fs.rmSync(path.dirname(bundlePath), { recursive: true, force: true });
});

describe('listTopLevelFunctions', () => {
  it('finds declarations at column 0', () => {
    expect(listTopLevelFunctions('function a() {}\n  function b() {}\nvar c = function () {};\nfunction d (x) {}\nglobalThis.e = () => 1;')).toEqual(['a', 'd']);
  });
});

describe('loadBundle', () => {
  it('lists entry points', () => {
    const bundle = loadBundle(bundlePath, createAppsScriptEnvironment());
    expect(bundle.functions).toContain('onOpen');
    expect(bundle.functions).toContain('syncNow');
    expect(bundle.functions).not.toContain('assigned');
    expect(bundle.functions).not.toContain('indented');
  });

  it('rejects non-declared entry points', () => {
    const bundle = loadBundle(bundlePath, createAppsScriptEnvironment());
    expect(() => bundle.call('assigned')).toThrow('assigned is not a top-level function declaration');
    expect(() => bundle.call('missing')).toThrow('missing is not a top-level function declaration');
  });

  it('hides Node globals', () => {
    const bundle = loadBundle(bundlePath, createAppsScriptEnvironment());
    expect(bundle.call('probeGlobals')).toEqual([
      'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined',
      'undefined', 'undefined', 'undefined', 'undefined', 'object', 'object',
    ]);
  });

  it('reads the fake clock', () => {
    const env = createAppsScriptEnvironment({ now: '2026-05-01T10:00:00Z' });
    const bundle = loadBundle(bundlePath, env);
    expect(bundle.call('clockNow')).toEqual([Date.UTC(2026, 4, 1, 10), Date.UTC(2026, 4, 1, 10)]);
    env.clock.advance(1000);
    expect(bundle.call('clockNow')).toEqual([Date.UTC(2026, 4, 1, 10, 0, 1), Date.UTC(2026, 4, 1, 10, 0, 1)]);
  });

  it('returns dates of the bundle realm', () => {
    const env = createAppsScriptEnvironment();
    const bundle = loadBundle(bundlePath, env);
    expect(bundle.call('syncNow')).toEqual([true, 1]);
    expect(bundle.call('syncNow')).toEqual([true, 2]);
  });

  it('returns arrays and objects of the bundle realm', () => {
    const bundle = loadBundle(bundlePath, createAppsScriptEnvironment());
    expect(bundle.call('realmChecks')).toEqual([true, true, true, true, true, true]);
  });

  it('throws service errors of the bundle realm', () => {
    const bundle = loadBundle(bundlePath, createAppsScriptEnvironment());
    expect(bundle.call('catchServiceError')).toEqual([true, 'Exception', 'Exception: The starting row of the range is too small.']);
  });

  it('names the file Code.gs in stacks', () => {
    const bundle = loadBundle(bundlePath, createAppsScriptEnvironment());
    let stack = '';
    try {
      bundle.call('failInside');
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toContain('Code.gs:');
  });

  it('records logs', () => {
    const env = createAppsScriptEnvironment();
    loadBundle(bundlePath, env).call('logLines');
    expect(env.logs).toEqual([
      { level: 'log', message: 'hello world', source: 'console' },
      { level: 'error', message: 'bad', source: 'console' },
      { level: 'info', message: 'count=3', source: 'Logger' },
    ]);
  });

  it('releases locks after the call', () => {
    const env = createAppsScriptEnvironment();
    loadBundle(bundlePath, env).call('holdLock');
    expect(env.lock.isHeldHere('script')).toBe(false);
    expect(env.lock.releases[0]?.automatic).toBe(true);
    expect(env.executions).toBe(1);
  });

  it('runs a trigger as its owner', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com' });
    const bundle = loadBundle(bundlePath, env);
    const id = bundle.call('installTrigger') as string;
    env.setActiveUser('bob@example.com');
    expect(bundle.runTrigger(id)).toEqual([id, 'alice@example.com', true]);
  });

  it('evaluates templates in the bundle', () => {
    const bundle = loadBundle(bundlePath, createAppsScriptEnvironment());
    expect(bundle.call('renderTemplate')).toBe('<p>&lt;hi&gt;</p>');
  });

  it('runs onOpen as a simple trigger', () => {
    const env = createAppsScriptEnvironment({ executionContext: 'simpleTrigger' });
    loadBundle(bundlePath, env).call('onOpen', { authMode: env.globals.ScriptApp.AuthMode.LIMITED });
    expect(env.ui.menu('RunPod')?.items).toEqual([{ caption: 'Sync now', functionName: 'syncNow' }]);
  });
});

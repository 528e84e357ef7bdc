import { createAppsScriptEnvironment } from './environment';

describe('createAppsScriptEnvironment', () => {
  it('shares one spreadsheet', () => {
    const env = createAppsScriptEnvironment({ spreadsheet: { name: 'Usage', sheetNames: ['Pods', 'Sessions'] } });
    const { SpreadsheetApp } = env.globals;
    expect(SpreadsheetApp.getActiveSpreadsheet()).toBe(env.spreadsheet);
    expect(SpreadsheetApp.getActive()).toBe(env.spreadsheet);
    expect(SpreadsheetApp.getActiveSpreadsheet().getName()).toBe('Usage');
    expect(SpreadsheetApp.getActiveSheet().getName()).toBe('Pods');
    expect(SpreadsheetApp.openById(env.spreadsheet.uncounted(() => env.spreadsheet.getId()))).toBe(env.spreadsheet);
  });

  it('counts flushes', () => {
    const env = createAppsScriptEnvironment();
    env.globals.SpreadsheetApp.flush();
    expect(env.spreadsheet.counters.flushes).toBe(1);
  });

  it('defaults the spreadsheet zone to Berlin', () => {
    expect(createAppsScriptEnvironment().globals.SpreadsheetApp.getActive().getSpreadsheetTimeZone()).toBe('Europe/Berlin');
  });

  it('validates execution contexts', () => {
    const env = createAppsScriptEnvironment();
    env.setExecutionContext('webapp');
    expect(env.executionContext).toBe('webapp');
    expect(() => env.setExecutionContext('editor' as never)).toThrow('unknown execution context editor');
  });

  it('switches users', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com' });
    env.setActiveUser('bob@example.com');
    expect(env.activeUser).toBe('bob@example.com');
    expect(env.globals.Session.getActiveUser().getEmail()).toBe('bob@example.com');
    expect(env.globals.Session.getEffectiveUser().getEmail()).toBe('bob@example.com');
  });

  it('gives a clock Date to the test realm', () => {
    const env = createAppsScriptEnvironment({ now: 1234 });
    expect(new env.globals.Date().getTime()).toBe(1234);
  });

  it('records console lines', () => {
    const env = createAppsScriptEnvironment();
    env.globals.console.warn('quota at %d%%', 90);
    expect(env.logs).toEqual([{ level: 'warn', message: 'quota at 90%', source: 'console' }]);
  });
});

import { createAppsScriptEnvironment } from './environment';

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return String(error);
  }
  throw new Error('expected the call to throw');
}

describe('SpreadsheetApp.getUi', () => {
  it('records menus', () => {
    const env = createAppsScriptEnvironment();
    const ui = env.globals.SpreadsheetApp.getUi();
    const advanced = ui.createMenu('Advanced').addItem('Reset', 'resetAll');
    ui.createMenu('RunPod').addItem('Sync now', 'syncNow').addSeparator().addSubMenu(advanced).addToUi();
    expect(env.ui.menus).toEqual([
      {
        name: 'RunPod',
        items: [{ caption: 'Sync now', functionName: 'syncNow' }, 'separator', { subMenu: { name: 'Advanced', items: [{ caption: 'Reset', functionName: 'resetAll' }] } }],
      },
    ]);
  });

  it('replaces a menu added again', () => {
    const env = createAppsScriptEnvironment();
    const ui = env.globals.SpreadsheetApp.getUi();
    ui.createMenu('RunPod').addItem('Old', 'old').addToUi();
    ui.createMenu('RunPod').addItem('New', 'fresh').addToUi();
    expect(env.ui.menu('RunPod')?.items).toEqual([{ caption: 'New', functionName: 'fresh' }]);
  });

  it('answers alerts from the queue', () => {
    const env = createAppsScriptEnvironment();
    const ui = env.globals.SpreadsheetApp.getUi();
    env.ui.answerNextAlertWith('NO');
    const answer = ui.alert('Delete data', 'Delete every row?', ui.ButtonSet.YES_NO);
    expect(answer).toBe(ui.Button.NO);
    expect(env.ui.alerts).toEqual([{ title: 'Delete data', prompt: 'Delete every row?', buttons: 'YES_NO', answer: 'NO' }]);
  });

  it('answers OK alerts without a queue', () => {
    const env = createAppsScriptEnvironment();
    const ui = env.globals.SpreadsheetApp.getUi();
    expect(ui.alert('Done')).toBe(ui.Button.OK);
  });

  it('refuses unqueued questions', () => {
    const ui = createAppsScriptEnvironment().globals.SpreadsheetApp.getUi();
    expect(() => ui.alert('Sure?', ui.ButtonSet.YES_NO)).toThrow('no answer was queued');
  });

  it('refuses answers the dialog lacks', () => {
    const env = createAppsScriptEnvironment();
    const ui = env.globals.SpreadsheetApp.getUi();
    env.ui.answerNextAlertWith('YES');
    expect(() => ui.alert('Info', ui.ButtonSet.OK_CANCEL)).toThrow('is not a button of OK_CANCEL');
  });

  it('answers prompts', () => {
    const env = createAppsScriptEnvironment();
    const ui = env.globals.SpreadsheetApp.getUi();
    env.ui.answerNextPromptWith('rpa_KEY', 'OK');
    const response = ui.prompt('API key', 'Paste your RunPod API key', ui.ButtonSet.OK_CANCEL);
    expect(response.getResponseText()).toBe('rpa_KEY');
    expect(response.getSelectedButton()).toBe(ui.Button.OK);
    expect(env.ui.prompts[0]?.title).toBe('API key');
  });

  it('records dialogs', () => {
    const env = createAppsScriptEnvironment();
    const { SpreadsheetApp, HtmlService } = env.globals;
    const output = HtmlService.createHtmlOutput('<p>hi</p>').setTitle('Settings').setWidth(300).setHeight(200);
    SpreadsheetApp.getUi().showSidebar(output);
    SpreadsheetApp.getUi().showModalDialog(output, 'Modal');
    SpreadsheetApp.getUi().showModelessDialog(output, 'Modeless');
    expect(env.ui.dialogs.map((dialog) => [dialog.kind, dialog.title, dialog.html, dialog.width])).toEqual([
      ['sidebar', 'Settings', '<p>hi</p>', 300],
      ['modal', 'Modal', '<p>hi</p>', 300],
      ['modeless', 'Modeless', '<p>hi</p>', 300],
    ]);
  });

  it.each(['trigger', 'webapp'] as const)('throws in a %s run', (context) => {
    const env = createAppsScriptEnvironment();
    env.setExecutionContext(context);
    expect(messageOf(() => env.globals.SpreadsheetApp.getUi())).toBe('Exception: Cannot call SpreadsheetApp.getUi() from this context.');
  });

  it('works in onOpen', () => {
    const env = createAppsScriptEnvironment({ executionContext: 'simpleTrigger' });
    env.globals.SpreadsheetApp.getUi().createMenu('RunPod').addItem('Sync', 'sync').addToUi();
    expect(env.ui.menus).toHaveLength(1);
  });
});

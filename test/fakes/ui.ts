import { type AppsScriptEnumValue, createEnum, enumName } from './apps-script-enum';
import type { ScriptRuntime } from './runtime';

export const Button = createEnum(['CLOSE', 'OK', 'CANCEL', 'YES', 'NO']);
export const ButtonSet = createEnum(['OK', 'OK_CANCEL', 'YES_NO', 'YES_NO_CANCEL']);
export type ButtonName = keyof typeof Button;
export type ButtonSetName = keyof typeof ButtonSet;

/** The buttons each button set shows; closing the dialog is always possible. */
const BUTTONS_OF_SET: Record<ButtonSetName, ButtonName[]> = {
  OK: ['OK', 'CLOSE'],
  OK_CANCEL: ['OK', 'CANCEL', 'CLOSE'],
  YES_NO: ['YES', 'NO', 'CLOSE'],
  YES_NO_CANCEL: ['YES', 'NO', 'CANCEL', 'CLOSE'],
};

export type MenuItem = { caption: string; functionName: string } | 'separator' | { subMenu: MenuRecord };

export interface MenuRecord {
  name: string;
  items: MenuItem[];
}

export interface AlertRecord {
  title: string;
  prompt: string;
  buttons: ButtonSetName;
  answer: ButtonName;
}

export interface PromptRecord extends AlertRecord {
  responseText: string;
}

/** Something `showSidebar`, `showModalDialog` or `showModelessDialog` displayed. */
export interface DialogRecord {
  kind: 'sidebar' | 'modal' | 'modeless';
  title: string;
  html: string;
  width: number | undefined;
  height: number | undefined;
}

/** What the fake reads from an `HtmlOutput` it shows. */
interface ShowableOutput {
  getContent(): string;
  getTitle(): string;
  getWidth?(): number | undefined;
  getHeight?(): number | undefined;
}

/**
 * The spreadsheet UI: menus, alerts, prompts and dialogs recorded as data. Alerts and prompts
 * take their answers from queues the test fills; an alert with only an OK button needs none.
 */
export class FakeUi {
  readonly menus: MenuRecord[] = [];
  readonly alerts: AlertRecord[] = [];
  readonly prompts: PromptRecord[] = [];
  readonly dialogs: DialogRecord[] = [];
  private readonly alertAnswers: ButtonName[] = [];
  private readonly promptAnswers: { text: string; button: ButtonName }[] = [];

  constructor(private readonly runtime: ScriptRuntime) {}

  answerNextAlertWith(button: ButtonName): void {
    this.alertAnswers.push(button);
  }

  answerNextPromptWith(text: string, button: ButtonName = 'OK'): void {
    this.promptAnswers.push({ text, button });
  }

  /** Returns the menu named `name` as the last `addToUi()` left it. */
  menu(name: string): MenuRecord | undefined {
    return this.menus.find((menu) => menu.name === name);
  }

  /** `SpreadsheetApp.getUi()`: throws in contexts without a UI (trigger runs and web apps). */
  getUi(): GoogleAppsScript.Base.Ui {
    const context = this.runtime.executionContext;
    if (context === 'trigger' || context === 'webapp') {
      throw this.runtime.realm.exception('Cannot call SpreadsheetApp.getUi() from this context.');
    }
    const ui = {
      Button,
      ButtonSet,
      createMenu: (caption: string) => this.menuBuilder(caption),
      createAddonMenu: () => this.menuBuilder('Extensions'),
      alert: (...args: unknown[]) => this.alert(args),
      prompt: (...args: unknown[]) => this.prompt(args),
      showSidebar: (output: ShowableOutput) => this.show('sidebar', output, output.getTitle()),
      showModalDialog: (output: ShowableOutput, title: string) => this.show('modal', output, title),
      showModelessDialog: (output: ShowableOutput, title: string) => this.show('modeless', output, title),
    };
    return ui as unknown as GoogleAppsScript.Base.Ui;
  }

  private menuBuilder(name: string) {
    const record: MenuRecord = { name, items: [] };
    const builder = {
      addItem: (caption: string, functionName: string) => {
        record.items.push({ caption, functionName });
        return builder;
      },
      addSeparator: () => {
        record.items.push('separator');
        return builder;
      },
      addSubMenu: (subMenu: { record: MenuRecord }) => {
        record.items.push({ subMenu: subMenu.record });
        return builder;
      },
      addToUi: () => {
        const index = this.menus.findIndex((menu) => menu.name === name);
        if (index === -1) this.menus.push(record);
        else this.menus[index] = record;
      },
      record,
    };
    return builder;
  }

  /** Reads `(prompt)`, `(prompt, buttons)` or `(title, prompt, buttons)`. */
  private dialogArguments(args: unknown[]): { title: string; prompt: string; buttons: ButtonSetName } {
    if (args.length >= 3) return { title: String(args[0]), prompt: String(args[1]), buttons: enumName(args[2]) as ButtonSetName };
    if (args.length === 2) return { title: '', prompt: String(args[0]), buttons: enumName(args[1]) as ButtonSetName };
    return { title: '', prompt: String(args[0]), buttons: 'OK' };
  }

  private alert(args: unknown[]): AppsScriptEnumValue {
    const { title, prompt, buttons } = this.dialogArguments(args);
    let answer = this.alertAnswers.shift();
    if (answer === undefined) {
      if (buttons !== 'OK') {
        throw new Error(`alert "${prompt}" shows ${buttons} but no answer was queued; call env.ui.answerNextAlertWith(...) first`);
      }
      answer = 'OK';
    }
    this.checkAnswer(answer, buttons, prompt);
    this.alerts.push({ title, prompt, buttons, answer });
    return Button[answer];
  }

  private prompt(args: unknown[]) {
    const { title, prompt, buttons } = this.dialogArguments(args);
    const scripted = this.promptAnswers.shift();
    if (scripted === undefined) throw new Error(`prompt "${prompt}" was shown but no answer was queued; call env.ui.answerNextPromptWith(...) first`);
    this.checkAnswer(scripted.button, buttons, prompt);
    this.prompts.push({ title, prompt, buttons, answer: scripted.button, responseText: scripted.text });
    return {
      getResponseText: () => scripted.text,
      getSelectedButton: () => Button[scripted.button],
    };
  }

  private checkAnswer(answer: ButtonName, buttons: ButtonSetName, prompt: string): void {
    const allowed = BUTTONS_OF_SET[buttons];
    if (allowed === undefined) throw this.runtime.realm.exception(`Invalid argument: buttons`);
    if (!allowed.includes(answer)) throw new Error(`answer ${answer} is not a button of ${buttons} in the dialog "${prompt}"; allowed: ${allowed.join(', ')}`);
  }

  private show(kind: DialogRecord['kind'], output: ShowableOutput, title: string): void {
    this.dialogs.push({ kind, title: String(title ?? ''), html: output.getContent(), width: output.getWidth?.(), height: output.getHeight?.() });
  }
}

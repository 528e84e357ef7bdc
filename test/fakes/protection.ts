import type { FakeRange } from './range';
import { makeUser } from './session';
import type { FakeSheet } from './sheet';
import type { FakeSpreadsheet } from './spreadsheet';

/**
 * A protected sheet or range. The fake records the settings and does not block edits: scripts run
 * as the owner, who can always edit.
 */
export class FakeProtection {
  description = '';
  warningOnly = false;
  removed = false;
  domainEdit = true;
  readonly editors: string[];

  constructor(
    private readonly spreadsheet: FakeSpreadsheet,
    readonly sheet: FakeSheet,
    readonly range: FakeRange | undefined,
  ) {
    this.editors = [spreadsheet.runtime.effectiveUser];
  }

  setDescription(description: string): FakeProtection {
    this.description = description;
    return this;
  }

  getDescription(): string {
    return this.description;
  }

  setWarningOnly(warningOnly: boolean): FakeProtection {
    this.warningOnly = warningOnly;
    return this;
  }

  isWarningOnly(): boolean {
    return this.warningOnly;
  }

  setDomainEdit(editable: boolean): FakeProtection {
    this.domainEdit = editable;
    return this;
  }

  canDomainEdit(): boolean {
    return this.domainEdit;
  }

  addEditor(emailOrUser: string | GoogleAppsScript.Base.User): FakeProtection {
    const email = typeof emailOrUser === 'string' ? emailOrUser : emailOrUser.getEmail();
    if (!this.editors.includes(email)) this.editors.push(email);
    return this;
  }

  addEditors(emails: string[]): FakeProtection {
    for (const email of emails) this.addEditor(email);
    return this;
  }

  /** Removes editors; the owner of the spreadsheet stays an editor, as in Sheets. */
  removeEditors(emailsOrUsers: (string | GoogleAppsScript.Base.User)[]): FakeProtection {
    const owner = this.spreadsheet.runtime.effectiveUser;
    for (const entry of emailsOrUsers) {
      const email = typeof entry === 'string' ? entry : entry.getEmail();
      const index = this.editors.indexOf(email);
      if (index !== -1 && email !== owner) this.editors.splice(index, 1);
    }
    return this;
  }

  removeEditor(emailOrUser: string | GoogleAppsScript.Base.User): FakeProtection {
    return this.removeEditors([emailOrUser]);
  }

  getEditors(): GoogleAppsScript.Base.User[] {
    return this.spreadsheet.runtime.realm.array(this.editors.map(makeUser));
  }

  canEdit(): boolean {
    return this.editors.includes(this.spreadsheet.runtime.activeUser);
  }

  getRange(): FakeRange | undefined {
    return this.range;
  }

  getProtectionType(): 'RANGE' | 'SHEET' {
    return this.range === undefined ? 'SHEET' : 'RANGE';
  }

  remove(): void {
    this.removed = true;
    const index = this.spreadsheet.protections.indexOf(this);
    if (index !== -1) this.spreadsheet.protections.splice(index, 1);
  }
}

/** The refresh as Apps Script runs it, from the menu or the hourly trigger: settings, lock, report. */
import { loadSettings, loadTrackedAccount, saveTrackedAccount } from '../platform/settings-store';
import { spreadsheetOffsets } from '../platform/time-zone';
import { errorMessage, urlFetchPort } from '../platform/url-fetch';
import { SheetLayoutError } from '../sheet/table';
import { runRefresh, type RefreshOutcome } from './refresh';
import { offerTriggerRepair } from './hourly-refresh';
import { describeOutcome } from './report';

/** How long a refresh waits for another one to finish before giving up. */
const LOCK_WAIT_MS = 5000;

/**
 * Apps Script ends an execution after 6 minutes. Pod requests stop after 4, which leaves time to
 * write the tabs and save the cursors of the pods that were read.
 */
const FETCH_BUDGET_MS = 4 * 60_000;

export interface RefreshReport {
  /** `partial`: RunPod's API failed, but the pods known from the last snapshot were read. */
  status: 'done' | 'partial' | 'failed' | 'busy' | 'no key';
  message: string;
  outcome: RefreshOutcome | null;
}

/** Runs one refresh. Time-driven triggers pass an event with `triggerUid`; the menu passes none. */
export function refreshUsage(event?: { triggerUid?: string }): RefreshReport {
  const fromTrigger = !!event && typeof event === 'object' && 'triggerUid' in event;
  const report = refreshUnderLock();
  if (fromTrigger) {
    logReport(report);
    if (needsOwner(report)) {
      // A failed trigger run makes Apps Script email its owner, who is the person able to fix it.
      throw new Error(report.message);
    }
  } else {
    showReport(report);
    if (report.status === 'done' || report.status === 'partial') offerTriggerRepair();
  }
  return report;
}

function refreshUnderLock(): RefreshReport {
  const settings = loadSettings();
  if (!settings.apiKey) {
    return { status: 'no key', message: noKeyMessage(settings.triggerOwners), outcome: null };
  }

  const lock = LockService.getScriptLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) {
    return {
      status: 'busy',
      message: 'Another refresh is running (the hourly refresh or another editor\'s), so this one wrote nothing. Try again in a minute.',
      outcome: null,
    };
  }

  const log = (message: string) => console.log(message);
  try {
    const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
    log('Refresh started.');
    const startedMs = Date.now();
    const trackedAccountId = loadTrackedAccount();
    const outcome = runRefresh({
      http: urlFetchPort(log),
      spreadsheet,
      apiKey: settings.apiKey,
      panel: { port: settings.port, paths: settings.paths, podToken: settings.podToken },
      nowMs: startedMs,
      clock: () => Date.now(),
      deadlineMs: startedMs + FETCH_BUDGET_MS,
      offsetAt: spreadsheetOffsets(spreadsheet.getSpreadsheetTimeZone()),
      log,
      trackedAccountId,
    });
    if (outcome.accountId !== null && trackedAccountId === null) saveTrackedAccount(outcome.accountId);
    log('Refresh finished.');
    let status: RefreshReport['status'] = 'partial';
    if (outcome.ok) status = 'done';
    else if (outcome.wroteNothing) status = 'failed';
    return { status, message: describeOutcome(outcome), outcome };
  } catch (error) {
    const message = error instanceof SheetLayoutError ? error.message : `Refresh failed: ${errorMessage(error).replace(/\.+\s*$/, '')}. Rows already in the sheet are kept; the next refresh tries again.`;
    console.error(message);
    return { status: 'failed', message, outcome: null };
  } finally {
    SpreadsheetApp.flush();
    lock.releaseLock();
  }
}

/** A run the owner must act on: no key, a key RunPod rejects, a bug; not an outage to wait out. */
function needsOwner(report: RefreshReport): boolean {
  if (report.status === 'no key' || report.status === 'failed') return true;
  const action = report.outcome?.runpodFailure?.action;
  return report.status === 'partial' && action !== undefined && action !== 'wait';
}

function noKeyMessage(triggerOwners: readonly string[]): string {
  const owner = triggerOwners.length > 0 ? ` The hourly refresh runs as ${triggerOwners.join(' and ')} with their key.` : '';
  return `No RunPod API key is stored for you. Keys are private to each person, so open Usage > Settings… and paste a read-only RunPod API key.${owner}`;
}

function showReport(report: RefreshReport): void {
  if (report.status === 'done') {
    SpreadsheetApp.getActiveSpreadsheet().toast(report.message, 'Usage refresh', 10);
  } else {
    SpreadsheetApp.getUi().alert('Usage refresh', report.message, SpreadsheetApp.getUi().ButtonSet.OK);
  }
  logReport(report);
}

function logReport(report: RefreshReport): void {
  if (report.status === 'done') console.log(report.message);
  else console.warn(report.message);
}

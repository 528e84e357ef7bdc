/** Telling a person what a refresh did: a toast after a menu run, the execution log after a trigger. */
import type { RefreshOutcome } from './refresh';

/** Summarises a finished refresh in one or two sentences. */
export function describeOutcome(outcome: RefreshOutcome): string {
  if (outcome.wroteNothing && outcome.runpodFailure) {
    return `${outcome.runpodFailure.message} Nothing was written.`;
  }
  const synced = outcome.pods.filter((pod) => pod.result === 'ok').length;
  const asked = outcome.pods.filter((pod) => pod.result !== 'not running' && pod.result !== 'not exposed').length;
  const failed = outcome.pods.filter((pod) => !['ok', 'not running', 'not exposed', 'not reached'].includes(pod.result));
  const notReached = outcome.pods.filter((pod) => pod.result === 'not reached').length;

  let text = `Synced ${synced} of ${count(asked, 'pod')} with a control panel: ${count(outcome.rowsAdded, 'session')} added, ${outcome.rowsUpdated} updated.`;
  if (asked === 0 && outcome.pods.some((pod) => pod.result === 'not exposed')) {
    text += ' No running pod exposes the control-panel port: check the port in Usage > Settings… against the ports in the pods\' template.';
  }

  if (outcome.invalidRecords > 0) {
    text += ` ${count(outcome.invalidRecords, 'log record')} could not be used (see the Invalid Rows tab).`;
  }
  if (notReached > 0) {
    text += ` ${count(notReached, 'pod')} could not be read before the time limit; the next refresh reads them first.`;
  }
  if (outcome.unreadableRows > 0) {
    const verb = outcome.unreadableRows === 1 ? 'lacks' : 'lack';
    text += ` ${count(outcome.unreadableRows, 'row')} in the Sessions tab ${verb} a Session Key or Started value, so they are left out of every total; undo the edit or fill the cells back in.`;
  }
  if (outcome.unreadablePods.length > 0) {
    const ids = outcome.unreadablePods.map((pod) => pod.id).join(', ');
    text += ` RunPod listed ${count(outcome.unreadablePods.length, 'pod')} (${ids}) in a shape the sheet cannot read, so they were skipped; if this lasts, report it with the execution log.`;
  }
  if (failed.length > 0) {
    text += ` Problems: ${failed.map((pod) => `${pod.podName} (${pod.result})`).join(', ')}; see the Sync Status tab.`;
  }

  if (outcome.runpodFailure) {
    const known = asked === 0 ? 'No pods were known from an earlier snapshot, so no logs were read.' : 'The pods known from the last snapshot were read anyway.';
    return `RunPod's API failed: ${outcome.runpodFailure.message} ${known} Live Pods, Account and prices were left as they were. ${asked === 0 ? '' : text}`.trim();
  }
  return text;
}

/** Writes a count with its noun, singular for one: "1 session", "3 sessions". */
function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

/** Reading a pod's `usage_log.json` event log and pairing its start and stop events into sessions. */
import * as v from 'valibot';

import { describeRecord } from './json-body';
import { describeIssues, UsageEventSchema } from './log-schemas';
import { sessionKey, userKey } from './session-key';
import type { InvalidRecord, Session, UsageEvent } from './types';

export interface ParsedEvents {
  events: UsageEvent[];
  invalid: InvalidRecord[];
}

/** Validates each entry of an event log; entries that fail are returned as invalid records. */
export function parseUsageLog(podId: string, body: unknown): ParsedEvents | { error: string } {
  if (!Array.isArray(body)) {
    return { error: `expected a JSON array of start/stop events, got ${describeKind(body)}` };
  }

  const events: UsageEvent[] = [];
  const invalid: InvalidRecord[] = [];
  body.forEach((entry, index) => {
    const result = v.safeParse(UsageEventSchema, entry);
    if (!result.success) {
      invalid.push(invalidEntry(podId, index, describeIssues(result.issues), entry));
      return;
    }
    const event = result.output;
    events.push({
      user: event.user,
      action: event.action,
      atMs: event.timestamp,
      gpu: event.gpu,
      durationHours: event.duration_hours,
      panelCost: event.cost,
      index,
    });
  });
  return { events, invalid };
}

export interface PairOptions {
  /**
   * The pod's cursor when the log was requested with `since`. Stops at the head of the response up
   * to this instant closed sessions that an earlier refresh already stored, so they are skipped.
   */
  syncedUntilMs?: number;
}

export interface PairedSessions {
  sessions: Session[];
  invalid: InvalidRecord[];
  /**
   * Starts of the negative-duration pairs set aside. Their stop is dated earlier, so the read
   * cursor must not pass that stop: a read from the start on would see the start alone.
   */
  backwardStarts: UsageEvent[];
}

/**
 * Pairs start and stop events into sessions. The panel serves one user at a time, so events are
 * read in time order as one sequence. A stop closes the pending start of the same user. A start
 * while another is pending means the panel restarted without logging the stop. A stop with no
 * start at the head of the log (the panel keeps only its newest 1000 entries) is rebuilt from its
 * duration when it has one. The last start without a stop is the session still running.
 */
export function pairEvents(podId: string, events: readonly UsageEvent[], options: PairOptions = {}): PairedSessions {
  const sessions: Session[] = [];
  const syncedUntilMs = options.syncedUntilMs ?? -Infinity;
  const { kept, invalid, backwardStarts } = setAsideBackwardPairs(podId, dropDuplicateEvents(events));
  const sorted = kept.sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  const ordered = sorted.slice(countSyncedLeadingStops(sorted, syncedUntilMs));

  let pending: UsageEvent | null = null;
  for (const event of ordered) {
    if (event.action === 'start') {
      if (pending) {
        invalid.push(invalidEvent(podId, pending, 'start without a stop: another start followed it, so the panel probably restarted without logging the stop'));
      }
      pending = event;
      continue;
    }

    if (pending && userKey(pending.user) === userKey(event.user)) {
      if (event.atMs - pending.atMs > MAX_SESSION_MS) {
        const reason = tooLongReason(event.atMs - pending.atMs);
        invalid.push(invalidEvent(podId, pending, reason), invalidEvent(podId, event, reason));
      } else {
        sessions.push(closedSession(podId, pending, event));
      }
      pending = null;
      continue;
    }
    if (pending) {
      invalid.push(invalidEvent(podId, pending, `start without a stop: a stop by another user ("${event.user}") followed it`));
      pending = null;
    }
    const rebuilt = event === ordered[0] ? sessionFromLoneStop(podId, event) : null;
    if (rebuilt) {
      sessions.push(rebuilt);
    } else {
      invalid.push(invalidEvent(podId, event, loneStopReason(event === ordered[0])));
    }
  }

  if (pending) {
    sessions.push({
      key: sessionKey(pending.user, pending.atMs),
      user: pending.user,
      podId,
      gpu: pending.gpu,
      startMs: pending.atMs,
      endMs: null,
      panelCost: null,
      source: 'usage_log',
      startReconstructed: false,
    });
  }
  return { sessions, invalid, backwardStarts };
}

/**
 * Sets aside each stop that the log wrote right after its user's start but with an earlier
 * timestamp, together with that start. The pod's clock went back between the two, so the pair
 * has a negative duration. Sorted by time, the stop would come first and leave the start open
 * as a session that never ends.
 */
function setAsideBackwardPairs(podId: string, events: readonly UsageEvent[]): { kept: UsageEvent[]; invalid: InvalidRecord[]; backwardStarts: UsageEvent[] } {
  const invalid: InvalidRecord[] = [];
  const backwardStarts: UsageEvent[] = [];
  const backward = new Set<UsageEvent>();
  const previousByUser = new Map<string, UsageEvent>();
  const inLogOrder = events.slice().sort((a, b) => a.index - b.index);
  for (const event of inLogOrder) {
    const user = userKey(event.user);
    const previous = previousByUser.get(user);
    previousByUser.set(user, event);
    if (event.action !== 'stop' || previous?.action !== 'start' || event.atMs >= previous.atMs) continue;

    const minutes = Math.round((previous.atMs - event.atMs) / 60_000);
    const reason = `negative duration: the stop at ${new Date(event.atMs).toISOString()} is ${minutes} minutes before its start at ${new Date(previous.atMs).toISOString()}, so the pod's clock probably jumped back`;
    invalid.push(invalidEvent(podId, previous, reason), invalidEvent(podId, event, reason));
    backward.add(previous);
    backward.add(event);
    backwardStarts.push(previous);
  }
  return { kept: events.filter((event) => !backward.has(event)), invalid, backwardStarts };
}

function countSyncedLeadingStops(ordered: readonly UsageEvent[], syncedUntilMs: number): number {
  let count = 0;
  while (count < ordered.length && ordered[count]?.action === 'stop' && (ordered[count] as UsageEvent).atMs <= syncedUntilMs) {
    count++;
  }
  return count;
}

/**
 * Returns where the next incremental read of this log should start: the start of the session
 * still running, so its start and stop arrive together, or else the newest event.
 */
export function nextCursor(events: readonly UsageEvent[], sessions: readonly Session[], previousMs: number | null): number | null {
  const open = sessions.find((session) => session.endMs === null);
  if (open) return open.startMs;
  let newest = previousMs;
  for (const event of events) {
    if (newest === null || event.atMs > newest) newest = event.atMs;
  }
  return newest;
}

function closedSession(podId: string, start: UsageEvent, stop: UsageEvent): Session {
  return {
    key: sessionKey(start.user, start.atMs),
    user: start.user,
    podId,
    gpu: start.gpu ?? stop.gpu,
    startMs: start.atMs,
    endMs: stop.atMs,
    panelCost: stop.panelCost,
    source: 'usage_log',
    startReconstructed: false,
  };
}

const MS_PER_HOUR = 3_600_000;

/**
 * The maximum session length: 31 days. A longer one almost surely lost a stop (or a clock
 * jumped), and pricing it would put weeks of a pod's cost on one person.
 */
export const MAX_SESSION_MS = 31 * 24 * MS_PER_HOUR;

export function tooLongReason(durationMs: number): string {
  return `session of ${Math.round(durationMs / MS_PER_HOUR)} hours is longer than the 31-day maximum, so a stop was probably lost`;
}

function sessionFromLoneStop(podId: string, stop: UsageEvent): Session | null {
  if (stop.durationHours === null || !(stop.durationHours > 0) || stop.durationHours * MS_PER_HOUR > MAX_SESSION_MS) {
    return null;
  }
  const startMs = Math.round(stop.atMs - stop.durationHours * MS_PER_HOUR);
  return {
    key: sessionKey(stop.user, startMs),
    user: stop.user,
    podId,
    gpu: stop.gpu,
    startMs,
    endMs: stop.atMs,
    panelCost: stop.panelCost,
    source: 'usage_log',
    startReconstructed: true,
  };
}

function loneStopReason(isFirst: boolean): string {
  if (!isFirst) {
    return 'stop without a start in the middle of the log';
  }
  return 'stop without a start (the log was truncated) and no plausible duration_hours (above 0, at most 31 days) to rebuild the start from';
}

function dropDuplicateEvents(events: readonly UsageEvent[]): UsageEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    const identity = `${event.action}|${userKey(event.user)}|${event.atMs}`;
    if (seen.has(identity)) {
      return false;
    }
    seen.add(identity);
    return true;
  });
}

function invalidEntry(podId: string, index: number, reason: string, entry: unknown): InvalidRecord {
  return { podId, source: 'usage_log', position: `entry ${index}`, reason, record: describeRecord(entry) };
}

function invalidEvent(podId: string, event: UsageEvent, reason: string): InvalidRecord {
  const entry = { user: event.user, action: event.action, timestamp: event.atMs / 1000 };
  return invalidEntry(podId, event.index, reason, entry);
}

export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Reads the control panel's `/api/user_stats` response: finished sessions grouped by user. */
import * as v from 'valibot';

import { describeRecord } from './json-body';
import { DAMAGED_TEXT_REASON, describeIssues, isDamagedText, UserStatsEntrySchema, UserStatsSessionSchema } from './log-schemas';
import { sessionKey } from './session-key';
import type { InvalidRecord, Session } from './types';
import { describeKind, MAX_SESSION_MS, tooLongReason } from './usage-log';

/** Top-level keys the panel mixes in with the user names. */
const NON_USER_KEYS = new Set(['current_gpu', 'hourly_rate']);

export interface ParsedUserStats {
  sessions: Session[];
  invalid: InvalidRecord[];
}

/** Turns a `/api/user_stats` object into closed sessions, skipping the panel's non-user keys. */
export function parseUserStats(podId: string, body: unknown): ParsedUserStats | { error: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { error: `expected a JSON object keyed by user name, got ${describeKind(body)}` };
  }

  const sessions: Session[] = [];
  const invalid: InvalidRecord[] = [];
  for (const [rawUser, entry] of Object.entries(body as Record<string, unknown>)) {
    if (NON_USER_KEYS.has(rawUser)) {
      continue;
    }
    const user = rawUser.trim();
    const nameProblem = userNameProblem(user);
    if (nameProblem !== null) {
      invalid.push(invalidStat(podId, `user "${rawUser}"`, nameProblem, entry));
      continue;
    }
    const parsedEntry = v.safeParse(UserStatsEntrySchema, entry);
    if (!parsedEntry.success) {
      invalid.push(invalidStat(podId, `user "${rawUser}"`, describeIssues(parsedEntry.issues), entry));
      continue;
    }

    parsedEntry.output.sessions.forEach((item, index) => {
      const parsed = v.safeParse(UserStatsSessionSchema, item);
      if (!parsed.success) {
        invalid.push(invalidStat(podId, `user "${rawUser}" session ${index}`, describeIssues(parsed.issues), item));
        return;
      }
      const { start_time: startMs, end_time: endMs, gpu, cost } = parsed.output;
      if (endMs < startMs) {
        invalid.push(invalidStat(podId, `user "${rawUser}" session ${index}`, 'end_time is before start_time', item));
        return;
      }
      if (endMs - startMs > MAX_SESSION_MS) {
        invalid.push(invalidStat(podId, `user "${rawUser}" session ${index}`, tooLongReason(endMs - startMs), item));
        return;
      }
      sessions.push({
        key: sessionKey(user, startMs),
        user,
        podId,
        gpu,
        startMs,
        endMs,
        panelCost: cost,
        source: 'user_stats',
        startReconstructed: false,
      });
    });
  }
  return { sessions, invalid };
}

function userNameProblem(user: string): string | null {
  if (user === '') return 'empty user name';
  if (isDamagedText(user)) return `the user name ${DAMAGED_TEXT_REASON}`;
  return null;
}

function invalidStat(podId: string, position: string, reason: string, record: unknown): InvalidRecord {
  return { podId, source: 'user_stats', position, reason, record: describeRecord(record) };
}

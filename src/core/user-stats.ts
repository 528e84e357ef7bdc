/** Reads the control panel's `/api/user_stats` response: finished sessions grouped by user. */
import * as v from 'valibot';

import { describeRecord } from './json-body';
import { describeIssues, UserStatsEntrySchema, UserStatsSessionSchema } from './log-schemas';
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
    const parsedEntry = v.safeParse(UserStatsEntrySchema, entry);
    if (user === '' || !parsedEntry.success) {
      const reason = user === '' ? 'empty user name' : describeIssues(parsedEntry.issues ?? []);
      invalid.push(invalidStat(podId, `user "${rawUser}"`, reason, entry));
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

function invalidStat(podId: string, position: string, reason: string, record: unknown): InvalidRecord {
  return { podId, source: 'user_stats', position, reason, record: describeRecord(record) };
}

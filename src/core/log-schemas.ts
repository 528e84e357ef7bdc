/** Schemas for the records the control panel writes, lenient where real logs vary. */
import * as v from 'valibot';

import { epochToMs, isPlausibleInstant } from './timestamps';

const numericString = v.pipe(v.string(), v.trim(), v.decimal(), v.transform(Number));

/** A number, or a number written as a string, as older panels sometimes wrote. */
const looseNumber = v.union([v.number(), numericString], 'expected a number');

/** Epoch seconds (float), or milliseconds, normalised to epoch milliseconds. */
export const InstantSchema = v.pipe(
  looseNumber,
  v.finite('expected a finite number'),
  v.transform(epochToMs),
  v.check(isPlausibleInstant, 'expected an instant between 2015 and 2100'),
);

const optionalNumber = v.optional(v.nullable(looseNumber), null);

/**
 * U+FFFD is what a UTF-8 decoder, UrlFetchApp's included, puts in place of invalid bytes. A name
 * with it is damaged, and keying sessions on it would file them under a user who does not exist.
 */
export const DAMAGED_TEXT_REASON = 'contains U+FFFD in place of bytes that are not valid UTF-8, so the record is damaged';

export function isDamagedText(text: string): boolean {
  return text.includes('\uFFFD');
}

const userName = v.pipe(
  v.string('expected a user name'),
  v.trim(),
  v.nonEmpty('expected a user name'),
  v.check((name) => !isDamagedText(name), `the user name ${DAMAGED_TEXT_REASON}`),
);

/** One entry of `usage_log.json`. Unknown extra fields are ignored. */
export const UsageEventSchema = v.object({
  user: userName,
  action: v.picklist(['start', 'stop'], 'expected "start" or "stop"'),
  timestamp: InstantSchema,
  gpu: v.optional(v.nullable(v.string()), null),
  duration_hours: optionalNumber,
  cost: optionalNumber,
});

/** One finished session in `/api/user_stats`. */
export const UserStatsSessionSchema = v.object({
  start_time: InstantSchema,
  end_time: InstantSchema,
  gpu: v.optional(v.nullable(v.string()), null),
  cost: optionalNumber,
});

/** One user's entry in `/api/user_stats`. */
export const UserStatsEntrySchema = v.object({
  sessions: v.array(v.unknown(), 'expected a "sessions" array'),
});

/** Joins a schema's first problem into one line such as `timestamp: expected a number`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) {
    return 'invalid record';
  }
  const path = v.getDotPath(first);
  // valibot reports a missing key as 'Expected "timestamp" but received undefined', which would
  // put the word "undefined" into the Invalid Rows tab.
  const missingKey = first.path?.[first.path.length - 1]?.origin === 'key';
  const message = missingKey ? 'missing' : first.message.replace(/^Invalid [^:]+: /, '');
  return path ? `${path}: ${message}` : message;
}

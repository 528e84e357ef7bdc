/** The identity of a session: who used a pod, and when they started. */

/** Normalises a user name for matching: trimmed and case-folded, so "Alice " and "alice" are one person. */
export function userKey(user: string): string {
  return user.trim().toLowerCase();
}

/**
 * Builds the key of a session from its user and start instant. The pod id is left out on purpose,
 * because a log moves with its network volume to another pod and must not count twice there.
 */
export function sessionKey(user: string, startMs: number): string {
  return `${userKey(user)}|${new Date(startMs).toISOString()}`;
}

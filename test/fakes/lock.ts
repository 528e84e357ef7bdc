import type { ScriptRuntime } from './runtime';
import type { FakeSpreadsheet } from './spreadsheet';

export type LockScope = 'script' | 'document' | 'user';

/** One release of a lock this execution held. */
export interface LockRelease {
  /** `script`, `document` or `user:<email>`. */
  key: string;
  /** Clock time of the release, in ms. */
  at: number;
  /** True when `SpreadsheetApp.flush()` ran while the lock was held. */
  flushedWhileHeld: boolean;
  /** Spreadsheet write calls not followed by `SpreadsheetApp.flush()` at the time of the release. */
  unflushedWrites: number;
  /** True when the end of the execution released it rather than `releaseLock()`. */
  automatic: boolean;
}

interface HeldHere {
  flushesAtAcquire: number;
}

interface HeldElsewhere {
  /** Clock time at which the other execution releases the lock; undefined until the test releases it. */
  until: number | undefined;
}

const LOCK_TIMEOUT_MESSAGE = 'Lock timeout: another process was holding the lock for too long.';

/**
 * `LockService`. A test plays another execution holding a lock with `holdElsewhere`; waiting for
 * it advances the fake clock instead of sleeping. Releases record whether the spreadsheet was
 * flushed first, since Apps Script's guidance is to call `SpreadsheetApp.flush()` before
 * `releaseLock()` so that the next holder reads the new values.
 */
export class FakeLocks {
  readonly releases: LockRelease[] = [];
  /** Successful `tryLock`/`waitLock` calls. */
  acquisitions = 0;
  /** `tryLock` calls that returned false and `waitLock` calls that threw. */
  timeouts = 0;
  /** Releases that left spreadsheet writes unflushed. */
  unflushedReleases = 0;
  private readonly heldHere = new Map<string, HeldHere>();
  private readonly heldElsewhere = new Map<string, HeldElsewhere>();

  constructor(
    private readonly runtime: ScriptRuntime,
    private readonly spreadsheet: FakeSpreadsheet,
  ) {}

  /** Simulates another execution holding a lock, released by the test or after `forMs` of fake time. */
  holdElsewhere(scope: LockScope, options: { forMs?: number; user?: string } = {}): void {
    const key = this.keyFor(scope, options.user);
    if (this.heldHere.has(key)) throw new Error(`lock ${key} is held by the current execution; release it first`);
    this.heldElsewhere.set(key, { until: options.forMs === undefined ? undefined : this.runtime.clock.now() + options.forMs });
  }

  releaseElsewhere(scope: LockScope, user?: string): void {
    this.heldElsewhere.delete(this.keyFor(scope, user));
  }

  /** Tells whether this execution holds the lock. */
  isHeldHere(scope: LockScope, user?: string): boolean {
    return this.heldHere.has(this.keyFor(scope, user));
  }

  /** Releases every lock this execution still holds, as Apps Script does when an execution ends. */
  endExecution(): void {
    for (const key of [...this.heldHere.keys()]) this.release(key, true);
  }

  /** Builds the `LockService` global. */
  createService(): GoogleAppsScript.Lock.LockService {
    const service = {
      getScriptLock: () => this.lockFor('LockService.getScriptLock', 'script'),
      getDocumentLock: () => this.lockFor('LockService.getDocumentLock', 'document'),
      getUserLock: () => this.lockFor('LockService.getUserLock', 'user'),
    };
    return service as unknown as GoogleAppsScript.Lock.LockService;
  }

  private keyFor(scope: LockScope, user?: string): string {
    return scope === 'user' ? `user:${user ?? this.runtime.activeUser}` : scope;
  }

  private lockFor(method: string, scope: LockScope): GoogleAppsScript.Lock.Lock {
    this.runtime.requireAuthorization(method, 'https://www.googleapis.com/auth/script.scriptapp', 'LockService');
    const key = this.keyFor(scope);
    const lock = {
      tryLock: (timeoutInMillis: number): boolean => this.acquire(key, timeoutInMillis),
      waitLock: (timeoutInMillis: number): void => {
        if (!this.acquire(key, timeoutInMillis)) throw this.runtime.realm.exception(LOCK_TIMEOUT_MESSAGE);
      },
      releaseLock: (): void => {
        if (this.heldHere.has(key)) this.release(key, false);
      },
      hasLock: (): boolean => this.heldHere.has(key),
    };
    return lock as unknown as GoogleAppsScript.Lock.Lock;
  }

  /** Takes the lock, advancing the clock while another execution holds it, for at most `timeoutMs`. */
  private acquire(key: string, timeoutMs: number): boolean {
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw this.runtime.realm.exception('Invalid argument: timeoutInMillis');
    }
    if (this.heldHere.has(key)) return true;

    const other = this.heldElsewhere.get(key);
    if (other !== undefined) {
      const clock = this.runtime.clock;
      const deadline = clock.now() + timeoutMs;
      if (other.until === undefined || other.until > deadline) {
        clock.advance(timeoutMs);
        this.timeouts++;
        return false;
      }
      clock.set(Math.max(clock.now(), other.until));
      this.heldElsewhere.delete(key);
    }

    this.heldHere.set(key, { flushesAtAcquire: this.spreadsheet.counters.flushes });
    this.acquisitions++;
    return true;
  }

  private release(key: string, automatic: boolean): void {
    const held = this.heldHere.get(key);
    if (held === undefined) return;
    this.heldHere.delete(key);
    const counters = this.spreadsheet.counters;
    const unflushedWrites = counters.writesSinceFlush;
    if (unflushedWrites > 0) this.unflushedReleases++;
    this.releases.push({
      key,
      at: this.runtime.clock.now(),
      flushedWhileHeld: counters.flushes > held.flushesAtAcquire,
      unflushedWrites,
      automatic,
    });
  }
}

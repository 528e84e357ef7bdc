import { createAppsScriptEnvironment } from './environment';

describe('LockService', () => {
  it('takes a free lock', () => {
    const env = createAppsScriptEnvironment();
    const lock = env.globals.LockService.getScriptLock();
    expect(lock.tryLock(1000)).toBe(true);
    expect(lock.hasLock()).toBe(true);
    lock.releaseLock();
    expect(lock.hasLock()).toBe(false);
    expect(env.lock.acquisitions).toBe(1);
  });

  it('fails tryLock without sleeping', () => {
    const env = createAppsScriptEnvironment();
    env.holdScriptLockElsewhere();
    const before = env.clock.now();
    const started = Date.now();
    expect(env.globals.LockService.getScriptLock().tryLock(30_000)).toBe(false);
    expect(env.clock.now() - before).toBe(30_000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(env.lock.timeouts).toBe(1);
  });

  it('times out waitLock', () => {
    const env = createAppsScriptEnvironment();
    env.holdScriptLockElsewhere();
    expect(() => env.globals.LockService.getScriptLock().waitLock(10_000)).toThrow('Lock timeout: another process was holding the lock for too long.');
  });

  it('waits for a lock released in time', () => {
    const env = createAppsScriptEnvironment();
    env.holdScriptLockElsewhere({ forMs: 5000 });
    const before = env.clock.now();
    expect(env.globals.LockService.getScriptLock().tryLock(10_000)).toBe(true);
    expect(env.clock.now() - before).toBe(5000);
  });

  it('takes the lock after release elsewhere', () => {
    const env = createAppsScriptEnvironment();
    env.holdScriptLockElsewhere();
    env.releaseScriptLockElsewhere();
    expect(env.globals.LockService.getScriptLock().tryLock(0)).toBe(true);
  });

  it('keeps user locks per user', () => {
    const env = createAppsScriptEnvironment({ activeUser: 'alice@example.com' });
    env.lock.holdElsewhere('user', { user: 'bob@example.com' });
    expect(env.globals.LockService.getUserLock().tryLock(0)).toBe(true);
    env.setActiveUser('bob@example.com');
    expect(env.globals.LockService.getUserLock().tryLock(0)).toBe(false);
  });

  it('keeps script and document locks apart', () => {
    const env = createAppsScriptEnvironment();
    env.holdScriptLockElsewhere();
    expect(env.globals.LockService.getDocumentLock().tryLock(0)).toBe(true);
  });

  it('records a release after flush', () => {
    const env = createAppsScriptEnvironment();
    const lock = env.globals.LockService.getScriptLock();
    lock.waitLock(1000);
    env.globals.SpreadsheetApp.getActiveSpreadsheet().getActiveSheet().appendRow(['x']);
    env.globals.SpreadsheetApp.flush();
    lock.releaseLock();
    expect(env.lock.releases).toEqual([expect.objectContaining({ key: 'script', flushedWhileHeld: true, unflushedWrites: 0, automatic: false })]);
    expect(env.lock.unflushedReleases).toBe(0);
  });

  it('counts a release without flush', () => {
    const env = createAppsScriptEnvironment();
    const lock = env.globals.LockService.getScriptLock();
    lock.waitLock(1000);
    env.globals.SpreadsheetApp.getActiveSpreadsheet().getActiveSheet().appendRow(['x']);
    lock.releaseLock();
    expect(env.lock.unflushedReleases).toBe(1);
    expect(env.lock.releases[0]).toEqual(expect.objectContaining({ flushedWhileHeld: false, unflushedWrites: 1 }));
  });

  it('releases at the end of an execution', () => {
    const env = createAppsScriptEnvironment();
    env.globals.LockService.getScriptLock().waitLock(1000);
    env.endExecution();
    expect(env.lock.isHeldHere('script')).toBe(false);
    expect(env.lock.releases[0]?.automatic).toBe(true);
  });

  it('rejects a negative timeout', () => {
    const env = createAppsScriptEnvironment();
    expect(() => env.globals.LockService.getScriptLock().tryLock(-1)).toThrow('Invalid argument: timeoutInMillis');
  });
});

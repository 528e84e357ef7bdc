import { format } from 'node:util';
import type { LogEntry, ScriptRuntime } from './runtime';

/**
 * `console` and `Logger` for the bundle. Every line lands in `runtime.logs`; with `echo`, it is
 * also written to the test process's stderr.
 */
export function createConsole(runtime: ScriptRuntime, echo: boolean): Console {
  const timers = new Map<string, number>();
  const record = (level: LogEntry['level'], args: unknown[]): void => {
    const message = format(...args);
    runtime.logs.push({ level, message, source: 'console' });
    if (echo) process.stderr.write(`[bundle ${level}] ${message}\n`);
  };
  const fakeConsole = {
    log: (...args: unknown[]) => record('log', args),
    info: (...args: unknown[]) => record('info', args),
    warn: (...args: unknown[]) => record('warn', args),
    error: (...args: unknown[]) => record('error', args),
    debug: (...args: unknown[]) => record('debug', args),
    time: (label = 'default') => {
      timers.set(label, runtime.clock.now());
    },
    timeEnd: (label = 'default') => {
      const start = timers.get(label);
      timers.delete(label);
      if (start !== undefined) record('info', [`${label}: ${runtime.clock.now() - start}ms`]);
    },
  };
  return fakeConsole as unknown as Console;
}

/** `Logger.log(data)` or `Logger.log(format, ...values)` with `%s`-style placeholders. */
export function createLogger(runtime: ScriptRuntime, echo: boolean): GoogleAppsScript.Base.Logger {
  const lines: string[] = [];
  const logger = {
    log: (data: unknown, ...values: unknown[]) => {
      const message = values.length > 0 && typeof data === 'string' ? format(data, ...values) : format(data);
      lines.push(message);
      runtime.logs.push({ level: 'info', message, source: 'Logger' });
      if (echo) process.stderr.write(`[bundle Logger] ${message}\n`);
      return logger;
    },
    getLog: () => lines.join('\n'),
    clear: () => {
      lines.length = 0;
    },
  };
  return logger as unknown as GoogleAppsScript.Base.Logger;
}

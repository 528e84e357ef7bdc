import * as fs from 'node:fs';
import * as vm from 'node:vm';
import type { AppsScriptEnvironment } from './environment';

/** A bundle running in its own vm context over an environment. */
export interface LoadedBundle {
  context: vm.Context;
  /** Top-level `function` declarations of the bundle: the entry points Apps Script can run. */
  functions: string[];
  /**
   * Runs entry point `name` as one execution: locks it still holds are released afterwards.
   * Throws when `name` is not a top-level function declaration.
   */
  call(name: string, ...args: unknown[]): unknown;
  /** Fires trigger `uniqueId` (see `AppsScriptEnvironment.fireTrigger`) and runs its handler with the event. */
  runTrigger(uniqueId: string): unknown;
}

/**
 * Returns the names of top-level `function name(` declarations: lines that start with `function`
 * at column 0, which is how Apps Script finds entry points in a file. Assignments such as
 * `globalThis.x = ...` do not count. A line inside a template literal that starts with `function`
 * would be a false match.
 */
export function listTopLevelFunctions(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/^function[ \t]+([A-Za-z_$][\w$]*)[ \t]*\(/gm)) {
    const name = match[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Runs the built bundle (`dist/Code.js`) in a fresh `vm` context whose globals are only the
 * environment's services plus the JavaScript built-ins: no `require`, `process`, `Buffer`,
 * timers, `TextEncoder` or `fetch`, as in Apps Script. Stack traces name the file `Code.gs`
 * unless `options.filename` sets another name.
 */
export function loadBundle(codePath: string, env: AppsScriptEnvironment, options: { filename?: string } = {}): LoadedBundle {
  const source = fs.readFileSync(codePath, 'utf8');
  const filename = options.filename ?? 'Code.gs';
  const context = vm.createContext({}, { name: filename, codeGeneration: { strings: true, wasm: false } });

  env.bindContext(context);
  for (const [name, value] of Object.entries(env.globals)) {
    if (name === 'Date') continue;
    Object.defineProperty(context, name, { value, writable: true, configurable: true, enumerable: false });
  }
  new vm.Script(source, { filename }).runInContext(context);

  const functions = listTopLevelFunctions(source);
  const call = (name: string, ...args: unknown[]): unknown => {
    if (!functions.includes(name)) {
      throw new Error(`${name} is not a top-level function declaration in ${codePath}, so Apps Script could not run it; entry points: ${functions.join(', ') || 'none'}`);
    }
    const entryPoint = (context as Record<string, unknown>)[name];
    if (typeof entryPoint !== 'function') throw new Error(`${name} is declared in ${codePath} but is ${typeof entryPoint} at run time`);
    try {
      return (entryPoint as (...parameters: unknown[]) => unknown)(...args);
    } finally {
      env.endExecution();
    }
  };
  const runTrigger = (uniqueId: string): unknown => {
    const { record, event } = env.triggers.fire(uniqueId);
    return call(record.handler, event);
  };
  return { context, functions, call, runTrigger };
}

/** A typed promise over `google.script.run`, so each call names a server function and its payload. */
import type { ServerFunctions } from '../../shared/rpc';

type ServerFunctionName = keyof ServerFunctions;

export function callServer<Name extends ServerFunctionName>(name: Name, ...args: Parameters<ServerFunctions[Name]>): Promise<ReturnType<ServerFunctions[Name]>> {
  return new Promise((resolve, reject) => {
    const runner = google.script.run.withSuccessHandler<ReturnType<ServerFunctions[Name]>>(resolve).withFailureHandler(reject);
    const fn = runner[name] as ((...values: unknown[]) => void) | undefined;
    if (typeof fn !== 'function') {
      reject(new Error(`The server function "${name}" is missing from the script.`));
      return;
    }
    fn.apply(runner, args);
  });
}

/** Returns the element with the id, or fails loudly when the page and the script disagree. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no element #${id}.`);
  return element as T;
}

/** Returns the text of anything a failure handler receives, without an "Error: " or "Exception: " prefix. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^(Error|Exception): /, '');
}

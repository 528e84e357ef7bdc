/** A typed promise over `google.script.run`, so each call names a server function and its payload. */

export function callServer<T>(name: string, ...args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const runner = google.script.run.withSuccessHandler<T>(resolve).withFailureHandler(reject);
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

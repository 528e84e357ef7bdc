/** Parsing of a JSON answer from a pod, with messages that say what was wrong with the body. */

export type BodyResult = { ok: true; value: unknown } | { ok: false; message: string };

const BYTE_ORDER_MARK = '\uFEFF';

/** Parses a pod's answer as JSON, tolerating a byte-order mark, and explains a body that is not JSON. */
export function parseJsonBody(text: string): BodyResult {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;

  if (body.trim() === '') {
    return { ok: false, message: 'the body is empty (the panel may have been rewriting the file)' };
  }
  if (body.trimStart().startsWith('<')) {
    return { ok: false, message: 'the body is an HTML page, not JSON (a proxy error or a login page)' };
  }

  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `the body is not valid JSON (${detail}); it may have been cut off mid-write` };
  }
}

const MAX_RECORD_CHARS = 300;

/** Renders a record as short JSON text for the Invalid Rows tab. */
export function describeRecord(record: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(record) ?? String(record);
  } catch {
    text = String(record);
  }
  return text.length > MAX_RECORD_CHARS ? `${text.slice(0, MAX_RECORD_CHARS)}…` : text;
}

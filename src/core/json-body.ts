/** Parsing of a pod's JSON response, with messages that name what was wrong with the body. */

export type BodyResult = { ok: true; value: unknown } | { ok: false; message: string };

const BYTE_ORDER_MARK = '\uFEFF';

/** Parses a pod's response as JSON, tolerating a byte-order mark, and explains a body that is not JSON. */
export function parseJsonBody(text: string): BodyResult {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;

  if (body.trim() === '') {
    return { ok: false, message: 'the body is empty (the panel may have been rewriting the file)' };
  }
  if (body.includes('\u0000')) {
    return { ok: false, message: 'the body contains NUL characters, so it is UTF-16 text or a binary file, not UTF-8 JSON (the log must be saved as UTF-8)' };
  }
  if (body.trimStart().startsWith('<')) {
    return { ok: false, message: 'the body is an HTML page, not JSON (a proxy error or a login page)' };
  }

  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    const tolerated = NON_FINITE_TOKEN.test(body) ? parseWithNonFiniteAsNull(body) : undefined;
    if (tolerated !== undefined) {
      return { ok: true, value: tolerated };
    }
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `the body is not valid JSON (${detail}); it may have been cut off mid-write` };
  }
}

const NON_FINITE_TOKEN = /NaN|Infinity/;

/**
 * Parses JSON in which NaN, Infinity or -Infinity stand as values, reading each as null. Python's
 * json module writes them by default, and Flask's default JSON provider uses that module. One bad
 * number then sets aside its record, or blanks an optional field, instead of failing the whole
 * log. Returns undefined when the text is still not JSON.
 */
function parseWithNonFiniteAsNull(text: string): unknown {
  let json = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (inString) {
      json += char;
      if (char === '\\') {
        json += text[i + 1] ?? '';
        i++;
      } else if (char === '"') {
        inString = false;
      }
      continue;
    }

    const token = 'NI-'.includes(char) ? ['-Infinity', 'Infinity', 'NaN'].find((candidate) => text.startsWith(candidate, i)) : undefined;
    if (token) {
      json += 'null';
      i += token.length - 1;
      continue;
    }
    if (char === '"') inString = true;
    json += char;
  }

  try {
    return JSON.parse(json);
  } catch {
    return undefined;
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

/**
 * Fields the control panel always writes as Python floats, in `usage_log.json` and in
 * `/api/user_stats`. JSON.parse turns `4.0` into 4, so these keys tell the serialiser to put
 * the `.0` back.
 */
export const PANEL_FLOAT_KEYS: ReadonlySet<string> = new Set([
  'timestamp',
  'duration_hours',
  'cost',
  'total_hours',
  'total_cost',
  'start_time',
  'end_time',
  'hourly_rate',
]);

export interface DumpOptions {
  /** Spaces per nesting level; Python's `indent`. Defaults to 2. */
  indent?: number;
  /**
   * Writes everything on one line with Python's `separators=(",", ":")` and no `indent`, as the
   * pod exporter encodes its responses. `indent` is ignored then.
   */
  compact?: boolean;
  /** Keys whose integral values are written as floats (`4.0`). Defaults to PANEL_FLOAT_KEYS. */
  floatKeys?: ReadonlySet<string>;
}

/**
 * Serialises a JSON value the way Python's `json.dumps(value, indent=2)` does, which is how the
 * control panel writes `usage_log.json`. That means one item per line, `": "` between key and
 * value, and floats in Python's repr (`1e-05`, `4.0`). Every character outside printable ASCII
 * is escaped as `\uXXXX` (`ensure_ascii=True`).
 *
 * NOTE: an integral number is written as an int unless its key is in `floatKeys`, because
 * JavaScript numbers do not remember whether Python had a float.
 */
export function dumpsLikePython(value: unknown, options: DumpOptions = {}): string {
  const indent = options.compact === true ? null : (options.indent ?? 2);
  const floatKeys = options.floatKeys ?? PANEL_FLOAT_KEYS;
  return dumpValue(value, indent, 0, floatKeys, false);
}

/** `indent` null writes the compact form. */
function dumpValue(value: unknown, indent: number | null, depth: number, floatKeys: ReadonlySet<string>, isFloatKey: boolean): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (typeof value === 'string') {
    return escapeNonAscii(JSON.stringify(value));
  }
  if (typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) && !isFloatKey ? pythonIntRepr(value) : pythonFloatRepr(value);
  }

  if (indent === null) {
    if (typeof value === 'object') {
      return dumpCompact(value, floatKeys);
    }
    throw new TypeError(`Cannot serialise a ${typeof value} as JSON`);
  }
  const innerPad = ' '.repeat(indent * (depth + 1));
  const outerPad = ' '.repeat(indent * depth);

  if (Array.isArray(value)) {
    if (value.length === 0) {
      return '[]';
    }
    const items = value.map((item) => innerPad + dumpValue(item, indent, depth + 1, floatKeys, false));
    return `[\n${items.join(',\n')}\n${outerPad}]`;
  }

  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    if (entries.length === 0) {
      return '{}';
    }
    const members = entries.map(([key, item]) => {
      const dumped = dumpValue(item, indent, depth + 1, floatKeys, floatKeys.has(key));
      return `${innerPad}${escapeNonAscii(JSON.stringify(key))}: ${dumped}`;
    });
    return `{\n${members.join(',\n')}\n${outerPad}}`;
  }

  throw new TypeError(`Cannot serialise a ${typeof value} as JSON`);
}

/** Serialises an array or object as `json.dumps(value, separators=(",", ":"))` does. */
function dumpCompact(value: object, floatKeys: ReadonlySet<string>): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => dumpValue(item, null, 0, floatKeys, false)).join(',')}]`;
  }
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .map(([key, item]) => `${escapeNonAscii(JSON.stringify(key))}:${dumpValue(item, null, 0, floatKeys, floatKeys.has(key))}`);
  return `{${members.join(',')}}`;
}

function pythonIntRepr(value: number): string {
  // JavaScript switches to exponent notation at 1e21; Python prints every digit of an int.
  return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (which JavaScript computes too),
 * in fixed notation for exponents from -5 to 15 and in scientific notation with an at least
 * two-digit exponent otherwise. Non-finite values come out as json.dumps writes them.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? 'Infinity' : '-Infinity';
  }

  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);

  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) {
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }

  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fractionPart = digits.slice(exponent + 1) || '0';
  return `${sign}${integerPart}.${fractionPart}`;
}

/** Python escapes everything outside the range space..tilde, DEL included; JSON.stringify keeps it. */
function escapeNonAscii(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

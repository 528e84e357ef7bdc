import { readFileSync } from 'node:fs';
import path from 'node:path';

import { dumpsLikePython } from './python-json';

const CONTROL_PANEL_DIR = path.join(__dirname, '..', 'data', 'control-panel');

describe('dumpsLikePython', () => {
  it.each([['a1b2c3d4e5-usage_log.json'], ['f6g7h8i9j0-usage_log.json'], ['k1l2m3n4o5-api_user_stats.json']])(
    'reproduces fixture %s',
    (name) => {
      // The fixtures are Python's json.dumps(indent=2) output plus a final newline.
      const text = readFileSync(path.join(CONTROL_PANEL_DIR, name), 'utf8');

      expect(dumpsLikePython(JSON.parse(text))).toBe(text.replace(/\n$/, ''));
    },
  );

  it.each([
    ['empty array', [], '[]'],
    ['empty object', {}, '{}'],
    ['nested empties', { a: [], b: {} }, '{\n  "a": [],\n  "b": {}\n}'],
    ['non-ASCII escaped', 'Zoë 😀', '"Zo\\u00eb \\ud83d\\ude00"'],
    ['DEL escaped', '\u007f', '"\\u007f"'],
    ['control escaped', 'a\nb\u0001', '"a\\nb\\u0001"'],
    ['null', null, 'null'],
    ['undefined member skipped', { a: 1, b: undefined }, '{\n  "a": 1\n}'],
    ['integral float key', { cost: 4, gpuCount: 4 }, '{\n  "cost": 4.0,\n  "gpuCount": 4\n}'],
    ['big int', 1e22, '10000000000000000000000'],
  ])('%s', (_case, value, expected) => {
    expect(dumpsLikePython(value)).toBe(expected);
  });

  // Expected strings are Python 3's json.dumps output for the same floats.
  it.each([
    [4, '4.0'],
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1e16, '1e+16'],
    [1234567890123456, '1234567890123456.0'],
    [1.5e300, '1.5e+300'],
    [-0, '-0.0'],
    [1794322676.585944, '1794322676.585944'],
    [5e-324, '5e-324'],
    [1e22, '1e+22'],
    [-2.5e-7, '-2.5e-07'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('float %p as Python writes it', (value, expected) => {
    expect(dumpsLikePython({ timestamp: value })).toBe(`{\n  "timestamp": ${expected}\n}`);
  });

  // Expected strings are Python 3's json.dumps(value, separators=(",", ":")) output.
  it.each([
    ['empty array', [], '[]'],
    ['empty object', {}, '{}'],
    ['events', [{ user: 'Zoë', timestamp: 1794000000, cost: 0.5 }, { user: 'bo', timestamp: 1e-5 }], '[{"user":"Zo\\u00eb","timestamp":1794000000.0,"cost":0.5},{"user":"bo","timestamp":1e-05}]'],
    ['nested', { a: [1, [2, {}]], b: null, c: true }, '{"a":[1,[2,{}]],"b":null,"c":true}'],
    ['undefined member skipped', { a: 1, b: undefined }, '{"a":1}'],
  ])('compact %s', (_case, value, expected) => {
    expect(dumpsLikePython(value, { compact: true, indent: 4 })).toBe(expected);
  });

  it('custom indent and float keys', () => {
    expect(dumpsLikePython({ a: [1] }, { indent: 4, floatKeys: new Set(['a']) })).toBe('{\n    "a": [\n        1\n    ]\n}');
  });
});

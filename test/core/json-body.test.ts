import { describeRecord, parseJsonBody } from '../../src/core/json-body';

describe('parseJsonBody', () => {
  it('reads a body after a byte-order mark', () => {
    expect(parseJsonBody('\uFEFF[{"user":"ana"}]')).toEqual({ ok: true, value: [{ user: 'ana' }] });
  });

  it.each([
    ['an empty body', '  \n', 'the body is empty'],
    ['an HTML page', '\uFEFF <!DOCTYPE html><p>502</p>', 'HTML page'],
    ['a body cut off', '[{"user": "ana", "act', 'it may have been cut off mid-write'],
    ['a UTF-16 body read as UTF-8', '\uFFFD\uFFFD[\u0000{\u0000"\u0000', 'UTF-16 text or a binary file'],
  ])('explains %s', (_name, text, messagePart) => {
    const parsed = parseJsonBody(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(messagePart);
  });

  it('reads NaN and Infinity as null', () => {
    const parsed = parseJsonBody('[{"cost": NaN, "duration_hours": Infinity, "timestamp": -Infinity, "user": "NaN Infinity"}]');
    expect(parsed).toEqual({ ok: true, value: [{ cost: null, duration_hours: null, timestamp: null, user: 'NaN Infinity' }] });
  });

  it('keeps escaped quotes inside strings', () => {
    const parsed = parseJsonBody('{"a \\" NaN": [NaN]}');
    expect(parsed).toEqual({ ok: true, value: { 'a " NaN': [null] } });
  });

  it('still rejects a cut-off body with NaN', () => {
    const parsed = parseJsonBody('[{"cost": NaN, "user": "an');
    expect(parsed.ok).toBe(false);
  });
});

describe('describeRecord', () => {
  it('cuts long records to 300 characters', () => {
    const text = describeRecord({ note: 'x'.repeat(400) });
    expect(text).toHaveLength(301);
    expect(text.endsWith('…')).toBe(true);
  });
});

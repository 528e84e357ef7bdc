/** A value of an Apps Script enum such as `ScriptApp.EventType.CLOCK`: compared by identity, printed by name. */
export interface AppsScriptEnumValue {
  name(): string;
  ordinal(): number;
  toString(): string;
  toJSON(): string;
}

/** Builds an Apps Script enum whose values print as their names, in declaration order. */
export function createEnum<const Name extends string>(names: readonly Name[]): Readonly<Record<Name, AppsScriptEnumValue>> {
  const values = {} as Record<Name, AppsScriptEnumValue>;
  names.forEach((name, index) => {
    values[name] = Object.freeze({
      name: () => name,
      ordinal: () => index,
      toString: () => name,
      toJSON: () => name,
    });
  });
  return Object.freeze(values);
}

/** Returns the name of an enum value, or of a plain string the product passed instead. */
export function enumName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as AppsScriptEnumValue).name === 'function') {
    return (value as AppsScriptEnumValue).name();
  }
  return String(value);
}

import * as vm from 'node:vm';
import { type FakeClock, installClockDate, makeClockDate } from './clock';

/**
 * The JavaScript realm whose constructors the fakes use for the objects they hand to the product.
 *
 * A bundle loaded in a `node:vm` context has its own `Error`, `Date`, `Array` and `Object`, so an
 * exception, date or array built with the test's constructors would fail `instanceof` inside the
 * bundle. Until a context is bound, the realm is the test's own one.
 */
export class Realm {
  /** The `Error` constructor of the bound context. */
  Error: ErrorConstructor = Error;
  /** The `Array` constructor of the bound context. */
  Array: ArrayConstructor = Array;
  /** The `Object` constructor of the bound context. */
  Object: ObjectConstructor = Object;
  /** The clock-driven `Date` constructor of the bound context. */
  Date: DateConstructor;
  /** The bound context, or undefined while the fakes run in the test's realm. */
  context: vm.Context | undefined;
  /** The context's intrinsic `Date`, which builds dates for given instants faster than the clock wrapper. */
  private intrinsicDate: DateConstructor = Date;

  constructor(private readonly clock: FakeClock) {
    this.Date = makeClockDate(() => clock.now());
  }

  /** Makes the fakes build their errors and dates with the intrinsics of `context`. */
  bind(context: vm.Context): void {
    this.context = context;
    this.Error = vm.runInContext('Error', context) as ErrorConstructor;
    this.Array = vm.runInContext('Array', context) as ArrayConstructor;
    this.Object = vm.runInContext('Object', context) as ObjectConstructor;
    this.intrinsicDate = vm.runInContext('Date', context) as DateConstructor;
    this.Date = installClockDate(context, () => this.clock.now());
  }

  /** Builds the error Apps Script throws from a service: `String(error)` reads `Exception: <message>`. */
  exception(message: string): Error {
    const error = new this.Error(message);
    error.name = 'Exception';
    return error;
  }

  /** Builds a `Date` of the bound realm for the instant `ms`. */
  date(ms: number): Date {
    return new this.intrinsicDate(ms);
  }

  /** Builds an empty array of the bound realm with `length` slots. */
  newArray<T>(length: number): T[] {
    return new this.Array<T>(length);
  }

  /** Copies `items` into an array of the bound realm. */
  array<T>(items: readonly T[]): T[] {
    return this.Array.from(items);
  }

  /** Copies the own enumerable properties of `source` into a plain object of the bound realm. */
  object<T extends object>(source: T): T {
    return this.Object.assign(new this.Object(), source) as T;
  }

  /** Evaluates `source` as a script in the bound context, or in a fresh context when none is bound. */
  evaluate(source: string, filename: string): unknown {
    const script = new vm.Script(source, { filename });
    return this.context === undefined ? script.runInNewContext({}) : script.runInContext(this.context);
  }
}

/** Tells whether `value` is a `Date` of any realm; `instanceof Date` fails across realms. */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

/** Names a value the way Apps Script does in "The parameters (...) don't match" messages. */
export function appsScriptTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  if (isDate(value)) return 'Date';
  if (Array.isArray(value)) return 'Object[]';
  return 'Object';
}

/** Builds the exception Apps Script throws when arguments do not fit a method. */
export function signatureMismatch(realm: Realm, method: string, args: unknown[]): Error {
  const types = args.map(appsScriptTypeName).join(',');
  return realm.exception(`The parameters (${types}) don't match the method signature for ${method}.`);
}

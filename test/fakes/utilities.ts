import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createEnum, enumName } from './apps-script-enum';
import { FakeBlob, bytesOf, toSignedBytes } from './blob';
import { formatJavaDate } from './java-date-format';
import { isDate, signatureMismatch } from './realm';
import type { ScriptRuntime } from './runtime';

export const Charset = createEnum(['US_ASCII', 'UTF_8']);
export const DigestAlgorithm = createEnum(['MD2', 'MD5', 'SHA_1', 'SHA_256', 'SHA_384', 'SHA_512']);

/** `Utilities.sleep` accepts at most five minutes. */
export const MAX_SLEEP_MS = 300_000;

const NODE_DIGESTS: Record<string, string> = { MD5: 'md5', SHA_1: 'sha1', SHA_256: 'sha256', SHA_384: 'sha384', SHA_512: 'sha512' };

function charsetName(charset: unknown): string {
  const name = charset === undefined ? 'UTF_8' : enumName(charset);
  return name === 'US_ASCII' ? 'US-ASCII' : 'UTF-8';
}

/** `Utilities`, with `sleep` moving the fake clock and counting instead of waiting. */
export class FakeUtilities {
  sleepCalls = 0;
  sleptMs = 0;

  constructor(private readonly runtime: ScriptRuntime) {}

  /** Builds the `Utilities` global. */
  createService(): GoogleAppsScript.Utilities.Utilities {
    const realm = this.runtime.realm;
    const service = {
      Charset,
      DigestAlgorithm,
      formatDate: (date: Date, timeZone: string, format: string): string => {
        if (!isDate(date) || typeof timeZone !== 'string' || typeof format !== 'string') {
          throw signatureMismatch(realm, 'Utilities.formatDate', [date, timeZone, format]);
        }
        try {
          return formatJavaDate(date.getTime(), timeZone, format);
        } catch (error) {
          throw realm.exception((error as Error).message);
        }
      },
      formatString: (template: string, ...args: unknown[]): string => formatString(template, args),
      sleep: (milliseconds: number): void => {
        if (typeof milliseconds !== 'number' || milliseconds < 0 || milliseconds > MAX_SLEEP_MS) {
          // NOTE: the wording of this error is not confirmed against Apps Script.
          throw realm.exception(`Invalid argument: milliseconds. Sleep accepts 0 to ${MAX_SLEEP_MS} ms.`);
        }
        this.sleepCalls++;
        this.sleptMs += milliseconds;
        this.runtime.clock.advance(milliseconds);
      },
      getUuid: (): string => randomUUID(),
      base64Encode: (data: unknown, charset?: unknown): string => Buffer.from(bytesOf(data, charsetName(charset))).toString('base64'),
      base64EncodeWebSafe: (data: unknown, charset?: unknown): string =>
        Buffer.from(bytesOf(data, charsetName(charset))).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
      base64Decode: (encoded: string): number[] => realm.array(toSignedBytes(new Uint8Array(Buffer.from(encoded, 'base64')))),
      base64DecodeWebSafe: (encoded: string): number[] => realm.array(toSignedBytes(new Uint8Array(Buffer.from(encoded, 'base64url')))),
      newBlob: (data: unknown, contentType?: string, name?: string): FakeBlob => new FakeBlob(bytesOf(data ?? ''), contentType ?? null, name ?? null, realm),
      computeDigest: (algorithm: unknown, value: unknown, charset?: unknown): number[] => {
        const digest = NODE_DIGESTS[enumName(algorithm)];
        if (digest === undefined) throw realm.exception(`Invalid argument: algorithm`);
        return realm.array(toSignedBytes(new Uint8Array(createHash(digest).update(bytesOf(value, charsetName(charset))).digest())));
      },
      computeHmacSha256Signature: (value: unknown, key: unknown, charset?: unknown): number[] => {
        const signature = createHmac('sha256', bytesOf(key, charsetName(charset))).update(bytesOf(value, charsetName(charset))).digest();
        return realm.array(toSignedBytes(new Uint8Array(signature)));
      },
    };
    return service as unknown as GoogleAppsScript.Utilities.Utilities;
  }
}

/** `Utilities.formatString`: `%s`, `%d`, `%f` with optional precision such as `%.2f`, and `%%`. */
export function formatString(template: string, args: unknown[]): string {
  let next = 0;
  return template.replace(/%(?:\.(\d+))?([sdif%])/g, (match, precision: string | undefined, kind: string) => {
    if (kind === '%') return '%';
    const value = args[next++];
    if (kind === 's') return String(value);
    if (kind === 'd' || kind === 'i') return String(Math.trunc(Number(value)));
    return precision === undefined ? String(Number(value)) : Number(value).toFixed(Number(precision));
  });
}

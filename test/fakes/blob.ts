import type { Realm } from './realm';

/**
 * `Blob` and Java-style byte arrays: Apps Script represents bytes as arrays of signed numbers
 * from -128 to 127, as Java's `byte[]` does.
 */

/** Converts bytes to Apps Script's signed byte array. */
export function toSignedBytes(bytes: Uint8Array): number[] {
  const signed = new Array<number>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    signed[i] = byte > 127 ? byte - 256 : byte;
  }
  return signed;
}

/** Converts an Apps Script byte array (signed or unsigned numbers) to bytes. */
export function fromByteArray(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = (values[i] as number) & 0xff;
  return bytes;
}

/** Decodes bytes with a charset name such as `UTF-8` or `ISO-8859-1`; invalid bytes become U+FFFD. */
export function decodeText(bytes: Uint8Array, charset = 'UTF-8'): string {
  return new TextDecoder(charset.toLowerCase()).decode(bytes);
}

/** Encodes text in UTF-8, or in ISO-8859-1/US-ASCII when `charset` names one of those. */
export function encodeText(text: string, charset = 'UTF-8'): Uint8Array {
  const name = charset.toUpperCase();
  if (name === 'US-ASCII' || name === 'ISO-8859-1' || name === 'LATIN1') return new Uint8Array(Buffer.from(text, 'latin1'));
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** Reads bytes from what Apps Script methods accept as data: a string, a byte array or a blob. */
export function bytesOf(data: unknown, charset = 'UTF-8'): Uint8Array {
  if (typeof data === 'string') return encodeText(data, charset);
  if (data instanceof FakeBlob) return data.bytes;
  if (data instanceof Uint8Array) return data;
  if (Array.isArray(data)) return fromByteArray(data as number[]);
  if (typeof data === 'object' && data !== null && typeof (data as { getBytes?: unknown }).getBytes === 'function') {
    return fromByteArray((data as { getBytes(): number[] }).getBytes());
  }
  return encodeText(String(data), charset);
}

/**
 * `Utilities.newBlob(...)`, `HTTPResponse.getBlob()` and `HtmlOutput.getBlob()`. With a realm,
 * `getBytes()` returns arrays of that realm.
 */
export class FakeBlob {
  constructor(
    public bytes: Uint8Array,
    private contentType: string | null = null,
    private name: string | null = null,
    private readonly realm?: Realm,
  ) {}

  getBytes(): number[] {
    const signed = toSignedBytes(this.bytes);
    return this.realm === undefined ? signed : this.realm.array(signed);
  }

  getDataAsString(charset?: string): string {
    return decodeText(this.bytes, charset);
  }

  setDataFromString(text: string, charset?: string): FakeBlob {
    this.bytes = encodeText(text, charset);
    return this;
  }

  setBytes(data: number[]): FakeBlob {
    this.bytes = fromByteArray(data);
    return this;
  }

  getContentType(): string | null {
    return this.contentType;
  }

  setContentType(contentType: string | null): FakeBlob {
    this.contentType = contentType;
    return this;
  }

  getName(): string | null {
    return this.name;
  }

  setName(name: string): FakeBlob {
    this.name = name;
    return this;
  }

  copyBlob(): FakeBlob {
    return new FakeBlob(this.bytes.slice(), this.contentType, this.name, this.realm);
  }

  getBlob(): FakeBlob {
    return this;
  }

  isGoogleType(): boolean {
    return false;
  }
}

/**
 * What the two text formats (Intel HEX, Motorola S-record) share: numbered non-blank lines and
 * pairs of hex digits turned into bytes.
 */
import { UserError } from '../errors.js';

export interface NumberedLine {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The line without surrounding white space. */
  readonly text: string;
}

/** The non-blank lines of a text, numbered from 1 (CRLF and LF endings). */
export function* splitLines(text: string): Generator<NumberedLine> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t !== '') yield { line: i + 1, text: t };
  }
}

/** Throws a UserError naming the file and line (given to each record's visitor). */
export type Fail = (message: string) => never;

/**
 * Calls `visit` for each non-blank line (and its number) with a `fail` that throws a one-line UserError
 * "FILE: line N: message". Returns the number of the last non-blank line (0 for an empty text).
 */
export function eachRecord(text: string, file: string, visit: (record: string, fail: Fail, line: number) => void): number {
  let lastLine = 0;
  for (const { line, text: record } of splitLines(text)) {
    lastLine = line;
    const fail = (message: string): never => {
      throw new UserError(`${file}: line ${line}: ${message}`);
    };
    visit(record, fail, line);
  }
  return lastLine;
}

/** Bytes from an even number of hex digits; calls `fail` (which throws) on anything else. */
export function parseHexBytes(digits: string, fail: Fail): Uint8Array {
  if (digits.length % 2 !== 0) fail('bad record: odd number of hex digits');
  if (!/^[0-9A-Fa-f]*$/.test(digits)) fail(`bad record: not a hex digit: '${digits.match(/[^0-9A-Fa-f]/)![0]}'`);
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.substr(i * 2, 2), 16);
  return bytes;
}

/** Decodes a text file's bytes (ASCII; anything else is caught by the record checks). */
export function textOf(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes);
}

/** Two upper-case hex digits. */
export function byteHex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

/** Sum of the bytes (for the records' checksums). */
export function sumOfBytes(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum += b;
  return sum;
}

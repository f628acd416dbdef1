/**
 * `loadImageFile`: reads an image file from disk (Node) and parses it with `parseImage`. Kept apart
 * from load.ts so that the rest of the loaders runs in a browser.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Image } from './image.js';
import { parseImage, type LoadOptions } from './load.js';

/** Loads an ELF, Intel HEX, S-record or raw binary file. Unreadable or bad files → UserError (one line). */
export function loadImageFile(path: string, options: LoadOptions = {}): Image {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    throw new UserError(`${path}: cannot read: ${why}`);
  }
  return parseImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, options);
}

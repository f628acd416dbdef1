/**
 * `loadImageFile`: reads an image file from disk (Node) and parses it with `parseImage`. Kept apart
 * from load.ts so that the rest of the loaders runs in a browser.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { UserError, fsErrorText } from '../errors.js';
import type { Image } from './image.js';
import { parseImage, type LoadOptions } from './load.js';

/** Most bytes read from a pipe or a device: far more than any image, reached at once by /dev/zero. */
export const STREAM_LIMIT = 256 * 1024 * 1024;

/**
 * The bytes of a file. A regular file is read whole; a pipe or device (`<(objcopy ...)`, /dev/stdin)
 * is read to its end, but not past STREAM_LIMIT, so that an endless one cannot hang f4emu.
 */
function readBytes(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    if (fstatSync(fd).isFile()) return readFileSync(fd);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(1 << 20);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > STREAM_LIMIT) throw new UserError(`${path}: more than ${STREAM_LIMIT / (1024 * 1024)} MiB from a pipe or device: not an image`);
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** Loads an ELF, Intel HEX, S-record or raw binary file. Unreadable or bad files → UserError (one line). */
export function loadImageFile(path: string, options: LoadOptions = {}): Image {
  let bytes: Uint8Array;
  try {
    bytes = readBytes(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${path}: cannot read: ${fsErrorText(e)}`);
  }
  return parseImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, options);
}

/**
 * Raw binary: the file's bytes, placed from a base address the user gives (`--base`), as
 * `objcopy -O binary` writes them and as st-flash/dfu-util take them. No entry point, no symbols.
 */
import { DEFAULT_DEVICE, region } from '../device/stm32f407.js';
import { UserError, hex32 } from '../errors.js';
import type { Image } from './image.js';

/** Where raw binaries usually load, for the examples in messages and help: the start of main flash. */
export const TYPICAL_BASE = hex32(region(DEFAULT_DEVICE, 'flash').start);

/** Places a raw binary at `base`. Missing base or an empty file → UserError naming the file. */
export function parseBinary(bytes: Uint8Array, file: string, base: number | undefined): Image {
  if (base === undefined) {
    throw new UserError(`${file}: a raw binary holds no addresses: give its load address with --base (e.g. --base ${TYPICAL_BASE})`);
  }
  if (bytes.length === 0) throw new UserError(`${file}: offset 0x0: empty file, nothing to load`);
  if (base < 0 || base + bytes.length > 0x1_0000_0000) {
    throw new UserError(`${file}: offset 0x0: ${bytes.length} bytes from --base 0x${base.toString(16).toUpperCase()} run past the end of the 32-bit address space`);
  }
  return { file, format: 'bin', segments: [{ address: base, data: bytes.slice() }], sections: [], symbols: [] };
}

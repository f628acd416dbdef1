/**
 * One entry for every image format: `parseImage` works on bytes (also in a browser), `loadImageFile`
 * reads a file first. The format comes from the caller, else from the file's first bytes (ELF magic,
 * ':' for Intel HEX, 'S' + digit for S-records), else from its extension (.bin is raw and needs a base).
 */
import { UserError } from '../errors.js';
import { parseBinary } from './bin.js';
import { isElf, parseElf } from './elf.js';
import { isIntelHex, parseIntelHex } from './ihex.js';
import type { Image, ImageFormat } from './image.js';
import { isSrec, parseSrec } from './srec.js';
import { textOf } from './text-records.js';

export interface LoadOptions {
  /** Force a format instead of guessing it. */
  readonly format?: ImageFormat;
  /** Load address of a raw binary (required for .bin, refused for the formats that carry addresses). */
  readonly base?: number;
}

const EXTENSIONS: Readonly<Record<string, ImageFormat>> = {
  elf: 'elf', axf: 'elf', out: 'elf',
  hex: 'ihex', ihex: 'ihex', ihx: 'ihex',
  srec: 'srec', s19: 'srec', s28: 'srec', s37: 'srec', mot: 'srec', sx: 'srec',
  bin: 'bin',
};

const FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = { elf: 'an ELF file', ihex: 'an Intel HEX file', srec: 'an S-record file', bin: 'a raw binary' };

function extensionOf(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Chooses the format: explicit, else by content, else by extension, else raw if a base was given. */
export function detectFormat(bytes: Uint8Array, file: string, options: LoadOptions = {}): ImageFormat {
  if (options.format) return options.format;
  const byExtension = EXTENSIONS[extensionOf(file)];
  if (byExtension === 'bin') return 'bin';
  if (isElf(bytes)) return 'elf';
  if (isIntelHex(bytes)) return 'ihex';
  if (isSrec(bytes)) return 'srec';
  if (byExtension) return byExtension; // the reader then reports what is wrong with the content
  if (options.base !== undefined) return 'bin';
  throw new UserError(`${file}: offset 0x0: not an ELF, Intel HEX or S-record file; for a raw binary give its load address with --base`);
}

/** True when the bytes are only white space (an empty file, or blank lines). */
function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a);
}

/** Reads an image from its bytes. `file` names it in errors. */
export function parseImage(bytes: Uint8Array, file: string, options: LoadOptions = {}): Image {
  if (bytes.length === 0) throw new UserError(`${file}: offset 0x0: empty file, nothing to load`);
  const format = detectFormat(bytes, file, options);
  if ((format === 'ihex' || format === 'srec') && isBlank(bytes)) throw new UserError(`${file}: line 1: only blank lines, nothing to load`);
  if (format !== 'bin' && options.base !== undefined) {
    throw new UserError(`${file}: --base applies to raw binaries only; this is ${FORMAT_NAMES[format]}, which carries its own addresses`);
  }
  switch (format) {
    case 'elf':
      return parseElf(bytes, file);
    case 'ihex':
      return withData(parseIntelHex(textOf(bytes), file));
    case 'srec':
      return withData(parseSrec(textOf(bytes), file));
    case 'bin':
      return parseBinary(bytes, file, options.base);
  }
}

/** A text image must place at least one byte: a file of only header and end records loads nothing. */
function withData(image: Image): Image {
  if (image.segments.length === 0) throw new UserError(`${image.file}: no data records: nothing to load`);
  return image;
}

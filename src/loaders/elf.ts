/**
 * ELF32 little-endian ARM executables (System V ABI "ELF" chapter, ARM IHI 0044 "ELF for the Arm
 * Architecture"): loadable program headers placed by their PHYSICAL address (p_paddr, the LMA a
 * programmer writes to), the entry point, the allocated sections with their load addresses, and the
 * symbols of .symtab.
 *
 * Written here rather than taken from npm: the ELF readers on the registry (elfy 1.0.0, elf-tools 1.1.2)
 * need Node's Buffer (f4emu also runs in a browser), do not read .symtab symbols, and slice past the
 * end of a truncated file without noticing, so none gives the one-line error with an offset that a bad
 * file must produce. The format needs only fixed-layout little-endian reads.
 */
import { UserError, hex32 } from '../errors.js';
import { assertNoOverlap, type Chunk } from './chunks.js';
import type { Image, ImageSymbol, Section, Segment } from './image.js';

const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;
const SYM_SIZE = 16;
const EM_ARM = 40;
const ET_EXEC = 2;
const ET_DYN = 3;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_SECTION = 3;
const STT_FILE = 4;

interface ProgramHeader {
  readonly index: number;
  /** Where the header itself is in the file (for error messages). */
  readonly at: number;
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly paddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly flags: number;
}

interface SectionHeader {
  readonly index: number;
  readonly nameOffset: number;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly entsize: number;
}

/** Bounds-checked little-endian reads that fail with the file name and offset. */
class Reader {
  readonly view: DataView;
  constructor(
    readonly file: string,
    readonly bytes: Uint8Array,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(offset: number, message: string): never {
    throw new UserError(`${this.file}: offset ${hex(offset)}: ${message}`);
  }
  /** Throws "truncated <what>" unless [offset, offset+length) lies inside the file. */
  need(offset: number, length: number, what: string): void {
    if (offset + length > this.bytes.length) {
      this.fail(Math.min(offset, this.bytes.length), `truncated ${what}: needs bytes up to ${hex(offset + length)}, the file ends at ${hex(this.bytes.length)}`);
    }
  }
  u8(offset: number): number {
    return this.view.getUint8(offset);
  }
  u16(offset: number): number {
    return this.view.getUint16(offset, true);
  }
  u32(offset: number): number {
    return this.view.getUint32(offset, true);
  }
}

function hex(n: number): string {
  return '0x' + n.toString(16).toUpperCase();
}

/** Checks e_ident and the header fields that decide whether f4emu can run the file (ELF gABI §"ELF Header"). */
function checkIdentity(r: Reader): void {
  r.need(0, 4, 'ELF header');
  if (r.u8(0) !== 0x7f || r.u8(1) !== 0x45 || r.u8(2) !== 0x4c || r.u8(3) !== 0x46) r.fail(0, 'bad magic: not an ELF file');
  r.need(0, EHDR_SIZE, 'ELF header');
  const cls = r.u8(4);
  if (cls === 2) r.fail(4, '64-bit ELF (ELFCLASS64); f4emu runs 32-bit ARM executables');
  if (cls !== 1) r.fail(4, `bad ELF class ${cls}`);
  const data = r.u8(5);
  if (data === 2) r.fail(5, 'big-endian ELF (ELFDATA2MSB); the Cortex-M4 of the STM32F407 is little-endian');
  if (data !== 1) r.fail(5, `bad ELF data encoding ${data}`);
  const machine = r.u16(18);
  if (machine !== EM_ARM) r.fail(18, `not an ARM executable (e_machine ${machine}, ARM is ${EM_ARM})`);
  const type = r.u16(16);
  if (type === 1) r.fail(16, 'relocatable object (ET_REL), not a linked executable: link it first');
  if (type !== ET_EXEC && type !== ET_DYN) r.fail(16, `not an executable (e_type ${type})`);
}

/**
 * Reads a table of fixed-size entries whose file offset, entry size and count are fields of the ELF
 * header (at the given header offsets). An entry size smaller than the format's is refused.
 */
function readTable<T>(r: Reader, fields: { offset: number; entsize: number; count: number }, minSize: number, what: string, entry: (at: number, index: number) => T): T[] {
  const offset = r.u32(fields.offset);
  const entsize = r.u16(fields.entsize);
  const count = r.u16(fields.count);
  if (offset === 0 || count === 0) return [];
  if (entsize < minSize) r.fail(fields.entsize, `bad ${what} entry size ${entsize} (needs ${minSize})`);
  r.need(offset, count * entsize, what);
  return Array.from({ length: count }, (_, i) => entry(offset + i * entsize, i));
}

function readProgramHeaders(r: Reader): ProgramHeader[] {
  return readTable(r, { offset: 28, entsize: 42, count: 44 }, PHDR_SIZE, 'program header table', (o, index) => ({
    index,
    at: o,
    type: r.u32(o),
    offset: r.u32(o + 4),
    vaddr: r.u32(o + 8),
    paddr: r.u32(o + 12),
    filesz: r.u32(o + 16),
    memsz: r.u32(o + 20),
    flags: r.u32(o + 24),
  }));
}

function readSectionHeaders(r: Reader): SectionHeader[] {
  return readTable(r, { offset: 32, entsize: 46, count: 48 }, SHDR_SIZE, 'section header table', (o, index) => ({
    index,
    nameOffset: r.u32(o),
    type: r.u32(o + 4),
    flags: r.u32(o + 8),
    addr: r.u32(o + 12),
    offset: r.u32(o + 16),
    size: r.u32(o + 20),
    link: r.u32(o + 24),
    entsize: r.u32(o + 36),
  }));
}

/** A NUL-terminated name in a string table section. */
function stringAt(r: Reader, table: SectionHeader | undefined, offset: number): string {
  if (!table) return '';
  const start = table.offset + offset;
  if (offset >= table.size) r.fail(start, `name offset ${offset} lies outside its string table (section ${table.index})`);
  const limit = table.offset + table.size;
  r.need(table.offset, table.size, `string table (section ${table.index})`);
  let end = start;
  while (end < limit && r.bytes[end] !== 0) end++;
  return new TextDecoder().decode(r.bytes.subarray(start, end));
}

function loadSegments(r: Reader, headers: readonly ProgramHeader[]): Segment[] {
  const segments: Segment[] = [];
  const chunks: Chunk[] = [];
  for (const ph of headers) {
    if (ph.type !== PT_LOAD || ph.memsz === 0) continue;
    const where = `segment ${ph.index} (LMA ${hex32(ph.paddr)})`;
    if (ph.filesz > ph.memsz) r.fail(ph.at, `${where}: file size ${ph.filesz} exceeds memory size ${ph.memsz}`);
    if (ph.paddr + ph.filesz > 0x1_0000_0000) r.fail(ph.at, `${where}: runs past the end of the 32-bit address space`);
    r.need(ph.offset, ph.filesz, where);
    const data = r.bytes.slice(ph.offset, ph.offset + ph.filesz);
    chunks.push({ address: ph.paddr, data, origin: `segment ${ph.index} at offset ${hex(ph.offset)}` });
    segments.push({
      address: ph.paddr,
      data,
      ...(ph.vaddr !== ph.paddr ? { virtualAddress: ph.vaddr } : {}),
      ...(ph.memsz !== ph.filesz ? { memorySize: ph.memsz } : {}),
      flags: { read: (ph.flags & PF_R) !== 0, write: (ph.flags & PF_W) !== 0, exec: (ph.flags & PF_X) !== 0 },
    });
  }
  assertNoOverlap(r.file, chunks);
  return segments.sort((a, b) => a.address - b.address);
}

/**
 * Load address of an allocated section: the segment that holds it maps its run address (VMA) to a
 * load address (LMA) by the same offset (ld's rule for `AT >`). NOBITS sections keep their run address.
 */
function loadAddressOf(sh: SectionHeader, headers: readonly ProgramHeader[]): number {
  if (sh.type === SHT_NOBITS) return sh.addr; // nothing is loaded: .bss only has a run address
  for (const ph of headers) {
    if (ph.type !== PT_LOAD) continue;
    const inFile = sh.size > 0 && sh.offset >= ph.offset && sh.offset + sh.size <= ph.offset + ph.filesz;
    const inMemory = sh.addr >= ph.vaddr && sh.addr + sh.size <= ph.vaddr + ph.memsz;
    if (inMemory && (inFile || sh.size === 0)) return (ph.paddr + (sh.addr - ph.vaddr)) >>> 0;
  }
  return sh.addr;
}

function readSections(r: Reader, sections: readonly SectionHeader[], programs: readonly ProgramHeader[]): Section[] {
  const shstrndx = r.u16(50);
  const names = sections[shstrndx];
  const out: Section[] = [];
  for (const sh of sections) {
    if ((sh.flags & SHF_ALLOC) === 0 || sh.index === 0) continue;
    out.push({
      name: stringAt(r, names, sh.nameOffset),
      address: sh.addr,
      loadAddress: loadAddressOf(sh, programs),
      size: sh.size,
      nobits: sh.type === SHT_NOBITS,
      write: (sh.flags & SHF_WRITE) !== 0,
      exec: (sh.flags & SHF_EXECINSTR) !== 0,
    });
  }
  return out;
}

/** Symbols of .symtab, without section/file symbols and ARM mapping symbols ($t, $d, $a). Values as in the file (Thumb functions keep bit 0). */
function readSymbols(r: Reader, sections: readonly SectionHeader[]): ImageSymbol[] {
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) return [];
  const strtab = sections[symtab.link];
  const entsize = symtab.entsize || SYM_SIZE;
  if (entsize < SYM_SIZE) r.fail(symtab.offset, `bad symbol entry size ${entsize}`);
  r.need(symtab.offset, symtab.size, `symbol table (section ${symtab.index})`);
  const symbols: ImageSymbol[] = [];
  for (let o = symtab.offset + entsize; o + SYM_SIZE <= symtab.offset + symtab.size; o += entsize) {
    const type = r.u8(o + 12) & 0xf;
    if (type === STT_SECTION || type === STT_FILE) continue;
    const name = stringAt(r, strtab, r.u32(o));
    if (name === '' || name.startsWith('$')) continue;
    symbols.push({
      name,
      value: r.u32(o + 4),
      size: r.u32(o + 8),
      type: type === STT_FUNC ? 'func' : type === STT_OBJECT ? 'object' : 'other',
    });
  }
  return symbols;
}

/** True when the bytes start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Reads an ELF32 little-endian ARM executable. Bad input → UserError naming `file` and the offset. */
export function parseElf(bytes: Uint8Array, file: string): Image {
  const r = new Reader(file, bytes);
  checkIdentity(r);
  const programs = readProgramHeaders(r);
  const segments = loadSegments(r, programs);
  if (segments.length === 0) r.fail(28, 'no loadable segment (PT_LOAD): nothing to put in memory');
  const sectionHeaders = readSectionHeaders(r);
  return {
    file,
    format: 'elf',
    segments,
    sections: readSections(r, sectionHeaders, programs),
    symbols: readSymbols(r, sectionHeaders),
    entry: r.u32(24),
  };
}

/**
 * Placement analysis: where each loadable segment and allocated section of an image lands in the
 * STM32F407's memory map, how much of each region and flash sector it uses, and what would break on
 * silicon (RM0090 §2.3-§3.3 memory map and sectors, §2.4 boot, PM0214 §4.4.4 VTOR).
 *
 * Everything comes from the device description (src/device/stm32f407.ts); this file knows no address.
 * `f4emu map FILE` prints the result; `f4emu run` refuses images whose placement has errors.
 */
import { hex32 } from '../errors.js';
import {
  endOf,
  regionAt,
  sectorAt,
  type DeviceDescription,
  type FlashSector,
  type Region,
  type RegionKind,
} from '../device/stm32f407.js';
import type { Image, ImageFormat } from './image.js';

export type Severity = 'error' | 'warning';

export type ProblemKind =
  /** Bytes at an address no region covers (error). */
  | 'outside'
  /** A segment that starts in a region and runs past its end (error). */
  | 'overflow'
  /** Bytes placed in a region that holds no programmable memory: ROM, peripherals, bit-band, PPB (error). */
  | 'not-loadable'
  /** Another image given for comparison writes the same bytes (error). */
  | 'overlap'
  /** Loaded into the boot alias at 0x0000_0000 instead of the memory behind it (warning). */
  | 'alias-load'
  /** Loaded into SRAM/CCM: gone at power-off (warning). */
  | 'volatile-load'
  /** A writable section (.data, .bss) whose run address is in flash: stores to it do nothing (warning). */
  | 'writable-in-flash'
  /** The vector table is not 512-byte aligned: VTOR cannot point at it (warning). */
  | 'vector-table-alignment'
  /** The vector table is not at the start of a region the core boots from (warning). */
  | 'vector-table-not-at-boot'
  /** The initial stack pointer (vector 0) is not in RAM (warning). */
  | 'initial-sp'
  /** The reset vector (vector 1) lacks the Thumb bit or points at memory the core cannot execute (warning). */
  | 'reset-vector'
  /** The image shares a flash sector with something else: erasing one erases the other (warning). */
  | 'shared-sector';

export interface Problem {
  readonly kind: ProblemKind;
  readonly severity: Severity;
  /** The address at fault. */
  readonly address: number;
  /** One line, for people. */
  readonly message: string;
}

export interface SegmentPlacement {
  readonly index: number;
  /** Load address (LMA) of the first byte and of the last file byte. */
  readonly address: number;
  readonly last: number;
  /** Bytes in the file (what a programmer writes). */
  readonly size: number;
  /** Run address (VMA) and memory size (file bytes + zero fill). */
  readonly runAddress: number;
  readonly memorySize: number;
  /** Region of the load address, or null when outside every region. */
  readonly region: string | null;
  /** Region of the run address, or null. */
  readonly runRegion: string | null;
  /** Flash sectors the load bytes span. */
  readonly sectors: readonly number[];
}

export interface SectionPlacement {
  readonly name: string;
  readonly address: number;
  readonly loadAddress: number;
  readonly size: number;
  readonly nobits: boolean;
  readonly write: boolean;
  readonly exec: boolean;
  /** Region of the run address, and of the load address. */
  readonly region: string | null;
  readonly loadRegion: string | null;
  /** Flash sectors the section's load bytes span (none for .bss). */
  readonly sectors: readonly number[];
}

export interface RegionUsage {
  readonly name: string;
  readonly kind: RegionKind;
  readonly start: number;
  readonly end: number;
  readonly size: number;
  /** Bytes the image occupies: load bytes, plus run-time bytes (.data, .bss) in RAM. */
  readonly used: number;
  readonly free: number;
}

export interface SectorUsage {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly size: number;
  /** Load bytes in the sector. */
  readonly used: number;
  readonly free: number;
}

export interface Placement {
  /** Part name, e.g. STM32F407VG. */
  readonly device: string;
  readonly file: string;
  readonly format: ImageFormat;
  readonly entry: number | null;
  /** First and last loaded byte (load addresses), or null for an image with no bytes. */
  readonly first: number | null;
  readonly last: number | null;
  readonly segments: readonly SegmentPlacement[];
  readonly sections: readonly SectionPlacement[];
  /** Regions the image touches, in the description's order. */
  readonly regions: readonly RegionUsage[];
  /** Flash sectors the image's load bytes touch. */
  readonly sectors: readonly SectorUsage[];
  readonly problems: readonly Problem[];
  /** No problem of severity 'error': every byte lands in programmable memory. */
  readonly fits: boolean;
}

export interface PlacementOptions {
  /** Other images that share the chip (e.g. a bootloader next to an application): shared sectors and overlaps are reported. */
  readonly others?: readonly Image[];
}

/** Region kinds a programmer (or `f4emu run`) can put bytes into. */
const LOADABLE: ReadonlySet<RegionKind> = new Set<RegionKind>(['flash', 'ram', 'otp', 'option-bytes', 'backup-ram', 'alias']);

/** The core boots from the start of these regions (RM0090 §2.4 Table 2). */
const BOOT_REGIONS: ReadonlySet<string> = new Set(['flash', 'system', 'sram1', 'alias']);

/** VTOR bits [8:0] are zero for a table of 16 + 82 vectors (PM0214 §4.4.4: next power of two of 98 words). */
const VECTOR_TABLE_ALIGN = 512;

/** Half-open byte interval [start, end). */
interface Interval {
  start: number;
  end: number;
}

/** One contiguous piece of a range that lies in one region. */
interface Piece {
  region: Region | undefined;
  start: number;
  last: number;
}

function span(start: number, last: number): string {
  return `${hex32(start)}-${hex32(last)}`;
}

/** Splits [start, last] by the regions it crosses; a piece with no region ends the walk. */
function piecesOf(dev: DeviceDescription, start: number, last: number): Piece[] {
  const pieces: Piece[] = [];
  let a = start;
  while (a <= last) {
    const r = regionAt(dev, a);
    if (!r) {
      pieces.push({ region: undefined, start: a, last });
      break;
    }
    const end = Math.min(last, endOf(r));
    pieces.push({ region: r, start: a, last: end });
    a = end + 1;
  }
  return pieces;
}

/** Pieces that may follow each other: SRAM1 runs straight into SRAM2 (RM0090 §2.3.1). */
function contiguousRam(pieces: readonly Piece[]): boolean {
  return pieces.every((p) => p.region?.kind === 'ram') && pieces.every((p, i) => i === 0 || p.start === pieces[i - 1].last + 1);
}

/** Problems of one load range (where a programmer writes) or run range (where the program reads and writes). */
function rangeProblems(dev: DeviceDescription, what: string, start: number, last: number, load: boolean): Problem[] {
  const pieces = piecesOf(dev, start, last);
  const first = pieces[0];
  const range = span(start, last);
  if (!first.region) {
    return [{ kind: 'outside', severity: 'error', address: start, message: `${what} at ${range}: ${hex32(start)} is outside every region of the ${dev.name}` }];
  }
  const problems: Problem[] = [];
  if (pieces.length > 1 && !contiguousRam(pieces)) {
    const next = pieces[1];
    const into = next.region ? `into ${next.region.name}` : 'into reserved space';
    problems.push({ kind: 'overflow', severity: 'error', address: next.start, message: `${what} at ${range} runs past the end of ${first.region.name} (${hex32(endOf(first.region))}) ${into}` });
  }
  if (load && !LOADABLE.has(first.region.kind)) {
    problems.push({ kind: 'not-loadable', severity: 'error', address: start, message: `${what} at ${range} lands in ${first.region.name} (${first.region.kind}), which cannot be programmed` });
  } else if (!load && first.region.kind !== 'ram' && first.region.kind !== 'flash' && first.region.kind !== 'backup-ram' && first.region.kind !== 'alias') {
    problems.push({ kind: 'not-loadable', severity: 'error', address: start, message: `${what} runs at ${range} in ${first.region.name} (${first.region.kind}), which is not memory` });
  }
  return problems;
}

function sectorsSpanned(dev: DeviceDescription, start: number, last: number): number[] {
  return dev.flashSectors.filter((s) => s.start <= last && endOf(s) >= start).map((s) => s.index);
}

/** Total length of the union of intervals clipped to [start, end). */
function coveredBytes(intervals: readonly Interval[], start: number, end: number): number {
  const clipped = intervals
    .map((i) => ({ start: Math.max(i.start, start), end: Math.min(i.end, end) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  let total = 0;
  let reach = start;
  for (const i of clipped) {
    const s = Math.max(i.start, reach);
    if (i.end > s) total += i.end - s;
    reach = Math.max(reach, i.end);
  }
  return total;
}

function regionName(dev: DeviceDescription, address: number): string | null {
  return regionAt(dev, address)?.name ?? null;
}

function placeSegments(dev: DeviceDescription, image: Image): SegmentPlacement[] {
  return image.segments.map((s, index) => {
    const size = s.data.length;
    const runAddress = s.virtualAddress ?? s.address;
    return {
      index,
      address: s.address,
      last: s.address + Math.max(size, 1) - 1,
      size,
      runAddress,
      memorySize: s.memorySize ?? size,
      region: regionName(dev, s.address),
      runRegion: regionName(dev, runAddress),
      sectors: size > 0 ? sectorsSpanned(dev, s.address, s.address + size - 1) : [],
    };
  });
}

function placeSections(dev: DeviceDescription, image: Image): SectionPlacement[] {
  return image.sections.map((s) => ({
    ...s,
    region: regionName(dev, s.address),
    loadRegion: s.nobits ? null : regionName(dev, s.loadAddress),
    sectors: !s.nobits && s.size > 0 ? sectorsSpanned(dev, s.loadAddress, s.loadAddress + s.size - 1) : [],
  }));
}

/** Where the bytes go, where the program runs them, and the errors/warnings of each segment. */
function segmentProblems(dev: DeviceDescription, segments: readonly SegmentPlacement[]): Problem[] {
  const problems: Problem[] = [];
  for (const s of segments) {
    const what = `segment ${s.index}`;
    if (s.size > 0) {
      problems.push(...rangeProblems(dev, what, s.address, s.last, true));
      const r = regionAt(dev, s.address);
      if (r?.kind === 'alias') {
        problems.push({ kind: 'alias-load', severity: 'warning', address: s.address, message: `${what} loads at ${hex32(s.address)} in the boot alias: it reaches the memory BOOT0/BOOT1 select only; link it at that memory's own address` });
      } else if (r?.kind === 'ram') {
        problems.push({ kind: 'volatile-load', severity: 'warning', address: s.address, message: `${what} is loaded into ${r.name} at ${hex32(s.address)}: RAM loses it at power-off, so it must be loaded again (debugger, bootloader) after every power cycle` });
      }
    }
    if (s.runAddress !== s.address || s.memorySize > s.size) {
      const runProblems = rangeProblems(dev, `${what} (run address)`, s.runAddress, s.runAddress + s.memorySize - 1, false);
      problems.push(...runProblems.filter((p) => !problems.some((q) => q.address === p.address && q.kind === p.kind)));
    }
  }
  return problems;
}

/** Writable sections (or writable segments when there are no sections) that run in flash. */
function writableInFlash(dev: DeviceDescription, image: Image, segments: readonly SegmentPlacement[]): Problem[] {
  const inFlash = (a: number): boolean => regionAt(dev, a)?.kind === 'flash';
  const fix = 'stores to it do nothing on silicon (flash changes only through the flash interface); link it to RAM (> RAM AT > FLASH)';
  if (image.sections.length > 0) {
    return image.sections
      .filter((s) => s.write && s.size > 0 && inFlash(s.address))
      .map((s) => ({ kind: 'writable-in-flash' as const, severity: 'warning' as const, address: s.address, message: `writable section ${s.name} runs at ${hex32(s.address)} in flash: ${fix}` }));
  }
  return segments
    .filter((s, i) => image.segments[i].flags?.write && inFlash(s.runAddress))
    .map((s) => ({ kind: 'writable-in-flash' as const, severity: 'warning' as const, address: s.runAddress, message: `writable segment ${s.index} runs at ${hex32(s.runAddress)} in flash: ${fix}` }));
}

/** Reads a little-endian word of the image's load bytes, or undefined when the image does not hold it. */
function imageWord(image: Image, address: number): number | undefined {
  for (const s of image.segments) {
    const o = address - s.address;
    if (o >= 0 && o + 4 <= s.data.length) return (s.data[o] | (s.data[o + 1] << 8) | (s.data[o + 2] << 16) | (s.data[o + 3] << 24)) >>> 0;
  }
  return undefined;
}

/** The vector table: section .isr_vector, else the lowest segment loaded into flash. Its load address. */
function vectorTableAddress(dev: DeviceDescription, image: Image): number | undefined {
  const section = image.sections.find((s) => s.name === '.isr_vector' && !s.nobits);
  if (section) return section.loadAddress;
  const flash = image.segments.filter((s) => s.data.length > 0 && regionAt(dev, s.address)?.kind === 'flash');
  return flash.length > 0 ? Math.min(...flash.map((s) => s.address)) : undefined;
}

/** Alignment and position of the vector table, and its first two vectors (PM0214 §2.3.4, §4.4.4; RM0090 §2.4). */
function vectorTableProblems(dev: DeviceDescription, image: Image): Problem[] {
  const table = vectorTableAddress(dev, image);
  if (table === undefined) return [];
  const problems: Problem[] = [];
  const region = regionAt(dev, table);
  if (table % VECTOR_TABLE_ALIGN !== 0) {
    problems.push({ kind: 'vector-table-alignment', severity: 'warning', address: table, message: `vector table at ${hex32(table)} is not ${VECTOR_TABLE_ALIGN}-byte aligned: VTOR ignores bits [8:0], so it cannot point at this table` });
  } else if (!region || !BOOT_REGIONS.has(region.name) || table !== region.start) {
    problems.push({ kind: 'vector-table-not-at-boot', severity: 'warning', address: table, message: `vector table at ${hex32(table)} is not at the start of a boot memory: the core cannot boot this image by itself; a bootloader must set VTOR to ${hex32(table)} and jump to it` });
  }
  const sp = imageWord(image, table);
  const reset = imageWord(image, table + 4);
  if (sp !== undefined && (sp % 4 !== 0 || regionAt(dev, sp - 4)?.kind !== 'ram')) {
    problems.push({ kind: 'initial-sp', severity: 'warning', address: table, message: `initial stack pointer ${hex32(sp)} (vector 0 at ${hex32(table)}) is not the top of a word-aligned stack in RAM: the first push faults` });
  }
  if (reset !== undefined) {
    const target = regionAt(dev, reset & ~1);
    if ((reset & 1) === 0) {
      problems.push({ kind: 'reset-vector', severity: 'warning', address: table + 4, message: `reset vector ${hex32(reset)} has bit 0 clear: the first instruction raises an INVSTATE UsageFault (escalated to HardFault)` });
    } else if (!target?.executable) {
      problems.push({ kind: 'reset-vector', severity: 'warning', address: table + 4, message: `reset vector ${hex32(reset)} points ${target ? `into ${target.name}, which the core cannot execute` : 'outside every region'}` });
    }
  }
  return problems;
}

/** Flash load intervals of an image. */
function flashIntervals(dev: DeviceDescription, image: Image): Interval[] {
  return image.segments
    .filter((s) => s.data.length > 0 && regionAt(dev, s.address)?.kind === 'flash')
    .map((s) => ({ start: s.address, end: s.address + s.data.length }));
}

/** Sectors the image shares with what lies before it in its first sector, or with the other images given. */
function sharedSectorProblems(dev: DeviceDescription, image: Image, others: readonly Image[]): Problem[] {
  const mine = flashIntervals(dev, image);
  if (mine.length === 0) return [];
  const problems: Problem[] = [];
  const first = Math.min(...mine.map((i) => i.start));
  const firstSector = sectorAt(dev, first);
  if (firstSector && first !== firstSector.start && others.length === 0) {
    problems.push({
      kind: 'shared-sector', severity: 'warning', address: first,
      message: `image starts at ${hex32(first)}, inside sector ${firstSector.index} (${span(firstSector.start, endOf(firstSector))}): erasing that sector to program it also erases ${span(firstSector.start, first - 1)}, which belongs to whatever else lives there`,
    });
  }
  for (const other of others) {
    const theirs = flashIntervals(dev, other);
    for (const s of dev.flashSectors) {
      const a = coveredBytes(mine, s.start, s.start + s.size);
      const b = coveredBytes(theirs, s.start, s.start + s.size);
      if (a === 0 || b === 0) continue;
      const overlap = overlapStart(mine, theirs, s);
      if (overlap !== undefined) {
        problems.push({ kind: 'overlap', severity: 'error', address: overlap, message: `${image.file} and ${other.file} both write ${hex32(overlap)} (sector ${s.index})` });
      } else {
        problems.push({ kind: 'shared-sector', severity: 'warning', address: s.start, message: `sector ${s.index} (${span(s.start, endOf(s))}) holds bytes of both ${image.file} and ${other.file}: erasing it to update one erases the other` });
      }
    }
  }
  return problems;
}

/** First address inside the sector that both sets of intervals cover, if any. */
function overlapStart(a: readonly Interval[], b: readonly Interval[], s: FlashSector): number | undefined {
  let best: number | undefined;
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start, s.start);
      const end = Math.min(x.end, y.end, s.start + s.size);
      if (end > start && (best === undefined || start < best)) best = start;
    }
  }
  return best;
}

/** Load bytes and run-time bytes (ELF memory sizes at run addresses). */
function footprint(image: Image): { load: Interval[]; all: Interval[] } {
  const load = image.segments.filter((s) => s.data.length > 0).map((s) => ({ start: s.address, end: s.address + s.data.length }));
  const run = image.segments
    .filter((s) => s.virtualAddress !== undefined || (s.memorySize ?? 0) > s.data.length)
    .map((s) => ({ start: s.virtualAddress ?? s.address, end: (s.virtualAddress ?? s.address) + (s.memorySize ?? s.data.length) }));
  const sections = image.sections.filter((s) => s.size > 0).map((s) => ({ start: s.address, end: s.address + s.size }));
  return { load, all: [...load, ...run, ...sections] };
}

function regionUsage(dev: DeviceDescription, all: readonly Interval[]): RegionUsage[] {
  const usage: RegionUsage[] = [];
  for (const r of dev.regions) {
    // A nested region (backup SRAM in the peripheral space) is counted in itself, not in its parent.
    const nested = dev.regions.filter((n) => n !== r && n.start >= r.start && endOf(n) <= endOf(r));
    let used = coveredBytes(all, r.start, r.start + r.size);
    for (const n of nested) used -= coveredBytes(all, n.start, n.start + n.size);
    if (used > 0) usage.push({ name: r.name, kind: r.kind, start: r.start, end: endOf(r), size: r.size, used, free: r.size - used });
  }
  return usage;
}

function sectorUsage(dev: DeviceDescription, load: readonly Interval[]): SectorUsage[] {
  return dev.flashSectors
    .map((s) => ({ s, used: coveredBytes(load, s.start, s.start + s.size) }))
    .filter(({ used }) => used > 0)
    .map(({ s, used }) => ({ index: s.index, start: s.start, end: endOf(s), size: s.size, used, free: s.size - used }));
}

/** Analyses where an image lands on a device and what would break on silicon. */
export function analysePlacement(image: Image, dev: DeviceDescription, options: PlacementOptions = {}): Placement {
  const segments = placeSegments(dev, image);
  const { load, all } = footprint(image);
  const problems = [
    ...segmentProblems(dev, segments),
    ...writableInFlash(dev, image, segments),
    ...vectorTableProblems(dev, image),
    ...sharedSectorProblems(dev, image, options.others ?? []),
  ];
  const loaded = segments.filter((s) => s.size > 0);
  return {
    device: dev.name,
    file: image.file,
    format: image.format,
    entry: image.entry ?? null,
    first: loaded.length > 0 ? Math.min(...loaded.map((s) => s.address)) : null,
    last: loaded.length > 0 ? Math.max(...loaded.map((s) => s.last)) : null,
    segments,
    sections: placeSections(dev, image),
    regions: regionUsage(dev, all),
    sectors: sectorUsage(dev, load),
    problems,
    fits: !problems.some((p) => p.severity === 'error'),
  };
}

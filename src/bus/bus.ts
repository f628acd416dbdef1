/**
 * The system bus (AHB matrix as the core sees it): 8/16/32-bit little-endian reads and writes,
 * dispatched by a page table built from the device description.
 *
 * - Every memory with contents (flash, SRAM, CCM, system memory, OTP, option bytes, signature words,
 *   backup SRAM) lives in one typed array, `mem`, at an offset chosen from the description.
 * - `rd[page]`/`wr[page]` (4 KB pages) give the offset in `mem` of a page that plain loads/stores may
 *   touch directly (the fast path), or -1: then `handler[page]` decides (peripherals, bit-band, flash
 *   writes, pages shared by several regions, unmapped space).
 * - Unmapped or reserved addresses throw the preallocated `BUS_ERROR` (the core turns it into a BusFault).
 * - The fast path reads `fastRd`/`fastWr`/`fastEx`, which are `rd`/`wr`/`ex` themselves unless the MPU
 *   (core/mpu.ts) is enforcing while the core runs: then they are its copies, with -1 for every page it
 *   does not allow wholly, and `guard` checks each access that reaches the slow path. The slow path
 *   always serves an access from `rd`/`wr`/`handler`, the map everyone else reads and writes.
 * - The boot alias at 0x0000_0000 is just page-table entries pointing at flash, system memory or SRAM1.
 *
 * Values: read32 returns a signed 32-bit integer (`| 0` form, V8-friendly); read8/read16 return
 * unsigned values. Callers wanting an unsigned word use `>>> 0`.
 */
import {
  type BootMode,
  type DeviceDescription,
  type Region,
  region as regionNamed,
} from '../device/stm32f407.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_SIZE - 1;
const PAGES = 1 << (32 - PAGE_SHIFT);

export type AccessSize = 1 | 2 | 4;

/** A device on the bus. Addresses are absolute; a handler may assume the access lies inside its range. */
export interface BusHandler {
  read(address: number, size: AccessSize): number;
  write(address: number, value: number, size: AccessSize): void;
}

/**
 * A handler in front of backed memory whose fast path it sometimes takes away (the flash interface
 * while BSY or under read protection): it tells the core and tools where an address lives in `mem`
 * (-1: not readable / not fetchable now). `fetchOffset` may stall (complete a flash operation) first.
 */
export interface MemoryHandler extends BusHandler {
  memOffset(address: number): number;
  fetchOffset(address: number): number;
}

function isMemoryHandler(h: BusHandler): h is MemoryHandler {
  return typeof (h as Partial<MemoryHandler>).fetchOffset === 'function' && typeof (h as Partial<MemoryHandler>).memOffset === 'function';
}

/**
 * Checks core accesses that reach the slow path (the MPU while it enforces, ARM ARM B3.5): throws the
 * core's fault (core/faults.ts) for a forbidden one. Installed by the core only while it runs.
 */
export interface AccessGuard {
  check(address: number, size: AccessSize, write: boolean): void;
}

/** Thrown (one preallocated instance) when an access hits nothing; the core makes a BusFault of it. */
export class BusError {
  address = 0;
  write = false;
  toString(): string {
    return `bus error on ${this.write ? 'write' : 'read'} at 0x${(this.address >>> 0).toString(16).padStart(8, '0')}`;
  }
}
export const BUS_ERROR = new BusError();

export function busError(address: number, write: boolean): never {
  BUS_ERROR.address = address >>> 0;
  BUS_ERROR.write = write;
  throw BUS_ERROR;
}

/** Handler for space that holds nothing: every access is a bus error. */
export const UNMAPPED: BusHandler = {
  read(address) {
    return busError(address, false);
  },
  write(address) {
    busError(address, true);
  },
};

/** Where one backed region sits in `mem`. */
export interface Backing {
  readonly region: Region;
  readonly offset: number;
}

interface SubRange {
  start: number;
  end: number; // exclusive
  handler: BusHandler;
}

/** Dispatches a page shared by several devices/regions (e.g. 0x1FFF_7000: system memory, OTP, UID). */
class SharedPage implements BusHandler {
  readonly ranges: SubRange[] = [];
  constructor(private readonly fallback: BusHandler) {}
  private find(address: number): BusHandler {
    const a = address >>> 0;
    for (const r of this.ranges) if (a >= r.start && a < r.end) return r.handler;
    return this.fallback;
  }
  read(address: number, size: AccessSize): number {
    return this.find(address).read(address, size);
  }
  write(address: number, value: number, size: AccessSize): void {
    this.find(address).write(address, value, size);
  }
}

export class Bus {
  readonly device: DeviceDescription;
  /** All backed memories, little-endian. */
  readonly mem: Uint8Array;
  readonly mem16: Uint16Array;
  readonly mem32: Int32Array;
  /** Page → offset in `mem` for plain loads, or -1. */
  readonly rd = new Int32Array(PAGES).fill(-1);
  /** Page → offset in `mem` for plain stores, or -1. */
  readonly wr = new Int32Array(PAGES).fill(-1);
  /** Page → offset in `mem` for instruction fetch (executable, backed memory only), or -1. */
  readonly ex = new Int32Array(PAGES).fill(-1);
  /** Page → handler when the fast path does not apply. */
  readonly handler: BusHandler[] = new Array<BusHandler>(PAGES).fill(UNMAPPED);
  /** The tables the fast path reads: `rd`/`wr`/`ex` themselves, or the MPU's restricted copies (`useTables`). */
  fastRd: Int32Array = this.rd;
  fastWr: Int32Array = this.wr;
  fastEx: Int32Array = this.ex;
  /** Checks accesses on the slow path (the MPU while it enforces), or null. */
  guard: AccessGuard | null = null;
  /** Region name → where it lives in `mem`. */
  readonly backing = new Map<string, Backing>();
  /**
   * One byte per halfword of `mem`: non-zero where the core has decoded an instruction.
   * A store to such a halfword calls `onCodeWrite` so the core drops its stale decode.
   */
  readonly code: Uint8Array;
  onCodeWrite: (memOffset: number, length: number) => void = () => {};
  /**
   * To be called by whatever changed `ex` (setBootMode does; the flash interface when flash leaves or
   * rejoins the fast path): the core stops a translated block that may be running from those pages.
   */
  onMappingChange: () => void = () => {};

  private bootMode: BootMode = 'flash';
  private readonly aliasPages: number;

  constructor(device: DeviceDescription) {
    this.device = device;
    let size = 0;
    const backed = device.regions.filter((r) => isBacked(r));
    for (const r of backed) {
      // Page-align each region's offset so the page table can point at it; keep the in-page offset
      // of regions that start mid-page so that (address & PAGE_MASK) stays valid for them too.
      size = alignUp(size, PAGE_SIZE) + (r.start & PAGE_MASK);
      this.backing.set(r.name, { region: r, offset: size });
      size += r.size;
    }
    size = alignUp(size, PAGE_SIZE);
    this.mem = new Uint8Array(size);
    this.mem16 = new Uint16Array(this.mem.buffer);
    this.mem32 = new Int32Array(this.mem.buffer);
    this.code = new Uint8Array(size >> 1);
    this.aliasPages = regionNamed(device, 'alias').size >>> PAGE_SHIFT;

    for (const b of this.backing.values()) {
      const r = b.region;
      const plainWrite = r.kind === 'ram';
      if (r.kind === 'backup-ram') continue; // gated by RCC/PWR: its peripheral maps it
      this.mapMemory(r.start, r.size, b.offset, plainWrite, r.executable);
    }
    this.setBootMode('flash');
  }

  /** Offset in `mem` of a backed region. */
  offsetOf(regionName: string): number {
    const b = this.backing.get(regionName);
    if (!b) throw new Error(`region ${regionName} has no backing memory`);
    return b.offset;
  }

  /** A view of a backed region's bytes (shares memory with the bus). */
  view(regionName: string): Uint8Array {
    const b = this.backing.get(regionName);
    if (!b) throw new Error(`region ${regionName} has no backing memory`);
    return this.mem.subarray(b.offset, b.offset + b.region.size);
  }

  /**
   * Maps [start, start+size) to `mem` at `offset`. Whole pages go on the fast path; partial pages
   * become shared pages whose other parts stay unmapped unless something else is mapped there.
   */
  mapMemory(start: number, size: number, offset: number, writable: boolean, executable = false): void {
    const end = start + size;
    let a = start;
    while (a < end) {
      const page = a >>> PAGE_SHIFT;
      const pageStart = page * PAGE_SIZE;
      const chunkEnd = Math.min(end, pageStart + PAGE_SIZE);
      const memOff = offset + (a - start);
      if (a === pageStart && chunkEnd === pageStart + PAGE_SIZE) {
        this.rd[page] = memOff;
        this.wr[page] = writable ? memOff : -1;
        this.ex[page] = executable ? memOff : -1;
        if (!writable) this.handler[page] = READ_ONLY;
      } else {
        this.mapHandler(a, chunkEnd - a, new MemoryRange(this, a, memOff, writable, executable));
      }
      a = chunkEnd;
    }
  }

  /** Routes [start, start+size) to a handler (peripherals, bit-band, flash writes...). */
  mapHandler(start: number, size: number, handler: BusHandler): void {
    const end = start + size;
    let a = start;
    while (a < end) {
      const page = a >>> PAGE_SHIFT;
      const pageStart = page * PAGE_SIZE;
      const chunkEnd = Math.min(end, pageStart + PAGE_SIZE);
      this.rd[page] = -1;
      this.wr[page] = -1;
      this.ex[page] = -1;
      if (a === pageStart && chunkEnd === pageStart + PAGE_SIZE) {
        this.handler[page] = handler;
      } else {
        let shared = this.handler[page];
        if (!(shared instanceof SharedPage)) {
          shared = new SharedPage(UNMAPPED);
          this.handler[page] = shared;
        }
        // The newest mapping wins where it overlaps an older one (e.g. the flash interface over OTP).
        (shared as SharedPage).ranges.unshift({ start: a >>> 0, end: chunkEnd, handler });
      }
      a = chunkEnd;
    }
  }

  /** Sends plain stores to a read-only memory's pages to `handler` (the flash interface uses this). */
  mapWriteHandler(start: number, size: number, handler: BusHandler): void {
    for (let page = start >>> PAGE_SHIFT; page < (start + size) >>> PAGE_SHIFT; page++) {
      if (this.rd[page] >= 0) {
        this.wr[page] = -1;
        this.handler[page] = handler;
      }
    }
    // Shared pages: wrap their memory ranges.
    for (let page = start >>> PAGE_SHIFT; page <= (start + size - 1) >>> PAGE_SHIFT; page++) {
      const h = this.handler[page];
      if (h instanceof SharedPage) {
        for (const r of h.ranges) {
          if (r.start >= start && r.end <= start + size && r.handler instanceof MemoryRange) r.handler.writeHandler = handler;
        }
      }
    }
  }

  /**
   * Lets the fast path use restricted copies of `rd`/`wr`/`ex` (a page is -1 in them unless every
   * access of its kind to the whole page is allowed) and `guard` check the rest. For the MPU.
   */
  useTables(rd: Int32Array, wr: Int32Array, ex: Int32Array, guard: AccessGuard | null): void {
    this.fastRd = rd;
    this.fastWr = wr;
    this.fastEx = ex;
    this.guard = guard;
  }

  /** Back to the map itself on the fast path, nothing checked (the MPU is off, or the core stopped running). */
  useMap(): void {
    this.useTables(this.rd, this.wr, this.ex, null);
  }

  /**
   * A word read that `guard` does not check: exception entry's vector fetch, which always uses the
   * default memory map (ARM ARM B3.5.1).
   */
  readUnchecked32(address: number): number {
    return this.guard === null ? this.read32(address) : this.unchecked(() => this.read32(address));
  }

  /** Runs `fn` with `guard` set aside: accesses that are not the core's (a semihosting host, the vector fetch). */
  unchecked<T>(fn: () => T): T {
    const guard = this.guard;
    this.guard = null;
    try {
      return fn();
    } finally {
      this.guard = guard;
    }
  }

  get boot(): BootMode {
    return this.bootMode;
  }

  /** Points the 0x0000_0000 window at the memory chosen by the boot pins / SYSCFG_MEMRMP. No copying. */
  setBootMode(mode: BootMode): void {
    this.bootMode = mode;
    const target = mode === 'flash' ? 'flash' : mode === 'system' ? 'system' : 'sram1';
    const t = regionNamed(this.device, target);
    for (let page = 0; page < this.aliasPages; page++) {
      const a = page * PAGE_SIZE;
      this.rd[page] = -1;
      this.wr[page] = -1;
      this.ex[page] = -1;
      this.handler[page] = UNMAPPED;
      if (a >= t.size) continue;
      const srcPage = (t.start + a) >>> PAGE_SHIFT;
      if (a + PAGE_SIZE <= t.size && this.rd[srcPage] >= 0) {
        this.rd[page] = this.rd[srcPage];
        this.wr[page] = this.wr[srcPage];
        this.ex[page] = this.ex[srcPage];
        this.handler[page] = new AliasPage(this, t.start);
      } else {
        // Partial page (system memory ends at 30 KB): forward what the target holds, fault beyond it.
        const limit = t.size;
        this.handler[page] = new AliasPage(this, t.start, limit);
      }
    }
    this.onMappingChange();
  }

  // ---- The fast path -------------------------------------------------------------------------
  //
  // Each access is a page-table lookup and a typed-array access, small enough for V8 to inline into
  // the core's ops; everything else (handlers, unaligned words, page-straddling accesses) is in the
  // *Slow methods. Page numbers and offsets are written as literals (12 = PAGE_SHIFT, 0xfff =
  // PAGE_MASK): a module constant costs a load and a TDZ check at every use. Fast-path pages start
  // page-aligned in `mem`, so an address and its offset in `mem` have the same alignment.

  read8(address: number): number {
    const off = this.fastRd[address >>> 12];
    if (off >= 0) return this.mem[off + (address & 0xfff)];
    return this.read8Slow(address);
  }

  private read8Slow(address: number): number {
    if (this.guard !== null) return this.guardedRead(address, 1);
    const off = this.rd[address >>> PAGE_SHIFT];
    if (off >= 0) return this.mem[off + (address & PAGE_MASK)];
    return this.handler[address >>> PAGE_SHIFT].read(address >>> 0, 1) & 0xff;
  }

  /**
   * An access the guard must see: checked once, at the address the core used, then served with the
   * guard set aside (a bit-band alias' access to its target, or an access split into bytes, is not
   * checked again).
   */
  private guardedRead(address: number, size: AccessSize): number {
    const guard = this.guard!;
    guard.check(address, size, false);
    this.guard = null;
    try {
      return size === 1 ? this.read8Slow(address) : size === 2 ? this.read16Slow(address) : this.read32Slow(address);
    } finally {
      this.guard = guard;
    }
  }

  private guardedWrite(address: number, value: number, size: AccessSize): void {
    const guard = this.guard!;
    guard.check(address, size, true);
    this.guard = null;
    try {
      if (size === 1) this.write8Slow(address, value);
      else if (size === 2) this.write16Slow(address, value);
      else this.write32Slow(address, value);
    } finally {
      this.guard = guard;
    }
  }

  read16(address: number): number {
    const off = this.fastRd[address >>> 12];
    if (off >= 0 && (address & 1) === 0) return this.mem16[(off + (address & 0xfff)) >> 1];
    return this.read16Slow(address);
  }

  private read16Slow(address: number): number {
    if (this.guard !== null) return this.guardedRead(address, 2);
    const off = this.rd[address >>> PAGE_SHIFT];
    if ((address & PAGE_MASK) === PAGE_MASK) return this.read8(address) | (this.read8(address + 1) << 8);
    if (off >= 0) {
      const a = off + (address & PAGE_MASK);
      return this.mem[a] | (this.mem[a + 1] << 8);
    }
    return this.handler[address >>> PAGE_SHIFT].read(address >>> 0, 2) & 0xffff;
  }

  read32(address: number): number {
    const off = this.fastRd[address >>> 12];
    if (off >= 0 && (address & 3) === 0) return this.mem32[(off + (address & 0xfff)) >> 2];
    return this.read32Slow(address);
  }

  private read32Slow(address: number): number {
    if (this.guard !== null) return this.guardedRead(address, 4);
    const off = this.rd[address >>> PAGE_SHIFT];
    if ((address & 3) !== 0 && (address & PAGE_MASK) > PAGE_SIZE - 4) return this.readSplit32(address);
    if (off >= 0) {
      const a = off + (address & PAGE_MASK);
      const m = this.mem;
      return m[a] | (m[a + 1] << 8) | (m[a + 2] << 16) | (m[a + 3] << 24);
    }
    return this.handler[address >>> PAGE_SHIFT].read(address >>> 0, 4) | 0;
  }

  private readSplit32(address: number): number {
    return (this.read8(address) | (this.read8(address + 1) << 8) | (this.read8(address + 2) << 16) | (this.read8(address + 3) << 24)) | 0;
  }

  write8(address: number, value: number): void {
    const off = this.fastWr[address >>> 12];
    if (off >= 0) {
      const a = off + (address & 0xfff);
      this.mem[a] = value;
      if (this.code[a >> 1] !== 0) this.onCodeWrite(a, 1);
      return;
    }
    this.write8Slow(address, value);
  }

  private write8Slow(address: number, value: number): void {
    if (this.guard !== null) return this.guardedWrite(address, value, 1);
    const off = this.wr[address >>> PAGE_SHIFT];
    if (off >= 0) {
      const a = off + (address & PAGE_MASK);
      this.mem[a] = value;
      if (this.code[a >> 1] !== 0) this.onCodeWrite(a, 1);
      return;
    }
    this.handler[address >>> PAGE_SHIFT].write(address >>> 0, value & 0xff, 1);
  }

  write16(address: number, value: number): void {
    const off = this.fastWr[address >>> 12];
    if (off >= 0 && (address & 1) === 0) {
      const h = (off + (address & 0xfff)) >> 1;
      this.mem16[h] = value;
      if (this.code[h] !== 0) this.onCodeWrite(h << 1, 2);
      return;
    }
    this.write16Slow(address, value);
  }

  private write16Slow(address: number, value: number): void {
    if (this.guard !== null) return this.guardedWrite(address, value, 2);
    const off = this.wr[address >>> PAGE_SHIFT];
    if ((address & PAGE_MASK) === PAGE_MASK) {
      this.write8(address, value);
      this.write8(address + 1, value >> 8);
      return;
    }
    if (off >= 0) {
      const a = off + (address & PAGE_MASK);
      this.mem[a] = value;
      this.mem[a + 1] = value >> 8;
      const c = this.code;
      if ((c[a >> 1] | c[(a + 1) >> 1]) !== 0) this.onCodeWrite(a, 2);
      return;
    }
    this.handler[address >>> PAGE_SHIFT].write(address >>> 0, value & 0xffff, 2);
  }

  write32(address: number, value: number): void {
    const off = this.fastWr[address >>> 12];
    if (off >= 0 && (address & 3) === 0) {
      const a = off + (address & 0xfff);
      this.mem32[a >> 2] = value;
      const h = a >> 1;
      if ((this.code[h] | this.code[h + 1]) !== 0) this.onCodeWrite(a, 4);
      return;
    }
    this.write32Slow(address, value);
  }

  private write32Slow(address: number, value: number): void {
    if (this.guard !== null) return this.guardedWrite(address, value, 4);
    const off = this.wr[address >>> PAGE_SHIFT];
    if ((address & 3) !== 0 && (address & PAGE_MASK) > PAGE_SIZE - 4) {
      for (let i = 0; i < 4; i++) this.write8(address + i, value >> (8 * i));
      return;
    }
    if (off >= 0) {
      const a = off + (address & PAGE_MASK);
      const m = this.mem;
      m[a] = value;
      m[a + 1] = value >> 8;
      m[a + 2] = value >> 16;
      m[a + 3] = value >> 24;
      const c = this.code;
      const h = a >> 1;
      if ((c[h] | c[h + 1] | c[(a + 3) >> 1]) !== 0) this.onCodeWrite(a, 4);
      return;
    }
    this.handler[address >>> PAGE_SHIFT].write(address >>> 0, value | 0, 4);
  }

  /** Generic access by size, for tools (GDB, loaders' verification, tests). */
  read(address: number, size: AccessSize): number {
    return size === 1 ? this.read8(address) : size === 2 ? this.read16(address) : this.read32(address) >>> 0;
  }

  write(address: number, value: number, size: AccessSize): void {
    if (size === 1) this.write8(address, value);
    else if (size === 2) this.write16(address, value);
    else this.write32(address, value);
  }

  /**
   * Offset in `mem` for an address on the plain read path, or -1 (used by the core's fetch and by
   * tools that want to peek without side effects).
   */
  memOffset(address: number): number {
    const off = this.rd[address >>> PAGE_SHIFT];
    if (off >= 0) return off + (address & PAGE_MASK);
    const h = this.handler[address >>> PAGE_SHIFT];
    if (h instanceof SharedPage) {
      for (const r of h.ranges) {
        if (address >>> 0 >= r.start && address >>> 0 < r.end) {
          return r.handler instanceof MemoryRange || r.handler instanceof AliasPage || isMemoryHandler(r.handler) ? r.handler.memOffset(address) : -1;
        }
      }
      return -1;
    }
    if (h instanceof AliasPage || isMemoryHandler(h)) return h.memOffset(address);
    return -1;
  }

  /**
   * Offset in `mem` of an instruction at `address`, or -1 when it cannot be fetched from there
   * (unmapped, execute-never, or not memory). The core's fetch uses `ex` directly; this is its slow path.
   */
  fetchOffset(address: number): number {
    const off = this.ex[address >>> PAGE_SHIFT];
    if (off >= 0) return off + (address & PAGE_MASK);
    const h = this.handler[address >>> PAGE_SHIFT];
    if (h instanceof SharedPage) {
      for (const r of h.ranges) {
        if (address >>> 0 >= r.start && address >>> 0 < r.end && r.handler instanceof MemoryRange && r.handler.executable) {
          return r.handler.memOffset(address);
        }
      }
      return -1;
    }
    if (h instanceof AliasPage || isMemoryHandler(h)) return h.fetchOffset(address);
    return -1;
  }

  /**
   * Writes bytes straight into backing memory, bypassing the bus rules. For the flash interface
   * (after it applied silicon's rules), the NV store and loaders only. Tells the core about code it overwrote.
   */
  poke(memOffset: number, bytes: Uint8Array): void {
    this.mem.set(bytes, memOffset);
    const c = this.code;
    for (let h = memOffset >> 1; h <= (memOffset + bytes.length - 1) >> 1; h++) {
      if (c[h] !== 0) {
        this.onCodeWrite(memOffset, bytes.length);
        break;
      }
    }
  }
}

/** Stores to flash/ROM pages with no other handler are ignored (flash changes only through its interface). */
const READ_ONLY: BusHandler = {
  read(address) {
    return busError(address, false); // never reached: reads of these pages take the fast path
  },
  write() {},
};

/** A piece of backed memory inside a shared page. */
class MemoryRange implements BusHandler {
  writeHandler: BusHandler | null = null;
  constructor(
    private readonly bus: Bus,
    private readonly start: number,
    private readonly offset: number,
    private readonly writable: boolean,
    readonly executable: boolean,
  ) {}
  memOffset(address: number): number {
    return this.offset + ((address >>> 0) - this.start);
  }
  read(address: number, size: AccessSize): number {
    const a = this.memOffset(address);
    const m = this.bus.mem;
    if (size === 1) return m[a];
    if (size === 2) return m[a] | (m[a + 1] << 8);
    return m[a] | (m[a + 1] << 8) | (m[a + 2] << 16) | (m[a + 3] << 24);
  }
  write(address: number, value: number, size: AccessSize): void {
    if (this.writeHandler) return this.writeHandler.write(address, value, size);
    if (!this.writable) return;
    const a = this.memOffset(address);
    const m = this.bus.mem;
    for (let i = 0; i < size; i++) m[a + i] = value >> (8 * i);
  }
}

/** The boot alias for pages the fast path cannot serve: forwards to the aliased memory, faults past its end. */
class AliasPage implements BusHandler {
  constructor(
    private readonly bus: Bus,
    private readonly target: number,
    private readonly limit = Infinity,
  ) {}
  memOffset(address: number): number {
    if ((address >>> 0) >= this.limit) return -1;
    return this.bus.memOffset(this.target + (address >>> 0));
  }
  fetchOffset(address: number): number {
    if ((address >>> 0) >= this.limit) return -1;
    return this.bus.fetchOffset(this.target + (address >>> 0));
  }
  read(address: number, size: AccessSize): number {
    if ((address >>> 0) + size > this.limit) return busError(address, false);
    return this.bus.read(this.target + (address >>> 0), size);
  }
  write(address: number, value: number, size: AccessSize): void {
    if ((address >>> 0) + size > this.limit) return busError(address, true);
    this.bus.write(this.target + (address >>> 0), value, size);
  }
}

function isBacked(r: Region): boolean {
  return r.kind === 'flash' || r.kind === 'ram' || r.kind === 'rom' || r.kind === 'otp' || r.kind === 'option-bytes' || r.kind === 'backup-ram';
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/**
 * GDB's watchpoints (Z2 write, Z3 read, Z4 access) as the DWT's four comparators (ARM ARM C1.8,
 * Cortex-M4 TRM §8.2): at most four at once, each covering a range that one comparator can match
 * (a naturally aligned power-of-two block of at most 32 KB, DWT_MASK ≤ 15).
 *
 * Cost: the bus's 4 KB pages that hold a watched range leave the fast path (their `rd` and/or `wr`
 * entry becomes -1) and get a WatchedPage handler, which performs the access exactly as the page did
 * and then reports a hit; every other page is untouched, so watchpoints cost nothing elsewhere.
 * Instruction fetch (`ex`) is never touched. A hit is reported after the access, like the DWT's
 * (the instruction completes, then the core halts).
 *
 * Accesses made for the debugger itself (m/M packets, flash programming, resets) are not watched:
 * `whileSuspended`. Limitation: a page that some other part remaps while watched (the flash interface
 * takes flash pages off the fast path during an operation) keeps its new mapping; a read watchpoint on
 * flash may then miss reads until it is set again.
 */
import { type AccessSize, type Bus, type BusHandler, type MemoryHandler, PAGE_SHIFT, PAGE_SIZE } from '../bus/bus.js';
import { hex32 } from '../errors.js';

/** DWT_CTRL.NUMCOMP of the Cortex-M4. */
export const DWT_COMPARATORS = 4;
/** Largest DWT_MASK on the Cortex-M4: a comparator ignores at most 15 low address bits. */
const MAX_MASK_BITS = 15;

export type WatchKind = 'watch' | 'rwatch' | 'awatch';

interface Watch {
  readonly kind: WatchKind;
  readonly start: number;
  readonly length: number;
}

const KIND_OF_TYPE: Readonly<Record<number, WatchKind>> = { 2: 'watch', 3: 'rwatch', 4: 'awatch' };

export class Watchpoints {
  private readonly watches: Watch[] = [];
  private readonly pages = new Map<number, WatchedPage>();
  private suspended = 0;

  /** Called after a watched access (kind of the watchpoint, the first watched byte it touched). */
  onHit: (kind: WatchKind, address: number) => void = () => {};

  constructor(private readonly bus: Bus) {}

  get count(): number {
    return this.watches.length;
  }

  /** Sets a watchpoint of Z type 2, 3 or 4; returns why it cannot be set, or null. */
  insert(type: number, address: number, length: number): string | null {
    const kind = KIND_OF_TYPE[type];
    const start = address >>> 0;
    if (!kind) return `no watchpoint type ${type}`;
    if (this.find(kind, start, length) >= 0) return null;
    if (this.watches.length >= DWT_COMPARATORS) return `all ${DWT_COMPARATORS} DWT comparators are in use: no watchpoint at ${hex32(start)}`;
    if (length < 1 || !fitsOneComparator(start, length)) {
      return `${length} bytes at ${hex32(start)} do not fit one DWT comparator (an aligned block of at most ${1 << MAX_MASK_BITS} bytes)`;
    }
    this.watches.push({ kind, start, length });
    this.remapPages(start, length);
    return null;
  }

  remove(type: number, address: number, length: number): void {
    const kind = KIND_OF_TYPE[type];
    const i = kind ? this.find(kind, address >>> 0, length) : -1;
    if (i < 0) return;
    const [w] = this.watches.splice(i, 1);
    this.remapPages(w.start, w.length);
  }

  clear(): void {
    while (this.watches.length > 0) {
      const w = this.watches.pop()!;
      this.remapPages(w.start, w.length);
    }
  }

  /** Runs `fn` with watchpoints blind (the debugger's own accesses). */
  whileSuspended<T>(fn: () => T): T {
    this.suspended++;
    try {
      return fn();
    } finally {
      this.suspended--;
    }
  }

  /** An access reached a watched page: reports the first watchpoint it hits. */
  check(address: number, size: number, write: boolean): void {
    if (this.suspended !== 0) return;
    const a = address >>> 0;
    for (const w of this.watches) {
      if (w.kind === (write ? 'rwatch' : 'watch')) continue;
      if (a < w.start + w.length && a + size > w.start) return this.onHit(w.kind, Math.max(a, w.start));
    }
  }

  private find(kind: WatchKind, start: number, length: number): number {
    return this.watches.findIndex((w) => w.kind === kind && w.start === start && w.length === length);
  }

  /** Puts every page of [start, start+length) in the state its watchpoints need. */
  private remapPages(start: number, length: number): void {
    for (let page = start >>> PAGE_SHIFT; page <= (start + length - 1) >>> PAGE_SHIFT; page++) {
      const base = page * PAGE_SIZE;
      let reads = false;
      let writes = false;
      for (const w of this.watches) {
        if (w.start >= base + PAGE_SIZE || w.start + w.length <= base) continue;
        reads ||= w.kind !== 'watch';
        writes ||= w.kind !== 'rwatch';
      }
      let p = this.pages.get(page);
      if (!p && (reads || writes)) {
        p = new WatchedPage(this.bus, page, this);
        this.pages.set(page, p);
      }
      if (!p) continue;
      if (reads || writes) {
        p.watch(reads, writes);
      } else {
        p.restore();
        this.pages.delete(page);
      }
    }
  }
}

/** A range that one comparator can match: inside a naturally aligned block of 2^k bytes, k ≤ 15. */
function fitsOneComparator(start: number, length: number): boolean {
  const end = start + length - 1;
  if (end > 0xffff_ffff) return false;
  for (let k = 0; k <= MAX_MASK_BITS; k++) if (Math.floor(start / 2 ** k) === Math.floor(end / 2 ** k)) return true;
  return false;
}

/** A watched page: does what the page did before (memory or its old handler), then lets the watch check. */
class WatchedPage implements MemoryHandler {
  private readonly rd: number;
  private readonly wr: number;
  private readonly handler: BusHandler;

  constructor(
    private readonly bus: Bus,
    private readonly page: number,
    private readonly owner: Watchpoints,
  ) {
    this.rd = bus.rd[page];
    this.wr = bus.wr[page];
    this.handler = bus.handler[page];
  }

  /** Takes reads and/or writes of the page off the fast path. */
  watch(reads: boolean, writes: boolean): void {
    this.bus.rd[this.page] = reads ? -1 : this.rd;
    this.bus.wr[this.page] = writes ? -1 : this.wr;
    this.bus.handler[this.page] = this;
  }

  /** Gives the page back, unless someone else has mapped it since. */
  restore(): void {
    if (this.bus.handler[this.page] !== this) return;
    if (this.bus.rd[this.page] === -1) this.bus.rd[this.page] = this.rd;
    if (this.bus.wr[this.page] === -1) this.bus.wr[this.page] = this.wr;
    this.bus.handler[this.page] = this.handler;
  }

  read(address: number, size: AccessSize): number {
    let value: number;
    if (this.rd >= 0) {
      const m = this.bus.mem;
      const a = this.rd + (address & (PAGE_SIZE - 1));
      value = size === 1 ? m[a] : size === 2 ? m[a] | (m[a + 1] << 8) : m[a] | (m[a + 1] << 8) | (m[a + 2] << 16) | (m[a + 3] << 24);
    } else {
      value = this.handler.read(address, size);
    }
    this.owner.check(address, size, false);
    return value;
  }

  write(address: number, value: number, size: AccessSize): void {
    if (this.wr >= 0) {
      const a = this.wr + (address & (PAGE_SIZE - 1));
      const bus = this.bus;
      for (let i = 0; i < size; i++) bus.mem[a + i] = value >> (8 * i);
      if (bus.code[a >> 1] !== 0 || bus.code[(a + size - 1) >> 1] !== 0) bus.onCodeWrite(a, size);
    } else {
      this.handler.write(address, value, size);
    }
    this.owner.check(address, size, true);
  }

  memOffset(address: number): number {
    if (this.rd >= 0) return this.rd + (address & (PAGE_SIZE - 1));
    return hasMemoryOffsets(this.handler) ? this.handler.memOffset(address) : -1;
  }

  fetchOffset(address: number): number {
    const ex = this.bus.ex[this.page];
    if (ex >= 0) return ex + (address & (PAGE_SIZE - 1));
    return hasMemoryOffsets(this.handler) ? this.handler.fetchOffset(address) : -1;
  }
}

function hasMemoryOffsets(h: BusHandler): h is MemoryHandler {
  return typeof (h as Partial<MemoryHandler>).memOffset === 'function' && typeof (h as Partial<MemoryHandler>).fetchOffset === 'function';
}

/**
 * The generation context of one case: initial register values, which registers later instructions
 * may overwrite, and the registers pinned as addresses so every load and store lands in the scratch
 * window. Forms ask it for registers and addresses; when the case leaves no valid choice it throws
 * NoFit and the generator picks another form.
 *
 * Register rules it enforces (ARMv7-M ARM A5.1.2, and each encoding's "UNPREDICTABLE" lines):
 * destinations never PC or SP (SP only through the pinned-SP forms); 32-bit operands never SP/PC
 * (BadReg); 16-bit operands r0–r7 unless the form says otherwise.
 */
import type { Rng } from './prng.js';
import { intValue } from './values.js';

export class NoFit extends Error {}
const NO_FIT = new NoFit('no fit');

/** Throws NoFit: the form cannot be generated in this case's state. */
export function noFit(): never {
  throw NO_FIT;
}

/** The address window loads and stores may touch, and where the code sits. */
export interface Layout {
  /** Absolute address of the first instruction. */
  readonly codeBase: number;
  /** [dataLo, dataHi): addresses loads and stores may touch (after the code, inside the restored window). */
  readonly dataLo: number;
  readonly dataHi: number;
}

/** The local exclusive monitor as far as the generator knows it (ARM ARM A3.4). */
export type Monitor = 'open' | 'unknown' | { readonly address: number; readonly size: number };

interface Snapshot {
  init: Int32Array;
  written: number;
  pinned: Map<number, number | null>;
  monitor: Monitor;
}

/** Registers a 32-bit encoding may name as an operand (not SP, not PC: BadReg, A5.1.2). */
export const GP = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14];
export const LOW = [0, 1, 2, 3, 4, 5, 6, 7];

export class Gen {
  /** Byte offset of the instruction being generated from the code base (PC-relative forms). */
  pcOffset = 0;
  /** The instruction being generated is inside an IT block. */
  inIt = false;
  /** Initial values of r0–r14. */
  readonly init = new Int32Array(15);
  /** Bit n set: rn is written by an earlier instruction (its initial value is no longer known). */
  private written = 0;
  /** Pinned registers (address bases, index registers, SP): current value, or null when unknown. */
  private pinned = new Map<number, number | null>();
  /** Exponents this case draws floats from. */
  exponents: number[] = [];
  /**
   * The exclusive monitor after the instructions generated so far. STREX is generated only where the
   * outcome is architecturally defined: monitor open (fails), or tagged by an LDREX of the same address
   * and size with no store in between (succeeds). Whether an ordinary store clears a tag is
   * IMPLEMENTATION DEFINED (A3.4.5), so a store makes the state unknown.
   */
  monitor: Monitor = 'open';

  constructor(
    readonly rng: Rng,
    readonly layout: Layout,
  ) {
    for (let i = 0; i < 15; i++) this.init[i] = intValue(rng);
    // SP always points into the data window, word aligned (SP[1:0] are zero on ARMv7-M, B1.4.1).
    const mid = (layout.dataLo + layout.dataHi) >>> 1;
    const sp = (mid + rng.range(-0x200, 0x200)) & ~(rng.chance(0.7) ? 7 : 3);
    this.init[13] = sp;
    this.pinned.set(13, sp);
  }

  snapshot(): Snapshot {
    return { init: this.init.slice(), written: this.written, pinned: new Map(this.pinned), monitor: this.monitor };
  }

  restore(s: Snapshot): void {
    this.init.set(s.init);
    this.written = s.written;
    this.pinned = s.pinned;
    this.monitor = s.monitor;
  }

  /** An ordinary store was generated. */
  stored(): void {
    if (typeof this.monitor === 'object') this.monitor = 'unknown';
  }

  /** The monitor state after an instruction that sets it to `next` (unknown when it may be skipped). */
  setMonitor(next: Monitor): void {
    this.monitor = this.inIt ? 'unknown' : next;
  }

  // ---- Registers --------------------------------------------------------------------------------

  /** Any low register as a source. */
  lo(): number {
    return this.rng.pick(LOW);
  }

  /** A low register the instruction may write. */
  loD(): number {
    return this.dest(LOW);
  }

  /** A source register of a 32-bit encoding: r0–r12 or lr. */
  r(): number {
    return this.rng.pick(GP);
  }

  /** A destination of a 32-bit encoding: r0–r12 or lr, not pinned. */
  rD(): number {
    return this.dest(GP);
  }

  /** Any register r0–r14 (sources of 16-bit high-register forms, which also accept SP). */
  any(): number {
    return this.rng.range(0, 14);
  }

  /**
   * A source register from `pool` whose initial value is forced to one of `values` (divisor 0,
   * INT_MIN / -1...): picks a register no earlier instruction wrote and that is not pinned, or any
   * source register when none is left.
   */
  biased(pool: readonly number[], values: readonly number[]): number {
    const fresh = pool.filter((r) => !this.pinned.has(r) && (this.written & (1 << r)) === 0);
    if (fresh.length === 0) return this.rng.pick(pool);
    const r = this.rng.pick(fresh);
    this.init[r] = this.rng.pick(values);
    return r;
  }

  /** Pins a register not yet written to `value` (an operand whose value the form must control). */
  constant(pool: readonly number[], value: number): number {
    const fresh = pool.filter((r) => !this.pinned.has(r) && (this.written & (1 << r)) === 0);
    if (fresh.length === 0) noFit();
    const r = this.rng.pick(fresh);
    this.init[r] = value;
    this.pinned.set(r, value | 0);
    return r;
  }

  /** The value of a pinned register (an address base or index). */
  valueOf(r: number): number {
    const v = this.pinned.get(r);
    if (v === undefined || v === null) throw new Error(`generator bug: r${r} has no known value`);
    return v;
  }

  /** A destination from `pool` other than the registers in `not`. */
  dest(pool: readonly number[], not: readonly number[] = []): number {
    const free = pool.filter((r) => !this.pinned.has(r) && !not.includes(r));
    if (free.length === 0) noFit();
    const r = this.rng.pick(free);
    this.written |= 1 << r;
    return r;
  }

  /** Marks `r` as written (a destination chosen by the form itself). */
  write(r: number): void {
    if (this.pinned.has(r)) throw new Error(`generator bug: write to pinned r${r}`);
    this.written |= 1 << r;
  }

  isPinned(r: number): boolean {
    return this.pinned.has(r);
  }

  /** A random subset of `pool` (registers not pinned when `forLoad`), size in [min, max], ascending. */
  list(pool: readonly number[], min: number, max: number, forLoad: boolean, not: readonly number[] = []): number[] {
    const avail = pool.filter((r) => !not.includes(r) && (!forLoad || !this.pinned.has(r)));
    if (avail.length < min) noFit();
    const n = this.rng.range(min, Math.min(max, avail.length));
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(this.rng.pick(avail));
    const out = [...chosen].sort((a, b) => a - b);
    if (forLoad) for (const r of out) this.written |= 1 << r;
    return out;
  }

  // ---- Addresses --------------------------------------------------------------------------------

  /**
   * A base register whose value + `offset` addresses `size` bytes inside the data window, aligned to
   * `align` (1 = any; unaligned addresses are produced sometimes when `unalignedOk`).
   * Reuses a pinned register when one fits, otherwise pins a register not yet written.
   */
  base(o: {
    offset: number;
    size: number;
    align: number;
    unalignedOk?: boolean;
    low?: boolean;
    /** Only this register. */
    reg?: number;
    not?: readonly number[];
    /** Exactly this address. */
    address?: number;
  }): number {
    const { layout, rng } = this;
    const fits = (v: number): boolean => {
      const a = (v + o.offset) >>> 0;
      if (o.address !== undefined && a !== o.address >>> 0) return false;
      return a >= layout.dataLo && a + o.size <= layout.dataHi && (a & (o.align - 1)) === 0;
    };
    const pool = o.reg !== undefined ? [o.reg] : o.low ? LOW : GP;
    const allowed = pool.filter((r) => !(o.not ?? []).includes(r));
    const reuse = allowed.filter((r) => {
      const v = this.pinned.get(r);
      return v !== undefined && v !== null && fits(v);
    });
    if (reuse.length > 0 && (rng.chance(0.6) || o.reg !== undefined)) return rng.pick(reuse);
    const fresh = allowed.filter((r) => !this.pinned.has(r) && (this.written & (1 << r)) === 0);
    if (fresh.length === 0) {
      if (reuse.length > 0) return rng.pick(reuse);
      noFit();
    }
    const r = rng.pick(fresh);
    const span = layout.dataHi - layout.dataLo - o.size;
    if (span < 0) noFit();
    let a = o.address ?? layout.dataLo + rng.int(span + 1);
    const natural = o.unalignedOk && rng.chance(0.3) ? 1 : Math.max(o.align, naturalAlign(o.size));
    a &= ~(natural - 1);
    a &= ~(o.align - 1);
    if (a < layout.dataLo) a += Math.max(o.align, natural);
    const v = (a - o.offset) | 0;
    if (!fits(v)) noFit();
    this.init[r] = v;
    this.pinned.set(r, v);
    return r;
  }

  /** An index register (register-offset addressing) holding a small value; returns [reg, value]. */
  index(o: { low?: boolean; not?: readonly number[] }): [number, number] {
    const pool = (o.low ? LOW : GP).filter((r) => !(o.not ?? []).includes(r));
    const reuse = pool.filter((r) => {
      const v = this.pinned.get(r);
      return v !== undefined && v !== null && v >= -256 && v <= 256;
    });
    if (reuse.length > 0 && this.rng.chance(0.5)) {
      const r = this.rng.pick(reuse);
      return [r, this.pinned.get(r) as number];
    }
    const fresh = pool.filter((r) => !this.pinned.has(r) && (this.written & (1 << r)) === 0);
    if (fresh.length === 0) noFit();
    const r = this.rng.pick(fresh);
    const v = this.rng.range(-64, 255);
    this.init[r] = v;
    this.pinned.set(r, v);
    return [r, v];
  }

  /** A base register was written back with `delta` (unknown value afterwards inside an IT block). */
  writeback(r: number, delta: number): void {
    const v = this.pinned.get(r);
    if (v === undefined) throw new Error(`generator bug: writeback to unpinned r${r}`);
    this.pinned.set(r, this.inIt || v === null ? null : (v + delta) | 0);
  }

  /** The SP value if known (PUSH/POP and SP-relative forms), else NoFit. */
  sp(): number {
    const v = this.pinned.get(13);
    if (v === undefined || v === null) noFit();
    return v;
  }

  /** Absolute address of the instruction being generated. */
  get pc(): number {
    return this.layout.codeBase + this.pcOffset;
  }
}

function naturalAlign(size: number): number {
  return size >= 4 ? 4 : size;
}

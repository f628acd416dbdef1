/**
 * Decode as data: every Thumb encoding is one line — a bit pattern as printed in the ARMv7-M
 * Architecture Reference Manual (DDI 0403E, chapter A5/A7) and the builder that turns the fields of
 * a matching instruction into an Op. The decoder is built from these tables.
 *
 * Patterns are strings of '0', '1' and 'x' (don't care); spaces and '_' are ignored. A 16-bit
 * pattern has 16 symbols; a 32-bit pattern has 32 (first halfword, then second). Where two
 * encodings match, the one with more fixed bits wins (the manual's "more specific first" reading),
 * so a table may list an encoding and its special cases in any order.
 */
import type { Op } from '../cpu.js';

export interface Encoding {
  /** Mnemonic and encoding name from the ARM ARM, e.g. 'ADD (register) T2'. */
  readonly name: string;
  readonly pattern: string;
  /** Builds the op from the instruction halfwords (hw2 = 0 for 16-bit). May return undefined → try the next match. */
  readonly build: (hw1: number, hw2: number) => Op | undefined;
}

export interface CompiledEncoding extends Encoding {
  readonly is32: boolean;
  readonly mask: number;
  readonly value: number;
  readonly fixedBits: number;
}

export function compile(e: Encoding): CompiledEncoding {
  const bits = e.pattern.replace(/[\s_]/g, '');
  if (bits.length !== 16 && bits.length !== 32) throw new Error(`encoding ${e.name}: pattern has ${bits.length} bits`);
  if (!/^[01x]+$/.test(bits)) throw new Error(`encoding ${e.name}: bad pattern ${e.pattern}`);
  let mask = 0;
  let value = 0;
  let fixed = 0;
  for (const ch of bits) {
    mask = (mask << 1) | (ch === 'x' ? 0 : 1);
    value = (value << 1) | (ch === '1' ? 1 : 0);
    if (ch !== 'x') fixed++;
  }
  return { ...e, is32: bits.length === 32, mask: mask >>> 0, value: value >>> 0, fixedBits: fixed };
}

/** A decoder over a set of encodings: candidates sorted most-specific first, bucketed by top bits. */
export class Decoder {
  private readonly t16: CompiledEncoding[][] = [];
  private readonly t32: CompiledEncoding[][] = [];

  constructor(encodings: readonly Encoding[]) {
    const all = encodings.map(compile).sort((a, b) => b.fixedBits - a.fixedBits);
    // Bucket by the top 6 bits of the first halfword (where fixed), to keep scans short.
    for (let top = 0; top < 64; top++) {
      this.t16[top] = all.filter((e) => !e.is32 && matchesTop(e, top, 16));
      this.t32[top] = all.filter((e) => e.is32 && matchesTop(e, top, 32));
    }
  }

  /** Returns the op for the instruction, or undefined when no encoding matches (UNDEFINED). */
  decode(hw1: number, hw2: number, is32: boolean): Op | undefined {
    const top = hw1 >>> 10;
    if (is32) {
      const word = ((hw1 << 16) | hw2) >>> 0;
      for (const e of this.t32[top]) {
        if (((word & e.mask) >>> 0) === e.value) {
          const op = e.build(hw1, hw2);
          if (op) return op;
        }
      }
    } else {
      for (const e of this.t16[top]) {
        if ((hw1 & e.mask) === e.value) {
          const op = e.build(hw1, 0);
          if (op) return op;
        }
      }
    }
    return undefined;
  }

  /** The name of the encoding an instruction matches (for disassembly-like diagnostics and tests). */
  nameOf(hw1: number, hw2: number, is32: boolean): string | undefined {
    const top = hw1 >>> 10;
    const word = is32 ? ((hw1 << 16) | hw2) >>> 0 : hw1;
    for (const e of is32 ? this.t32[top] : this.t16[top]) {
      if (((word & e.mask) >>> 0) === e.value && e.build(hw1, hw2)) return e.name;
    }
    return undefined;
  }
}

function matchesTop(e: CompiledEncoding, top: number, width: 16 | 32): boolean {
  const shift = width - 6;
  const m = (e.mask >>> shift) & 0x3f;
  const v = (e.value >>> shift) & 0x3f;
  return (top & m) === v;
}

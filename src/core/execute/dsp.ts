/**
 * The DSP extension of ARMv7E-M (Cortex-M4): SIMD parallel add/subtract, saturation, packing and
 * extension, byte sums of absolute differences, and the signed halfword/word multiplies.
 * Semantics follow the pseudocode of the ARMv7-M Architecture Reference Manual (DDI 0403E), chapter
 * A7.7 (one entry per mnemonic); the encodings that lead here are in decode/dsp.ts.
 *
 * Every export is a builder: it takes the register numbers and immediates the decoder extracted and
 * returns an Op closure over them. Ops use int32 arithmetic (and exact doubles below 2^53 where the
 * pseudocode uses unbounded integers), allocate nothing, and write their results only after reading
 * all their operands, so a destination may alias a source.
 *
 * Time: one cycle (the loop's) for all of them, except the 64-bit accumulates (SMLALxy, SMLALD,
 * SMLSLD, UMAAL), which add one.
 */
import type { CortexM4, Op } from '../cpu.js';

const TWO_32 = 4294967296;
const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

// ---- Helpers (the manual's pseudocode functions) -----------------------------------------------------

/** SignedSatQ / UnsignedSatQ to [min, max], setting APSR.Q when it clamps. */
function saturateQ(cpu: CortexM4, x: number, min: number, max: number): number {
  if (x > max) {
    cpu.q = 1;
    return max;
  }
  if (x < min) {
    cpu.q = 1;
    return min;
  }
  return x;
}

/** An exact integer (|x| < 2^53) to int32, setting APSR.Q when it does not fit (the `result != SInt(result<31:0>)` test). */
function int32Q(cpu: CortexM4, x: number): number {
  const r = x | 0;
  if (r !== x) cpu.q = 1;
  return r;
}

/** The signed halfword of `x` selected by `high` (bits 31:16) or not (bits 15:0). */
function half(x: number, high: boolean): number {
  return high ? x >> 16 : (x << 16) >> 16;
}

/** ROR(x, 16): swaps the halfwords (the X forms of SMUAD and friends, and ASX/SAX). */
function swapHalves(x: number): number {
  return (x >>> 16) | (x << 16);
}

/** Bits 63:32 of the signed 64-bit product x*y, exact without BigInt (the partial products stay below 2^49). */
function mulHighSigned(x: number, y: number): number {
  const xl = x & 0xffff;
  const xh = x >> 16;
  const yl = y & 0xffff;
  const yh = y >> 16;
  const mid = xh * yl + xl * yh;
  return (xh * yh + Math.floor((mid * 65536 + xl * yl) / TWO_32)) | 0;
}

/** Bits 63:32 of the unsigned 64-bit product x*y: the signed one corrected by y for a negative x and x for a negative y. */
function mulHighUnsigned(x: number, y: number): number {
  return (mulHighSigned(x, y) + (x < 0 ? y : 0) + (y < 0 ? x : 0)) | 0;
}

/** R[hi]:R[lo] += x, for an exact integer |x| <= 2^32 (the 64-bit accumulates). */
function accumulateLong(cpu: CortexM4, lo: number, hi: number, x: number): void {
  const sum = (cpu.r[lo] >>> 0) + x;
  cpu.r[hi] = (cpu.r[hi] + Math.floor(sum / TWO_32)) | 0;
  cpu.r[lo] = sum | 0;
}

// ---- Parallel addition and subtraction (A5.3.13, A5.3.14) -------------------------------------------

/** The prefix: S/U wrap and set GE, Q/UQ saturate, SH/UH halve. Only S and U write GE. */
export type ParallelKind = 'S' | 'Q' | 'SH' | 'U' | 'UQ' | 'UH';
/** The operation: lane-wise add or subtract, or the exchanging forms (ASX: lo -, hi +; SAX: lo +, hi -). */
export type ParallelOp = 'ADD16' | 'ASX' | 'SAX' | 'SUB16' | 'ADD8' | 'SUB8';

const WRAP = 0;
const SATURATE = 1;
const HALVE = 2;

/**
 * x ± y for the lane of `a` and `b` that `a << up >> down` isolates (`down` = 32 - lane width), as
 * signed integers, or unsigned when `extend` masks the sign extension off.
 */
function laneSum(a: number, b: number, up: number, down: number, subtract: number, extend: number): number {
  const x = ((a << up) >> down) & extend;
  const y = ((b << up) >> down) & extend;
  return subtract !== 0 ? x - y : x + y;
}

/** A lane's exact sum made into the lane's result: kept (wraps when packed), saturated, or halved. */
function laneResult(mode: number, v: number, min: number, max: number): number {
  if (mode === SATURATE) return v > max ? max : v < min ? min : v;
  return mode === HALVE ? v >> 1 : v;
}

/**
 * SADD16 … UHSUB8 (A7.7, one entry each): each lane of Rn is added to or has subtracted the matching
 * lane of Rm (of ROR(Rm, 16) for ASX/SAX), as signed or unsigned integers of the lane's width.
 * GE (S and U forms only): signed, the lane's exact result >= 0; unsigned add, it carried out
 * (>= 2^width); unsigned subtract, it did not borrow (>= 0). A 16-bit lane sets two GE bits, a byte one.
 */
export function parallelAddSubtract(kind: ParallelKind, op: ParallelOp, d: number, n: number, m: number): Op {
  const bytes = op === 'ADD8' || op === 'SUB8';
  const signed = kind === 'S' || kind === 'Q' || kind === 'SH';
  const mode = kind === 'S' || kind === 'U' ? WRAP : kind === 'Q' || kind === 'UQ' ? SATURATE : HALVE;
  const mask = bytes ? 0xff : 0xffff;
  const max = signed ? mask >> 1 : mask;
  const min = signed ? -(max + 1) : 0;
  const extend = signed ? -1 : mask;
  // GE threshold of an adding lane; a subtracting lane's is 0.
  const carry = signed ? 0 : mask + 1;
  if (bytes) {
    const sub = op === 'SUB8' ? 1 : 0;
    const t = sub ? 0 : carry;
    return (cpu) => {
      const a = cpu.r[n];
      const b = cpu.r[m];
      const v0 = laneSum(a, b, 24, 24, sub, extend);
      const v1 = laneSum(a, b, 16, 24, sub, extend);
      const v2 = laneSum(a, b, 8, 24, sub, extend);
      const v3 = laneSum(a, b, 0, 24, sub, extend);
      if (mode === WRAP) cpu.ge = (v0 >= t ? 1 : 0) | (v1 >= t ? 2 : 0) | (v2 >= t ? 4 : 0) | (v3 >= t ? 8 : 0);
      cpu.r[d] =
        (laneResult(mode, v0, min, max) & 0xff) |
        ((laneResult(mode, v1, min, max) & 0xff) << 8) |
        ((laneResult(mode, v2, min, max) & 0xff) << 16) |
        (laneResult(mode, v3, min, max) << 24);
    };
  }
  const exchange = op === 'ASX' || op === 'SAX';
  const subLo = op === 'SUB16' || op === 'ASX' ? 1 : 0;
  const subHi = op === 'SUB16' || op === 'SAX' ? 1 : 0;
  const tLo = subLo ? 0 : carry;
  const tHi = subHi ? 0 : carry;
  return (cpu) => {
    const a = cpu.r[n];
    const b = exchange ? swapHalves(cpu.r[m]) : cpu.r[m];
    const lo = laneSum(a, b, 16, 16, subLo, extend);
    const hi = laneSum(a, b, 0, 16, subHi, extend);
    if (mode === WRAP) cpu.ge = (lo >= tLo ? 0b0011 : 0) | (hi >= tHi ? 0b1100 : 0);
    cpu.r[d] = (laneResult(mode, hi, min, max) << 16) | (laneResult(mode, lo, min, max) & 0xffff);
  };
}

// ---- Saturating arithmetic ---------------------------------------------------------------------------

/**
 * QADD, QSUB, QDADD, QDSUB: R[d] = SignedSat(R[m] ± R[n]) — note the operand order, Rm first.
 * The D forms saturate 2*R[n] first. Q is set if either step saturates.
 */
export function saturatingAddSubtract(subtract: boolean, doubling: boolean, d: number, n: number, m: number): Op {
  return (cpu) => {
    let y = cpu.r[n];
    if (doubling) y = saturateQ(cpu, y * 2, INT32_MIN, INT32_MAX);
    cpu.r[d] = saturateQ(cpu, subtract ? cpu.r[m] - y : cpu.r[m] + y, INT32_MIN, INT32_MAX);
  };
}

/**
 * SSAT / USAT: R[n] shifted (LSL #shift, or ASR #shift when `asr`; the shifted value is a 32-bit
 * word), then saturated to a signed `bits`-bit range (SSAT, bits 1..32) or unsigned (USAT, 0..31).
 */
export function saturate(unsigned: boolean, bits: number, asr: boolean, shift: number, d: number, n: number): Op {
  const max = unsigned ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
  const min = unsigned ? 0 : -(2 ** (bits - 1));
  // ASR #32 would be encoded as shift 0 with sh = 1, which is SSAT16/USAT16 instead: not reachable here.
  return (cpu) => {
    const x = asr ? cpu.r[n] >> shift : cpu.r[n] << shift;
    cpu.r[d] = saturateQ(cpu, x, min, max);
  };
}

/** SSAT16 / USAT16: each signed halfword of R[n] saturated to `bits` (SSAT16 1..16, USAT16 0..15). */
export function saturate16(unsigned: boolean, bits: number, d: number, n: number): Op {
  const max = unsigned ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
  const min = unsigned ? 0 : -(1 << (bits - 1));
  return (cpu) => {
    const x = cpu.r[n];
    const lo = saturateQ(cpu, half(x, false), min, max);
    const hi = saturateQ(cpu, half(x, true), min, max);
    cpu.r[d] = (hi << 16) | (lo & 0xffff);
  };
}

// ---- Packing, extension, selection, sums of absolute differences ----------------------------------------

/**
 * PKHBT (`top` false): R[n] bits 15:0 below (R[m] LSL shift) bits 31:16.
 * PKHTB (`top` true): R[n] bits 31:16 above (R[m] ASR shift) bits 15:0; shift 0 encodes ASR #32.
 */
export function packHalfword(top: boolean, shift: number, d: number, n: number, m: number): Op {
  if (top) {
    const amount = shift === 0 ? 31 : shift; // ASR #32 and #31 agree on bits 15:0
    return (cpu) => {
      cpu.r[d] = (cpu.r[n] & 0xffff0000) | ((cpu.r[m] >> amount) & 0xffff);
    };
  }
  return (cpu) => {
    cpu.r[d] = ((cpu.r[m] << shift) & 0xffff0000) | (cpu.r[n] & 0xffff);
  };
}

/**
 * SXTB16 / UXTB16, and with `a` >= 0 SXTAB16 / UXTAB16: bytes 0 and 2 of ROR(R[m], rotation) sign-
 * or zero-extended to halfwords, each added (modulo 2^16) to the matching halfword of R[a].
 */
export function extendBytes16(unsigned: boolean, rotation: number, d: number, a: number, m: number): Op {
  return (cpu) => {
    const rm = cpu.r[m];
    const x = rotation === 0 ? rm : (rm >>> rotation) | (rm << (32 - rotation));
    let lo = unsigned ? x & 0xff : (x << 24) >> 24;
    let hi = unsigned ? (x >>> 16) & 0xff : (x << 8) >> 24;
    if (a >= 0) {
      const acc = cpu.r[a];
      lo += acc;
      hi += acc >>> 16;
    }
    cpu.r[d] = (hi << 16) | (lo & 0xffff);
  };
}

/** SEL: each byte from R[n] where its GE bit is set, else from R[m]. */
export function select(d: number, n: number, m: number): Op {
  return (cpu) => {
    const ge = cpu.ge;
    const fromN = (ge & 1 ? 0xff : 0) | (ge & 2 ? 0xff00 : 0) | (ge & 4 ? 0xff0000 : 0) | (ge & 8 ? 0xff000000 : 0);
    cpu.r[d] = (cpu.r[n] & fromN) | (cpu.r[m] & ~fromN);
  };
}

/** |byte of x - byte of y| for the byte at `shift`. */
function byteAbsoluteDifference(x: number, y: number, shift: number): number {
  const diff = ((x >>> shift) & 0xff) - ((y >>> shift) & 0xff);
  return diff < 0 ? -diff : diff;
}

/** USAD8, and with `a` >= 0 USADA8: the sum of the four |byte of R[n] - byte of R[m]| (plus R[a]). */
export function sumAbsoluteDifferences(d: number, n: number, m: number, a: number): Op {
  return (cpu) => {
    const x = cpu.r[n];
    const y = cpu.r[m];
    const sum =
      byteAbsoluteDifference(x, y, 0) +
      byteAbsoluteDifference(x, y, 8) +
      byteAbsoluteDifference(x, y, 16) +
      byteAbsoluteDifference(x, y, 24);
    cpu.r[d] = a >= 0 ? cpu.r[a] + sum : sum;
  };
}

// ---- Signed multiplies (A5.3.16, A5.3.17) ------------------------------------------------------------

/**
 * SMULxy, and with `a` >= 0 SMLAxy: halfword (nHigh ? top : bottom) of R[n] times halfword of R[m],
 * plus R[a]; Q is set when the accumulation overflows (the product alone cannot).
 */
export function multiplyHalfwords(nHigh: boolean, mHigh: boolean, d: number, n: number, m: number, a: number): Op {
  if (a < 0) {
    return (cpu) => {
      cpu.r[d] = half(cpu.r[n], nHigh) * half(cpu.r[m], mHigh);
    };
  }
  return (cpu) => {
    cpu.r[d] = int32Q(cpu, half(cpu.r[n], nHigh) * half(cpu.r[m], mHigh) + cpu.r[a]);
  };
}

/**
 * SMULWy, and with `a` >= 0 SMLAWy: bits 47:16 of R[n] times a halfword of R[m] (plus R[a] << 16);
 * SMLAWy sets Q when those bits do not hold the whole result.
 */
export function multiplyWordHalfword(mHigh: boolean, d: number, n: number, m: number, a: number): Op {
  return (cpu) => {
    let product = cpu.r[n] * half(cpu.r[m], mHigh); // |product| <= 2^46: exact
    if (a >= 0) product += cpu.r[a] * 65536;
    const result = Math.floor(product / 65536);
    cpu.r[d] = a >= 0 ? int32Q(cpu, result) : result | 0;
  };
}

/** bottom*bottom ± top*top of the signed halfwords of x and y (the dual multiplies). */
function dualProduct(x: number, y: number, subtract: boolean): number {
  const p1 = half(x, false) * half(y, false);
  const p2 = half(x, true) * half(y, true);
  return subtract ? p1 - p2 : p1 + p2;
}

/**
 * SMUAD/SMUSD (`a` < 0) and SMLAD/SMLSD: bottom*bottom ± top*top of R[n] and R[m] (ROR(R[m], 16)
 * when `exchange`, the X forms), plus R[a]. Q is set when the exact sum does not fit 32 bits
 * (SMUSD never overflows and never sets it). Only the final sum counts: 0x8000*0x8000 twice is 2^31,
 * but with Ra = -1 the result fits and Q stays clear (QEMU before 7.1, hence Unicorn 2.0, sets it).
 */
export function dualMultiply(subtract: boolean, exchange: boolean, d: number, n: number, m: number, a: number): Op {
  return (cpu) => {
    const y = exchange ? swapHalves(cpu.r[m]) : cpu.r[m];
    const product = dualProduct(cpu.r[n], y, subtract);
    cpu.r[d] = int32Q(cpu, a >= 0 ? product + cpu.r[a] : product);
  };
}

/** SMLALxy: R[hi]:R[lo] += halfword of R[n] times halfword of R[m] (64-bit, no flags). */
export function multiplyHalfwordsAccumulateLong(nHigh: boolean, mHigh: boolean, lo: number, hi: number, n: number, m: number): Op {
  return (cpu) => {
    accumulateLong(cpu, lo, hi, half(cpu.r[n], nHigh) * half(cpu.r[m], mHigh));
    cpu.scheduler.cycles += 1;
  };
}

/** SMLALD(X) / SMLSLD(X): R[hi]:R[lo] += bottom*bottom ± top*top (64-bit, no flags). */
export function dualMultiplyAccumulateLong(subtract: boolean, exchange: boolean, lo: number, hi: number, n: number, m: number): Op {
  return (cpu) => {
    const y = exchange ? swapHalves(cpu.r[m]) : cpu.r[m];
    accumulateLong(cpu, lo, hi, dualProduct(cpu.r[n], y, subtract));
    cpu.scheduler.cycles += 1;
  };
}

/**
 * SMMUL(R) (`a` < 0), SMMLA(R) and, with `subtract`, SMMLS(R): bits 63:32 of (R[a] << 32) ± R[n]*R[m],
 * rounded (+0x8000_0000 before truncating) when `round`.
 */
export function multiplyMostSignificant(subtract: boolean, round: boolean, d: number, n: number, m: number, a: number): Op {
  const rounding = round ? 0x80000000 : 0;
  return (cpu) => {
    const x = cpu.r[n];
    const y = cpu.r[m];
    const high = mulHighSigned(x, y);
    const low = Math.imul(x, y) >>> 0;
    const acc = a >= 0 ? cpu.r[a] : 0;
    // (acc ± (high:low)) + rounding, where only the carry/borrow out of the low word reaches bits 63:32.
    const lowSum = (subtract ? -low : low) + rounding;
    cpu.r[d] = (acc + (subtract ? -high : high) + Math.floor(lowSum / TWO_32)) | 0;
  };
}

/** UMAAL: R[hi]:R[lo] = R[n]*R[m] + R[hi] + R[lo], all unsigned (cannot overflow 64 bits). */
export function multiplyAccumulateAccumulateLong(lo: number, hi: number, n: number, m: number): Op {
  return (cpu) => {
    const x = cpu.r[n];
    const y = cpu.r[m];
    const lowSum = (Math.imul(x, y) >>> 0) + (cpu.r[lo] >>> 0) + (cpu.r[hi] >>> 0);
    cpu.r[hi] = (mulHighUnsigned(x, y) + Math.floor(lowSum / TWO_32)) | 0;
    cpu.r[lo] = lowSum | 0;
    cpu.scheduler.cycles += 1;
  };
}

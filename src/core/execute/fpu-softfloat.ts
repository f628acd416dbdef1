/**
 * FPv4-SP arithmetic on raw IEEE 754 bits, exactly as the ARMv7-M pseudocode defines it (DDI 0403E
 * A2.5 "The optional Floating-point extension", pseudocode functions FPUnpack, FPProcessNaN(s),
 * FPRound, FPAdd, FPMul, FPMulAdd, FPDiv, FPSqrt, FPCompare, FPToFixed, FixedToFP, FPHalfToSingle,
 * FPSingleToHalf).
 *
 * This is the general ("slow") path: the executors (fpu.ts) compute common cases with JavaScript
 * doubles and Math.fround and come here for NaNs, infinities, denormals, FZ, DN, directed rounding
 * and anything that may raise a flag other than Inexact.
 *
 * How rounding is made exact with doubles only. Every operation first computes a double that is either
 * the exact result or its *round-to-odd* approximation (53 bits, last bit forced to 1 when inexact):
 * - products of two singles are exact in a double (24 + 24 bits);
 * - sums (also a + b*c, whose product is exact) get their exact error from TwoSum;
 * - quotients and square roots get the sign of their remainder from Dekker's exact product.
 * Rounding the round-to-odd value once more to 24 (or 11) bits in any mode gives the correctly
 * rounded result (Boldo & Melquiond, "Emulation of FMA and correctly-rounded sums: proved algorithms
 * using rounding to odd", IEEE TC 2008: needs p ≥ q + 2; here 53 ≥ 24 + 2), and the rounding's
 * error is non-zero exactly when the true result was inexact, so every flag comes out right. This
 * is also why the fused VFMA family needs no double rounding care: a + b*c is rounded once.
 *
 * Exceptions raised by an operation accumulate in a module variable; the caller ORs `takeFlags()`
 * into FPSCR. Nothing here allocates.
 */

// ---- FPSCR fields (DDI 0403E A2.5, PM0214 §4.6.4 FPSCR) ----------------------------------------------

export const FPSCR_N = 1 << 31;
export const FPSCR_AHP = 1 << 26;
export const FPSCR_DN = 1 << 25;
export const FPSCR_FZ = 1 << 24;
export const FPSCR_RMODE_SHIFT = 22;
export const FPSCR_RMODE = 3 << FPSCR_RMODE_SHIFT;
export const FPSCR_IDC = 1 << 7;
export const FPSCR_IXC = 1 << 4;
export const FPSCR_UFC = 1 << 3;
export const FPSCR_OFC = 1 << 2;
export const FPSCR_DZC = 1 << 1;
export const FPSCR_IOC = 1 << 0;
/** Bits of FPSCR that exist on the Cortex-M4 (the rest read as zero and ignore writes). */
export const FPSCR_WRITABLE = 0xf7c0_009f | 0;

/** FPSCR.RMode values. */
export const ROUND_NEAREST = 0;
export const ROUND_PLUS_INF = 1;
export const ROUND_MINUS_INF = 2;
export const ROUND_ZERO = 3;

// ---- Single-precision encodings ------------------------------------------------------------------

const SIGN = 1 << 31;
const EXP_MASK = 0x7f80_0000;
const FRAC_MASK = 0x007f_ffff;
const QUIET_BIT = 0x0040_0000;
export const DEFAULT_NAN = 0x7fc0_0000;
const POS_INF = 0x7f80_0000;
const NEG_ZERO = SIGN;

/** 2^-126, the smallest normal single. */
export const MIN_NORMAL = 1.1754943508222875e-38;

// Scratch views for moving between bits and values without allocating.
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const u32of64 = new Uint32Array(f64.buffer); // [0] low word, [1] high word (little-endian hosts)

let flags = 0;

/** Returns the exception flags raised since the last call, and clears them. */
export function takeFlags(): number {
  const f = flags;
  flags = 0;
  return f;
}

/** The value of a non-NaN single. */
export function valueOf(bits: number): number {
  i32[0] = bits;
  return f32[0];
}

/** The bits of a double that is exactly representable as a single (and not a NaN). */
export function bitsOf(value: number): number {
  f32[0] = value;
  return i32[0];
}

export function isNaNBits(x: number): boolean {
  return (x & 0x7fff_ffff) > POS_INF;
}

function isSignalling(x: number): boolean {
  return isNaNBits(x) && (x & QUIET_BIT) === 0;
}

function isQuietNaN(x: number): boolean {
  return isNaNBits(x) && (x & QUIET_BIT) !== 0;
}

function isInf(x: number): boolean {
  return (x & 0x7fff_ffff) === POS_INF;
}

function isZero(x: number): boolean {
  return (x & 0x7fff_ffff) === 0;
}

/**
 * FPUnpack's flush-to-zero (A2.5): with FPSCR.FZ a denormal input is a zero of the same sign and
 * raises Input Denormal.
 */
function flushIn(x: number, fpscr: number): number {
  if ((fpscr & FPSCR_FZ) !== 0 && (x & EXP_MASK) === 0 && (x & FRAC_MASK) !== 0) {
    flags |= FPSCR_IDC;
    return x & SIGN;
  }
  return x;
}

/** FPProcessNaN: a signalling NaN is quietened and raises Invalid Operation; DN gives the default NaN. */
function processNaN(x: number, fpscr: number): number {
  let r = x;
  if ((x & QUIET_BIT) === 0) {
    flags |= FPSCR_IOC;
    r = x | QUIET_BIT;
  }
  return (fpscr & FPSCR_DN) !== 0 ? DEFAULT_NAN : r;
}

/** FPProcessNaNs: signalling NaNs first, then quiet ones, the first operand first. One of a, b is a NaN. */
function processNaNs(a: number, b: number, fpscr: number): number {
  if (isSignalling(a)) return processNaN(a, fpscr);
  if (isSignalling(b)) return processNaN(b, fpscr);
  return processNaN(isNaNBits(a) ? a : b, fpscr);
}

/** FPProcessNaNs3 (for FPMulAdd). One of a, b, c is a NaN. */
function processNaNs3(a: number, b: number, c: number, fpscr: number): number {
  if (isSignalling(a)) return processNaN(a, fpscr);
  if (isSignalling(b)) return processNaN(b, fpscr);
  if (isSignalling(c)) return processNaN(c, fpscr);
  return processNaN(isNaNBits(a) ? a : isNaNBits(b) ? b : c, fpscr);
}

/** An Invalid Operation that produces a NaN: the default NaN. */
function invalid(): number {
  flags |= FPSCR_IOC;
  return DEFAULT_NAN;
}

function rounding(fpscr: number): number {
  return (fpscr >>> FPSCR_RMODE_SHIFT) & 3;
}

/** The zero an exact zero sum has: -0 when rounding towards minus infinity, else +0 (IEEE 754 §6.3). */
function exactZero(fpscr: number): number {
  return rounding(fpscr) === ROUND_MINUS_INF ? NEG_ZERO : 0;
}

// ---- Exact error terms ---------------------------------------------------------------------------

/** TwoSum (Knuth): the exact error of the double sum r = a + b, as a double. */
function sumError(a: number, b: number, r: number): number {
  const bb = r - a;
  return a - (r - bb) + (b - bb);
}

const SPLITTER = 134217729; // 2^27 + 1

/** Dekker's TwoProduct: the exact error of the double product p = a * b (no overflow in our ranges). */
function productError(a: number, b: number, p: number): number {
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * Round-to-odd: given r = RN(x) and the sign of the error x - r, the neighbour of r on the side of x
 * if r's last bit is even (so the result's last bit is 1: "sticky"). r is a normal non-zero double.
 */
function toOdd(r: number, error: number): number {
  if (error === 0) return r;
  f64[0] = r;
  const lo = u32of64[0];
  if ((lo & 1) !== 0) return r;
  if (error > 0 === r > 0) {
    u32of64[0] = lo + 1; // away from zero; an even low word cannot carry
  } else if (lo === 0) {
    u32of64[0] = 0xffff_ffff;
    u32of64[1] -= 1;
  } else {
    u32of64[0] = lo - 1;
  }
  return f64[0];
}

// ---- FPRound -------------------------------------------------------------------------------------

/** The format FPRound rounds to: single (N = 32) or half precision (N = 16). */
interface Format {
  readonly n: number;
  /** Fraction bits. */
  readonly f: number;
  /** Exponent bits. */
  readonly e: number;
  /** The exponent of the smallest normal number. */
  readonly minExp: number;
}
const SINGLE: Format = { n: 32, f: 23, e: 8, minExp: -126 };
const HALF: Format = { n: 16, f: 10, e: 5, minExp: -14 };

/**
 * FPRound (A2.5): rounds a non-zero finite value (exact, or round-to-odd, see the header) to the
 * format by FPSCR.RMode, with flush-to-zero of tiny results (single only: FZ does not apply to
 * half-precision conversions), underflow detected before rounding, overflow to infinity or the
 * largest normal by rounding direction, and the alternative half-precision format (AHP: no
 * infinities, overflow saturates and is Invalid Operation).
 */
function fpRound(value: number, fpscr: number, fmt: Format): number {
  const sign = value < 0 ? 1 : 0;
  const mag = sign ? -value : value;
  f64[0] = mag;
  const exponent = ((u32of64[1] >>> 20) & 0x7ff) - 1023;
  const signBit = sign << (fmt.n - 1);
  if ((fpscr & FPSCR_FZ) !== 0 && fmt.n !== 16 && exponent < fmt.minExp) {
    flags |= FPSCR_UFC;
    return signBit;
  }
  let biasedExp = Math.max(exponent - fmt.minExp + 1, 0);
  const scaled = mag * 2 ** (fmt.f - (biasedExp === 0 ? fmt.minExp : exponent));
  let intMant = Math.floor(scaled);
  let error = scaled - intMant;
  if (biasedExp === 0 && error !== 0) flags |= FPSCR_UFC;
  let roundUp: boolean;
  let overflowToInf: boolean;
  switch (rounding(fpscr)) {
    case ROUND_NEAREST:
      roundUp = error > 0.5 || (error === 0.5 && (intMant & 1) === 1);
      overflowToInf = true;
      break;
    case ROUND_PLUS_INF:
      roundUp = error !== 0 && sign === 0;
      overflowToInf = sign === 0;
      break;
    case ROUND_MINUS_INF:
      roundUp = error !== 0 && sign === 1;
      overflowToInf = sign === 1;
      break;
    default:
      roundUp = false;
      overflowToInf = false;
  }
  const one = 2 ** fmt.f;
  if (roundUp) {
    intMant++;
    if (intMant === one) biasedExp = 1; // a denormal rounded up to the smallest normal
    if (intMant === 2 * one) {
      biasedExp++;
      intMant /= 2;
    }
  }
  let result: number;
  if (fmt.n !== 16 || (fpscr & FPSCR_AHP) === 0) {
    if (biasedExp >= 2 ** fmt.e - 1) {
      const maxExp = 2 ** fmt.e - 1;
      result = overflowToInf ? signBit | (maxExp << fmt.f) : signBit | (((maxExp - 1) << fmt.f) | (one - 1));
      flags |= FPSCR_OFC;
      error = 1;
    } else {
      result = signBit | (biasedExp << fmt.f) | (intMant & (one - 1));
    }
  } else if (biasedExp >= 2 ** fmt.e) {
    result = signBit | 0x7fff;
    flags |= FPSCR_IOC;
    error = 0;
  } else {
    result = signBit | (biasedExp << fmt.f) | (intMant & (one - 1));
  }
  if (error !== 0) flags |= FPSCR_IXC;
  return result | 0;
}

/** FPRound to single precision. */
export function roundSingle(value: number, fpscr: number): number {
  return fpRound(value, fpscr, SINGLE);
}

// ---- Arithmetic ----------------------------------------------------------------------------------

/** Adds two values after FPUnpack; `b` already carries the sign the operation gives it. */
function addValues(a: number, b: number, fpscr: number): number {
  const aInf = isInf(a);
  const bInf = isInf(b);
  if (aInf && bInf && (a ^ b) < 0) return invalid();
  if (aInf) return a;
  if (bInf) return b;
  if (isZero(a) && isZero(b) && (a ^ b) >= 0) return a;
  return roundSum(valueOf(a), valueOf(b), fpscr);
}

/** Rounds the exact sum of two doubles (TwoSum gives its error, so the rounding is exact too). */
function roundSum(x: number, y: number, fpscr: number): number {
  const r = x + y;
  if (r === 0) return exactZero(fpscr); // only an exact zero: a non-zero sum never rounds to 0 here
  return roundSingle(toOdd(r, sumError(x, y, r)), fpscr);
}

/** FPAdd (A2.5). */
export function fpAdd(a: number, b: number, fpscr: number): number {
  a = flushIn(a, fpscr);
  b = flushIn(b, fpscr);
  if (isNaNBits(a) || isNaNBits(b)) return processNaNs(a, b, fpscr);
  return addValues(a, b, fpscr);
}

/** FPSub (A2.5): NaNs propagate unnegated; otherwise op1 + (-op2). */
export function fpSub(a: number, b: number, fpscr: number): number {
  a = flushIn(a, fpscr);
  b = flushIn(b, fpscr);
  if (isNaNBits(a) || isNaNBits(b)) return processNaNs(a, b, fpscr);
  return addValues(a, b ^ SIGN, fpscr);
}

/** FPMul (A2.5). */
export function fpMul(a: number, b: number, fpscr: number): number {
  a = flushIn(a, fpscr);
  b = flushIn(b, fpscr);
  if (isNaNBits(a) || isNaNBits(b)) return processNaNs(a, b, fpscr);
  const sign = (a ^ b) & SIGN;
  if ((isInf(a) && isZero(b)) || (isZero(a) && isInf(b))) return invalid();
  if (isInf(a) || isInf(b)) return sign | POS_INF;
  if (isZero(a) || isZero(b)) return sign;
  return roundSingle(valueOf(a) * valueOf(b), fpscr); // exact: 24 + 24 bits
}

/**
 * FPMulAdd (A2.5): addend + op1 * op2 rounded once (VFMA family). Callers negate operands first
 * (FPNeg on the raw bits), as the instructions' pseudocode does.
 */
export function fpMulAdd(addend: number, op1: number, op2: number, fpscr: number): number {
  const a = flushIn(addend, fpscr);
  const b = flushIn(op1, fpscr);
  const c = flushIn(op2, fpscr);
  const infTimesZero = (isInf(b) && isZero(c)) || (isZero(b) && isInf(c));
  if (isNaNBits(a) || isNaNBits(b) || isNaNBits(c)) {
    const r = processNaNs3(a, b, c, fpscr);
    // A quiet NaN addend does not hide the Invalid Operation of infinity times zero.
    return isQuietNaN(a) && infTimesZero ? invalid() : r;
  }
  const signP = (b ^ c) & SIGN;
  const infP = isInf(b) || isInf(c);
  if (infTimesZero || (isInf(a) && infP && (a & SIGN) !== signP)) return invalid();
  if (isInf(a)) return a;
  if (infP) return signP | POS_INF;
  if (isZero(a) && (isZero(b) || isZero(c)) && (a & SIGN) === signP) return a;
  return roundSum(valueOf(a), valueOf(b) * valueOf(c), fpscr); // the product is exact
}

/** FPDiv (A2.5). */
export function fpDiv(a: number, b: number, fpscr: number): number {
  a = flushIn(a, fpscr);
  b = flushIn(b, fpscr);
  if (isNaNBits(a) || isNaNBits(b)) return processNaNs(a, b, fpscr);
  const sign = (a ^ b) & SIGN;
  if ((isInf(a) && isInf(b)) || (isZero(a) && isZero(b))) return invalid();
  if (isInf(a) || isZero(b)) {
    if (!isInf(a)) flags |= FPSCR_DZC;
    return sign | POS_INF;
  }
  if (isZero(a) || isInf(b)) return sign;
  const va = valueOf(a);
  const vb = valueOf(b);
  const q = va / vb;
  const p = q * vb;
  const remainder = va - p - productError(q, vb, p); // va - p is exact (Sterbenz)
  return roundSingle(toOdd(q, vb > 0 ? remainder : -remainder), fpscr);
}

/** FPSqrt (A2.5). */
export function fpSqrt(a: number, fpscr: number): number {
  a = flushIn(a, fpscr);
  if (isNaNBits(a)) return processNaN(a, fpscr);
  if (isZero(a)) return a;
  if (a < 0) return invalid();
  if (isInf(a)) return a;
  const va = valueOf(a);
  const q = Math.sqrt(va);
  const p = q * q;
  return roundSingle(toOdd(q, va - p - productError(q, q, p)), fpscr);
}

/**
 * FPCompare (A2.5): the NZCV flags VCMP/VCMPE set (equal 0110, less 1000, greater 0010, unordered
 * 0011), as a 4-bit number. Signalling NaNs are Invalid Operation; quiet ones too when `quietNanExc` (VCMPE).
 */
export function fpCompare(a: number, b: number, quietNanExc: boolean, fpscr: number): number {
  a = flushIn(a, fpscr);
  b = flushIn(b, fpscr);
  if (isNaNBits(a) || isNaNBits(b)) {
    if (quietNanExc || isSignalling(a) || isSignalling(b)) flags |= FPSCR_IOC;
    return 0b0011;
  }
  const va = valueOf(a);
  const vb = valueOf(b);
  return va === vb ? 0b0110 : va < vb ? 0b1000 : 0b0010;
}

// ---- Conversions ---------------------------------------------------------------------------------

/**
 * FPToFixed (A2.5): a single to a `size`-bit (16 or 32) integer with `fracBits` fraction bits,
 * rounded towards zero or by FPSCR.RMode, saturated with Invalid Operation (a NaN gives 0). The
 * 16-bit results come back sign- or zero-extended to 32 bits.
 */
export function fpToFixed(x: number, size: number, fracBits: number, unsigned: boolean, roundZero: boolean, fpscr: number): number {
  x = flushIn(x, fpscr);
  if (isNaNBits(x)) {
    flags |= FPSCR_IOC;
    return 0;
  }
  const value = valueOf(x) * 2 ** fracBits;
  let result = Math.floor(value);
  const error = Number.isFinite(value) ? value - result : 0;
  const mode = roundZero ? ROUND_ZERO : rounding(fpscr);
  let roundUp: boolean;
  switch (mode) {
    case ROUND_NEAREST:
      roundUp = error > 0.5 || (error === 0.5 && result % 2 !== 0);
      break;
    case ROUND_PLUS_INF:
      roundUp = error !== 0;
      break;
    case ROUND_MINUS_INF:
      roundUp = false;
      break;
    default:
      roundUp = error !== 0 && result < 0;
  }
  if (roundUp) result++;
  const min = unsigned ? 0 : -(2 ** (size - 1));
  const max = unsigned ? 2 ** size - 1 : 2 ** (size - 1) - 1;
  if (result < min || result > max) {
    flags |= FPSCR_IOC;
    result = result < min ? min : max;
  } else if (error !== 0) {
    flags |= FPSCR_IXC;
  }
  return result | 0;
}

/**
 * FixedToFP (A2.5): the low `size` bits of `x` as a signed or unsigned fixed-point number with
 * `fracBits` fraction bits, rounded to single by FPSCR.RMode.
 */
export function fixedToFp(x: number, size: number, fracBits: number, unsigned: boolean, fpscr: number): number {
  let int: number;
  if (size === 16) int = unsigned ? x & 0xffff : (x << 16) >> 16;
  else int = unsigned ? x >>> 0 : x | 0;
  if (int === 0) return 0;
  return roundSingle(int / 2 ** fracBits, fpscr); // exact scaling
}

/**
 * FPHalfToSingle (A2.5): IEEE half precision, or the alternative format when FPSCR.AHP (exponent
 * 31 encodes normal numbers, no infinities or NaNs). Half-precision inputs are never flushed.
 */
export function halfToSingle(h: number, fpscr: number): number {
  h &= 0xffff;
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0x1f && (fpscr & FPSCR_AHP) === 0) {
    if (frac === 0) return sign | POS_INF;
    if ((frac & 0x200) === 0) flags |= FPSCR_IOC;
    return (fpscr & FPSCR_DN) !== 0 ? DEFAULT_NAN : sign | 0x7fc0_0000 | ((frac & 0x1ff) << 13);
  }
  if (exp === 0 && frac === 0) return sign;
  const value = exp === 0 ? frac * 2 ** -24 : (1024 + frac) * 2 ** (exp - 25);
  return roundSingle(sign !== 0 ? -value : value, fpscr); // exact
}

/**
 * FPSingleToHalf (A2.5): to IEEE or alternative half precision (low 16 bits of the result). The
 * single input is flushed by FZ; the half result is not.
 */
export function singleToHalf(x: number, fpscr: number): number {
  x = flushIn(x, fpscr);
  const sign = (x >>> 16) & 0x8000;
  const ahp = (fpscr & FPSCR_AHP) !== 0;
  if (isNaNBits(x)) {
    if (ahp || isSignalling(x)) flags |= FPSCR_IOC;
    if (ahp) return sign;
    if ((fpscr & FPSCR_DN) !== 0) return 0x7e00;
    return sign | 0x7e00 | ((x >>> 13) & 0x1ff);
  }
  if (isInf(x)) {
    if (!ahp) return sign | 0x7c00;
    flags |= FPSCR_IOC;
    return sign | 0x7fff;
  }
  if (isZero(x)) return sign;
  return fpRound(valueOf(x), fpscr, HALF) & 0xffff;
}

/** VFPExpandImm() (ARM ARM A6, used by VMOV immediate): the single an 8-bit VMOV immediate stands for. */
export function expandImm(imm8: number): number {
  const b6 = (imm8 >> 6) & 1;
  const exp = ((b6 ^ 1) << 7) | (b6 ? 0x7c : 0) | ((imm8 >> 4) & 3);
  return ((imm8 & 0x80) << 24) | (exp << 23) | ((imm8 & 0xf) << 19);
}

/**
 * Operand values for generated cases, drawn from edge sets: the values where flags, saturation,
 * rounding and special-number handling change (ARM ARM A2.2 integer arithmetic, A2.5 floating point).
 * All values are 32-bit patterns in unsigned form.
 */
import type { Rng } from './prng.js';

/** Integer edges: carries, overflows, sign changes, lane boundaries of the SIMD instructions. */
export const INT_EDGES: readonly number[] = [
  0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0x80000001, 0x7ffffffe, 0xfffffffe,
  0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0xffff8000, 0xffff7fff,
  0x7f7f7f7f, 0x80808080, 0xff00ff00, 0x00ff00ff, 0x7fff8000, 0x80007fff, 0x7fff7fff, 0x80008000,
  0x01010101, 0xfefefefe, 31, 32, 33, 63, 64, 255, 256, 0xaaaaaaaa, 0x55555555,
];

/** A byte or halfword lane value at a SIMD edge. */
const LANE8 = [0x00, 0x01, 0x7f, 0x80, 0x81, 0xff, 0xfe, 0x40];
const LANE16 = [0x0000, 0x0001, 0x7fff, 0x8000, 0x8001, 0xffff, 0xfffe, 0x4000];

export function intValue(rng: Rng): number {
  const k = rng.int(100);
  if (k < 35) return rng.pick(INT_EDGES) >>> 0;
  if (k < 55) return rng.u32();
  if (k < 65) return rng.range(-40, 40) >>> 0;
  if (k < 75) {
    let v = 0;
    for (let i = 0; i < 4; i++) v |= (rng.chance(0.7) ? rng.pick(LANE8) : rng.int(256)) << (8 * i);
    return v >>> 0;
  }
  if (k < 85) {
    const lo = rng.chance(0.7) ? rng.pick(LANE16) : rng.int(0x10000);
    const hi = rng.chance(0.7) ? rng.pick(LANE16) : rng.int(0x10000);
    return ((hi << 16) | lo) >>> 0;
  }
  if (k < 93) {
    // A few set bits: bitfield and shift edges.
    let v = 0;
    for (let n = rng.range(1, 3); n > 0; n--) v |= 1 << rng.int(32);
    return (rng.chance(0.3) ? ~v : v) >>> 0;
  }
  return (rng.u32() & (0xffffffff >>> rng.int(32))) >>> 0;
}

/** Single-precision edges: zeros, infinities, NaNs (quiet, signalling, with payloads), denormals, limits. */
export const FLOAT_EDGES: readonly number[] = [
  0x00000000, 0x80000000, // ±0
  0x7f800000, 0xff800000, // ±Inf
  0x7fc00000, 0xffc00000, 0x7fc00001, 0xffe12345, // quiet NaNs
  0x7f800001, 0xff800001, 0x7fa00000, 0x7fbfffff, // signalling NaNs
  0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00400000, 0x00000100, // denormals
  0x00800000, 0x80800000, 0x00800001, // smallest normals
  0x7f7fffff, 0xff7fffff, 0x7f000000, // FLT_MAX, 2^127
  0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40000000, 0x40400000, 0x40200000, 0xbfc00000, // ±1, .5, 1.5, 2, 3, 2.5, -1.5
  0x3f800001, 0x3f7fffff, 0x3effffff, 0x3f000001, // one ulp around 1 and 0.5
  0x4f000000, 0xcf000000, 0x4f800000, 0x4effffff, 0x4f7fffff, 0xcf000001, // integer conversion limits
  0x477fe000, 0x477ff000, 0x477fefff, 0x38800000, 0x33800000, 0x33000000, 0x387fc000, // half-precision limits
  0x46fffe00, 0x47000000, 0x46800000, // fixed-point (16-bit) limits
];

/** A float bit pattern: an edge, a random pattern, or a "nice" number (integers, binary fractions). */
export function floatValue(rng: Rng, exponents: readonly number[]): number {
  const k = rng.int(100);
  if (k < 40) return rng.pick(FLOAT_EDGES) >>> 0;
  if (k < 55) return rng.u32();
  if (k < 80) {
    // Exponent from the case's small set: operands of similar magnitude make rounding ties likely.
    const sign = rng.bit() << 31;
    const mant = rng.chance(0.3) ? (rng.u32() >>> 9) & (0x7fffff << rng.int(23)) : rng.u32() >>> 9;
    return (sign | (rng.pick(exponents) << 23) | mant) >>> 0;
  }
  if (k < 92) {
    const i = rng.range(-70000, 70000) * (rng.chance(0.2) ? 65536 : 1);
    return floatBits(rng.chance(0.3) ? i / (1 << rng.int(8)) : i);
  }
  // Denormals and tiny numbers (flush-to-zero, underflow).
  return ((rng.bit() << 31) | (rng.int(3) << 23) | (rng.u32() >>> 9)) >>> 0;
}

/** A set of exponents for one case (biased values 0..255). */
export function exponentSet(rng: Rng): number[] {
  const centre = rng.chance(0.7) ? rng.range(100, 160) : rng.range(1, 254);
  const out = [];
  for (let i = rng.range(1, 3); i > 0; i--) out.push(Math.max(0, Math.min(255, centre + rng.range(-26, 26))));
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function floatBits(x: number): number {
  f32[0] = x;
  return u32[0];
}

/** FPSCR bits that exist on FPv4-SP (ARMv7-M A2.5.3): N Z C V, AHP, DN, FZ, RMode, IDC, IXC, UFC, OFC, DZC, IOC. */
export const FPSCR_MASK = 0xf7c0009f;

export function fpscrValue(rng: Rng): number {
  let v = (rng.int(16) << 28) | (rng.int(4) << 22);
  if (rng.chance(0.35)) v |= 1 << 25; // DN
  if (rng.chance(0.35)) v |= 1 << 24; // FZ
  if (rng.chance(0.2)) v |= 1 << 26; // AHP
  if (rng.chance(0.5)) v |= rng.u32() & 0x9f; // cumulative exception flags
  return v >>> 0;
}

/** APSR: N Z C V Q [31:27], GE [19:16]. */
export function apsrValue(rng: Rng): number {
  return ((rng.int(32) << 27) | (rng.int(16) << 16)) >>> 0;
}

/**
 * What the memory window holds before a case (the code is written on top): integer and float edge
 * words and random bytes, so loads see the same kinds of values registers start with.
 */
export function windowPattern(rng: Rng, size: number): Uint8Array {
  const words = new Uint32Array(size >>> 2);
  const exps = exponentSet(rng);
  for (let i = 0; i < words.length; i++) {
    const k = rng.int(3);
    words[i] = k === 0 ? intValue(rng) : k === 1 ? floatValue(rng, exps) : rng.u32();
  }
  return new Uint8Array(words.buffer);
}

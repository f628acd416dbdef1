/**
 * The FPv4-SP pseudocode on raw bits (src/core/execute/fpu-softfloat.ts): FPRound in every rounding
 * mode, flush-to-zero, NaN propagation and default NaN, the invalid cases, conversions and the
 * half-precision formats. Values are written as IEEE bit patterns.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_NAN,
  FPSCR_AHP,
  FPSCR_DN,
  FPSCR_DZC,
  FPSCR_FZ,
  FPSCR_IDC,
  FPSCR_IOC,
  FPSCR_IXC,
  FPSCR_OFC,
  FPSCR_UFC,
  ROUND_MINUS_INF,
  ROUND_PLUS_INF,
  ROUND_ZERO,
  expandImm,
  fixedToFp,
  fpAdd,
  fpCompare,
  fpDiv,
  fpMul,
  fpMulAdd,
  fpSqrt,
  fpSub,
  fpToFixed,
  halfToSingle,
  roundSingle,
  singleToHalf,
  takeFlags,
} from '../../../src/core/execute/fpu-softfloat.js';

const RN = 0;
const RP = ROUND_PLUS_INF << 22;
const RM = ROUND_MINUS_INF << 22;
const RZ = ROUND_ZERO << 22;

const ONE = 0x3f80_0000;
const FLT_MAX = 0x7f7f_ffff;
const INF = 0x7f80_0000;
const NEG = 1 << 31;

/** Runs `f` from clean flags; returns [result as unsigned, flags raised]. */
function exec(f: () => number): [number, number] {
  takeFlags();
  const r = f() >>> 0;
  return [r, takeFlags()];
}

test('FPRound breaks a tie to even in round-to-nearest and follows the direction in the other modes', () => {
  const tie = 1 + 2 ** -24; // halfway between 1 and 1 + 2^-23
  assert.deepEqual(exec(() => roundSingle(tie, RN)), [ONE, FPSCR_IXC]);
  assert.deepEqual(exec(() => roundSingle(tie, RP)), [ONE + 1, FPSCR_IXC]);
  assert.deepEqual(exec(() => roundSingle(tie, RM)), [ONE, FPSCR_IXC]);
  assert.deepEqual(exec(() => roundSingle(-tie, RM)), [((NEG | ONE) + 1) >>> 0, FPSCR_IXC]);
  assert.deepEqual(exec(() => roundSingle(-tie, RZ)), [(NEG | ONE) >>> 0, FPSCR_IXC]);
  assert.deepEqual(exec(() => roundSingle(1 + 3 * 2 ** -24, RN)), [ONE + 2, FPSCR_IXC], 'odd tie rounds up to even');
});

test('FPRound overflows to infinity or FLT_MAX by direction, raising Overflow and Inexact', () => {
  const big = 2 ** 128;
  assert.deepEqual(exec(() => roundSingle(big, RN)), [INF, FPSCR_OFC | FPSCR_IXC]);
  assert.deepEqual(exec(() => roundSingle(big, RZ)), [FLT_MAX, FPSCR_OFC | FPSCR_IXC]);
  assert.deepEqual(exec(() => roundSingle(big, RM)), [FLT_MAX, FPSCR_OFC | FPSCR_IXC]);
  assert.deepEqual(exec(() => roundSingle(-big, RM)), [(NEG | INF) >>> 0, FPSCR_OFC | FPSCR_IXC]);
});

test('FPRound signals Underflow only for tiny inexact results, detected before rounding', () => {
  assert.deepEqual(exec(() => roundSingle(1.5 * 2 ** -127, RN)), [0x0060_0000, 0], 'exact denormal');
  assert.deepEqual(exec(() => roundSingle(2 ** -150, RN)), [0, FPSCR_UFC | FPSCR_IXC], 'tie to even zero');
  assert.deepEqual(exec(() => roundSingle(2 ** -150, RP)), [1, FPSCR_UFC | FPSCR_IXC]);
  // Just below 2^-126: rounds to the smallest normal, yet it was tiny before rounding.
  assert.deepEqual(exec(() => roundSingle(2 ** -126 * (1 - 2 ** -30), RN)), [0x0080_0000, FPSCR_UFC | FPSCR_IXC]);
});

test('with FZ a tiny result becomes a zero of its sign with Underflow and no Inexact', () => {
  assert.deepEqual(exec(() => roundSingle(-(2 ** -130), FPSCR_FZ)), [NEG >>> 0, FPSCR_UFC]);
  assert.deepEqual(exec(() => roundSingle(2 ** -126 * (1 - 2 ** -30), FPSCR_FZ)), [0, FPSCR_UFC]);
});

test('with FZ a denormal input is a zero of its sign and raises Input Denormal', () => {
  assert.deepEqual(exec(() => fpAdd(0x8000_0001 | 0, ONE, FPSCR_FZ)), [ONE, FPSCR_IDC]);
  assert.deepEqual(exec(() => fpMul(0x0000_0001, ONE, FPSCR_FZ)), [0, FPSCR_IDC]);
  assert.deepEqual(exec(() => fpAdd(0x0000_0001, ONE, 0)), [ONE, FPSCR_IXC], 'without FZ it is a value');
});

test('NaN operands: signalling first, then the first operand; quietened; DN gives the default NaN', () => {
  const q1 = 0x7fc0_0001;
  const q2 = 0xffc0_0002 | 0;
  const s2 = 0x7f80_0002;
  assert.deepEqual(exec(() => fpAdd(q1, q2, 0)), [q1, 0]);
  assert.deepEqual(exec(() => fpAdd(q1, s2, 0)), [0x7fc0_0002, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpMul(ONE, q2, 0)), [q2 >>> 0, 0]);
  assert.deepEqual(exec(() => fpAdd(q1, s2, FPSCR_DN)), [DEFAULT_NAN, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpSub(ONE, q2, 0)), [q2 >>> 0, 0], 'VSUB does not negate a NaN operand');
});

test('invalid operations give the default NaN: ∞−∞, 0·∞, 0/0, ∞/∞, √−x', () => {
  assert.deepEqual(exec(() => fpAdd(INF, INF | NEG, 0)), [DEFAULT_NAN, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpSub(INF, INF, 0)), [DEFAULT_NAN, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpMul(0, INF, 0)), [DEFAULT_NAN, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpDiv(NEG, 0, 0)), [DEFAULT_NAN, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpDiv(INF, INF, 0)), [DEFAULT_NAN, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpSqrt(NEG | ONE, 0)), [DEFAULT_NAN, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpSqrt(NEG, 0)), [NEG >>> 0, 0], '√−0 = −0');
});

test('division of a finite number by zero is a signed infinity with Divide by Zero', () => {
  assert.deepEqual(exec(() => fpDiv(NEG | ONE, 0, 0)), [(NEG | INF) >>> 0, FPSCR_DZC]);
  assert.deepEqual(exec(() => fpDiv(INF, 0, 0)), [INF, 0], '∞/0 is exact');
});

test('an exact zero sum is +0, or −0 when rounding towards minus infinity', () => {
  assert.deepEqual(exec(() => fpAdd(ONE, NEG | ONE, RN)), [0, 0]);
  assert.deepEqual(exec(() => fpAdd(ONE, NEG | ONE, RM)), [NEG >>> 0, 0]);
  assert.deepEqual(exec(() => fpAdd(NEG, NEG, RN)), [NEG >>> 0, 0], '−0 + −0 = −0');
  assert.deepEqual(exec(() => fpMulAdd(0, ONE, NEG, RM)), [NEG >>> 0, 0], '+0 + 1·(−0) rounds to −0 in RM');
});

test('FPMulAdd: a quiet NaN addend with ∞·0 is still Invalid and gives the default NaN', () => {
  assert.deepEqual(exec(() => fpMulAdd(0x7fc0_1234, INF, 0, 0)), [DEFAULT_NAN, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpMulAdd(0x7fc0_1234, ONE, 0, 0)), [0x7fc0_1234, 0]);
});

test('FPMulAdd rounds the exact a + b·c once, also below the double precision of the sum', () => {
  // 1 + (2^-24 + 2^-70): the sticky 2^-70 is lost in a double, and decides the rounding.
  const c = 0x3f80_0001;
  const b = 0xb37f_fffe | 0;
  assert.deepEqual(exec(() => fpMulAdd(c, b, c, RN)), [ONE + 1, FPSCR_IXC]);
  assert.deepEqual(exec(() => fpMulAdd(c, b, c, RZ)), [ONE, FPSCR_IXC]);
});

test('FPCompare: ordered results, unordered 0011 with Invalid only for signalling NaNs unless VCMPE', () => {
  takeFlags();
  assert.equal(fpCompare(ONE, ONE, false, 0), 0b0110);
  assert.equal(fpCompare(NEG, 0, false, 0), 0b0110, '−0 = +0');
  assert.equal(fpCompare(NEG | ONE, ONE, false, 0), 0b1000);
  assert.equal(fpCompare(INF, FLT_MAX, false, 0), 0b0010);
  assert.equal(takeFlags(), 0);
  assert.deepEqual(exec(() => fpCompare(DEFAULT_NAN, ONE, false, 0)), [0b0011, 0]);
  assert.deepEqual(exec(() => fpCompare(DEFAULT_NAN, ONE, true, 0)), [0b0011, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpCompare(ONE, 0x7f80_0001, false, 0)), [0b0011, FPSCR_IOC]);
});

test('FPToFixed rounds, saturates with Invalid (no Inexact), and turns NaN into 0', () => {
  const f = (x: number) => new Int32Array(new Float32Array([x]).buffer)[0];
  assert.deepEqual(exec(() => fpToFixed(f(2.5), 32, 0, false, false, RN)), [2, FPSCR_IXC]);
  assert.deepEqual(exec(() => fpToFixed(f(3.5), 32, 0, false, false, RN)), [4, FPSCR_IXC]);
  assert.deepEqual(exec(() => fpToFixed(f(-2.5), 32, 0, false, false, RN)), [-2 >>> 0, FPSCR_IXC]);
  assert.deepEqual(exec(() => fpToFixed(f(-2.5), 32, 0, false, true, RN)), [-2 >>> 0, FPSCR_IXC], 'VCVT rounds to zero');
  assert.deepEqual(exec(() => fpToFixed(f(-0.5), 32, 0, true, true, RN)), [0, FPSCR_IXC]);
  assert.deepEqual(exec(() => fpToFixed(f(-1), 32, 0, true, true, RN)), [0, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpToFixed(f(2 ** 31), 32, 0, false, true, RN)), [0x7fff_ffff, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpToFixed(NEG | INF, 16, 4, false, true, RN)), [-32768 >>> 0, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpToFixed(0x7fc0_0000, 32, 0, false, true, RN)), [0, FPSCR_IOC]);
  assert.deepEqual(exec(() => fpToFixed(f(1.75), 16, 8, true, true, RN)), [0x1c0, 0], 'fraction bits scale');
});

test('FixedToFP rounds by RMode and reads 16-bit operands sign- or zero-extended', () => {
  assert.deepEqual(exec(() => fixedToFp(0x0100_0001, 32, 0, false, RN)), [0x4b80_0000, FPSCR_IXC]);
  assert.deepEqual(exec(() => fixedToFp(0x0100_0001, 32, 0, false, RP)), [0x4b80_0001, FPSCR_IXC]);
  assert.deepEqual(exec(() => fixedToFp(-1, 32, 0, true, RN)), [0x4f80_0000, FPSCR_IXC], '2^32 - 1 rounds up');
  assert.deepEqual(exec(() => fixedToFp(0x1234_ffff, 16, 0, false, RN)), [(NEG | ONE) >>> 0, 0]);
  assert.deepEqual(exec(() => fixedToFp(0x1234_ffff, 16, 16, true, RN)), [0x3f7f_ff00, 0]);
});

test('half precision: IEEE overflow to infinity, AHP saturation with Invalid, NaN handling', () => {
  const f = (x: number) => new Int32Array(new Float32Array([x]).buffer)[0];
  assert.deepEqual(exec(() => singleToHalf(f(65504), RN)), [0x7bff, 0]);
  assert.deepEqual(exec(() => singleToHalf(f(65520), RN)), [0x7c00, FPSCR_OFC | FPSCR_IXC]);
  assert.deepEqual(exec(() => singleToHalf(f(65520), RZ)), [0x7bff, FPSCR_IXC], 'rounds down to 65504: no overflow');
  assert.deepEqual(exec(() => singleToHalf(f(65536), FPSCR_AHP)), [0x7c00, 0], 'AHP: exponent 31 is a number');
  assert.deepEqual(exec(() => singleToHalf(f(131072), FPSCR_AHP)), [0x7fff, FPSCR_IOC]);
  assert.deepEqual(exec(() => singleToHalf(INF | NEG, FPSCR_AHP)), [0xffff, FPSCR_IOC]);
  assert.deepEqual(exec(() => singleToHalf(0x7fc0_2000, FPSCR_AHP)), [0, FPSCR_IOC]);
  assert.deepEqual(exec(() => singleToHalf(0x7f80_2000, 0)), [0x7e01, FPSCR_IOC]);
  assert.deepEqual(exec(() => singleToHalf(0x7fc0_2000, FPSCR_DN)), [0x7e00, 0]);
  assert.deepEqual(exec(() => singleToHalf(f(2 ** -25), FPSCR_FZ)), [0, FPSCR_UFC | FPSCR_IXC], 'FZ does not flush half results');
  assert.deepEqual(exec(() => halfToSingle(0x7c00, FPSCR_AHP)), [0x4780_0000, 0]);
  assert.deepEqual(exec(() => halfToSingle(0xfd01, 0)), [0xffe0_2000, FPSCR_IOC], 'signalling: quietened, payload kept');
  assert.deepEqual(exec(() => halfToSingle(0x0001, FPSCR_FZ)), [0x3380_0000, 0], 'half denormals are not flushed');
});

test('VFPExpandImm maps imm8 to the single it stands for', () => {
  const v = (bits: number) => new Float32Array(new Int32Array([bits]).buffer)[0];
  assert.equal(v(expandImm(0x70)), 1);
  assert.equal(v(expandImm(0x00)), 2);
  assert.equal(v(expandImm(0x80)), -2);
  assert.equal(v(expandImm(0x7f)), 1.9375);
  assert.equal(v(expandImm(0x60)), 0.5);
  assert.equal(v(expandImm(0x30)), 16);
  assert.equal(v(expandImm(0x3f)), 31);
  assert.equal(v(expandImm(0x40)), 0.125);
});

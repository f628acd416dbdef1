import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALU_OUT,
  SRType,
  addWithCarry,
  decodeImmShift,
  shift,
  shiftC,
  signExtend,
  thumbExpandImm,
  thumbExpandImmC,
} from '../../../src/core/execute/arith.js';

const EDGES = [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];

/** AddWithCarry straight from the pseudocode, with unbounded integers. */
function reference(x: number, y: number, carry: number): [number, number, number] {
  const unsigned = BigInt(x >>> 0) + BigInt(y >>> 0) + BigInt(carry);
  const signed = BigInt(x | 0) + BigInt(y | 0) + BigInt(carry);
  const result = Number(unsigned & 0xffff_ffffn);
  return [result, BigInt(result) === unsigned ? 0 : 1, BigInt(result | 0) === signed ? 0 : 1];
}

test('AddWithCarry gives result, carry and overflow as the pseudocode for every pair of edge values', () => {
  for (const x of EDGES) {
    for (const y of EDGES) {
      for (const c of [0, 1]) {
        const r = addWithCarry(x | 0, y | 0, c);
        assert.deepEqual([r >>> 0, ALU_OUT.carry, ALU_OUT.overflow], reference(x, y, c), `${x} + ${y} + ${c}`);
      }
    }
  }
});

test('AddWithCarry of x, NOT(y), 1 is subtraction: carry means no borrow', () => {
  assert.equal(addWithCarry(5, ~3, 1), 2);
  assert.equal(ALU_OUT.carry, 1);
  assert.equal(addWithCarry(3, ~5, 1), -2);
  assert.equal(ALU_OUT.carry, 0);
  assert.equal(addWithCarry(0x8000_0000 | 0, ~1, 1), 0x7fff_ffff);
  assert.equal(ALU_OUT.overflow, 1);
});

test('Shift_C LSL carries out the last bit shifted out, and 0 beyond 32', () => {
  assert.equal(shiftC(0x8000_0001 | 0, SRType.LSL, 1, 0) >>> 0, 2);
  assert.equal(ALU_OUT.carry, 1);
  assert.equal(shiftC(1, SRType.LSL, 32, 0), 0);
  assert.equal(ALU_OUT.carry, 1);
  assert.equal(shiftC(-1, SRType.LSL, 33, 1), 0);
  assert.equal(ALU_OUT.carry, 0);
});

test('Shift_C LSR by 32 moves bit 31 into the carry; by more gives 0 and carry 0', () => {
  assert.equal(shiftC(0x8000_0000 | 0, SRType.LSR, 32, 0), 0);
  assert.equal(ALU_OUT.carry, 1);
  assert.equal(shiftC(-1, SRType.LSR, 255, 1), 0);
  assert.equal(ALU_OUT.carry, 0);
  assert.equal(shiftC(0x8000_0000 | 0, SRType.LSR, 31, 0), 1);
  assert.equal(ALU_OUT.carry, 0);
});

test('Shift_C ASR by 32 or more fills with the sign and carries the sign', () => {
  assert.equal(shiftC(0x8000_0000 | 0, SRType.ASR, 32, 0), -1);
  assert.equal(ALU_OUT.carry, 1);
  assert.equal(shiftC(0x7fff_ffff, SRType.ASR, 200, 1), 0);
  assert.equal(ALU_OUT.carry, 0);
  assert.equal(shiftC(-8, SRType.ASR, 2, 0), -2);
  assert.equal(ALU_OUT.carry, 0);
});

test('Shift_C ROR rotates modulo 32 and carries bit 31 of the result; a multiple of 32 keeps the value', () => {
  assert.equal(shiftC(1, SRType.ROR, 1, 0) >>> 0, 0x8000_0000);
  assert.equal(ALU_OUT.carry, 1);
  assert.equal(shiftC(0x8000_0001 | 0, SRType.ROR, 32, 0) >>> 0, 0x8000_0001);
  assert.equal(ALU_OUT.carry, 1);
  assert.equal(shiftC(0x1234_5678, SRType.ROR, 40, 0) >>> 0, 0x7812_3456);
});

test('Shift_C RRX shifts the carry in at bit 31 and bit 0 out', () => {
  assert.equal(shiftC(3, SRType.RRX, 1, 1) >>> 0, 0x8000_0001);
  assert.equal(ALU_OUT.carry, 1);
  assert.equal(shift(2, SRType.RRX, 1, 0), 1);
});

test('a shift by 0 leaves value and carry unchanged', () => {
  for (const type of [SRType.LSL, SRType.LSR, SRType.ASR, SRType.ROR]) {
    assert.equal(shiftC(0x1234, type, 0, 1), 0x1234);
    assert.equal(ALU_OUT.carry, 1);
    assert.equal(shift(0x1234, type, 0, 0), 0x1234);
  }
});

test('DecodeImmShift makes LSR/ASR #0 shifts by 32 and ROR #0 an RRX', () => {
  assert.deepEqual(decodeImmShift(0, 0), { type: SRType.LSL, amount: 0 });
  assert.deepEqual(decodeImmShift(1, 0), { type: SRType.LSR, amount: 32 });
  assert.deepEqual(decodeImmShift(2, 0), { type: SRType.ASR, amount: 32 });
  assert.deepEqual(decodeImmShift(3, 0), { type: SRType.RRX, amount: 1 });
  assert.deepEqual(decodeImmShift(3, 7), { type: SRType.ROR, amount: 7 });
});

test('ThumbExpandImm replicates the byte in the four patterns and leaves the carry unchanged', () => {
  assert.deepEqual(thumbExpandImmC(0x0ab), { value: 0xab, carry: -1 });
  assert.deepEqual(thumbExpandImmC(0x1ab), { value: 0x00ab_00ab, carry: -1 });
  assert.deepEqual(thumbExpandImmC(0x2ab), { value: 0xab00_ab00 | 0, carry: -1 });
  assert.deepEqual(thumbExpandImmC(0x3ab), { value: 0xabab_abab | 0, carry: -1 });
});

test('ThumbExpandImm rotates 1:imm7 and carries out bit 31 of the rotated value', () => {
  // imm12 = 0x4ff: rotation 9 of 0xff → 0x7f800000, carry 0.
  assert.deepEqual(thumbExpandImmC(0x4ff), { value: 0x7f80_0000, carry: 0 });
  // imm12 = 0x400: rotation 8 of 0x80 → 0x80000000, carry 1.
  assert.deepEqual(thumbExpandImmC(0x400), { value: 0x8000_0000 | 0, carry: 1 });
  assert.equal(thumbExpandImm(0xfff), 0x1fe); // 0xff ROR 31
});

test('ThumbExpandImm of a zero byte in a replicated pattern is UNPREDICTABLE (undefined)', () => {
  assert.equal(thumbExpandImmC(0x100), undefined);
  assert.equal(thumbExpandImmC(0x300), undefined);
  assert.deepEqual(thumbExpandImmC(0x000), { value: 0, carry: -1 });
});

test('SignExtend copies the top bit of the field', () => {
  assert.equal(signExtend(0x80, 8), -128);
  assert.equal(signExtend(0x7f, 8), 127);
  assert.equal(signExtend(0x1f_ffff, 21), -1);
});

/**
 * FPv4-SP instructions run on a Machine (src/core/execute/fpu.ts): loads, stores, register transfers,
 * FPSCR access, the NOCP/UNDEFINED rules, FP context creation, cycle counts, and the agreement of the
 * fast arithmetic path with the exact one. The arithmetic itself is checked against the oracle in
 * fpu-vectors.test.ts. Instruction words come from arm-none-eabi-as (-mcpu=cortex-m4 -mthumb).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CFSR } from '../../../src/core/faults.js';
import {
  fpAdd,
  fpDiv,
  fpMul,
  fpMulAdd,
  fpSqrt,
  fpSub,
  fpToFixed,
  fixedToFp,
  takeFlags,
} from '../../../src/core/execute/fpu-softfloat.js';
import { Machine } from '../../../src/machine.js';

const CODE = 0x2000_0000;
const DATA = 0x2000_1000;
const STACK_TOP = 0x2000_8000;

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
/** The bits of a single. */
function bits(x: number): number {
  f32[0] = x;
  return i32[0];
}

/** A machine with the FPU enabled (CPACR CP10/CP11 full access), an FP context active, SP in SRAM. */
function fpuMachine(): Machine {
  const m = new Machine();
  m.cpu.exc.cpacr = 0xf << 20;
  m.cpu.control = 4; // CONTROL.FPCA: FPSCR is not reloaded from FPDSCR by the first FP instruction
  m.cpu.r[13] = STACK_TOP;
  return m;
}

/** Writes 32-bit instructions (hw1, hw2 pairs) at CODE and runs them all. */
function run(m: Machine, ...halfwords: number[]): void {
  for (let i = 0; i < halfwords.length; i++) m.bus.write16(CODE + 2 * i, halfwords[i]);
  m.cpu.npc = CODE;
  m.cpu.run(halfwords.length / 2);
}

test('VLDR loads a single from [Rn, #+imm] and [Rn, #-imm]', () => {
  const m = fpuMachine();
  m.bus.write32(DATA + 8, 0x3fc0_0000);
  m.bus.write32(DATA - 4, 0xdead_beef);
  m.cpu.r[0] = DATA;
  run(m, 0xedd0, 0x0a02, 0xed10, 0x1a01); // vldr s1, [r0, #8] ; vldr s2, [r0, #-4]
  assert.equal(m.cpu.sw[1], 0x3fc0_0000);
  assert.equal(m.cpu.sw[2] >>> 0, 0xdead_beef);
  assert.equal(m.cpu.r[0], DATA, 'no writeback');
});

test('VLDR of a D register loads the low word into S2n and the high word into S2n+1', () => {
  const m = fpuMachine();
  m.bus.write32(DATA + 16, 0x1111_1111);
  m.bus.write32(DATA + 20, 0x2222_2222);
  m.cpu.r[1] = DATA;
  run(m, 0xed91, 0x3b04); // vldr d3, [r1, #16]
  assert.equal(m.cpu.sw[6], 0x1111_1111);
  assert.equal(m.cpu.sw[7], 0x2222_2222);
});

test('VLDR with PC as base reads the literal at Align(PC, 4) + imm', () => {
  const m = fpuMachine();
  // At CODE + 2 (a halfword-aligned instruction), PC reads CODE + 6, aligned down to CODE + 4; + 8.
  m.bus.write16(CODE, 0xbf00); // NOP
  m.bus.write32(CODE + 12, 0x4049_0fdb);
  m.bus.write16(CODE + 2, 0xed9f);
  m.bus.write16(CODE + 4, 0x3a02); // vldr s6, [pc, #8]
  m.cpu.npc = CODE + 2;
  m.cpu.run(1);
  assert.equal(m.cpu.sw[6], 0x4049_0fdb);
});

test('VSTR stores a single, and a D register as two words, low word first', () => {
  const m = fpuMachine();
  m.cpu.r[2] = DATA + 0x10;
  m.cpu.sw[5] = 0x1234_5678;
  m.cpu.sw[2] = 0x0a0a_0a0a; // D1 low
  m.cpu.sw[3] = 0x0b0b_0b0b; // D1 high
  run(m, 0xedc2, 0x2a01, 0xed02, 0x1b02); // vstr s5, [r2, #4] ; vstr d1, [r2, #-8]
  assert.equal(m.bus.read32(DATA + 0x14), 0x1234_5678);
  assert.equal(m.bus.read32(DATA + 0x08), 0x0a0a_0a0a);
  assert.equal(m.bus.read32(DATA + 0x0c), 0x0b0b_0b0b);
});

test('VLDR from an unaligned address is a UsageFault UNALIGNED and leaves the register unchanged', () => {
  const m = fpuMachine();
  m.cpu.r[0] = DATA + 2;
  m.cpu.sw[1] = 0x5555_5555;
  run(m, 0xedd0, 0x0a02); // vldr s1, [r0, #8]
  assert.notEqual(m.cpu.exc.cfsr & CFSR.UNALIGNED, 0);
  assert.equal(m.cpu.sw[1], 0x5555_5555);
});

test('VLDMIA with writeback loads consecutive singles and advances Rn', () => {
  const m = fpuMachine();
  for (let i = 0; i < 4; i++) m.bus.write32(DATA + 4 * i, 0x100 + i);
  m.cpu.r[0] = DATA;
  run(m, 0xecb0, 0x2a04); // vldmia r0!, {s4-s7}
  assert.deepEqual([...m.cpu.sw.slice(4, 8)], [0x100, 0x101, 0x102, 0x103]);
  assert.equal(m.cpu.r[0], DATA + 16);
});

test('VLDMIA of D registers without writeback leaves Rn', () => {
  const m = fpuMachine();
  for (let i = 0; i < 4; i++) m.bus.write32(DATA + 4 * i, 0x200 + i);
  m.cpu.r[0] = DATA;
  run(m, 0xec90, 0x2b04); // vldmia r0, {d2-d3}
  assert.deepEqual([...m.cpu.sw.slice(4, 8)], [0x200, 0x201, 0x202, 0x203]);
  assert.equal(m.cpu.r[0], DATA);
});

test('VLDMDB and VSTMDB with writeback use Rn - 4·words and write it back', () => {
  const m = fpuMachine();
  m.bus.write32(DATA - 8, 0x77);
  m.bus.write32(DATA - 4, 0x88);
  m.cpu.r[1] = DATA;
  run(m, 0xed31, 0x4a02); // vldmdb r1!, {s8-s9}
  assert.deepEqual([...m.cpu.sw.slice(8, 10)], [0x77, 0x88]);
  assert.equal(m.cpu.r[1], DATA - 8);

  m.cpu.r[3] = DATA + 0x100;
  m.cpu.sw.set([1, 2, 3, 4], 0);
  run(m, 0xed23, 0x0b04); // vstmdb r3!, {d0-d1}
  assert.equal(m.cpu.r[3], DATA + 0xf0);
  assert.deepEqual([0, 4, 8, 12].map((o) => m.bus.read32(DATA + 0xf0 + o)), [1, 2, 3, 4]);
});

test('VSTMIA with writeback stores singles upwards and advances Rn', () => {
  const m = fpuMachine();
  m.cpu.r[2] = DATA;
  m.cpu.sw.set([9, 8, 7], 0);
  run(m, 0xeca2, 0x0a03); // vstmia r2!, {s0-s2}
  assert.deepEqual([0, 4, 8].map((o) => m.bus.read32(DATA + o)), [9, 8, 7]);
  assert.equal(m.cpu.r[2], DATA + 12);
});

test('VPUSH then VPOP restores the registers and SP (singles and doubles)', () => {
  const m = fpuMachine();
  m.cpu.sw.set([0x10, 0x11, 0x12, 0x13], 16);
  run(m, 0xed2d, 0x8a04, 0xed2d, 0x8b04); // vpush {s16-s19} ; vpush {d8-d9}
  assert.equal(m.cpu.r[13], STACK_TOP - 32);
  assert.equal(m.bus.read32(STACK_TOP - 16), 0x10, 'S16 is lowest in the first frame');
  m.cpu.sw.fill(0);
  run(m, 0xecbd, 0x8b04, 0xecbd, 0x8a04); // vpop {d8-d9} ; vpop {s16-s19}
  assert.equal(m.cpu.r[13], STACK_TOP);
  assert.deepEqual([...m.cpu.sw.slice(16, 20)], [0x10, 0x11, 0x12, 0x13]);
});

test('VMOV moves words between core registers and singles without conversion', () => {
  const m = fpuMachine();
  m.cpu.r[4] = 0x7f80_0001; // a signalling NaN pattern survives untouched
  run(m, 0xee03, 0x4a90, 0xee13, 0x5a90); // vmov s7, r4 ; vmov r5, s7
  assert.equal(m.cpu.sw[7], 0x7f80_0001);
  assert.equal(m.cpu.r[5], 0x7f80_0001);
});

test('VMOV with two core registers fills two consecutive singles, or one double, and back', () => {
  const m = fpuMachine();
  m.cpu.r[6] = 6;
  m.cpu.r[7] = 7;
  m.cpu.sw[30] = 30;
  m.cpu.sw[31] = 31;
  run(m, 0xec47, 0x6a11, 0xec59, 0x8a1f); // vmov s2, s3, r6, r7 ; vmov r8, r9, s30, s31
  assert.deepEqual([m.cpu.sw[2], m.cpu.sw[3], m.cpu.r[8], m.cpu.r[9]], [6, 7, 30, 31]);
  m.cpu.r[0] = 0xaaaa;
  m.cpu.r[1] = 0xbbbb;
  run(m, 0xec41, 0x0b15, 0xec53, 0x2b15); // vmov d5, r0, r1 ; vmov r2, r3, d5
  assert.deepEqual([m.cpu.sw[10], m.cpu.sw[11], m.cpu.r[2], m.cpu.r[3]], [0xaaaa, 0xbbbb, 0xaaaa, 0xbbbb]);
});

test('VMOV.32 to and from a scalar moves the chosen half of a D register', () => {
  const m = fpuMachine();
  m.cpu.r[4] = 0x4444;
  m.cpu.r[0] = 0x1515;
  run(m, 0xee23, 0x4b10, 0xee33, 0x6b10, 0xee0f, 0x0b10); // vmov.32 d3[1], r4 ; vmov.32 r6, d3[1] ; vmov.32 d15[0], r0
  assert.equal(m.cpu.sw[7], 0x4444);
  assert.equal(m.cpu.r[6], 0x4444);
  assert.equal(m.cpu.sw[30], 0x1515);
});

test('VMOV.F32 immediate expands imm8 as VFPExpandImm', () => {
  const m = fpuMachine();
  // vmov.f32 s0, #1.5 ; s1, #-0.125 ; s31, #31.0 ; s2, #0.5
  run(m, 0xeeb7, 0x0a08, 0xeefc, 0x0a00, 0xeef3, 0xfa0f, 0xeeb6, 0x1a00);
  assert.deepEqual([m.cpu.s[0], m.cpu.s[1], m.cpu.s[31], m.cpu.s[2]], [1.5, -0.125, 31, 0.5]);
});

test('VMSR writes only the FPSCR bits the Cortex-M4 implements and VMRS reads them back', () => {
  const m = fpuMachine();
  m.cpu.r[3] = -1;
  run(m, 0xeee1, 0x3a10, 0xeef1, 0x2a10); // vmsr fpscr, r3 ; vmrs r2, fpscr
  assert.equal(m.cpu.fpscr >>> 0, 0xf7c0_009f);
  assert.equal(m.cpu.r[2] >>> 0, 0xf7c0_009f);
});

test('VMRS APSR_nzcv copies the flags of VCMPE into the APSR', () => {
  const m = fpuMachine();
  m.cpu.s[0] = -2;
  run(m, 0xeeb5, 0x0ac0, 0xeef1, 0xfa10); // vcmpe.f32 s0, #0 ; vmrs APSR_nzcv, fpscr
  assert.deepEqual([m.cpu.n, m.cpu.z, m.cpu.c, m.cpu.v], [1, 0, 0, 0]);
  assert.equal(m.cpu.fpscr >>> 28, 0b1000);
});

test('VFMA rounds a + b·c once where VMLA rounds the product first', () => {
  // 1+2^-23 + (-(1-2^-23)·2^-24)·(1+2^-23) = 1 + 2^-24 + 2^-70: just above a tie (VFMA rounds up),
  // while the rounded product -2^-24 makes VMLA's sum an exact tie (rounds to even, 1.0).
  const m = fpuMachine();
  const setup = () => {
    m.cpu.sw[3] = 0x3f80_0001;
    m.cpu.sw[4] = 0xb37f_fffe | 0;
    m.cpu.sw[5] = 0x3f80_0001;
    m.cpu.fpscr = 0;
  };
  setup();
  run(m, 0xeee2, 0x1a22); // vfma.f32 s3, s4, s5
  assert.equal(m.cpu.sw[3], 0x3f80_0001);
  assert.equal(m.cpu.fpscr, 0x10, 'Inexact');
  setup();
  run(m, 0xee42, 0x1a22); // vmla.f32 s3, s4, s5
  assert.equal(m.cpu.sw[3], 0x3f80_0000);
  assert.equal(m.cpu.fpscr, 0x10, 'Inexact');
});

test('with CPACR denying CP10/CP11 every FP instruction is a UsageFault NOCP and changes nothing', () => {
  const cases: Array<[string, number, number]> = [
    ['vadd.f32 s3, s4, s5', 0xee72, 0x1a22],
    ['vldr s1, [r0, #8]', 0xedd0, 0x0a02],
    ['vmov s7, r4', 0xee03, 0x4a90],
    ['vmrs r2, fpscr', 0xeef1, 0x2a10],
    ['vpush {s16-s19}', 0xed2d, 0x8a04],
    ['vadd.f64 d0, d1, d2', 0xee31, 0x0b02],
  ];
  for (const [asm, hw1, hw2] of cases) {
    const m = fpuMachine();
    m.cpu.exc.cpacr = 0;
    m.cpu.control = 0;
    m.cpu.r[0] = DATA;
    m.cpu.r[2] = 0x1234;
    m.cpu.s[4] = 1;
    run(m, hw1, hw2);
    assert.notEqual(m.cpu.exc.cfsr & CFSR.NOCP, 0, asm);
    assert.deepEqual([m.cpu.sw[3], m.cpu.sw[1], m.cpu.sw[7], m.cpu.r[2]], [0, 0, 0, 0x1234], asm);
    assert.equal(m.cpu.control & 4, 0, `${asm}: no FP context created`);
  }
});

test('CPACR privileged-only access faults NOCP in unprivileged thread mode and executes when privileged', () => {
  const m = fpuMachine();
  m.cpu.exc.cpacr = 0x5 << 20;
  m.cpu.s[4] = 1;
  m.cpu.s[5] = 2;
  run(m, 0xee72, 0x1a22); // vadd.f32 s3, s4, s5 (privileged thread mode)
  assert.equal(m.cpu.s[3], 3);
  assert.equal(m.cpu.exc.cfsr & CFSR.NOCP, 0);
  m.cpu.control |= 1; // nPRIV
  m.cpu.s[3] = 0;
  run(m, 0xee72, 0x1a22);
  assert.notEqual(m.cpu.exc.cfsr & CFSR.NOCP, 0);
  assert.equal(m.cpu.s[3], 0);
});

test('double-precision arithmetic is UNDEFINED (UNDEFINSTR) on FPv4-SP with the FPU enabled', () => {
  const m = fpuMachine();
  run(m, 0xee31, 0x0b02); // vadd.f64 d0, d1, d2
  assert.notEqual(m.cpu.exc.cfsr & CFSR.UNDEFINSTR, 0);
  assert.equal(m.cpu.exc.cfsr & CFSR.NOCP, 0);
});

test('the first FP instruction creates an FP context: CONTROL.FPCA becomes 1', () => {
  const m = fpuMachine();
  m.cpu.control = 0;
  run(m, 0xee03, 0x4a90); // vmov s7, r4
  assert.equal(m.cpu.control & 4, 4);
});

test('VDIV and VSQRT take 14 cycles, VMLA and VFMA 3, VADD 1, VLDM 1 + words', () => {
  const cases: Array<[string, number, number, number]> = [
    ['vdiv.f32 s0, s1, s2', 0xee80, 0x0a81, 14],
    ['vsqrt.f32 s3, s5', 0xeef1, 0x1ae2, 14],
    ['vmla.f32 s0, s1, s2', 0xee00, 0x0a81, 3],
    ['vfma.f32 s3, s4, s5', 0xeee2, 0x1a22, 3],
    ['vadd.f32 s3, s4, s5', 0xee72, 0x1a22, 1],
    ['vldmia r0!, {s4-s7}', 0xecb0, 0x2a04, 5],
  ];
  for (const [asm, hw1, hw2, cycles] of cases) {
    const m = fpuMachine();
    m.cpu.r[0] = DATA;
    m.cpu.s.fill(1);
    const before = m.scheduler.cycles;
    run(m, hw1, hw2);
    assert.equal(m.scheduler.cycles - before, cycles, asm);
  }
});

/** xorshift32: a small seeded generator for the fast/exact path comparison. */
function rng(seed: number): () => number {
  let x = seed | 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** Random singles biased towards close exponents and short mantissas (ties, cancellation, tiny results). */
function operand(next: () => number, near: number): number {
  const r = next() % 8;
  const sign = (next() & 1) << 31;
  if (r === 0) return next() | 0;
  const exp = r < 5 ? Math.min(254, Math.max(1, ((near >>> 23) & 0xff) + ((next() % 61) - 30))) : 1 + (next() % 254);
  const mant = r % 2 === 0 ? next() & 0x7f_ffff : (next() & 0xfff) << 11;
  return sign | (exp << 23) | mant;
}

test('with default FPSCR the fast path gives the same bits and flags as the exact pseudocode', () => {
  const m = fpuMachine();
  const next = rng(0x5eed);
  const ops: Array<[string, number, number, (d: number, n: number, mm: number) => number]> = [
    ['vadd', 0xee72, 0x1a22, (_, a, b) => fpAdd(a, b, 0)],
    ['vsub', 0xee72, 0x1a62, (_, a, b) => fpSub(a, b, 0)],
    ['vmul', 0xee62, 0x1a22, (_, a, b) => fpMul(a, b, 0)],
    ['vnmul', 0xee62, 0x1a62, (_, a, b) => fpMul(a, b, 0) ^ (1 << 31)],
    ['vdiv', 0xeec2, 0x1a22, (_, a, b) => fpDiv(a, b, 0)],
    ['vsqrt', 0xeef1, 0x1ae2, (_, __, b) => fpSqrt(b, 0)],
    ['vmla', 0xee42, 0x1a22, (d, a, b) => fpAdd(d, fpMul(a, b, 0), 0)],
    ['vnmls', 0xee52, 0x1a22, (d, a, b) => fpAdd(d ^ (1 << 31), fpMul(a, b, 0), 0)],
    ['vfma', 0xeee2, 0x1a22, (d, a, b) => fpMulAdd(d, a, b, 0)],
    ['vfnma', 0xeed2, 0x1a62, (d, a, b) => fpMulAdd(d ^ (1 << 31), a ^ (1 << 31), b, 0)],
    ['vcvt.s32.f32', 0xeefd, 0x1ae2, (_, __, b) => fpToFixed(b, 32, 0, false, true, 0)],
    ['vcvt.u32.f32', 0xeefc, 0x1ae2, (_, __, b) => fpToFixed(b, 32, 0, true, true, 0)],
    ['vcvt.f32.s32', 0xeef8, 0x1ae2, (_, __, b) => fixedToFp(b, 32, 0, false, 0)],
    ['vcvt.f32.u32', 0xeef8, 0x1a62, (_, __, b) => fixedToFp(b, 32, 0, true, 0)],
  ];
  for (const [name, hw1, hw2, exact] of ops) {
    m.bus.write16(CODE, hw1);
    m.bus.write16(CODE + 2, hw2);
    for (let i = 0; i < 4000; i++) {
      const a = operand(next, 0x3f80_0000);
      const b = operand(next, a);
      let d = operand(next, a);
      if (i % 2 === 0) d = ((fpMul(a, b, 0) ^ (1 << 31)) + (next() % 5) - 2) | 0; // cancels the product
      takeFlags();
      const want = exact(d, a, b);
      const wantFlags = takeFlags();
      m.cpu.sw[3] = d;
      m.cpu.sw[4] = a;
      m.cpu.sw[5] = b;
      m.cpu.fpscr = 0;
      m.cpu.npc = CODE;
      m.cpu.run(1);
      const where = `${name} d=${d >>> 0} a=${a >>> 0} b=${b >>> 0}`;
      assert.equal(m.cpu.sw[3], want, where);
      assert.equal(m.cpu.fpscr, wantFlags, where);
    }
  }
});

test('the exact path raises Inexact for VADD even when the double sum looks exact (1 + 2^-60)', () => {
  const m = fpuMachine();
  m.cpu.sw[4] = bits(1);
  m.cpu.sw[5] = bits(2 ** -60);
  m.cpu.fpscr = 0;
  run(m, 0xee72, 0x1a22); // vadd.f32 s3, s4, s5
  assert.equal(m.cpu.s[3], 1);
  assert.equal(m.cpu.fpscr, 0x10);
});

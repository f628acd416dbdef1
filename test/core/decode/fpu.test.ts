/**
 * The FPv4-SP encoding table (src/core/decode/fpu.ts): instruction words produced by binutils
 * (arm-none-eabi-as -mcpu=cortex-m4 -mthumb) decode to the encoding the ARM ARM names, and encodings
 * FPv4-SP does not have (double-precision arithmetic, D16–D31, UNPREDICTABLE forms) land on the
 * CP10/CP11 UNDEFINED line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodingName } from '../../../src/core/decode.js';
import { compile } from '../../../src/core/decode/encoding.js';
import { FPU_ENCODINGS } from '../../../src/core/decode/fpu.js';

/** [assembly, hw1, hw2, encoding name] — words from arm-none-eabi-objdump. */
const ASSEMBLED: Array<[string, number, number, string]> = [
  ['vldr s1, [r0, #8]', 0xedd0, 0x0a02, 'VLDR T1/T2'],
  ['vldr d3, [r1, #16]', 0xed91, 0x3b04, 'VLDR T1/T2'],
  ['vldr s6, [pc, #8]', 0xed9f, 0x3a02, 'VLDR T1/T2'],
  ['vstr d1, [r2, #-8]', 0xed02, 0x1b02, 'VSTR T1/T2'],
  ['vldmia r0!, {s4-s7}', 0xecb0, 0x2a04, 'VLDM IA T1/T2'],
  ['vldmia r0, {d2-d3}', 0xec90, 0x2b04, 'VLDM IA T1/T2'],
  ['vldmdb r1!, {s8-s9}', 0xed31, 0x4a02, 'VLDM DB T1/T2'],
  ['vstmia r2!, {s0-s2}', 0xeca2, 0x0a03, 'VSTM IA T1/T2'],
  ['vstmdb r3!, {d0-d1}', 0xed23, 0x0b04, 'VSTM DB T1/T2'],
  ['vpush {s16-s19}', 0xed2d, 0x8a04, 'VPUSH T1/T2'],
  ['vpop {d8-d9}', 0xecbd, 0x8b04, 'VPOP T1/T2'],
  ['vmov s7, r4', 0xee03, 0x4a90, 'VMOV (core register and single) T1'],
  ['vmov r5, s7', 0xee13, 0x5a90, 'VMOV (core register and single) T1'],
  ['vmov s2, s3, r6, r7', 0xec47, 0x6a11, 'VMOV (two core registers and two singles) T1'],
  ['vmov r2, r3, d5', 0xec53, 0x2b15, 'VMOV (two core registers and a double) T1'],
  ['vmov.32 d3[1], r4', 0xee23, 0x4b10, 'VMOV (core register to scalar) T1'],
  ['vmov.32 r6, d3[1]', 0xee33, 0x6b10, 'VMOV (scalar to core register) T1'],
  ['vmrs r2, fpscr', 0xeef1, 0x2a10, 'VMRS T1'],
  ['vmrs APSR_nzcv, fpscr', 0xeef1, 0xfa10, 'VMRS T1'],
  ['vmsr fpscr, r3', 0xeee1, 0x3a10, 'VMSR T1'],
  ['vmov.f32 s0, #1.5', 0xeeb7, 0x0a08, 'VMOV (immediate) T1'],
  ['vmov.f32 s5, s6', 0xeef0, 0x2a43, 'VMOV (register) T1'],
  ['vabs.f32 s5, s6', 0xeef0, 0x2ac3, 'VABS T1'],
  ['vneg.f32 s5, s6', 0xeef1, 0x2a43, 'VNEG T1'],
  ['vdiv.f32 s0, s1, s2', 0xee80, 0x0a81, 'VDIV T1'],
  ['vmla.f32 s0, s1, s2', 0xee00, 0x0a81, 'VMLA/VMLS T1'],
  ['vnmla.f32 s0, s1, s2', 0xee10, 0x0ac1, 'VNMLA/VNMLS T1'],
  ['vfms.f32 s0, s1, s2', 0xeea0, 0x0ac1, 'VFMA/VFMS T1'],
  ['vfnma.f32 s0, s1, s2', 0xee90, 0x0ac1, 'VFNMA/VFNMS T1'],
  ['vnmul.f32 s31, s30, s29', 0xee6f, 0xfa6e, 'VNMUL T2'],
  ['vadd.f32 s3, s4, s5', 0xee72, 0x1a22, 'VADD T1'],
  ['vcmpe.f32 s0, #0', 0xeeb5, 0x0ac0, 'VCMP{E} T2 (with zero)'],
  ['vcvtb.f32.f16 s1, s2', 0xeef2, 0x0a41, 'VCVTB/VCVTT T1'],
  ['vcvtt.f16.f32 s1, s2', 0xeef3, 0x0ac1, 'VCVTB/VCVTT T1'],
  ['vcvtr.u32.f32 s0, s31', 0xeebc, 0x0a6f, 'VCVT{R} (to integer from single) T1'],
  ['vcvt.f32.s32 s31, s0', 0xeef8, 0xfac0, 'VCVT (to single from integer) T1'],
  ['vcvt.u16.f32 s1, s1, #1', 0xeeff, 0x0a67, 'VCVT (between single and fixed point) T1'],
];

/** Encodings in CP10/CP11 space that FPv4-SP does not execute. */
const NOT_FPV4_SP: Array<[string, number, number]> = [
  ['vadd.f64 d0, d1, d2 (double-precision arithmetic)', 0xee31, 0x0b02],
  ['vsqrt.f64 d0, d1', 0xeeb1, 0x0bc1],
  ['vcvt.f64.f32 d0, s1', 0xeeb7, 0x0ae0],
  ['vldr d16, [r1, #16] (no D16–D31)', 0xedd1, 0x0b04],
  ['vmov.32 d16[0], r0', 0xee00, 0x0b90],
  ['vldmia r0!, {} (empty list)', 0xecb0, 0x2a00],
  ['vldmia r0!, {s31-s32} (past S31)', 0xecf0, 0xfa02],
  ['vldmia pc!, {s0}', 0xecbf, 0x0a01],
  ['vstr s0, [pc, #4]', 0xed8f, 0x0a01],
  ['vmov s7, pc', 0xee03, 0xfa90],
  ['vmov r0, r0, s0, s1 (same destination twice)', 0xec50, 0x0a10],
  ['vmrs sp, fpscr', 0xeef1, 0xda10],
  ['vmsr fpexc, r3 (no FPEXC on M-profile)', 0xeee8, 0x3a10],
  ['vcvt.s16.f32 s0, s0 with imm4:i = 17 (fraction bits < 0)', 0xeebe, 0x0a68],
  ['ldc2 p10 form (T2 coprocessor space)', 0xfd90, 0x0a00],
];

for (const [asm, hw1, hw2, name] of ASSEMBLED) {
  test(`${asm} decodes as ${name}`, () => {
    assert.equal(encodingName(hw1, hw2), name);
  });
}

for (const [what, hw1, hw2] of NOT_FPV4_SP) {
  test(`${what} is UNDEFINED on FPv4-SP (CP10/CP11 catch-all)`, () => {
    assert.equal(encodingName(hw1, hw2), 'CP10/CP11 UNDEFINED');
  });
}

test('every FPU encoding lies in coprocessor 10/11 space (hw1 = 111x 11xx, hw2[11:9] = 101)', () => {
  for (const e of FPU_ENCODINGS) {
    const c = compile(e);
    assert.ok(c.is32, e.name);
    const word = c.value;
    assert.equal((word >>> 29) & 0b111, 0b111, e.name);
    assert.equal((word >>> 26) & 0b11, 0b11, e.name);
    assert.equal((word >>> 9) & 0b111, 0b101, e.name);
    assert.equal(c.mask & 0x0e00, 0x0e00, `${e.name} fixes the coprocessor number`);
  }
});

test('no two FPU encodings of equal specificity match the same instruction word', () => {
  const compiled = FPU_ENCODINGS.map(compile);
  for (let i = 0; i < compiled.length; i++) {
    for (let j = i + 1; j < compiled.length; j++) {
      const a = compiled[i];
      const b = compiled[j];
      if (a.fixedBits !== b.fixedBits) continue;
      const common = a.mask & b.mask;
      // Equally specific patterns must disagree on some bit both fix; VLDM/VSTM IA and DB share builders.
      assert.notEqual((a.value & common) >>> 0, (b.value & common) >>> 0, `${a.name} / ${b.name}`);
    }
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeThumb, encodingName } from '../../../src/core/decode.js';
import { THUMB32_ENCODINGS } from '../../../src/core/decode/thumb32.js';

/** One instance of every 32-bit integer encoding, assembled with arm-none-eabi-as (cortex-m4), and its name. */
const ASSEMBLED: ReadonlyArray<[asm: string, hw: number[], name: string]> = [
  ['stmia.w r1!, {r2, r3, lr}', [0xe8a1, 0x400c], 'STM T2'],
  ['ldmia.w r1!, {r2, r3, pc}', [0xe8b1, 0x800c], 'LDM T2'],
  ['pop.w {r4, r5, pc}', [0xe8bd, 0x8030], 'POP T2'],
  ['stmdb r1!, {r2, r3, lr}', [0xe921, 0x400c], 'STMDB T1'],
  ['push.w {r4, r5, lr}', [0xe92d, 0x4030], 'PUSH T2'],
  ['ldmdb r1, {r2, r3}', [0xe911, 0x000c], 'LDMDB T1'],
  ['strex r0, r1, [r2, #8]', [0xe842, 0x1002], 'STREX T1'],
  ['ldrex r0, [r2, #8]', [0xe852, 0x0f02], 'LDREX T1'],
  ['strd r0, r1, [r2, #-8]!', [0xe962, 0x0102], 'STRD (immediate) T1'],
  ['ldrd r0, r1, [r2], #8', [0xe8f2, 0x0102], 'LDRD (immediate) T1'],
  ['ldrd r0, r1, [pc, #-8]', [0xe95f, 0x0102], 'LDRD (literal) T1'],
  ['strexb r0, r1, [r2]', [0xe8c2, 0x1f40], 'STREXB T1'],
  ['strexh r0, r1, [r2]', [0xe8c2, 0x1f50], 'STREXH T1'],
  ['tbb [r1, r2]', [0xe8d1, 0xf002], 'TBB T1'],
  ['tbh [pc, r2, lsl #1]', [0xe8df, 0xf012], 'TBH T1'],
  ['ldrexb r0, [r2]', [0xe8d2, 0x0f4f], 'LDREXB T1'],
  ['ldrexh r0, [r2]', [0xe8d2, 0x0f5f], 'LDREXH T1'],
  ['and.w r0, r1, r2, lsl #3', [0xea01, 0x00c2], 'AND (register) T2'],
  ['tst.w r1, r2, ror #3', [0xea11, 0x0ff2], 'TST (register) T2'],
  ['bics.w r0, r1, r2, asr #3', [0xea31, 0x00e2], 'BIC (register) T2'],
  ['orr.w r0, r1, r2, lsr #3', [0xea41, 0x00d2], 'ORR (register) T2'],
  ['mov.w r0, r1', [0xea4f, 0x0001], 'MOV (register) T3'],
  ['lsl.w r0, r1, #3', [0xea4f, 0x00c1], 'LSL (immediate) T2'],
  ['lsrs.w r0, r1, #32', [0xea5f, 0x0011], 'LSR (immediate) T2'],
  ['asr.w r0, r1, #3', [0xea4f, 0x00e1], 'ASR (immediate) T2'],
  ['ror.w r0, r1, #3', [0xea4f, 0x00f1], 'ROR (immediate) T1'],
  ['rrx r0, r1', [0xea4f, 0x0031], 'RRX T1'],
  ['orn r0, r1, r2', [0xea61, 0x0002], 'ORN (register) T1'],
  ['mvn.w r0, r2, lsl #1', [0xea6f, 0x0042], 'MVN (register) T2'],
  ['eor.w r0, r1, r2', [0xea81, 0x0002], 'EOR (register) T2'],
  ['teq.w r1, r2', [0xea91, 0x0f02], 'TEQ (register) T1'],
  ['add.w r0, r1, r2', [0xeb01, 0x0002], 'ADD (register) T3'],
  ['cmn.w r1, r2', [0xeb11, 0x0f02], 'CMN (register) T2'],
  ['add.w r0, sp, r2, lsl #2', [0xeb0d, 0x0082], 'ADD (SP plus register) T3'],
  ['adc.w r0, r1, r2', [0xeb41, 0x0002], 'ADC (register) T2'],
  ['sbc.w r0, r1, r2', [0xeb61, 0x0002], 'SBC (register) T2'],
  ['sub.w r0, r1, r2', [0xeba1, 0x0002], 'SUB (register) T2'],
  ['cmp.w r1, r2', [0xebb1, 0x0f02], 'CMP (register) T3'],
  ['sub.w r0, sp, r2', [0xebad, 0x0002], 'SUB (SP minus register) T1'],
  ['rsb.w r0, r1, r2', [0xebc1, 0x0002], 'RSB (register) T1'],
  ['and.w r0, r1, #0xff00ff00', [0xf001, 0x20ff], 'AND (immediate) T1'],
  ['tst.w r1, #1', [0xf011, 0x0f01], 'TST (immediate) T1'],
  ['bic.w r0, r1, #1', [0xf021, 0x0001], 'BIC (immediate) T1'],
  ['orr.w r0, r1, #0x3fc', [0xf441, 0x707f], 'ORR (immediate) T1'],
  ['mov.w r0, #0x3fc', [0xf44f, 0x707f], 'MOV (immediate) T2'],
  ['orn r0, r1, #1', [0xf061, 0x0001], 'ORN (immediate) T1'],
  ['mvn.w r0, #1', [0xf06f, 0x0001], 'MVN (immediate) T1'],
  ['eor.w r0, r1, #1', [0xf081, 0x0001], 'EOR (immediate) T1'],
  ['teq.w r1, #1', [0xf091, 0x0f01], 'TEQ (immediate) T1'],
  ['add.w r0, r1, #1', [0xf101, 0x0001], 'ADD (immediate) T3'],
  ['cmn.w r1, #1', [0xf111, 0x0f01], 'CMN (immediate) T1'],
  ['add.w r0, sp, #0x400', [0xf50d, 0x6080], 'ADD (SP plus immediate) T3'],
  ['adc.w r0, r1, #1', [0xf141, 0x0001], 'ADC (immediate) T1'],
  ['sbc.w r0, r1, #1', [0xf161, 0x0001], 'SBC (immediate) T1'],
  ['sub.w r0, r1, #1', [0xf1a1, 0x0001], 'SUB (immediate) T3'],
  ['cmp.w r1, #0x1000', [0xf5b1, 0x5f80], 'CMP (immediate) T2'],
  ['sub.w sp, sp, #0x400', [0xf5ad, 0x6d80], 'SUB (SP minus immediate) T2'],
  ['rsb.w r0, r1, #1', [0xf1c1, 0x0001], 'RSB (immediate) T2'],
  ['addw r0, r1, #0xabc', [0xf601, 0x20bc], 'ADD (immediate) T4'],
  ['addw r0, pc, #0xabc', [0xf60f, 0x20bc], 'ADR T3'],
  ['addw r0, sp, #0xabc', [0xf60d, 0x20bc], 'ADD (SP plus immediate) T4'],
  ['movw r0, #0xabcd', [0xf64a, 0x30cd], 'MOV (immediate) T3'],
  ['subw r0, r1, #0xabc', [0xf6a1, 0x20bc], 'SUB (immediate) T4'],
  ['subw r0, pc, #0xabc', [0xf6af, 0x20bc], 'ADR T2'],
  ['subw sp, sp, #0xabc', [0xf6ad, 0x2dbc], 'SUB (SP minus immediate) T3'],
  ['movt r0, #0xabcd', [0xf6ca, 0x30cd], 'MOVT T1'],
  ['sbfx r0, r1, #3, #5', [0xf341, 0x00c4], 'SBFX T1'],
  ['bfi r0, r1, #3, #5', [0xf361, 0x00c7], 'BFI T1'],
  ['bfc r0, #3, #5', [0xf36f, 0x00c7], 'BFC T1'],
  ['ubfx r0, r1, #3, #5', [0xf3c1, 0x00c4], 'UBFX T1'],
  ['bne.w .-0x1000', [0xf47e, 0xaffe], 'B T3'],
  ['b.w .+0x100000', [0xf0ff, 0xbffe], 'B T4'],
  ['bl .-0x100000', [0xf6ff, 0xfffe], 'BL T1'],
  ['msr basepri, r3', [0xf383, 0x8811], 'MSR T1'],
  ['mrs r3, control', [0xf3ef, 0x8314], 'MRS T1'],
  ['nop.w', [0xf3af, 0x8000], 'NOP T2'],
  ['yield.w', [0xf3af, 0x8001], 'YIELD T2'],
  ['wfe.w', [0xf3af, 0x8002], 'WFE T2'],
  ['wfi.w', [0xf3af, 0x8003], 'WFI T2'],
  ['sev.w', [0xf3af, 0x8004], 'SEV T2'],
  ['dbg #5', [0xf3af, 0x80f5], 'DBG T1'],
  ['.inst.w 0xf3af8020', [0xf3af, 0x8020], 'unallocated hint (NOP) T2'],
  ['clrex', [0xf3bf, 0x8f2f], 'CLREX T1'],
  ['dsb', [0xf3bf, 0x8f4f], 'DSB T1'],
  ['dmb', [0xf3bf, 0x8f5f], 'DMB T1'],
  ['isb', [0xf3bf, 0x8f6f], 'ISB T1'],
  ['udf.w #0x1234', [0xf7f1, 0xa234], 'UDF T2'],
  ['strb.w r0, [r1, #0xfff]', [0xf881, 0x0fff], 'STRB (immediate) T2'],
  ['strb r0, [r1, #-255]', [0xf801, 0x0cff], 'STRB (immediate) T3'],
  ['strbt r0, [r1, #255]', [0xf801, 0x0eff], 'STRBT T1'],
  ['strb.w r0, [r1, r2, lsl #3]', [0xf801, 0x0032], 'STRB (register) T2'],
  ['strh.w r0, [r1, #0xfff]', [0xf8a1, 0x0fff], 'STRH (immediate) T2'],
  ['strh r0, [r1], #255', [0xf821, 0x0bff], 'STRH (immediate) T3'],
  ['strht r0, [r1, #2]', [0xf821, 0x0e02], 'STRHT T1'],
  ['strh.w r0, [r1, r2]', [0xf821, 0x0002], 'STRH (register) T2'],
  ['str.w r0, [r1, #0xfff]', [0xf8c1, 0x0fff], 'STR (immediate) T3'],
  ['str r0, [r1, #-4]!', [0xf841, 0x0d04], 'STR (immediate) T4'],
  ['str.w r0, [sp, #-4]!', [0xf84d, 0x0d04], 'PUSH T3'],
  ['strt r0, [r1, #4]', [0xf841, 0x0e04], 'STRT T1'],
  ['str.w r0, [r1, r2, lsl #2]', [0xf841, 0x0022], 'STR (register) T2'],
  ['ldrb.w r0, [r1, #0xfff]', [0xf891, 0x0fff], 'LDRB (immediate) T2'],
  ['ldrb r0, [r1, #-1]', [0xf811, 0x0c01], 'LDRB (immediate) T3'],
  ['ldrbt r0, [r1, #1]', [0xf811, 0x0e01], 'LDRBT T1'],
  ['ldrb.w r0, [r1, r2]', [0xf811, 0x0002], 'LDRB (register) T2'],
  ['ldrb.w r0, [pc, #-12]', [0xf81f, 0x000c], 'LDRB (literal) T1'],
  ['pld [r1, #0xfff]', [0xf891, 0xffff], 'PLD (immediate) T1'],
  ['pld [r1, #-255]', [0xf811, 0xfcff], 'PLD (immediate) T2'],
  ['pld [r1, r2, lsl #1]', [0xf811, 0xf012], 'PLD (register) T1'],
  ['pld [pc, #-12]', [0xf81f, 0xf00c], 'PLD (literal) T1'],
  ['ldrsb.w r0, [r1, #0xfff]', [0xf991, 0x0fff], 'LDRSB (immediate) T1'],
  ['ldrsb r0, [r1], #-1', [0xf911, 0x0901], 'LDRSB (immediate) T2'],
  ['ldrsbt r0, [r1, #1]', [0xf911, 0x0e01], 'LDRSBT T1'],
  ['ldrsb.w r0, [r1, r2]', [0xf911, 0x0002], 'LDRSB (register) T2'],
  ['ldrsb.w r0, [pc, #12]', [0xf99f, 0x000c], 'LDRSB (literal) T1'],
  ['pli [r1, #0xfff]', [0xf991, 0xffff], 'PLI (immediate) T1'],
  ['pli [r1, #-255]', [0xf911, 0xfcff], 'PLI (immediate) T2'],
  ['pli [r1, r2]', [0xf911, 0xf002], 'PLI (register) T1'],
  ['pli [pc, #-12]', [0xf91f, 0xf00c], 'PLI (literal) T3'],
  ['ldrh.w r0, [r1, #0xfff]', [0xf8b1, 0x0fff], 'LDRH (immediate) T2'],
  ['ldrh r0, [r1, #2]!', [0xf831, 0x0f02], 'LDRH (immediate) T3'],
  ['ldrht r0, [r1, #2]', [0xf831, 0x0e02], 'LDRHT T1'],
  ['ldrh.w r0, [r1, r2]', [0xf831, 0x0002], 'LDRH (register) T2'],
  ['ldrh.w r0, [pc, #12]', [0xf8bf, 0x000c], 'LDRH (literal) T1'],
  ['ldrsh.w r0, [r1, #0xfff]', [0xf9b1, 0x0fff], 'LDRSH (immediate) T1'],
  ['ldrsh r0, [r1, #-2]', [0xf931, 0x0c02], 'LDRSH (immediate) T2'],
  ['ldrsht r0, [r1, #2]', [0xf931, 0x0e02], 'LDRSHT T1'],
  ['ldrsh.w r0, [r1, r2]', [0xf931, 0x0002], 'LDRSH (register) T2'],
  ['ldrsh.w r0, [pc, #-12]', [0xf93f, 0x000c], 'LDRSH (literal) T1'],
  ['ldr.w r0, [r1, #0xfff]', [0xf8d1, 0x0fff], 'LDR (immediate) T3'],
  ['ldr r0, [r1], #4', [0xf851, 0x0b04], 'LDR (immediate) T4'],
  ['ldr.w r0, [sp], #4', [0xf85d, 0x0b04], 'POP T3'],
  ['ldrt r0, [r1, #4]', [0xf851, 0x0e04], 'LDRT T1'],
  ['ldr.w r0, [r1, r2, lsl #3]', [0xf851, 0x0032], 'LDR (register) T2'],
  ['ldr.w r0, [pc, #-12]', [0xf85f, 0x000c], 'LDR (literal) T2'],
  ['lsl.w r0, r1, r2', [0xfa01, 0xf002], 'LSL (register) T2'],
  ['lsrs.w r0, r1, r2', [0xfa31, 0xf002], 'LSR (register) T2'],
  ['asr.w r0, r1, r2', [0xfa41, 0xf002], 'ASR (register) T2'],
  ['ror.w r0, r1, r2', [0xfa61, 0xf002], 'ROR (register) T2'],
  ['sxtah r0, r1, r2, ror #8', [0xfa01, 0xf092], 'SXTAH T1'],
  ['sxth.w r0, r2, ror #16', [0xfa0f, 0xf0a2], 'SXTH T2'],
  ['uxtah r0, r1, r2', [0xfa11, 0xf082], 'UXTAH T1'],
  ['uxth.w r0, r2', [0xfa1f, 0xf082], 'UXTH T2'],
  ['sxtab r0, r1, r2, ror #24', [0xfa41, 0xf0b2], 'SXTAB T1'],
  ['sxtb.w r0, r2', [0xfa4f, 0xf082], 'SXTB T2'],
  ['uxtab r0, r1, r2', [0xfa51, 0xf082], 'UXTAB T1'],
  ['uxtb.w r0, r2, ror #8', [0xfa5f, 0xf092], 'UXTB T2'],
  ['rev.w r0, r1', [0xfa91, 0xf081], 'REV T2'],
  ['rev16.w r0, r1', [0xfa91, 0xf091], 'REV16 T2'],
  ['rbit r0, r1', [0xfa91, 0xf0a1], 'RBIT T1'],
  ['revsh.w r0, r1', [0xfa91, 0xf0b1], 'REVSH T2'],
  ['clz r0, r1', [0xfab1, 0xf081], 'CLZ T1'],
  ['mul r0, r1, r2', [0xfb01, 0xf002], 'MUL T2'],
  ['mla r0, r1, r2, r3', [0xfb01, 0x3002], 'MLA T1'],
  ['mls r0, r1, r2, r3', [0xfb01, 0x3012], 'MLS T1'],
  ['smull r0, r1, r2, r3', [0xfb82, 0x0103], 'SMULL T1'],
  ['sdiv r0, r1, r2', [0xfb91, 0xf0f2], 'SDIV T1'],
  ['umull r0, r1, r2, r3', [0xfba2, 0x0103], 'UMULL T1'],
  ['udiv r0, r1, r2', [0xfbb1, 0xf0f2], 'UDIV T1'],
  ['smlal r0, r1, r2, r3', [0xfbc2, 0x0103], 'SMLAL T1'],
  ['umlal r0, r1, r2, r3', [0xfbe2, 0x0103], 'UMLAL T1'],
];

test('every assembled 32-bit instruction decodes as the encoding the manual names', () => {
  for (const [asm, [hw1, hw2], name] of ASSEMBLED) assert.equal(encodingName(hw1, hw2), name, asm);
});

test('every line of the 32-bit table is reached by some instruction (no encoding is shadowed)', () => {
  const reached = new Set(ASSEMBLED.map(([, , name]) => name));
  for (const e of THUMB32_ENCODINGS) assert.ok(reached.has(e.name), e.name);
});

test('Rn = PC selects the literal form before the register and immediate forms', () => {
  assert.equal(encodingName(0xf91f, 0x200f), 'LDRSB (literal) T1'); // ldrsb.w r2, [pc, #-15]: imm12 looks like a register form
  assert.equal(encodingName(0xf85f, 0x0003), 'LDR (literal) T2');
  assert.equal(encodingName(0xf81f, 0xf00f), 'PLD (literal) T1');
});

test('encodings the manual makes UNDEFINED decode to nothing', () => {
  const cases: Array<[string, number, number]> = [
    ['LDR (immediate) with P = W = 0', 0xf851, 0x0800],
    ['STR with Rn = PC', 0xf8cf, 0x0000],
    ['BLX (immediate): no ARM state on M profile', 0xf000, 0xe800],
    ['hint space with op1 ≠ 000 (CPS.W is not ARMv7-M)', 0xf3af, 0x8100],
    ['misc control op 0000', 0xf3bf, 0x8f0f],
    ['load/store dual space with P = W = 0 and no exclusive match', 0xe8c1, 0x0f30],
    ['data processing (register) with hw2[15:12] ≠ 1111', 0xfa01, 0x0002],
  ];
  for (const [what, hw1, hw2] of cases) assert.equal(encodingName(hw1, hw2), undefined, what);
});

test('UNPREDICTABLE register choices keep the encoding name (they execute as UNDEFINED)', () => {
  assert.equal(encodingName(0xeb01, 0x0d02), 'ADD (register) T3'); // add.w sp, r1, r2
  assert.equal(encodingName(0xfb82, 0x1103), 'SMULL T1'); // RdLo = RdHi
});

test('random 32-bit instructions always decode to an op (builders never throw)', () => {
  let x = 0x1234_5678;
  for (let i = 0; i < 200_000; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const hw1 = 0xe800 + ((x >>> 16) % 0x1800); // 0xe800..0xffff: every 32-bit first halfword
    assert.equal(typeof decodeThumb(hw1, x & 0xffff), 'function');
  }
});

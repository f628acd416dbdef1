/**
 * The 16-bit Thumb encodings of ARMv7-M (ARM ARM DDI 0403E A5.2), one line per encoding as printed
 * in chapter A7. Fields: hw bits are named as in the manual (Rd = hw[2:0], Rn/Rm = hw[5:3], ...).
 *
 * "setflags = !InITBlock()" encodings use SetFlags.OUTSIDE_IT. Encodings the manual makes
 * UNPREDICTABLE from their fields alone build to UNPREDICTABLE (UsageFault UNDEFINSTR, see
 * execute/registers.ts).
 */
import type { Op } from '../cpu.js';
import { SRType, SetFlags, decodeImmShift, signExtend } from '../execute/arith.js';
import { adjustSp, addressOf, dataProcessingImm, dataProcessingReg, extend, reverse, shiftRegister, type DpOp } from '../execute/alu.js';
import { branch, branchConditional, branchExchange, branchLinkExchange, compareBranchZero } from '../execute/branch.js';
import { loadImmediate, loadLiteral, loadRegister, storeImmediate, storeRegister, type Width } from '../execute/loadstore.js';
import { multiply } from '../execute/multiply.js';
import { loadMultiple, storeMultiple } from '../execute/multiple.js';
import { UNPREDICTABLE } from '../execute/registers.js';
import { NOP, SEV, SVC, UDF, WFE, WFI, breakpoint, changeProcessorState, ifThen } from '../execute/system.js';
import type { Encoding } from './encoding.js';

const { ALWAYS, OUTSIDE_IT, NEVER } = SetFlags;

/** hw[2:0], hw[5:3], hw[8:6], hw[10:8]. */
const r0 = (hw: number): number => hw & 7;
const r3 = (hw: number): number => (hw >> 3) & 7;
const r6 = (hw: number): number => (hw >> 6) & 7;
const r8 = (hw: number): number => (hw >> 8) & 7;
const imm8 = (hw: number): number => hw & 0xff;
const imm5 = (hw: number): number => (hw >> 6) & 0x1f;

/** Shift (immediate) T1: LSL/LSR/ASR Rd, Rm, #imm5. LSL #0 is MOVS Rd, Rm (MOV (register) T2). */
function shiftImm(type: number): Encoding['build'] {
  return (hw) => {
    const s = decodeImmShift(type, imm5(hw));
    const fm = type === SRType.LSL && s.amount === 0 ? ALWAYS : OUTSIDE_IT;
    return dataProcessingReg('MOV', r0(hw), -1, r3(hw), s.type, s.amount, fm);
  };
}

/** Data-processing T1 (A5.2.2): <op>S Rdn, Rm. */
function alu(op: DpOp): Encoding['build'] {
  const fm = op === 'TST' || op === 'CMP' || op === 'CMN' ? ALWAYS : OUTSIDE_IT;
  return (hw) => dataProcessingReg(op, r0(hw), r0(hw), r3(hw), SRType.LSL, 0, fm);
}

function aluShift(type: number): Encoding['build'] {
  return (hw) => shiftRegister(type, r0(hw), r0(hw), r3(hw), OUTSIDE_IT);
}

/** Load/store with register offset T1: [Rn, Rm]. */
function ldrReg(w: Width): Encoding['build'] {
  return (hw) => loadRegister(w, r0(hw), r3(hw), r6(hw), 0);
}
function strReg(w: Width): Encoding['build'] {
  return (hw) => storeRegister(w, r0(hw), r3(hw), r6(hw), 0);
}

/** Load/store with immediate offset T1: [Rn, #imm5 × size]. */
function ldrImm(w: Width, size: number): Encoding['build'] {
  return (hw) => loadImmediate(w, r0(hw), r3(hw), imm5(hw) * size);
}
function strImm(w: Width, size: number): Encoding['build'] {
  return (hw) => storeImmediate(w, r0(hw), r3(hw), imm5(hw) * size);
}

/** ADD (register) T2: ADD Rdn, Rm with any registers; d = DN:Rdn. */
function addHigh(hw: number): Op {
  const d = ((hw >> 4) & 8) | r0(hw);
  const m = (hw >> 3) & 0xf;
  if (d === 15 && m === 15) return UNPREDICTABLE;
  return dataProcessingReg('ADD', d, d, m, SRType.LSL, 0, NEVER);
}

/** CMP (register) T2: CMP Rn, Rm with at least one high register, neither PC. */
function cmpHigh(hw: number): Op {
  const n = ((hw >> 4) & 8) | r0(hw);
  const m = (hw >> 3) & 0xf;
  if ((n < 8 && m < 8) || n === 15 || m === 15) return UNPREDICTABLE;
  return dataProcessingReg('CMP', -1, n, m, SRType.LSL, 0, ALWAYS);
}

/** MOV (register) T1: MOV Rd, Rm with any registers, flags unchanged; MOV PC, Rm is a branch. */
function movHigh(hw: number): Op {
  const d = ((hw >> 4) & 8) | r0(hw);
  return dataProcessingReg('MOV', d, -1, (hw >> 3) & 0xf, SRType.LSL, 0, NEVER);
}

/** Branch offsets: SignExtend(imm8:'0') and SignExtend(imm11:'0'). */
const offset8 = (hw: number): number => signExtend(hw & 0xff, 8) * 2;
const offset11 = (hw: number): number => signExtend(hw & 0x7ff, 11) * 2;

/** B<cond> T1; cond 1110 is UDF and 1111 SVC (their own lines). */
function branchCond(hw: number): Op | undefined {
  const cond = (hw >> 8) & 0xf;
  return cond >= 14 ? undefined : branchConditional(cond, offset8(hw));
}

/** CBZ/CBNZ: imm32 = i:imm5:'0'. */
function cbz(hw: number): Op {
  const offset = (((hw >> 9) & 1) << 6) | (((hw >> 3) & 0x1f) << 1);
  return compareBranchZero((hw & 0x800) !== 0, r0(hw), offset);
}

/** PUSH T1: registers = '0':M:'000000':register_list. */
function push(hw: number): Op {
  const mask = ((hw & 0x100) << 6) | (hw & 0xff);
  return mask === 0 ? UNPREDICTABLE : storeMultiple(13, mask, false, true);
}

/** POP T1: registers = P:'0000000':register_list. */
function pop(hw: number): Op {
  const mask = ((hw & 0x100) << 7) | (hw & 0xff);
  return mask === 0 ? UNPREDICTABLE : loadMultiple(13, mask, true, true);
}

/** STM T1: STMIA Rn!, {list}. */
function stm(hw: number): Op {
  const mask = hw & 0xff;
  return mask === 0 ? UNPREDICTABLE : storeMultiple(r8(hw), mask, true, true);
}

/** LDM T1: LDMIA Rn{!}, {list}; writeback unless Rn is in the list. */
function ldm(hw: number): Op {
  const mask = hw & 0xff;
  return mask === 0 ? UNPREDICTABLE : loadMultiple(r8(hw), mask, true, true);
}

/** IT T1: mask ≠ 0000 (0000 is a hint). */
function it(hw: number): Op | undefined {
  const mask = hw & 0xf;
  return mask === 0 ? undefined : ifThen((hw >> 4) & 0xf, mask);
}

/** CPS T1: CPSIE/CPSID with I and F; neither is UNPREDICTABLE. */
function cps(hw: number): Op {
  const i = (hw & 2) !== 0;
  const f = (hw & 1) !== 0;
  return !i && !f ? UNPREDICTABLE : changeProcessorState((hw & 0x10) !== 0, i, f);
}

export const THUMB16_ENCODINGS: readonly Encoding[] = [
  // Shift (immediate), add, subtract, move, and compare (A5.2.1)
  { name: 'LSL (immediate) T1', pattern: '000 00 xxxxx xxx xxx', build: shiftImm(0) },
  { name: 'MOV (register) T2', pattern: '000 00 00000 xxx xxx', build: shiftImm(0) },
  { name: 'LSR (immediate) T1', pattern: '000 01 xxxxx xxx xxx', build: shiftImm(1) },
  { name: 'ASR (immediate) T1', pattern: '000 10 xxxxx xxx xxx', build: shiftImm(2) },
  { name: 'ADD (register) T1', pattern: '000 11 0 0 xxx xxx xxx', build: (hw) => dataProcessingReg('ADD', r0(hw), r3(hw), r6(hw), SRType.LSL, 0, OUTSIDE_IT) },
  { name: 'SUB (register) T1', pattern: '000 11 0 1 xxx xxx xxx', build: (hw) => dataProcessingReg('SUB', r0(hw), r3(hw), r6(hw), SRType.LSL, 0, OUTSIDE_IT) },
  { name: 'ADD (immediate) T1', pattern: '000 11 1 0 xxx xxx xxx', build: (hw) => dataProcessingImm('ADD', r0(hw), r3(hw), r6(hw), -1, OUTSIDE_IT) },
  { name: 'SUB (immediate) T1', pattern: '000 11 1 1 xxx xxx xxx', build: (hw) => dataProcessingImm('SUB', r0(hw), r3(hw), r6(hw), -1, OUTSIDE_IT) },
  { name: 'MOV (immediate) T1', pattern: '001 00 xxx xxxxxxxx', build: (hw) => dataProcessingImm('MOV', r8(hw), -1, imm8(hw), -1, OUTSIDE_IT) },
  { name: 'CMP (immediate) T1', pattern: '001 01 xxx xxxxxxxx', build: (hw) => dataProcessingImm('CMP', -1, r8(hw), imm8(hw), -1, ALWAYS) },
  { name: 'ADD (immediate) T2', pattern: '001 10 xxx xxxxxxxx', build: (hw) => dataProcessingImm('ADD', r8(hw), r8(hw), imm8(hw), -1, OUTSIDE_IT) },
  { name: 'SUB (immediate) T2', pattern: '001 11 xxx xxxxxxxx', build: (hw) => dataProcessingImm('SUB', r8(hw), r8(hw), imm8(hw), -1, OUTSIDE_IT) },

  // Data processing (A5.2.2)
  { name: 'AND (register) T1', pattern: '010000 0000 xxx xxx', build: alu('AND') },
  { name: 'EOR (register) T1', pattern: '010000 0001 xxx xxx', build: alu('EOR') },
  { name: 'LSL (register) T1', pattern: '010000 0010 xxx xxx', build: aluShift(SRType.LSL) },
  { name: 'LSR (register) T1', pattern: '010000 0011 xxx xxx', build: aluShift(SRType.LSR) },
  { name: 'ASR (register) T1', pattern: '010000 0100 xxx xxx', build: aluShift(SRType.ASR) },
  { name: 'ADC (register) T1', pattern: '010000 0101 xxx xxx', build: alu('ADC') },
  { name: 'SBC (register) T1', pattern: '010000 0110 xxx xxx', build: alu('SBC') },
  { name: 'ROR (register) T1', pattern: '010000 0111 xxx xxx', build: aluShift(SRType.ROR) },
  { name: 'TST (register) T1', pattern: '010000 1000 xxx xxx', build: alu('TST') },
  { name: 'RSB (immediate) T1', pattern: '010000 1001 xxx xxx', build: (hw) => dataProcessingImm('RSB', r0(hw), r3(hw), 0, -1, OUTSIDE_IT) },
  { name: 'CMP (register) T1', pattern: '010000 1010 xxx xxx', build: alu('CMP') },
  { name: 'CMN (register) T1', pattern: '010000 1011 xxx xxx', build: alu('CMN') },
  { name: 'ORR (register) T1', pattern: '010000 1100 xxx xxx', build: alu('ORR') },
  { name: 'MUL T1', pattern: '010000 1101 xxx xxx', build: (hw) => multiply(r0(hw), r3(hw), r0(hw), OUTSIDE_IT) },
  { name: 'BIC (register) T1', pattern: '010000 1110 xxx xxx', build: alu('BIC') },
  { name: 'MVN (register) T1', pattern: '010000 1111 xxx xxx', build: alu('MVN') },

  // Special data instructions and branch and exchange (A5.2.3)
  { name: 'ADD (register) T2', pattern: '010001 00 x xxxx xxx', build: addHigh },
  { name: 'ADD (SP plus register) T1', pattern: '010001 00 x 1101 xxx', build: addHigh },
  { name: 'ADD (SP plus register) T2', pattern: '010001 00 1 xxxx 101', build: addHigh },
  { name: 'CMP (register) T2', pattern: '010001 01 x xxxx xxx', build: cmpHigh },
  { name: 'MOV (register) T1', pattern: '010001 10 x xxxx xxx', build: movHigh },
  { name: 'BX T1', pattern: '010001 110 xxxx xxx', build: (hw) => branchExchange((hw >> 3) & 0xf) },
  { name: 'BLX (register) T1', pattern: '010001 111 xxxx xxx', build: (hw) => ((hw >> 3) & 0xf) === 15 ? UNPREDICTABLE : branchLinkExchange((hw >> 3) & 0xf) },

  { name: 'LDR (literal) T1', pattern: '01001 xxx xxxxxxxx', build: (hw) => loadLiteral('W', r8(hw), imm8(hw) * 4) },

  // Load/store single data item (A5.2.4)
  { name: 'STR (register) T1', pattern: '0101 000 xxx xxx xxx', build: strReg('W') },
  { name: 'STRH (register) T1', pattern: '0101 001 xxx xxx xxx', build: strReg('H') },
  { name: 'STRB (register) T1', pattern: '0101 010 xxx xxx xxx', build: strReg('B') },
  { name: 'LDRSB (register) T1', pattern: '0101 011 xxx xxx xxx', build: ldrReg('SB') },
  { name: 'LDR (register) T1', pattern: '0101 100 xxx xxx xxx', build: ldrReg('W') },
  { name: 'LDRH (register) T1', pattern: '0101 101 xxx xxx xxx', build: ldrReg('H') },
  { name: 'LDRB (register) T1', pattern: '0101 110 xxx xxx xxx', build: ldrReg('B') },
  { name: 'LDRSH (register) T1', pattern: '0101 111 xxx xxx xxx', build: ldrReg('SH') },
  { name: 'STR (immediate) T1', pattern: '0110 0 xxxxx xxx xxx', build: strImm('W', 4) },
  { name: 'LDR (immediate) T1', pattern: '0110 1 xxxxx xxx xxx', build: ldrImm('W', 4) },
  { name: 'STRB (immediate) T1', pattern: '0111 0 xxxxx xxx xxx', build: strImm('B', 1) },
  { name: 'LDRB (immediate) T1', pattern: '0111 1 xxxxx xxx xxx', build: ldrImm('B', 1) },
  { name: 'STRH (immediate) T1', pattern: '1000 0 xxxxx xxx xxx', build: strImm('H', 2) },
  { name: 'LDRH (immediate) T1', pattern: '1000 1 xxxxx xxx xxx', build: ldrImm('H', 2) },
  { name: 'STR (immediate) T2', pattern: '1001 0 xxx xxxxxxxx', build: (hw) => storeImmediate('W', r8(hw), 13, imm8(hw) * 4) },
  { name: 'LDR (immediate) T2', pattern: '1001 1 xxx xxxxxxxx', build: (hw) => loadImmediate('W', r8(hw), 13, imm8(hw) * 4) },

  { name: 'ADR T1', pattern: '10100 xxx xxxxxxxx', build: (hw) => addressOf(r8(hw), imm8(hw) * 4) },
  { name: 'ADD (SP plus immediate) T1', pattern: '10101 xxx xxxxxxxx', build: (hw) => dataProcessingImm('ADD', r8(hw), 13, imm8(hw) * 4, -1, NEVER) },

  // Miscellaneous 16-bit instructions (A5.2.5)
  { name: 'ADD (SP plus immediate) T2', pattern: '1011 0000 0 xxxxxxx', build: (hw) => adjustSp((hw & 0x7f) * 4) },
  { name: 'SUB (SP minus immediate) T1', pattern: '1011 0000 1 xxxxxxx', build: (hw) => adjustSp(-(hw & 0x7f) * 4) },
  { name: 'CBZ T1', pattern: '1011 0 0 x 1 xxxxx xxx', build: cbz },
  { name: 'CBNZ T1', pattern: '1011 1 0 x 1 xxxxx xxx', build: cbz },
  { name: 'SXTH T1', pattern: '1011 0010 00 xxx xxx', build: (hw) => extend('SXTH', r0(hw), -1, r3(hw), 0) },
  { name: 'SXTB T1', pattern: '1011 0010 01 xxx xxx', build: (hw) => extend('SXTB', r0(hw), -1, r3(hw), 0) },
  { name: 'UXTH T1', pattern: '1011 0010 10 xxx xxx', build: (hw) => extend('UXTH', r0(hw), -1, r3(hw), 0) },
  { name: 'UXTB T1', pattern: '1011 0010 11 xxx xxx', build: (hw) => extend('UXTB', r0(hw), -1, r3(hw), 0) },
  { name: 'PUSH T1', pattern: '1011 010 x xxxxxxxx', build: push },
  { name: 'CPS T1', pattern: '1011 0110 011 x 0 0 x x', build: cps },
  { name: 'REV T1', pattern: '1011 1010 00 xxx xxx', build: (hw) => reverse('REV', r0(hw), r3(hw)) },
  { name: 'REV16 T1', pattern: '1011 1010 01 xxx xxx', build: (hw) => reverse('REV16', r0(hw), r3(hw)) },
  { name: 'REVSH T1', pattern: '1011 1010 11 xxx xxx', build: (hw) => reverse('REVSH', r0(hw), r3(hw)) },
  { name: 'POP T1', pattern: '1011 110 x xxxxxxxx', build: pop },
  { name: 'BKPT T1', pattern: '1011 1110 xxxxxxxx', build: (hw) => breakpoint(imm8(hw)) },
  { name: 'IT T1', pattern: '1011 1111 xxxx xxxx', build: it },

  // If-Then and hints (A5.2.5): opA = hw[7:4] with opB = 0000
  { name: 'NOP T1', pattern: '1011 1111 0000 0000', build: () => NOP },
  { name: 'YIELD T1', pattern: '1011 1111 0001 0000', build: () => NOP },
  { name: 'WFE T1', pattern: '1011 1111 0010 0000', build: () => WFE },
  { name: 'WFI T1', pattern: '1011 1111 0011 0000', build: () => WFI },
  { name: 'SEV T1', pattern: '1011 1111 0100 0000', build: () => SEV },
  { name: 'unallocated hint (NOP)', pattern: '1011 1111 xxxx 0000', build: () => NOP },

  { name: 'STM T1', pattern: '11000 xxx xxxxxxxx', build: stm },
  { name: 'LDM T1', pattern: '11001 xxx xxxxxxxx', build: ldm },

  // Conditional branch, supervisor call (A5.2.6)
  { name: 'B T1', pattern: '1101 xxxx xxxxxxxx', build: branchCond },
  { name: 'UDF T1', pattern: '1101 1110 xxxxxxxx', build: () => UDF },
  { name: 'SVC T1', pattern: '1101 1111 xxxxxxxx', build: () => SVC },
  { name: 'B T2', pattern: '11100 xxxxxxxxxxx', build: (hw) => branch(offset11(hw)) },
];

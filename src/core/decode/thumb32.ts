/**
 * The 32-bit Thumb-2 integer encodings of ARMv7-M (ARM ARM DDI 0403E A5.3), one line per encoding
 * as printed in chapter A7 (first halfword | second halfword). The DSP encodings (SSAT/USAT, PKH,
 * parallel add/subtract, the byte-pair extends, the DSP multiplies, UMAAL) are in dsp.ts; the
 * coprocessor/FP space is in fpu.ts.
 *
 * Field names follow the manual: Rn = hw1[3:0], Rd = hw2[11:8], Rt = hw2[15:12], Rm = hw2[3:0],
 * imm3 = hw2[14:12], imm2 = hw2[7:6], type = hw2[5:4], S = hw1[4], i = hw1[10].
 * Bits printed as (0)/(1) are don't-care here. Register choices the manual calls UNPREDICTABLE
 * build to UNPREDICTABLE (UsageFault UNDEFINSTR, see execute/registers.ts); encodings it calls
 * UNDEFINED return undefined (no op: UNDEFINED).
 */
import type { Op } from '../cpu.js';
import { SRType, SetFlags, decodeImmShift, signExtend, thumbExpandImmC } from '../execute/arith.js';
import {
  addressOf,
  bitfieldExtract,
  bitfieldInsert,
  dataProcessingImm,
  dataProcessingReg,
  extend,
  moveTop,
  moveWide,
  reverse,
  shiftRegister,
  type DpOp,
  type ExtendOp,
  type ReverseOp,
} from '../execute/alu.js';
import { branch, branchConditional, branchWithLink, tableBranch } from '../execute/branch.js';
import {
  loadDual,
  loadExclusive,
  loadImmediate,
  loadIndexed,
  loadLiteral,
  loadRegister,
  loadUnprivileged,
  storeDual,
  storeExclusive,
  storeImmediate,
  storeIndexed,
  storeRegister,
  storeUnprivileged,
  type Width,
} from '../execute/loadstore.js';
import { divide, multiply, multiplyAccumulate, multiplyLong } from '../execute/multiply.js';
import { loadMultiple, storeMultiple } from '../execute/multiple.js';
import { UNPREDICTABLE, badReg } from '../execute/registers.js';
import { CLREX, NOP, SEV, UDF, WFE, WFI, moveFromSpecial, moveToSpecial } from '../execute/system.js';
import type { Encoding } from './encoding.js';

type Build = Encoding['build'];
const { ALWAYS, NEVER } = SetFlags;

const rn = (hw1: number): number => hw1 & 0xf;
const rd = (hw2: number): number => (hw2 >> 8) & 0xf;
const rt = (hw2: number): number => (hw2 >> 12) & 0xf;
const rm = (hw2: number): number => hw2 & 0xf;
const sBit = (hw1: number): number => (hw1 >> 4) & 1;
/** i:imm3:imm8. */
const imm12 = (hw1: number, hw2: number): number => (((hw1 >> 10) & 1) << 11) | (((hw2 >> 12) & 7) << 8) | (hw2 & 0xff);
/** imm3:imm2 (shift amounts, bitfield lsb). */
const imm5 = (hw2: number): number => (((hw2 >> 12) & 7) << 2) | ((hw2 >> 6) & 3);

// ---- Data processing (A5.3.1 modified immediate, A5.3.11 shifted register) ----------------------

/** The register restrictions of each data-processing encoding (its UNPREDICTABLE line in A7.7). m < 0: immediate form. */
function dpRegistersOk(op: DpOp, d: number, n: number, m: number): boolean {
  if (m >= 0 && badReg(m)) return false;
  switch (op) {
    case 'TST':
    case 'TEQ':
      return !badReg(n);
    case 'CMP':
    case 'CMN':
      return n !== 15;
    case 'MOV':
    case 'MVN':
      return !badReg(d);
    case 'ORR':
    case 'ORN':
      return !badReg(d) && n !== 13;
    case 'ADD':
    case 'SUB':
      // n = 13 is ADD (SP plus ...)/SUB (SP minus ...): any Rd but the PC.
      return n === 13 ? d !== 15 : !badReg(d) && n !== 15;
    default:
      return !badReg(d) && !badReg(n);
  }
}

/** <op>{S}.W Rd, Rn, #ThumbExpandImm(i:imm3:imm8). */
function dpImm(op: DpOp): Build {
  return (hw1, hw2) => {
    const d = rd(hw2);
    const n = rn(hw1);
    const k = thumbExpandImmC(imm12(hw1, hw2));
    if (k === undefined || !dpRegistersOk(op, d, n, -1)) return UNPREDICTABLE;
    return dataProcessingImm(op, d, n, k.value, k.carry, sBit(hw1) ? ALWAYS : NEVER);
  };
}

/** <op>{S}.W Rd, Rn, Rm{, <shift> #n}. */
function dpReg(op: DpOp): Build {
  return (hw1, hw2) => {
    const d = rd(hw2);
    const n = rn(hw1);
    const m = rm(hw2);
    const sh = decodeImmShift((hw2 >> 4) & 3, imm5(hw2));
    if (!dpRegistersOk(op, d, n, m)) return UNPREDICTABLE;
    // ADD/SUB (SP plus/minus register) with Rd = SP allow only LSL #0..3.
    if (n === 13 && d === 13 && (sh.type !== SRType.LSL || sh.amount > 3)) return UNPREDICTABLE;
    return dataProcessingReg(op, d, n, m, sh.type, sh.amount, sBit(hw1) ? ALWAYS : NEVER);
  };
}

/** MOV (register) T3: MOV{S}.W Rd, Rm; without S, SP may be either operand (not both). */
function movRegister(hw1: number, hw2: number): Op {
  const d = rd(hw2);
  const m = rm(hw2);
  const s = sBit(hw1);
  const bad = s ? badReg(d) || badReg(m) : d === 15 || m === 15 || (d === 13 && m === 13);
  return bad ? UNPREDICTABLE : dataProcessingReg('MOV', d, -1, m, SRType.LSL, 0, s ? ALWAYS : NEVER);
}

/** LSL/LSR/ASR/ROR (immediate) T2/T1, RRX T1: MOV{S}.W Rd, Rm, <shift> #n. */
function shiftImm(hw1: number, hw2: number): Op {
  const d = rd(hw2);
  const m = rm(hw2);
  if (badReg(d) || badReg(m)) return UNPREDICTABLE;
  const sh = decodeImmShift((hw2 >> 4) & 3, imm5(hw2));
  return dataProcessingReg('MOV', d, -1, m, sh.type, sh.amount, sBit(hw1) ? ALWAYS : NEVER);
}

/** LSL/LSR/ASR/ROR (register) T2: Rd = Rn shifted by Rm<7:0>. */
function shiftReg(hw1: number, hw2: number): Op {
  const d = rd(hw2);
  const n = rn(hw1);
  const m = rm(hw2);
  if (badReg(d) || badReg(n) || badReg(m)) return UNPREDICTABLE;
  return shiftRegister((hw1 >> 5) & 3, d, n, m, sBit(hw1) ? ALWAYS : NEVER);
}

// ---- Plain binary immediate (A5.3.3) -------------------------------------------------------------

/** ADDW/SUBW Rd, Rn, #imm12 (ADD T4, SUB T4; with Rn = SP the SP forms, which allow Rd = SP). */
function addSubWide(op: 'ADD' | 'SUB'): Build {
  return (hw1, hw2) => {
    const d = rd(hw2);
    const n = rn(hw1);
    if (n === 13 ? d === 15 : badReg(d)) return UNPREDICTABLE;
    return dataProcessingImm(op, d, n, imm12(hw1, hw2), -1, NEVER);
  };
}

/** ADR T2 (subtract) / T3 (add): Rd = Align(PC,4) ± imm12. */
function adr(sign: 1 | -1): Build {
  return (hw1, hw2) => (badReg(rd(hw2)) ? UNPREDICTABLE : addressOf(rd(hw2), sign * imm12(hw1, hw2)));
}

/** imm4:i:imm3:imm8 of MOVW/MOVT. */
function imm16(hw1: number, hw2: number): number {
  return ((hw1 & 0xf) << 12) | imm12(hw1, hw2);
}

function movw(hw1: number, hw2: number): Op {
  return badReg(rd(hw2)) ? UNPREDICTABLE : moveWide(rd(hw2), imm16(hw1, hw2));
}

function movt(hw1: number, hw2: number): Op {
  return badReg(rd(hw2)) ? UNPREDICTABLE : moveTop(rd(hw2), imm16(hw1, hw2));
}

/** SBFX/UBFX Rd, Rn, #lsb, #widthm1+1: lsb + width must not pass bit 31. */
function bfx(signed: boolean): Build {
  return (hw1, hw2) => {
    const d = rd(hw2);
    const n = rn(hw1);
    const lsb = imm5(hw2);
    const width = (hw2 & 0x1f) + 1;
    if (badReg(d) || badReg(n) || lsb + width > 32) return UNPREDICTABLE;
    return bitfieldExtract(signed, d, n, lsb, width);
  };
}

/** BFI Rd, Rn, #lsb, #width (Rn = 1111: BFC): msb = hw2[4:0] must not be below lsb. */
function bfi(clear: boolean): Build {
  return (hw1, hw2) => {
    const d = rd(hw2);
    const n = rn(hw1);
    const lsb = imm5(hw2);
    const msb = hw2 & 0x1f;
    if (badReg(d) || (!clear && n === 13) || msb < lsb) return UNPREDICTABLE;
    return bitfieldInsert(d, clear ? -1 : n, lsb, msb - lsb + 1);
  };
}

// ---- Branches and miscellaneous control (A5.3.4) -------------------------------------------------

/** B T3: SignExtend(S:J2:J1:imm6:imm11:'0'); cond 111x is the miscellaneous space (other lines). */
function branchT3(hw1: number, hw2: number): Op | undefined {
  const cond = (hw1 >> 6) & 0xf;
  if (cond >= 14) return undefined;
  const value = (((hw1 >> 10) & 1) << 20) | (((hw2 >> 11) & 1) << 19) | (((hw2 >> 13) & 1) << 18) | ((hw1 & 0x3f) << 12) | ((hw2 & 0x7ff) << 1);
  return branchConditional(cond, signExtend(value, 21));
}

/** B T4 and BL: SignExtend(S:I1:I2:imm10:imm11:'0') with I1 = NOT(J1 XOR S), I2 = NOT(J2 XOR S). */
function offset24(hw1: number, hw2: number): number {
  const s = (hw1 >> 10) & 1;
  const i1 = ~((hw2 >> 13) ^ s) & 1;
  const i2 = ~((hw2 >> 11) ^ s) & 1;
  return signExtend((s << 24) | (i1 << 23) | (i2 << 22) | ((hw1 & 0x3ff) << 12) | ((hw2 & 0x7ff) << 1), 25);
}

function msr(hw1: number, hw2: number): Op {
  const n = rn(hw1);
  return badReg(n) ? UNPREDICTABLE : moveToSpecial(n, hw2 & 0xff, (hw2 >> 10) & 3);
}

function mrs(_hw1: number, hw2: number): Op {
  const d = rd(hw2);
  return badReg(d) ? UNPREDICTABLE : moveFromSpecial(d, hw2 & 0xff);
}

// ---- Load/store multiple (A5.3.5) ----------------------------------------------------------------

function bitCount(x: number): number {
  let c = 0;
  for (; x !== 0; x &= x - 1) c++;
  return c;
}

/** STM (IA) T2 / STMDB T1: registers = '0':M:'0':list; at least two; no writeback with Rn in the list. */
function stm(increment: boolean): Build {
  return (hw1, hw2) => {
    const n = rn(hw1);
    const wback = (hw1 & 0x20) !== 0;
    const mask = hw2 & 0x5fff;
    if (n === 15 || bitCount(mask) < 2 || (wback && ((mask >> n) & 1) !== 0)) return UNPREDICTABLE;
    return storeMultiple(n, mask, increment, wback);
  };
}

/** LDM (IA) T2 / LDMDB T1: registers = P:M:'0':list; at least two; not both PC and LR. */
function ldm(increment: boolean): Build {
  return (hw1, hw2) => {
    const n = rn(hw1);
    const wback = (hw1 & 0x20) !== 0;
    const mask = hw2 & 0xdfff;
    if (n === 15 || bitCount(mask) < 2 || (mask & 0xc000) === 0xc000 || (wback && ((mask >> n) & 1) !== 0)) return UNPREDICTABLE;
    return loadMultiple(n, mask, increment, wback);
  };
}

/** PUSH T2 (STMDB SP!, two or more registers) and POP T2 (LDMIA SP!). */
function pushWide(_hw1: number, hw2: number): Op {
  const mask = hw2 & 0x5fff;
  return bitCount(mask) < 2 ? UNPREDICTABLE : storeMultiple(13, mask, false, true);
}

function popWide(_hw1: number, hw2: number): Op {
  const mask = hw2 & 0xdfff;
  return bitCount(mask) < 2 || (mask & 0xc000) === 0xc000 ? UNPREDICTABLE : loadMultiple(13, mask, true, true);
}

// ---- Load/store dual, exclusive, table branch (A5.3.6) -------------------------------------------

/** LDRD/STRD T1: P = hw1[8], U = hw1[7], W = hw1[5]; P:W = 00 is the exclusive/table-branch space. */
function dual(load: boolean): Build {
  return (hw1, hw2) => {
    const index = (hw1 & 0x100) !== 0;
    const wback = (hw1 & 0x20) !== 0;
    if (!index && !wback) return undefined;
    const n = rn(hw1);
    const t = rt(hw2);
    const t2 = rd(hw2);
    const offset = ((hw1 & 0x80) !== 0 ? 1 : -1) * (hw2 & 0xff) * 4;
    if (badReg(t) || badReg(t2) || (wback && (n === t || n === t2))) return UNPREDICTABLE;
    if (!load) return n === 15 ? UNPREDICTABLE : storeDual(t, t2, n, offset, index, wback);
    if (t === t2 || (n === 15 && wback)) return UNPREDICTABLE;
    return loadDual(t, t2, n, offset, index, wback);
  };
}

/** LDREX Rt, [Rn, #imm8×4]. */
function ldrex(hw1: number, hw2: number): Op {
  const t = rt(hw2);
  const n = rn(hw1);
  return badReg(t) || n === 15 ? UNPREDICTABLE : loadExclusive(4, t, n, (hw2 & 0xff) * 4);
}

/** STREX Rd, Rt, [Rn, #imm8×4]. */
function strex(hw1: number, hw2: number): Op {
  const d = rd(hw2);
  const t = rt(hw2);
  const n = rn(hw1);
  if (badReg(d) || badReg(t) || n === 15 || d === n || d === t) return UNPREDICTABLE;
  return storeExclusive(4, d, t, n, (hw2 & 0xff) * 4);
}

/** LDREXB/LDREXH Rt, [Rn]. */
function ldrexNarrow(size: 1 | 2): Build {
  return (hw1, hw2) => {
    const t = rt(hw2);
    const n = rn(hw1);
    return badReg(t) || n === 15 ? UNPREDICTABLE : loadExclusive(size, t, n, 0);
  };
}

/** STREXB/STREXH Rd, Rt, [Rn]: Rd = hw2[3:0]. */
function strexNarrow(size: 1 | 2): Build {
  return (hw1, hw2) => {
    const d = rm(hw2);
    const t = rt(hw2);
    const n = rn(hw1);
    if (badReg(d) || badReg(t) || n === 15 || d === n || d === t) return UNPREDICTABLE;
    return storeExclusive(size, d, t, n, 0);
  };
}

/** TBB/TBH [Rn, Rm{, LSL #1}]. */
function tb(hw1: number, hw2: number): Op {
  const n = rn(hw1);
  const m = rm(hw2);
  return n === 13 || badReg(m) ? UNPREDICTABLE : tableBranch((hw2 & 0x10) !== 0, n, m);
}

// ---- Load/store single (A5.3.7–A5.3.10) ----------------------------------------------------------

/**
 * What a load to Rt = 15 is for the narrow widths: PLD/PLI or an unallocated memory hint (a NOP
 * here) in the offset forms, UNPREDICTABLE with writeback. For words it is a load to the PC.
 */
function narrowToPc(w: Width, offsetForm: boolean): Op | undefined {
  if (w === 'W') return undefined;
  return offsetForm ? NOP : UNPREDICTABLE;
}

/**
 * The manual's decode tables test Rn = 1111 (the literal form) before the other fields, so the
 * register and immediate forms step aside for it (undefined: the literal line decodes it).
 */
const literalBase = (hw1: number): boolean => rn(hw1) === 15;

/** LDR<w>.W Rt, [Rn, #imm12] (T2/T3). Narrow loads to SP are UNPREDICTABLE. */
function ldImm12(w: Width): Build {
  return (hw1, hw2) => {
    if (literalBase(hw1)) return undefined;
    const t = rt(hw2);
    if (t === 15) return narrowToPc(w, true) ?? loadImmediate(w, t, rn(hw1), hw2 & 0xfff);
    return t === 13 && w !== 'W' ? UNPREDICTABLE : loadImmediate(w, t, rn(hw1), hw2 & 0xfff);
  };
}

/** P = hw2[10], U = hw2[9], W = hw2[8] of the imm8 forms. */
function puw(hw2: number): { index: boolean; wback: boolean; offset: number } {
  return { index: (hw2 & 0x400) !== 0, wback: (hw2 & 0x100) !== 0, offset: ((hw2 & 0x200) !== 0 ? 1 : -1) * (hw2 & 0xff) };
}

/** LDR<w> Rt, [Rn, #±imm8] / [Rn, #±imm8]! / [Rn], #±imm8 (T3/T4). P = W = 0 is UNDEFINED. */
function ldImm8(w: Width): Build {
  return (hw1, hw2) => {
    const { index, wback, offset } = puw(hw2);
    if (literalBase(hw1) || (!index && !wback)) return undefined;
    const t = rt(hw2);
    const n = rn(hw1);
    if (t === 15) {
      const hint = narrowToPc(w, index && !wback && offset <= 0);
      if (hint) return hint;
    } else if (t === 13 && w !== 'W') {
      return UNPREDICTABLE;
    }
    if (wback && n === t) return UNPREDICTABLE;
    return wback ? loadIndexed(w, t, n, offset, index) : loadImmediate(w, t, n, offset);
  };
}

/** LDR<w>T Rt, [Rn, #imm8] (unprivileged). */
function ldUnprivileged(w: Width): Build {
  return (hw1, hw2) => {
    if (literalBase(hw1)) return undefined;
    return badReg(rt(hw2)) ? UNPREDICTABLE : loadUnprivileged(w, rt(hw2), rn(hw1), hw2 & 0xff);
  };
}

/** LDR<w>.W Rt, [Rn, Rm{, LSL #imm2}]. */
function ldReg(w: Width): Build {
  return (hw1, hw2) => {
    if (literalBase(hw1)) return undefined;
    const t = rt(hw2);
    const m = rm(hw2);
    if (badReg(m)) return UNPREDICTABLE;
    if (t === 15) return narrowToPc(w, true) ?? loadRegister(w, t, rn(hw1), m, (hw2 >> 4) & 3);
    return t === 13 && w !== 'W' ? UNPREDICTABLE : loadRegister(w, t, rn(hw1), m, (hw2 >> 4) & 3);
  };
}

/** LDR<w>.W Rt, [PC, #±imm12] (U = hw1[7]). */
function ldLiteral(w: Width): Build {
  return (hw1, hw2) => {
    const t = rt(hw2);
    const offset = ((hw1 & 0x80) !== 0 ? 1 : -1) * (hw2 & 0xfff);
    if (t === 15) return narrowToPc(w, true) ?? loadLiteral(w, t, offset);
    return t === 13 && w !== 'W' ? UNPREDICTABLE : loadLiteral(w, t, offset);
  };
}

/** Stores: Rn = 1111 is UNDEFINED; Rt = PC never, Rt = SP only for words. */
function badStoreReg(w: Width, t: number): boolean {
  return t === 15 || (t === 13 && w !== 'W');
}

function stImm12(w: Width): Build {
  return (hw1, hw2) => {
    const n = rn(hw1);
    const t = rt(hw2);
    if (n === 15) return undefined;
    return badStoreReg(w, t) ? UNPREDICTABLE : storeImmediate(w, t, n, hw2 & 0xfff);
  };
}

function stImm8(w: Width): Build {
  return (hw1, hw2) => {
    const n = rn(hw1);
    const t = rt(hw2);
    const { index, wback, offset } = puw(hw2);
    if (n === 15 || (!index && !wback)) return undefined;
    if (badStoreReg(w, t) || (wback && n === t)) return UNPREDICTABLE;
    return wback ? storeIndexed(w, t, n, offset, index) : storeImmediate(w, t, n, offset);
  };
}

function stUnprivileged(w: Width): Build {
  return (hw1, hw2) => {
    const n = rn(hw1);
    if (n === 15) return undefined;
    return badReg(rt(hw2)) ? UNPREDICTABLE : storeUnprivileged(w, rt(hw2), n, hw2 & 0xff);
  };
}

function stReg(w: Width): Build {
  return (hw1, hw2) => {
    const n = rn(hw1);
    const t = rt(hw2);
    const m = rm(hw2);
    if (n === 15) return undefined;
    return badStoreReg(w, t) || badReg(m) ? UNPREDICTABLE : storeRegister(w, t, n, m, (hw2 >> 4) & 3);
  };
}

// ---- Data processing (register), multiplies, divide (A5.3.12, A5.3.15–A5.3.17) -----------------

/** SXTAB/SXTAH/UXTAB/UXTAH Rd, Rn, Rm{, ROR #8×rotate}; with Rn = 1111 (own line) SXTB/SXTH/UXTB/UXTH.W. */
function extendWide(op: ExtendOp, accumulate: boolean): Build {
  return (hw1, hw2) => {
    const d = rd(hw2);
    const n = rn(hw1);
    const m = rm(hw2);
    if (badReg(d) || badReg(m) || (accumulate && n === 13)) return UNPREDICTABLE;
    return extend(op, d, accumulate ? n : -1, m, ((hw2 >> 4) & 3) * 8);
  };
}

/** REV/REV16/RBIT/REVSH/CLZ.W Rd, Rm: Rm is encoded twice and both must agree (Consistent(m)). */
function reverseWide(op: ReverseOp): Build {
  return (hw1, hw2) => {
    const d = rd(hw2);
    const m = rm(hw2);
    if (rn(hw1) !== m || badReg(d) || badReg(m)) return UNPREDICTABLE;
    return reverse(op, d, m);
  };
}

/** Rd, Rn, Rm of the multiply/divide encodings, none SP or PC. */
function mulRegs(make: (d: number, n: number, m: number, hw2: number) => Op): Build {
  return (hw1, hw2) => {
    const d = rd(hw2);
    const n = rn(hw1);
    const m = rm(hw2);
    return badReg(d) || badReg(n) || badReg(m) ? UNPREDICTABLE : make(d, n, m, hw2);
  };
}

/** MLA (Ra ≠ SP) and MLS (Ra neither SP nor PC; Ra = PC is MUL for MLA, its own line). */
function mla(subtract: boolean): Build {
  return mulRegs((d, n, m, hw2) => (badReg(rt(hw2)) ? UNPREDICTABLE : multiplyAccumulate(d, n, m, rt(hw2), subtract)));
}

/** SMULL/UMULL/SMLAL/UMLAL RdLo, RdHi, Rn, Rm: RdLo = hw2[15:12], RdHi = hw2[11:8], distinct. */
function mulLong(signed: boolean, accumulate: boolean): Build {
  return mulRegs((dHi, n, m, hw2) => {
    const dLo = rt(hw2);
    return badReg(dLo) || dLo === dHi ? UNPREDICTABLE : multiplyLong(signed, accumulate, dLo, dHi, n, m);
  });
}

export const THUMB32_ENCODINGS: readonly Encoding[] = [
  // Load/store multiple (A5.3.5)
  { name: 'STM T2', pattern: '1110100010x0xxxx xxxxxxxxxxxxxxxx', build: stm(true) },
  { name: 'LDM T2', pattern: '1110100010x1xxxx xxxxxxxxxxxxxxxx', build: ldm(true) },
  { name: 'POP T2', pattern: '1110100010111101 xxxxxxxxxxxxxxxx', build: popWide },
  { name: 'STMDB T1', pattern: '1110100100x0xxxx xxxxxxxxxxxxxxxx', build: stm(false) },
  { name: 'PUSH T2', pattern: '1110100100101101 xxxxxxxxxxxxxxxx', build: pushWide },
  { name: 'LDMDB T1', pattern: '1110100100x1xxxx xxxxxxxxxxxxxxxx', build: ldm(false) },

  // Load/store dual or exclusive, table branch (A5.3.6)
  { name: 'STREX T1', pattern: '111010000100xxxx xxxxxxxxxxxxxxxx', build: strex },
  { name: 'LDREX T1', pattern: '111010000101xxxx xxxxxxxxxxxxxxxx', build: ldrex },
  { name: 'STRD (immediate) T1', pattern: '1110100xx1x0xxxx xxxxxxxxxxxxxxxx', build: dual(false) },
  { name: 'LDRD (immediate) T1', pattern: '1110100xx1x1xxxx xxxxxxxxxxxxxxxx', build: dual(true) },
  { name: 'LDRD (literal) T1', pattern: '1110100xx1x11111 xxxxxxxxxxxxxxxx', build: dual(true) },
  { name: 'STREXB T1', pattern: '111010001100xxxx xxxxxxxx0100xxxx', build: strexNarrow(1) },
  { name: 'STREXH T1', pattern: '111010001100xxxx xxxxxxxx0101xxxx', build: strexNarrow(2) },
  { name: 'TBB T1', pattern: '111010001101xxxx xxxxxxxx0000xxxx', build: tb },
  { name: 'TBH T1', pattern: '111010001101xxxx xxxxxxxx0001xxxx', build: tb },
  { name: 'LDREXB T1', pattern: '111010001101xxxx xxxxxxxx0100xxxx', build: ldrexNarrow(1) },
  { name: 'LDREXH T1', pattern: '111010001101xxxx xxxxxxxx0101xxxx', build: ldrexNarrow(2) },

  // Data processing (shifted register) (A5.3.11)
  { name: 'AND (register) T2', pattern: '11101010000xxxxx xxxxxxxxxxxxxxxx', build: dpReg('AND') },
  { name: 'TST (register) T2', pattern: '111010100001xxxx xxxx1111xxxxxxxx', build: dpReg('TST') },
  { name: 'BIC (register) T2', pattern: '11101010001xxxxx xxxxxxxxxxxxxxxx', build: dpReg('BIC') },
  { name: 'ORR (register) T2', pattern: '11101010010xxxxx xxxxxxxxxxxxxxxx', build: dpReg('ORR') },
  { name: 'MOV (register) T3', pattern: '11101010010x1111 x000xxxx0000xxxx', build: movRegister },
  { name: 'LSL (immediate) T2', pattern: '11101010010x1111 xxxxxxxxxx00xxxx', build: shiftImm },
  { name: 'LSR (immediate) T2', pattern: '11101010010x1111 xxxxxxxxxx01xxxx', build: shiftImm },
  { name: 'ASR (immediate) T2', pattern: '11101010010x1111 xxxxxxxxxx10xxxx', build: shiftImm },
  { name: 'ROR (immediate) T1', pattern: '11101010010x1111 xxxxxxxxxx11xxxx', build: shiftImm },
  { name: 'RRX T1', pattern: '11101010010x1111 x000xxxx0011xxxx', build: shiftImm },
  { name: 'ORN (register) T1', pattern: '11101010011xxxxx xxxxxxxxxxxxxxxx', build: dpReg('ORN') },
  { name: 'MVN (register) T2', pattern: '11101010011x1111 xxxxxxxxxxxxxxxx', build: dpReg('MVN') },
  { name: 'EOR (register) T2', pattern: '11101010100xxxxx xxxxxxxxxxxxxxxx', build: dpReg('EOR') },
  { name: 'TEQ (register) T1', pattern: '111010101001xxxx xxxx1111xxxxxxxx', build: dpReg('TEQ') },
  { name: 'ADD (register) T3', pattern: '11101011000xxxxx xxxxxxxxxxxxxxxx', build: dpReg('ADD') },
  { name: 'CMN (register) T2', pattern: '111010110001xxxx xxxx1111xxxxxxxx', build: dpReg('CMN') },
  { name: 'ADD (SP plus register) T3', pattern: '11101011000x1101 xxxxxxxxxxxxxxxx', build: dpReg('ADD') },
  { name: 'ADC (register) T2', pattern: '11101011010xxxxx xxxxxxxxxxxxxxxx', build: dpReg('ADC') },
  { name: 'SBC (register) T2', pattern: '11101011011xxxxx xxxxxxxxxxxxxxxx', build: dpReg('SBC') },
  { name: 'SUB (register) T2', pattern: '11101011101xxxxx xxxxxxxxxxxxxxxx', build: dpReg('SUB') },
  { name: 'CMP (register) T3', pattern: '111010111011xxxx xxxx1111xxxxxxxx', build: dpReg('CMP') },
  { name: 'SUB (SP minus register) T1', pattern: '11101011101x1101 xxxxxxxxxxxxxxxx', build: dpReg('SUB') },
  { name: 'RSB (register) T1', pattern: '11101011110xxxxx xxxxxxxxxxxxxxxx', build: dpReg('RSB') },

  // Data processing (modified immediate) (A5.3.1)
  { name: 'AND (immediate) T1', pattern: '11110x00000xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('AND') },
  { name: 'TST (immediate) T1', pattern: '11110x000001xxxx 0xxx1111xxxxxxxx', build: dpImm('TST') },
  { name: 'BIC (immediate) T1', pattern: '11110x00001xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('BIC') },
  { name: 'ORR (immediate) T1', pattern: '11110x00010xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('ORR') },
  { name: 'MOV (immediate) T2', pattern: '11110x00010x1111 0xxxxxxxxxxxxxxx', build: dpImm('MOV') },
  { name: 'ORN (immediate) T1', pattern: '11110x00011xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('ORN') },
  { name: 'MVN (immediate) T1', pattern: '11110x00011x1111 0xxxxxxxxxxxxxxx', build: dpImm('MVN') },
  { name: 'EOR (immediate) T1', pattern: '11110x00100xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('EOR') },
  { name: 'TEQ (immediate) T1', pattern: '11110x001001xxxx 0xxx1111xxxxxxxx', build: dpImm('TEQ') },
  { name: 'ADD (immediate) T3', pattern: '11110x01000xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('ADD') },
  { name: 'CMN (immediate) T1', pattern: '11110x010001xxxx 0xxx1111xxxxxxxx', build: dpImm('CMN') },
  { name: 'ADD (SP plus immediate) T3', pattern: '11110x01000x1101 0xxxxxxxxxxxxxxx', build: dpImm('ADD') },
  { name: 'ADC (immediate) T1', pattern: '11110x01010xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('ADC') },
  { name: 'SBC (immediate) T1', pattern: '11110x01011xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('SBC') },
  { name: 'SUB (immediate) T3', pattern: '11110x01101xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('SUB') },
  { name: 'CMP (immediate) T2', pattern: '11110x011011xxxx 0xxx1111xxxxxxxx', build: dpImm('CMP') },
  { name: 'SUB (SP minus immediate) T2', pattern: '11110x01101x1101 0xxxxxxxxxxxxxxx', build: dpImm('SUB') },
  { name: 'RSB (immediate) T2', pattern: '11110x01110xxxxx 0xxxxxxxxxxxxxxx', build: dpImm('RSB') },

  // Data processing (plain binary immediate) (A5.3.3); SSAT/USAT are in dsp.ts
  { name: 'ADD (immediate) T4', pattern: '11110x100000xxxx 0xxxxxxxxxxxxxxx', build: addSubWide('ADD') },
  { name: 'ADR T3', pattern: '11110x1000001111 0xxxxxxxxxxxxxxx', build: adr(1) },
  { name: 'ADD (SP plus immediate) T4', pattern: '11110x1000001101 0xxxxxxxxxxxxxxx', build: addSubWide('ADD') },
  { name: 'MOV (immediate) T3', pattern: '11110x100100xxxx 0xxxxxxxxxxxxxxx', build: movw },
  { name: 'SUB (immediate) T4', pattern: '11110x101010xxxx 0xxxxxxxxxxxxxxx', build: addSubWide('SUB') },
  { name: 'ADR T2', pattern: '11110x1010101111 0xxxxxxxxxxxxxxx', build: adr(-1) },
  { name: 'SUB (SP minus immediate) T3', pattern: '11110x1010101101 0xxxxxxxxxxxxxxx', build: addSubWide('SUB') },
  { name: 'MOVT T1', pattern: '11110x101100xxxx 0xxxxxxxxxxxxxxx', build: movt },
  { name: 'SBFX T1', pattern: '11110x110100xxxx 0xxxxxxxxxxxxxxx', build: bfx(true) },
  { name: 'BFI T1', pattern: '11110x110110xxxx 0xxxxxxxxxxxxxxx', build: bfi(false) },
  { name: 'BFC T1', pattern: '11110x1101101111 0xxxxxxxxxxxxxxx', build: bfi(true) },
  { name: 'UBFX T1', pattern: '11110x111100xxxx 0xxxxxxxxxxxxxxx', build: bfx(false) },

  // Branches and miscellaneous control (A5.3.4)
  { name: 'B T3', pattern: '11110xxxxxxxxxxx 10x0xxxxxxxxxxxx', build: branchT3 },
  { name: 'B T4', pattern: '11110xxxxxxxxxxx 10x1xxxxxxxxxxxx', build: (hw1, hw2) => branch(offset24(hw1, hw2)) },
  { name: 'BL T1', pattern: '11110xxxxxxxxxxx 11x1xxxxxxxxxxxx', build: (hw1, hw2) => branchWithLink(offset24(hw1, hw2)) },
  { name: 'MSR T1', pattern: '11110011100xxxxx 10x0xxxxxxxxxxxx', build: msr },
  { name: 'MRS T1', pattern: '11110011111xxxxx 10x0xxxxxxxxxxxx', build: mrs },
  { name: 'NOP T2', pattern: '111100111010xxxx 10x0x00000000000', build: () => NOP },
  { name: 'YIELD T2', pattern: '111100111010xxxx 10x0x00000000001', build: () => NOP },
  { name: 'WFE T2', pattern: '111100111010xxxx 10x0x00000000010', build: () => WFE },
  { name: 'WFI T2', pattern: '111100111010xxxx 10x0x00000000011', build: () => WFI },
  { name: 'SEV T2', pattern: '111100111010xxxx 10x0x00000000100', build: () => SEV },
  { name: 'DBG T1', pattern: '111100111010xxxx 10x0x0001111xxxx', build: () => NOP },
  { name: 'unallocated hint (NOP) T2', pattern: '111100111010xxxx 10x0x000xxxxxxxx', build: () => NOP },
  { name: 'CLREX T1', pattern: '111100111011xxxx 10x0xxxx0010xxxx', build: () => CLREX },
  { name: 'DSB T1', pattern: '111100111011xxxx 10x0xxxx0100xxxx', build: () => NOP },
  { name: 'DMB T1', pattern: '111100111011xxxx 10x0xxxx0101xxxx', build: () => NOP },
  { name: 'ISB T1', pattern: '111100111011xxxx 10x0xxxx0110xxxx', build: () => NOP },
  { name: 'UDF T2', pattern: '111101111111xxxx 1010xxxxxxxxxxxx', build: () => UDF },

  // Store single data item (A5.3.10)
  { name: 'STRB (immediate) T2', pattern: '111110001000xxxx xxxxxxxxxxxxxxxx', build: stImm12('B') },
  { name: 'STRB (immediate) T3', pattern: '111110000000xxxx xxxx1xxxxxxxxxxx', build: stImm8('B') },
  { name: 'STRBT T1', pattern: '111110000000xxxx xxxx1110xxxxxxxx', build: stUnprivileged('B') },
  { name: 'STRB (register) T2', pattern: '111110000000xxxx xxxx000000xxxxxx', build: stReg('B') },
  { name: 'STRH (immediate) T2', pattern: '111110001010xxxx xxxxxxxxxxxxxxxx', build: stImm12('H') },
  { name: 'STRH (immediate) T3', pattern: '111110000010xxxx xxxx1xxxxxxxxxxx', build: stImm8('H') },
  { name: 'STRHT T1', pattern: '111110000010xxxx xxxx1110xxxxxxxx', build: stUnprivileged('H') },
  { name: 'STRH (register) T2', pattern: '111110000010xxxx xxxx000000xxxxxx', build: stReg('H') },
  { name: 'STR (immediate) T3', pattern: '111110001100xxxx xxxxxxxxxxxxxxxx', build: stImm12('W') },
  { name: 'STR (immediate) T4', pattern: '111110000100xxxx xxxx1xxxxxxxxxxx', build: stImm8('W') },
  { name: 'PUSH T3', pattern: '1111100001001101 xxxx110100000100', build: stImm8('W') },
  { name: 'STRT T1', pattern: '111110000100xxxx xxxx1110xxxxxxxx', build: stUnprivileged('W') },
  { name: 'STR (register) T2', pattern: '111110000100xxxx xxxx000000xxxxxx', build: stReg('W') },

  // Load byte, memory hints (A5.3.9)
  { name: 'LDRB (immediate) T2', pattern: '111110001001xxxx xxxxxxxxxxxxxxxx', build: ldImm12('B') },
  { name: 'LDRB (immediate) T3', pattern: '111110000001xxxx xxxx1xxxxxxxxxxx', build: ldImm8('B') },
  { name: 'LDRBT T1', pattern: '111110000001xxxx xxxx1110xxxxxxxx', build: ldUnprivileged('B') },
  { name: 'LDRB (register) T2', pattern: '111110000001xxxx xxxx000000xxxxxx', build: ldReg('B') },
  { name: 'LDRB (literal) T1', pattern: '11111000x0011111 xxxxxxxxxxxxxxxx', build: ldLiteral('B') },
  { name: 'PLD (immediate) T1', pattern: '111110001001xxxx 1111xxxxxxxxxxxx', build: ldImm12('B') },
  { name: 'PLD (immediate) T2', pattern: '111110000001xxxx 11111100xxxxxxxx', build: ldImm8('B') },
  { name: 'PLD (register) T1', pattern: '111110000001xxxx 1111000000xxxxxx', build: ldReg('B') },
  { name: 'PLD (literal) T1', pattern: '11111000x0011111 1111xxxxxxxxxxxx', build: ldLiteral('B') },
  { name: 'LDRSB (immediate) T1', pattern: '111110011001xxxx xxxxxxxxxxxxxxxx', build: ldImm12('SB') },
  { name: 'LDRSB (immediate) T2', pattern: '111110010001xxxx xxxx1xxxxxxxxxxx', build: ldImm8('SB') },
  { name: 'LDRSBT T1', pattern: '111110010001xxxx xxxx1110xxxxxxxx', build: ldUnprivileged('SB') },
  { name: 'LDRSB (register) T2', pattern: '111110010001xxxx xxxx000000xxxxxx', build: ldReg('SB') },
  { name: 'LDRSB (literal) T1', pattern: '11111001x0011111 xxxxxxxxxxxxxxxx', build: ldLiteral('SB') },
  { name: 'PLI (immediate) T1', pattern: '111110011001xxxx 1111xxxxxxxxxxxx', build: ldImm12('SB') },
  { name: 'PLI (immediate) T2', pattern: '111110010001xxxx 11111100xxxxxxxx', build: ldImm8('SB') },
  { name: 'PLI (register) T1', pattern: '111110010001xxxx 1111000000xxxxxx', build: ldReg('SB') },
  { name: 'PLI (literal) T3', pattern: '11111001x0011111 1111xxxxxxxxxxxx', build: ldLiteral('SB') },

  // Load halfword, memory hints (A5.3.8): Rt = 1111 in the offset forms is an unallocated hint (NOP)
  { name: 'LDRH (immediate) T2', pattern: '111110001011xxxx xxxxxxxxxxxxxxxx', build: ldImm12('H') },
  { name: 'LDRH (immediate) T3', pattern: '111110000011xxxx xxxx1xxxxxxxxxxx', build: ldImm8('H') },
  { name: 'LDRHT T1', pattern: '111110000011xxxx xxxx1110xxxxxxxx', build: ldUnprivileged('H') },
  { name: 'LDRH (register) T2', pattern: '111110000011xxxx xxxx000000xxxxxx', build: ldReg('H') },
  { name: 'LDRH (literal) T1', pattern: '11111000x0111111 xxxxxxxxxxxxxxxx', build: ldLiteral('H') },
  { name: 'LDRSH (immediate) T1', pattern: '111110011011xxxx xxxxxxxxxxxxxxxx', build: ldImm12('SH') },
  { name: 'LDRSH (immediate) T2', pattern: '111110010011xxxx xxxx1xxxxxxxxxxx', build: ldImm8('SH') },
  { name: 'LDRSHT T1', pattern: '111110010011xxxx xxxx1110xxxxxxxx', build: ldUnprivileged('SH') },
  { name: 'LDRSH (register) T2', pattern: '111110010011xxxx xxxx000000xxxxxx', build: ldReg('SH') },
  { name: 'LDRSH (literal) T1', pattern: '11111001x0111111 xxxxxxxxxxxxxxxx', build: ldLiteral('SH') },

  // Load word (A5.3.7)
  { name: 'LDR (immediate) T3', pattern: '111110001101xxxx xxxxxxxxxxxxxxxx', build: ldImm12('W') },
  { name: 'LDR (immediate) T4', pattern: '111110000101xxxx xxxx1xxxxxxxxxxx', build: ldImm8('W') },
  { name: 'POP T3', pattern: '1111100001011101 xxxx101100000100', build: ldImm8('W') },
  { name: 'LDRT T1', pattern: '111110000101xxxx xxxx1110xxxxxxxx', build: ldUnprivileged('W') },
  { name: 'LDR (register) T2', pattern: '111110000101xxxx xxxx000000xxxxxx', build: ldReg('W') },
  { name: 'LDR (literal) T2', pattern: '11111000x1011111 xxxxxxxxxxxxxxxx', build: ldLiteral('W') },

  // Data processing (register) (A5.3.12)
  { name: 'LSL (register) T2', pattern: '11111010000xxxxx 1111xxxx0000xxxx', build: shiftReg },
  { name: 'LSR (register) T2', pattern: '11111010001xxxxx 1111xxxx0000xxxx', build: shiftReg },
  { name: 'ASR (register) T2', pattern: '11111010010xxxxx 1111xxxx0000xxxx', build: shiftReg },
  { name: 'ROR (register) T2', pattern: '11111010011xxxxx 1111xxxx0000xxxx', build: shiftReg },
  { name: 'SXTAH T1', pattern: '111110100000xxxx 1111xxxx1xxxxxxx', build: extendWide('SXTH', true) },
  { name: 'SXTH T2', pattern: '1111101000001111 1111xxxx1xxxxxxx', build: extendWide('SXTH', false) },
  { name: 'UXTAH T1', pattern: '111110100001xxxx 1111xxxx1xxxxxxx', build: extendWide('UXTH', true) },
  { name: 'UXTH T2', pattern: '1111101000011111 1111xxxx1xxxxxxx', build: extendWide('UXTH', false) },
  { name: 'SXTAB T1', pattern: '111110100100xxxx 1111xxxx1xxxxxxx', build: extendWide('SXTB', true) },
  { name: 'SXTB T2', pattern: '1111101001001111 1111xxxx1xxxxxxx', build: extendWide('SXTB', false) },
  { name: 'UXTAB T1', pattern: '111110100101xxxx 1111xxxx1xxxxxxx', build: extendWide('UXTB', true) },
  { name: 'UXTB T2', pattern: '1111101001011111 1111xxxx1xxxxxxx', build: extendWide('UXTB', false) },
  { name: 'REV T2', pattern: '111110101001xxxx 1111xxxx1000xxxx', build: reverseWide('REV') },
  { name: 'REV16 T2', pattern: '111110101001xxxx 1111xxxx1001xxxx', build: reverseWide('REV16') },
  { name: 'RBIT T1', pattern: '111110101001xxxx 1111xxxx1010xxxx', build: reverseWide('RBIT') },
  { name: 'REVSH T2', pattern: '111110101001xxxx 1111xxxx1011xxxx', build: reverseWide('REVSH') },
  { name: 'CLZ T1', pattern: '111110101011xxxx 1111xxxx1000xxxx', build: reverseWide('CLZ') },

  // Multiply, multiply accumulate (A5.3.16), long multiply and divide (A5.3.17)
  { name: 'MUL T2', pattern: '111110110000xxxx 1111xxxx0000xxxx', build: mulRegs((d, n, m) => multiply(d, n, m, NEVER)) },
  { name: 'MLA T1', pattern: '111110110000xxxx xxxxxxxx0000xxxx', build: mla(false) },
  { name: 'MLS T1', pattern: '111110110000xxxx xxxxxxxx0001xxxx', build: mla(true) },
  { name: 'SMULL T1', pattern: '111110111000xxxx xxxxxxxx0000xxxx', build: mulLong(true, false) },
  { name: 'SDIV T1', pattern: '111110111001xxxx xxxxxxxx1111xxxx', build: mulRegs((d, n, m) => divide(true, d, n, m)) },
  { name: 'UMULL T1', pattern: '111110111010xxxx xxxxxxxx0000xxxx', build: mulLong(false, false) },
  { name: 'UDIV T1', pattern: '111110111011xxxx xxxxxxxx1111xxxx', build: mulRegs((d, n, m) => divide(false, d, n, m)) },
  { name: 'SMLAL T1', pattern: '111110111100xxxx xxxxxxxx0000xxxx', build: mulLong(true, true) },
  { name: 'UMLAL T1', pattern: '111110111110xxxx xxxxxxxx0000xxxx', build: mulLong(false, true) },
];

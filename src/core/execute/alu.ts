/**
 * Integer data processing (ARM ARM DDI 0403E A5.2.1–A5.2.3, A5.3.1, A5.3.3, A5.3.11, A5.3.12):
 * AND BIC ORR ORN EOR MOV MVN TST TEQ ADD ADC SUB SBC RSB CMP CMN with an immediate or a (shifted)
 * register, shifts by immediate and by register, extends, bitfields, byte reversal, CLZ, MOVW/MOVT, ADR.
 *
 * Each factory returns an op with every field fixed at decode. The common shapes (immediate, plain
 * register, shift by immediate, and the 32-bit forms with a register shifted by LSL/LSR/ASR #n
 * without flags or in CMP/CMN) get a closure of their own per operation and per flag mode; the rarer
 * shifted-register forms share one generic closure.
 *
 * Inversions are folded at decode: BIC/ORN/MVN use the complemented operand, SUB/SBC/CMP add the
 * complement (AddWithCarry(x, NOT(y), 1)), as the pseudocode does.
 */
import type { CortexM4, Op } from '../cpu.js';
import { ALU_OUT, SRType, addSetFlags, flagsNow, setNZ, setNZC, shift, shiftC } from './arith.js';
import { withRegisterRules } from './registers.js';

export type DpOp =
  | 'AND' | 'BIC' | 'ORR' | 'ORN' | 'EOR' | 'MOV' | 'MVN' | 'TST' | 'TEQ'
  | 'ADD' | 'ADC' | 'SUB' | 'SBC' | 'RSB' | 'CMP' | 'CMN';

/** The computation behind each operation. */
const Kind = { AND: 0, ORR: 1, EOR: 2, MOV: 3, ADD: 4, ADC: 5, RSB: 6 } as const;

interface Shape {
  readonly kind: number;
  /** XORed into the second operand: -1 for BIC, ORN, MVN, SUB, SBC, CMP. */
  readonly inv: number;
  /** Fixed carry in of the ADD kind: 1 for SUB and CMP. */
  readonly cin: number;
  /** False for TST, TEQ, CMP, CMN (flags only). */
  readonly writes: boolean;
  /** Logical ops take C from the shifter; arithmetic ops from AddWithCarry. */
  readonly logical: boolean;
}

function shape(kind: number, inv: number, cin: number, writes: boolean): Shape {
  return { kind, inv, cin, writes, logical: kind <= Kind.MOV };
}

const SHAPES: Readonly<Record<DpOp, Shape>> = {
  AND: shape(Kind.AND, 0, 0, true),
  BIC: shape(Kind.AND, -1, 0, true),
  TST: shape(Kind.AND, 0, 0, false),
  ORR: shape(Kind.ORR, 0, 0, true),
  ORN: shape(Kind.ORR, -1, 0, true),
  EOR: shape(Kind.EOR, 0, 0, true),
  TEQ: shape(Kind.EOR, 0, 0, false),
  MOV: shape(Kind.MOV, 0, 0, true),
  MVN: shape(Kind.MOV, -1, 0, true),
  ADD: shape(Kind.ADD, 0, 0, true),
  SUB: shape(Kind.ADD, -1, 1, true),
  CMN: shape(Kind.ADD, 0, 0, false),
  CMP: shape(Kind.ADD, -1, 1, false),
  ADC: shape(Kind.ADC, 0, 0, true),
  SBC: shape(Kind.ADC, -1, 0, true),
  RSB: shape(Kind.RSB, 0, 0, true),
};

/**
 * `op` Rd, Rn, #imm (ARM ARM A7.7: the (immediate) forms). `carry` is ThumbExpandImm_C's carry out
 * (0/1) or -1 to leave C unchanged; `fm` is a SetFlags mode.
 */
export function dataProcessingImm(op: DpOp, d: number, n: number, imm: number, carry: number, fm: number): Op {
  const s = SHAPES[op];
  const k = imm ^ s.inv;
  const built = fm < 0 ? immediate(s.kind, d, n, k, s.cin) : s.writes ? immediateFlags(s.kind, d, n, k, s.cin, carry, fm) : immediateTest(s.kind, n, k, s.cin, carry);
  return withRegisterRules(built, s.writes ? d : -1, s.kind === Kind.MOV ? -1 : n);
}

/**
 * `op` Rd, Rn, Rm{, shift #amount} (the (register) forms): `type`/`amount` as from DecodeImmShift.
 * For MOV this is also LSL/LSR/ASR/ROR/RRX (immediate).
 */
export function dataProcessingReg(op: DpOp, d: number, n: number, m: number, type: number, amount: number, fm: number): Op {
  const s = SHAPES[op];
  let built: Op;
  if (type === SRType.LSL && amount === 0) {
    built = fm < 0 ? register(s.kind, d, n, m, s.inv, s.cin) : s.writes ? registerFlags(s.kind, d, n, m, s.inv, s.cin, fm) : registerTest(s.kind, n, m, s.inv, s.cin);
  } else if (s.kind === Kind.MOV && s.inv === 0) {
    built = shiftImmediate(type, d, m, amount, fm);
  } else {
    built = shifted(s, s.writes ? d : -1, n, m, type, amount, fm);
  }
  return withRegisterRules(built, s.writes ? d : -1, s.kind === Kind.MOV ? -1 : n, m);
}

// ---- Immediate operand ------------------------------------------------------------------------

function immediate(kind: number, d: number, n: number, k: number, cin: number): Op {
  switch (kind) {
    case Kind.AND:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] & k;
      };
    case Kind.ORR:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] | k;
      };
    case Kind.EOR:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] ^ k;
      };
    case Kind.MOV:
      return (cpu) => {
        cpu.r[d] = k;
      };
    case Kind.ADD: {
      const addend = (k + cin) | 0;
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] + addend;
      };
    }
    case Kind.ADC:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] + k + cpu.c;
      };
    default:
      return (cpu) => {
        const r = cpu.r;
        r[d] = k - r[n];
      };
  }
}

function immediateFlags(kind: number, d: number, n: number, k: number, cin: number, carry: number, fm: number): Op {
  switch (kind) {
    case Kind.AND:
      return (cpu) => {
        const r = cpu.r;
        const v = r[n] & k;
        r[d] = v;
        if (flagsNow(cpu, fm)) setNZC(cpu, v, carry);
      };
    case Kind.ORR:
      return (cpu) => {
        const r = cpu.r;
        const v = r[n] | k;
        r[d] = v;
        if (flagsNow(cpu, fm)) setNZC(cpu, v, carry);
      };
    case Kind.EOR:
      return (cpu) => {
        const r = cpu.r;
        const v = r[n] ^ k;
        r[d] = v;
        if (flagsNow(cpu, fm)) setNZC(cpu, v, carry);
      };
    case Kind.MOV:
      return (cpu) => {
        cpu.r[d] = k;
        if (flagsNow(cpu, fm)) setNZC(cpu, k, carry);
      };
    case Kind.ADD:
      return (cpu) => {
        const r = cpu.r;
        r[d] = flagsNow(cpu, fm) ? addSetFlags(cpu, r[n], k, cin) : r[n] + k + cin;
      };
    case Kind.ADC:
      return (cpu) => {
        const r = cpu.r;
        r[d] = flagsNow(cpu, fm) ? addSetFlags(cpu, r[n], k, cpu.c) : r[n] + k + cpu.c;
      };
    default:
      return (cpu) => {
        const r = cpu.r;
        r[d] = flagsNow(cpu, fm) ? addSetFlags(cpu, ~r[n], k, 1) : k - r[n];
      };
  }
}

/** TST, TEQ, CMP, CMN with an immediate: flags only, always. */
function immediateTest(kind: number, n: number, k: number, cin: number, carry: number): Op {
  switch (kind) {
    case Kind.AND:
      return (cpu) => setNZC(cpu, cpu.r[n] & k, carry);
    case Kind.EOR:
      return (cpu) => setNZC(cpu, cpu.r[n] ^ k, carry);
    default:
      return (cpu) => {
        addSetFlags(cpu, cpu.r[n], k, cin);
      };
  }
}

// ---- Register operand, no shift ---------------------------------------------------------------

function register(kind: number, d: number, n: number, m: number, inv: number, cin: number): Op {
  switch (kind) {
    case Kind.AND:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] & (r[m] ^ inv);
      };
    case Kind.ORR:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] | (r[m] ^ inv);
      };
    case Kind.EOR:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] ^ r[m];
      };
    case Kind.MOV:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[m] ^ inv;
      };
    case Kind.ADD:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] + (r[m] ^ inv) + cin;
      };
    case Kind.ADC:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[n] + (r[m] ^ inv) + cpu.c;
      };
    default:
      return (cpu) => {
        const r = cpu.r;
        r[d] = r[m] - r[n];
      };
  }
}

function registerFlags(kind: number, d: number, n: number, m: number, inv: number, cin: number, fm: number): Op {
  switch (kind) {
    case Kind.AND:
      return (cpu) => {
        const r = cpu.r;
        const v = r[n] & (r[m] ^ inv);
        r[d] = v;
        if (flagsNow(cpu, fm)) setNZ(cpu, v);
      };
    case Kind.ORR:
      return (cpu) => {
        const r = cpu.r;
        const v = r[n] | (r[m] ^ inv);
        r[d] = v;
        if (flagsNow(cpu, fm)) setNZ(cpu, v);
      };
    case Kind.EOR:
      return (cpu) => {
        const r = cpu.r;
        const v = r[n] ^ r[m];
        r[d] = v;
        if (flagsNow(cpu, fm)) setNZ(cpu, v);
      };
    case Kind.MOV:
      return (cpu) => {
        const r = cpu.r;
        const v = r[m] ^ inv;
        r[d] = v;
        if (flagsNow(cpu, fm)) setNZ(cpu, v);
      };
    case Kind.ADD:
      return (cpu) => {
        const r = cpu.r;
        const y = r[m] ^ inv;
        r[d] = flagsNow(cpu, fm) ? addSetFlags(cpu, r[n], y, cin) : r[n] + y + cin;
      };
    case Kind.ADC:
      return (cpu) => {
        const r = cpu.r;
        const y = r[m] ^ inv;
        r[d] = flagsNow(cpu, fm) ? addSetFlags(cpu, r[n], y, cpu.c) : r[n] + y + cpu.c;
      };
    default:
      return (cpu) => {
        const r = cpu.r;
        r[d] = flagsNow(cpu, fm) ? addSetFlags(cpu, ~r[n], r[m], 1) : r[m] - r[n];
      };
  }
}

/** TST, TEQ, CMP, CMN with a register: flags only (C unchanged for TST/TEQ without shift). */
function registerTest(kind: number, n: number, m: number, inv: number, cin: number): Op {
  switch (kind) {
    case Kind.AND:
      return (cpu) => setNZ(cpu, cpu.r[n] & cpu.r[m]);
    case Kind.EOR:
      return (cpu) => setNZ(cpu, cpu.r[n] ^ cpu.r[m]);
    default:
      return (cpu) => {
        addSetFlags(cpu, cpu.r[n], cpu.r[m] ^ inv, cin);
      };
  }
}

// ---- Shifted register (32-bit encodings) -------------------------------------------------------

function shifted(s: Shape, d: number, n: number, m: number, type: number, amount: number, fm: number): Op {
  const { kind, inv, cin } = s;
  // LSL/LSR/ASR by an immediate below 32, the usual forms in compiled code, get the shift inline.
  if (amount < 32 && type <= SRType.ASR) {
    if (fm < 0) {
      const plain = shiftedPlain(kind, d, n, m, type, amount, inv, cin);
      if (plain !== undefined) return plain;
    } else if (d < 0 && kind === Kind.ADD) {
      return shiftedCompare(n, m, type, amount, inv, cin);
    }
  }
  if (fm < 0) {
    return (cpu) => {
      const r = cpu.r;
      r[d] = compute(cpu, kind, r[n], shift(r[m], type, amount, cpu.c) ^ inv, cin);
    };
  }
  if (s.logical) {
    return (cpu) => {
      const r = cpu.r;
      const y = shiftC(r[m], type, amount, cpu.c) ^ inv;
      const v = compute(cpu, kind, r[n], y, cin);
      if (d >= 0) r[d] = v;
      if (flagsNow(cpu, fm)) setNZC(cpu, v, ALU_OUT.carry);
    };
  }
  return (cpu) => {
    const r = cpu.r;
    const y = shift(r[m], type, amount, cpu.c) ^ inv;
    const v = flagsNow(cpu, fm) ? computeSetFlags(cpu, kind, r[n], y, cin) : compute(cpu, kind, r[n], y, cin);
    if (d >= 0) r[d] = v;
  };
}

/** AND/BIC, ORR/ORN, EOR, ADD/SUB Rd, Rn, Rm, LSL/LSR/ASR #s without flags (s < 32). */
function shiftedPlain(kind: number, d: number, n: number, m: number, type: number, s: number, inv: number, cin: number): Op | undefined {
  switch (type) {
    case SRType.LSL:
      switch (kind) {
        case Kind.AND: return (cpu) => { const r = cpu.r; r[d] = r[n] & ((r[m] << s) ^ inv); };
        case Kind.ORR: return (cpu) => { const r = cpu.r; r[d] = r[n] | ((r[m] << s) ^ inv); };
        case Kind.EOR: return (cpu) => { const r = cpu.r; r[d] = r[n] ^ (r[m] << s); };
        case Kind.ADD: return (cpu) => { const r = cpu.r; r[d] = r[n] + ((r[m] << s) ^ inv) + cin; };
      }
      return undefined;
    case SRType.LSR:
      switch (kind) {
        case Kind.AND: return (cpu) => { const r = cpu.r; r[d] = r[n] & ((r[m] >>> s) ^ inv); };
        case Kind.ORR: return (cpu) => { const r = cpu.r; r[d] = r[n] | ((r[m] >>> s) ^ inv); };
        case Kind.EOR: return (cpu) => { const r = cpu.r; r[d] = r[n] ^ (r[m] >>> s); };
        case Kind.ADD: return (cpu) => { const r = cpu.r; r[d] = r[n] + ((r[m] >>> s) ^ inv) + cin; };
      }
      return undefined;
    default:
      switch (kind) {
        case Kind.AND: return (cpu) => { const r = cpu.r; r[d] = r[n] & ((r[m] >> s) ^ inv); };
        case Kind.ORR: return (cpu) => { const r = cpu.r; r[d] = r[n] | ((r[m] >> s) ^ inv); };
        case Kind.EOR: return (cpu) => { const r = cpu.r; r[d] = r[n] ^ (r[m] >> s); };
        case Kind.ADD: return (cpu) => { const r = cpu.r; r[d] = r[n] + ((r[m] >> s) ^ inv) + cin; };
      }
      return undefined;
  }
}

/** CMP/CMN Rn, Rm, LSL/LSR/ASR #s (s < 32): flags only. */
function shiftedCompare(n: number, m: number, type: number, s: number, inv: number, cin: number): Op {
  switch (type) {
    case SRType.LSL: return (cpu) => { const r = cpu.r; addSetFlags(cpu, r[n], (r[m] << s) ^ inv, cin); };
    case SRType.LSR: return (cpu) => { const r = cpu.r; addSetFlags(cpu, r[n], (r[m] >>> s) ^ inv, cin); };
    default: return (cpu) => { const r = cpu.r; addSetFlags(cpu, r[n], (r[m] >> s) ^ inv, cin); };
  }
}

function compute(cpu: CortexM4, kind: number, x: number, y: number, cin: number): number {
  switch (kind) {
    case Kind.AND:
      return x & y;
    case Kind.ORR:
      return x | y;
    case Kind.EOR:
      return x ^ y;
    case Kind.MOV:
      return y;
    case Kind.ADD:
      return (x + y + cin) | 0;
    case Kind.ADC:
      return (x + y + cpu.c) | 0;
    default:
      return (y - x) | 0;
  }
}

function computeSetFlags(cpu: CortexM4, kind: number, x: number, y: number, cin: number): number {
  switch (kind) {
    case Kind.ADD:
      return addSetFlags(cpu, x, y, cin);
    case Kind.ADC:
      return addSetFlags(cpu, x, y, cpu.c);
    default:
      return addSetFlags(cpu, ~x, y, 1);
  }
}

// ---- Shifts -----------------------------------------------------------------------------------

/** LSL/LSR/ASR/ROR/RRX (immediate) = MOV Rd, Rm, <shift> #amount (amount ≥ 1, as decoded). */
export function shiftImmediate(type: number, d: number, m: number, amount: number, fm: number): Op {
  if (amount < 32) {
    const s = amount;
    switch (type) {
      case SRType.LSL:
        return fm < 0
          ? (cpu) => {
              const r = cpu.r;
              r[d] = r[m] << s;
            }
          : (cpu) => {
              const r = cpu.r;
              const x = r[m];
              const v = x << s;
              r[d] = v;
              if (flagsNow(cpu, fm)) setNZC(cpu, v, (x >>> (32 - s)) & 1);
            };
      case SRType.LSR:
        return fm < 0
          ? (cpu) => {
              const r = cpu.r;
              r[d] = r[m] >>> s;
            }
          : (cpu) => {
              const r = cpu.r;
              const x = r[m];
              const v = (x >>> s) | 0;
              r[d] = v;
              if (flagsNow(cpu, fm)) setNZC(cpu, v, (x >>> (s - 1)) & 1);
            };
      case SRType.ASR:
        return fm < 0
          ? (cpu) => {
              const r = cpu.r;
              r[d] = r[m] >> s;
            }
          : (cpu) => {
              const r = cpu.r;
              const x = r[m];
              const v = x >> s;
              r[d] = v;
              if (flagsNow(cpu, fm)) setNZC(cpu, v, (x >> (s - 1)) & 1);
            };
    }
  }
  // LSR/ASR #32, ROR, RRX.
  return fm < 0
    ? (cpu) => {
        const r = cpu.r;
        r[d] = shift(r[m], type, amount, cpu.c);
      }
    : (cpu) => {
        const r = cpu.r;
        const v = shiftC(r[m], type, amount, cpu.c);
        r[d] = v;
        if (flagsNow(cpu, fm)) setNZC(cpu, v, ALU_OUT.carry);
      };
}

/** LSL/LSR/ASR/ROR (register): Rd = Rn shifted by Rm<7:0> (A7.7.x (register) forms). */
export function shiftRegister(type: number, d: number, n: number, m: number, fm: number): Op {
  const op: Op =
    fm < 0
      ? (cpu) => {
          const r = cpu.r;
          r[d] = shift(r[n], type, r[m] & 0xff, cpu.c);
        }
      : (cpu) => {
          const r = cpu.r;
          const v = shiftC(r[n], type, r[m] & 0xff, cpu.c);
          r[d] = v;
          if (flagsNow(cpu, fm)) setNZC(cpu, v, ALU_OUT.carry);
        };
  return withRegisterRules(op, d, n, m);
}

/** ADD/SUB SP, SP, #imm (16-bit): the immediate is a multiple of 4, so SP stays aligned. */
export function adjustSp(delta: number): Op {
  return (cpu) => {
    cpu.r[13] += delta;
  };
}

// ---- Extends (A7.7.181–184, A7.7.213–216) ------------------------------------------------------

export type ExtendOp = 'SXTB' | 'SXTH' | 'UXTB' | 'UXTH';

/** SXTB/SXTH/UXTB/UXTH Rd, Rm, ROR #rotation, or with n ≥ 0 the accumulating SXTAB/SXTAH/UXTAB/UXTAH. */
export function extend(op: ExtendOp, d: number, n: number, m: number, rotation: number): Op {
  const s = rotation;
  const t = (32 - rotation) & 31;
  let built: Op;
  switch (op) {
    case 'SXTB':
      built = (cpu) => {
        const r = cpu.r;
        const x = (r[m] >>> s) | (r[m] << t);
        r[d] = ((x << 24) >> 24) + (n < 0 ? 0 : r[n]);
      };
      break;
    case 'SXTH':
      built = (cpu) => {
        const r = cpu.r;
        const x = (r[m] >>> s) | (r[m] << t);
        r[d] = ((x << 16) >> 16) + (n < 0 ? 0 : r[n]);
      };
      break;
    case 'UXTB':
      built = (cpu) => {
        const r = cpu.r;
        const x = (r[m] >>> s) | (r[m] << t);
        r[d] = (x & 0xff) + (n < 0 ? 0 : r[n]);
      };
      break;
    default:
      built = (cpu) => {
        const r = cpu.r;
        const x = (r[m] >>> s) | (r[m] << t);
        r[d] = (x & 0xffff) + (n < 0 ? 0 : r[n]);
      };
  }
  return withRegisterRules(built, d, n, m);
}

// ---- Bitfields (A7.7.13, A7.7.14, A7.7.122, A7.7.198) ------------------------------------------

/** SBFX/UBFX Rd, Rn, #lsb, #width. */
export function bitfieldExtract(signed: boolean, d: number, n: number, lsb: number, width: number): Op {
  const up = 32 - lsb - width;
  const down = 32 - width;
  return signed
    ? (cpu) => {
        const r = cpu.r;
        r[d] = (r[n] << up) >> down;
      }
    : (cpu) => {
        const r = cpu.r;
        r[d] = (r[n] << up) >>> down;
      };
}

/** BFI Rd, Rn, #lsb, #width; with n < 0, BFC Rd, #lsb, #width. */
export function bitfieldInsert(d: number, n: number, lsb: number, width: number): Op {
  const mask = width === 32 ? -1 : ((1 << width) - 1) << lsb;
  if (n < 0) {
    return (cpu) => {
      cpu.r[d] &= ~mask;
    };
  }
  return (cpu) => {
    const r = cpu.r;
    r[d] = (r[d] & ~mask) | ((r[n] << lsb) & mask);
  };
}

// ---- Byte reversal, bit reversal, leading zeros (A7.7.111–113, A7.7.24, A7.7.112) -------------

export type ReverseOp = 'REV' | 'REV16' | 'REVSH' | 'RBIT' | 'CLZ';

export function reverse(op: ReverseOp, d: number, m: number): Op {
  switch (op) {
    case 'REV':
      return (cpu) => {
        const r = cpu.r;
        const x = r[m];
        r[d] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
      };
    case 'REV16':
      return (cpu) => {
        const r = cpu.r;
        const x = r[m];
        r[d] = ((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff);
      };
    case 'REVSH':
      return (cpu) => {
        const r = cpu.r;
        const x = r[m];
        r[d] = (((x & 0xff) << 24) >> 16) | ((x >>> 8) & 0xff);
      };
    case 'RBIT':
      return (cpu) => {
        const r = cpu.r;
        r[d] = reverseBits(r[m]);
      };
    default:
      return (cpu) => {
        const r = cpu.r;
        r[d] = Math.clz32(r[m]);
      };
  }
}

function reverseBits(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return (x >>> 16) | (x << 16);
}

// ---- Wide moves and PC-relative addresses (A7.7.75, A7.7.78, A7.7.7) ---------------------------

/** MOVW Rd, #imm16 (MOV (immediate) T3). */
export function moveWide(d: number, imm16: number): Op {
  return (cpu) => {
    cpu.r[d] = imm16;
  };
}

/** MOVT Rd, #imm16: writes the top halfword, keeps the bottom one. */
export function moveTop(d: number, imm16: number): Op {
  const top = imm16 << 16;
  return (cpu) => {
    const r = cpu.r;
    r[d] = (r[d] & 0xffff) | top;
  };
}

/** ADR Rd, label: Rd = Align(PC, 4) ± offset. */
export function addressOf(d: number, offset: number): Op {
  return (cpu) => {
    cpu.r[d] = ((cpu.pc + 4) & ~3) + offset;
  };
}

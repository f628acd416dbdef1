/**
 * What an instruction may do besides computing, read from its encoding (ARM ARM DDI 0403E A5.1
 * "Thumb instruction set encoding", A5.2 16-bit and A5.3 32-bit encoding groups). The block
 * translator (core/block.ts) uses it to know where a straight-line run of instructions must end and
 * after which instructions the run loop's conditions (alarms due, interrupts pended, code rewritten)
 * may have changed.
 *
 * The classes, from most to least restricted:
 *
 * - REGISTERS: reads and writes core registers and APSR flags only. No bus access, no special
 *   register, no write to the PC or ITSTATE, nothing that can call `cpu.attention()`; it costs at most
 *   `REGISTERS_MAX_CYCLES` cycles. It may still fault (UNDEFINED, divide by zero), which unwinds.
 * - FP: an FPv4-SP instruction on registers only (data processing, VMOV, VMRS, VMSR): like
 *   REGISTERS, except that its ExecuteFPCheck may first preserve a lazily stacked FP context to memory
 *   (FPCCR.LSPACT). That clears LSPACT, which only an exception entry or a store to FPCCR sets again,
 *   so a block treats the first FP instruction after its start or after a MEMORY instruction as MEMORY.
 * - MEMORY: may also access the bus (a peripheral's handler may run, read the time, pend an
 *   interrupt, rewrite code) and the FP/exception state, but never writes the PC or ITSTATE.
 * - BRANCH: a direct branch (B, B<cond>, CBZ, CBNZ, BL): writes the PC (a target known from the
 *   encoding, see `directBranch`), LR for BL, and adds its refill cycles, nothing else. A block goes
 *   on past a conditional one (and leaves when it is taken), or loops through one to its own start.
 * - CONTROL: anything else (indirect branches, loads to the PC, IT, SVC, BKPT, WFI, MSR, CPS,
 *   hints...), and every encoding this table does not know. A block ends after it (except IT, whose
 *   effect the translator knows: it makes the next instructions conditional).
 *
 * The table is a whitelist: an encoding only gets a stronger class when its whole group is known to
 * qualify. A mistake towards CONTROL costs speed, never correctness.
 */

export const FlowClass = { REGISTERS: 0, FP: 1, MEMORY: 2, BRANCH: 3, CONTROL: 4 } as const;
export type FlowClass = (typeof FlowClass)[keyof typeof FlowClass];

/**
 * Upper bound of the cycles of a REGISTERS, FP or BRANCH instruction: 1, plus at most 12 for
 * SDIV/UDIV, 1 for the long multiplies, 2 for a taken branch (execute/cycles.ts), 13 for VDIV/VSQRT
 * (execute/fpu.ts), with room to spare.
 */
export const REGISTERS_MAX_CYCLES = 16;

const { REGISTERS, FP, MEMORY, BRANCH, CONTROL } = FlowClass;

/** The class of a 16-bit instruction (A5.2). */
export function flowClass16(hw: number): FlowClass {
  const top = hw >>> 12;
  if (top <= 3) return REGISTERS; // shift (immediate), add, subtract, move, compare (A5.2.1)
  if (top === 4) {
    if ((hw & 0x0c00) === 0x0000) return REGISTERS; // data processing (A5.2.2), MUL included
    if ((hw & 0x0800) === 0x0800) return MEMORY; // LDR (literal)
    // Special data instructions and branch and exchange (A5.2.3).
    const op = (hw >> 8) & 3;
    if (op === 3) return CONTROL; // BX, BLX
    if (op === 1) return REGISTERS; // CMP (register) T2
    const d = ((hw >> 4) & 8) | (hw & 7);
    return d === 15 ? CONTROL : REGISTERS; // ADD/MOV (register) with the PC as destination branch
  }
  if (top <= 9) return MEMORY; // load/store single data item (A5.2.4), Rt is R0–R7
  if (top === 10) return REGISTERS; // ADR, ADD (SP plus immediate)
  if (top === 11) return misc16(hw);
  if (top === 12) return MEMORY; // STM, LDM (R0–R7 only)
  if (top === 13) return ((hw >> 9) & 7) === 7 ? CONTROL : BRANCH; // B<cond> T1; cond 111x: UDF, SVC
  return (hw & 0xf800) === 0xe000 ? BRANCH : CONTROL; // B T2
}

/** Miscellaneous 16-bit instructions (A5.2.5). */
function misc16(hw: number): FlowClass {
  switch ((hw >> 8) & 0xf) {
    case 0x0: // ADD/SUB SP, SP, #imm
    case 0x2: // SXTH, SXTB, UXTH, UXTB
    case 0xa: // REV, REV16, REVSH
      return REGISTERS;
    case 0x4:
    case 0x5: // PUSH
      return MEMORY;
    case 0xc:
    case 0xd: // POP: to the PC it is a branch
      return (hw & 0x100) !== 0 ? CONTROL : MEMORY;
    case 0xf: // IT and hints: NOP and YIELD do nothing
      return hw === 0xbf00 || hw === 0xbf10 ? REGISTERS : CONTROL;
    case 0x1:
    case 0x3:
    case 0x9:
    case 0xb: // CBZ, CBNZ
      return BRANCH;
    default: // CPS, BKPT, unallocated
      return CONTROL;
  }
}

/** The class of a 32-bit instruction (A5.3): first halfword `hw1`, second `hw2`. */
export function flowClass32(hw1: number, hw2: number): FlowClass {
  const op1 = (hw1 >> 11) & 3;
  const op2 = (hw1 >> 4) & 0x7f;
  const rd = (hw2 >> 8) & 0xf;
  const rt = hw2 >>> 12;
  if (op1 === 1) {
    if ((op2 & 0x64) === 0x00) {
      // Load/store multiple (A5.3.5): a load with the PC in its list branches.
      return (hw1 & 0x10) !== 0 && (hw2 & 0x8000) !== 0 ? CONTROL : MEMORY;
    }
    if ((op2 & 0x64) === 0x04) {
      // Load/store dual or exclusive, table branch (A5.3.6).
      // TBB/TBH share hw1 with LDREXB/LDREXH (op3 = hw2[7:4] tells them apart, hw2[15:8] are "should be"): all CONTROL.
      if ((hw1 & 0xfff0) === 0xe8d0) return CONTROL;
      if ((hw1 & 0x10) !== 0 && (rt === 15 || rd === 15)) return CONTROL;
      return MEMORY;
    }
    if ((op2 & 0x60) === 0x20) return rd === 15 && !isCompare(hw1) ? CONTROL : REGISTERS; // data processing (shifted register)
    return coprocessor(hw1, hw2);
  }
  if (op1 === 2) {
    if ((hw2 & 0x8000) !== 0) return isB32(hw1, hw2) ? BRANCH : CONTROL; // branches and miscellaneous control (A5.3.4)
    return rd === 15 && !isCompare(hw1) ? CONTROL : REGISTERS; // data processing (modified / plain binary immediate)
  }
  if (op1 === 3) {
    if ((op2 & 0x71) === 0x00) return MEMORY; // store single data item (A5.3.10)
    if ((op2 & 0x61) === 0x01) return rt === 15 ? CONTROL : MEMORY; // loads and memory hints (A5.3.7–9)
    if ((op2 & 0x70) === 0x20) return rd === 15 ? CONTROL : REGISTERS; // data processing (register)
    if ((op2 & 0x78) === 0x30) return rd === 15 ? CONTROL : REGISTERS; // multiply, multiply accumulate
    if ((op2 & 0x78) === 0x38) {
      // Long multiply (RdLo = hw2[15:12], RdHi = hw2[11:8]) and divide (hw2[15:12] = 1111, Rd = hw2[11:8]).
      const divide = (op2 & 5) === 1;
      return rd === 15 || (rt === 15 && !divide) ? CONTROL : REGISTERS;
    }
    if ((op2 & 0x40) !== 0) return coprocessor(hw1, hw2);
  }
  return CONTROL;
}

/**
 * Coprocessor space (A5.3.18): in CP10/CP11 (hw2[11:9] = 101) the FP data processing and register
 * transfers (hw1 = 1110 1110 ...: A6.4, A6.6) and VMOV of two core registers (1110 1100 010x: A6.7)
 * are FP; extension register loads and stores, and anything else, MEMORY.
 */
function coprocessor(hw1: number, hw2: number): FlowClass {
  if ((hw2 & 0x0e00) !== 0x0a00) return MEMORY;
  return (hw1 & 0xff00) === 0xee00 || (hw1 & 0xffe0) === 0xec40 ? FP : MEMORY;
}

/**
 * TST, TEQ, CMN, CMP of the 32-bit data-processing groups (A5.3.1, A5.3.11): op = hw1[8:5] with S = 1;
 * they are the only ones whose Rd field is 1111 (they write no register).
 */
function isCompare(hw1: number): boolean {
  const op = (hw1 >> 5) & 0xf;
  return (hw1 & 0x10) !== 0 && (op === 0b0000 || op === 0b0100 || op === 0b1000 || op === 0b1101);
}

/** B T3 (conditional, cond not 111x), B T4 or BL (A5.3.4: op1 = hw2[14:12] = 0x0, 0x1, 1x1). */
function isB32(hw1: number, hw2: number): boolean {
  if ((hw2 & 0x1000) !== 0) return true; // B T4 (op1 = 0x1), BL (op1 = 1x1)
  return (hw2 & 0xd000) === 0x8000 && ((hw1 >> 7) & 7) !== 7; // B T3
}

/** The class of the instruction whose halfwords are `hw1`, `hw2` (`is32`: a 32-bit encoding). */
export function flowClass(hw1: number, hw2: number, is32: boolean): FlowClass {
  return is32 ? flowClass32(hw1, hw2) : flowClass16(hw1);
}

/** Where a BRANCH instruction goes when taken, relative to its own address, and whether it is conditional. */
export interface DirectBranch {
  readonly offset: number;
  readonly conditional: boolean;
}

/**
 * The target of a direct branch (A7.7.12 B, A7.7.18 BL, A7.7.21 CBNZ/CBZ): the immediate plus 4 (the
 * PC it reads), or null when the instruction is not a BRANCH.
 */
export function directBranch(hw1: number, hw2: number, is32: boolean): DirectBranch | null {
  if (flowClass(hw1, hw2, is32) !== BRANCH) return null;
  if (is32) {
    const s = (hw1 >> 10) & 1;
    const j1 = (hw2 >> 13) & 1;
    const j2 = (hw2 >> 11) & 1;
    if ((hw2 & 0x1000) === 0) {
      // T3: SignExtend(S:J2:J1:imm6:imm11:'0')
      const imm = (s << 20) | (j2 << 19) | (j1 << 18) | ((hw1 & 0x3f) << 12) | ((hw2 & 0x7ff) << 1);
      return { offset: ((imm << 11) >> 11) + 4, conditional: true };
    }
    // B T4 and BL: I1 = NOT(J1 EOR S), I2 = NOT(J2 EOR S); SignExtend(S:I1:I2:imm10:imm11:'0')
    const i1 = (j1 ^ s) ^ 1;
    const i2 = (j2 ^ s) ^ 1;
    const imm = (s << 24) | (i1 << 23) | (i2 << 22) | ((hw1 & 0x3ff) << 12) | ((hw2 & 0x7ff) << 1);
    return { offset: ((imm << 7) >> 7) + 4, conditional: false };
  }
  if ((hw1 & 0xf000) === 0xd000) return { offset: (((hw1 & 0xff) << 24) >> 23) + 4, conditional: true }; // B T1
  if ((hw1 & 0xf800) === 0xe000) return { offset: (((hw1 & 0x7ff) << 21) >> 20) + 4, conditional: false }; // B T2
  return { offset: ((((hw1 >> 9) & 1) << 6) | (((hw1 >> 3) & 0x1f) << 1)) + 4, conditional: true }; // CBZ, CBNZ
}

/**
 * The arithmetic and shifter primitives of the ARMv7-M pseudocode (ARM ARM DDI 0403E, A2.2.1
 * "Integer arithmetic" and A7.4.2 "Shifts applied to a register"): AddWithCarry, Shift/Shift_C with
 * LSL/LSR/ASR/ROR/RRX, DecodeImmShift (A7.4.2), ThumbExpandImm_C (A5.3.2), and the APSR flag helpers.
 * Shared by every executor (integer, DSP).
 *
 * Values are int32 (`| 0` form). A function with two results returns the value and leaves the carry
 * (and overflow) in `ALU_OUT`, one preallocated object: nothing is allocated per call.
 */
import type { CortexM4 } from '../cpu.js';

/** SRType (A7.4.2). RRX is ROR by 0 in the encodings, decoded to its own type. */
export const SRType = { LSL: 0, LSR: 1, ASR: 2, ROR: 3, RRX: 4 } as const;

/** Second results of addWithCarry / shiftC / thumbExpandImmC. */
export const ALU_OUT = { carry: 0, overflow: 0 };

/**
 * When a flag-setting op updates the APSR, as a mask tested against `cpu.itInstruction`:
 * ALWAYS for 32-bit S forms and compares; OUTSIDE_IT for the 16-bit forms whose pseudocode has
 * `setflags = !InITBlock()`; NEVER for forms that do not set flags.
 */
export const SetFlags = { NEVER: -1, ALWAYS: 0, OUTSIDE_IT: 0xff } as const;

/** True when an op built with flag mode `fm` updates the flags now (fm ≥ 0 and, for OUTSIDE_IT, no IT block). */
export function flagsNow(cpu: CortexM4, fm: number): boolean {
  return (cpu.itInstruction & fm) === 0;
}

/** AddWithCarry(x, y, carry_in) (A2.2.1): returns the sum; ALU_OUT gets carry_out and overflow. */
export function addWithCarry(x: number, y: number, carryIn: number): number {
  const unsigned = (x >>> 0) + (y >>> 0) + carryIn;
  const result = unsigned | 0;
  ALU_OUT.carry = unsigned > 0xffff_ffff ? 1 : 0;
  ALU_OUT.overflow = ((x ^ result) & (y ^ result)) >>> 31;
  return result;
}

/** AddWithCarry that writes N, Z, C and V to the APSR (the S forms of ADD/ADC/SUB/SBC/RSB, CMP, CMN). */
export function addSetFlags(cpu: CortexM4, x: number, y: number, carryIn: number): number {
  const unsigned = (x >>> 0) + (y >>> 0) + carryIn;
  const result = unsigned | 0;
  cpu.n = result >>> 31;
  cpu.z = result === 0 ? 1 : 0;
  cpu.c = unsigned > 0xffff_ffff ? 1 : 0;
  cpu.v = ((x ^ result) & (y ^ result)) >>> 31;
  return result;
}

/** APSR.N = result<31>, APSR.Z = IsZeroBit(result). */
export function setNZ(cpu: CortexM4, result: number): void {
  cpu.n = result >>> 31;
  cpu.z = result === 0 ? 1 : 0;
}

/** N, Z and (when `carry` ≥ 0) C of a logical op; carry < 0 leaves C unchanged. */
export function setNZC(cpu: CortexM4, result: number, carry: number): void {
  cpu.n = result >>> 31;
  cpu.z = result === 0 ? 1 : 0;
  if (carry >= 0) cpu.c = carry;
}

/**
 * Shift(value, type, amount, carry_in) (A7.4.2) for any amount 0..255 (register-controlled shifts
 * use Rm<7:0>): LSL/LSR by ≥ 32 give 0, ASR by ≥ 32 gives the sign, ROR rotates by amount MOD 32,
 * RRX shifts carry_in into bit 31. An amount of 0 returns the value.
 */
export function shift(value: number, type: number, amount: number, carryIn: number): number {
  switch (type) {
    case SRType.LSL:
      return amount >= 32 ? 0 : value << amount;
    case SRType.LSR:
      return amount >= 32 ? 0 : (value >>> amount) | 0;
    case SRType.ASR:
      return value >> (amount >= 32 ? 31 : amount);
    case SRType.ROR: {
      const s = amount & 31;
      return s === 0 ? value : (value >>> s) | (value << (32 - s));
    }
    default:
      return (carryIn << 31) | (value >>> 1);
  }
}

/** Shift_C (A7.4.2): the shifted value; ALU_OUT.carry gets the shifter carry out (carry_in when amount = 0). */
export function shiftC(value: number, type: number, amount: number, carryIn: number): number {
  if (amount === 0 && type !== SRType.RRX) {
    ALU_OUT.carry = carryIn;
    return value;
  }
  switch (type) {
    case SRType.LSL:
      ALU_OUT.carry = amount > 32 ? 0 : (value >>> (32 - amount)) & 1;
      return amount >= 32 ? 0 : value << amount;
    case SRType.LSR:
      ALU_OUT.carry = amount > 32 ? 0 : (value >>> (amount - 1)) & 1;
      return amount >= 32 ? 0 : (value >>> amount) | 0;
    case SRType.ASR:
      ALU_OUT.carry = (value >> (amount > 32 ? 31 : amount - 1)) & 1;
      return value >> (amount >= 32 ? 31 : amount);
    case SRType.ROR: {
      const s = amount & 31;
      const result = s === 0 ? value : (value >>> s) | (value << (32 - s));
      ALU_OUT.carry = result >>> 31;
      return result;
    }
    default:
      ALU_OUT.carry = value & 1;
      return (carryIn << 31) | (value >>> 1);
  }
}

/** DecodeImmShift(type, imm5) (A7.4.2): LSR/ASR #0 mean 32, ROR #0 means RRX. */
export function decodeImmShift(type: number, imm5: number): { type: number; amount: number } {
  switch (type) {
    case 0:
      return { type: SRType.LSL, amount: imm5 };
    case 1:
      return { type: SRType.LSR, amount: imm5 === 0 ? 32 : imm5 };
    case 2:
      return { type: SRType.ASR, amount: imm5 === 0 ? 32 : imm5 };
    default:
      return imm5 === 0 ? { type: SRType.RRX, amount: 1 } : { type: SRType.ROR, amount: imm5 };
  }
}

/**
 * ThumbExpandImm_C(imm12, carry_in) (A5.3.2) at decode time: the constant, and the carry out as 0/1,
 * or -1 when it is carry_in (the replicated forms leave C unchanged). Returns undefined for the
 * UNPREDICTABLE replicated forms with imm8 = 0.
 */
export function thumbExpandImmC(imm12: number): { value: number; carry: number } | undefined {
  const imm8 = imm12 & 0xff;
  if ((imm12 & 0xc00) === 0) {
    switch ((imm12 >> 8) & 3) {
      case 0:
        return { value: imm8, carry: -1 };
      case 1:
        return imm8 === 0 ? undefined : { value: (imm8 << 16) | imm8, carry: -1 };
      case 2:
        return imm8 === 0 ? undefined : { value: (imm8 << 24) | (imm8 << 8), carry: -1 };
      default:
        return imm8 === 0 ? undefined : { value: (imm8 << 24) | (imm8 << 16) | (imm8 << 8) | imm8, carry: -1 };
    }
  }
  const unrotated = 0x80 | (imm12 & 0x7f);
  const value = shiftC(unrotated, SRType.ROR, imm12 >>> 7, 0);
  return { value, carry: ALU_OUT.carry };
}

/** ThumbExpandImm(imm12) (A5.3.2): the constant only. */
export function thumbExpandImm(imm12: number): number | undefined {
  return thumbExpandImmC(imm12)?.value;
}

/** SignExtend(value<bits-1:0>) to 32 bits. */
export function signExtend(value: number, bits: number): number {
  const s = 32 - bits;
  return (value << s) >> s;
}

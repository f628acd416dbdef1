/**
 * Integer multiply and divide (ARM ARM DDI 0403E A5.3.16, A5.3.17): MUL, MLA, MLS, SMULL, UMULL,
 * SMLAL, UMLAL, SDIV, UDIV. The DSP multiplies live in execute/dsp.ts.
 *
 * 64-bit products are computed in 16-bit halves (no BigInt, no allocation); `PRODUCT` holds the
 * two words of the last one.
 */
import type { Op } from '../cpu.js';
import { CFSR, fault } from '../faults.js';
import { flagsNow, setNZ } from './arith.js';
import { LONG_MULTIPLY_CYCLES, divideCycles } from './cycles.js';

/** The 64-bit result of umull64/smull64/add64: low and high words (int32). */
export const PRODUCT = { lo: 0, hi: 0 };

/** Unsigned 32×32 → 64 multiply into PRODUCT. */
export function umull64(a: number, b: number): void {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  PRODUCT.lo = Math.imul(a, b);
  PRODUCT.hi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** Signed 32×32 → 64 multiply into PRODUCT. */
export function smull64(a: number, b: number): void {
  umull64(a, b);
  // Two's complement correction of the high word: subtract b if a < 0 and a if b < 0.
  PRODUCT.hi = (PRODUCT.hi - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** PRODUCT += hi:lo (64-bit, wrapping). */
export function add64(lo: number, hi: number): void {
  const low = (PRODUCT.lo >>> 0) + (lo >>> 0);
  PRODUCT.lo = low | 0;
  PRODUCT.hi = (PRODUCT.hi + hi + (low > 0xffff_ffff ? 1 : 0)) | 0;
}

/** MUL Rd, Rn, Rm. `fm` (SetFlags) for MULS (16-bit T1): N and Z only. */
export function multiply(d: number, n: number, m: number, fm: number): Op {
  if (fm < 0) {
    return (cpu) => {
      const r = cpu.r;
      r[d] = Math.imul(r[n], r[m]);
    };
  }
  return (cpu) => {
    const r = cpu.r;
    const v = Math.imul(r[n], r[m]);
    r[d] = v;
    if (flagsNow(cpu, fm)) setNZ(cpu, v);
  };
}

/** MLA Rd, Rn, Rm, Ra (subtract = false) and MLS (Ra − Rn×Rm). */
export function multiplyAccumulate(d: number, n: number, m: number, a: number, subtract: boolean): Op {
  return subtract
    ? (cpu) => {
        const r = cpu.r;
        r[d] = r[a] - Math.imul(r[n], r[m]);
      }
    : (cpu) => {
        const r = cpu.r;
        r[d] = r[a] + Math.imul(r[n], r[m]);
      };
}

/** SMULL/UMULL RdLo, RdHi, Rn, Rm; with accumulate, SMLAL/UMLAL (RdHi:RdLo += Rn×Rm). */
export function multiplyLong(signed: boolean, accumulate: boolean, dLo: number, dHi: number, n: number, m: number): Op {
  const mul = signed ? smull64 : umull64;
  return (cpu) => {
    const r = cpu.r;
    mul(r[n], r[m]);
    if (accumulate) add64(r[dLo], r[dHi]);
    r[dLo] = PRODUCT.lo;
    r[dHi] = PRODUCT.hi;
    cpu.scheduler.cycles += LONG_MULTIPLY_CYCLES;
  };
}

/** CCR.DIV_0_TRP (PM0214 §4.4.7): divide by zero traps instead of giving 0. */
const DIV_0_TRP = 1 << 4;

/**
 * SDIV/UDIV Rd, Rn, Rm (A7.7.127, A7.7.195): rounds towards zero; 0x80000000 / -1 = 0x80000000;
 * division by zero gives 0, or a UsageFault DIVBYZERO when CCR.DIV_0_TRP is set.
 */
export function divide(signed: boolean, d: number, n: number, m: number): Op {
  if (signed) {
    return (cpu) => {
      const r = cpu.r;
      const x = r[n];
      const y = r[m];
      if (y === 0) {
        if ((cpu.exc.ccr & DIV_0_TRP) !== 0) fault(CFSR.DIVBYZERO);
        r[d] = 0;
      } else {
        r[d] = x / y;
      }
      cpu.scheduler.cycles += divideCycles(Math.abs(x), Math.abs(y));
    };
  }
  return (cpu) => {
    const r = cpu.r;
    const x = r[n] >>> 0;
    const y = r[m] >>> 0;
    if (y === 0) {
      if ((cpu.exc.ccr & DIV_0_TRP) !== 0) fault(CFSR.DIVBYZERO);
      r[d] = 0;
    } else {
      r[d] = x / y;
    }
    cpu.scheduler.cycles += divideCycles(x, y);
  };
}

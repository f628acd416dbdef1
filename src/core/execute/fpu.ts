/**
 * Executors of the FPv4-SP floating-point extension (ARMv7-M ARM, DDI 0403E: the encodings in A6,
 * each instruction's pseudocode on its V* page in A7.7; Cortex-M4 TRM §7 for the cycle counts). The
 * decoder (decode/fpu.ts) extracts register numbers once and calls the builders below, which return
 * closures.
 *
 * Registers: S0–S31 live in `cpu.s` (as floats) and `cpu.sw` (the same bits as words); D<k> is
 * S<2k+1>:S<2k>, so double-register transfers are pairs of word transfers starting at S<2k>.
 *
 * Every op begins with ExecuteFPCheck (`fpCheck`): UsageFault NOCP unless CPACR grants CP10/CP11
 * access, then the exception unit's lazy-stacking / new-FP-context hook when it has work to do.
 *
 * Arithmetic has two paths. The fast one runs when FPSCR holds the defaults (round to nearest, no FZ,
 * no DN): it computes with doubles and Math.fround, which is correctly rounded for +, −, ×, ÷ and √ of
 * singles (Figueroa, "When is double rounding innocuous?", 1995: 53 ≥ 2·24 + 2), checks exactness
 * with an exact test per operation to raise Inexact, and accepts only normal or exactly-zero
 * results. Everything else (NaNs, infinities, denormal or overflowing results, directed rounding,
 * FZ, DN) goes to the bit-exact pseudocode in fpu-softfloat.ts.
 */
import type { CortexM4, Op } from '../cpu.js';
import { CFSR, fault, undefinedInstruction } from '../faults.js';
import {
  FPSCR_DN,
  FPSCR_FZ,
  FPSCR_IXC,
  FPSCR_RMODE,
  FPSCR_WRITABLE,
  fixedToFp,
  fpAdd,
  fpCompare,
  fpDiv,
  fpMul,
  fpMulAdd,
  fpSqrt,
  fpSub,
  fpToFixed,
  halfToSingle,
  singleToHalf,
  takeFlags,
} from './fpu-softfloat.js';

/** FPSCR bits that send arithmetic to the exact path: DN, FZ, RMode ≠ nearest. */
const SLOW_MODES = FPSCR_DN | FPSCR_FZ | FPSCR_RMODE;
const SIGN = 1 << 31;

// Cortex-M4 TRM Table 7-1: cycles beyond the one the run loop counts.
const MAC_CYCLES = 2; // VMLA/VMLS/VNMLA/VNMLS/VFMA/VFMS/VFNMA/VFNMS: 3
const DIVIDE_CYCLES = 13; // VDIV, VSQRT: 14
const TRANSFER_CYCLES = 1; // VLDR/VSTR (+1 more for a D register), VMOV of two registers: 2

// ---- ExecuteFPCheck ------------------------------------------------------------------------------

/**
 * CheckVFPEnabled() (ARM ARM pseudocode; PM0214 §4.6.1 CPACR): CP10 and CP11 in CPACR[23:20] must each be 0b11 (full
 * access) or 0b01 (privileged access) with the core privileged; anything else is UsageFault NOCP.
 * (The manual makes CP10 ≠ CP11 UNPREDICTABLE: here both must allow the access.)
 */
function checkAccess(cpu: CortexM4): void {
  const cp = (cpu.exc.cpacr >>> 20) & 0xf;
  if (cp === 0xf) return;
  const cp10 = cp & 3;
  const cp11 = cp >> 2;
  if (cp10 === 0 || cp10 === 2 || cp11 === 0 || cp11 === 2 || !cpu.privileged) fault(CFSR.NOCP);
}

/**
 * ExecuteFPCheck() (ARM ARM pseudocode): access check, then lazy state preservation and FP context
 * creation. Inlined into every FP op: the usual case (full access, nothing pending) is one test.
 */
export function fpCheck(cpu: CortexM4): void {
  const exc = cpu.exc;
  if ((exc.cpacr & 0x00f0_0000) !== 0x00f0_0000 || exc.fpPending !== 0) fpCheckSlow(cpu);
}

function fpCheckSlow(cpu: CortexM4): void {
  checkAccess(cpu);
  const exc = cpu.exc;
  if (exc.fpPending !== 0) exc.preserveFpState();
}

/** An encoding in CP10/CP11 space that FPv4-SP does not have (double-precision arithmetic, ...). */
export const fpUndefined: Op = (cpu) => {
  checkAccess(cpu);
  undefinedInstruction();
};

/** Ends a slow-path op: the exceptions it raised accumulate in FPSCR. */
function raise(cpu: CortexM4): void {
  const f = takeFlags();
  if (f !== 0) cpu.fpscr |= f;
}

/**
 * A fast-path result `f` = fround(`r`) is usable when `r`, the unrounded value (exact, or the double
 * nearest to it), is at least the smallest normal (so no Underflow: tininess is detected before
 * rounding) and `f` is finite, or when `r` is an exact zero.
 */
function normalOrZero(f: number, r: number): boolean {
  // 1.1754943508222875e-38 is MIN_NORMAL, written out: a module constant costs a load and a TDZ check per use.
  return (Math.abs(r) >= 1.1754943508222875e-38 && Math.abs(f) < Infinity) || r === 0;
}

/** Scratch views of one double's bits (no allocation per instruction). */
const DOUBLE = new Float64Array(1);
const DOUBLE_WORDS = new Uint32Array(DOUBLE.buffer);
/** Index of the low word of a double in DOUBLE_WORDS (the host's byte order). */
const LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * Whether the double `r`, in the range of normal singles, lies exactly halfway between two singles:
 * its 29 significand bits below a single's last place are 1000…0.
 */
function isSingleMidpoint(r: number): boolean {
  DOUBLE[0] = r;
  return (DOUBLE_WORDS[LOW_WORD] & 0x1fff_ffff) === 0x1000_0000;
}

// ---- Data processing (A6 "Floating-point data-processing instructions") ----------------------

/** VADD.F32 Sd, Sn, Sm and VSUB.F32 (FPSub, whose NaN operands keep their sign). */
export function vadd(d: number, n: number, m: number, subtract: boolean): Op {
  return (cpu) => {
    fpCheck(cpu);
    const fpscr = cpu.fpscr;
    if ((fpscr & SLOW_MODES) === 0) {
      const s = cpu.s;
      const a = s[n];
      const b = subtract ? -s[m] : s[m];
      const r = a + b;
      const f = Math.fround(r);
      if (normalOrZero(f, r)) {
        s[d] = f;
        // Inexact is sticky: once set, the exactness test can be skipped.
        if ((fpscr & FPSCR_IXC) === 0 && (f !== r || r - a !== b || r - b !== a)) cpu.fpscr = fpscr | FPSCR_IXC;
        return;
      }
    }
    const sw = cpu.sw;
    sw[d] = subtract ? fpSub(sw[n], sw[m], cpu.fpscr) : fpAdd(sw[n], sw[m], cpu.fpscr);
    raise(cpu);
  };
}

/** VMUL.F32 Sd, Sn, Sm and VNMUL.F32 (the product negated, NaNs included). */
export function vmul(d: number, n: number, m: number, negate: boolean): Op {
  return (cpu) => {
    fpCheck(cpu);
    const fpscr = cpu.fpscr;
    if ((fpscr & SLOW_MODES) === 0) {
      const s = cpu.s;
      const r = s[n] * s[m]; // exact
      const f = Math.fround(r);
      if (normalOrZero(f, r)) {
        s[d] = negate ? -f : f;
        if (f !== r) cpu.fpscr = fpscr | FPSCR_IXC;
        return;
      }
    }
    const sw = cpu.sw;
    const p = fpMul(sw[n], sw[m], cpu.fpscr);
    sw[d] = negate ? p ^ SIGN : p;
    raise(cpu);
  };
}

/** VDIV.F32 Sd, Sn, Sm. */
export function vdiv(d: number, n: number, m: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    cpu.scheduler.cycles += DIVIDE_CYCLES;
    if ((cpu.fpscr & SLOW_MODES) === 0) {
      const s = cpu.s;
      const a = s[n];
      const b = s[m];
      const q = a / b;
      const f = Math.fround(q);
      if (normalOrZero(f, q)) {
        s[d] = f;
        if (q !== 0 && f * b !== a) cpu.fpscr |= FPSCR_IXC; // f·b is exact: the quotient was exact iff it gives a back
        return;
      }
    }
    const sw = cpu.sw;
    sw[d] = fpDiv(sw[n], sw[m], cpu.fpscr);
    raise(cpu);
  };
}

/** VSQRT.F32 Sd, Sm. */
export function vsqrt(d: number, m: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    cpu.scheduler.cycles += DIVIDE_CYCLES;
    if ((cpu.fpscr & SLOW_MODES) === 0) {
      const s = cpu.s;
      const a = s[m];
      const q = Math.sqrt(a);
      const f = Math.fround(q);
      if (normalOrZero(f, q)) {
        s[d] = f;
        if (f * f !== a) cpu.fpscr |= FPSCR_IXC;
        return;
      }
    }
    const sw = cpu.sw;
    sw[d] = fpSqrt(sw[m], cpu.fpscr);
    raise(cpu);
  };
}

/**
 * VMLA, VMLS, VNMLA, VNMLS: Sd = (±Sd) + (±(Sn·Sm)), the product rounded to
 * single first (the Cortex-M4's chained multiply-accumulate rounds twice).
 */
export function vmla(d: number, n: number, m: number, negateD: boolean, negateProduct: boolean): Op {
  return (cpu) => {
    fpCheck(cpu);
    cpu.scheduler.cycles += MAC_CYCLES;
    if ((cpu.fpscr & SLOW_MODES) === 0) {
      const s = cpu.s;
      const exact = s[n] * s[m];
      const p = Math.fround(exact);
      if (normalOrZero(p, exact)) {
        const a = negateD ? -s[d] : s[d];
        const b = negateProduct ? -p : p;
        const r = a + b;
        const f = Math.fround(r);
        if (normalOrZero(f, r)) {
          s[d] = f;
          if (p !== exact || f !== r || r - a !== b || r - b !== a) cpu.fpscr |= FPSCR_IXC;
          return;
        }
      }
    }
    const sw = cpu.sw;
    const fpscr = cpu.fpscr;
    const p = fpMul(sw[n], sw[m], fpscr);
    sw[d] = fpAdd(negateD ? sw[d] ^ SIGN : sw[d], negateProduct ? p ^ SIGN : p, fpscr);
    raise(cpu);
  };
}

/**
 * VFMA, VFMS, VFNMA, VFNMS: Sd = (±Sd) + (±Sn)·Sm rounded once (FPMulAdd).
 * Fast path only when the double sum is exact (its TwoSum error is zero); otherwise the exact path.
 */
export function vfma(d: number, n: number, m: number, negateD: boolean, negateN: boolean): Op {
  return (cpu) => {
    fpCheck(cpu);
    cpu.scheduler.cycles += MAC_CYCLES;
    const fpscr = cpu.fpscr;
    if ((fpscr & SLOW_MODES) === 0) {
      const s = cpu.s;
      const a = negateD ? -s[d] : s[d];
      const p = (negateN ? -s[n] : s[n]) * s[m]; // exact
      const r = a + p;
      const bb = r - a;
      const error = a - (r - bb) + (p - bb); // TwoSum: a + p = r + error exactly
      if (error === 0) {
        const f = Math.fround(r);
        if (normalOrZero(f, r)) {
          s[d] = f;
          if (f !== r) cpu.fpscr = fpscr | FPSCR_IXC;
          return;
        }
      } else if (Math.abs(r) > 1.1754943508222875e-38 && !isSingleMidpoint(r)) {
        // |error| is below half an ulp of the double r, so a + p rounds to the single r rounds to,
        // unless r lies exactly halfway between two singles (then the error's sign decides). The
        // result is inexact; |r| above the smallest normal keeps the exact sum normal too.
        const f = Math.fround(r);
        if (Math.abs(f) < Infinity) {
          s[d] = f;
          cpu.fpscr = fpscr | FPSCR_IXC;
          return;
        }
      }
    }
    const sw = cpu.sw;
    const addend = negateD ? sw[d] ^ SIGN : sw[d];
    sw[d] = fpMulAdd(addend, negateN ? sw[n] ^ SIGN : sw[n], sw[m], cpu.fpscr);
    raise(cpu);
  };
}

/** VABS.F32, VNEG.F32, VMOV.F32 Sd, Sm: sign-bit operations, no flags. */
export function vabs(d: number, m: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    cpu.sw[d] = cpu.sw[m] & ~SIGN;
  };
}

export function vneg(d: number, m: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    cpu.sw[d] = cpu.sw[m] ^ SIGN;
  };
}

export function vmovRegister(d: number, m: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    cpu.sw[d] = cpu.sw[m];
  };
}

/** VMOV.F32 Sd, #imm: `bits` is VFPExpandImm(imm8). */
export function vmovImmediate(d: number, bits: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    cpu.sw[d] = bits;
  };
}

/**
 * VCMP{E}.F32 Sd, Sm / Sd, #0.0: FPSCR.NZCV from FPCompare; `m` < 0 compares with +0.
 * VCMPE also raises Invalid Operation for quiet NaNs.
 */
export function vcmp(d: number, m: number, quietNanExc: boolean): Op {
  return (cpu) => {
    fpCheck(cpu);
    const fpscr = cpu.fpscr;
    let nzcv: number;
    const a = cpu.s[d];
    const b = m < 0 ? 0 : cpu.s[m];
    if ((fpscr & FPSCR_FZ) === 0 && a === a && b === b) {
      nzcv = a === b ? 0b0110 : a < b ? 0b1000 : 0b0010;
    } else {
      nzcv = fpCompare(cpu.sw[d], m < 0 ? 0 : cpu.sw[m], quietNanExc, fpscr);
      raise(cpu);
    }
    cpu.fpscr = (cpu.fpscr & 0x0fff_ffff) | (nzcv << 28);
  };
}

// ---- Conversions ---------------------------------------------------------------------------------

/**
 * VCVT{R}.S32.F32 / .U32.F32 Sd, Sm: towards zero (VCVT) or by FPSCR.RMode (VCVTR),
 * saturating with Invalid Operation; NaN gives 0.
 */
export function vcvtToInteger(d: number, m: number, unsigned: boolean, roundZero: boolean): Op {
  const low = unsigned ? -1 : -2147483649;
  const high = unsigned ? 4294967296 : 2147483648;
  return (cpu) => {
    fpCheck(cpu);
    const fpscr = cpu.fpscr;
    if (roundZero && (fpscr & FPSCR_FZ) === 0) {
      const v = cpu.s[m];
      if (v > low && v < high) {
        const r = Math.trunc(v);
        cpu.sw[d] = r; // ToInt32 wraps unsigned results above 2^31 into the same bits
        if (r !== v) cpu.fpscr = fpscr | FPSCR_IXC;
        return;
      }
    }
    cpu.sw[d] = fpToFixed(cpu.sw[m], 32, 0, unsigned, roundZero, fpscr);
    raise(cpu);
  };
}

/** VCVT.F32.S32 / .F32.U32 Sd, Sm: rounded by FPSCR.RMode. */
export function vcvtFromInteger(d: number, m: number, unsigned: boolean): Op {
  return (cpu) => {
    fpCheck(cpu);
    const fpscr = cpu.fpscr;
    if ((fpscr & FPSCR_RMODE) === 0) {
      const v = unsigned ? cpu.sw[m] >>> 0 : cpu.sw[m];
      const f = Math.fround(v);
      cpu.s[d] = f;
      if (f !== v) cpu.fpscr = fpscr | FPSCR_IXC;
      return;
    }
    cpu.sw[d] = fixedToFp(cpu.sw[m], 32, 0, unsigned, fpscr);
    raise(cpu);
  };
}

/**
 * VCVT between single and fixed point, in place on Sd: to fixed rounds towards zero,
 * from fixed by FPSCR.RMode; `size` 16 or 32 bits, `fracBits` fraction bits.
 */
export function vcvtFixed(d: number, toFixed: boolean, unsigned: boolean, size: number, fracBits: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    const sw = cpu.sw;
    sw[d] = toFixed ? fpToFixed(sw[d], size, fracBits, unsigned, true, cpu.fpscr) : fixedToFp(sw[d], size, fracBits, unsigned, cpu.fpscr);
    raise(cpu);
  };
}

/**
 * VCVTB/VCVTT: half precision in the bottom (T = 0) or top (T = 1) half of a register,
 * IEEE or alternative format per FPSCR.AHP. Converting to half keeps the other half of Sd.
 */
export function vcvtHalf(d: number, m: number, toHalf: boolean, top: boolean): Op {
  const shift = top ? 16 : 0;
  return (cpu) => {
    fpCheck(cpu);
    const sw = cpu.sw;
    if (toHalf) {
      const h = singleToHalf(sw[m], cpu.fpscr);
      sw[d] = (sw[d] & ~(0xffff << shift)) | (h << shift);
    } else {
      sw[d] = halfToSingle(sw[m] >>> shift, cpu.fpscr);
    }
    raise(cpu);
  };
}

// ---- Transfers between core and FP registers (A6: 32-bit and 64-bit transfers) ---

/** VMOV Rt, Sn / VMOV Sn, Rt. Also VMOV Rt, Dn[x] / Dn[x], Rt with n = 2·Dn + x. */
export function vmovCoreSingle(t: number, n: number, toCore: boolean): Op {
  return toCore
    ? (cpu) => {
        fpCheck(cpu);
        cpu.r[t] = cpu.sw[n];
      }
    : (cpu) => {
        fpCheck(cpu);
        cpu.sw[n] = cpu.r[t];
      };
}

/**
 * VMOV Rt, Rt2, Sm, Sm1 / Sm, Sm1, Rt, Rt2 and VMOV Rt, Rt2, Dm / Dm, Rt, Rt2:
 * `m` is the first single (2·Dm for the double form); Rt ↔ S[m], Rt2 ↔ S[m+1].
 */
export function vmovCoreTwo(t: number, t2: number, m: number, toCore: boolean): Op {
  return toCore
    ? (cpu) => {
        fpCheck(cpu);
        cpu.scheduler.cycles += TRANSFER_CYCLES;
        cpu.r[t] = cpu.sw[m];
        cpu.r[t2] = cpu.sw[m + 1];
      }
    : (cpu) => {
        fpCheck(cpu);
        cpu.scheduler.cycles += TRANSFER_CYCLES;
        cpu.sw[m] = cpu.r[t];
        cpu.sw[m + 1] = cpu.r[t2];
      };
}

/** VMRS Rt, FPSCR; Rt = 15 is VMRS APSR_nzcv, FPSCR: copies FPSCR.NZCV into the APSR. */
export function vmrs(t: number): Op {
  return t === 15
    ? (cpu) => {
        fpCheck(cpu);
        const f = cpu.fpscr;
        cpu.n = (f >>> 31) & 1;
        cpu.z = (f >>> 30) & 1;
        cpu.c = (f >>> 29) & 1;
        cpu.v = (f >>> 28) & 1;
      }
    : (cpu) => {
        fpCheck(cpu);
        cpu.r[t] = cpu.fpscr;
      };
}

/** VMSR FPSCR, Rt: reserved bits read as zero (Cortex-M4: 0xF7C0_009F are implemented). */
export function vmsr(t: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    cpu.fpscr = cpu.r[t] & FPSCR_WRITABLE;
  };
}

// ---- Loads and stores (A6 "Extension register load or store") ---------------------------------

/** The base address of a VLDR/VSTR: Rn, or Align(PC, 4) for Rn = 15 (literal). */
function baseOf(cpu: CortexM4, n: number): number {
  return n === 15 ? (cpu.pc + 4) & ~3 : cpu.r[n];
}

/** MemA[] (ARM ARM A3.2): FP transfers are word accesses that must be word-aligned, whatever CCR.UNALIGN_TRP. */
function checkAligned(address: number): void {
  if ((address & 3) !== 0) fault(CFSR.UNALIGNED);
}

/**
 * VLDR, `words` 1 (Sd) or 2 (Dd, first = 2·d): loads from [Rn ± imm32].
 */
export function vldr(first: number, words: number, n: number, offset: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    const address = (baseOf(cpu, n) + offset) | 0;
    checkAligned(address);
    const bus = cpu.bus;
    const w0 = bus.read32(address);
    if (words === 2) {
      const w1 = bus.read32(address + 4);
      cpu.sw[first + 1] = w1;
    }
    cpu.sw[first] = w0;
    cpu.scheduler.cycles += TRANSFER_CYCLES + words - 1;
  };
}

/** VSTR: stores Sd (or both words of Dd) to [Rn ± imm32]. */
export function vstr(first: number, words: number, n: number, offset: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    const address = (baseOf(cpu, n) + offset) | 0;
    checkAligned(address);
    const bus = cpu.bus;
    bus.write32(address, cpu.sw[first]);
    if (words === 2) bus.write32(address + 4, cpu.sw[first + 1]);
    cpu.scheduler.cycles += TRANSFER_CYCLES + words - 1;
  };
}

/**
 * VLDM / VPOP: loads `words` consecutive single registers from `first`, from
 * Rn upwards (IA) or from Rn − span (DB), and with writeback moves Rn by `span` bytes (span = 4·imm8:
 * for the FLDMX form of a D-register list it exceeds 4·words by 4). Memory first, then writeback,
 * so a faulting transfer restarts with the original base.
 */
export function vldm(first: number, words: number, n: number, increment: boolean, writeback: boolean, span: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    const base = cpu.r[n];
    const address = increment ? base : (base - span) | 0;
    checkAligned(address);
    const bus = cpu.bus;
    const sw = cpu.sw;
    for (let i = 0; i < words; i++) sw[first + i] = bus.read32(address + 4 * i);
    if (writeback) cpu.r[n] = increment ? base + span : base - span;
    cpu.scheduler.cycles += words;
  };
}

/** VSTM / VPUSH: the store counterpart of vldm. */
export function vstm(first: number, words: number, n: number, increment: boolean, writeback: boolean, span: number): Op {
  return (cpu) => {
    fpCheck(cpu);
    const base = cpu.r[n];
    const address = increment ? base : (base - span) | 0;
    checkAligned(address);
    const bus = cpu.bus;
    const sw = cpu.sw;
    for (let i = 0; i < words; i++) bus.write32(address + 4 * i, sw[first + i]);
    if (writeback) cpu.r[n] = increment ? base + span : base - span;
    cpu.scheduler.cycles += words;
  };
}

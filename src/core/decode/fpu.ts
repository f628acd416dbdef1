/**
 * The FPv4-SP floating-point extension as encodings (ARMv7-M ARM, DDI 0403E: chapter A6 for the
 * data-processing, extension register load/store and 8/16/32/64-bit transfer groups; the V* pages of
 * A7.7 for each instruction). Only the T1/T2 forms with hw1 = 0xEC../0xED../0xEE.. exist; the
 * fields are:
 *
 *   hw1 = 1110 11.. .D.. Vn/Rn       hw2 = Vd/Rt 101 sz  N . M . Vm
 *
 * Single registers are Vx:X (S index = 2·Vx + X), double registers X:Vx (D index, < 16 here: the
 * Cortex-M4 FPU has D0–D15, so X = 1 is UNDEFINED). sz = 1 data processing (double precision) is not
 * in FPv4-SP and stays UNDEFINED. As in the integer tables, encodings the manual calls UNPREDICTABLE
 * (SP/PC as Rt, empty or overlong register lists, writeback with PC) are UNDEFINED, and bits printed
 * as (0) are don't-care.
 *
 * Anything else in coprocessor 10/11 space (both T1 and T2 forms) matches the last line: UsageFault
 * NOCP when CPACR denies the FPU, else UNDEFINSTR (our choice, as in QEMU's M-profile model: the
 * coprocessor access check comes before the instruction is known to be undefined).
 */
import type { Op } from '../cpu.js';
import {
  fpUndefined,
  vabs,
  vadd,
  vcmp,
  vcvtFixed,
  vcvtFromInteger,
  vcvtHalf,
  vcvtToInteger,
  vdiv,
  vfma,
  vldm,
  vldr,
  vmla,
  vmovCoreSingle,
  vmovCoreTwo,
  vmovImmediate,
  vmovRegister,
  vmrs,
  vmsr,
  vmul,
  vneg,
  vsqrt,
  vstm,
  vstr,
} from '../execute/fpu.js';
import { expandImm } from '../execute/fpu-softfloat.js';
import type { Encoding } from './encoding.js';

// ---- Fields --------------------------------------------------------------------------------------

/** Sd = Vd:D. */
function sd(hw1: number, hw2: number): number {
  return (((hw2 >> 12) & 0xf) << 1) | ((hw1 >> 6) & 1);
}
/** Sn = Vn:N. */
function sn(hw1: number, hw2: number): number {
  return ((hw1 & 0xf) << 1) | ((hw2 >> 7) & 1);
}
/** Sm = Vm:M. */
function sm(hw2: number): number {
  return ((hw2 & 0xf) << 1) | ((hw2 >> 5) & 1);
}
/** hw2 bit 6, the "op" bit of the three-register data-processing group. */
function op6(hw2: number): boolean {
  return (hw2 & 0x40) !== 0;
}
/** SP or PC as a core register operand: UNPREDICTABLE in every FP transfer. */
function bad(r: number): boolean {
  return r === 13 || r === 15;
}

type Build = Encoding['build'];

/** A three-register single-precision data-processing op: Sd, Sn, Sm. */
function three(make: (d: number, n: number, m: number, hw2: number) => Op): Build {
  return (hw1, hw2) => make(sd(hw1, hw2), sn(hw1, hw2), sm(hw2), hw2);
}

/** A two-register op: Sd, Sm. */
function two(make: (d: number, m: number, hw1: number, hw2: number) => Op | undefined): Build {
  return (hw1, hw2) => make(sd(hw1, hw2), sm(hw2), hw1, hw2);
}

// ---- Loads and stores ----------------------------------------------------------------------------

/** VLDR/VSTR: Sd or Dd, [Rn, #±imm8·4]. */
function loadStore(make: typeof vldr, store: boolean): Build {
  return (hw1, hw2) => {
    const n = hw1 & 0xf;
    if (store && n === 15) return undefined; // VSTR to a literal address: UNPREDICTABLE
    const imm32 = (hw2 & 0xff) << 2;
    const offset = (hw1 & 0x80) !== 0 ? imm32 : -imm32;
    const double = (hw2 & 0x100) !== 0;
    if (double && (hw1 & 0x40) !== 0) return undefined; // D16–D31 do not exist
    return make(double ? ((hw2 >> 12) & 0xf) << 1 : sd(hw1, hw2), double ? 2 : 1, n, offset);
  };
}

/**
 * VLDM/VSTM/VPUSH/VPOP: a list of S registers (imm8 of them) or D registers (imm8/2; an odd imm8
 * is the FLDMX/FSTMX form, which moves the base one word further).
 */
function multiple(make: typeof vldm): Build {
  return (hw1, hw2) => {
    const n = hw1 & 0xf;
    const increment = (hw1 & 0x80) !== 0;
    const writeback = (hw1 & 0x20) !== 0;
    if (n === 15) return undefined;
    const imm8 = hw2 & 0xff;
    const double = (hw2 & 0x100) !== 0;
    let first: number;
    let words: number;
    if (double) {
      const d = (((hw1 >> 6) & 1) << 4) | ((hw2 >> 12) & 0xf);
      const regs = imm8 >> 1;
      if (regs === 0 || d + regs > 16) return undefined;
      first = 2 * d;
      words = 2 * regs;
    } else {
      first = sd(hw1, hw2);
      words = imm8;
      if (words === 0 || first + words > 32) return undefined;
    }
    return make(first, words, n, increment, writeback, imm8 << 2);
  };
}

/** VMOV between two core registers and two singles (sz = 0) or one double (sz = 1). */
const coreTwo: Build = (hw1, hw2) => {
  const t2 = hw1 & 0xf;
  const t = (hw2 >> 12) & 0xf;
  const toCore = (hw1 & 0x10) !== 0;
  if (bad(t) || bad(t2) || (toCore && t === t2)) return undefined;
  const double = (hw2 & 0x100) !== 0;
  const m = double ? (((hw2 >> 5) & 1) << 4) | (hw2 & 0xf) : sm(hw2);
  if (double ? m >= 16 : m === 31) return undefined;
  return vmovCoreTwo(t, t2, double ? 2 * m : m, toCore);
};

// ---- Transfers -----------------------------------------------------------------------------------

/** VMOV Sn, Rt / Rt, Sn. */
const coreSingle: Build = (hw1, hw2) => {
  const t = (hw2 >> 12) & 0xf;
  return bad(t) ? undefined : vmovCoreSingle(t, sn(hw1, hw2), (hw1 & 0x10) !== 0);
};

/** VMOV Dd[x], Rt / Rt, Dn[x] (32-bit scalars only in ARMv7-M): the single S[2·D + x]. */
const coreScalar: Build = (hw1, hw2) => {
  const t = (hw2 >> 12) & 0xf;
  if (bad(t) || (hw2 & 0x80) !== 0) return undefined; // D16–D31 do not exist
  const x = (hw1 >> 5) & 1;
  return vmovCoreSingle(t, 2 * (hw1 & 0xf) + x, (hw1 & 0x10) !== 0);
};

// ---- Conversions ---------------------------------------------------------------------------------

/** VCVT between single and fixed point: opc2 = 1 op 1 U, size from sx, fraction bits = size − imm4:i. */
const fixed: Build = (hw1, hw2) => {
  const size = (hw2 & 0x80) !== 0 ? 32 : 16;
  const fracBits = size - (((hw2 & 0xf) << 1) | ((hw2 >> 5) & 1));
  if (fracBits < 0) return undefined;
  return vcvtFixed(sd(hw1, hw2), (hw1 & 0x4) !== 0, (hw1 & 0x1) !== 0, size, fracBits);
};

// ---- The table -----------------------------------------------------------------------------------

export const FPU_ENCODINGS: readonly Encoding[] = [
  // Extension register load/store (A6)
  { name: 'VLDR T1/T2', pattern: '11101101xx01xxxx xxxx101xxxxxxxxx', build: loadStore(vldr, false) },
  { name: 'VSTR T1/T2', pattern: '11101101xx00xxxx xxxx101xxxxxxxxx', build: loadStore(vstr, true) },
  { name: 'VLDM IA T1/T2', pattern: '111011001xx1xxxx xxxx101xxxxxxxxx', build: multiple(vldm) },
  { name: 'VLDM DB T1/T2', pattern: '111011010x11xxxx xxxx101xxxxxxxxx', build: multiple(vldm) },
  { name: 'VSTM IA T1/T2', pattern: '111011001xx0xxxx xxxx101xxxxxxxxx', build: multiple(vstm) },
  { name: 'VSTM DB T1/T2', pattern: '111011010x10xxxx xxxx101xxxxxxxxx', build: multiple(vstm) },
  { name: 'VPOP T1/T2', pattern: '111011001x111101 xxxx101xxxxxxxxx', build: multiple(vldm) },
  { name: 'VPUSH T1/T2', pattern: '111011010x101101 xxxx101xxxxxxxxx', build: multiple(vstm) },

  // 64-bit transfers (A6)
  { name: 'VMOV (two core registers and two singles) T1', pattern: '11101100010xxxxx xxxx101000x1xxxx', build: coreTwo },
  { name: 'VMOV (two core registers and a double) T1', pattern: '11101100010xxxxx xxxx101100x1xxxx', build: coreTwo },

  // 8, 16 and 32-bit transfers (A6)
  { name: 'VMOV (core register and single) T1', pattern: '11101110000xxxxx xxxx1010xxx1xxxx', build: coreSingle },
  { name: 'VMOV (core register to scalar) T1', pattern: '1110111000x0xxxx xxxx1011x001xxxx', build: coreScalar },
  { name: 'VMOV (scalar to core register) T1', pattern: '1110111000x1xxxx xxxx1011x001xxxx', build: coreScalar },
  {
    name: 'VMSR T1',
    pattern: '1110111011100001 xxxx1010xxx1xxxx',
    build: (_, hw2) => {
      const t = (hw2 >> 12) & 0xf;
      return bad(t) ? undefined : vmsr(t);
    },
  },
  {
    name: 'VMRS T1',
    pattern: '1110111011110001 xxxx1010xxx1xxxx',
    build: (_, hw2) => {
      const t = (hw2 >> 12) & 0xf;
      return t === 13 ? undefined : vmrs(t);
    },
  },

  // Data processing, three registers (A6)
  { name: 'VMLA/VMLS T1', pattern: '111011100x00xxxx xxxx1010xxx0xxxx', build: three((d, n, m, hw2) => vmla(d, n, m, false, op6(hw2))) },
  { name: 'VNMLA/VNMLS T1', pattern: '111011100x01xxxx xxxx1010xxx0xxxx', build: three((d, n, m, hw2) => vmla(d, n, m, true, op6(hw2))) },
  { name: 'VMUL T1', pattern: '111011100x10xxxx xxxx1010x0x0xxxx', build: three((d, n, m) => vmul(d, n, m, false)) },
  { name: 'VNMUL T2', pattern: '111011100x10xxxx xxxx1010x1x0xxxx', build: three((d, n, m) => vmul(d, n, m, true)) },
  { name: 'VADD T1', pattern: '111011100x11xxxx xxxx1010x0x0xxxx', build: three((d, n, m) => vadd(d, n, m, false)) },
  { name: 'VSUB T1', pattern: '111011100x11xxxx xxxx1010x1x0xxxx', build: three((d, n, m) => vadd(d, n, m, true)) },
  { name: 'VDIV T1', pattern: '111011101x00xxxx xxxx1010x0x0xxxx', build: three((d, n, m) => vdiv(d, n, m)) },
  { name: 'VFNMA/VFNMS T1', pattern: '111011101x01xxxx xxxx1010xxx0xxxx', build: three((d, n, m, hw2) => vfma(d, n, m, true, op6(hw2))) },
  { name: 'VFMA/VFMS T1', pattern: '111011101x10xxxx xxxx1010xxx0xxxx', build: three((d, n, m, hw2) => vfma(d, n, m, false, op6(hw2))) },

  // Data processing, other (A6: opc1 = 1x11)
  {
    name: 'VMOV (immediate) T1',
    pattern: '111011101x11xxxx xxxx1010x0x0xxxx',
    build: (hw1, hw2) => vmovImmediate(sd(hw1, hw2), expandImm(((hw1 & 0xf) << 4) | (hw2 & 0xf))),
  },
  { name: 'VMOV (register) T1', pattern: '111011101x110000 xxxx101001x0xxxx', build: two((d, m) => vmovRegister(d, m)) },
  { name: 'VABS T1', pattern: '111011101x110000 xxxx101011x0xxxx', build: two((d, m) => vabs(d, m)) },
  { name: 'VNEG T1', pattern: '111011101x110001 xxxx101001x0xxxx', build: two((d, m) => vneg(d, m)) },
  { name: 'VSQRT T1', pattern: '111011101x110001 xxxx101011x0xxxx', build: two((d, m) => vsqrt(d, m)) },
  {
    name: 'VCVTB/VCVTT T1',
    pattern: '111011101x11001x xxxx1010x1x0xxxx',
    build: two((d, m, hw1, hw2) => vcvtHalf(d, m, (hw1 & 1) !== 0, (hw2 & 0x80) !== 0)),
  },
  { name: 'VCMP{E} T1', pattern: '111011101x110100 xxxx1010x1x0xxxx', build: two((d, m, _, hw2) => vcmp(d, m, (hw2 & 0x80) !== 0)) },
  { name: 'VCMP{E} T2 (with zero)', pattern: '111011101x110101 xxxx1010x1x0xxxx', build: two((d, _, __, hw2) => vcmp(d, -1, (hw2 & 0x80) !== 0)) },
  {
    name: 'VCVT (to single from integer) T1',
    pattern: '111011101x111000 xxxx1010x1x0xxxx',
    build: two((d, m, _, hw2) => vcvtFromInteger(d, m, (hw2 & 0x80) === 0)),
  },
  {
    name: 'VCVT{R} (to integer from single) T1',
    pattern: '111011101x11110x xxxx1010x1x0xxxx',
    build: two((d, m, hw1, hw2) => vcvtToInteger(d, m, (hw1 & 1) === 0, (hw2 & 0x80) !== 0)),
  },
  { name: 'VCVT (between single and fixed point) T1', pattern: '111011101x111x1x xxxx1010x1x0xxxx', build: fixed },

  // Everything else in coprocessor 10/11 space: NOCP if the FPU is off, else UNDEFINED.
  { name: 'CP10/CP11 UNDEFINED', pattern: '111x11xxxxxxxxxx xxxx101xxxxxxxxx', build: () => fpUndefined },
];

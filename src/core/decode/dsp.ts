/**
 * The DSP extension of ARMv7E-M as encodings (ARMv7-M ARM, DDI 0403E): the parallel add/subtract
 * groups (A5.3.13 signed, A5.3.14 unsigned), QADD…/SEL from the miscellaneous group (A5.3.15), the
 * byte-pair extends (A5.3.12), SSAT/USAT (A5.3.3), PKHBT/PKHTB (A5.3.11) and the DSP multiplies
 * (A5.3.16, A5.3.17). All are 32-bit T1 encodings; the fields are:
 *
 *   hw1 = ........ .... Rn      hw2 = Ra/RdLo Rd/RdHi ....  Rm
 *
 * Register numbers the manual calls UNPREDICTABLE (SP or PC where `BadReg`, RdLo = RdHi) are rejected
 * (the instruction is then UNDEFINED unless another table claims it). Bits the manual prints as (0)
 * ("should be zero") are don't-care here: other values are UNPREDICTABLE and we run them as if they
 * were zero. Where an accumulate form has Ra = 1111 it is the non-accumulating instruction, which is
 * listed on its own line with 1111 fixed (so it is the more specific match).
 */
import {
  dualMultiply,
  dualMultiplyAccumulateLong,
  extendBytes16,
  multiplyAccumulateAccumulateLong,
  multiplyHalfwords,
  multiplyHalfwordsAccumulateLong,
  multiplyMostSignificant,
  multiplyWordHalfword,
  packHalfword,
  parallelAddSubtract,
  saturate,
  saturate16,
  saturatingAddSubtract,
  select,
  sumAbsoluteDifferences,
  type ParallelKind,
  type ParallelOp,
} from '../execute/dsp.js';
import type { Op } from '../cpu.js';
import type { Encoding } from './encoding.js';

type Build = Encoding['build'];

/** BadReg(): SP and PC are UNPREDICTABLE as operands of these instructions. */
function bad(r: number): boolean {
  return r === 13 || r === 15;
}

/** Rd (hw2[11:8]) and Rn (hw1[3:0]), neither SP nor PC. */
function regs2(make: (d: number, n: number, hw1: number, hw2: number) => Op | undefined): Build {
  return (hw1, hw2) => {
    const d = (hw2 >> 8) & 0xf;
    const n = hw1 & 0xf;
    return bad(d) || bad(n) ? undefined : make(d, n, hw1, hw2);
  };
}

/** Rd, Rn and Rm (hw2[3:0]), none of them SP or PC. */
function regs3(make: (d: number, n: number, m: number, hw2: number) => Op | undefined): Build {
  return regs2((d, n, _, hw2) => {
    const m = hw2 & 0xf;
    return bad(m) ? undefined : make(d, n, m, hw2);
  });
}

/** As regs3 plus the accumulator Ra (hw2[15:12]): not SP, and not PC (that is the form without it). */
function regs4(make: (d: number, n: number, m: number, a: number, hw2: number) => Op | undefined): Build {
  return regs3((d, n, m, hw2) => {
    const a = hw2 >>> 12;
    return bad(a) ? undefined : make(d, n, m, a, hw2);
  });
}

/** The long forms: RdLo (hw2[15:12]), RdHi (hw2[11:8]), Rn, Rm; RdLo = RdHi is UNPREDICTABLE. */
function regsLong(make: (lo: number, hi: number, n: number, m: number, hw2: number) => Op | undefined): Build {
  return regs3((hi, n, m, hw2) => {
    const lo = hw2 >>> 12;
    return bad(lo) || lo === hi ? undefined : make(lo, hi, n, m, hw2);
  });
}

/** Bit `b` of the second halfword as a boolean (N, M, R, X, tb fields). */
function bit(hw2: number, b: number): boolean {
  return ((hw2 >> b) & 1) !== 0;
}

/** imm3:imm2 (hw2[14:12], hw2[7:6]): the shift amount of SSAT/USAT/PKH. */
function imm5(hw2: number): number {
  return (((hw2 >> 12) & 7) << 2) | ((hw2 >> 6) & 3);
}

const parallel = (kind: ParallelKind, op: ParallelOp): Build => regs3((d, n, m) => parallelAddSubtract(kind, op, d, n, m));

/** SSAT/USAT T1: sh = hw1[5] (ASR, else LSL), sat_imm = hw2[4:0]; sh = 1 with shift 0 is SSAT16/USAT16. */
function saturateBuild(unsigned: boolean): Build {
  return regs2((d, n, hw1, hw2) => {
    const asr = ((hw1 >> 5) & 1) !== 0;
    const shift = imm5(hw2);
    const bits = (hw2 & 0x1f) + (unsigned ? 0 : 1);
    if (asr && shift === 0) return undefined;
    return saturate(unsigned, bits, asr, shift, d, n);
  });
}

/** SSAT16/USAT16 T1: sat_imm = hw2[3:0]. */
function saturate16Build(unsigned: boolean): Build {
  return regs2((d, n, _, hw2) => saturate16(unsigned, (hw2 & 0xf) + (unsigned ? 0 : 1), d, n));
}

/** SXTB16/UXTB16 (Rn = 1111) and SXTAB16/UXTAB16: rotate = hw2[5:4] in bytes; Rn = SP is UNPREDICTABLE. */
function extendBuild(unsigned: boolean, accumulate: boolean): Build {
  return (hw1, hw2) => {
    const rotation = ((hw2 >> 4) & 3) * 8;
    const d = (hw2 >> 8) & 0xf;
    const n = hw1 & 0xf;
    const m = hw2 & 0xf;
    if (bad(d) || bad(m) || (accumulate && bad(n))) return undefined;
    return extendBytes16(unsigned, rotation, d, accumulate ? n : -1, m);
  };
}

export const DSP_ENCODINGS: readonly Encoding[] = [
  // Parallel addition and subtraction, signed (A5.3.13): hw1[6:4] = op, hw2[5:4] = 00 S / 01 Q / 10 SH.
  { name: 'SADD16 T1', pattern: '11111010 1001 xxxx 1111 xxxx 0000 xxxx', build: parallel('S', 'ADD16') },
  { name: 'SASX T1', pattern: '11111010 1010 xxxx 1111 xxxx 0000 xxxx', build: parallel('S', 'ASX') },
  { name: 'SSAX T1', pattern: '11111010 1110 xxxx 1111 xxxx 0000 xxxx', build: parallel('S', 'SAX') },
  { name: 'SSUB16 T1', pattern: '11111010 1101 xxxx 1111 xxxx 0000 xxxx', build: parallel('S', 'SUB16') },
  { name: 'SADD8 T1', pattern: '11111010 1000 xxxx 1111 xxxx 0000 xxxx', build: parallel('S', 'ADD8') },
  { name: 'SSUB8 T1', pattern: '11111010 1100 xxxx 1111 xxxx 0000 xxxx', build: parallel('S', 'SUB8') },
  { name: 'QADD16 T1', pattern: '11111010 1001 xxxx 1111 xxxx 0001 xxxx', build: parallel('Q', 'ADD16') },
  { name: 'QASX T1', pattern: '11111010 1010 xxxx 1111 xxxx 0001 xxxx', build: parallel('Q', 'ASX') },
  { name: 'QSAX T1', pattern: '11111010 1110 xxxx 1111 xxxx 0001 xxxx', build: parallel('Q', 'SAX') },
  { name: 'QSUB16 T1', pattern: '11111010 1101 xxxx 1111 xxxx 0001 xxxx', build: parallel('Q', 'SUB16') },
  { name: 'QADD8 T1', pattern: '11111010 1000 xxxx 1111 xxxx 0001 xxxx', build: parallel('Q', 'ADD8') },
  { name: 'QSUB8 T1', pattern: '11111010 1100 xxxx 1111 xxxx 0001 xxxx', build: parallel('Q', 'SUB8') },
  { name: 'SHADD16 T1', pattern: '11111010 1001 xxxx 1111 xxxx 0010 xxxx', build: parallel('SH', 'ADD16') },
  { name: 'SHASX T1', pattern: '11111010 1010 xxxx 1111 xxxx 0010 xxxx', build: parallel('SH', 'ASX') },
  { name: 'SHSAX T1', pattern: '11111010 1110 xxxx 1111 xxxx 0010 xxxx', build: parallel('SH', 'SAX') },
  { name: 'SHSUB16 T1', pattern: '11111010 1101 xxxx 1111 xxxx 0010 xxxx', build: parallel('SH', 'SUB16') },
  { name: 'SHADD8 T1', pattern: '11111010 1000 xxxx 1111 xxxx 0010 xxxx', build: parallel('SH', 'ADD8') },
  { name: 'SHSUB8 T1', pattern: '11111010 1100 xxxx 1111 xxxx 0010 xxxx', build: parallel('SH', 'SUB8') },
  // Parallel addition and subtraction, unsigned (A5.3.14): hw2[5:4] = 00 U / 01 UQ / 10 UH.
  { name: 'UADD16 T1', pattern: '11111010 1001 xxxx 1111 xxxx 0100 xxxx', build: parallel('U', 'ADD16') },
  { name: 'UASX T1', pattern: '11111010 1010 xxxx 1111 xxxx 0100 xxxx', build: parallel('U', 'ASX') },
  { name: 'USAX T1', pattern: '11111010 1110 xxxx 1111 xxxx 0100 xxxx', build: parallel('U', 'SAX') },
  { name: 'USUB16 T1', pattern: '11111010 1101 xxxx 1111 xxxx 0100 xxxx', build: parallel('U', 'SUB16') },
  { name: 'UADD8 T1', pattern: '11111010 1000 xxxx 1111 xxxx 0100 xxxx', build: parallel('U', 'ADD8') },
  { name: 'USUB8 T1', pattern: '11111010 1100 xxxx 1111 xxxx 0100 xxxx', build: parallel('U', 'SUB8') },
  { name: 'UQADD16 T1', pattern: '11111010 1001 xxxx 1111 xxxx 0101 xxxx', build: parallel('UQ', 'ADD16') },
  { name: 'UQASX T1', pattern: '11111010 1010 xxxx 1111 xxxx 0101 xxxx', build: parallel('UQ', 'ASX') },
  { name: 'UQSAX T1', pattern: '11111010 1110 xxxx 1111 xxxx 0101 xxxx', build: parallel('UQ', 'SAX') },
  { name: 'UQSUB16 T1', pattern: '11111010 1101 xxxx 1111 xxxx 0101 xxxx', build: parallel('UQ', 'SUB16') },
  { name: 'UQADD8 T1', pattern: '11111010 1000 xxxx 1111 xxxx 0101 xxxx', build: parallel('UQ', 'ADD8') },
  { name: 'UQSUB8 T1', pattern: '11111010 1100 xxxx 1111 xxxx 0101 xxxx', build: parallel('UQ', 'SUB8') },
  { name: 'UHADD16 T1', pattern: '11111010 1001 xxxx 1111 xxxx 0110 xxxx', build: parallel('UH', 'ADD16') },
  { name: 'UHASX T1', pattern: '11111010 1010 xxxx 1111 xxxx 0110 xxxx', build: parallel('UH', 'ASX') },
  { name: 'UHSAX T1', pattern: '11111010 1110 xxxx 1111 xxxx 0110 xxxx', build: parallel('UH', 'SAX') },
  { name: 'UHSUB16 T1', pattern: '11111010 1101 xxxx 1111 xxxx 0110 xxxx', build: parallel('UH', 'SUB16') },
  { name: 'UHADD8 T1', pattern: '11111010 1000 xxxx 1111 xxxx 0110 xxxx', build: parallel('UH', 'ADD8') },
  { name: 'UHSUB8 T1', pattern: '11111010 1100 xxxx 1111 xxxx 0110 xxxx', build: parallel('UH', 'SUB8') },

  // Miscellaneous operations (A5.3.15). Note QADD Rd, Rm, Rn: Rn is the one in hw1.
  { name: 'QADD T1', pattern: '11111010 1000 xxxx 1111 xxxx 1000 xxxx', build: regs3((d, n, m) => saturatingAddSubtract(false, false, d, n, m)) },
  { name: 'QDADD T1', pattern: '11111010 1000 xxxx 1111 xxxx 1001 xxxx', build: regs3((d, n, m) => saturatingAddSubtract(false, true, d, n, m)) },
  { name: 'QSUB T1', pattern: '11111010 1000 xxxx 1111 xxxx 1010 xxxx', build: regs3((d, n, m) => saturatingAddSubtract(true, false, d, n, m)) },
  { name: 'QDSUB T1', pattern: '11111010 1000 xxxx 1111 xxxx 1011 xxxx', build: regs3((d, n, m) => saturatingAddSubtract(true, true, d, n, m)) },
  { name: 'SEL T1', pattern: '11111010 1010 xxxx 1111 xxxx 1000 xxxx', build: regs3(select) },

  // Extend byte pairs (A5.3.12): hw2[5:4] = rotate; hw2[6] is (0).
  { name: 'SXTB16 T1', pattern: '11111010 0010 1111 1111 xxxx 1xxx xxxx', build: extendBuild(false, false) },
  { name: 'SXTAB16 T1', pattern: '11111010 0010 xxxx 1111 xxxx 1xxx xxxx', build: extendBuild(false, true) },
  { name: 'UXTB16 T1', pattern: '11111010 0011 1111 1111 xxxx 1xxx xxxx', build: extendBuild(true, false) },
  { name: 'UXTAB16 T1', pattern: '11111010 0011 xxxx 1111 xxxx 1xxx xxxx', build: extendBuild(true, true) },

  // Saturate (A5.3.3 data processing, plain binary immediate). hw1[10] and hw2[5] are (0).
  { name: 'SSAT T1', pattern: '11110x11 00x0 xxxx 0xxx xxxx xxxx xxxx', build: saturateBuild(false) },
  { name: 'SSAT16 T1', pattern: '11110x11 0010 xxxx 0000 xxxx 00xx xxxx', build: saturate16Build(false) },
  { name: 'USAT T1', pattern: '11110x11 10x0 xxxx 0xxx xxxx xxxx xxxx', build: saturateBuild(true) },
  { name: 'USAT16 T1', pattern: '11110x11 1010 xxxx 0000 xxxx 00xx xxxx', build: saturate16Build(true) },

  // Pack halfword (A5.3.11 data processing, shifted register): S = 0 and T = 0, else UNDEFINED.
  { name: 'PKHBT T1', pattern: '11101010 1100 xxxx xxxx xxxx xx00 xxxx', build: regs3((d, n, m, hw2) => packHalfword(false, imm5(hw2), d, n, m)) },
  { name: 'PKHTB T1', pattern: '11101010 1100 xxxx xxxx xxxx xx10 xxxx', build: regs3((d, n, m, hw2) => packHalfword(true, imm5(hw2), d, n, m)) },

  // Multiply, multiply accumulate, absolute difference (A5.3.16): hw2[7:6] = 00.
  { name: 'SMUL<x><y> T1', pattern: '11111011 0001 xxxx 1111 xxxx 00xx xxxx', build: regs3((d, n, m, hw2) => multiplyHalfwords(bit(hw2, 5), bit(hw2, 4), d, n, m, -1)) },
  { name: 'SMLA<x><y> T1', pattern: '11111011 0001 xxxx xxxx xxxx 00xx xxxx', build: regs4((d, n, m, a, hw2) => multiplyHalfwords(bit(hw2, 5), bit(hw2, 4), d, n, m, a)) },
  { name: 'SMULW<y> T1', pattern: '11111011 0011 xxxx 1111 xxxx 000x xxxx', build: regs3((d, n, m, hw2) => multiplyWordHalfword(bit(hw2, 4), d, n, m, -1)) },
  { name: 'SMLAW<y> T1', pattern: '11111011 0011 xxxx xxxx xxxx 000x xxxx', build: regs4((d, n, m, a, hw2) => multiplyWordHalfword(bit(hw2, 4), d, n, m, a)) },
  { name: 'SMUAD T1', pattern: '11111011 0010 xxxx 1111 xxxx 000x xxxx', build: regs3((d, n, m, hw2) => dualMultiply(false, bit(hw2, 4), d, n, m, -1)) },
  { name: 'SMLAD T1', pattern: '11111011 0010 xxxx xxxx xxxx 000x xxxx', build: regs4((d, n, m, a, hw2) => dualMultiply(false, bit(hw2, 4), d, n, m, a)) },
  { name: 'SMUSD T1', pattern: '11111011 0100 xxxx 1111 xxxx 000x xxxx', build: regs3((d, n, m, hw2) => dualMultiply(true, bit(hw2, 4), d, n, m, -1)) },
  { name: 'SMLSD T1', pattern: '11111011 0100 xxxx xxxx xxxx 000x xxxx', build: regs4((d, n, m, a, hw2) => dualMultiply(true, bit(hw2, 4), d, n, m, a)) },
  { name: 'SMMUL T1', pattern: '11111011 0101 xxxx 1111 xxxx 000x xxxx', build: regs3((d, n, m, hw2) => multiplyMostSignificant(false, bit(hw2, 4), d, n, m, -1)) },
  { name: 'SMMLA T1', pattern: '11111011 0101 xxxx xxxx xxxx 000x xxxx', build: regs4((d, n, m, a, hw2) => multiplyMostSignificant(false, bit(hw2, 4), d, n, m, a)) },
  { name: 'SMMLS T1', pattern: '11111011 0110 xxxx xxxx xxxx 000x xxxx', build: regs4((d, n, m, a, hw2) => multiplyMostSignificant(true, bit(hw2, 4), d, n, m, a)) },
  { name: 'USAD8 T1', pattern: '11111011 0111 xxxx 1111 xxxx 0000 xxxx', build: regs3((d, n, m) => sumAbsoluteDifferences(d, n, m, -1)) },
  { name: 'USADA8 T1', pattern: '11111011 0111 xxxx xxxx xxxx 0000 xxxx', build: regs4(sumAbsoluteDifferences) },

  // Long multiply, long multiply accumulate (A5.3.17): hw2[15:12] = RdLo, hw2[11:8] = RdHi.
  { name: 'SMLAL<x><y> T1', pattern: '11111011 1100 xxxx xxxx xxxx 10xx xxxx', build: regsLong((lo, hi, n, m, hw2) => multiplyHalfwordsAccumulateLong(bit(hw2, 5), bit(hw2, 4), lo, hi, n, m)) },
  { name: 'SMLALD T1', pattern: '11111011 1100 xxxx xxxx xxxx 110x xxxx', build: regsLong((lo, hi, n, m, hw2) => dualMultiplyAccumulateLong(false, bit(hw2, 4), lo, hi, n, m)) },
  { name: 'SMLSLD T1', pattern: '11111011 1101 xxxx xxxx xxxx 110x xxxx', build: regsLong((lo, hi, n, m, hw2) => dualMultiplyAccumulateLong(true, bit(hw2, 4), lo, hi, n, m)) },
  { name: 'UMAAL T1', pattern: '11111011 1110 xxxx xxxx xxxx 0110 xxxx', build: regsLong(multiplyAccumulateAccumulateLong) },
];

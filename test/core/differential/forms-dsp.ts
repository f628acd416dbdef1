/**
 * The DSP extension of ARMv7E-M (ARMv7-M ARM A5.3.13–A5.3.17 and the saturating instructions of
 * A5.3.3/A5.3.15): parallel add/subtract, saturation, halfword and dual multiplies, most-significant
 * word multiplies, sum of absolute differences, packing, SEL and the *16 extends.
 */
import { enc, reg, type Form } from './insn.js';
import { LONGMULT, MISC, MULT, SHIFTED, extendForms, longDests } from './forms-thumb32.js';

// ---- Parallel addition and subtraction, A5.3.13 (signed) / A5.3.14 (unsigned) ----------------------

const PARALLEL = '11111010 1 op1:3 Rn:4 | 1111 Rd:4 0 U:1 op2:2 Rm:4';
const PARALLEL_OPS: ReadonlyArray<[number, string]> = [[0, 'add8'], [1, 'add16'], [2, 'asx'], [4, 'sub8'], [5, 'sub16'], [6, 'sax']];
const PARALLEL_PREFIXES: ReadonlyArray<[number, number, string]> = [[0, 0, 's'], [0, 1, 'q'], [0, 2, 'sh'], [1, 0, 'u'], [1, 1, 'uq'], [1, 2, 'uh']];

const parallelForms: Form[] = PARALLEL_PREFIXES.flatMap(([U, op2, prefix]) =>
  PARALLEL_OPS.map(([op1, op]): Form => {
    const mn = prefix + op;
    return {
      name: `${mn.toUpperCase()} T1`,
      cls: 'dsp-parallel',
      gen(g) {
        const [rn, rm] = [g.r(), g.r()];
        const rd = g.rD();
        return { hw: enc(PARALLEL, { op1, U, op2, Rn: rn, Rd: rd, Rm: rm }), asm: `${mn} ${reg(rd)}, ${reg(rn)}, ${reg(rm)}` };
      },
    };
  }),
);

// ---- Saturation: SSAT/USAT(16) (A5.3.3), QADD/QSUB/QDADD/QDSUB (A5.3.15) ---------------------------

const SAT = '11110 0 1 1 U:1 0 sh:1 0 Rn:4 | 0 imm3:3 Rd:4 imm2:2 0 sat:5';

const saturateForms: Form[] = [
  ...([['SSAT T1', 0], ['USAT T1', 1]] as const).map(
    ([name, U]): Form => ({
      name,
      cls: 'dsp-saturate',
      gen(g) {
        const sh = g.rng.bit();
        // ASR #0 is the encoding of SSAT16/USAT16: shifts are LSL #0..31 or ASR #1..31.
        const amount = sh ? g.rng.range(1, 31) : g.rng.chance(0.5) ? 0 : g.rng.int(32);
        const sat = g.rng.int(32);
        const rn = g.r();
        const rd = g.rD();
        const bound = U ? sat : sat + 1;
        const shift = sh ? `, asr #${amount}` : amount ? `, lsl #${amount}` : '';
        return {
          hw: enc(SAT, { U, sh, Rn: rn, Rd: rd, imm3: amount >>> 2, imm2: amount & 3, sat }),
          asm: `${U ? 'usat' : 'ssat'} ${reg(rd)}, #${bound}, ${reg(rn)}${shift}`,
        };
      },
    }),
  ),
  ...([['SSAT16 T1', 0], ['USAT16 T1', 1]] as const).map(
    ([name, U]): Form => ({
      name,
      cls: 'dsp-saturate',
      gen(g) {
        const sat = g.rng.int(16);
        const rn = g.r();
        const rd = g.rD();
        return { hw: enc(SAT, { U, sh: 1, Rn: rn, Rd: rd, imm3: 0, imm2: 0, sat }), asm: `${U ? 'usat16' : 'ssat16'} ${reg(rd)}, #${U ? sat : sat + 1}, ${reg(rn)}` };
      },
    }),
  ),
  ...([['QADD T1', 0], ['QDADD T1', 1], ['QSUB T1', 2], ['QDSUB T1', 3]] as const).map(
    ([name, op2]): Form => ({
      name,
      cls: 'dsp-saturate',
      gen(g) {
        const [rn, rm] = [g.r(), g.r()];
        const rd = g.rD();
        // Assembler order: Q<op> Rd, Rm, Rn.
        return { hw: enc(MISC, { op1: 0, op2, Rn: rn, Rd: rd, Rm: rm }), asm: `${name.split(' ')[0].toLowerCase()} ${reg(rd)}, ${reg(rm)}, ${reg(rn)}` };
      },
    }),
  ),
];

// ---- Multiplies, A5.3.16 / A5.3.17 -----------------------------------------------------------------

const HALF = ['b', 't'];

/** A multiply-accumulate with an Ra field; Ra = 1111 gives the non-accumulating form. */
function mac(accName: string, mulName: string, op1: number, variants: ReadonlyArray<[number, string]>): Form[] {
  return [true, false].map(
    (acc): Form => ({
      name: `${acc ? accName : mulName} T1`,
      cls: 'dsp-multiply',
      gen(g) {
        const [op2, suffix] = g.rng.pick(variants);
        const [rn, rm] = [g.r(), g.r()];
        const ra = acc ? g.r() : 15;
        const rd = g.rD();
        const mn = (acc ? accName : mulName).toLowerCase().replace(/<.*$/, '') + suffix;
        return { hw: enc(MULT, { op1, Rn: rn, Ra: ra, Rd: rd, op2, Rm: rm }), asm: `${mn} ${reg(rd)}, ${reg(rn)}, ${reg(rm)}${acc ? `, ${reg(ra)}` : ''}` };
      },
    }),
  );
}

const XY: ReadonlyArray<[number, string]> = [0, 1, 2, 3].map((nm) => [nm, HALF[nm >> 1] + HALF[nm & 1]]);
const X: ReadonlyArray<[number, string]> = [[0, ''], [1, 'x']];
const Y: ReadonlyArray<[number, string]> = [[0, 'b'], [1, 't']];
const R: ReadonlyArray<[number, string]> = [[0, ''], [1, 'r']];

const multiplyForms: Form[] = [
  ...mac('SMLA<x><y>', 'SMUL<x><y>', 1, XY),
  ...mac('SMLAD', 'SMUAD', 2, X),
  ...mac('SMLAW<y>', 'SMULW<y>', 3, Y),
  ...mac('SMLSD', 'SMUSD', 4, X),
  ...mac('SMMLA', 'SMMUL', 5, R),
  {
    name: 'SMMLS T1',
    cls: 'dsp-multiply',
    gen(g) {
      const r = g.rng.bit();
      const [rn, rm, ra] = [g.r(), g.r(), g.r()];
      const rd = g.rD();
      return { hw: enc(MULT, { op1: 6, Rn: rn, Ra: ra, Rd: rd, op2: r, Rm: rm }), asm: `smmls${r ? 'r' : ''} ${reg(rd)}, ${reg(rn)}, ${reg(rm)}, ${reg(ra)}` };
    },
  },
  ...mac('USADA8', 'USAD8', 7, [[0, '']]),
  ...([
    ['SMLAL<x><y> T1', 4, XY.map(([nm, s]) => [0b1000 | nm, `smlal${s}`])],
    ['SMLALD T1', 4, X.map(([m, s]) => [0b1100 | m, `smlald${s}`])],
    ['SMLSLD T1', 5, X.map(([m, s]) => [0b1100 | m, `smlsld${s}`])],
    ['UMAAL T1', 6, [[0b0110, 'umaal']]],
  ] as ReadonlyArray<[string, number, ReadonlyArray<[number, string]>]>).map(
    ([name, op1, variants]): Form => ({
      name,
      cls: 'dsp-multiply',
      gen(g) {
        const [op2, mn] = g.rng.pick(variants);
        const [rn, rm] = [g.r(), g.r()];
        const [lo, hi] = longDests(g);
        return { hw: enc(LONGMULT, { op1, Rn: rn, RdLo: lo, RdHi: hi, op2, Rm: rm }), asm: `${mn} ${reg(lo)}, ${reg(hi)}, ${reg(rn)}, ${reg(rm)}` };
      },
    }),
  ),
];

// ---- Packing, selection, *16 extends ---------------------------------------------------------------

const miscForms: Form[] = [
  {
    name: 'PKHBT T1',
    cls: 'dsp-misc',
    gen(g) {
      const amount = g.rng.chance(0.3) ? 0 : g.rng.int(32);
      const [rn, rm] = [g.r(), g.r()];
      const rd = g.rD();
      return {
        hw: enc(SHIFTED, { op: 6, S: 0, Rn: rn, Rd: rd, imm3: amount >>> 2, imm2: amount & 3, type: 0, Rm: rm }),
        asm: `pkhbt ${reg(rd)}, ${reg(rn)}, ${reg(rm)}${amount ? `, lsl #${amount}` : ''}`,
      };
    },
  },
  {
    name: 'PKHTB T1',
    cls: 'dsp-misc',
    gen(g) {
      const imm5 = g.rng.int(32); // 0 encodes ASR #32
      const [rn, rm] = [g.r(), g.r()];
      const rd = g.rD();
      return {
        hw: enc(SHIFTED, { op: 6, S: 0, Rn: rn, Rd: rd, imm3: imm5 >>> 2, imm2: imm5 & 3, type: 2, Rm: rm }),
        asm: `pkhtb ${reg(rd)}, ${reg(rn)}, ${reg(rm)}, asr #${imm5 === 0 ? 32 : imm5}`,
      };
    },
  },
  {
    name: 'SEL T1',
    cls: 'dsp-misc',
    gen(g) {
      const [rn, rm] = [g.r(), g.r()];
      const rd = g.rD();
      return { hw: enc(MISC, { op1: 2, op2: 0, Rn: rn, Rd: rd, Rm: rm }), asm: `sel ${reg(rd)}, ${reg(rn)}, ${reg(rm)}` };
    },
  },
  ...extendForms(
    [
      [2, 'SXTAB16 T1', 'SXTB16 T1', 'sxtab16', 'sxtb16'],
      [3, 'UXTAB16 T1', 'UXTB16 T1', 'uxtab16', 'uxtb16'],
    ],
    'dsp-misc',
  ),
];

export const DSP_FORMS: readonly Form[] = [...parallelForms, ...saturateForms, ...multiplyForms, ...miscForms];

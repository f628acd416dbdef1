/**
 * 32-bit Thumb-2 integer encodings (ARMv7-M ARM A5.3): data processing with modified and plain
 * immediates, shifted-register and register-controlled shifts, extends, miscellaneous (REV, RBIT,
 * CLZ), multiplies, long multiplies, divides, bitfields, APSR access, hints and barriers.
 * The DSP extension's encodings are in forms-dsp.ts; loads and stores in forms-memory.ts.
 */
import { GP, type Gen } from './gen.js';
import { enc, hex, reg, shiftText, thumbExpandImm, type Encoded, type Form, type InsnClass } from './insn.js';

// ---- Operand helpers ----------------------------------------------------------------------------

/** A modified immediate (A5.3.2): i:imm3:imm8 and the value ThumbExpandImm gives. */
export function modImm(g: Gen): { i: number; imm3: number; imm8: number; value: number } {
  let imm12: number;
  if (g.rng.chance(0.5)) {
    const pattern = g.rng.int(4);
    // Patterns 01/10/11 with imm8 == 0 are UNPREDICTABLE.
    imm12 = (pattern << 8) | (pattern === 0 ? g.rng.int(256) : g.rng.range(1, 255));
  } else {
    imm12 = (g.rng.range(8, 31) << 7) | g.rng.int(128);
  }
  return { i: imm12 >>> 11, imm3: (imm12 >>> 8) & 7, imm8: imm12 & 0xff, value: thumbExpandImm(imm12) };
}

/** An immediate shift type:imm5 for DecodeImmShift (A7.4.2), biased to the edges 0, 1, 31. */
export function immShift(g: Gen): { type: number; imm5: number; imm3: number; imm2: number } {
  const type = g.rng.int(4);
  const imm5 = g.rng.chance(0.4) ? g.rng.pick([0, 1, 31, 16]) : g.rng.int(32);
  return { type, imm5, imm3: imm5 >>> 2, imm2: imm5 & 3 };
}

const flag = (g: Gen): number => g.rng.bit();
const sfx = (s: number): string => (s ? 's' : '');

/** Form builder shorthand. */
function form(name: string, cls: InsnClass, gen: (g: Gen) => Encoded, weight?: number): Form {
  return { name, cls, gen, weight };
}

// ---- Data processing (modified immediate), A5.3.1 -----------------------------------------------

const MODIMM = '11110 i:1 0 op:4 S:1 Rn:4 | 0 imm3:3 Rd:4 imm8:8';

/** Operations with a destination and a register operand. */
const MODIMM_OPS: ReadonlyArray<[string, number, string]> = [
  ['AND', 0x0, 'T1'], ['BIC', 0x1, 'T1'], ['ORR', 0x2, 'T1'], ['ORN', 0x3, 'T1'], ['EOR', 0x4, 'T1'],
  ['ADD', 0x8, 'T3'], ['ADC', 0xa, 'T1'], ['SBC', 0xb, 'T1'], ['SUB', 0xd, 'T3'], ['RSB', 0xe, 'T2'],
];
/** Comparisons: Rd = 1111, S = 1. */
const MODIMM_TESTS: ReadonlyArray<[string, number, string]> = [
  ['TST', 0x0, 'T1'], ['TEQ', 0x4, 'T1'], ['CMN', 0x8, 'T1'], ['CMP', 0xd, 'T2'],
];

const modImmForms: Form[] = [
  ...MODIMM_OPS.map(([mn, op, t]) =>
    form(`${mn} (immediate) ${t}`, 'dp-imm', (g) => {
      const m = modImm(g);
      const S = flag(g);
      const rn = g.r();
      const rd = g.rD();
      return { hw: enc(MODIMM, { ...m, op, S, Rn: rn, Rd: rd }), asm: `${mn.toLowerCase()}${sfx(S)}.w ${reg(rd)}, ${reg(rn)}, #${hex(m.value)}` };
    }),
  ),
  ...MODIMM_TESTS.map(([mn, op, t]) =>
    form(`${mn} (immediate) ${t}`, 'dp-imm', (g) => {
      const m = modImm(g);
      const rn = g.r();
      return { hw: enc(MODIMM, { ...m, op, S: 1, Rn: rn, Rd: 15 }), asm: `${mn.toLowerCase()}.w ${reg(rn)}, #${hex(m.value)}` };
    }),
  ),
  ...([['MOV', 0x2, 'T2'], ['MVN', 0x3, 'T1']] as const).map(([mn, op, t]) =>
    form(`${mn} (immediate) ${t}`, 'dp-imm', (g) => {
      const m = modImm(g);
      const S = flag(g);
      const rd = g.rD();
      return { hw: enc(MODIMM, { ...m, op, S, Rn: 15, Rd: rd }), asm: `${mn.toLowerCase()}${sfx(S)}.w ${reg(rd)}, #${hex(m.value)}` };
    }),
  ),
  ...([['ADD (SP plus immediate) T3', 0x8, 'add'], ['SUB (SP minus immediate) T2', 0xd, 'sub']] as const).map(([name, op, mn]) =>
    form(name, 'dp-imm', (g) => {
      const m = modImm(g);
      const S = flag(g);
      const rd = g.rD();
      return { hw: enc(MODIMM, { ...m, op, S, Rn: 13, Rd: rd }), asm: `${mn}${sfx(S)}.w ${reg(rd)}, sp, #${hex(m.value)}` };
    }),
  ),
];

// ---- Data processing (plain binary immediate), A5.3.3 -------------------------------------------

const PLAIN = '11110 i:1 1 op:5 Rn:4 | 0 imm3:3 Rd:4 imm8:8';

function imm12Fields(v: number): { i: number; imm3: number; imm8: number } {
  return { i: v >>> 11, imm3: (v >>> 8) & 7, imm8: v & 0xff };
}

function imm12(g: Gen): number {
  return g.rng.chance(0.3) ? g.rng.pick([0, 1, 0xfff, 0x800, 0x7ff]) : g.rng.int(0x1000);
}

const plainForms: Form[] = [
  ...([['ADD (immediate) T4', 0b00000, 'addw'], ['SUB (immediate) T4', 0b01010, 'subw']] as const).map(([name, op, mn]) =>
    form(name, 'dp-imm', (g) => {
      const v = imm12(g);
      const rn = g.r();
      const rd = g.rD();
      return { hw: enc(PLAIN, { ...imm12Fields(v), op, Rn: rn, Rd: rd }), asm: `${mn} ${reg(rd)}, ${reg(rn)}, #${v}` };
    }),
  ),
  ...([['ADD (SP plus immediate) T4', 0b00000, 'addw', 13], ['SUB (SP minus immediate) T3', 0b01010, 'subw', 13], ['ADR T3', 0b00000, 'addw', 15], ['ADR T2', 0b01010, 'subw', 15]] as const).map(
    ([name, op, mn, rn]) =>
      form(name, 'dp-imm', (g) => {
        // ADR T2 with imm12 = 0 is the assembler's ADR T3 #0 (same result); keep it distinct.
        const v = name === 'ADR T2' ? Math.max(1, imm12(g)) : imm12(g);
        const rd = g.rD();
        return { hw: enc(PLAIN, { ...imm12Fields(v), op, Rn: rn, Rd: rd }), asm: `${mn} ${reg(rd)}, ${reg(rn)}, #${v}` };
      }),
  ),
  ...([['MOV (immediate) T3', 0b00100, 'movw'], ['MOVT T1', 0b01100, 'movt']] as const).map(([name, op, mn]) =>
    form(name, 'dp-imm', (g) => {
      const v = g.rng.chance(0.3) ? g.rng.pick([0, 0xffff, 0x8000, 0x7fff]) : g.rng.int(0x10000);
      const rd = g.rD();
      return { hw: enc(PLAIN, { ...imm12Fields(v & 0xfff), op, Rn: v >>> 12, Rd: rd }), asm: `${mn} ${reg(rd)}, #${v}` };
    }),
  ),
];

// ---- Bitfield, A5.3.3 ---------------------------------------------------------------------------

const BITFIELD = '11110 0 1 op:5 Rn:4 | 0 imm3:3 Rd:4 imm2:2 0 w:5';

const bitfieldForms: Form[] = [
  ...([['SBFX T1', 0b10100, 'sbfx'], ['UBFX T1', 0b11100, 'ubfx']] as const).map(([name, op, mn]) =>
    form(name, 'bitfield', (g) => {
      const lsb = g.rng.int(32);
      const width = g.rng.range(1, 32 - lsb);
      const rn = g.r();
      const rd = g.rD();
      return { hw: enc(BITFIELD, { op, Rn: rn, Rd: rd, imm3: lsb >>> 2, imm2: lsb & 3, w: width - 1 }), asm: `${mn} ${reg(rd)}, ${reg(rn)}, #${lsb}, #${width}` };
    }),
  ),
  form('BFI T1', 'bitfield', (g) => {
    const lsb = g.rng.int(32);
    const msb = g.rng.range(lsb, 31);
    const rn = g.r();
    const rd = g.rD();
    return { hw: enc(BITFIELD, { op: 0b10110, Rn: rn, Rd: rd, imm3: lsb >>> 2, imm2: lsb & 3, w: msb }), asm: `bfi ${reg(rd)}, ${reg(rn)}, #${lsb}, #${msb - lsb + 1}` };
  }),
  form('BFC T1', 'bitfield', (g) => {
    const lsb = g.rng.int(32);
    const msb = g.rng.range(lsb, 31);
    const rd = g.rD();
    return { hw: enc(BITFIELD, { op: 0b10110, Rn: 15, Rd: rd, imm3: lsb >>> 2, imm2: lsb & 3, w: msb }), asm: `bfc ${reg(rd)}, #${lsb}, #${msb - lsb + 1}` };
  }),
];

// ---- Data processing (shifted register), A5.3.11 ------------------------------------------------

export const SHIFTED = '1110101 op:4 S:1 Rn:4 | 0 imm3:3 Rd:4 imm2:2 type:2 Rm:4';

const SHIFTED_OPS: ReadonlyArray<[string, number, string]> = [
  ['AND', 0x0, 'T2'], ['BIC', 0x1, 'T2'], ['ORR', 0x2, 'T2'], ['ORN', 0x3, 'T1'], ['EOR', 0x4, 'T2'],
  ['ADD', 0x8, 'T3'], ['ADC', 0xa, 'T2'], ['SBC', 0xb, 'T2'], ['SUB', 0xd, 'T2'], ['RSB', 0xe, 'T1'],
];
const SHIFTED_TESTS: ReadonlyArray<[string, number, string]> = [
  ['TST', 0x0, 'T2'], ['TEQ', 0x4, 'T1'], ['CMN', 0x8, 'T2'], ['CMP', 0xd, 'T3'],
];

/** The MOV (register) T3 family: ORR with Rn = 1111 is MOV, LSL/LSR/ASR/ROR (immediate) or RRX. */
function movShiftText(type: number, imm5: number, s: number, rd: number, rm: number): [string, string] {
  const S = sfx(s);
  if (type === 0 && imm5 === 0) return ['MOV (register) T3', `mov${S}.w ${reg(rd)}, ${reg(rm)}`];
  if (type === 3 && imm5 === 0) return ['RRX T1', `rrx${S}.w ${reg(rd)}, ${reg(rm)}`];
  const names = ['LSL (immediate) T2', 'LSR (immediate) T2', 'ASR (immediate) T2', 'ROR (immediate) T1'];
  return [names[type], `${['lsl', 'lsr', 'asr', 'ror'][type]}${S}.w ${reg(rd)}, ${reg(rm)}, #${imm5 === 0 ? 32 : imm5}`];
}

const shiftedForms: Form[] = [
  ...SHIFTED_OPS.map(([mn, op, t]) =>
    form(`${mn} (register) ${t}`, 'dp-reg', (g) => {
      const sh = immShift(g);
      const S = flag(g);
      const rm = g.r();
      const rn = g.r();
      const rd = g.rD();
      return { hw: enc(SHIFTED, { ...sh, op, S, Rn: rn, Rd: rd, Rm: rm }), asm: `${mn.toLowerCase()}${sfx(S)}.w ${reg(rd)}, ${reg(rn)}, ${reg(rm)}${shiftText(sh.type, sh.imm5)}` };
    }),
  ),
  ...SHIFTED_TESTS.map(([mn, op, t]) =>
    form(`${mn} (register) ${t}`, 'dp-reg', (g) => {
      const sh = immShift(g);
      const rm = g.r();
      const rn = g.r();
      return { hw: enc(SHIFTED, { ...sh, op, S: 1, Rn: rn, Rd: 15, Rm: rm }), asm: `${mn.toLowerCase()}.w ${reg(rn)}, ${reg(rm)}${shiftText(sh.type, sh.imm5)}` };
    }),
  ),
  form('MVN (register) T2', 'dp-reg', (g) => {
    const sh = immShift(g);
    const S = flag(g);
    const rm = g.r();
    const rd = g.rD();
    return { hw: enc(SHIFTED, { ...sh, op: 0x3, S, Rn: 15, Rd: rd, Rm: rm }), asm: `mvn${sfx(S)}.w ${reg(rd)}, ${reg(rm)}${shiftText(sh.type, sh.imm5)}` };
  }),
  {
    // ORR with Rn = 1111: MOV (register) T3, LSL/LSR/ASR/ROR (immediate) or RRX depending on the shift.
    name: 'MOV (register) T3',
    cls: 'dp-reg',
    gen(g) {
      // Plain MOV and RRX come up as often as each shift.
      const k = g.rng.int(6);
      const sh = k === 0 ? { type: 0, imm5: 0, imm3: 0, imm2: 0 } : k === 1 ? { type: 3, imm5: 0, imm3: 0, imm2: 0 } : immShift(g);
      const S = flag(g);
      const rm = g.r();
      const rd = g.rD();
      const [name, asm] = movShiftText(sh.type, sh.imm5, S, rd, rm);
      return { hw: enc(SHIFTED, { ...sh, op: 0x2, S, Rn: 15, Rd: rd, Rm: rm }), asm, form: name };
    },
  },
  ...([['ADD (SP plus register) T3', 0x8, 'add'], ['SUB (SP minus register) T1', 0xd, 'sub']] as const).map(([name, op, mn]) =>
    form(name, 'dp-reg', (g) => {
      const sh = immShift(g);
      const S = flag(g);
      const rm = g.r();
      const rd = g.rD();
      return { hw: enc(SHIFTED, { ...sh, op, S, Rn: 13, Rd: rd, Rm: rm }), asm: `${mn}${sfx(S)}.w ${reg(rd)}, sp, ${reg(rm)}${shiftText(sh.type, sh.imm5)}` };
    }),
  ),
];

// ---- Register-controlled shifts and extends, A5.3.12 ---------------------------------------------

const regShiftForms: Form[] = (['LSL', 'LSR', 'ASR', 'ROR'] as const).map((mn, type) =>
  form(`${mn} (register) T2`, 'shift-reg', (g) => {
    const S = flag(g);
    const rm = g.rng.chance(0.5) ? g.biased(GP, [0, 1, 31, 32, 33, 255, 256, 0xffffffe0]) : g.r();
    const rn = g.r();
    const rd = g.rD();
    return { hw: enc('11111010 0 type:2 S:1 Rn:4 | 1111 Rd:4 0000 Rm:4', { type, S, Rn: rn, Rd: rd, Rm: rm }), asm: `${mn.toLowerCase()}${sfx(S)}.w ${reg(rd)}, ${reg(rn)}, ${reg(rm)}` };
  }),
);

export const EXTEND = '11111010 0 op:3 Rn:4 | 1111 Rd:4 10 rot:2 Rm:4';

/** SXTAH/UXTAH/SXTAB/UXTAB (Rn != 1111) and SXTH/UXTH/SXTB/UXTB T2 (Rn = 1111). The *16 ones are DSP (forms-dsp.ts). */
export function extendForms(ops: ReadonlyArray<[number, string, string, string, string]>, cls: InsnClass): Form[] {
  return ops.flatMap(([op, addName, plainName, addMn, plainMn]) => [
    form(addName, cls, (g) => {
      const rot = g.rng.int(4);
      const rm = g.r();
      const rn = g.r();
      const rd = g.rD();
      return { hw: enc(EXTEND, { op, Rn: rn, Rd: rd, rot, Rm: rm }), asm: `${addMn} ${reg(rd)}, ${reg(rn)}, ${reg(rm)}${rot ? `, ror #${rot * 8}` : ''}` };
    }),
    form(plainName, cls, (g) => {
      const rot = g.rng.int(4);
      const rm = g.r();
      const rd = g.rD();
      return { hw: enc(EXTEND, { op, Rn: 15, Rd: rd, rot, Rm: rm }), asm: `${plainMn} ${reg(rd)}, ${reg(rm)}${rot ? `, ror #${rot * 8}` : ''}` };
    }),
  ]);
}

const extendForms32 = extendForms(
  [
    [0, 'SXTAH T1', 'SXTH T2', 'sxtah', 'sxth.w'],
    [1, 'UXTAH T1', 'UXTH T2', 'uxtah', 'uxth.w'],
    [4, 'SXTAB T1', 'SXTB T2', 'sxtab', 'sxtb.w'],
    [5, 'UXTAB T1', 'UXTB T2', 'uxtab', 'uxtb.w'],
  ],
  'extend',
);

// ---- Miscellaneous operations, A5.3.15 -----------------------------------------------------------

export const MISC = '11111010 10 op1:2 Rn:4 | 1111 Rd:4 10 op2:2 Rm:4';

/** One-operand misc ops: Rm is encoded twice (UNPREDICTABLE when the copies differ). */
const miscForms: Form[] = ([
  ['REV T2', 1, 0, 'rev.w'], ['REV16 T2', 1, 1, 'rev16.w'], ['RBIT T1', 1, 2, 'rbit'], ['REVSH T2', 1, 3, 'revsh.w'], ['CLZ T1', 3, 0, 'clz'],
] as const).map(([name, op1, op2, mn]) =>
  form(name, 'misc', (g) => {
    const rm = g.r();
    const rd = g.rD();
    return { hw: enc(MISC, { op1, op2, Rn: rm, Rd: rd, Rm: rm }), asm: `${mn} ${reg(rd)}, ${reg(rm)}` };
  }),
);

// ---- Multiply, long multiply, divide: A5.3.16, A5.3.17 --------------------------------------------

export const MULT = '11111011 0 op1:3 Rn:4 | Ra:4 Rd:4 op2:4 Rm:4';
export const LONGMULT = '11111011 1 op1:3 Rn:4 | RdLo:4 RdHi:4 op2:4 Rm:4';

const multiplyForms: Form[] = [
  form('MUL T2', 'multiply', (g) => {
    const [rn, rm] = [g.r(), g.r()];
    const rd = g.rD();
    return { hw: enc(MULT, { op1: 0, Rn: rn, Ra: 15, Rd: rd, op2: 0, Rm: rm }), asm: `mul.w ${reg(rd)}, ${reg(rn)}, ${reg(rm)}` };
  }),
  ...([['MLA T1', 0, 'mla'], ['MLS T1', 1, 'mls']] as const).map(([name, op2, mn]) =>
    form(name, 'multiply', (g) => {
      const [rn, rm, ra] = [g.r(), g.r(), g.r()];
      const rd = g.rD();
      return { hw: enc(MULT, { op1: 0, Rn: rn, Ra: ra, Rd: rd, op2, Rm: rm }), asm: `${mn} ${reg(rd)}, ${reg(rn)}, ${reg(rm)}, ${reg(ra)}` };
    }),
  ),
];

/** RdLo and RdHi, distinct (UNPREDICTABLE when equal). */
export function longDests(g: Gen): [number, number] {
  const lo = g.rD();
  const hi = g.dest(GP, [lo]);
  return [lo, hi];
}

const longMultiplyForms: Form[] = ([['SMULL T1', 0, 'smull'], ['UMULL T1', 2, 'umull'], ['SMLAL T1', 4, 'smlal'], ['UMLAL T1', 6, 'umlal']] as const).map(
  ([name, op1, mn]) =>
    form(name, 'long-multiply', (g) => {
      const [rn, rm] = [g.r(), g.r()];
      const [lo, hi] = longDests(g);
      return { hw: enc(LONGMULT, { op1, Rn: rn, RdLo: lo, RdHi: hi, op2: 0, Rm: rm }), asm: `${mn} ${reg(lo)}, ${reg(hi)}, ${reg(rn)}, ${reg(rm)}` };
    }),
);

/** SDIV/UDIV: divisors 0 and -1 and the dividend INT_MIN come up often (DIV_0_TRP is off: x/0 = 0). */
const divideForms: Form[] = ([['SDIV T1', 1, 'sdiv'], ['UDIV T1', 3, 'udiv']] as const).map(([name, op1, mn]) =>
  form(name, 'divide', (g) => {
    const rm = g.rng.chance(0.4) ? g.biased(GP, [0, 0xffffffff, 1, 2, 0x80000000]) : g.r();
    const rn = g.rng.chance(0.3) ? g.biased(GP, [0x80000000, 0x7fffffff, 0, 0xffffffff]) : g.r();
    const rd = g.rD();
    return { hw: enc(LONGMULT, { op1, Rn: rn, RdLo: 15, RdHi: rd, op2: 15, Rm: rm }), asm: `${mn} ${reg(rd)}, ${reg(rn)}, ${reg(rm)}` };
  }),
);

// ---- APSR access, hints, barriers: A5.3.4 ---------------------------------------------------------

const PSR_NAMES = ['apsr', 'iapsr', 'eapsr', 'xpsr', '', 'ipsr', 'epsr', 'iepsr'];
const MSR_MASKS = ['', '_g', '_nzcvq', '_nzcvqg'];
const BARRIER_OPTIONS: ReadonlyArray<[number, string]> = [[15, 'sy'], [14, 'st'], [11, 'ish'], [10, 'ishst'], [7, 'nsh'], [6, 'nshst'], [3, 'osh'], [2, 'oshst']];

const statusForms: Form[] = [
  form('MRS T1', 'status', (g) => {
    const sysm = g.rng.pick([0, 1, 2, 3, 5, 6, 7]);
    const rd = g.rD();
    return { hw: enc('1111001111101111 | 1000 Rd:4 SYSm:8', { Rd: rd, SYSm: sysm }), asm: `mrs ${reg(rd)}, ${PSR_NAMES[sysm]}` };
  }),
  form('MSR T1', 'status', (g) => {
    const sysm = g.rng.int(4);
    const mask = g.rng.range(1, 3);
    const rn = g.r();
    return { hw: enc('111100111000 Rn:4 | 1000 mask:2 00 SYSm:8', { Rn: rn, mask, SYSm: sysm }), asm: `msr ${PSR_NAMES[sysm]}${MSR_MASKS[mask]}, ${reg(rn)}` };
  }),
  form('NOP T2', 'misc', () => ({ hw: [0xf3af, 0x8000], asm: 'nop.w' }), 0.3),
  form('YIELD T2', 'misc', () => ({ hw: [0xf3af, 0x8001], asm: 'yield.w' }), 0.2),
  form('SEV T2', 'misc', () => ({ hw: [0xf3af, 0x8004], asm: 'sev.w' }), 0.2),
  form('DBG T1', 'misc', (g) => {
    const option = g.rng.int(16);
    return { hw: enc('1111001110101111 | 10000000 1111 option:4', { option }), asm: `dbg #${option}` };
  }, 0.2),
  // Unallocated hints execute as NOP (A5.3.4); GNU as has no mnemonic for them.
  form('unallocated hint (NOP) T2', 'misc', (g) => {
    const op = g.rng.range(5, 0xef);
    return { hw: enc('1111001110101111 | 10000000 op:8', { op }), asm: `.inst.w 0xf3af80${op.toString(16).padStart(2, '0')}` };
  }, 0.2),
  ...([['DSB T1', 4, 'dsb'], ['DMB T1', 5, 'dmb'], ['ISB T1', 6, 'isb']] as const).map(([name, op, mn]) =>
    form(
      name,
      'misc',
      (g) => {
        const [opt, optName] = op === 6 ? [15, 'sy'] : g.rng.pick(BARRIER_OPTIONS);
        return { hw: enc('1111001110111111 | 10001111 op:4 opt:4', { op, opt }), asm: `${mn} ${optName}` };
      },
      0.3,
    ),
  ),
];

export const THUMB32_FORMS: readonly Form[] = [
  ...modImmForms,
  ...plainForms,
  ...bitfieldForms,
  ...shiftedForms,
  ...regShiftForms,
  ...extendForms32,
  ...miscForms,
  ...multiplyForms,
  ...longMultiplyForms,
  ...divideForms,
  ...statusForms,
];

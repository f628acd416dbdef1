/**
 * 16-bit Thumb integer data-processing encodings (ARMv7-M ARM A5.2.1–A5.2.5), without loads/stores
 * (forms-memory.ts) and branches (excluded). Outside an IT block these set the flags; inside they do
 * not (A7.3.3) — the same encoding is generated in both places.
 */
import type { Gen } from './gen.js';
import { noFit } from './gen.js';
import { enc, reg, type Form, type InsnClass } from './insn.js';

/** 's' for the flag-setting text (the text is always written as outside an IT block). */
const S = 's';

const shiftImm = (name: 'LSL' | 'LSR' | 'ASR', op: number): Form => ({
  name: `${name} (immediate) T1`,
  cls: 'int16',
  gen(g) {
    const imm5 = name === 'LSL' ? g.rng.range(1, 31) : g.rng.int(32);
    const rm = g.lo();
    const rd = g.loD();
    const n = imm5 === 0 ? 32 : imm5;
    return { hw: enc('000 op:2 imm5:5 Rm:3 Rd:3', { op, imm5, Rm: rm, Rd: rd }), asm: `${name.toLowerCase()}${S} ${reg(rd)}, ${reg(rm)}, #${n}` };
  },
});

const addSubReg = (name: 'ADD' | 'SUB', op: number): Form => ({
  name: `${name} (register) T1`,
  cls: 'int16',
  gen(g) {
    const rm = g.lo();
    const rn = g.lo();
    const rd = g.loD();
    return { hw: enc('000110 op:1 Rm:3 Rn:3 Rd:3', { op, Rm: rm, Rn: rn, Rd: rd }), asm: `${name.toLowerCase()}${S} ${reg(rd)}, ${reg(rn)}, ${reg(rm)}` };
  },
});

const addSubImm3 = (name: 'ADD' | 'SUB', op: number): Form => ({
  name: `${name} (immediate) T1`,
  cls: 'int16',
  gen(g) {
    const imm3 = g.rng.int(8);
    const rn = g.lo();
    const rd = g.loD();
    return { hw: enc('000111 op:1 imm3:3 Rn:3 Rd:3', { op, imm3, Rn: rn, Rd: rd }), asm: `${name.toLowerCase()}${S} ${reg(rd)}, ${reg(rn)}, #${imm3}` };
  },
});

/** MOV/CMP/ADD/SUB with an 8-bit immediate (A5.2.1 opcodes 100–111). */
const imm8Op = (name: 'MOV' | 'CMP' | 'ADD' | 'SUB', op: number, encName: string): Form => ({
  name: `${name} (immediate) ${encName}`,
  cls: 'int16',
  gen(g) {
    const imm8 = g.rng.chance(0.3) ? g.rng.pick([0, 1, 0x7f, 0x80, 0xff]) : g.rng.int(256);
    if (name === 'CMP') {
      const rn = g.lo();
      return { hw: enc('001 op:2 Rn:3 imm8:8', { op, Rn: rn, imm8 }), asm: `cmp ${reg(rn)}, #${imm8}` };
    }
    const rd = g.loD();
    const text = name === 'MOV' ? `movs ${reg(rd)}, #${imm8}` : `${name.toLowerCase()}s ${reg(rd)}, #${imm8}`;
    return { hw: enc('001 op:2 Rd:3 imm8:8', { op, Rd: rd, imm8 }), asm: text };
  },
});

/** The 16 data-processing operations of A5.2.2 (010000 opcode Rm Rdn). */
const DP_OPS: ReadonlyArray<{ op: number; name: string; text: (rdn: number, rm: number) => string; writes: boolean }> = [
  { op: 0x0, name: 'AND (register) T1', text: (d, m) => `ands ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0x1, name: 'EOR (register) T1', text: (d, m) => `eors ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0x2, name: 'LSL (register) T1', text: (d, m) => `lsls ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0x3, name: 'LSR (register) T1', text: (d, m) => `lsrs ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0x4, name: 'ASR (register) T1', text: (d, m) => `asrs ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0x5, name: 'ADC (register) T1', text: (d, m) => `adcs ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0x6, name: 'SBC (register) T1', text: (d, m) => `sbcs ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0x7, name: 'ROR (register) T1', text: (d, m) => `rors ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0x8, name: 'TST (register) T1', text: (d, m) => `tst ${reg(d)}, ${reg(m)}`, writes: false },
  { op: 0x9, name: 'RSB (immediate) T1', text: (d, m) => `rsbs ${reg(d)}, ${reg(m)}, #0`, writes: true },
  { op: 0xa, name: 'CMP (register) T1', text: (d, m) => `cmp ${reg(d)}, ${reg(m)}`, writes: false },
  { op: 0xb, name: 'CMN (register) T1', text: (d, m) => `cmn ${reg(d)}, ${reg(m)}`, writes: false },
  { op: 0xc, name: 'ORR (register) T1', text: (d, m) => `orrs ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0xd, name: 'MUL T1', text: (d, m) => `muls ${reg(d)}, ${reg(m)}, ${reg(d)}`, writes: true },
  { op: 0xe, name: 'BIC (register) T1', text: (d, m) => `bics ${reg(d)}, ${reg(m)}`, writes: true },
  { op: 0xf, name: 'MVN (register) T1', text: (d, m) => `mvns ${reg(d)}, ${reg(m)}`, writes: true },
];

const dpForms: Form[] = DP_OPS.map((o) => ({
  name: o.name,
  cls: 'int16',
  gen(g: Gen) {
    const rm = g.lo();
    const rdn = o.writes ? g.loD() : g.lo();
    return { hw: enc('010000 op:4 Rm:3 Rdn:3', { op: o.op, Rm: rm, Rdn: rdn }), asm: o.text(rdn, rm) };
  },
}));

/** Any register but PC as a high-register operand; SP only where the form allows it. */
function hiSrc(g: Gen, allowSp: boolean): number {
  for (;;) {
    const r = g.any();
    if (r !== 13 || allowSp) return r;
  }
}

export const THUMB16_FORMS: readonly Form[] = [
  shiftImm('LSL', 0),
  shiftImm('LSR', 1),
  shiftImm('ASR', 2),
  {
    // LSL #0 is MOVS Rd, Rm; UNPREDICTABLE inside an IT block (A7.7.77 T2).
    name: 'MOV (register) T2',
    cls: 'int16',
    notInIt: true,
    gen(g) {
      const rm = g.lo();
      const rd = g.loD();
      return { hw: enc('0000000000 Rm:3 Rd:3', { Rm: rm, Rd: rd }), asm: `movs ${reg(rd)}, ${reg(rm)}` };
    },
  },
  addSubReg('ADD', 0),
  addSubReg('SUB', 1),
  addSubImm3('ADD', 0),
  addSubImm3('SUB', 1),
  imm8Op('MOV', 0, 'T1'),
  imm8Op('CMP', 1, 'T1'),
  imm8Op('ADD', 2, 'T2'),
  imm8Op('SUB', 3, 'T2'),
  ...dpForms,
  {
    // ADD Rdn, Rm with high registers; Rm may be SP (then it is ADD (SP plus register) T1 when Rdn is not SP) or PC.
    name: 'ADD (register) T2',
    cls: 'int16',
    gen(g) {
      const rdn = g.dest([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]);
      let rm = g.rng.chance(0.1) ? 15 : hiSrc(g, false);
      if (rm === rdn && g.rng.chance(0.5)) rm = hiSrc(g, false);
      return { hw: enc('01000100 DN:1 Rm:4 Rdn:3', { DN: rdn >> 3, Rm: rm, Rdn: rdn & 7 }), asm: `add ${reg(rdn)}, ${reg(rm)}` };
    },
  },
  {
    name: 'ADD (SP plus register) T1',
    cls: 'int16',
    gen(g) {
      const rdm = g.dest([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]);
      return { hw: enc('01000100 DM:1 1101 Rdm:3', { DM: rdm >> 3, Rdm: rdm & 7 }), asm: `add ${reg(rdm)}, sp, ${reg(rdm)}` };
    },
  },
  {
    // CMP (register) T2: at least one high register, neither PC.
    name: 'CMP (register) T2',
    cls: 'int16',
    gen(g) {
      const rn = hiSrc(g, true);
      let rm = hiSrc(g, true);
      if (rn < 8 && rm < 8) rm = g.rng.range(8, 14);
      return { hw: enc('01000101 N:1 Rm:4 Rn:3', { N: rn >> 3, Rm: rm, Rn: rn & 7 }), asm: `cmp ${reg(rn)}, ${reg(rm)}` };
    },
  },
  {
    name: 'MOV (register) T1',
    cls: 'int16',
    gen(g) {
      const rd = g.dest([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]);
      const rm = g.rng.chance(0.05) ? 15 : hiSrc(g, true);
      return { hw: enc('01000110 D:1 Rm:4 Rd:3', { D: rd >> 3, Rm: rm, Rd: rd & 7 }), asm: `mov ${reg(rd)}, ${reg(rm)}` };
    },
  },
  addressFrom('ADR T1', '10100', 'pc'),
  addressFrom('ADD (SP plus immediate) T1', '10101', 'sp'),
  spAdjust('ADD', 0, 'T2'),
  spAdjust('SUB', 1, 'T1'),
  ...(['SXTH', 'SXTB', 'UXTH', 'UXTB'] as const).map((name, op) => twoLow(`${name} T1`, 'extend', '10110010', op)),
  ...([['REV', 0], ['REV16', 1], ['REVSH', 3]] as const).map(([name, op]) => twoLow(`${name} T1`, 'misc', '10111010', op)),
  { name: 'NOP T1', cls: 'misc', weight: 0.3, gen: () => ({ hw: [0xbf00], asm: 'nop' }) },
  { name: 'YIELD T1', cls: 'misc', weight: 0.2, gen: () => ({ hw: [0xbf10], asm: 'yield' }) },
  { name: 'SEV T1', cls: 'misc', weight: 0.2, gen: () => ({ hw: [0xbf40], asm: 'sev' }) },
  {
    // Unallocated hints execute as NOP (A5.2.5); GNU as has no mnemonic for them.
    name: 'unallocated hint (NOP) T1',
    cls: 'misc',
    weight: 0.2,
    gen(g) {
      const hw = 0xbf00 | (g.rng.range(5, 15) << 4);
      return { hw: [hw], asm: `.inst.n 0x${hw.toString(16)}` };
    },
  },
  {
    // ADD SP, Rm: Rm holds a small multiple of 4 so SP stays word aligned and inside the window.
    name: 'ADD (SP plus register) T2',
    cls: 'int16',
    weight: 0.5,
    gen(g) {
      const sp = g.sp();
      const delta = 4 * g.rng.range(-48, 48);
      if (sp + delta < g.layout.dataLo + 0x100 || sp + delta > g.layout.dataHi - 0x100) noFit();
      const rm = g.constant([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14], delta >>> 0);
      g.writeback(13, delta);
      return { hw: enc('010001001 Rm:4 101', { Rm: rm }), asm: `add sp, ${reg(rm)}` };
    },
  },
];

/** `<prefix> op Rm Rd` with low registers: the 16-bit extends and byte reversals (A5.2.5). */
function twoLow(name: string, cls: InsnClass, prefix: string, op: number): Form {
  return {
    name,
    cls,
    gen(g) {
      const rm = g.lo();
      const rd = g.loD();
      return { hw: enc(`${prefix} op:2 Rm:3 Rd:3`, { op, Rm: rm, Rd: rd }), asm: `${name.split(' ')[0].toLowerCase()} ${reg(rd)}, ${reg(rm)}` };
    },
  };
}

/** ADR / ADD Rd, SP, #imm8*4: an address relative to Align(PC, 4) or SP. */
function addressFrom(name: string, prefix: string, base: 'pc' | 'sp'): Form {
  return {
    name,
    cls: 'int16',
    gen(g) {
      const rd = g.loD();
      const imm8 = g.rng.int(256);
      return { hw: enc(`${prefix} Rd:3 imm8:8`, { Rd: rd, imm8 }), asm: `add ${reg(rd)}, ${base}, #${imm8 * 4}` };
    },
  };
}

/** ADD SP, SP, #imm7*4 / SUB SP, SP, #imm7*4: keeps SP inside the data window. */
function spAdjust(name: 'ADD' | 'SUB', op: number, encName: string): Form {
  return {
    name: `${name} (SP ${name === 'ADD' ? 'plus' : 'minus'} immediate) ${encName}`,
    cls: 'int16',
    gen(g) {
      const sp = g.sp();
      const imm7 = g.rng.int(32);
      const delta = (name === 'ADD' ? 1 : -1) * imm7 * 4;
      const after = sp + delta;
      if (after < g.layout.dataLo + 0x100 || after > g.layout.dataHi - 0x100) noFit();
      g.writeback(13, delta);
      return { hw: enc('10110000 op:1 imm7:7', { op, imm7 }), asm: `${name.toLowerCase()} sp, #${imm7 * 4}` };
    },
  };
}

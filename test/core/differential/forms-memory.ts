/**
 * Loads and stores (ARMv7-M ARM A5.2.4, A5.2.5, A5.3.5–A5.3.10): every width and addressing mode
 * (immediate, pre/post-indexed, negative, register with shift, literal, unprivileged), PLD/PLI,
 * LDM/STM/PUSH/POP in both sizes, LDRD/STRD and the exclusives. Base and index registers are pinned
 * by the generation context so every access lands in the scratch window; LDM/STM, LDRD/STRD and the
 * exclusives are word (or access-size) aligned, the others are sometimes unaligned (allowed while
 * CCR.UNALIGN_TRP = 0, A3.2.1).
 */
import { GP, LOW, noFit, type Gen } from './gen.js';
import { enc, reg, regList, type Encoded, type Form } from './insn.js';

/** One width/signedness of single loads and stores, with its encoding names per addressing mode. */
interface Kind {
  readonly mn: string;
  readonly S: number;
  readonly size: number; // 0 byte, 1 halfword, 2 word
  readonly L: number;
  readonly names: readonly [imm12: string, imm8: string, register: string, literal: string | null, unprivileged: string];
}

const KINDS: readonly Kind[] = [
  { mn: 'ldr', S: 0, size: 2, L: 1, names: ['LDR (immediate) T3', 'LDR (immediate) T4', 'LDR (register) T2', 'LDR (literal) T2', 'LDRT T1'] },
  { mn: 'ldrb', S: 0, size: 0, L: 1, names: ['LDRB (immediate) T2', 'LDRB (immediate) T3', 'LDRB (register) T2', 'LDRB (literal) T1', 'LDRBT T1'] },
  { mn: 'ldrh', S: 0, size: 1, L: 1, names: ['LDRH (immediate) T2', 'LDRH (immediate) T3', 'LDRH (register) T2', 'LDRH (literal) T1', 'LDRHT T1'] },
  { mn: 'ldrsb', S: 1, size: 0, L: 1, names: ['LDRSB (immediate) T1', 'LDRSB (immediate) T2', 'LDRSB (register) T2', 'LDRSB (literal) T1', 'LDRSBT T1'] },
  { mn: 'ldrsh', S: 1, size: 1, L: 1, names: ['LDRSH (immediate) T1', 'LDRSH (immediate) T2', 'LDRSH (register) T2', 'LDRSH (literal) T1', 'LDRSHT T1'] },
  { mn: 'str', S: 0, size: 2, L: 0, names: ['STR (immediate) T3', 'STR (immediate) T4', 'STR (register) T2', null, 'STRT T1'] },
  { mn: 'strb', S: 0, size: 0, L: 0, names: ['STRB (immediate) T2', 'STRB (immediate) T3', 'STRB (register) T2', null, 'STRBT T1'] },
  { mn: 'strh', S: 0, size: 1, L: 0, names: ['STRH (immediate) T2', 'STRH (immediate) T3', 'STRH (register) T2', null, 'STRHT T1'] },
];

const IMM12 = '1111100 S:1 1 size:2 L:1 Rn:4 | Rt:4 imm12:12';
const IMM8 = '1111100 S:1 0 size:2 L:1 Rn:4 | Rt:4 1 P:1 U:1 W:1 imm8:8';
const REGOFF = '1111100 S:1 0 size:2 L:1 Rn:4 | Rt:4 000000 imm2:2 Rm:4';
const LITERAL = '1111100 S:1 U:1 size:2 1 1111 | Rt:4 imm12:12';

/** The transfer register: a free destination for loads, any register for stores. */
function transfer(g: Gen, k: { L: number }, low: boolean, not: readonly number[] = []): number {
  if (k.L) return g.dest(low ? LOW : GP, not);
  const pool = (low ? LOW : GP).filter((r) => !not.includes(r));
  return g.rng.pick(pool);
}

/** The S/size/L fields of a kind. */
function kf(k: Kind): { S: number; size: number; L: number } {
  return { S: k.S, size: k.size, L: k.L };
}

function accessDone(g: Gen, k: { L: number }): void {
  if (!k.L) g.stored();
}

/** Address of a PC-relative (literal) access: Align(PC, 4) ± imm, kept inside the window. */
function literalImm(g: Gen, max: number, bytes: number, scale = 1): { U: number; imm: number } {
  const base = (g.pc + 4) & ~3;
  for (let tries = 0; tries < 8; tries++) {
    const U = g.rng.chance(0.75) ? 1 : 0;
    const imm = g.rng.int(max + 1) * scale;
    if (U === 0 && imm === 0) continue; // "#-0" has no assembler spelling
    const a = U ? base + imm : base - imm;
    if (a >= g.layout.codeBase && a + bytes <= g.layout.dataHi) return { U, imm };
  }
  return noFit();
}

function singleForms(k: Kind): Form[] {
  const bytes = 1 << k.size;
  const [nImm12, nImm8, nReg, nLit, nT] = k.names;
  const out: Form[] = [
    {
      name: nImm12,
      cls: 'mem-single',
      gen(g) {
        const imm12 = g.rng.chance(0.7) ? g.rng.int(256) : g.rng.int(4096);
        const rn = g.base({ offset: imm12, size: bytes, align: 1, unalignedOk: true });
        const rt = transfer(g, k, false);
        accessDone(g, k);
        return { hw: enc(IMM12, { ...kf(k), Rn: rn, Rt: rt, imm12 }), asm: `${k.mn}.w ${reg(rt)}, [${reg(rn)}, #${imm12}]` };
      },
    },
    {
      // imm8 forms: negative offset, pre-indexed and post-indexed with writeback.
      name: nImm8,
      cls: 'mem-single',
      gen(g) {
        const mode = g.rng.pick(['neg', 'pre', 'post'] as const);
        const U = mode === 'neg' ? 0 : g.rng.bit();
        const imm8 = mode === 'neg' ? g.rng.range(1, 255) : g.rng.int(256);
        const delta = U ? imm8 : -imm8;
        const rn = g.base({ offset: mode === 'post' ? 0 : delta, size: bytes, align: 1, unalignedOk: true });
        // With writeback Rt must differ from Rn (UNPREDICTABLE otherwise).
        const rt = transfer(g, k, false, mode === 'neg' ? [] : [rn]);
        if (mode !== 'neg') g.writeback(rn, delta);
        accessDone(g, k);
        const off = `#${U ? '' : '-'}${imm8}`;
        const addr = mode === 'neg' ? `[${reg(rn)}, ${off}]` : mode === 'pre' ? `[${reg(rn)}, ${off}]!` : `[${reg(rn)}], ${off}`;
        const P = mode === 'post' ? 0 : 1;
        const W = mode === 'neg' ? 0 : 1;
        return { hw: enc(IMM8, { ...kf(k), Rn: rn, Rt: rt, P, U, W, imm8 }), asm: `${k.mn} ${reg(rt)}, ${addr}` };
      },
    },
    {
      name: nT,
      cls: 'mem-single',
      weight: 0.3,
      gen(g) {
        const imm8 = g.rng.int(256);
        const rn = g.base({ offset: imm8, size: bytes, align: 1, unalignedOk: true });
        const rt = transfer(g, k, false);
        accessDone(g, k);
        return { hw: enc(IMM8, { ...kf(k), Rn: rn, Rt: rt, P: 1, U: 1, W: 0, imm8 }), asm: `${k.mn}t ${reg(rt)}, [${reg(rn)}, #${imm8}]` };
      },
    },
    {
      name: nReg,
      cls: 'mem-single',
      gen(g) {
        const shift = g.rng.int(4);
        const [rm, v] = g.index({});
        const rn = g.base({ offset: v << shift, size: bytes, align: 1, unalignedOk: true, not: [rm] });
        const rt = transfer(g, k, false);
        accessDone(g, k);
        return { hw: enc(REGOFF, { ...kf(k), Rn: rn, Rt: rt, imm2: shift, Rm: rm }), asm: `${k.mn}.w ${reg(rt)}, [${reg(rn)}, ${reg(rm)}${shift ? `, lsl #${shift}` : ''}]` };
      },
    },
  ];
  if (nLit) {
    out.push({
      name: nLit,
      cls: 'mem-single',
      gen(g) {
        const { U, imm } = literalImm(g, g.rng.chance(0.8) ? 255 : 4095, bytes);
        const rt = transfer(g, k, false);
        return { hw: enc(LITERAL, { ...kf(k), U, Rt: rt, imm12: imm }), asm: `${k.mn}.w ${reg(rt)}, [pc, #${U ? '' : '-'}${imm}]` };
      },
    });
  }
  return out;
}

/** PLD/PLI (A7.7.98–A7.7.102): hints that never access memory, so the base may hold any value. */
function hintForms(): Form[] {
  return ([['pld', 0, 'PLD'], ['pli', 1, 'PLI']] as const).flatMap(([mn, S, NAME]): Form[] => [
    {
      name: `${NAME} (immediate) T1`,
      cls: 'mem-single',
      weight: 0.3,
      gen(g) {
        const imm12 = g.rng.int(4096);
        const rn = g.r();
        return { hw: enc(IMM12, { S, size: 0, L: 1, Rn: rn, Rt: 15, imm12 }), asm: `${mn} [${reg(rn)}, #${imm12}]` };
      },
    },
    {
      name: `${NAME} (immediate) T2`,
      cls: 'mem-single',
      weight: 0.3,
      gen(g) {
        const imm8 = g.rng.range(1, 255);
        const rn = g.r();
        return { hw: enc(IMM8, { S, size: 0, L: 1, Rn: rn, Rt: 15, P: 1, U: 0, W: 0, imm8 }), asm: `${mn} [${reg(rn)}, #-${imm8}]` };
      },
    },
    {
      name: NAME === 'PLD' ? 'PLD (literal) T1' : 'PLI (immediate, literal) T3',
      cls: 'mem-single',
      weight: 0.2,
      gen(g) {
        const U = g.rng.bit();
        const imm12 = U ? g.rng.int(4096) : g.rng.range(1, 4095);
        return { hw: enc(LITERAL, { S, U, size: 0, Rt: 15, imm12 }), asm: `${mn} [pc, #${U ? '' : '-'}${imm12}]` };
      },
    },
    {
      name: `${NAME} (register) T1`,
      cls: 'mem-single',
      weight: 0.3,
      gen(g) {
        const shift = g.rng.int(4);
        const [rn, rm] = [g.r(), g.r()];
        return { hw: enc(REGOFF, { S, size: 0, L: 1, Rn: rn, Rt: 15, imm2: shift, Rm: rm }), asm: `${mn} [${reg(rn)}, ${reg(rm)}${shift ? `, lsl #${shift}` : ''}]` };
      },
    },
  ]);
}

// ---- 16-bit single loads/stores, A5.2.4 ------------------------------------------------------------

const REG16: ReadonlyArray<[number, string, number, number]> = [
  // opB, mnemonic, bytes, L
  [0, 'str', 4, 0], [1, 'strh', 2, 0], [2, 'strb', 1, 0], [3, 'ldrsb', 1, 1], [4, 'ldr', 4, 1], [5, 'ldrh', 2, 1], [6, 'ldrb', 1, 1], [7, 'ldrsh', 2, 1],
];

const IMM16: ReadonlyArray<[string, string, number, number, number]> = [
  // template prefix, mnemonic, bytes, L, name suffix
  ['0110', 'str', 4, 0, 1], ['0110', 'ldr', 4, 1, 1], ['0111', 'strb', 1, 0, 1], ['0111', 'ldrb', 1, 1, 1], ['1000', 'strh', 2, 0, 1], ['1000', 'ldrh', 2, 1, 1],
];

const thumb16Forms: Form[] = [
  {
    name: 'LDR (literal) T1',
    cls: 'mem-single',
    gen(g) {
      const { imm } = literalImm(g, 255, 4, 4);
      const rt = g.loD();
      return { hw: enc('01001 Rt:3 imm8:8', { Rt: rt, imm8: imm / 4 }), asm: `ldr ${reg(rt)}, [pc, #${imm}]` };
    },
  },
  ...REG16.map(
    ([opB, mn, bytes, L]): Form => ({
      name: `${mn.toUpperCase()} (register) T1`,
      cls: 'mem-single',
      gen(g) {
        const [rm, v] = g.index({ low: true });
        const rn = g.base({ offset: v, size: bytes, align: 1, unalignedOk: true, low: true, not: [rm] });
        const rt = transfer(g, { L }, true);
        accessDone(g, { L });
        return { hw: enc('0101 opB:3 Rm:3 Rn:3 Rt:3', { opB, Rm: rm, Rn: rn, Rt: rt }), asm: `${mn} ${reg(rt)}, [${reg(rn)}, ${reg(rm)}]` };
      },
    }),
  ),
  ...IMM16.map(
    ([prefix, mn, bytes, L]): Form => ({
      name: `${mn.toUpperCase()} (immediate) T1`,
      cls: 'mem-single',
      gen(g) {
        const imm5 = g.rng.int(32);
        const off = imm5 * bytes;
        const rn = g.base({ offset: off, size: bytes, align: 1, unalignedOk: true, low: true });
        const rt = transfer(g, { L }, true);
        accessDone(g, { L });
        return { hw: enc(`${prefix} L:1 imm5:5 Rn:3 Rt:3`, { L, imm5, Rn: rn, Rt: rt }), asm: `${mn} ${reg(rt)}, [${reg(rn)}, #${off}]` };
      },
    }),
  ),
  ...([['STR', 0, 'str'], ['LDR', 1, 'ldr']] as const).map(
    ([NAME, L, mn]): Form => ({
      name: `${NAME} (immediate) T2`,
      cls: 'mem-single',
      gen(g) {
        const imm8 = g.rng.int(256);
        g.base({ offset: imm8 * 4, size: 4, align: 4, reg: 13 });
        const rt = transfer(g, { L }, true);
        accessDone(g, { L });
        return { hw: enc('1001 L:1 Rt:3 imm8:8', { L, Rt: rt, imm8 }), asm: `${mn} ${reg(rt)}, [sp, #${imm8 * 4}]` };
      },
    }),
  ),
];

// ---- Multiple loads/stores, A5.2.5 (PUSH/POP), A6.2 16-bit LDM/STM, A5.3.5 --------------------------

function listBits(regs: readonly number[]): number {
  return regs.reduce((m, r) => m | (1 << r), 0);
}

const MULTI = '1110100 op:2 0 W:1 L:1 Rn:4 | list:16';

const multipleForms: Form[] = [
  {
    name: 'PUSH T1',
    cls: 'mem-multiple',
    gen(g) {
      const regs = g.list([...LOW, 14], 1, 9, false);
      g.base({ offset: -4 * regs.length, size: 4 * regs.length, align: 4, reg: 13 });
      g.writeback(13, -4 * regs.length);
      g.stored();
      const bits = listBits(regs);
      return { hw: enc('1011010 M:1 list:8', { M: (bits >>> 14) & 1, list: bits & 0xff }), asm: `push ${regList(regs)}` };
    },
  },
  {
    name: 'POP T1',
    cls: 'mem-multiple',
    gen(g) {
      const regs = g.list(LOW, 1, 8, true);
      g.base({ offset: 0, size: 4 * regs.length, align: 4, reg: 13 });
      g.writeback(13, 4 * regs.length);
      return { hw: enc('1011110 0 list:8', { list: listBits(regs) }), asm: `pop ${regList(regs)}` };
    },
  },
  ...([['STM T1', 0, 'stmia'], ['LDM T1', 1, 'ldmia']] as const).map(
    ([name, L, mn]): Form => ({
      name,
      cls: 'mem-multiple',
      gen(g) {
        // Base pinned, so never in a load list: both write back (LDM T1 writes back iff Rn is not listed).
        const regs0 = L ? g.list(LOW, 1, 8, true) : null;
        const n = regs0 ? regs0.length : g.rng.range(1, 7);
        const rn = g.base({ offset: 0, size: 4 * n, align: 4, low: true });
        const regs = regs0 ?? g.list(LOW, n, n, false, [rn]);
        g.writeback(rn, 4 * n);
        if (!L) g.stored();
        return { hw: enc(`1100 L:1 Rn:3 list:8`, { L, Rn: rn, list: listBits(regs) }), asm: `${mn} ${reg(rn)}!, ${regList(regs)}` };
      },
    }),
  ),
  ...([['STM T2', 1, 0, 'stmia.w'], ['LDM T2', 1, 1, 'ldmia.w'], ['STMDB T1', 2, 0, 'stmdb'], ['LDMDB T1', 2, 1, 'ldmdb']] as const).map(
    ([name, op, L, mn]): Form => ({
      name,
      cls: 'mem-multiple',
      gen(g) {
        const W = g.rng.bit();
        const regs0 = L ? g.list(GP, 2, 14, true) : null;
        const n = regs0 ? regs0.length : g.rng.range(2, 13);
        const size = 4 * n;
        const rn = g.base({ offset: op === 1 ? 0 : -size, size, align: 4 });
        // STM with writeback must not list its base (UNPREDICTABLE); without writeback it stores the base's value.
        const regs = regs0 ?? g.list(GP, n, n, false, W ? [rn] : []);
        if (W) g.writeback(rn, op === 1 ? size : -size);
        if (!L) g.stored();
        return { hw: enc(MULTI, { op, W, L, Rn: rn, list: listBits(regs) }), asm: `${mn} ${reg(rn)}${W ? '!' : ''}, ${regList(regs)}` };
      },
    }),
  ),
  ...([['PUSH T2', 2, 0, 'push.w', -1], ['POP T2', 1, 1, 'pop.w', 1]] as const).map(
    ([name, op, L, mn, dir]): Form => ({
      name,
      cls: 'mem-multiple',
      gen(g) {
        const regs = g.list(GP, 2, 14, L === 1);
        const size = 4 * regs.length;
        g.base({ offset: dir < 0 ? -size : 0, size, align: 4, reg: 13 });
        g.writeback(13, dir * size);
        if (!L) g.stored();
        return { hw: enc(MULTI, { op, W: 1, L, Rn: 13, list: listBits(regs) }), asm: `${mn} ${regList(regs)}` };
      },
    }),
  ),
  {
    name: 'PUSH T3',
    cls: 'mem-multiple',
    gen(g) {
      const rt = g.r();
      g.base({ offset: -4, size: 4, align: 4, reg: 13 });
      g.writeback(13, -4);
      g.stored();
      return { hw: enc('1111100001001101 | Rt:4 110100000100', { Rt: rt }), asm: `str.w ${reg(rt)}, [sp, #-4]!` };
    },
  },
  {
    name: 'POP T3',
    cls: 'mem-multiple',
    gen(g) {
      const rt = g.rD();
      g.base({ offset: 0, size: 4, align: 4, reg: 13 });
      g.writeback(13, 4);
      return { hw: enc('1111100001011101 | Rt:4 101100000100', { Rt: rt }), asm: `ldr.w ${reg(rt)}, [sp], #4` };
    },
  },
];

// ---- LDRD/STRD, A5.3.6 --------------------------------------------------------------------------

const DUAL = '1110100 P:1 U:1 1 W:1 L:1 Rn:4 | Rt:4 Rt2:4 imm8:8';

const dualForms: Form[] = [
  ...([['STRD (immediate) T1', 0, 'strd'], ['LDRD (immediate) T1', 1, 'ldrd']] as const).map(
    ([name, L, mn]): Form => ({
      name,
      cls: 'mem-dual',
      gen(g) {
        const mode = g.rng.pick(['offset', 'pre', 'post'] as const);
        const U = g.rng.bit();
        const imm8 = g.rng.chance(0.3) ? 0 : g.rng.int(256);
        if (U === 0 && imm8 === 0) return noFit();
        const delta = (U ? 1 : -1) * imm8 * 4;
        const rn = g.base({ offset: mode === 'post' ? 0 : delta, size: 8, align: 4 });
        const wb = mode !== 'offset';
        let rt: number;
        let rt2: number;
        if (L) {
          rt = g.rD();
          rt2 = g.dest(GP, [rt]);
        } else {
          const pool = GP.filter((r) => !wb || r !== rn);
          [rt, rt2] = [g.rng.pick(pool), g.rng.pick(pool)];
        }
        if (wb) g.writeback(rn, delta);
        if (!L) g.stored();
        const off = `#${U ? '' : '-'}${imm8 * 4}`;
        const addr = mode === 'offset' ? `[${reg(rn)}, ${off}]` : mode === 'pre' ? `[${reg(rn)}, ${off}]!` : `[${reg(rn)}], ${off}`;
        return {
          hw: enc(DUAL, { P: mode === 'post' ? 0 : 1, U, W: wb ? 1 : 0, L, Rn: rn, Rt: rt, Rt2: rt2, imm8 }),
          asm: `${mn} ${reg(rt)}, ${reg(rt2)}, ${addr}`,
        };
      },
    }),
  ),
  {
    name: 'LDRD (literal) T1',
    cls: 'mem-dual',
    gen(g) {
      const { U, imm } = literalImm(g, 255, 8, 4);
      const rt = g.rD();
      const rt2 = g.dest(GP, [rt]);
      return { hw: enc(DUAL, { P: 1, U, W: 0, L: 1, Rn: 15, Rt: rt, Rt2: rt2, imm8: imm / 4 }), asm: `ldrd ${reg(rt)}, ${reg(rt2)}, [pc, #${U ? '' : '-'}${imm}]` };
    },
  },
];

// ---- Exclusives, A5.3.6 ---------------------------------------------------------------------------

const EXCL_SIZES: ReadonlyArray<[number, string, string]> = [[4, '', ''], [1, 'b', 'B'], [2, 'h', 'H']];

function exclusiveForms(): Form[] {
  const ldrex = EXCL_SIZES.map(
    ([bytes, s, S]): Form => ({
      name: `LDREX${S} T1`,
      cls: 'mem-exclusive',
      gen(g) {
        const imm8 = bytes === 4 && g.rng.chance(0.5) ? g.rng.int(256) : 0;
        const rn = g.base({ offset: imm8 * 4, size: bytes, align: bytes });
        const rt = g.rD();
        g.setMonitor({ address: g.valueOf(rn) + imm8 * 4, size: bytes });
        const hw = bytes === 4 ? enc('111010000101 Rn:4 | Rt:4 1111 imm8:8', { Rn: rn, Rt: rt, imm8 }) : enc('111010001101 Rn:4 | Rt:4 1111 01 sz:2 1111', { Rn: rn, Rt: rt, sz: bytes >> 1 });
        return { hw, asm: `ldrex${s} ${reg(rt)}, [${reg(rn)}${imm8 ? `, #${imm8 * 4}` : ''}]` };
      },
    }),
  );
  const strex = EXCL_SIZES.map(
    ([bytes, s, S]): Form => ({
      name: `STREX${S} T1`,
      cls: 'mem-exclusive',
      gen(g): Encoded {
        const m = g.monitor;
        let rn: number;
        let imm8 = 0;
        if (m === 'open') {
          imm8 = bytes === 4 && g.rng.chance(0.5) ? g.rng.int(256) : 0;
          rn = g.base({ offset: imm8 * 4, size: bytes, align: bytes });
        } else if (m !== 'unknown' && m.size === bytes) {
          // Same address as the LDREX: a pinned register at most 1020 below it, or pin one.
          const delta = bytes === 4 ? g.rng.int(Math.min(256, ((m.address - g.layout.dataLo) >> 2) + 1)) * 4 : 0;
          rn = g.base({ offset: delta, size: bytes, align: bytes, address: m.address });
          imm8 = delta / 4;
        } else {
          return noFit();
        }
        const rt = g.rng.pick(GP.filter((r) => r !== rn));
        const rd = g.dest(GP, [rn, rt]);
        g.stored();
        g.setMonitor('open');
        const hw =
          bytes === 4
            ? enc('111010000100 Rn:4 | Rt:4 Rd:4 imm8:8', { Rn: rn, Rt: rt, Rd: rd, imm8 })
            : enc('111010001100 Rn:4 | Rt:4 1111 01 sz:2 Rd:4', { Rn: rn, Rt: rt, Rd: rd, sz: bytes >> 1 });
        return { hw, asm: `strex${s} ${reg(rd)}, ${reg(rt)}, [${reg(rn)}${imm8 ? `, #${imm8 * 4}` : ''}]` };
      },
    }),
  );
  const clrex: Form = {
    name: 'CLREX T1',
    cls: 'mem-exclusive',
    weight: 0.5,
    gen(g) {
      g.setMonitor('open');
      return { hw: [0xf3bf, 0x8f2f], asm: 'clrex' };
    },
  };
  // STREX is weighted up: most of the time it follows an LDREX generated earlier in the case.
  return [...ldrex, ...strex.map((f) => ({ ...f, weight: 2 })), clrex];
}

export const MEMORY_FORMS: readonly Form[] = [
  ...KINDS.flatMap(singleForms),
  ...hintForms(),
  ...thumb16Forms,
  ...multipleForms,
  ...dualForms,
  ...exclusiveForms(),
];

/**
 * FPv4-SP (ARMv7-M ARM A6, A7.7 V*): single-precision data processing (A6.4), conversions,
 * comparisons, register transfers (A6.6) and extension-register loads/stores (A6.5).
 * Double-precision data processing is UNDEFINED on FPv4-SP and is not generated; D registers appear
 * only in transfers (VMOV, VLDR/VSTR, VLDM/VSTM), which FPv4-SP has.
 */
import { GP, noFit, type Gen } from './gen.js';
import { enc, reg, vfpExpandImm, type Form, type InsnClass } from './insn.js';

const sreg = (n: number): string => `s${n}`;
const dreg = (n: number): string => `d${n}`;

/** Fields of a single-precision register number in a Vx:X split (Sx = Vx:X, A6.1.2). */
const sField = (n: number): [number, number] => [n >>> 1, n & 1];

function sAny(g: Gen): number {
  return g.rng.int(32);
}

/** Random Sd and Sm with their encoding fields (Vd:D, Vm:M). */
function sPair(g: Gen): { d: number; m: number; Vd: number; D: number; Vm: number; M: number } {
  const [d, m] = [sAny(g), sAny(g)];
  const [Vd, D] = sField(d);
  const [Vm, M] = sField(m);
  return { d, m, Vd, D, Vm, M };
}

function float(name: string, cls: InsnClass, gen: Form['gen'], weight?: number): Form {
  return { name, cls, gen, weight };
}

// ---- Three-register arithmetic, A6.4 Table A6-2 -------------------------------------------------

const ARITH3 = '11101110 o1:1 D:1 o2:2 Vn:4 | Vd:4 101 0 N:1 op:1 M:1 0 Vm:4';
const ARITH3_OPS: ReadonlyArray<[string, number, number, number, string]> = [
  // name, bit 23, bits 21:20, bit 6, mnemonic
  ['VMLA', 0, 0, 0, 'vmla'], ['VMLS', 0, 0, 1, 'vmls'], ['VNMLS', 0, 1, 0, 'vnmls'], ['VNMLA', 0, 1, 1, 'vnmla'],
  ['VMUL', 0, 2, 0, 'vmul'], ['VNMUL', 0, 2, 1, 'vnmul'], ['VADD', 0, 3, 0, 'vadd'], ['VSUB', 0, 3, 1, 'vsub'],
  ['VDIV', 1, 0, 0, 'vdiv'], ['VFNMS', 1, 1, 0, 'vfnms'], ['VFNMA', 1, 1, 1, 'vfnma'], ['VFMA', 1, 2, 0, 'vfma'], ['VFMS', 1, 2, 1, 'vfms'],
];

const arith3Forms: Form[] = ARITH3_OPS.map(([name, o1, o2, op, mn]) =>
  float(`${name} T1`, 'fp-arith', (g) => {
    const [d, n, m] = [sAny(g), sAny(g), sAny(g)];
    const [Vd, D] = sField(d);
    const [Vn, N] = sField(n);
    const [Vm, M] = sField(m);
    return { hw: enc(ARITH3, { o1, D, o2, Vn, Vd, N, op, M, Vm }), asm: `${mn}.f32 ${sreg(d)}, ${sreg(n)}, ${sreg(m)}` };
  }),
);

// ---- Other data processing, A6.4 Table A6-3 -----------------------------------------------------

const OTHER = '11101110 1 D:1 11 opc2:4 | Vd:4 101 0 b7:1 1 M:1 0 Vm:4';

/** Two-register ops: VMOV (register), VABS, VNEG, VSQRT. */
const unaryForms: Form[] = ([
  ['VMOV (register) T1', 0, 0, 'vmov.f32', 'fp-move'],
  ['VABS T1', 0, 1, 'vabs.f32', 'fp-arith'],
  ['VNEG T1', 1, 0, 'vneg.f32', 'fp-arith'],
  ['VSQRT T1', 1, 1, 'vsqrt.f32', 'fp-arith'],
] as const).map(([name, opc2, b7, mn, cls]) =>
  float(name, cls, (g) => {
    const { d, m, ...f } = sPair(g);
    return { hw: enc(OTHER, { ...f, opc2, b7 }), asm: `${mn} ${sreg(d)}, ${sreg(m)}` };
  }),
);

const vmovImm = float('VMOV (immediate) T1', 'fp-move', (g) => {
  const imm8 = g.rng.int(256);
  const d = sAny(g);
  const [Vd, D] = sField(d);
  const value = new Float32Array(new Uint32Array([vfpExpandImm(imm8)]).buffer)[0];
  return { hw: enc('11101110 1 D:1 11 imm4H:4 | Vd:4 101 0 0000 imm4L:4', { D, imm4H: imm8 >>> 4, Vd, imm4L: imm8 & 15 }), asm: `vmov.f32 ${sreg(d)}, #${value}` };
});

const compareForms: Form[] = [
  float('VCMP{E} T1', 'fp-compare', (g) => {
    const E = g.rng.bit();
    const { d, m, ...f } = sPair(g);
    return { hw: enc(OTHER, { ...f, opc2: 4, b7: E }), asm: `vcmp${E ? 'e' : ''}.f32 ${sreg(d)}, ${sreg(m)}` };
  }),
  float('VCMP{E} T2', 'fp-compare', (g) => {
    const E = g.rng.bit();
    const d = sAny(g);
    const [Vd, D] = sField(d);
    return { hw: enc(OTHER, { D, opc2: 5, Vd, b7: E, M: 0, Vm: 0 }), asm: `vcmp${E ? 'e' : ''}.f32 ${sreg(d)}, #0` };
  }),
];

const convertForms: Form[] = [
  // VCVTB/VCVTT between half and single precision (FPSCR.AHP selects the alternative format).
  float('VCVTB/VCVTT T1', 'fp-convert', (g) => {
    const toHalf = g.rng.bit();
    const T = g.rng.bit();
    const { d, m, ...f } = sPair(g);
    const mn = `vcvt${T ? 't' : 'b'}${toHalf ? '.f16.f32' : '.f32.f16'}`;
    return { hw: enc(OTHER, { ...f, opc2: 2 | toHalf, b7: T }), asm: `${mn} ${sreg(d)}, ${sreg(m)}` };
  }),
  // VCVT integer to float: opc2 = 1000, bit 7 = signed.
  float('VCVT (int to float) T1', 'fp-convert', (g) => {
    const signed = g.rng.bit();
    const { d, m, ...f } = sPair(g);
    return { hw: enc(OTHER, { ...f, opc2: 8, b7: signed }), asm: `vcvt.f32.${signed ? 's32' : 'u32'} ${sreg(d)}, ${sreg(m)}` };
  }),
  // VCVT/VCVTR float to integer: opc2 = 110 signed; bit 7 = round towards zero (VCVT) or FPSCR mode (VCVTR).
  float('VCVT{R} (float to int) T1', 'fp-convert', (g) => {
    const signed = g.rng.bit();
    const rz = g.rng.bit();
    const { d, m, ...f } = sPair(g);
    return { hw: enc(OTHER, { ...f, opc2: 0b1100 | signed, b7: rz }), asm: `vcvt${rz ? '' : 'r'}.${signed ? 's32' : 'u32'}.f32 ${sreg(d)}, ${sreg(m)}` };
  }),
  // VCVT between float and fixed point: Sd is source and destination; size 16 or 32, fbits = size - imm.
  float('VCVT (fixed-point) T1', 'fp-convert', (g) => {
    const toFixed = g.rng.bit();
    const U = g.rng.bit();
    const sx = g.rng.bit();
    const size = sx ? 32 : 16;
    const fbits = g.rng.range(1, size);
    const imm = size - fbits;
    const d = sAny(g);
    const [Vd, D] = sField(d);
    const t = `${U ? 'u' : 's'}${size}`;
    return {
      hw: enc('11101110 1 D:1 11 1 op:1 1 U:1 | Vd:4 101 0 sx:1 1 i:1 0 imm4:4', { D, op: toFixed, U, Vd, sx, i: imm & 1, imm4: imm >>> 1 }),
      asm: `vcvt.${toFixed ? `${t}.f32` : `f32.${t}`} ${sreg(d)}, ${sreg(d)}, #${fbits}`,
    };
  }),
];

// ---- Transfers between core and extension registers, A6.6 ----------------------------------------

const moveForms: Form[] = [
  float('VMOV (ARM core register to single) T1', 'fp-move', (g) => {
    const toCore = g.rng.bit();
    const n = sAny(g);
    const [Vn, N] = sField(n);
    const rt = toCore ? g.rD() : g.r();
    return {
      hw: enc('11101110 000 op:1 Vn:4 | Rt:4 1010 N:1 0010000', { op: toCore, Vn, Rt: rt, N }),
      asm: toCore ? `vmov ${reg(rt)}, ${sreg(n)}` : `vmov ${sreg(n)}, ${reg(rt)}`,
    };
  }),
  float('VMOV (two ARM core registers to two singles) T1', 'fp-move', (g) => {
    const toCore = g.rng.bit();
    const m = g.rng.int(31); // Sm and Sm+1: S31 would need S32
    const [Vm, M] = sField(m);
    const rt = toCore ? g.rD() : g.r();
    const rt2 = toCore ? g.dest(GP, [rt]) : g.r();
    return {
      hw: enc('11101100 010 op:1 Rt2:4 | Rt:4 1010 00 M:1 1 Vm:4', { op: toCore, Rt2: rt2, Rt: rt, M, Vm }),
      asm: toCore ? `vmov ${reg(rt)}, ${reg(rt2)}, ${sreg(m)}, ${sreg(m + 1)}` : `vmov ${sreg(m)}, ${sreg(m + 1)}, ${reg(rt)}, ${reg(rt2)}`,
    };
  }),
  float('VMOV (two ARM core registers to doubleword) T1', 'fp-move', (g) => {
    const toCore = g.rng.bit();
    const m = g.rng.int(16);
    const rt = toCore ? g.rD() : g.r();
    const rt2 = toCore ? g.dest(GP, [rt]) : g.r();
    return {
      hw: enc('11101100 010 op:1 Rt2:4 | Rt:4 1011 00 0 1 Vm:4', { op: toCore, Rt2: rt2, Rt: rt, Vm: m }),
      asm: toCore ? `vmov ${reg(rt)}, ${reg(rt2)}, ${dreg(m)}` : `vmov ${dreg(m)}, ${reg(rt)}, ${reg(rt2)}`,
    };
  }),
  float('VMOV (ARM core register to scalar) T1', 'fp-move', (g) => {
    const d = g.rng.int(16);
    const x = g.rng.bit();
    const rt = g.r();
    return { hw: enc('11101110 0 0 x:1 0 Vd:4 | Rt:4 1011 0 00 1 0000', { x, Vd: d, Rt: rt }), asm: `vmov.32 ${dreg(d)}[${x}], ${reg(rt)}` };
  }),
  float('VMOV (scalar to ARM core register) T1', 'fp-move', (g) => {
    const n = g.rng.int(16);
    const x = g.rng.bit();
    const rt = g.rD();
    return { hw: enc('11101110 0 0 x:1 1 Vn:4 | Rt:4 1011 0 00 1 0000', { x, Vn: n, Rt: rt }), asm: `vmov.32 ${reg(rt)}, ${dreg(n)}[${x}]` };
  }),
  float('VMRS T1', 'fp-move', (g) => {
    // Rt = 1111 transfers FPSCR.NZCV to APSR.NZCV.
    const rt = g.rng.chance(0.5) ? 15 : g.rD();
    return { hw: enc('1110111011110001 | Rt:4 101000010000', { Rt: rt }), asm: `vmrs ${rt === 15 ? 'APSR_nzcv' : reg(rt)}, fpscr` };
  }),
  float('VMSR T1', 'fp-move', (g) => {
    // Only bits that exist in FPSCR: writing ones to the others is UNPREDICTABLE (SBZP).
    const v = ((g.rng.int(16) << 28) | (g.rng.int(8) << 24) | (g.rng.int(4) << 22) | (g.rng.u32() & 0x9f)) >>> 0;
    const rt = g.constant(GP, v);
    return { hw: enc('1110111011100001 | Rt:4 101000010000', { Rt: rt }), asm: `vmsr fpscr, ${reg(rt)}` };
  }),
];

// ---- Extension register loads and stores, A6.5 ---------------------------------------------------

const VLDST = '1110 1101 U:1 D:1 0 L:1 Rn:4 | Vd:4 101 sz:1 imm8:8';
const VMULTI = '1110 110 P:1 U:1 D:1 W:1 L:1 Rn:4 | Vd:4 101 sz:1 imm8:8';

const memForms: Form[] = [
  ...([['VSTR T1', 0, 'vstr'], ['VLDR T1', 1, 'vldr']] as const).map(([name, L, mn]) =>
    float(name, 'fp-mem', (g) => {
      const sz = g.rng.bit();
      const U = g.rng.bit();
      const imm8 = g.rng.chance(0.5) ? g.rng.int(16) : g.rng.int(256);
      if (!U && imm8 === 0) return noFit();
      const off = (U ? 1 : -1) * imm8 * 4;
      const bytes = sz ? 8 : 4;
      const rn = g.base({ offset: off, size: bytes, align: 4 });
      if (!L) g.stored();
      const v = sz ? g.rng.int(16) : sAny(g);
      const [Vd, D] = sz ? [v & 15, v >>> 4] : sField(v);
      return { hw: enc(VLDST, { U, D, L, Rn: rn, Vd, sz, imm8 }), asm: `${mn} ${sz ? dreg(v) : sreg(v)}, [${reg(rn)}, #${U ? '' : '-'}${imm8 * 4}]` };
    }),
  ),
  float('VLDR T1 (literal)', 'fp-mem', (g) => {
    const sz = g.rng.bit();
    const bytes = sz ? 8 : 4;
    const base = (g.pc + 4) & ~3;
    const U = g.rng.chance(0.8) ? 1 : 0;
    const maxBack = Math.min(255, (base - g.layout.codeBase) >> 2);
    const imm8 = U ? g.rng.int(256) : g.rng.range(1, Math.max(1, maxBack));
    const a = U ? base + imm8 * 4 : base - imm8 * 4;
    if (a < g.layout.codeBase || a + bytes > g.layout.dataHi) return noFit();
    const v = sz ? g.rng.int(16) : sAny(g);
    const [Vd, D] = sz ? [v & 15, v >>> 4] : sField(v);
    return { hw: enc(VLDST, { U, D, L: 1, Rn: 15, Vd, sz, imm8 }), asm: `vldr ${sz ? dreg(v) : sreg(v)}, [pc, #${U ? '' : '-'}${imm8 * 4}]` };
  }),
  ...([['VSTM T1/T2', 0, 'vstm'], ['VLDM T1/T2', 1, 'vldm']] as const).map(([name, L, mn]) =>
    float(name, 'fp-mem', (g) => {
      const sz = g.rng.bit();
      const db = g.rng.bit(); // DB requires writeback
      const W = db ? 1 : g.rng.bit();
      const first = sz ? g.rng.int(16) : sAny(g);
      const count = g.rng.range(1, (sz ? 16 : 32) - first);
      const words = count * (sz ? 2 : 1);
      const size = words * 4;
      const rn = g.base({ offset: db ? -size : 0, size, align: 4 });
      if (W) g.writeback(rn, db ? -size : size);
      if (!L) g.stored();
      const [Vd, D] = sz ? [first & 15, first >>> 4] : sField(first);
      const regs = Array.from({ length: count }, (_, i) => (sz ? dreg(first + i) : sreg(first + i)));
      return {
        hw: enc(VMULTI, { P: db, U: db ? 0 : 1, D, W, L, Rn: rn, Vd, sz, imm8: words }),
        asm: `${mn}${db ? 'db' : 'ia'} ${reg(rn)}${W ? '!' : ''}, {${regs.join(', ')}}`,
      };
    }),
  ),
  ...([['VPUSH T1/T2', 0, 'vpush'], ['VPOP T1/T2', 1, 'vpop']] as const).map(([name, L, mn]) =>
    float(name, 'fp-mem', (g) => {
      const sz = g.rng.bit();
      const first = sz ? g.rng.int(16) : sAny(g);
      const count = g.rng.range(1, Math.min(8, (sz ? 16 : 32) - first));
      const size = count * (sz ? 8 : 4);
      g.base({ offset: L ? 0 : -size, size, align: 4, reg: 13 });
      g.writeback(13, L ? size : -size);
      if (!L) g.stored();
      const [Vd, D] = sz ? [first & 15, first >>> 4] : sField(first);
      const regs = Array.from({ length: count }, (_, i) => (sz ? dreg(first + i) : sreg(first + i)));
      return { hw: enc(VMULTI, { P: L ? 0 : 1, U: L ? 1 : 0, D, W: 1, L, Rn: 13, Vd, sz, imm8: size / 4 }), asm: `${mn} {${regs.join(', ')}}` };
    }),
  ),
];

export const FPU_FORMS: readonly Form[] = [...arith3Forms, ...unaryForms, vmovImm, ...compareForms, ...convertForms, ...moveForms, ...memForms];

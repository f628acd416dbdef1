/**
 * What the generator produces: instructions as halfwords plus the GNU assembler text they were made
 * from (which doubles as the disassembly in reports), and the helpers forms use to build them from
 * field values laid out as in the ARMv7-M ARM (DDI 0403E) encoding diagrams.
 */
import type { Gen } from './gen.js';

/** Instruction classes: the summary of a campaign is grouped by these. */
export const INSN_CLASSES = [
  'it',
  'int16',
  'dp-imm',
  'dp-reg',
  'shift-reg',
  'extend',
  'misc',
  'bitfield',
  'multiply',
  'divide',
  'long-multiply',
  'dsp-parallel',
  'dsp-saturate',
  'dsp-multiply',
  'dsp-misc',
  'status',
  'mem-single',
  'mem-multiple',
  'mem-dual',
  'mem-exclusive',
  'fp-arith',
  'fp-convert',
  'fp-compare',
  'fp-move',
  'fp-mem',
] as const;
export type InsnClass = (typeof INSN_CLASSES)[number];

/** One generated instruction. */
export interface Insn {
  /** Halfwords in memory order (1 or 2). */
  readonly hw: readonly number[];
  /** GNU unified-syntax text as it would be written outside an IT block (flag-setting 16-bit forms keep their 's'). */
  readonly asm: string;
  /** ARM ARM encoding name, e.g. 'ADD (immediate) T3'. */
  readonly form: string;
  readonly cls: InsnClass;
  /** Inside an IT block (so 16-bit forms do not set flags and the instruction may be skipped). */
  readonly inIt: boolean;
}

/** The part of an instruction a form produces. */
export interface Encoded {
  readonly hw: readonly number[];
  readonly asm: string;
  /** The ARM ARM name when the fields decide it (e.g. ORR with Rn = 1111 and a shift is LSL (immediate) T2). */
  readonly form?: string;
}

/** A generator of one encoding (or a small family sharing a layout), named as in the ARM ARM. */
export interface Form {
  readonly name: string;
  readonly cls: InsnClass;
  /** Relative frequency within its class (default 1). */
  readonly weight?: number;
  /** UNPREDICTABLE inside an IT block (ARM ARM A7.3.2 lists them with each encoding). */
  readonly notInIt?: boolean;
  /** Builds one instance; throws NoFit (gen.ts) when the case's register/address constraints leave no choice. */
  gen(g: Gen): Encoded;
}

// ---- Encoding from field values ----------------------------------------------------------------

interface Field {
  name: string | null; // null: literal bits
  width: number;
  literal: number;
}

const templates = new Map<string, { fields: Field[]; width: number }>();

function parseTemplate(template: string): { fields: Field[]; width: number } {
  let t = templates.get(template);
  if (t) return t;
  const fields: Field[] = [];
  let width = 0;
  for (const tok of template.split(/[\s|]+/).filter((s) => s.length > 0)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):(\d+)$/.exec(tok);
    if (m) {
      fields.push({ name: m[1], width: Number(m[2]), literal: 0 });
      width += Number(m[2]);
    } else if (/^[01]+$/.test(tok)) {
      fields.push({ name: null, width: tok.length, literal: parseInt(tok, 2) });
      width += tok.length;
    } else {
      throw new Error(`bad encoding template token '${tok}' in '${template}'`);
    }
  }
  if (width !== 16 && width !== 32) throw new Error(`encoding template '${template}' has ${width} bits`);
  t = { fields, width };
  templates.set(template, t);
  return t;
}

/**
 * Encodes an instruction from a template written like the ARM ARM's diagrams, first halfword first:
 * `'11110 i:1 0 op:4 S:1 Rn:4 | 0 imm3:3 Rd:4 imm8:8'` — literal bits, and `name:width` fields taken
 * from `values`. Returns the halfwords in memory order.
 */
export function enc(template: string, values: Readonly<Record<string, number>>): number[] {
  const { fields, width } = parseTemplate(template);
  let word = 0;
  for (const f of fields) {
    let v = f.literal;
    if (f.name !== null) {
      v = values[f.name];
      if (v === undefined) throw new Error(`encoding '${template}': no value for ${f.name}`);
      if (v < 0 || v >= 2 ** f.width || !Number.isInteger(v)) throw new Error(`encoding '${template}': ${f.name}=${v} does not fit ${f.width} bits`);
    }
    word = word * 2 ** f.width + v;
  }
  return width === 16 ? [word] : [Math.floor(word / 0x10000), word % 0x10000];
}

// ---- Assembler text ----------------------------------------------------------------------------

const REG_NAMES = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr', 'pc'];

export function reg(n: number): string {
  return REG_NAMES[n];
}

export function regList(regs: readonly number[]): string {
  return `{${regs.map(reg).join(', ')}}`;
}

export function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

/** Condition mnemonics (ARM ARM A7.3 Table A7-1). */
export const COND = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al'];

export const SHIFT_NAMES = ['lsl', 'lsr', 'asr', 'ror'];

/** Text of an immediate shift as DecodeImmShift (A7.4.2) reads type:imm5; '' for LSL #0. */
export function shiftText(type: number, imm5: number): string {
  if (type === 0) return imm5 === 0 ? '' : `, lsl #${imm5}`;
  if (type === 3 && imm5 === 0) return ', rrx';
  return `, ${SHIFT_NAMES[type]} #${imm5 === 0 ? 32 : imm5}`;
}

// ---- Immediates ---------------------------------------------------------------------------------

/** ThumbExpandImm (A5.3.2): the 32-bit value of i:imm3:imm8. */
export function thumbExpandImm(imm12: number): number {
  const imm8 = imm12 & 0xff;
  if (imm12 >>> 10 === 0) {
    switch ((imm12 >>> 8) & 3) {
      case 0: return imm8;
      case 1: return (imm8 << 16) | imm8;
      case 2: return ((imm8 << 24) | (imm8 << 8)) >>> 0;
      default: return ((imm8 << 24) | (imm8 << 16) | (imm8 << 8) | imm8) >>> 0;
    }
  }
  const unrot = 0x80 | (imm12 & 0x7f);
  const rot = imm12 >>> 7;
  return ((unrot >>> rot) | (unrot << (32 - rot))) >>> 0;
}

/** VFPExpandImm (A6.4.1) for single precision: the float bit pattern of imm8. */
export function vfpExpandImm(imm8: number): number {
  const a = imm8 >>> 7;
  const b = (imm8 >>> 6) & 1;
  const exp = ((b ^ 1) << 7) | (b ? 0x7c : 0) | ((imm8 >>> 4) & 3);
  return ((a << 31) | (exp << 23) | ((imm8 & 0xf) << 19)) >>> 0;
}

/**
 * The case generator: a seeded, deterministic sequence of 1–8 instructions (sometimes inside an IT
 * block of 1–4 instructions with any condition), with initial core and FP state drawn from edge sets.
 * Branches, exceptions and UNPREDICTABLE encodings are not generated (README.md lists them).
 */
import { DSP_FORMS } from './forms-dsp.js';
import { FPU_FORMS } from './forms-fpu.js';
import { MEMORY_FORMS } from './forms-memory.js';
import { THUMB16_FORMS } from './forms-thumb16.js';
import { THUMB32_FORMS } from './forms-thumb32.js';
import { Gen, NoFit, type Layout } from './gen.js';
import { COND, enc, type Form, type Insn, type InsnClass } from './insn.js';
import { Rng } from './prng.js';
import { apsrValue, exponentSet, floatValue, fpscrValue } from './values.js';

export const ALL_FORMS: readonly Form[] = [...THUMB16_FORMS, ...THUMB32_FORMS, ...DSP_FORMS, ...MEMORY_FORMS, ...FPU_FORMS];

/** Architectural state the tester sets and compares (everything an unprivileged sequence can change). */
export interface CpuState {
  /** r0–r14 (unsigned). */
  readonly r: Uint32Array;
  /** N Z C V Q [31:27], GE [19:16]. */
  apsr: number;
  fpscr: number;
  /** S0–S31 bit patterns. */
  readonly s: Uint32Array;
}

export function newState(): CpuState {
  return { r: new Uint32Array(15), apsr: 0, fpscr: 0, s: new Uint32Array(32) };
}

export interface TestCase {
  /** Index in its campaign; with the campaign seed it regenerates the case. */
  readonly index: number;
  readonly seed: number;
  readonly insns: readonly Insn[];
  /** The code as halfwords. */
  readonly code: Uint16Array;
  readonly init: CpuState;
}

/** How often each class is drawn. FP and memory get more weight: they have the most corners. */
const CLASS_WEIGHTS: Readonly<Record<Exclude<InsnClass, 'it'>, number>> = {
  int16: 8,
  'dp-imm': 6,
  'dp-reg': 6,
  'shift-reg': 2,
  extend: 2,
  misc: 2,
  bitfield: 2,
  multiply: 2,
  divide: 2,
  'long-multiply': 2,
  'dsp-parallel': 5,
  'dsp-saturate': 3,
  'dsp-multiply': 5,
  'dsp-misc': 2,
  status: 1.5,
  'mem-single': 8,
  'mem-multiple': 4,
  'mem-dual': 2,
  'mem-exclusive': 1.5,
  'fp-arith': 8,
  'fp-convert': 5,
  'fp-compare': 3,
  'fp-move': 4,
  'fp-mem': 3,
};

export interface GeneratorOptions {
  /** Only these classes (all when empty). */
  readonly classes?: readonly InsnClass[];
  /** Only forms whose name contains one of these strings. */
  readonly forms?: readonly string[];
  /** Longest sequence (default 8). */
  readonly maxLength?: number;
}

/** A weighted picker over the forms allowed by the options. */
export class FormPicker {
  private readonly classes: Array<{ cls: InsnClass; weight: number; forms: Form[]; itForms: Form[] }> = [];
  private readonly total: number;

  constructor(options: GeneratorOptions = {}) {
    for (const [cls, weight] of Object.entries(CLASS_WEIGHTS) as Array<[InsnClass, number]>) {
      if (options.classes?.length && !options.classes.includes(cls)) continue;
      const forms = ALL_FORMS.filter((f) => f.cls === cls && (!options.forms?.length || options.forms.some((s) => f.name.includes(s))));
      if (forms.length > 0) this.classes.push({ cls, weight, forms, itForms: forms.filter((f) => !f.notInIt) });
    }
    if (this.classes.length === 0) throw new Error('no instruction form matches the class/form filter');
    this.total = this.classes.reduce((a, c) => a + c.weight, 0);
  }

  pick(rng: Rng, inIt: boolean): Form {
    let x = rng.u32() / 0x1_0000_0000 * this.total;
    let c = this.classes[this.classes.length - 1];
    for (const k of this.classes) {
      if (x < k.weight) {
        c = k;
        break;
      }
      x -= k.weight;
    }
    const forms = inIt ? c.itForms : c.forms;
    if (forms.length === 0) return this.pick(rng, inIt);
    let w = forms.reduce((a, f) => a + (f.weight ?? 1), 0) * (rng.u32() / 0x1_0000_0000);
    for (const f of forms) {
      w -= f.weight ?? 1;
      if (w < 0) return f;
    }
    return forms[forms.length - 1];
  }
}

/** Generates one instance of `form` at the current position, retrying other forms when it does not fit. */
function emit(g: Gen, picker: FormPicker, insns: Insn[], form: Form | null): void {
  for (let tries = 0; tries < 50; tries++) {
    const f = form ?? picker.pick(g.rng, g.inIt);
    const snap = g.snapshot();
    try {
      const e = f.gen(g);
      insns.push({ hw: e.hw, asm: e.asm, form: e.form ?? f.name, cls: f.cls, inIt: g.inIt });
      g.pcOffset += e.hw.length * 2;
      return;
    } catch (err) {
      if (!(err instanceof NoFit)) throw err;
      g.restore(snap);
      form = null;
    }
  }
  throw new Error('generator: no form fits after 50 tries');
}

/** IT{x{y{z}}} firstcond (A7.7.38): mask bits after the first give then (= firstcond[0]) or else. */
function itInsn(g: Gen, length: number): Insn {
  const firstcond = length === 1 && g.rng.chance(0.05) ? 14 : g.rng.int(14);
  let mask = 0;
  let suffix = '';
  for (let i = 1; i < length; i++) {
    const then = firstcond === 14 ? true : g.rng.chance(0.5);
    const bit = then ? firstcond & 1 : (firstcond & 1) ^ 1;
    mask |= bit << (4 - i);
    suffix += then ? 't' : 'e';
  }
  mask |= 1 << (4 - length);
  return { hw: enc('10111111 firstcond:4 mask:4', { firstcond, mask }), asm: `it${suffix} ${COND[firstcond]}`, form: 'IT T1', cls: 'it', inIt: false };
}

/** Generates case `index` of a campaign from its seed. */
export function generateCase(seed: number, index: number, layout: Layout, picker: FormPicker, options: GeneratorOptions = {}): TestCase {
  const rng = new Rng(seed);
  const g = new Gen(rng, layout);
  g.exponents = exponentSet(rng);
  const max = options.maxLength ?? 8;
  const length = rng.chance(0.35) ? 1 : rng.range(2, max);
  const insns: Insn[] = [];
  while (insns.length < length) {
    const left = length - insns.length;
    if (left >= 2 && rng.chance(0.2)) {
      const blockLength = rng.range(1, Math.min(4, left - 1));
      const it = itInsn(g, blockLength);
      insns.push(it);
      g.pcOffset += 2;
      g.inIt = true;
      for (let i = 0; i < blockLength; i++) emit(g, picker, insns, null);
      g.inIt = false;
    } else {
      emit(g, picker, insns, null);
    }
  }
  const init = newState();
  for (let i = 0; i < 15; i++) init.r[i] = g.init[i] >>> 0;
  init.apsr = apsrValue(rng);
  init.fpscr = fpscrValue(rng);
  for (let i = 0; i < 32; i++) init.s[i] = floatValue(rng, g.exponents);
  const code = new Uint16Array(insns.flatMap((i) => i.hw));
  return { index, seed, insns, code, init };
}

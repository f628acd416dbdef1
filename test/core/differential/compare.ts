/**
 * Comparing the two sides of a case and describing the difference in one line: registers, APSR
 * flags by name, FPSCR bits by name, floats with their values, memory bytes.
 */
import type { CpuState } from './generator.js';
import type { OracleResult } from './oracle.js';
import type { TargetResult } from './target.js';

/** One architectural field that differs. */
export interface Diff {
  /** 'r0'…'r12', 'sp', 'lr', 'apsr', 'fpscr', 's0'…'s31', 'memory', 'status'. */
  readonly field: string;
  readonly f4emu: number;
  readonly oracle: number;
  /** Preformatted text for fields that are not numbers (status, memory bytes). */
  readonly text?: string;
}

const R_NAMES = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr'];

/** Unicorn's uc_err numbers that show up here. */
const UC_ERRORS: Readonly<Record<number, string>> = {
  6: 'READ_UNMAPPED', 7: 'WRITE_UNMAPPED', 8: 'FETCH_UNMAPPED', 10: 'INSN_INVALID', 12: 'READ_PROT', 13: 'WRITE_PROT',
  14: 'FETCH_PROT', 16: 'READ_UNALIGNED', 17: 'WRITE_UNALIGNED', 18: 'FETCH_UNALIGNED', 21: 'EXCEPTION',
};

function oracleStatus(o: OracleResult): string {
  if (o.status === 'ok') return (o.xpsr & 0x1ff) !== 0 ? `exception ${o.xpsr & 0x1ff} taken` : 'ok';
  if (o.status === 'error') return `${UC_ERRORS[o.error] ?? `uc_err ${o.error}`} at 0x${o.pc.toString(16)}`;
  return `stopped at 0x${o.pc.toString(16)}`;
}

function targetStatus(t: TargetResult): string {
  if (t.status === 'ok') return 'ok';
  if (t.status === 'fault') return `fault ${t.detail} at 0x${t.pc.toString(16)}`;
  if (t.status === 'crash') return `JS exception ${t.detail}`;
  return `stopped at 0x${t.pc.toString(16)}`;
}

/** All differences between f4emu's and the oracle's outcome of the same case. */
export function compareOutcomes(t: TargetResult, o: OracleResult): Diff[] {
  const out: Diff[] = [];
  const ts = targetStatus(t);
  const os = oracleStatus(o);
  if (ts !== 'ok' || os !== 'ok') {
    // Both sides must run the straight-line code to its end: any fault is a difference (even on both).
    out.push({ field: 'status', f4emu: 0, oracle: 0, text: `f4emu ${ts}, unicorn ${os}` });
    if (ts !== 'ok') return out; // f4emu stopped early: its registers say nothing more
  }
  diffStates(t.state, o.state, out);
  if (t.crc !== o.crc) out.push({ field: 'memory', f4emu: t.crc, oracle: o.crc });
  return out;
}

export function diffStates(a: CpuState, b: CpuState, out: Diff[] = []): Diff[] {
  for (let i = 0; i < 15; i++) if (a.r[i] !== b.r[i]) out.push({ field: R_NAMES[i], f4emu: a.r[i], oracle: b.r[i] });
  if (a.apsr !== b.apsr) out.push({ field: 'apsr', f4emu: a.apsr, oracle: b.apsr });
  if (a.fpscr !== b.fpscr) out.push({ field: 'fpscr', f4emu: a.fpscr, oracle: b.fpscr });
  for (let i = 0; i < 32; i++) if (a.s[i] !== b.s[i]) out.push({ field: `s${i}`, f4emu: a.s[i], oracle: b.s[i] });
  return out;
}

/** Byte differences of the memory window (when the oracle sent its bytes). */
export function memoryDiff(base: number, mine: Uint8Array, theirs: Uint8Array, max = 4): Diff {
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; i < mine.length; i++) {
    if (mine[i] === theirs[i]) continue;
    if (n++ < max) lines.push(`[0x${(base + i).toString(16)}] ${hex2(mine[i])}≠${hex2(theirs[i])}`);
  }
  const more = n > max ? ` (+${n - max} more bytes)` : '';
  return { field: 'memory', f4emu: 0, oracle: 0, text: `memory f4emu≠unicorn ${lines.join(' ')}${more}` };
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

export function hex8(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

/** APSR as flags: upper case = set, e.g. "NzCvq ge=0101". */
export function apsrText(v: number): string {
  const f = (bit: number, c: string): string => ((v >>> bit) & 1 ? c.toUpperCase() : c);
  return `${f(31, 'n')}${f(30, 'z')}${f(29, 'c')}${f(28, 'v')}${f(27, 'q')} ge=${((v >>> 16) & 15).toString(2).padStart(4, '0')}`;
}

const FPSCR_BITS: ReadonlyArray<[number, string]> = [
  [31, 'N'], [30, 'Z'], [29, 'C'], [28, 'V'], [26, 'AHP'], [25, 'DN'], [24, 'FZ'], [7, 'IDC'], [4, 'IXC'], [3, 'UFC'], [2, 'OFC'], [1, 'DZC'], [0, 'IOC'],
];

function fpscrDelta(a: number, b: number): string {
  const names = FPSCR_BITS.filter(([bit]) => ((a ^ b) >>> bit) & 1).map(([bit, n]) => `${n}${(a >>> bit) & 1 ? '+' : '-'}`);
  if (((a ^ b) >>> 22) & 3) names.push(`RMode ${(a >>> 22) & 3}≠${(b >>> 22) & 3}`);
  const other = (a ^ b) & ~0xf7c0009f;
  if (other) names.push(`other bits ${hex8(other)}`);
  return names.join(' ');
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function floatText(bits: number): string {
  u32[0] = bits;
  const x = f32[0];
  if (Number.isNaN(x)) return (bits & 0x400000) ? 'qNaN' : 'sNaN';
  return Object.is(x, -0) ? '-0' : String(x);
}

/** One difference as text, e.g. "r3 0x00000001≠0x00000000" (f4emu first, then unicorn). */
export function diffText(d: Diff): string {
  if (d.text) return d.text;
  if (d.field === 'apsr') return `apsr ${apsrText(d.f4emu)}≠${apsrText(d.oracle)}`;
  if (d.field === 'fpscr') return `fpscr ${hex8(d.f4emu)}≠${hex8(d.oracle)} (f4emu ${fpscrDelta(d.f4emu, d.oracle)})`;
  if (d.field.startsWith('s')) return `${d.field} ${hex8(d.f4emu)}(${floatText(d.f4emu)})≠${hex8(d.oracle)}(${floatText(d.oracle)})`;
  if (d.field === 'memory') return `memory crc ${hex8(d.f4emu)}≠${hex8(d.oracle)}`;
  return `${d.field} ${hex8(d.f4emu)}≠${hex8(d.oracle)}`;
}

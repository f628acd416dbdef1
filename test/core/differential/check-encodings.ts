/**
 * Development check of the generator's encoders against the GNU assembler (not run by the tests):
 * every form is generated N times, its assembler text is assembled with arm-none-eabi-as and the
 * bytes compared with the generator's own encoding (.fpu vfpv4-d16: GNU as wrongly refuses VMOV to and
 * from a scalar with fpv4-sp-d16; the generator emits no double-precision arithmetic). Run after
 * changing a form:
 *
 *   node --import tsx test/core/differential/check-encodings.ts [instances-per-form] [form-filter]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_FORMS } from './generator.js';
import { Gen, NoFit } from './gen.js';
import type { Insn } from './insn.js';
import { Rng } from './prng.js';
import { DIFF_LAYOUT } from './layout.js';

function generate(perForm: number, filter: string | undefined): Insn[] {
  const out: Insn[] = [];
  let seed = 1;
  for (const f of ALL_FORMS) {
    if (filter && !f.name.includes(filter)) continue;
    let made = 0;
    for (let tries = 0; made < perForm && tries < perForm * 20; tries++) {
      const g = new Gen(new Rng(seed++), DIFF_LAYOUT);
      g.pcOffset = 2 * g.rng.int(16);
      try {
        const e = f.gen(g);
        out.push({ hw: e.hw, asm: e.asm, form: e.form ?? f.name, cls: f.cls, inIt: false });
        made++;
      } catch (err) {
        if (!(err instanceof NoFit)) throw err;
      }
    }
    if (made === 0) console.log(`form ${f.name}: could not generate any instance`);
  }
  return out;
}

/** Assembles the texts; returns each line's halfwords (or the assembler's error for it). */
function assemble(dir: string, insns: readonly Insn[]): Array<number[] | string> {
  const src = ['.syntax unified', '.thumb', '.cpu cortex-m4', '.fpu vfpv4-d16', '.text', '.p2align 2', ...insns.map((i) => `\t${i.asm}`)].join('\n') + '\n';
  writeFileSync(join(dir, 'a.s'), src);
  const result: Array<number[] | string> = insns.map(() => []);
  try {
    execFileSync('arm-none-eabi-as', ['-mimplicit-it=never', '-o', join(dir, 'a.o'), join(dir, 'a.s')], { stdio: 'pipe' });
  } catch (e) {
    const text = String((e as { stderr?: Buffer }).stderr ?? e);
    for (const m of text.matchAll(/a\.s:(\d+): (?:Error|Warning): (.*)/g)) result[Number(m[1]) - 7] = m[2];
    if (!result.some((r) => typeof r === 'string')) throw new Error(text);
    return result;
  }
  const dis = execFileSync('arm-none-eabi-objdump', ['-d', join(dir, 'a.o')], { encoding: 'utf8', maxBuffer: 1 << 30 });
  let i = 0;
  for (const line of dis.split('\n')) {
    const m = /^\s+[0-9a-f]+:\s+([0-9a-f]{4})(?: ([0-9a-f]{4}))?\s+\S/.exec(line);
    if (!m) continue;
    result[i++] = m[2] ? [parseInt(m[1], 16), parseInt(m[2], 16)] : [parseInt(m[1], 16)];
  }
  if (i !== insns.length) throw new Error(`objdump listed ${i} instructions for ${insns.length} lines`);
  return result;
}

/** objdump's reading of halfword sequences, one line per instruction. */
function disassemble(dir: string, code: ReadonlyArray<readonly number[]>): string[] {
  const bytes: number[] = [];
  for (const hw of code) for (const h of hw) bytes.push(h & 0xff, h >>> 8);
  writeFileSync(join(dir, 'b.bin'), Uint8Array.from(bytes));
  const dis = execFileSync('arm-none-eabi-objdump', ['-D', '-b', 'binary', '-marm', '-Mforce-thumb', join(dir, 'b.bin')], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return dis
    .split('\n')
    .filter((l) => /^\s+[0-9a-f]+:\s/.test(l))
    .map((l) => l.replace(/^\s+[0-9a-f]+:\s+[0-9a-f ]+\t/, '').trim());
}

/** Disassembly with "op rd, rd, x" folded to "op rd, x": the assembler picks the 2-operand encoding for it. */
function normalized(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/^(\S+) (\w+), \2, /, '$1 $2, ');
}

const hexOf = (hw: readonly number[]): string => hw.map((h) => h.toString(16).padStart(4, '0')).join(' ');

function main(): void {
  const perForm = Number(process.argv[2] ?? 30);
  const filter = process.argv[3];
  const insns = generate(perForm, filter);
  const dir = mkdtempSync(join(tmpdir(), 'f4emu-enc-'));
  const got = assemble(dir, insns);
  const mine = disassemble(dir, insns.map((i) => i.hw));
  const theirs = disassemble(dir, got.map((r, k) => (Array.isArray(r) ? r : insns[k].hw)));
  let bad = 0;
  const seen = new Set<string>();
  insns.forEach((ins, k) => {
    const ref = got[k];
    const ok = Array.isArray(ref) && ref.length === ins.hw.length && ref.every((h, j) => h === ins.hw[j]);
    // Same instruction, other encoding (e.g. ADDS r1, r1, #4 as T2): accepted when both read the same.
    if (ok || (Array.isArray(ref) && normalized(mine[k]) === normalized(theirs[k]))) return;
    bad++;
    if (seen.has(ins.form)) return;
    seen.add(ins.form);
    const refText = typeof ref === 'string' ? `as: ${ref}` : `as: ${hexOf(ref)}`;
    console.log(`${ins.form}: '${ins.asm}' mine ${hexOf(ins.hw)} (objdump: ${mine[k] ?? '?'}) ${refText}`);
  });
  console.log(`${insns.length} instructions from ${new Set(insns.map((i) => i.form)).size} forms, ${bad} mismatches`);
  process.exitCode = bad ? 1 : 0;
}

main();

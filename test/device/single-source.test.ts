// The memory organization is data in ONE place, src/device/stm32f407.ts: no other source file may
// write down a region, flash sector, peripheral block or core block address.
//
// The rule this test enforces (and how it stays pragmatic about coincidences):
// - It reads every src/**/*.ts except src/device/ and generated files (src/generated/, or a file
//   whose first line starts with "// GENERATED").
// - It looks at CODE: numeric literals, and hex numbers written inside string and template literals
//   (help texts and messages are code the user reads). Comments are skipped: a doc comment may say
//   where a block lives, as the reference manual does.
// - A hex literal is a violation when its value is, for any supported part, a region's first byte,
//   last byte or first byte past its end, a flash sector's start, a peripheral block's base, or a
//   CORE_BLOCKS address.
// - Values below 0x1000_0000 are ignored (offsets, masks, sizes such as 0x400, 0x0000_0000),
//   except main flash's own boundaries and sector starts (0x0800_0000 ... 0x0810_0000).
// - Decimal literals are not checked (nobody writes 0x4002_3C00 as 1073888256).
// - COINCIDENCES lists literals that equal such a value but are not an address (say why).
// - PENDING lists violations in files this change does not own, reported to their owners. The test
//   tolerates them but fails when one disappears, so the list shrinks as they are fixed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { CORE_BLOCKS, DEVICES, endOf, region } from '../../src/device/stm32f407.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IGNORE_BELOW = 0x1000_0000;

/** A literal that equals a device address by coincidence: file, value and why it is no address. */
const COINCIDENCES: ReadonlyArray<{ file: string; value: number; why: string }> = [
  { file: 'src/core/execute/fpu.ts', value: 0x1000_0000, why: 'a bit pattern of a double-precision operand, not CCM' },
];

/** Known violations in files owned by others (file, value): remove an entry once its file is fixed. */
const PENDING: ReadonlyArray<{ file: string; value: number; note: string }> = [];

/** Every address the device description owns, with what it is. */
function deviceAddresses(): Map<number, string> {
  const known = new Map<number, string>();
  const add = (value: number, what: string): void => {
    if (!known.has(value)) known.set(value, what);
  };
  for (const dev of Object.values(DEVICES)) {
    for (const s of dev.flashSectors) add(s.start, `start of flash sector ${s.index}`);
    for (const p of dev.peripherals) add(p.base, `base of ${p.name}`);
    for (const r of dev.regions) {
      add(r.start, `start of region ${r.name}`);
      add(endOf(r), `last byte of region ${r.name}`);
      add(r.start + r.size, `end of region ${r.name}`);
    }
  }
  for (const [name, address] of Object.entries(CORE_BLOCKS)) add(address, `address of core block ${name}`);
  return known;
}

/** True when a value is checked: at or above IGNORE_BELOW, or inside main flash including its end. */
function checked(value: number): boolean {
  if (value >= IGNORE_BELOW) return true;
  return Object.values(DEVICES).some((dev) => {
    const flash = region(dev, 'flash');
    return value >= flash.start && value <= flash.start + flash.size;
  });
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function isExempt(file: string, text: string): boolean {
  return file.startsWith('src/device/') || file.startsWith('src/generated/') || text.startsWith('// GENERATED');
}

interface HexLiteral {
  readonly line: number;
  readonly text: string;
  readonly value: number;
}

const HEX_IN_TEXT = /\b0x[0-9a-f][0-9a-f_]*/gi;

/** The hex literals of the code of a TypeScript text (comments skipped), with their 1-based lines. */
function hexLiteralsInCode(text: string): HexLiteral[] {
  const out: HexLiteral[] = [];
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest);
  const lineOf = (pos: number): number => source.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isNumericLiteral(node)) {
      const raw = node.getText(source);
      if (/^0x/i.test(raw)) out.push({ line: lineOf(node.getStart(source)), text: raw, value: Number(raw.replace(/_/g, '')) });
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      const start = node.getStart(source);
      const raw = node.getText(source);
      for (const m of raw.matchAll(HEX_IN_TEXT)) {
        out.push({ line: lineOf(start + m.index!), text: m[0], value: parseInt(m[0].slice(2).replace(/_/g, ''), 16) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly value: number;
  readonly what: string;
}

function findings(): Finding[] {
  const known = deviceAddresses();
  const out: Finding[] = [];
  for (const path of sourceFiles(join(ROOT, 'src'))) {
    const file = relative(ROOT, path).split(sep).join('/');
    const text = readFileSync(path, 'utf8');
    if (isExempt(file, text)) continue;
    for (const lit of hexLiteralsInCode(text)) {
      const what = known.get(lit.value);
      if (what === undefined || !checked(lit.value)) continue;
      if (COINCIDENCES.some((c) => c.file === file && c.value === lit.value)) continue;
      out.push({ file, line: lit.line, text: lit.text, value: lit.value, what });
    }
  }
  return out;
}

describe('the memory organization is written down only in src/device/stm32f407.ts', () => {
  const all = findings();
  const isPending = (f: Finding): boolean => PENDING.some((p) => p.file === f.file && p.value === f.value);

  test('no source file outside src/device/ writes a region, sector, peripheral or core block address as a literal', () => {
    const violations = all.filter((f) => !isPending(f)).map((f) => `${f.file}:${f.line}: ${f.text} is the ${f.what}; import it from src/device/stm32f407.ts`);
    assert.deepEqual(violations, []);
  });

  test('every known violation left to its owner still exists (remove fixed ones from PENDING)', () => {
    const gone = PENDING.filter((p) => !all.some((f) => f.file === p.file && f.value === p.value)).map((p) => `${p.file}: 0x${p.value.toString(16)}`);
    assert.deepEqual(gone, []);
  });

  test('the scan sees code literals and literals in strings, and skips comments', () => {
    const text = ['// at 0x4002_3C00', '/* 0x4002_3C00 */', 'const a = 0x4002_3c00;', "const s = 'e.g. 0x08000000';", 'const t = `at ${a} 0x4000_0000`;'].join('\n');
    assert.deepEqual(
      hexLiteralsInCode(text).map((l) => [l.line, l.value]),
      [
        [3, 0x4002_3c00],
        [4, 0x0800_0000],
        [5, 0x4000_0000],
      ],
    );
  });

  test('offsets, masks and small sizes are not addresses; flash boundaries are', () => {
    assert.equal(checked(0x14), false);
    assert.equal(checked(0x400), false);
    assert.equal(checked(0x0000_0000), false);
    assert.equal(checked(0x0800_0000), true);
    assert.equal(checked(0x0810_0000), true);
    assert.equal(checked(0x4002_3c00), true);
  });
});

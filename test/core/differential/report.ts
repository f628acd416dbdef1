/**
 * Text of a campaign's results: one line per mismatch, a table per encoding and per class, and the
 * findings file the instruction-set engineers read (written with `fuzz.ts --findings FILE`).
 */
import { diffText } from './compare.js';
import type { CampaignResult, FormStats, Mismatch } from './campaign.js';
import { INSN_CLASSES, type Insn } from './insn.js';

const hexHw = (hw: readonly number[]): string => hw.map((h) => h.toString(16).padStart(4, '0')).join(' ');

/** Flag-setting 16-bit mnemonics: inside an IT block the same encoding does not set flags (A7.3.3). */
const FLAG_SETTING_16 = /^(add|sub|mov|lsl|lsr|asr|and|eor|adc|sbc|ror|rsb|orr|mul|bic|mvn)s /;

/** Assembler text as the instruction behaves where it is (16-bit forms in IT blocks lose the 's'). */
export function asmText(i: Insn): string {
  return i.inIt && i.hw.length === 1 ? i.asm.replace(FLAG_SETTING_16, '$1 ') : i.asm;
}

/** The whole sequence, the culprit marked with ▶ and instructions inside IT blocks with '·'. */
export function sequenceText(m: Mismatch): string {
  return m.testCase.insns.map((i, k) => `${k === m.culprit ? '▶' : ''}${i.inIt ? '·' : ''}${asmText(i)}`).join('; ');
}

/** One mismatch on one line: where to find it again, the instruction, what differs, the sequence. */
export function mismatchLine(seed: number, m: Mismatch): string {
  const c = m.testCase;
  const i = c.insns[m.culprit];
  const known = m.deviation ? ` [known oracle deviation ${m.deviation.id}]` : '';
  return (
    `seed ${seed} case ${c.index} insn ${m.culprit + 1}/${c.insns.length}${i.inIt ? ' (in IT)' : ''}: ${hexHw(i.hw)} ${asmText(i)} ` +
    `{${i.form}; f4emu: ${m.f4emuName}} — ${m.diffs.map(diffText).join(', ')} (f4emu≠unicorn)${known} | ${sequenceText(m)}`
  );
}

/** Encodings with unexplained mismatches, most first. */
function failingForms(r: CampaignResult): FormStats[] {
  return [...r.byForm.values()].filter((s) => s.failing > 0).sort((a, b) => b.failing - a.failing || a.form.localeCompare(b.form));
}

export function headline(r: CampaignResult): string {
  const rate = r.seconds > 0 ? Math.round(r.cases / r.seconds) : 0;
  return `${r.cases} cases (seed ${r.seed}) in ${r.seconds.toFixed(1)} s (${rate} cases/s): ${r.failing} mismatching, ${r.known} explained by known oracle deviations`;
}

interface ClassTotal {
  generated: number;
  failing: number;
  known: number;
}

function classTotals(r: CampaignResult): Array<[string, ClassTotal]> {
  const t = new Map<string, ClassTotal>(INSN_CLASSES.map((c) => [c, { generated: 0, failing: 0, known: 0 }]));
  for (const s of r.byForm.values()) {
    const c = t.get(s.cls) as ClassTotal;
    c.generated += s.generated;
    c.failing += s.failing;
    c.known += s.known;
  }
  return [...t.entries()].filter(([, c]) => c.generated > 0);
}

/** Plain-text summary: failing encodings with one example each, known deviations, then per class. */
export function summaryText(r: CampaignResult, maxForms = 60): string {
  const lines = [headline(r)];
  const forms = failingForms(r);
  if (forms.length > 0) lines.push('', 'Mismatches by encoding (failing/generated), one example each:');
  for (const s of forms.slice(0, maxForms)) {
    lines.push(`  ${s.form}: ${s.failing}/${s.generated}`, `    ${mismatchLine(r.seed, s.examples[0])}`);
  }
  if (forms.length > maxForms) lines.push(`  … ${forms.length - maxForms} more encodings`);
  if (r.byDeviation.size > 0) lines.push('', 'Known oracle deviations (reported, not failing):');
  for (const d of r.byDeviation.values()) lines.push(`  ${d.deviation.id} ×${d.count} (${d.deviation.reference})`, `    ${mismatchLine(r.seed, d.example)}`);
  lines.push('', 'Per instruction class (instructions generated / mismatches whose culprit is in it):');
  for (const [cls, c] of classTotals(r)) {
    lines.push(`  ${cls.padEnd(14)} ${String(c.generated).padStart(9)} generated ${String(c.failing).padStart(8)} failing${c.known ? ` ${c.known} known` : ''}`);
  }
  return lines.join('\n');
}

/** The findings file: failing encodings grouped by class with one example each, and how to reproduce. */
export function findingsMarkdown(r: CampaignResult, command: string): string {
  const out = [
    '# Differential CPU test: f4emu vs Unicorn — current mismatches',
    '',
    `Updated ${new Date().toISOString()} by \`${command}\` on the working tree.`,
    '',
    headline(r) + '.',
    '',
    "Each entry: the ARM ARM encoding the generator produced ({f4emu's decoder name}), failing cases",
    '(this encoding is the first instruction after which f4emu and Unicorn differ) / times generated, and',
    'one example: `seed S case N` regenerates it (`npm run fuzz:cpu -- --seed S --case N`), the',
    'instruction, each differing field as f4emu≠unicorn, and the whole sequence (▶ culprit, · inside an',
    'IT block). The ARM ARM is the truth: Unicorn has bugs (test/core/differential/oracle-deviations.ts).',
  ];
  const forms = failingForms(r);
  if (forms.length === 0) out.push('', '**No unexplained mismatches.**');
  let cls = '';
  for (const s of [...forms].sort((a, b) => INSN_CLASSES.indexOf(a.cls) - INSN_CLASSES.indexOf(b.cls))) {
    if (s.cls !== cls) {
      cls = s.cls;
      out.push('', `## ${cls}`, '');
    }
    out.push(`- **${s.form}** {${s.examples[0].f4emuName}} ${s.failing}/${s.generated}`, `  - \`${mismatchLine(r.seed, s.examples[0])}\``);
  }
  out.push('', '## Known oracle deviations (not failures)', '');
  if (r.byDeviation.size === 0) out.push('None seen in this run.');
  for (const d of r.byDeviation.values()) {
    out.push(`- **${d.deviation.id}** ×${d.count} — ${d.deviation.description} (${d.deviation.reference})`, `  - \`${mismatchLine(r.seed, d.example)}\``);
  }
  out.push('', '## Per class', '', '| class | instructions generated | failing | known deviations |', '|---|---:|---:|---:|');
  for (const [c, t] of classTotals(r)) out.push(`| ${c} | ${t.generated} | ${t.failing} | ${t.known} |`);
  return out.join('\n') + '\n';
}

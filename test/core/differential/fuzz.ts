/**
 * The differential CPU fuzzer's command line (`npm run fuzz:cpu` runs it with --long).
 *
 *   node --import tsx test/core/differential/fuzz.ts [--long] [--seed N] [--cases N] [--case N]
 *        [--class c1,c2] [--form text] [--oracles N] [--findings FILE] [--quiet]
 *
 * --long runs 2,000,000 cases with a random seed (printed first, so a run can be repeated);
 * --case N regenerates case N of --seed and shows it in full. Exit status 1 when a mismatch is
 * not explained by a known oracle deviation, 2 on bad arguments.
 */
import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { UserError } from '../../../src/errors.js';
import { Campaign } from './campaign.js';
import { apsrText, hex8, diffText } from './compare.js';
import type { GeneratorOptions } from './generator.js';
import { INSN_CLASSES, type InsnClass } from './insn.js';
import { findingsMarkdown, headline, mismatchLine, summaryText } from './report.js';

interface Args {
  seed: number;
  cases: number;
  single?: number;
  generator: GeneratorOptions;
  oracles: number;
  findings?: string;
  quiet: boolean;
}

function parseNumber(flag: string, text: string | undefined): number {
  const v = text === undefined ? NaN : Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(v) || v < 0) throw new UserError(`fuzz: ${flag} needs a non-negative integer, got '${text ?? ''}'`);
  return v;
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seed: Math.floor(Math.random() * 0x1_0000_0000), cases: 20_000, generator: {}, oracles: Math.max(1, availableParallelism()), quiet: false };
  const classes: InsnClass[] = [];
  const forms: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (a) {
      case '--long': args.cases = 2_000_000; break;
      case '--seed': args.seed = parseNumber(a, value()) >>> 0; break;
      case '--cases': args.cases = parseNumber(a, value()); break;
      case '--case': args.single = parseNumber(a, value()); break;
      case '--oracles': args.oracles = Math.max(1, parseNumber(a, value())); break;
      case '--findings': args.findings = value(); break;
      case '--quiet': args.quiet = true; break;
      case '--form': forms.push(value() ?? ''); break;
      case '--class':
        for (const c of (value() ?? '').split(',')) {
          if (!(INSN_CLASSES as readonly string[]).includes(c)) throw new UserError(`fuzz: unknown class '${c}' (classes: ${INSN_CLASSES.join(', ')})`);
          classes.push(c as InsnClass);
        }
        break;
      default:
        throw new UserError(`fuzz: unknown argument '${a}'`);
    }
  }
  args.generator = { classes, forms };
  return args;
}

function describeCase(args: Args, index: number): string {
  const c = Campaign.generate(args.seed, index, args.generator);
  const lines = [`seed ${args.seed} case ${index}:`];
  for (const i of c.insns) lines.push(`  ${i.hw.map((h) => h.toString(16).padStart(4, '0')).join(' ').padEnd(10)} ${i.inIt ? '  ' : ''}${i.asm.padEnd(40)} ${i.form}`);
  const r = [...c.init.r].map((v, k) => `${k === 13 ? 'sp' : k === 14 ? 'lr' : `r${k}`}=${hex8(v)}`);
  lines.push(`  ${r.slice(0, 8).join(' ')}`, `  ${r.slice(8).join(' ')}`);
  lines.push(`  apsr ${apsrText(c.init.apsr)}  fpscr ${hex8(c.init.fpscr)}`);
  for (let k = 0; k < 32; k += 8) lines.push(`  ${[...c.init.s.slice(k, k + 8)].map((v, j) => `s${k + j}=${hex8(v)}`).join(' ')}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.single !== undefined) {
    console.log(describeCase(args, args.single));
    const r = await Campaign.run({ seed: args.seed, cases: 1, firstCase: args.single, oracles: 1, generator: args.generator });
    const m = r.kept[0];
    console.log(m ? `${mismatchLine(args.seed, m)}\n  ${m.diffs.map(diffText).join('\n  ')}` : 'f4emu and Unicorn agree');
    process.exitCode = r.failing > 0 ? 1 : 0;
    return;
  }
  console.log(`differential CPU fuzz: seed ${args.seed}, ${args.cases} cases, ${args.oracles} oracle process(es)`);
  let lastReport = performance.now();
  const result = await Campaign.run({
    seed: args.seed,
    cases: args.cases,
    oracles: args.oracles,
    generator: args.generator,
    onProgress: (done, r) => {
      if (args.quiet || performance.now() - lastReport < 5000) return;
      lastReport = performance.now();
      console.log(`  ${headline(r)}`);
    },
  });
  console.log(summaryText(result));
  if (args.findings) {
    writeFileSync(args.findings, findingsMarkdown(result, `npm run fuzz:cpu -- --seed ${args.seed} --cases ${args.cases}`));
    console.log(`findings written to ${args.findings}`);
  }
  process.exitCode = result.failing > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  if (e instanceof UserError) {
    console.error(e.message);
    process.exitCode = e.exitCode;
    return;
  }
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});

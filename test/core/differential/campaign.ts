/**
 * A campaign: generate cases from a seed, run each on f4emu and on the Unicorn oracle, compare, and
 * for every mismatch find the first instruction after which the two sides differ (by rerunning
 * prefixes of the sequence on both), then check the allow-list of known oracle bugs.
 *
 * Throughput: cases go to the oracle processes in batches, several batches in flight, while this
 * thread generates the next ones and runs f4emu; the oracle is the slow side.
 */
import { encodingName } from '../../../src/core/decode.js';
import { compareOutcomes, memoryDiff, type Diff } from './compare.js';
import { FormPicker, generateCase, type CpuState, type GeneratorOptions, type TestCase } from './generator.js';
import type { InsnClass } from './insn.js';
import { DIFF_LAYOUT, WINDOW_BASE, WINDOW_SIZE } from './layout.js';
import { FLAG_DUMP, UnicornOracle, type OracleCase, type OracleResult } from './oracle.js';
import { knownDeviation, type Deviation } from './oracle-deviations.js';
import { Rng, caseSeed } from './prng.js';
import { F4emuTarget, type TargetResult } from './target.js';
import { windowPattern } from './values.js';

/** Cases sharing one window pattern (so one pattern is sent per group, not per case). */
export const WINDOW_GROUP = 64;

export interface CampaignOptions {
  readonly seed: number;
  readonly cases: number;
  /** Index of the first case (default 0): with `cases: 1` reruns one case of a campaign. */
  readonly firstCase?: number;
  readonly batchSize?: number;
  /** Oracle processes (default 1). */
  readonly oracles?: number;
  readonly generator?: GeneratorOptions;
  /** How many mismatches get their memory bytes compared (the others only by CRC). */
  readonly memoryDetails?: number;
  /** Mismatches kept with full detail (counts are always exact). */
  readonly keep?: number;
  readonly onProgress?: (done: number, result: CampaignResult) => void;
}

export interface Mismatch {
  readonly testCase: TestCase;
  /** Index in testCase.insns of the first instruction after which the sides differ. */
  readonly culprit: number;
  /** Differences right after the culprit. */
  readonly diffs: readonly Diff[];
  /** f4emu decoder's name for the culprit, or 'UNDEFINED'. */
  readonly f4emuName: string;
  readonly deviation?: Deviation;
}

export interface FormStats {
  readonly form: string;
  readonly cls: InsnClass;
  generated: number;
  failing: number;
  known: number;
  /** Up to three failing (unexplained) mismatches. */
  examples: Mismatch[];
}

export interface DeviationStats {
  readonly deviation: Deviation;
  count: number;
  example: Mismatch;
}

export interface CampaignResult {
  readonly seed: number;
  cases: number;
  failing: number;
  known: number;
  seconds: number;
  /** Failing mismatches kept with full detail (up to `keep`). */
  readonly kept: Mismatch[];
  readonly byForm: Map<string, FormStats>;
  readonly byDeviation: Map<string, DeviationStats>;
}

interface Batch {
  readonly cases: TestCase[];
  readonly windows: Uint8Array[];
  readonly promise: Promise<OracleResult[]>;
}

/** Byte offset of each instruction, plus the end. */
function offsets(c: TestCase): number[] {
  const out = [0];
  for (const i of c.insns) out.push(out[out.length - 1] + 2 * i.hw.length);
  return out;
}

/**
 * The code that runs the first `length` instructions of a case. A prefix must not end inside an IT
 * block (Unicorn mishandles a stop address there), so when it would, the IT instruction's mask is
 * shortened to end the block at the prefix's last instruction: the conditions of the instructions
 * kept are unchanged (A7.7.38), and both sides run the same modified code.
 */
export function prefixCode(c: TestCase, length: number): Uint16Array {
  if (length >= c.insns.length) return c.code;
  let itIndex = -1;
  for (let i = length - 1; i >= 0 && c.insns[i].inIt; i--) itIndex = i - 1;
  if (itIndex < 0 || !c.insns[length]?.inIt) return c.code;
  const kept = length - 1 - itIndex; // instructions of the block inside the prefix
  const at = offsets(c)[itIndex] >> 1;
  const code = c.code.slice();
  const mask = code[at] & 0xf;
  const keepBits = mask & (0xf << (5 - kept)) & 0xf; // then/else bits of instructions 2..kept
  code[at] = (code[at] & 0xfff0) | keepBits | (1 << (4 - kept));
  return code;
}

export class Campaign {
  private readonly picker: FormPicker;
  private readonly target = new F4emuTarget(WINDOW_BASE, WINDOW_SIZE);
  private readonly windowCache = new Map<number, Uint8Array>();
  private oracleTurn = 0;
  private memoryDetailsLeft: number;
  readonly result: CampaignResult;

  private constructor(
    private readonly options: CampaignOptions,
    private readonly oracles: UnicornOracle[],
  ) {
    this.picker = new FormPicker(options.generator);
    this.memoryDetailsLeft = options.memoryDetails ?? 200;
    this.result = { seed: options.seed, cases: 0, failing: 0, known: 0, seconds: 0, kept: [], byForm: new Map(), byDeviation: new Map() };
  }

  /** Runs a whole campaign; the oracle processes are started and stopped here. */
  static async run(options: CampaignOptions): Promise<CampaignResult> {
    const n = Math.max(1, options.oracles ?? 1);
    const started = await Promise.allSettled(Array.from({ length: n }, () => UnicornOracle.start(WINDOW_BASE, WINDOW_SIZE)));
    const oracles = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      for (const o of oracles) o.close();
      throw failed.reason;
    }
    try {
      return await new Campaign(options, oracles).execute();
    } finally {
      for (const o of oracles) o.close();
    }
  }

  /** The case of a campaign with index `index`, exactly as the campaign generated it. */
  static generate(seed: number, index: number, generator?: GeneratorOptions): TestCase {
    return generateCase(caseSeed(seed, index), index, DIFF_LAYOUT, new FormPicker(generator), generator);
  }

  /** The window contents before case `index` of a campaign. */
  static window(seed: number, index: number): Uint8Array {
    return windowPattern(new Rng(caseSeed(seed ^ 0x57494e44, Math.floor(index / WINDOW_GROUP))), WINDOW_SIZE);
  }

  private windowFor(index: number): Uint8Array {
    const group = Math.floor(index / WINDOW_GROUP);
    let w = this.windowCache.get(group);
    if (!w) {
      this.windowCache.clear();
      w = Campaign.window(this.options.seed, index);
      this.windowCache.set(group, w);
    }
    return w;
  }

  private async execute(): Promise<CampaignResult> {
    const started = performance.now();
    const first = this.options.firstCase ?? 0;
    const end = first + this.options.cases;
    const size = this.options.batchSize ?? 2048;
    const inflight: Batch[] = [];
    let next = first;
    while (next < end || inflight.length > 0) {
      while (next < end && inflight.length < this.oracles.length + 1) {
        const count = Math.min(size, end - next);
        inflight.push(this.submit(next, count));
        next += count;
      }
      const batch = inflight.shift() as Batch;
      await this.check(batch, await batch.promise);
      this.result.seconds = (performance.now() - started) / 1000;
      this.options.onProgress?.(this.result.cases, this.result);
    }
    return this.result;
  }

  private oracle(): UnicornOracle {
    return this.oracles[this.oracleTurn++ % this.oracles.length];
  }

  private submit(first: number, count: number): Batch {
    const cases: TestCase[] = [];
    const windows: Uint8Array[] = [];
    for (let i = first; i < first + count; i++) {
      cases.push(generateCase(caseSeed(this.options.seed, i), i, DIFF_LAYOUT, this.picker, this.options.generator));
      windows.push(this.windowFor(i));
    }
    const requests = cases.map((c, k) => this.request(c, c.insns.length, windows[k], k === 0 || windows[k] !== windows[k - 1]));
    const promise = this.oracle().run(requests);
    promise.catch(() => {}); // awaited in order by execute(); a failure must not surface twice
    return { cases, windows, promise };
  }

  private request(c: TestCase, length: number, window: Uint8Array, sendWindow: boolean, dump = false): OracleCase {
    return {
      code: prefixCode(c, length),
      stopOffset: offsets(c)[length],
      flags: dump ? FLAG_DUMP : 0,
      init: c.init,
      window: sendWindow ? window : undefined,
    };
  }

  private runTarget(c: TestCase, length: number, window: Uint8Array): TargetResult {
    return this.target.run({ code: prefixCode(c, length), instructions: length, stopOffset: offsets(c)[length], init: c.init }, window);
  }

  private async check(batch: Batch, results: OracleResult[]): Promise<void> {
    const bad: Array<{ k: number; diffs: Diff[] }> = [];
    batch.cases.forEach((c, k) => {
      for (const i of c.insns) this.stats(i.form, i.cls).generated++;
      const diffs = compareOutcomes(this.runTarget(c, c.insns.length, batch.windows[k]), results[k]);
      if (diffs.length > 0) bad.push({ k, diffs });
    });
    this.result.cases += batch.cases.length;
    if (bad.length === 0) return;
    const located = await this.locate(batch, bad, results);
    await this.addMemoryDetails(batch, located);
    for (const m of located) this.record(m);
  }

  /** Finds the culprit instruction of each mismatching case by running its prefixes on both sides. */
  private async locate(batch: Batch, bad: ReadonlyArray<{ k: number; diffs: Diff[] }>, results: OracleResult[]): Promise<Array<Mismatch & { k: number }>> {
    // The culprit is at most the instruction a side faulted on, else the last one; prefixes of
    // 1..upTo instructions find the first after which the sides differ.
    const prefixes: Array<{ k: number; length: number }> = [];
    const upTo = new Map<number, number>();
    const firstPrefix = new Map<number, number>();
    for (const { k } of bad) {
      const c = batch.cases[k];
      const last = this.culpritFromPc(c, results[k], batch.windows[k]) ?? c.insns.length - 1;
      upTo.set(k, last);
      firstPrefix.set(k, prefixes.length);
      // A prefix ending with an IT instruction would stop inside its block: skip it.
      for (let length = 1; length <= last; length++) if (c.insns[length - 1].cls !== 'it') prefixes.push({ k, length });
    }
    const requests = prefixes.map((p, j) => {
      const w = batch.windows[p.k];
      return this.request(batch.cases[p.k], p.length, w, j === 0 || w !== batch.windows[prefixes[j - 1].k]);
    });
    const prefixResults = requests.length > 0 ? await this.oracle().run(requests) : [];
    const out: Array<Mismatch & { k: number }> = [];
    for (const { k, diffs } of bad) {
      const c = batch.cases[k];
      let culprit = upTo.get(k) as number;
      let at: readonly Diff[] = diffs;
      let before: CpuState = c.init;
      for (let j = firstPrefix.get(k) as number; j < prefixes.length && prefixes[j].k === k; j++) {
        const length = prefixes[j].length;
        const d = compareOutcomes(this.runTarget(c, length, batch.windows[k]), prefixResults[j]);
        if (d.length > 0) {
          culprit = length - 1;
          at = d;
          break;
        }
        before = prefixResults[j].state;
      }
      const insn = c.insns[culprit];
      const f4emuName = encodingName(insn.hw[0], insn.hw[1] ?? 0) ?? 'UNDEFINED';
      const deviation = knownDeviation({ testCase: c, insn, before, diffs: at });
      out.push({ k, testCase: c, culprit, diffs: at, f4emuName, deviation });
    }
    return out;
  }

  /** When a side stopped with a fault at an instruction, no later instruction can be the culprit. */
  private culpritFromPc(c: TestCase, o: OracleResult, window: Uint8Array): number | undefined {
    const t = this.runTarget(c, c.insns.length, window);
    const pcs = offsets(c).map((x) => (WINDOW_BASE + x) >>> 0);
    const fromT = t.status === 'fault' ? pcs.indexOf(t.pc) : -1;
    const fromO = o.status === 'error' ? pcs.indexOf(o.pc) : -1;
    const found = [fromT, fromO].filter((x) => x >= 0 && x < c.insns.length);
    return found.length > 0 ? Math.min(...found) : undefined;
  }

  /** Replaces the memory CRC difference by the differing bytes, for a limited number of mismatches. */
  private async addMemoryDetails(batch: Batch, located: Array<Mismatch & { k: number; diffs: readonly Diff[] }>): Promise<void> {
    const want = located.filter((m) => m.diffs.some((d) => d.field === 'memory' && !d.text)).slice(0, Math.max(0, this.memoryDetailsLeft));
    if (want.length === 0) return;
    this.memoryDetailsLeft -= want.length;
    const requests = want.map((m) => this.request(m.testCase, m.culprit + 1, batch.windows[m.k], true, true));
    const dumps = await this.oracle().run(requests);
    want.forEach((m, j) => {
      this.runTarget(m.testCase, m.culprit + 1, batch.windows[m.k]);
      const theirs = dumps[j].window;
      if (!theirs) return;
      const detail = memoryDiff(WINDOW_BASE, this.target.window, theirs);
      (m as { diffs: readonly Diff[] }).diffs = m.diffs.map((d) => (d.field === 'memory' ? detail : d));
    });
  }

  private stats(form: string, cls: InsnClass): FormStats {
    let s = this.result.byForm.get(form);
    if (!s) {
      s = { form, cls, generated: 0, failing: 0, known: 0, examples: [] };
      this.result.byForm.set(form, s);
    }
    return s;
  }

  private record(m: Mismatch & { k?: number }): void {
    const { k: _k, ...mismatch } = m;
    void _k;
    const insn = m.testCase.insns[m.culprit];
    const s = this.stats(insn.form, insn.cls);
    if (m.deviation) {
      s.known++;
      this.result.known++;
      const d = this.result.byDeviation.get(m.deviation.id);
      if (d) d.count++;
      else this.result.byDeviation.set(m.deviation.id, { deviation: m.deviation, count: 1, example: mismatch });
      return;
    }
    s.failing++;
    this.result.failing++;
    if (s.examples.length < 3) s.examples.push(mismatch);
    if (this.result.kept.length < (this.options.keep ?? 1000)) this.result.kept.push(mismatch);
  }
}


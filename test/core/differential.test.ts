/**
 * Differential test of the Cortex-M4F core against Unicorn (quick mode): 20,000 seeded random
 * instruction sequences covering every encoding class the generator knows (test/core/differential/
 * README.md). Needs /usr/bin/python3 with the unicorn module (python3-unicorn); fails without it.
 * `npm run fuzz:cpu` runs the long mode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Campaign, prefixCode } from './differential/campaign.js';
import { compareOutcomes } from './differential/compare.js';
import { newState, type TestCase } from './differential/generator.js';
import { enc, type Insn } from './differential/insn.js';
import { WINDOW_BASE, WINDOW_SIZE } from './differential/layout.js';
import { knownDeviation } from './differential/oracle-deviations.js';
import { UnicornOracle } from './differential/oracle.js';
import { summaryText } from './differential/report.js';

/** Fixed: the quick mode is the same 20,000 cases on every run. */
const QUICK_SEED = 20250601;
const QUICK_CASES = 50_000;

test('the generator makes the same case from the same seed and index', () => {
  const a = Campaign.generate(QUICK_SEED, 1234);
  const b = Campaign.generate(QUICK_SEED, 1234);
  assert.deepEqual([...a.code], [...b.code]);
  assert.deepEqual([...a.init.r], [...b.init.r]);
  assert.notDeepEqual([...Campaign.generate(QUICK_SEED, 1235).code], [...a.code]);
});

test('the Unicorn oracle executes ADDS r0, r1, r2 with carry out and reports the flags', async () => {
  const oracle = await UnicornOracle.start(WINDOW_BASE, WINDOW_SIZE);
  try {
    const init = newState();
    init.r[1] = 0xffffffff;
    init.r[2] = 2;
    init.r[13] = WINDOW_BASE + 0x1000;
    const code = Uint16Array.from(enc('0001100 Rm:3 Rn:3 Rd:3', { Rm: 2, Rn: 1, Rd: 0 }));
    const [r] = await oracle.run([{ code, stopOffset: 2, flags: 0, init, window: new Uint8Array(WINDOW_SIZE) }]);
    assert.equal(r.status, 'ok');
    assert.equal(r.state.r[0], 1);
    assert.equal(r.state.apsr >>> 28, 0b0010, 'C set, N Z V clear');
  } finally {
    oracle.close();
  }
});

test('a prefix that ends inside an IT block shortens the block, keeping the conditions of what remains', () => {
  // Expected encodings from arm-none-eabi-as: itete eq = bf0b, itet eq = bf0a, ite eq = bf0c, it eq = bf08;
  // ittee ne = bf19, itte ne = bf1a, itt ne = bf1c, it ne = bf18.
  const block = (it: number): TestCase => {
    const nop = (inIt: boolean): Insn => ({ hw: [0xbf00], asm: 'nop', form: 'NOP T1', cls: 'misc', inIt });
    const insns: Insn[] = [{ hw: [it], asm: 'it', form: 'IT T1', cls: 'it', inIt: false }, nop(true), nop(true), nop(true), nop(true), nop(false)];
    return { index: 0, seed: 0, insns, code: Uint16Array.from(insns.map((i) => i.hw[0])), init: newState() };
  };
  const first = (c: TestCase, length: number): string => prefixCode(c, length)[0].toString(16);
  const eq = block(0xbf0b);
  assert.deepEqual([5, 4, 3, 2].map((n) => first(eq, n)), ['bf0b', 'bf0a', 'bf0c', 'bf08']);
  const ne = block(0xbf19);
  assert.deepEqual([6, 4, 3, 2].map((n) => first(ne, n)), ['bf19', 'bf1a', 'bf1c', 'bf18']);
});

test('the SMLAD Q allow-list entry covers only sums that fit after adding Ra', () => {
  // smlad r0, r1, r2, r3 with both products 0x8000 * 0x8000 = 2^30: their sum overflows.
  const insn: Insn = { hw: [0xfb21, 0x3002], asm: 'smlad r0, r1, r2, r3', form: 'SMLAD T1', cls: 'dsp-multiply', inIt: false };
  const testCase: TestCase = { index: 0, seed: 0, insns: [insn], code: Uint16Array.from(insn.hw), init: newState() };
  const before = newState();
  before.r[1] = before.r[2] = 0x80008000;
  const qOnlyInUnicorn = [{ field: 'apsr', f4emu: 0, oracle: 1 << 27 }];
  before.r[3] = 0xffffffff; // 2^31 - 1 fits: Q must stay clear (the manual), Unicorn sets it
  assert.equal(knownDeviation({ testCase, insn, before, diffs: qOnlyInUnicorn })?.id, 'smlad-q');
  before.r[3] = 0; // 2^31 does not fit: Q is set by the manual too, so a difference is f4emu's bug
  assert.equal(knownDeviation({ testCase, insn, before, diffs: qOnlyInUnicorn }), undefined);
});

test('a difference in one register is reported as a mismatch', () => {
  const a = newState();
  const b = newState();
  b.r[5] = 1;
  const diffs = compareOutcomes({ status: 'ok', detail: '', pc: 0, state: a, crc: 7 }, { status: 'ok', error: 0, pc: 0, xpsr: 0, state: b, crc: 7 });
  assert.deepEqual(diffs.map((d) => d.field), ['r5']);
});

test(`f4emu agrees with Unicorn on ${QUICK_CASES} random instruction sequences (seed ${QUICK_SEED})`, async () => {
  const result = await Campaign.run({ seed: QUICK_SEED, cases: QUICK_CASES, oracles: 2 });
  assert.equal(result.cases, QUICK_CASES);
  assert.equal(result.failing, 0, `\n${summaryText(result, 40)}\n`);
});

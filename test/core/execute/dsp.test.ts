/**
 * The DSP instructions (src/core/execute/dsp.ts) run on a real CortexM4 from `new Machine()`, checked
 * against test/core/execute/dsp-vectors.json: results computed by Unicorn (QEMU's Cortex-M4) on edge
 * operands, regenerated with `/usr/bin/python3 test/core/execute/dsp-vectors.py`.
 *
 * Where Unicorn and the ARMv7-M ARM disagree the fixture holds the manual's answer and lists the case
 * under "overridden". Known disagreement: SMLAD/SMLADX set Q in Unicorn 2.0 (QEMU 5) when product1 +
 * product2 overflows 32 bits although adding Ra brings the sum back in range; the pseudocode tests only
 * the final sum (fixed in QEMU 7.1).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { region } from '../../../src/device/stm32f407.js';
import { hex32 } from '../../../src/errors.js';
import { Machine } from '../../../src/machine.js';

interface InstructionVectors {
  asm: string;
  hw: [number, number];
  /** Registers set before, in the order of each case's leading values. */
  in: number[];
  /** Registers compared after, in the order of each case's trailing values. */
  out: number[];
  /** [...inputs, apsrBefore, ...outputs, apsrAfter] */
  cases: number[][];
}

interface Fixture {
  overridden: Array<{ asm: string; case: number }>;
  instructions: InstructionVectors[];
}

const fixture = JSON.parse(readFileSync(new URL('./dsp-vectors.json', import.meta.url), 'utf8')) as Fixture;

const machine = new Machine();
const { cpu, bus } = machine;
const CODE = region(machine.device, 'sram1').start;

/** The 64-bit multiply-accumulates take one extra cycle; every other DSP instruction takes one. */
const LONG_ACCUMULATE = /^(smlal|smlsld|umaal)/;

/** Writes one instruction at `address` and returns a runner that executes it with the given state. */
function place(address: number, hw1: number, hw2: number) {
  bus.write16(address, hw1);
  bus.write16(address + 2, hw2);
  return (regs: Record<number, number>, apsr: number): { cycles: number } => {
    cpu.r.fill(0);
    for (const [r, v] of Object.entries(regs)) cpu.r[Number(r)] = v;
    cpu.apsr = apsr;
    cpu.npc = address;
    const before = machine.scheduler.cycles;
    const why = cpu.run(1);
    assert.equal(why, 'budget', `stopped with ${why} (halted: ${cpu.halted})`);
    assert.equal(cpu.npc, address + 4, 'falls through to the next instruction');
    return { cycles: machine.scheduler.cycles - before };
  };
}

fixture.instructions.forEach((ins, index) => {
  test(`${ins.asm}: results, Q and GE match the oracle on edge operands; ${LONG_ACCUMULATE.test(ins.asm) ? 2 : 1} cycle(s)`, () => {
    const run = place(CODE + index * 4, ins.hw[0], ins.hw[1]);
    const nIn = ins.in.length;
    for (const c of ins.cases) {
      const regs: Record<number, number> = {};
      ins.in.forEach((r, i) => (regs[r] = c[i]));
      const { cycles } = run(regs, c[nIn]);
      const got = [...ins.out.map((r) => cpu.r[r] >>> 0), cpu.apsr];
      const inputs = ins.in.map((r, i) => `r${r}=${hex32(c[i])}`).join(' ');
      assert.deepEqual(got.map(hex32), c.slice(nIn + 1).map(hex32), `${ins.asm} with ${inputs} APSR=${hex32(c[nIn])}`);
      assert.equal(cycles, LONG_ACCUMULATE.test(ins.asm) ? 2 : 1);
    }
  });
});

test('the fixture covers every DSP mnemonic of the assignment', () => {
  const mnemonics = new Set(fixture.instructions.map((i) => i.asm.split(' ')[0]));
  const expected = (
    'sadd16 sasx ssax ssub16 sadd8 ssub8 qadd16 qasx qsax qsub16 qadd8 qsub8 shadd16 shasx shsax shsub16 shadd8 shsub8 ' +
    'uadd16 uasx usax usub16 uadd8 usub8 uqadd16 uqasx uqsax uqsub16 uqadd8 uqsub8 uhadd16 uhasx uhsax uhsub16 uhadd8 uhsub8 ' +
    'qadd qsub qdadd qdsub ssat ssat16 usat usat16 pkhbt pkhtb sxtb16 uxtb16 sxtab16 uxtab16 sel usad8 usada8 ' +
    'smulbb smulbt smultb smultt smlabb smlabt smlatb smlatt smulwb smulwt smlawb smlawt smuad smuadx smusd smusdx ' +
    'smlad smladx smlsd smlsdx smlalbb smlalbt smlaltb smlaltt smlald smlaldx smlsld smlsldx smmul smmulr smmla smmlar smmls smmlsr umaal'
  ).split(' ');
  assert.deepEqual(expected.filter((m) => !mnemonics.has(m)), []);
});

test('SMLAD leaves Q clear when the two products overflow but the sum with Ra fits (the manual, not QEMU 5)', () => {
  const run = place(CODE + 0x800, 0xfb22, 0x4003); // smlad r0, r2, r3, r4
  // 0x8000 * 0x8000 twice = 2^31; plus Ra = -1 gives 0x7FFFFFFF, which fits.
  run({ 2: 0x80008000 | 0, 3: 0x80008000 | 0, 4: -1 }, 0);
  assert.equal(cpu.r[0], 0x7fffffff);
  assert.equal(cpu.q, 0);
  // With Ra = 0 the sum 2^31 does not fit: it wraps and sets Q.
  run({ 2: 0x80008000 | 0, 3: 0x80008000 | 0, 4: 0 }, 0);
  assert.equal(cpu.r[0] >>> 0, 0x80000000);
  assert.equal(cpu.q, 1);
  assert.ok(fixture.overridden.every((o) => o.asm.startsWith('smlad')), 'only the SMLAD cases are overridden');
});

test('a DSP instruction skipped inside an IT block leaves its destination and flags alone', () => {
  const run = place(CODE + 0x810, 0xfa92, 0xf003); // sadd16 r0, r2, r3
  cpu.itstate = 0x08; // IT EQ, last instruction of the block
  run({ 0: 0x1234, 2: 1, 3: 1 }, 0); // Z = 0: EQ fails
  assert.equal(cpu.r[0], 0x1234);
  assert.equal(cpu.ge, 0);
  assert.equal(cpu.itstate, 0);
});

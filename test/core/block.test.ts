import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { createMachine } from '../../src/boards/index.js';
import { Semihosting } from '../../src/core/semihosting.js';
import { loadImageFile } from '../../src/loaders/load-file.js';
import type { Machine } from '../../src/machine.js';
import { CFSR } from '../../src/core/faults.js';
import { THREAD_CODE, bootMachine, handlerAddress } from './harness.js';
import { EXC } from '../../src/core/exceptions.js';

const BUILD = 'firmware/build';

interface Run {
  readonly machine: Machine;
  readonly output: () => string;
  readonly exitCode: () => number | null;
}

/** The complete machine with `elf` loaded and semihosting, after power-on; `threshold` 0 = pure interpreter. */
function boot(elf: string, threshold: number, commandLine = elf): Run {
  const machine = createMachine();
  const image = loadImageFile(`${BUILD}/${elf}`);
  machine.loadImage(image);
  let out = '';
  const decoder = new TextDecoder();
  const semi = new Semihosting(
    machine.cpu,
    { write: (_fd, bytes) => void (out += decoder.decode(bytes)), read: () => new Uint8Array(0) },
    { symbols: image.symbols, commandLine },
  );
  semi.install();
  machine.reset('power-on');
  machine.cpu.blockThreshold = threshold;
  return { machine, output: () => out, exitCode: () => semi.exitCode };
}

/** Everything architecturally visible that a difference in translation could change. */
function state(m: Machine): string {
  const c = m.cpu;
  return JSON.stringify([c.instructions, m.scheduler.cycles, c.npc, Array.from(c.r), c.xpsr, c.sw.join(), c.fpscr, c.primask, c.control]);
}

/** Test programs that exit through semihosting, with their command lines. */
const PROGRAMS: ReadonlyArray<[elf: string, commandLine: string]> = [
  ...readdirSync(BUILD)
    .filter((f) => f.startsWith('tests-') && f.endsWith('.elf'))
    .map((f): [string, string] => [f, f]),
  ['demo.elf', 'demo'],
  ['flashtest.elf', 'flashtest'],
  ['bench-int.elf', 'bench-int 3'],
  ['bench-float.elf', 'bench-float 3'],
];

test('every firmware program gives the same output, instruction count and cycle count translated and interpreted', () => {
  for (const [elf, commandLine] of PROGRAMS) {
    const results = [0, 1].map((threshold) => {
      const r = boot(elf, threshold, commandLine);
      while (r.exitCode() === null && r.machine.cpu.instructions < 50_000_000) {
        if (r.machine.run(1_000_000) !== 'budget' && r.exitCode() === null) break;
      }
      return { exit: r.exitCode(), output: r.output(), state: state(r.machine), blocks: r.machine.cpu.translatedBlocks };
    });
    const [interpreted, translated] = results;
    assert.equal(interpreted.exit, 0, `${elf} exits 0`);
    assert.equal(interpreted.blocks, 0);
    assert.ok(translated.blocks > 0, `${elf}: nothing translated`);
    assert.equal(translated.output, interpreted.output, elf);
    assert.equal(translated.state, interpreted.state, elf);
  }
});

test('translated and interpreted cores are in the same state after every slice of 997 instructions', () => {
  // Faults and exceptions, divide-by-zero traps, FP, flash programming (pages leave the fast path).
  for (const elf of ['tests-exceptions-O2.elf', 'tests-divzero-O0.elf', 'tests-float-Os.elf', 'flashtest.elf']) {
    const a = boot(elf, 0);
    const b = boot(elf, 1);
    let slices = 0;
    while (a.exitCode() === null && slices < 2000) {
      a.machine.run(997);
      b.machine.run(997);
      assert.equal(state(b.machine), state(a.machine), `${elf}, slice ${++slices}`);
    }
    assert.equal(a.exitCode(), 0, elf);
    assert.equal(b.exitCode(), 0, elf);
  }
});

/** A machine booted from SRAM (test/core/harness.ts) with `code` at THREAD_CODE, translating from the first execution. */
function sramMachine(code: readonly number[], threshold: number): Machine {
  const m = bootMachine();
  for (let i = 0; i < code.length; i++) m.bus.write16(THREAD_CODE + 2 * i, code[i]);
  m.cpu.blockThreshold = threshold;
  return m;
}

test('a store that rewrites a later instruction of the running block takes effect at once', () => {
  const code = [
    0x4903, // ldr r1, [pc, #12]  -> THREAD_CODE + 6 (the movs below)
    0x4a04, // ldr r2, [pc, #16]  -> 0x2002 (movs r0, #2)
    0x800a, // strh r2, [r1]
    0x2001, // movs r0, #1        rewritten to movs r0, #2 by the strh
    0xe7fe, // b .
    0x0000,
    0x0000,
    0x0000,
    (THREAD_CODE + 6) & 0xffff,
    (THREAD_CODE + 6) >>> 16,
    0x2002,
    0x0000,
  ];
  for (const threshold of [0, 1]) {
    const m = sramMachine(code, threshold);
    m.run(5);
    assert.equal(m.cpu.r[0], 2, `threshold ${threshold}: the rewritten instruction ran`);
    assert.equal(m.cpu.npc, THREAD_CODE + 8);
  }
});

test('a fault inside a block counts the instructions and cycles before it and enters the handler with the same state', () => {
  const busFault = [
    0x2001, // movs r0, #1
    0x2102, // movs r1, #2
    0x4a01, // ldr r2, [pc, #4]  -> 0x3000_0000 (reserved: nothing answers)
    0x6813, // ldr r3, [r2]      precise bus fault
    0x2404, // movs r4, #4
    0xe7fe, // b .
    0x0000,
    0x3000,
  ];
  const divideByZero = [
    0x2001, // movs r0, #1
    0x2100, // movs r1, #0
    0xfb90, // sdiv r2, r0, r1   UsageFault DIVBYZERO (CCR.DIV_0_TRP)
    0xf2f1,
    0x2404, // movs r4, #4
    0xe7fe, // b .
  ];
  for (const [code, cfsr] of [
    [busFault, CFSR.PRECISERR],
    [divideByZero, CFSR.DIVBYZERO],
  ] as const) {
    const runs = [0, 1].map((threshold) => {
      const m = sramMachine(code, threshold);
      m.cpu.exc.ccr |= 1 << 4; // DIV_0_TRP
      m.run(6);
      return m;
    });
    assert.equal(state(runs[1]), state(runs[0]));
    const cpu = runs[1].cpu;
    assert.equal(cpu.npc, handlerAddress(EXC.HardFault));
    assert.ok((cpu.exc.cfsr & cfsr) !== 0);
    assert.equal(cpu.r[4], 0, 'nothing after the faulting instruction ran');
    assert.ok(cpu.translatedBlocks > 0);
  }
});

test('IT blocks inside a translated block run their instructions under their conditions', () => {
  const code = [
    0x2800, // cmp r0, #0
    0xbf0c, // ite eq
    0x2101, // moveq r1, #1
    0x2102, // movne r1, #2
    0xbfb8, // it lt
    0x3101, // addlt r1, #1    (flags set by no instruction in an IT block: ADDS becomes ADD)
    0x1c4a, // adds r2, r1, #1 (outside: sets flags)
    0xbf1c, // itt ne
    0x6813, // ldrne r3, [r2]  (a MEMORY instruction in an IT block)
    0x2404, // movne r4, #4
    0xe7fe, // b .
  ];
  for (const r0 of [0, 5, -5]) {
    const runs = [0, 1].map((threshold) => {
      const m = sramMachine(code, threshold);
      m.cpu.r[0] = r0;
      m.run(12);
      return m;
    });
    assert.equal(state(runs[1]), state(runs[0]), `r0 = ${r0}`);
    assert.ok(runs[1].cpu.translatedBlocks > 0);
  }
});

test('with code generation forbidden (a browser CSP), the core runs as an interpreter with the same results', () => {
  const script = `
    import { createMachine } from './src/boards/index.ts';
    import { Semihosting } from './src/core/semihosting.ts';
    import { loadImageFile } from './src/loaders/load-file.ts';
    const m = createMachine();
    const image = loadImageFile('${BUILD}/bench-int.elf');
    m.loadImage(image);
    const semi = new Semihosting(m.cpu, { write() {}, read: () => new Uint8Array(0) }, { symbols: image.symbols, commandLine: 'bench-int 2' });
    semi.install();
    m.reset('power-on');
    while (semi.exitCode === null && m.run(100000) === 'budget');
    console.log(JSON.stringify([semi.exitCode, m.cpu.instructions, m.scheduler.cycles, m.cpu.translatedBlocks]));
  `;
  const run = (flags: string[]) => {
    const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim()) as number[];
  };
  const allowed = run([]);
  const forbidden = run(['--disallow-code-generation-from-strings']);
  assert.equal(allowed[0], 0);
  assert.ok(allowed[3] > 0);
  assert.equal(forbidden[3], 0);
  assert.deepEqual(forbidden.slice(0, 3), allowed.slice(0, 3));
});

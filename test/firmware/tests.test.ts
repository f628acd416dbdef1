/**
 * The project's C test programs (firmware/tests/*, built at -O0, -O2 and -Os) run on f4emu and
 * must print exactly their .expected output (QEMU's, or the architecture's where QEMU is wrong:
 * see firmware/tests/README.md) and exit with status 0.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/machine.js';
import { chipPeripherals } from '../../src/peripherals/index.js';
import { loadImageFile } from '../../src/loaders/load-file.js';
import { Semihosting, type SemihostingHost } from '../../src/core/semihosting.js';

const BUILD = 'firmware/build';
const programs = readdirSync('firmware/tests').filter((f) => f.endsWith('.expected')).map((f) => f.replace(/\.expected$/, ''));

/** Runs an ELF to its semihosting exit; returns stdout and the exit status. */
function runToExit(elf: string, maxInstructions = 200_000_000): { stdout: string; status: number | null; instructions: number } {
  const machine = new Machine({}, chipPeripherals());
  const image = loadImageFile(elf);
  machine.loadImage(image);
  let stdout = '';
  const decoder = new TextDecoder();
  const host: SemihostingHost = {
    write: (fd, bytes) => {
      if (fd === 1) stdout += decoder.decode(bytes);
    },
    read: () => new Uint8Array(0),
  };
  const semi = new Semihosting(machine.cpu, host, { symbols: image.symbols, commandLine: elf });
  semi.install();
  machine.reset('power-on');
  while (semi.exitCode === null && machine.cpu.instructions < maxInstructions) {
    const why = machine.run(10_000_000);
    if (why === 'lockup' || why === 'halted' || why === 'sleep') break;
  }
  return { stdout, status: semi.exitCode, instructions: machine.cpu.instructions };
}

for (const name of programs) {
  const expected = readFileSync(`firmware/tests/${name}.expected`, 'utf8');
  for (const level of ['O0', 'O2', 'Os']) {
    test(`firmware test program ${name} at -${level} prints its expected output and exits 0`, () => {
      const r = runToExit(`${BUILD}/tests-${name}-${level}.elf`);
      assert.equal(r.stdout, expected);
      assert.equal(r.status, 0);
    });
  }
}

test('the demo firmware runs to completion deterministically (same instruction count twice)', () => {
  const a = runToExit(`${BUILD}/demo.elf`);
  const b = runToExit(`${BUILD}/demo.elf`);
  assert.equal(a.status, 0);
  assert.match(a.stdout, /CPUID\s+0x410fc241/);
  assert.equal(a.instructions, b.instructions);
  assert.equal(a.stdout, b.stdout);
});

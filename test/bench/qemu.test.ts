/** The QEMU side of the benchmark; skipped where qemu-system-arm is not installed. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { findProgram } from '../../bench/host-tools.js';
import { QEMU_PROGRAM, measureOnQemu, qemuArgs, runOnQemu } from '../../bench/qemu.js';

const BUILD = join(import.meta.dirname, '../../firmware/build');
const qemu = findProgram(QEMU_PROGRAM);
const skip = qemu ? false : `${QEMU_PROGRAM} not found`;

test('the semihosting command line is the program name then the iterations', () => {
  const args = qemuArgs('/x/bench-int.elf', 42);
  assert.equal(args[args.indexOf('-semihosting-config') + 1], 'enable=on,target=native,arg=bench-int,arg=42');
  assert.equal(args[args.indexOf('-M') + 1], 'netduinoplus2');
  assert.equal(args[args.indexOf('-kernel') + 1], '/x/bench-int.elf');
});

test('bench-int with 10 iterations on QEMU gives the reference checksum', { skip }, () => {
  const run = runOnQemu(qemu!, join(BUILD, 'bench-int.elf'), 10);
  assert.deepEqual([run.iterations, run.checksum], [10, 0x04669a9b]);
});

test('a measurement subtracts the 0-iteration run from the median work time', { skip }, () => {
  const m = measureOnQemu(qemu!, join(BUILD, 'bench-float.elf'), 100);
  assert.equal(m.result.checksum, 0x11813190);
  assert.equal(m.baseline.checksum, 0);
  assert.ok(m.startupSeconds > 0);
  assert.equal(m.netSeconds, m.workSeconds - m.startupSeconds);
});

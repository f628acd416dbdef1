/**
 * The f4emu side of the benchmark on the committed ELFs. The expected checksums are QEMU's
 * (firmware/bench/README.md), so these runs compute the same thing as the reference.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runOnF4emu } from '../../bench/f4emu.js';
import { BenchFailure } from '../../bench/result-line.js';

const BUILD = join(import.meta.dirname, '../../firmware/build');

test('bench-int with 10 iterations on f4emu gives QEMU\'s checksum and counts its instructions', () => {
  const run = runOnF4emu(join(BUILD, 'bench-int.elf'), 10);
  assert.equal(run.iterations, 10);
  assert.equal(run.checksum, 0x04669a9b);
  assert.ok(run.instructions > 500_000, `${run.instructions} instructions`);
  assert.ok(run.seconds > 0);
});

test('bench-float with 10 iterations on f4emu gives QEMU\'s checksum', () => {
  assert.equal(runOnF4emu(join(BUILD, 'bench-float.elf'), 10).checksum, 0xb35ebfe1);
});

test('the instruction count grows with the iterations and is the same on every run', () => {
  const elf = join(BUILD, 'bench-int.elf');
  const zero = runOnF4emu(elf, 0);
  const ten = runOnF4emu(elf, 10);
  assert.equal(zero.checksum, 0);
  assert.ok(ten.instructions > zero.instructions * 10);
  assert.equal(runOnF4emu(elf, 10).instructions, ten.instructions);
});

test('a program that does not print a result line is a BenchFailure', () => {
  assert.throws(() => runOnF4emu(join(BUILD, 'demo.elf'), 1, 10), BenchFailure);
});

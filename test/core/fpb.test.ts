import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootMachine, read32 } from './harness.js';

const FP_CTRL = 0xe000_2000;
const FP_REMAP = 0xe000_2004;
const FP_COMP0 = 0xe000_2008;
const FP_COMP7 = 0xe000_2024;

test('FP_CTRL reports six code and two literal comparators', () => {
  const m = bootMachine();
  assert.equal(read32(m, FP_CTRL), 0x260);
});

test('FP_CTRL.ENABLE changes only when the write has KEY set', () => {
  const m = bootMachine();
  m.bus.write32(FP_CTRL, 1);
  assert.equal(read32(m, FP_CTRL) & 1, 0);
  m.bus.write32(FP_CTRL, 3);
  assert.equal(read32(m, FP_CTRL), 0x261);
  m.bus.write32(FP_CTRL, 2);
  assert.equal(read32(m, FP_CTRL), 0x260);
});

test('the comparators keep REPLACE, COMP and ENABLE; FP_REMAP shows remap support', () => {
  const m = bootMachine();
  m.bus.write32(FP_COMP0, 0xffff_ffff);
  assert.equal(read32(m, FP_COMP0), 0xdfff_fffd);
  m.bus.write32(FP_COMP7, 0x4800_0101);
  assert.equal(read32(m, FP_COMP7), 0x4800_0101);
  m.bus.write32(FP_REMAP, 0xffff_ffff);
  assert.equal(read32(m, FP_REMAP), 0x3fff_ffe0);
});

test('the FPB is debug logic: a system reset keeps its comparators, a power-on reset clears them', () => {
  const m = bootMachine();
  m.bus.write32(FP_COMP7, 0x4800_0101);
  m.reset('system');
  assert.equal(read32(m, FP_COMP7), 0x4800_0101);
  m.reset('power-on');
  assert.equal(read32(m, FP_COMP7), 0);
});

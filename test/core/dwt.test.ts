import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THREAD_CODE, advance, bootMachine, read32 } from './harness.js';

const DWT_CTRL = 0xe000_1000;
const DWT_CYCCNT = 0xe000_1004;
const DWT_CPICNT = 0xe000_1008;
const DWT_PCSR = 0xe000_101c;
const DWT_COMP1 = 0xe000_1030;
const DWT_MASK1 = 0xe000_1034;
const DWT_FUNCTION1 = 0xe000_1038;
const DEMCR = 0xe000_edfc;
const AIRCR = 0xe000_ed0c;
const TRCENA = 1 << 24;
const CYCCNTENA = 1;

test('DWT_CTRL reports four comparators and keeps CYCCNTENA', () => {
  const m = bootMachine();
  assert.equal(read32(m, DWT_CTRL), 0x4000_0000);
  m.bus.write32(DWT_CTRL, 0xffff_ffff);
  assert.equal(read32(m, DWT_CTRL), 0x407f_1fff);
});

test('CYCCNT counts core cycles only while DEMCR.TRCENA and DWT_CTRL.CYCCNTENA are both set', () => {
  const m = bootMachine();
  m.bus.write32(DWT_CTRL, CYCCNTENA);
  advance(m, 100);
  assert.equal(read32(m, DWT_CYCCNT), 0, 'TRCENA off');
  m.bus.write32(DEMCR, TRCENA);
  advance(m, 100);
  assert.equal(read32(m, DWT_CYCCNT), 100);
  m.bus.write32(DWT_CTRL, 0);
  advance(m, 50);
  assert.equal(read32(m, DWT_CYCCNT), 100, 'stopped');
  m.bus.write32(DWT_CTRL, CYCCNTENA);
  advance(m, 7);
  assert.equal(read32(m, DWT_CYCCNT), 107);
});

test('CYCCNT can be written and wraps at 32 bits', () => {
  const m = bootMachine();
  m.bus.write32(DEMCR, TRCENA);
  m.bus.write32(DWT_CTRL, CYCCNTENA);
  m.bus.write32(DWT_CYCCNT, 0xffff_fff0);
  advance(m, 0x20);
  assert.equal(read32(m, DWT_CYCCNT), 0x10);
});

test('comparators and profiling counters read back what was written (FUNCTION.MATCHED is read-only)', () => {
  const m = bootMachine();
  m.bus.write32(DWT_COMP1, 0x2000_0100);
  m.bus.write32(DWT_MASK1, 0xffff_ffff);
  m.bus.write32(DWT_FUNCTION1, 0xffff_ffff);
  m.bus.write8(DWT_CPICNT, 0x5a);
  assert.equal(read32(m, DWT_COMP1), 0x2000_0100);
  assert.equal(read32(m, DWT_MASK1), 0x1f);
  assert.equal(read32(m, DWT_FUNCTION1), 0x000f_fdaf);
  assert.equal(read32(m, DWT_CPICNT), 0x5a);
});

test('PCSR samples the PC', () => {
  const m = bootMachine();
  m.cpu.pc = 0x0800_0124;
  assert.equal(read32(m, DWT_PCSR), 0x0800_0124);
});

test('a system reset (SYSRESETREQ) keeps DEMCR.TRCENA and CYCCNTENA: CYCCNT counts on through it', () => {
  const m = bootMachine();
  m.bus.write32(DEMCR, TRCENA);
  m.bus.write32(DWT_CTRL, CYCCNTENA);
  advance(m, 10);
  m.bus.write32(AIRCR, 0x05fa_0004);
  advance(m, 1);
  assert.equal(m.cpu.npc, THREAD_CODE, 'the core was reset');
  advance(m, 10);
  assert.equal(read32(m, DWT_CYCCNT), 21);
  assert.equal(read32(m, DEMCR) & TRCENA, TRCENA);
});

test('a power-on reset clears the counter and its enables (TRCENA, CYCCNTENA)', () => {
  const m = bootMachine();
  m.bus.write32(DEMCR, TRCENA);
  m.bus.write32(DWT_CTRL, CYCCNTENA);
  advance(m, 10);
  m.reset('power-on');
  advance(m, 10);
  assert.equal(read32(m, DWT_CYCCNT), 0);
  assert.equal(read32(m, DWT_CTRL), 0x4000_0000);
  assert.equal(read32(m, DEMCR), 0);
});

test('CYCCNT does not count while a debugger halts the core', () => {
  const m = bootMachine();
  m.bus.write32(DEMCR, TRCENA);
  m.bus.write32(DWT_CTRL, CYCCNTENA);
  advance(m, 10);
  m.setDebugHalted(true);
  advance(m, 1000);
  assert.equal(read32(m, DWT_CYCCNT), 10);
  m.setDebugHalted(false);
  advance(m, 5);
  assert.equal(read32(m, DWT_CYCCNT), 15);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXC } from '../../src/core/exceptions.js';
import type { Machine } from '../../src/machine.js';
import { advance, bootMachine, read32 } from './harness.js';

const CTRL = 0xe000_e010;
const LOAD = 0xe000_e014;
const VAL = 0xe000_e018;
const CALIB = 0xe000_e01c;
const ENABLE = 1;
const TICKINT = 2;
const CLKSOURCE = 4;
const COUNTFLAG = 1 << 16;

/** Programs SysTick as CMSIS SysTick_Config does: LOAD, VAL = 0, then CTRL. Returns the start cycle. */
function start(m: Machine, load: number, ctrl: number): number {
  m.bus.write32(LOAD, load);
  m.bus.write32(VAL, 0);
  m.bus.write32(CTRL, ctrl);
  return m.scheduler.cycles;
}

/** Lets the scheduler reach an absolute cycle. */
function advanceTo(m: Machine, cycle: number): void {
  advance(m, cycle - m.scheduler.cycles);
}

test('CALIB reads TENMS = 18750 with SKEW set (RM0090 §12.1.2)', () => {
  assert.equal(read32(bootMachine(), CALIB), 0x4000_493e);
});

test('registers reset to zero', () => {
  const m = bootMachine();
  assert.deepEqual([read32(m, CTRL), read32(m, LOAD), read32(m, VAL)], [0, 0, 0]);
});

test('on the core clock the counter reloads LOAD, counts one per cycle and reaches 0 after LOAD + 1 cycles', () => {
  const m = bootMachine();
  const c0 = start(m, 99, ENABLE | CLKSOURCE);
  advanceTo(m, c0 + 10);
  assert.equal(read32(m, VAL), 90);
  advanceTo(m, c0 + 99);
  assert.equal(read32(m, VAL), 1);
  assert.equal(read32(m, CTRL) & COUNTFLAG, 0);
  advanceTo(m, c0 + 100);
  assert.equal(read32(m, VAL), 0);
  advanceTo(m, c0 + 101);
  assert.equal(read32(m, VAL), 99, 'reloaded');
});

test('COUNTFLAG is set when the counter reaches 0 and cleared by reading CTRL', () => {
  const m = bootMachine();
  const c0 = start(m, 49, ENABLE | CLKSOURCE);
  advanceTo(m, c0 + 50);
  assert.equal(read32(m, CTRL), ENABLE | CLKSOURCE | COUNTFLAG);
  assert.equal(read32(m, CTRL), ENABLE | CLKSOURCE);
  advanceTo(m, c0 + 160);
  assert.equal(read32(m, CTRL) & COUNTFLAG, COUNTFLAG, 'set again by the next period');
});

test('writing VAL clears it and COUNTFLAG, and the next tick reloads LOAD', () => {
  const m = bootMachine();
  const c0 = start(m, 49, ENABLE | CLKSOURCE);
  advanceTo(m, c0 + 70);
  m.bus.write32(VAL, 0x1234);
  assert.equal(read32(m, VAL), 0);
  assert.equal(read32(m, CTRL) & COUNTFLAG, 0);
  advance(m, 1);
  assert.equal(read32(m, VAL), 49);
});

test('with TICKINT the SysTick exception is taken at the cycle the counter reaches 0, every LOAD + 1 cycles', () => {
  const m = bootMachine();
  const c0 = start(m, 999, ENABLE | TICKINT | CLKSOURCE);
  advanceTo(m, c0 + 999);
  assert.equal(m.cpu.ipsr, 0);
  advanceTo(m, c0 + 1000);
  assert.equal(m.cpu.ipsr, EXC.SysTick);
  m.cpu.exc.exceptionReturn(m.cpu.r[14]);
  m.run(0);
  advanceTo(m, c0 + 1999);
  assert.equal(m.cpu.ipsr, 0);
  advanceTo(m, c0 + 2000);
  assert.equal(m.cpu.ipsr, EXC.SysTick);
});

test('without TICKINT nothing is pended', () => {
  const m = bootMachine();
  const c0 = start(m, 9, ENABLE | CLKSOURCE);
  advanceTo(m, c0 + 100);
  assert.equal(m.cpu.exc.pending[EXC.SysTick], 0);
});

test('with CLKSOURCE = 0 the counter runs on HCLK/8', () => {
  const m = bootMachine();
  const c0 = start(m, 9, ENABLE);
  advanceTo(m, c0 + 79);
  assert.equal(read32(m, VAL), 1);
  assert.equal(read32(m, CTRL) & COUNTFLAG, 0);
  advanceTo(m, c0 + 80);
  assert.equal(read32(m, CTRL) & COUNTFLAG, COUNTFLAG);
});

test('a change of the core clock keeps the period in core cycles', () => {
  const m = bootMachine();
  const c0 = start(m, 99, ENABLE | TICKINT | CLKSOURCE);
  advanceTo(m, c0 + 40);
  m.scheduler.setFrequency(168_000_000);
  advanceTo(m, c0 + 99);
  assert.equal(m.cpu.ipsr, 0);
  advanceTo(m, c0 + 100);
  assert.equal(m.cpu.ipsr, EXC.SysTick);
});

test('disabling the counter holds VAL; LOAD = 0 never counts down to a flag', () => {
  const m = bootMachine();
  const c0 = start(m, 99, ENABLE | CLKSOURCE);
  advanceTo(m, c0 + 30);
  m.bus.write32(CTRL, CLKSOURCE);
  advance(m, 500);
  assert.equal(read32(m, VAL), 70);
  assert.equal(read32(m, CTRL) & COUNTFLAG, 0);

  const m2 = bootMachine();
  start(m2, 0, ENABLE | TICKINT | CLKSOURCE);
  advance(m2, 1000);
  assert.equal(read32(m2, CTRL) & COUNTFLAG, 0);
  assert.equal(m2.cpu.exc.pending[EXC.SysTick], 0);
});

test('a sleeping core skips emulated time straight to the SysTick interrupt', () => {
  const m = bootMachine();
  const c0 = start(m, 4999, ENABLE | TICKINT | CLKSOURCE);
  m.cpu.sleeping = true;
  m.run(0);
  assert.equal(m.cpu.ipsr, EXC.SysTick);
  assert.equal(m.scheduler.cycles, c0 + 5000 + 12, 'the 5000-cycle wait plus the 12-cycle entry');
});

test('a system reset stops the counter', () => {
  const m = bootMachine();
  start(m, 99, ENABLE | TICKINT | CLKSOURCE);
  m.reset();
  advance(m, 1000);
  assert.equal(read32(m, CTRL), 0);
  assert.equal(m.cpu.exc.pending[EXC.SysTick], 0);
});

test('the counter does not decrement while a debugger halts the core, and goes on from VAL after', () => {
  const m = bootMachine();
  const c0 = start(m, 999, ENABLE | CLKSOURCE);
  advanceTo(m, c0 + 100);
  m.setDebugHalted(true);
  advance(m, 5000);
  assert.equal(read32(m, VAL), 900);
  assert.equal(read32(m, CTRL) & COUNTFLAG, 0, 'no wrap while halted');
  m.setDebugHalted(false);
  advance(m, 900);
  assert.equal(read32(m, CTRL) & COUNTFLAG, COUNTFLAG);
});

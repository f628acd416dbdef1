import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Op } from '../../../src/core/cpu.js';
import { UNPREDICTABLE, badReg, blxWritePc, withRegisterRules } from '../../../src/core/execute/registers.js';
import { CFSR, CoreFault } from '../../../src/core/faults.js';
import { bootMachine } from '../harness.js';

function cpuAt(pc: number) {
  const m = bootMachine();
  m.cpu.pc = pc;
  m.cpu.npc = pc + 2;
  return m.cpu;
}

test('an op reading R15 sees the instruction address + 4', () => {
  const cpu = cpuAt(0x2000_1000);
  let seen = 0;
  const op: Op = (c) => (seen = c.r[15]);
  withRegisterRules(op, 0, 15)(cpu);
  assert.equal(seen, 0x2000_1004);
});

test('an op writing R15 branches there (bit 0 ignored) and costs the pipeline refill', () => {
  const cpu = cpuAt(0x2000_1000);
  const cycles = cpu.scheduler.cycles;
  withRegisterRules((c) => (c.r[15] = 0x2000_2001), 15)(cpu);
  assert.equal(cpu.npc, 0x2000_2000);
  assert.equal(cpu.pendingInvState, false);
  assert.equal(cpu.scheduler.cycles - cycles, 2);
});

test('an op writing SP leaves bits [1:0] clear', () => {
  const cpu = cpuAt(0x2000_1000);
  withRegisterRules((c) => (c.r[13] = 0x2000_3007), 13)(cpu);
  assert.equal(cpu.r[13], 0x2000_3004);
});

test('ops on other registers are returned unwrapped', () => {
  const op: Op = () => {};
  assert.equal(withRegisterRules(op, 3, 1, 2), op);
});

test('BLXWritePC to an even address schedules an INVSTATE fault at the target', () => {
  const cpu = cpuAt(0x2000_1000);
  blxWritePc(cpu, 0x2000_2000);
  assert.equal(cpu.npc, 0x2000_2000);
  assert.equal(cpu.pendingInvState, true);
});

test('UNPREDICTABLE ops raise UNDEFINSTR; BadReg is SP or PC', () => {
  const cpu = cpuAt(0x2000_1000);
  assert.throws(
    () => UNPREDICTABLE(cpu),
    (e: unknown) => e instanceof CoreFault && e.kind === CFSR.UNDEFINSTR,
  );
  assert.deepEqual([12, 13, 14, 15].map(badReg), [false, true, false, true]);
});

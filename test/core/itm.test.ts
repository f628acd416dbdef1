import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusError } from '../../src/bus/bus.js';
import { CONTROL_NPRIV } from '../../src/core/exceptions.js';
import type { Machine } from '../../src/machine.js';
import { bootMachine, read32 } from './harness.js';

const ITM_PORT0 = 0xe000_0000;
const ITM_TER = 0xe000_0e00;
const ITM_TPR = 0xe000_0e40;
const ITM_TCR = 0xe000_0e80;

function capture(m: Machine): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  m.cpu.exc.scs!.itm.onItm = (port, byte) => out.push([port, byte]);
  return out;
}

test('stimulus port writes reach onItm only while ITM_TCR.ITMENA and the port\'s ITM_TER bit are set', () => {
  const m = bootMachine();
  const out = capture(m);
  m.bus.write8(ITM_PORT0, 0x41);
  m.bus.write32(ITM_TCR, 1);
  m.bus.write8(ITM_PORT0, 0x42);
  m.bus.write32(ITM_TER, 1);
  m.bus.write8(ITM_PORT0, 0x43);
  m.bus.write8(ITM_PORT0 + 4, 0x44);
  assert.deepEqual(out, [[0, 0x43]]);
});

test('halfword and word writes deliver each byte, lowest first', () => {
  const m = bootMachine();
  const out = capture(m);
  m.bus.write32(ITM_TCR, 1);
  m.bus.write32(ITM_TER, 0x8000_0001);
  m.bus.write32(ITM_PORT0 + 4 * 31, 0x6463_6261);
  m.bus.write16(ITM_PORT0, 0x0a0d);
  assert.deepEqual(out, [[31, 0x61], [31, 0x62], [31, 0x63], [31, 0x64], [0, 0x0d], [0, 0x0a]]);
});

test('stimulus ports read FIFOREADY so a polling writer never waits; TER/TPR/TCR read back', () => {
  const m = bootMachine();
  assert.equal(read32(m, ITM_PORT0), 1);
  m.bus.write32(ITM_TER, 0x1234_5678);
  m.bus.write32(ITM_TPR, 0xff);
  m.bus.write32(ITM_TCR, 0xffff_ffff);
  assert.deepEqual([read32(m, ITM_TER), read32(m, ITM_TPR), read32(m, ITM_TCR)], [0x1234_5678, 0xf, 0x007f_0f1f]);
});

test('unprivileged code may use stimulus ports ITM_TPR leaves open; writes to closed ports are ignored', () => {
  const m = bootMachine();
  const out = capture(m);
  m.bus.write32(ITM_TCR, 1);
  m.bus.write32(ITM_TER, 0xffff_ffff);
  m.bus.write32(ITM_TPR, 0b10); // ports 8..15 privileged only
  m.cpu.control = CONTROL_NPRIV;
  m.bus.write8(ITM_PORT0, 1);
  m.bus.write8(ITM_PORT0 + 4 * 8, 2);
  assert.deepEqual(out, [[0, 1]]);
  assert.throws(() => m.bus.write32(ITM_TER, 0), BusError);
});

test('the ITM is debug logic: a system reset keeps TER and TCR (SWO trace goes on), a power-on reset clears them', () => {
  const m = bootMachine();
  m.bus.write32(ITM_TER, 1);
  m.bus.write32(ITM_TCR, 1);
  m.reset('system');
  assert.deepEqual([read32(m, ITM_TER), read32(m, ITM_TCR) & 1], [1, 1]);
  m.reset('power-on');
  assert.deepEqual([read32(m, ITM_TER), read32(m, ITM_TCR)], [0, 0]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusError } from '../../src/bus/bus.js';
import { CCR, CONTROL_NPRIV } from '../../src/core/exceptions.js';
import { bootMachine, read32 } from './harness.js';

const ICTR = 0xe000_e004;
const ISER = 0xe000_e100;
const ICER = 0xe000_e180;
const ISPR = 0xe000_e200;
const ICPR = 0xe000_e280;
const IABR = 0xe000_e300;
const IPR = 0xe000_e400;
const STIR = 0xe000_ef00;

test('ICTR reports three banks of 32 lines for the 82 interrupts', () => {
  assert.equal(read32(bootMachine(), ICTR), 2);
});

test('ISER sets and ICER clears enables, both read the enable bits, and zeros change nothing', () => {
  const m = bootMachine();
  m.bus.write32(ISER, 0x8000_0005);
  m.bus.write32(ISER + 4, 0x1);
  assert.equal(read32(m, ISER), 0x8000_0005);
  assert.equal(read32(m, ICER), 0x8000_0005);
  assert.equal(read32(m, ISER + 4), 1);
  m.bus.write32(ICER, 0x4);
  assert.equal(read32(m, ISER), 0x8000_0001);
  assert.equal(m.cpu.exc.enabled[16 + 31], 1);
  assert.equal(m.cpu.exc.enabled[16 + 32], 1);
  assert.equal(m.cpu.exc.enabled[16 + 2], 0);
});

test('bits for interrupts past IRQ 81 read as zero and ignore writes', () => {
  const m = bootMachine();
  m.bus.write32(ISER + 8, 0xffff_ffff);
  assert.equal(read32(m, ISER + 8), 0x3ffff, 'IRQ 64..81');
  m.bus.write32(ISER + 12, 0xffff_ffff);
  assert.equal(read32(m, ISER + 12), 0);
  m.bus.write32(ISPR + 8, 0xffff_ffff);
  assert.equal(read32(m, ISPR + 8), 0x3ffff);
  m.bus.write8(IPR + 82, 0xf0);
  assert.equal(m.bus.read8(IPR + 82), 0);
});

test('ISPR pends and ICPR clears pending state; both read the pending bits', () => {
  const m = bootMachine();
  m.bus.write32(ISPR, 0x30);
  assert.equal(read32(m, ISPR), 0x30);
  assert.equal(read32(m, ICPR), 0x30);
  m.bus.write32(ICPR, 0x10);
  assert.equal(read32(m, ISPR), 0x20);
  assert.equal(m.cpu.exc.pending[16 + 5], 1);
});

test('ICPR does not clear an interrupt whose level-sensitive line is still asserted', () => {
  const m = bootMachine();
  m.cpu.exc.setIrqLevel(3, true);
  m.bus.write32(ICPR, 1 << 3);
  assert.equal(read32(m, ISPR), 1 << 3);
  m.cpu.exc.setIrqLevel(3, false);
  m.bus.write32(ICPR, 1 << 3);
  assert.equal(read32(m, ISPR), 0);
});

test('IABR shows active interrupts and ignores writes', () => {
  const m = bootMachine();
  m.bus.write32(ISER, 1 << 4);
  m.bus.write32(ISPR, 1 << 4);
  m.run(0);
  assert.equal(read32(m, IABR), 1 << 4);
  m.bus.write32(IABR, 0);
  assert.equal(read32(m, IABR), 1 << 4);
});

test('IPR keeps the 4 implemented bits [7:4] with byte, halfword and word access', () => {
  const m = bootMachine();
  m.bus.write8(IPR + 1, 0xab);
  assert.equal(m.bus.read8(IPR + 1), 0xa0);
  m.bus.write16(IPR + 2, 0x5f3c);
  assert.equal(read32(m, IPR), 0x5030_a000);
  m.bus.write32(IPR + 4, 0x1122_3344);
  assert.equal(m.bus.read16(IPR + 6), 0x1020);
  assert.equal(m.cpu.exc.priority[16 + 4], 0x40);
});

test('STIR pends the interrupt whose number is written', () => {
  const m = bootMachine();
  m.bus.write32(STIR, 37);
  assert.equal(m.cpu.exc.pending[16 + 37], 1);
  assert.equal(read32(m, STIR), 0, 'write-only');
});

test('unprivileged code may write STIR only when CCR.USERSETMPEND is set; other NVIC registers fault', () => {
  const m = bootMachine();
  m.cpu.control = CONTROL_NPRIV;
  assert.throws(() => m.bus.write32(STIR, 5), BusError);
  assert.throws(() => m.bus.read32(ISER), BusError);
  m.cpu.exc.ccr |= CCR.USERSETMPEND;
  m.bus.write32(STIR, 5);
  assert.equal(m.cpu.exc.pending[16 + 5], 1);
  assert.throws(() => m.bus.write32(ISPR, 1), BusError);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUS_ERROR } from '../../src/bus/bus.js';
import { DEVICES, region } from '../../src/device/stm32f407.js';
import { flashFactory } from '../../src/flash/interface.js';
import { Machine } from '../../src/machine.js';
import { BackupSram, backupSramFactory } from '../../src/peripherals/bkpsram.js';

const BASE = region(DEVICES.stm32f407, 'bkpsram').start;

function setup(): { m: Machine; sram: BackupSram } {
  const m = new Machine({}, [flashFactory, backupSramFactory]);
  return { m, sram: m.peripherals.get('BKPSRAM') as BackupSram };
}

test('backup SRAM takes 8-, 16- and 32-bit accesses over its 4 KB, through the bit-band alias too', () => {
  const { m } = setup();
  m.bus.write32(BASE, 0x1122_3344);
  m.bus.write16(BASE + 4, 0x5566);
  m.bus.write8(BASE + 0xfff, 0x77);
  assert.equal(m.bus.read32(BASE), 0x1122_3344);
  assert.equal(m.bus.read8(BASE + 5), 0x55);
  assert.equal(m.bus.read8(BASE + 0xfff), 0x77);
  m.bus.write32(0x4248_0000 + 0x10 * 32 + 3 * 4, 1); // bit 3 of byte 0x10
  assert.equal(m.bus.read8(BASE + 0x10), 0x08);
});

test('with its clock off it reads 0 and ignores writes; with DBP = 0 writes are ignored', () => {
  const { m, sram } = setup();
  m.bus.write32(BASE, 0xaaaa_aaaa);
  sram.clockEnabled = () => false;
  assert.equal(m.bus.read32(BASE), 0);
  m.bus.write32(BASE, 0);
  sram.clockEnabled = () => true;
  sram.writeEnabled = () => false;
  m.bus.write32(BASE, 0);
  assert.equal(m.bus.read32(BASE) >>> 0, 0xaaaa_aaaa);
});

test('it keeps its content across system and backup-domain resets; a power-on keeps it only with VBAT', () => {
  const { m, sram } = setup();
  m.bus.write32(BASE + 8, 0x1234);
  m.reset('system');
  sram.reset('backup-domain');
  assert.equal(m.bus.read32(BASE + 8), 0x1234);
  sram.vbat = true;
  m.reset('power-on');
  assert.equal(m.bus.read32(BASE + 8), 0x1234);
  sram.vbat = false;
  m.reset('power-on');
  assert.equal(m.bus.read32(BASE + 8), 0);
});

test('under read protection any access is a bus error', () => {
  const { m, sram } = setup();
  sram.readProtected = () => true;
  assert.throws(() => m.bus.read8(BASE), (e) => e === BUS_ERROR && !BUS_ERROR.write);
  assert.throws(() => m.bus.write8(BASE, 1), (e) => e === BUS_ERROR && BUS_ERROR.write);
});

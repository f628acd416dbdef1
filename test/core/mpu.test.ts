import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootMachine, read32 } from './harness.js';

const MPU_TYPE = 0xe000_ed90;
const MPU_CTRL = 0xe000_ed94;
const MPU_RNR = 0xe000_ed98;
const MPU_RBAR = 0xe000_ed9c;
const MPU_RASR = 0xe000_eda0;
const MPU_RBAR_A2 = 0xe000_edac;
const MPU_RASR_A3 = 0xe000_edb8;

test('MPU_TYPE reports 8 unified regions', () => {
  assert.equal(read32(bootMachine(), MPU_TYPE), 0x800);
});

test('RBAR and RASR read back the region RNR selects', () => {
  const m = bootMachine();
  m.bus.write32(MPU_RNR, 2);
  m.bus.write32(MPU_RBAR, 0x2000_0000);
  m.bus.write32(MPU_RASR, 0xffff_ffff);
  m.bus.write32(MPU_RNR, 3);
  assert.equal(read32(m, MPU_RBAR), 3);
  m.bus.write32(MPU_RNR, 2);
  assert.equal(read32(m, MPU_RBAR), 0x2000_0002, 'ADDR and REGION');
  assert.equal(read32(m, MPU_RASR), 0x173f_ff3f);
});

test('an RBAR write with VALID selects the region and updates RNR', () => {
  const m = bootMachine();
  m.bus.write32(MPU_RBAR, 0x0800_0000 | 0x10 | 5);
  assert.equal(read32(m, MPU_RNR), 5);
  assert.equal(read32(m, MPU_RBAR), 0x0800_0005);
});

test('the alias registers reach the same RBAR and RASR', () => {
  const m = bootMachine();
  m.bus.write32(MPU_RBAR_A2, 0x2001_0000 | 0x10 | 7);
  m.bus.write32(MPU_RASR_A3, 0x0306_0021);
  assert.equal(read32(m, MPU_RNR), 7);
  assert.equal(read32(m, MPU_RASR), 0x0306_0021);
  assert.equal(read32(m, MPU_RBAR), 0x2001_0007);
});

test('MPU_CTRL keeps ENABLE, HFNMIENA, PRIVDEFENA and resets to 0', () => {
  const m = bootMachine();
  m.bus.write32(MPU_CTRL, 0xffff_ffff);
  assert.equal(read32(m, MPU_CTRL), 7);
  m.reset();
  assert.equal(read32(m, MPU_CTRL), 0);
});

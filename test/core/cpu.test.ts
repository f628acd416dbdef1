import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CFSR } from '../../src/core/faults.js';
import { EXC } from '../../src/core/exceptions.js';
import { region } from '../../src/device/stm32f407.js';
import { THREAD_CODE, bootMachine, frameAt, read32 } from './harness.js';

const CFSR_ADDR = 0xe000_ed28;
const SHCSR = 0xe000_ed24;
const ALL_FAULTS = 0x7 << 16; // MEMFAULTENA, BUSFAULTENA, USGFAULTENA
const BX_R0 = 0x4700;

/** Branches (BX) from thread code to `target` with the configurable faults enabled; returns the machine after. */
function fetchFrom(target: number): ReturnType<typeof bootMachine> {
  const m = bootMachine();
  m.bus.write16(THREAD_CODE, BX_R0);
  m.bus.write32(SHCSR, ALL_FAULTS);
  m.cpu.r[0] = target | 1;
  m.run(2);
  return m;
}

test('with the MPU off, a fetch from the default map\'s execute-never space is a MemManage IACCVIOL returning to the target', () => {
  // Peripheral registers, an unassigned hole of the Peripheral space, the FSMC registers (Device), the PPB and Vendor-system space.
  for (const target of [0x4000_0000, 0x4008_0000, 0xa000_0000, 0xe000_e000, 0xe010_0000]) {
    const m = fetchFrom(target);
    assert.equal(m.cpu.ipsr, EXC.MemManage, `0x${target.toString(16)}`);
    assert.equal(read32(m, CFSR_ADDR), CFSR.IACCVIOL);
    assert.equal(frameAt(m, m.cpu.r[13])[6], target);
  }
});

test('a fetch from executable space that holds no code (CCM, a hole, the FSMC banks) is a BusFault IBUSERR', () => {
  const dev = bootMachine().bus.device;
  for (const target of [region(dev, 'ccm').start, 0x2002_0000, region(dev, 'fsmc-banks').start]) {
    const m = fetchFrom(target);
    assert.equal(m.cpu.ipsr, EXC.BusFault, `0x${target.toString(16)}`);
    assert.equal(read32(m, CFSR_ADDR), CFSR.IBUSERR);
    assert.equal(frameAt(m, m.cpu.r[13])[6], target);
  }
});

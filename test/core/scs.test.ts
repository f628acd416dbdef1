import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusError } from '../../src/bus/bus.js';
import { CONTROL_NPRIV } from '../../src/core/exceptions.js';
import { CFSR } from '../../src/core/faults.js';
import { THREAD_CODE, advance, bootMachine, read32 } from './harness.js';

const DHCSR = 0xe000_edf0;
const DCRDR = 0xe000_edf8;
const DEMCR = 0xe000_edfc;
const TPIU = 0xe004_0000;
const CPUID = 0xe000_ed00;
const AIRCR = 0xe000_ed0c;

test('byte and halfword reads return the addressed lanes of a register', () => {
  const m = bootMachine();
  assert.equal(m.bus.read8(CPUID), 0x41);
  assert.equal(m.bus.read8(CPUID + 3), 0x41);
  assert.equal(m.bus.read16(CPUID + 2), 0x410f);
});

test('reserved addresses in the SCS read as zero and ignore writes', () => {
  const m = bootMachine();
  m.bus.write32(0xe000_e020, 0xffff_ffff);
  assert.equal(read32(m, 0xe000_e020), 0);
  assert.equal(read32(m, 0xe000_ecfc), 0);
});

test('the TPIU reads as zero; PPB space with no block behind it is a bus error', () => {
  const m = bootMachine();
  m.bus.write32(TPIU + 4, 0xffff_ffff);
  assert.equal(read32(m, TPIU + 4), 0);
  assert.throws(() => m.bus.read32(0xe000_3000), BusError);
});

test('DBGMCU stays the peripheral the machine maps at 0xE004_2000', () => {
  const m = bootMachine();
  assert.equal(m.bus.read32(0xe004_2004), 0);
  m.bus.write32(0xe004_2004, 7);
  assert.equal(m.peripherals.has('DBGMCU'), true);
  assert.equal(read32(m, 0xe004_2004), 7);
});

test('the ROM table lists SCS, DWT, FPB, ITM, TPIU and ETM and carries ST\'s JEP106 code and the DEV_ID', () => {
  const m = bootMachine();
  const rom = 0xe00f_f000;
  const entries = Array.from({ length: 7 }, (_, i) => read32(m, rom + 4 * i));
  assert.deepEqual(entries, [0xfff0_f003, 0xfff0_2003, 0xfff0_3003, 0xfff0_1003, 0xfff4_1003, 0xfff4_2003, 0]);
  const pid = [0xfe0, 0xfe4, 0xfe8, 0xfec].map((o, i) => (read32(m, rom + o) & 0xff) << (8 * i)).reduce((a, b) => a | b);
  assert.equal(pid & 0xfff, 0x413, 'PART');
  assert.equal((pid >>> 12) & 0x7f, 0x20, 'JEP106 identity code');
  assert.equal(read32(m, rom + 0xff4), 0x10, 'class 1: ROM table');
  assert.equal(m.bus.read8(0xe00f_ffff), 0, 'the last PPB byte is readable');
});

test('DHCSR writes need DBGKEY; its status bits show sleep and lockup', () => {
  const m = bootMachine();
  m.bus.write32(DHCSR, 1);
  assert.equal(read32(m, DHCSR) & 1, 0);
  m.bus.write32(DHCSR, 0xa05f_0001);
  assert.equal(read32(m, DHCSR) & 0xf, 1);
  assert.equal((read32(m, DHCSR) >>> 16) & 1, 1, 'S_REGRDY');
  m.cpu.sleeping = true;
  assert.equal((read32(m, DHCSR) >>> 18) & 1, 1, 'S_SLEEP');
  m.cpu.sleeping = false;
  m.cpu.pc = m.cpu.npc = THREAD_CODE;
  m.cpu.exc.takeFault(CFSR.UNDEFINSTR, -1);
  m.cpu.exc.takeFault(CFSR.UNDEFINSTR, -1);
  assert.equal((read32(m, DHCSR) >>> 19) & 1, 1, 'S_LOCKUP');
});

test('DCRDR and DEMCR read back their writable bits', () => {
  const m = bootMachine();
  m.bus.write32(DCRDR, 0xdead_beef);
  assert.equal(read32(m, DCRDR), 0xdead_beef);
  m.bus.write32(DEMCR, 0xffff_ffff);
  assert.equal(read32(m, DEMCR), 0x010d_07f1, 'MON_PEND is not kept: it pended DebugMonitor');
  assert.equal(m.cpu.exc.pending[12], 1);
});

test('CoreDebug is debug logic: a system reset keeps DHCSR.C_DEBUGEN, DEMCR.TRCENA/VC_*, DCRDR; power-on clears them', () => {
  const m = bootMachine();
  const TRCENA = 1 << 24;
  const VC_HARDERR = 1 << 10;
  const MON_EN = 1 << 16;
  m.bus.write32(DHCSR, 0xa05f_0001); // C_DEBUGEN
  m.bus.write32(DCRDR, 0x1234_5678);
  m.bus.write32(DEMCR, TRCENA | VC_HARDERR | MON_EN);
  m.bus.write32(AIRCR, 0x05fa_0004); // SYSRESETREQ
  advance(m, 1);
  assert.equal(m.cpu.npc, THREAD_CODE, 'the core was reset');
  assert.equal(read32(m, DHCSR) & 1, 1);
  assert.equal(read32(m, DCRDR), 0x1234_5678);
  assert.equal(read32(m, DEMCR), TRCENA | VC_HARDERR, 'only the DebugMonitor bits (MON_*) are cleared');
  m.reset('system', 'pin');
  assert.equal(read32(m, DEMCR), TRCENA | VC_HARDERR, 'NRST too');
  m.reset('power-on');
  assert.deepEqual([DHCSR, DCRDR, DEMCR].map((a) => read32(m, a) & 0xffff), [0, 0, 0]);
  assert.equal(read32(m, DEMCR), 0);
});

test('unprivileged accesses fault unless privilege checks are off (a debugger)', () => {
  const m = bootMachine();
  m.cpu.control = CONTROL_NPRIV;
  assert.throws(() => m.bus.read32(DEMCR), BusError);
  m.cpu.exc.scs!.checkPrivilege = false;
  assert.equal(read32(m, CPUID), 0x410f_c241);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusError } from '../../src/bus/bus.js';
import { CONTROL_NPRIV, EXC, FPCCR_RESET } from '../../src/core/exceptions.js';
import { CFSR } from '../../src/core/faults.js';
import type { ResetCause, ResetKind } from '../../src/time/reset.js';
import { STACK_TOP, THREAD_CODE, advance, bootMachine, read32 } from './harness.js';

const CPUID = 0xe000_ed00;
const ICSR = 0xe000_ed04;
const VTOR = 0xe000_ed08;
const AIRCR = 0xe000_ed0c;
const SCR = 0xe000_ed10;
const CCR = 0xe000_ed14;
const SHPR1 = 0xe000_ed18;
const SHPR2 = 0xe000_ed1c;
const SHPR3 = 0xe000_ed20;
const SHCSR = 0xe000_ed24;
const CFSR_ADDRESS = 0xe000_ed28;
const HFSR = 0xe000_ed2c;
const MMFAR = 0xe000_ed34;
const ID_PFR0 = 0xe000_ed40;
const ID_ISAR0 = 0xe000_ed60;
const ID_ISAR4 = 0xe000_ed70;
const CPACR = 0xe000_ed88;
const ACTLR = 0xe000_e008;
const FPCCR = 0xe000_ef34;
const FPCAR = 0xe000_ef38;
const FPDSCR = 0xe000_ef3c;
const MVFR0 = 0xe000_ef40;
const MVFR1 = 0xe000_ef44;

test('CPUID reads the device value (Cortex-M4 r0p1)', () => {
  const m = bootMachine();
  assert.equal(read32(m, CPUID), m.device.cpuid >>> 0);
  assert.equal(read32(m, CPUID), 0x410f_c241);
});

test('registers read their reset values', () => {
  const m = bootMachine();
  assert.equal(read32(m, CCR), 0x200);
  assert.equal(read32(m, AIRCR), 0xfa05_0000);
  assert.equal(read32(m, VTOR), 0);
  assert.equal(read32(m, SCR), 0);
  assert.equal(read32(m, SHCSR), 0);
  assert.equal(read32(m, CPACR), 0);
  assert.equal(read32(m, FPCCR), FPCCR_RESET);
  assert.equal(read32(m, FPCCR), 0xc000_0000);
  assert.equal(read32(m, ICSR), 1 << 11, 'only RETTOBASE');
});

test('ID registers and MVFR0/1 read the Cortex-M4F values', () => {
  const m = bootMachine();
  assert.equal(read32(m, ID_PFR0), 0x30);
  assert.equal(read32(m, ID_ISAR0), 0x0110_1110);
  assert.equal(read32(m, ID_ISAR4), 0x0131_0132);
  assert.equal(read32(m, MVFR0), 0x1011_0021);
  assert.equal(read32(m, MVFR1), 0x1100_0011);
  m.bus.write32(MVFR0, 0);
  assert.equal(read32(m, MVFR0), 0x1011_0021);
});

test('ICSR shows VECTACTIVE, VECTPENDING, ISRPENDING, RETTOBASE and the pend bits', () => {
  const m = bootMachine();
  m.bus.write32(0xe000_e100, 1 << 2); // enable IRQ2
  m.bus.write8(SHPR3 + 2, 0x80); // PendSV below IRQ2
  m.bus.write8(0xe000_e402, 0x40);
  m.bus.write32(ICSR, 1 << 28); // PENDSVSET
  m.run(0);
  assert.equal(m.cpu.ipsr, EXC.PendSV);
  m.cpu.primask = 1;
  m.cpu.exc.setPending(2);
  m.cpu.exc.setPending(3); // disabled: ISRPENDING still counts it
  let icsr = read32(m, ICSR);
  assert.equal(icsr & 0x1ff, EXC.PendSV, 'VECTACTIVE');
  assert.equal((icsr >>> 12) & 0x1ff, 18, 'VECTPENDING ignores PRIMASK');
  assert.equal((icsr >>> 22) & 1, 1, 'ISRPENDING');
  assert.equal((icsr >>> 11) & 1, 1, 'RETTOBASE: PendSV is the only active exception');
  m.cpu.primask = 0;
  m.run(0);
  icsr = read32(m, ICSR);
  assert.equal(icsr & 0x1ff, 18);
  assert.equal((icsr >>> 11) & 1, 0, 'PendSV was preempted');
  m.cpu.basepri = 0x10;
  m.bus.write32(ICSR, 1 << 26); // PENDSTSET: SysTick priority 0 is not masked by BASEPRI 0x10
  assert.equal((read32(m, ICSR) >>> 26) & 1, 1);
  assert.equal((read32(m, ICSR) >>> 12) & 0x1ff, EXC.SysTick);
  m.bus.write32(ICSR, 1 << 25); // PENDSTCLR
  assert.equal(m.cpu.exc.pending[EXC.SysTick], 0);
});

test('ICSR.NMIPENDSET takes the NMI at once', () => {
  const m = bootMachine();
  m.cpu.primask = 1;
  m.bus.write32(ICSR, 0x8000_0000);
  m.run(0);
  assert.equal(m.cpu.ipsr, EXC.NMI);
});

test('VTOR keeps bits [29:9]', () => {
  const m = bootMachine();
  m.bus.write32(VTOR, 0xffff_ffff);
  assert.equal(read32(m, VTOR), 0x3fff_fe00);
  m.bus.write32(VTOR, 0x2000_4080);
  assert.equal(read32(m, VTOR), 0x2000_4000);
});

test('AIRCR ignores writes without VECTKEY 0x05FA and sets PRIGROUP with it', () => {
  const m = bootMachine();
  m.bus.write32(AIRCR, 0x0000_0500);
  assert.equal(read32(m, AIRCR), 0xfa05_0000);
  m.bus.write16(AIRCR, 0x0500);
  assert.equal(m.cpu.exc.prigroup, 0);
  m.bus.write32(AIRCR, 0x05fa_0300);
  assert.equal(read32(m, AIRCR), 0xfa05_0300);
  assert.equal(m.cpu.exc.prigroup, 3);
});

test('AIRCR.SYSRESETREQ resets the chip (system reset, cause software) before the next instruction', () => {
  const m = bootMachine();
  const resets: Array<[ResetKind, ResetCause]> = [];
  m.resetListeners.push((kind, cause) => resets.push([kind, cause]));
  m.bus.write32(AIRCR, 0x05fa_0300);
  m.cpu.r[0] = 1234;
  m.cpu.npc = THREAD_CODE + 0x40;
  m.bus.write32(AIRCR, 0x05fa_0004);
  assert.deepEqual(resets, [], 'not inside the store');
  advance(m, 1);
  assert.deepEqual(resets, [['system', 'software']]);
  assert.equal(m.cpu.r[0], 0);
  assert.equal(m.cpu.npc, THREAD_CODE);
  assert.equal(m.cpu.r[13], STACK_TOP);
  assert.equal(m.cpu.exc.prigroup, 0);
});

test('SCR and CCR keep only their defined bits', () => {
  const m = bootMachine();
  m.bus.write32(SCR, 0xffff_ffff);
  assert.equal(read32(m, SCR), 0x16);
  m.bus.write32(CCR, 0xffff_ffff);
  assert.equal(read32(m, CCR), 0x31b);
  assert.equal(m.cpu.exc.ccr, 0x31b);
});

test('SHPR1-3 set the configurable system handler priorities; reserved bytes read zero', () => {
  const m = bootMachine();
  m.bus.write32(SHPR1, 0xffff_ffff);
  assert.equal(read32(m, SHPR1), 0x00f0_f0f0);
  m.bus.write32(SHPR2, 0xffff_ffff);
  assert.equal(read32(m, SHPR2), 0xf000_0000);
  m.bus.write8(SHPR3 + 3, 0x35);
  assert.equal(read32(m, SHPR3), 0x3000_0000);
  assert.equal(m.cpu.exc.priority[EXC.SysTick], 0x30);
  assert.equal(m.cpu.exc.priority[EXC.SVCall], 0xf0);
  assert.equal(m.cpu.exc.priority[EXC.HardFault], -1);
});

test('SHCSR enables the configurable faults and shows their active and pended state', () => {
  const m = bootMachine();
  m.bus.write32(SHCSR, 0x7 << 16);
  assert.equal(read32(m, SHCSR), 0x7 << 16);
  m.cpu.primask = 1;
  m.cpu.exc.pend(EXC.SVCall);
  m.cpu.exc.pend(EXC.UsageFault);
  assert.equal((read32(m, SHCSR) >>> 12) & 0xf, 0b1001, 'USGFAULTPENDED, SVCALLPENDED');
  m.cpu.primask = 0;
  m.run(0);
  assert.equal(read32(m, SHCSR) & 0x8, 0x8, 'USGFAULTACT');
  m.bus.write32(SHCSR, 0x7 << 16); // clears the pended SVCall and the active bit
  assert.equal(m.cpu.exc.pending[EXC.SVCall], 0);
  assert.equal(m.cpu.exc.active[EXC.UsageFault], 0);
});

test('CFSR and HFSR are write-one-to-clear with byte, halfword and word access', () => {
  const m = bootMachine();
  const exc = m.cpu.exc;
  exc.cfsr = CFSR.DACCVIOL | CFSR.MMARVALID | CFSR.PRECISERR | CFSR.UNDEFINSTR | CFSR.DIVBYZERO;
  m.bus.write8(CFSR_ADDRESS, 0x02);
  assert.equal(read32(m, CFSR_ADDRESS), CFSR.MMARVALID | CFSR.PRECISERR | CFSR.UNDEFINSTR | CFSR.DIVBYZERO);
  assert.equal(m.bus.read8(CFSR_ADDRESS + 1), CFSR.PRECISERR >> 8, 'BFSR');
  assert.equal(m.bus.read16(CFSR_ADDRESS + 2), (CFSR.UNDEFINSTR | CFSR.DIVBYZERO) >>> 16, 'UFSR');
  m.bus.write16(CFSR_ADDRESS + 2, 0xffff);
  assert.equal(read32(m, CFSR_ADDRESS), CFSR.MMARVALID | CFSR.PRECISERR);
  m.bus.write32(CFSR_ADDRESS, 0xffff_ffff);
  assert.equal(read32(m, CFSR_ADDRESS), 0);
  exc.hfsr = 0xc000_0002;
  m.bus.write32(HFSR, 0x4000_0000);
  assert.equal(read32(m, HFSR), 0x8000_0002);
});

test('MMFAR is writable; CPACR keeps only CP10/CP11', () => {
  const m = bootMachine();
  m.bus.write32(MMFAR, 0x1234_5678);
  assert.equal(read32(m, MMFAR), 0x1234_5678);
  m.bus.write32(CPACR, 0xffff_ffff);
  assert.equal(read32(m, CPACR), 0x00f0_0000);
  assert.equal(m.cpu.exc.cpacr, 0x00f0_0000);
});

test('ACTLR, FPCCR, FPCAR and FPDSCR keep their defined bits', () => {
  const m = bootMachine();
  m.bus.write32(ACTLR, 0xffff_ffff);
  assert.equal(read32(m, ACTLR), 0x307);
  m.bus.write32(FPCCR, 0xffff_ffff);
  assert.equal(read32(m, FPCCR), 0xc000_017b);
  m.bus.write32(FPCAR, 0x2000_0ffd);
  assert.equal(read32(m, FPCAR), 0x2000_0ff8);
  m.bus.write32(FPDSCR, 0xffff_ffff);
  assert.equal(read32(m, FPDSCR), 0x07c0_0000);
});

test('unprivileged accesses to the SCB are bus errors', () => {
  const m = bootMachine();
  m.cpu.control = CONTROL_NPRIV;
  assert.throws(() => m.bus.read32(CPUID), BusError);
  assert.throws(() => m.bus.write32(VTOR, 0), BusError);
});

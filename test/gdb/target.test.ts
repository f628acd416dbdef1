import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HFSR } from '../../src/core/exceptions.js';
import { peripheral } from '../../src/device/stm32f407.js';
import { ADP_STOPPED_APPLICATION_EXIT, Semihosting, type SemihostingHost } from '../../src/core/semihosting.js';
import { RDP_LEVEL1, RDP_LEVEL2 } from '../../src/flash/option-bytes.js';
import { FlashProgrammer } from '../../src/flash/programmer.js';
import { escapeBinary } from '../../src/gdb/rsp.js';
import { registerNumber } from '../../src/gdb/target-xml.js';
import type { Machine } from '../../src/machine.js';
import { chipPeripherals } from '../../src/peripherals/index.js';
import { DATA, Gdb, HANG, LOOP, PC, START, STORE, programMachine } from './support.js';

const CODE = 0x2000_0200;

/** Puts halfwords in SRAM and points the PC at the first. */
function runFromSram(gdb: Gdb, halfwords: readonly number[]): void {
  halfwords.forEach((h, i) => gdb.machine.bus.write16(CODE + 2 * i, h));
  gdb.setRegister(PC, CODE);
}

function withOptionBytes(change: (p: FlashProgrammer) => void): Machine {
  const machine = programMachine();
  change(new FlashProgrammer(machine, { asDebugger: false }));
  return machine;
}

test('attaching halts the core where it is and reports SIGTRAP', () => {
  const gdb = new Gdb();
  assert.equal(gdb.target.halted, true);
  assert.equal(gdb.ask('?'), 'T05thread:1;');
  assert.equal(gdb.register(PC), START);
});

test('the PC register is the next instruction; writing it restarts there and wakes a sleeping core', () => {
  const gdb = new Gdb();
  gdb.machine.cpu.sleeping = true;
  gdb.setRegister(PC, LOOP | 1);
  assert.equal(gdb.machine.cpu.npc, LOOP, 'the Thumb bit is not part of the address');
  assert.equal(gdb.machine.cpu.sleeping, false);
});

test('D registers are pairs of S registers, low word first', () => {
  const gdb = new Gdb();
  const cpu = gdb.machine.cpu;
  cpu.s[2] = 1.5;
  cpu.s[3] = -2;
  const d1 = Buffer.from(gdb.ask(`p${registerNumber('d1').toString(16)}`), 'hex');
  assert.equal(d1.readFloatLE(0), 1.5);
  assert.equal(d1.readFloatLE(4), -2);
  const value = Buffer.alloc(8);
  value.writeFloatLE(0.25, 0);
  value.writeFloatLE(8, 4);
  assert.equal(gdb.ask(`P${registerNumber('d0').toString(16)}=${value.toString('hex')}`), 'OK');
  assert.deepEqual([cpu.s[0], cpu.s[1]], [0.25, 8]);
  cpu.fpscr = 0x0300_0010;
  assert.equal(gdb.register(registerNumber('fpscr')), 0x0300_0010);
});

test('special registers: MSP/PSP banks, CONTROL.SPSEL switches SP, BASEPRI keeps implemented bits, xPSR keeps IPSR', () => {
  const gdb = new Gdb();
  const cpu = gdb.machine.cpu;
  gdb.setRegister(registerNumber('psp'), 0x2000_0800);
  assert.equal(gdb.register(registerNumber('msp')), 0x2000_1000);
  gdb.setRegister(registerNumber('control'), 2);
  assert.equal(gdb.register(registerNumber('sp')), 0x2000_0800, 'thread mode on PSP');
  gdb.setRegister(registerNumber('basepri'), 0xff);
  assert.equal(gdb.register(registerNumber('basepri')), 0xf0, 'four priority bits');
  gdb.setRegister(registerNumber('primask'), 3);
  assert.equal(cpu.primask, 1);
  gdb.setRegister(registerNumber('xpsr'), 0xf100_0003);
  assert.equal(cpu.n + cpu.z + cpu.c + cpu.v, 4);
  assert.equal(cpu.ipsr, 0, 'IPSR is not the debugger\'s to change');
});

test('debugger reads reach the PPB whatever the core\'s privilege', () => {
  const gdb = new Gdb();
  gdb.setRegister(registerNumber('control'), 1); // unprivileged thread mode
  assert.equal(gdb.ask('me000ed00,4'), '41c20f41', 'CPUID 0x410FC241');
});

test('memory writes to flash are refused without touching the flash interface', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask('M8000100,2:0000'), 'E02');
  assert.equal(gdb.ask('m8000100,2'), '0249', 'unchanged');
  assert.equal(gdb.ask('m40023c0c,4'), '00000000', 'FLASH_SR: no PGSERR from the refused write');
  assert.match(gdb.logged.join('\n'), /cannot write 0x08000100/);
});

test('a BKPT other than 0xAB halts on the BKPT while attached, and again when continued', () => {
  const gdb = new Gdb();
  runFromSram(gdb, [0xbf00, 0xbe01, 0xe7fe]);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(PC), CODE + 2);
  assert.equal(gdb.continue(), 'T05thread:1;', 'silicon does not step over it');
  assert.equal(gdb.register(PC), CODE + 2);
});

test('BKPT 0xAB stays semihosting with a debugger attached', () => {
  const gdb = new Gdb();
  let written = '';
  const host: SemihostingHost = { write: (_fd, bytes) => (written += Buffer.from(bytes).toString()), read: () => null };
  new Semihosting(gdb.machine.cpu, host).install();
  gdb.machine.bus.write8(DATA, 0x41);
  runFromSram(gdb, [0x2003 /* movs r0,#3 SYS_WRITEC */, 0xbeab, 0xbe01]);
  gdb.setRegister(1, DATA);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(written, 'A');
  assert.equal(gdb.register(PC), CODE + 4, 'stopped at the BKPT #1, past the semihosting call');
});

test('a step that ends the program (semihosting exit) answers W with its status', () => {
  const machine = programMachine();
  const sh = new Semihosting(machine.cpu, { write: () => {}, read: () => null });
  sh.install();
  const gdb = new Gdb(machine, { exitCode: () => sh.exitCode });
  machine.bus.write32(DATA, ADP_STOPPED_APPLICATION_EXIT);
  machine.bus.write32(DATA + 4, 3);
  runFromSram(gdb, [0x2020 /* movs r0,#0x20 SYS_EXIT_EXTENDED */, 0xbeab]);
  gdb.setRegister(1, DATA);
  assert.equal(gdb.ask('s'), 'T05thread:1;');
  assert.equal(gdb.ask('s'), 'W03');
  assert.equal(sh.exitCode, 3);
  assert.equal(machine.run(1), 'exit', 'the driver sees the end too');
  gdb.session.exited(3);
  assert.deepEqual(gdb.raw(''), [], 'GDB hears of the exit once');
});

test('after detach a BKPT escalates to HardFault as without a debugger', () => {
  const gdb = new Gdb();
  runFromSram(gdb, [0xbe01]);
  gdb.ask('D');
  gdb.machine.run(10);
  assert.equal(gdb.machine.cpu.npc, HANG);
  assert.ok(gdb.machine.cpu.exc.hfsr & HFSR.DEBUGEVT);
});

test('detach removes breakpoints and watchpoints and lets the core run', () => {
  const gdb = new Gdb();
  gdb.ask(`Z0,${LOOP.toString(16)},2`);
  gdb.ask(`Z2,${DATA.toString(16)},4`);
  gdb.ask('D');
  const before = gdb.machine.cpu.instructions;
  gdb.target.afterRun(gdb.machine.run(1000));
  assert.equal(gdb.machine.cpu.instructions - before, 1000, 'nothing stopped it');
  assert.equal(gdb.target.halted, false);
});

test('continuing from a breakpoint runs its instruction first instead of stopping again', () => {
  const gdb = new Gdb();
  gdb.ask(`Z0,${LOOP.toString(16)},2`);
  gdb.continue();
  const r0 = gdb.register(0);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(0), r0 + 1, 'one more pass of the loop');
});

test('a stop while nobody waits (monitor reset run) is reported at the next continue', () => {
  const gdb = new Gdb();
  gdb.ask(`Z0,${STORE.toString(16)},2`);
  gdb.ask(`qRcmd,${Buffer.from('reset run').toString('hex')}`);
  assert.equal(gdb.target.halted, false);
  assert.deepEqual(gdb.runUntilStop(), [], 'GDB believes the core stopped: no reply yet');
  assert.equal(gdb.target.halted, true);
  assert.deepEqual(gdb.send('c'), ['T05thread:1;']);
  assert.equal(gdb.register(PC), STORE);
});

test('vFlashErase erases every sector the range touches and vFlashWrite programs through the flash interface', () => {
  const gdb = new Gdb();
  const data = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff);
  assert.equal(gdb.ask('vFlashErase:08004000,8000'), 'OK'); // sectors 1 and 2
  assert.equal(gdb.ask(`vFlashWrite:08004000:${escapeBinary(Buffer.from(data).toString('latin1'))}`), 'OK');
  assert.equal(gdb.ask('vFlashDone'), 'OK');
  assert.equal(gdb.ask('m8004000,40'), Buffer.from(data).toString('hex'));
  assert.equal(gdb.ask('m8000100,2'), '0249', 'sector 0 untouched');
  assert.equal(gdb.ask('vFlashWrite:20000000:ab'), 'E05', 'not flash');
  assert.equal(gdb.ask('vFlashErase:0800f000,2000'), 'OK', 'a range across two sectors is fine');
});

test('a write-protected sector makes vFlashErase fail with E05 and the reason, and changes nothing', () => {
  const machine = withOptionBytes((p) => p.programOptionBytes({ ...p.optionBytes, nWrp: 0xffd }));
  machine.bus.view('flash')[0x4000] = 0x12;
  const gdb = new Gdb(machine);
  assert.equal(gdb.ask('vFlashErase:08004000,4000'), 'E05');
  assert.match(gdb.logged.join('\n'), /write-protected/);
  assert.equal(gdb.ask('m8004000,1'), '12');
});

test('at RDP level 1 an attached debugger cannot read flash (E02) or program it (E05), but reads RAM', () => {
  const machine = withOptionBytes((p) => p.programOptionBytes({ ...p.optionBytes, rdp: RDP_LEVEL1 }));
  const gdb = new Gdb(machine);
  assert.equal(gdb.ask('m8000000,4'), 'E02');
  assert.equal(gdb.ask('vFlashErase:08004000,4000'), 'E05');
  assert.equal(gdb.ask('m20000000,4'), '00000000');
});

test('at RDP level 2 the debug port refuses to attach', () => {
  const machine = withOptionBytes((p) => p.programOptionBytes({ ...p.optionBytes, rdp: RDP_LEVEL2 }));
  assert.throws(() => new Gdb(machine), /level 2 disables the debug port/);
});

// ---- Time while the debugger holds the core -------------------------------------------------------

const MS = 1e6;

/** Attached to the whole chip (IWDG, DBGMCU...), recording the causes of resets; the IWDG started (512 ms). */
function chipWithWatchdog(): { gdb: Gdb; causes: string[] } {
  const machine = programMachine(chipPeripherals());
  const causes: string[] = [];
  machine.resetListeners.push((_kind, cause) => causes.push(cause));
  const gdb = new Gdb(machine);
  machine.bus.write32(peripheral(machine.device, 'IWDG').base, 0xcccc);
  return { gdb, causes };
}

test('held at a breakpoint long enough, a started IWDG without DBG_IWDG_STOP resets the chip; the core stays halted at the reset vector', () => {
  const { gdb, causes } = chipWithWatchdog();
  gdb.setRegister(PC, LOOP);
  gdb.target.passHaltedTime(511 * MS);
  assert.deepEqual(causes, []);
  gdb.target.passHaltedTime(2 * MS);
  assert.deepEqual(causes, ['iwdg']);
  assert.equal(gdb.target.halted, true);
  assert.equal(gdb.register(PC), START, 'Reset_Handler');
});

test('with DBG_IWDG_STOP the IWDG stands still however long the core is held, and runs again once it is released', () => {
  const { gdb, causes } = chipWithWatchdog();
  gdb.machine.bus.write32(peripheral(gdb.machine.device, 'DBGMCU').base + 0x08, 1 << 12);
  gdb.target.passHaltedTime(60_000 * MS);
  assert.deepEqual(causes, []);
  gdb.ask('D');
  assert.equal(gdb.machine.debugHalted, false);
  gdb.machine.run(1000);
  gdb.machine.scheduler.cycles += gdb.machine.scheduler.nsToCycles(600 * MS);
  gdb.machine.run(1000);
  assert.deepEqual(causes, ['iwdg']);
});

test('whileHalted lets emulated time follow the wall clock until the core is released; the machine knows it is halted', async () => {
  const gdb = new Gdb();
  let wall = 0;
  gdb.target.wallClockMs = () => wall;
  const s = gdb.machine.scheduler;
  const before = s.nowNs();
  assert.equal(gdb.machine.debugHalted, true);
  const released = gdb.target.whileHalted();
  wall += 250;
  await new Promise((resolve) => setTimeout(resolve, 150)); // the follower wakes at most every 100 ms
  assert.ok(s.nowNs() - before >= 250 * MS && s.nowNs() - before < 251 * MS, `${s.nowNs() - before} ns passed`);
  wall += 50;
  gdb.send('c');
  await released;
  assert.ok(s.nowNs() - before >= 300 * MS, 'the last stretch is counted at the release');
  assert.equal(gdb.machine.debugHalted, false);
});

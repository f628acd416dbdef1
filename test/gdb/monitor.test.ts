import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RDP_LEVEL1 } from '../../src/flash/option-bytes.js';
import { FlashProgrammer } from '../../src/flash/programmer.js';
import { Gdb, LOOP, PC, START, STACK_TOP, programMachine } from './support.js';

function monitor(gdb: Gdb, command: string): string {
  return Buffer.from(gdb.ask(`qRcmd,${Buffer.from(command).toString('hex')}`), 'hex').toString();
}

test('monitor reset halt resets the chip and keeps the core halted at the reset vector', () => {
  const gdb = new Gdb();
  gdb.setRegister(PC, LOOP);
  gdb.setRegister(13, 0x2000_0100);
  assert.equal(monitor(gdb, 'reset halt'), 'reset: core halted at 0x08000100\n');
  assert.equal(gdb.register(PC), START);
  assert.equal(gdb.register(13), STACK_TOP);
  assert.equal(gdb.target.halted, true);
});

test('monitor reset run (and plain reset) reset the chip and let the core run', () => {
  for (const command of ['reset run', 'reset']) {
    const gdb = new Gdb();
    assert.match(monitor(gdb, command), /^reset: core running from 0x08000100\n$/);
    assert.equal(gdb.target.halted, false);
  }
});

test('monitor halt holds a core that runs after reset run', () => {
  const gdb = new Gdb();
  monitor(gdb, 'reset run');
  gdb.runUntilStop(2);
  assert.match(monitor(gdb, 'halt'), /^halted at 0x0800010[0-9A-F]\n$/);
  assert.equal(gdb.target.halted, true);
});

test('monitor boot0 sets the pin for the next reset only', () => {
  const gdb = new Gdb();
  assert.equal(monitor(gdb, 'boot0 1'), 'BOOT0 = 1: the chip boots from system memory at the next reset\n');
  assert.equal(gdb.machine.bus.boot, 'flash');
  monitor(gdb, 'reset halt');
  assert.equal(gdb.machine.bus.boot, 'system');
  assert.match(monitor(gdb, 'boot0 2'), /usage: monitor boot0 0\|1/);
});

test('monitor state prints RDP, WRP and the boot mode', () => {
  const machine = programMachine();
  const p = new FlashProgrammer(machine, { asDebugger: false });
  p.programOptionBytes({ ...p.optionBytes, rdp: RDP_LEVEL1, nWrp: 0xffc });
  const state = monitor(new Gdb(machine), 'state');
  assert.match(state, /^RDP: level 1 \(option byte 0x55\); flash, OTP and backup SRAM are locked to the debugger$/m);
  assert.match(state, /^WRP: sectors 0, 1 write-protected \(nWRP 0xFFC\)$/m);
  assert.match(state, /^boot: BOOT0 = 0, BOOT1 = 0 \(main flash at the next reset\); at 0x00000000 now: main flash$/m);
  assert.match(state, /^core: halted, PC 0x08000100$/m);
});

test('an unknown monitor command prints why and the list of commands', () => {
  const out = monitor(new Gdb(), 'frobnicate');
  assert.match(out, /^unknown monitor command 'frobnicate'\n/);
  assert.match(out, /reset halt/);
  assert.match(monitor(new Gdb(), 'reset sideways'), /usage: monitor reset \[halt\|run\]/);
});

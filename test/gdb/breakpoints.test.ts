import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FPB_CODE_COMPARATORS } from '../../src/gdb/breakpoints.js';
import { registerNumber } from '../../src/gdb/target-xml.js';
import { DATA, FLASH, Gdb, LOAD, LOOP, PC, STORE, programMachine } from './support.js';

const CODE = 0x2000_0200;
const hex = (n: number): string => n.toString(16);

test('a software breakpoint stops the core in front of its instruction, none of it done or counted', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask(`Z0,${hex(STORE)},2`), 'OK');
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(PC), STORE);
  assert.equal(gdb.machine.bus.read32(DATA), 0, 'the store has not happened');
  assert.equal(gdb.machine.cpu.instructions, 3, 'ldr, movs, adds');
  assert.equal(gdb.machine.scheduler.cycles >= 3, true);
});

test('a breakpoint elsewhere leaves the program\'s instruction and cycle counts unchanged', () => {
  const plain = programMachine();
  plain.run(1000);
  const gdb = new Gdb();
  gdb.ask(`Z0,${hex(FLASH + 0x8000)},2`);
  gdb.ask('D');
  gdb.target.afterRun(gdb.machine.run(1000));
  assert.equal(gdb.machine.cpu.instructions, plain.cpu.instructions);
  assert.equal(gdb.machine.scheduler.cycles, plain.scheduler.cycles);
});

test('z0 removes the breakpoint: the loop runs through it', () => {
  const gdb = new Gdb();
  gdb.ask(`Z0,${hex(LOOP)},2`);
  gdb.continue();
  assert.equal(gdb.ask(`z0,${hex(LOOP)},2`), 'OK');
  assert.equal(gdb.ask(`z0,${hex(LOOP)},2`), 'OK', 'removing twice is harmless');
  gdb.ask(`Z0,${hex(LOAD)},2`);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(PC), LOAD);
});

test(`the FPB has ${FPB_CODE_COMPARATORS} comparators: a seventh hardware breakpoint is refused with E04`, () => {
  const gdb = new Gdb();
  for (let i = 0; i < FPB_CODE_COMPARATORS; i++) assert.equal(gdb.ask(`Z1,${hex(FLASH + 0x200 + 2 * i)},2`), 'OK');
  assert.equal(gdb.ask(`Z1,${hex(FLASH + 0x300)},2`), 'E04');
  assert.match(gdb.logged.join('\n'), /all 6 FPB comparators are in use/);
  assert.equal(gdb.ask(`Z0,${hex(FLASH + 0x300)},2`), 'OK', 'software breakpoints are not counted');
  assert.equal(gdb.ask(`z1,${hex(FLASH + 0x200)},2`), 'OK');
  assert.equal(gdb.ask(`Z1,${hex(FLASH + 0x300)},2`), 'OK', 'a freed comparator is used again');
});

test('the FPB matches Code-region addresses only: a hardware breakpoint in SRAM is refused, a software one is not', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask(`Z1,${hex(CODE)},2`), 'E04');
  assert.equal(gdb.ask(`Z0,${hex(CODE)},2`), 'OK');
});

test('a breakpoint where nothing can be fetched is refused', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask('Z0,40020000,2'), 'E04');
  assert.equal(gdb.ask('Z0,30000000,2'), 'E04');
});

test('hardware and software breakpoints on one instruction: removing one keeps the other', () => {
  const gdb = new Gdb();
  gdb.ask(`Z0,${hex(LOOP)},2`);
  gdb.ask(`Z1,${hex(LOOP)},2`);
  gdb.ask(`z1,${hex(LOOP)},2`);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(PC), LOOP);
});

test('a breakpoint stops only at its own address, not at the same code through the boot alias', () => {
  const gdb = new Gdb();
  gdb.setRegister(1, DATA);
  gdb.setRegister(PC, LOOP - FLASH); // the loop through the alias at 0
  gdb.ask(`Z0,${hex(LOOP)},2`);
  gdb.send('c');
  gdb.runUntilStop(20);
  assert.equal(gdb.target.halted, false, 'running the alias never hits 0x08000104');
  gdb.raw('\x03');
  gdb.ask(`Z0,${hex(LOOP - FLASH)},2`);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(PC), LOOP - FLASH);
});

test('a breakpoint on an IT-block instruction whose condition fails still stops, with ITSTATE kept', () => {
  const gdb = new Gdb();
  // movs r0,#0; cmp r0,r0; ite ne; movne r2,#1; moveq r2,#2; b .
  [0x2000, 0x4280, 0xbf14, 0x2201, 0x2202, 0xe7fe].forEach((h, i) => gdb.machine.bus.write16(CODE + 2 * i, h));
  gdb.setRegister(PC, CODE);
  gdb.ask(`Z0,${hex(CODE + 6)},2`);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(PC), CODE + 6);
  const xpsr = gdb.register(registerNumber('xpsr'));
  assert.equal(xpsr & 0x0600_fc00, 0x1400, 'IT[7:2] = 000101: NE, one more instruction');
  gdb.ask('s');
  assert.equal(gdb.register(PC), CODE + 8);
  gdb.ask('s');
  assert.equal(gdb.register(PC), CODE + 10);
  assert.equal(gdb.register(2), 2, 'movne skipped, moveq done');
});

test('a breakpoint survives its code being rewritten', () => {
  const gdb = new Gdb();
  [0xbf00, 0xbf00, 0xe7fc].forEach((h, i) => gdb.machine.bus.write16(CODE + 2 * i, h)); // nop; nop; b CODE
  gdb.setRegister(PC, CODE);
  gdb.ask(`Z0,${hex(CODE + 2)},2`);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.ask(`M${hex(CODE + 2)},2:0130`), 'OK'); // adds r0,#1
  gdb.setRegister(0, 0);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(PC), CODE + 2);
  assert.equal(gdb.register(0), 1, 'the new instruction ran once, then the breakpoint hit again');
});

test('a breakpoint set in code that has run hot (translated into blocks) stops there, exactly', () => {
  const gdb = new Gdb();
  gdb.runHot();
  gdb.ask(`Z0,${hex(STORE)},2`);
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(PC), STORE);
  assert.equal(gdb.machine.bus.read32(DATA), gdb.register(0) - 1, 'the store of this pass has not happened');
  const before = gdb.machine.cpu.instructions;
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.machine.cpu.instructions - before, 4, 'one pass of the loop');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAGE_SHIFT } from '../../src/bus/bus.js';
import { DWT_COMPARATORS } from '../../src/gdb/watchpoints.js';
import { BRANCH, DATA, Gdb, LOAD, PC } from './support.js';

const hex = (n: number): string => n.toString(16);
const page = DATA >>> PAGE_SHIFT;

test('a write watchpoint stops after the store, reporting watch:ADDR', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask(`Z2,${hex(DATA)},4`), 'OK');
  assert.equal(gdb.continue(), `T05watch:${hex(DATA)};thread:1;`);
  assert.equal(gdb.register(PC), LOAD, 'the store completed; the core halted after it');
  assert.equal(gdb.machine.bus.read32(DATA), 1);
  assert.equal(gdb.continue(), `T05watch:${hex(DATA)};thread:1;`);
  assert.equal(gdb.machine.bus.read32(DATA), 2);
});

test('a read watchpoint reports rwatch, an access watchpoint awatch', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask(`Z3,${hex(DATA + 4)},4`), 'OK');
  assert.equal(gdb.continue(), `T05rwatch:${hex(DATA + 4)};thread:1;`);
  assert.equal(gdb.register(PC), BRANCH);
  assert.equal(gdb.ask(`z3,${hex(DATA + 4)},4`), 'OK');
  assert.equal(gdb.ask(`Z4,${hex(DATA)},4`), 'OK');
  assert.equal(gdb.continue(), `T05awatch:${hex(DATA)};thread:1;`);
  assert.equal(gdb.register(PC), LOAD);
});

test('the reported address is the first watched byte the access touched', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask(`Z2,${hex(DATA + 2)},2`), 'OK');
  assert.equal(gdb.continue(), `T05watch:${hex(DATA + 2)};thread:1;`);
});

test(`the DWT has ${DWT_COMPARATORS} comparators: a fifth watchpoint is refused with E04`, () => {
  const gdb = new Gdb();
  for (let i = 0; i < DWT_COMPARATORS; i++) assert.equal(gdb.ask(`Z2,${hex(DATA + 0x10 * i)},4`), 'OK');
  assert.equal(gdb.ask(`Z3,${hex(DATA + 0x80)},4`), 'E04');
  assert.match(gdb.logged.join('\n'), /all 4 DWT comparators are in use/);
});

test('a range no single comparator can match (beyond an aligned 32 KB block) is refused', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask('Z2,20007ffe,4'), 'E04');
  assert.equal(gdb.ask('Z2,20000000,8000'), 'OK', 'an aligned 32 KB block');
  assert.equal(gdb.ask('Z2,20000000,0'), 'E04');
});

test('the debugger\'s own reads and writes do not trigger watchpoints', () => {
  const gdb = new Gdb();
  gdb.ask(`Z4,${hex(DATA)},4`);
  assert.equal(gdb.ask(`M${hex(DATA)},4:05000000`), 'OK');
  assert.equal(gdb.ask(`m${hex(DATA)},4`), '05000000');
  assert.equal(gdb.machine.cpu.stopRequest, null);
  assert.equal(gdb.continue(), `T05awatch:${hex(DATA)};thread:1;`);
  assert.equal(gdb.machine.bus.read32(DATA), 1, 'the program stored its own counter');
});

test('only the watched page leaves the fast path, and removing the watchpoint gives it back', () => {
  const gdb = new Gdb();
  const bus = gdb.machine.bus;
  const before = { rd: bus.rd[page], wr: bus.wr[page], ex: bus.ex[page], handler: bus.handler[page] };
  gdb.ask(`Z2,${hex(DATA)},4`);
  assert.equal(bus.wr[page], -1);
  assert.equal(bus.rd[page], before.rd, 'a write watchpoint leaves reads on the fast path');
  assert.equal(bus.ex[page], before.ex, 'instruction fetch is never touched');
  assert.equal(bus.wr[page + 1], before.wr + 0x1000, 'the next page is untouched');
  gdb.ask(`Z3,${hex(DATA + 8)},4`);
  assert.equal(bus.rd[page], -1);
  gdb.ask(`z2,${hex(DATA)},4`);
  assert.equal(bus.wr[page], before.wr, 'writes back on the fast path, reads still watched');
  gdb.ask(`z3,${hex(DATA + 8)},4`);
  assert.deepEqual({ rd: bus.rd[page], wr: bus.wr[page], ex: bus.ex[page], handler: bus.handler[page] }, before);
});

test('code on a watched page still runs, and stores to it still replace decoded instructions', () => {
  const gdb = new Gdb();
  const bus = gdb.machine.bus;
  const code = DATA + 0x100;
  [0xbf00, 0xe7fd].forEach((h, i) => bus.write16(code + 2 * i, h)); // nop; b code
  gdb.setRegister(PC, code);
  gdb.setRegister(0, 0);
  gdb.ask(`Z2,${hex(DATA)},4`);
  gdb.machine.run(10);
  bus.write16(code, 0x3001); // adds r0,#1, stored through the watched page
  gdb.machine.run(10);
  assert.equal(gdb.register(0), 5, 'the new instruction runs every other step');
  assert.equal(gdb.machine.cpu.stopRequest, null, 'outside the watched range: no hit');
});

test('a watchpoint on data that hot (translated) code stores stops right after the store', () => {
  const gdb = new Gdb();
  gdb.runHot();
  gdb.ask(`Z2,${hex(DATA)},4`);
  assert.equal(gdb.continue(), `T05watch:${hex(DATA)};thread:1;`);
  assert.equal(gdb.register(PC), LOAD);
  assert.equal(gdb.machine.bus.read32(DATA), gdb.register(0));
});

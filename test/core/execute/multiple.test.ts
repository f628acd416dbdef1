import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXC } from '../../../src/core/exceptions.js';
import { registerList } from '../../../src/core/execute/multiple.js';
import { CFSR } from '../../../src/core/faults.js';
import { DATA, STACK_TOP, THREAD_CODE, inHandler, reg, run } from './program.js';

const SP = STACK_TOP - 0x100;

test('registerList lists the set bits in ascending order', () => {
  assert.deepEqual(registerList(0x8005), [0, 2, 15]);
  assert.deepEqual(registerList(0), []);
});

test('PUSH stores the lowest register at the lowest address and lowers SP', () => {
  const m = run([0xb503], { r: { 0: 10, 1: 11, 13: SP, 14: 0xeeee } }); // push {r0, r1, lr}
  assert.equal(reg(m, 13), SP - 12);
  assert.deepEqual([0, 4, 8].map((o) => m.bus.read32(SP - 12 + o)), [10, 11, 0xeeee]);
});

test('POP loads in ascending order and raises SP', () => {
  const m = run([0xb503, 0xbc1c], { r: { 0: 10, 1: 11, 13: SP, 14: 0xeeee } }); // push {r0,r1,lr}; pop {r2,r3,r4}
  assert.deepEqual([reg(m, 2), reg(m, 3), reg(m, 4)], [10, 11, 0xeeee]);
  assert.equal(reg(m, 13), SP);
});

test('POP {PC} interworks (returns to the popped address) after restoring the other registers', () => {
  const ret = THREAD_CODE + 6;
  const m = run([0xb503, 0xbd01, 0xbf00, 0x2107], { r: { 0: 99, 1: ret | 1, 13: SP } }); // push {r0,r1,lr}; pop {r0,pc}; nop; movs r1,#7
  assert.equal(reg(m, 1), 7);
  assert.equal(reg(m, 0), 99);
  assert.equal(reg(m, 13), SP - 4);
});

test('STMIA writes back; LDMIA with the base in the list loads it and skips writeback', () => {
  let m = run([0xc105], { r: { 0: 1, 1: DATA, 2: 2 } }); // stmia r1!, {r0, r2}
  assert.equal(reg(m, 1), DATA + 8);
  assert.deepEqual([m.bus.read32(DATA), m.bus.read32(DATA + 4)], [1, 2]);
  m = run([0xc903], { r: { 1: DATA }, before: (mm) => (mm.bus.write32(DATA, 5), mm.bus.write32(DATA + 4, 6)) }); // ldmia r1, {r0, r1}
  assert.deepEqual([reg(m, 0), reg(m, 1)], [5, 6]);
  m = run([0xc905], { r: { 1: DATA }, before: (mm) => (mm.bus.write32(DATA, 5), mm.bus.write32(DATA + 4, 6)) }); // ldmia r1!, {r0, r2}
  assert.deepEqual([reg(m, 0), reg(m, 2), reg(m, 1)], [5, 6, DATA + 8]);
});

test('STMDB/LDMDB address below the base', () => {
  // stmdb r1!, {r2-r4}; ldmdb r8, {r5-r7} with r1 = r8 = DATA + 12
  const m = run([0xe921, 0x001c, 0xe918, 0x00e0], { r: { 1: DATA + 12, 8: DATA + 12, 2: 2, 3: 3, 4: 4 } });
  assert.equal(reg(m, 1), DATA);
  assert.deepEqual([m.bus.read32(DATA), m.bus.read32(DATA + 4), m.bus.read32(DATA + 8)], [2, 3, 4]);
  assert.deepEqual([reg(m, 5), reg(m, 6), reg(m, 7), reg(m, 8)], [2, 3, 4, DATA + 12]);
});

test('PUSH.W/POP.W round-trip with a return through the PC', () => {
  const ret = THREAD_CODE + 10;
  const m = run([0xe92d, 0x4070, 0xe8bd, 0x8070, 0xbf00, 0x2007], { r: { 4: 4, 5: 5, 6: 6, 13: SP, 14: ret | 1 } });
  assert.equal(reg(m, 0), 7);
  assert.deepEqual([reg(m, 4), reg(m, 5), reg(m, 6), reg(m, 13)], [4, 5, 6, SP]);
});

test('an LDM/STM from an unaligned base faults UNALIGNED before any access', () => {
  let m = run([0xc105], { r: { 0: 1, 1: DATA + 2, 2: 2 } });
  assert.ok(inHandler(m, EXC.HardFault));
  assert.equal(m.cpu.exc.cfsr & CFSR.UNALIGNED, CFSR.UNALIGNED);
  assert.equal(m.bus.read32(DATA + 4), 0);
  m = run([0xe8b1, 0x000c], { r: { 1: DATA + 1, 2: 9 } }); // ldmia.w r1!, {r2, r3}
  assert.equal(m.cpu.exc.cfsr & CFSR.UNALIGNED, CFSR.UNALIGNED);
  assert.equal(reg(m, 2), 9);
});

test('an LDM that hits a bus error part-way changes no register and not the base', () => {
  // The second word is past the end of SRAM2 (0x2001_FFFC + 4): a precise BusFault.
  const m = run([0xc905], { r: { 0: 7, 1: 0x2001_fffc, 2: 8 } });
  assert.equal(m.cpu.exc.cfsr & CFSR.PRECISERR, CFSR.PRECISERR);
  assert.deepEqual([reg(m, 0), reg(m, 1), reg(m, 2)], [7, 0x2001_fffc, 8]);
});

test('LDM/STM cost one extra cycle per register; a load to the PC two more', () => {
  const base = run([]).scheduler.cycles;
  assert.equal(run([0xb503], { r: { 13: SP } }).scheduler.cycles - base, 4);
  const m = run([0xe8bd, 0x8070], { r: { 13: SP }, before: (mm) => mm.bus.write32(SP + 12, (THREAD_CODE + 4) | 1) });
  assert.equal(m.scheduler.cycles - base, 1 + 4 + 2);
});

test('register lists the manual calls UNPREDICTABLE are UNDEFINED (UNDEFINSTR)', () => {
  for (const code of [
    [0xe8bd, 0xc000], // pop.w {lr, pc}
    [0xe8b1, 0x0006], // ldmia.w r1!, {r1, r2}: writeback with the base in the list
    [0xe92d, 0x0010], // push.w {r4}: one register (PUSH T3 is the STR form)
    [0xbc00], // pop {} (empty list)
  ]) {
    const m = run(code, { r: { 1: DATA, 13: SP } });
    assert.equal(m.cpu.exc.cfsr & CFSR.UNDEFINSTR, CFSR.UNDEFINSTR, code.map((h) => h.toString(16)).join(' '));
  }
});

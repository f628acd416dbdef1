import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXC } from '../../../src/core/exceptions.js';
import { CFSR } from '../../../src/core/faults.js';
import type { Machine } from '../../../src/machine.js';
import { DATA, THREAD_CODE, inHandler, reg, run, type Setup } from './program.js';

const UNALIGN_TRP = 1 << 3;

/** Fills DATA with bytes 0x80, 0x81, ... so every load has a known, sign-sensitive value. */
function withData(setup: Setup = {}): Setup {
  return {
    ...setup,
    before: (m) => {
      for (let i = 0; i < 64; i++) m.bus.write8(DATA + i, 0x80 + i);
      setup.before?.(m);
    },
  };
}

function faulted(m: Machine, bit: number): boolean {
  return inHandler(m, EXC.HardFault) && (m.cpu.exc.cfsr & bit) !== 0;
}

test('16-bit loads of every width zero- or sign-extend', () => {
  const r = { 1: DATA, 2: 3 };
  assert.equal(reg(run([0x6848], withData({ r })), 0), 0x8786_8584); // ldr r0, [r1, #4]
  assert.equal(reg(run([0x8848], withData({ r })), 0), 0x8382); // ldrh r0, [r1, #2]
  assert.equal(reg(run([0x7848], withData({ r })), 0), 0x81); // ldrb r0, [r1, #1]
  assert.equal(reg(run([0x5688], withData({ r })), 0), 0xffff_ff83); // ldrsb r0, [r1, r2]
  assert.equal(reg(run([0x5e88], withData({ r: { 1: DATA, 2: 2 } })), 0), 0xffff_8382); // ldrsh r0, [r1, r2]
  assert.equal(reg(run([0x5888], withData({ r: { 1: DATA, 2: 4 } })), 0), 0x8786_8584); // ldr r0, [r1, r2]
});

test('16-bit stores write the low bytes of Rt', () => {
  const m = run([0x6048, 0x8048, 0x7048], { r: { 0: 0x1122_3344, 1: DATA } }); // str [r1,#4]; strh [r1,#2]; strb [r1,#1]
  assert.equal(m.bus.read32(DATA + 4) >>> 0, 0x1122_3344);
  assert.equal(m.bus.read16(DATA + 2), 0x3344);
  assert.equal(m.bus.read8(DATA + 1), 0x44);
  assert.equal(m.bus.read8(DATA + 0), 0);
});

test('SP-relative LDR/STR (T2) address from SP', () => {
  const m = run([0x9002, 0x9902], { r: { 0: 0xcafe, 13: DATA } }); // str r0, [sp, #8]; ldr r1, [sp, #8]
  assert.equal(reg(m, 1), 0xcafe);
});

test('32-bit loads: negative offset, pre-index and post-index writeback, scaled register', () => {
  let m = run([0xf851, 0x0c04], withData({ r: { 1: DATA + 8 } })); // ldr.w r0, [r1, #-4]
  assert.equal(reg(m, 0), 0x8786_8584);
  assert.equal(reg(m, 1), DATA + 8);
  m = run([0xf851, 0x0f04], withData({ r: { 1: DATA } })); // ldr r0, [r1, #4]!
  assert.equal(reg(m, 0), 0x8786_8584);
  assert.equal(reg(m, 1), DATA + 4);
  m = run([0xf851, 0x0904], withData({ r: { 1: DATA + 4 } })); // ldr r0, [r1], #-4
  assert.equal(reg(m, 0), 0x8786_8584);
  assert.equal(reg(m, 1), DATA);
  m = run([0xf851, 0x0022], withData({ r: { 1: DATA, 2: 2 } })); // ldr.w r0, [r1, r2, lsl #2]
  assert.equal(reg(m, 0), 0x8b8a_8988);
  m = run([0xf9b1, 0x0002], withData({ r: { 1: DATA } })); // ldrsh.w r0, [r1, #2]
  assert.equal(reg(m, 0), 0xffff_8382);
  m = run([0xf911, 0x0c01], withData({ r: { 1: DATA + 1 } })); // ldrsb.w r0, [r1, #-1]
  assert.equal(reg(m, 0), 0xffff_ff80);
});

test('32-bit stores with writeback', () => {
  let m = run([0xf841, 0x0d04], { r: { 0: 0xdead_beef, 1: DATA + 8 } }); // str r0, [r1, #-4]!
  assert.equal(m.bus.read32(DATA + 4) >>> 0, 0xdead_beef);
  assert.equal(reg(m, 1), DATA + 4);
  m = run([0xf801, 0x0b01], { r: { 0: 0x1ab, 1: DATA } }); // strb r0, [r1], #1
  assert.equal(m.bus.read8(DATA), 0xab);
  assert.equal(reg(m, 1), DATA + 1);
});

test('LDR (literal) reads from Align(PC, 4) + imm', () => {
  // At THREAD_CODE + 2 (PC + 4 = +6, aligned down to +4): ldr r0, [pc, #4] reads THREAD_CODE + 8.
  const m = run([0xbf00, 0x4801, 0xe003, 0xbf00, 0x5678, 0x1234, 0xbf00, 0xbf00]); // nop; ldr; b +6; nop; .word
  assert.equal(reg(m, 0), 0x1234_5678);
});

test('an unaligned LDR/STR/LDRH is allowed while CCR.UNALIGN_TRP is clear', () => {
  const m = run([0x6848, 0x8848], withData({ r: { 1: DATA + 1 } })); // ldr r0, [r1, #4]; ldrh r0, [r1, #2]
  assert.equal(reg(m, 0), 0x8483);
  assert.equal(m.cpu.exc.cfsr, 0);
  const w = run([0x6848], withData({ r: { 1: DATA + 1 } }));
  assert.equal(reg(w, 0), 0x8887_8685);
});

test('an unaligned LDR with CCR.UNALIGN_TRP raises UsageFault UNALIGNED and loads nothing', () => {
  const m = run([0x6848], withData({ r: { 0: 7, 1: DATA + 1 }, before: (mm) => (mm.cpu.exc.ccr |= UNALIGN_TRP) }));
  assert.ok(faulted(m, CFSR.UNALIGNED));
  assert.equal(m.cpu.r[0], 7);
});

test('an unaligned STRH with CCR.UNALIGN_TRP faults before writing', () => {
  const m = run([0x8048], { r: { 0: 0xffff, 1: DATA + 1 }, before: (mm) => (mm.cpu.exc.ccr |= UNALIGN_TRP) });
  assert.ok(faulted(m, CFSR.UNALIGNED));
  assert.equal(m.bus.read32(DATA) >>> 0, 0);
});

test('a load from unmapped memory is a precise BusFault and leaves Rt and the base unchanged', () => {
  const m = run([0xf851, 0x0f04], { r: { 0: 7, 1: 0x3000_0000 } }); // ldr r0, [r1, #4]!
  assert.ok(inHandler(m, EXC.HardFault));
  assert.equal(m.cpu.exc.cfsr & CFSR.PRECISERR, CFSR.PRECISERR);
  assert.equal(reg(m, 0), 7);
  assert.equal(reg(m, 1), 0x3000_0000);
});

test('LDRD/STRD transfer two words with writeback; an unaligned address always faults', () => {
  let m = run([0xe9d1, 0x2302], withData({ r: { 1: DATA } })); // ldrd r2, r3, [r1, #8]
  assert.equal(reg(m, 2), 0x8b8a_8988);
  assert.equal(reg(m, 3), 0x8f8e_8d8c);
  m = run([0xe961, 0x2302], { r: { 1: DATA + 16, 2: 1, 3: 2 } }); // strd r2, r3, [r1, #-8]!
  assert.equal(m.bus.read32(DATA + 8), 1);
  assert.equal(m.bus.read32(DATA + 12), 2);
  assert.equal(reg(m, 1), DATA + 8);
  m = run([0xe8f1, 0x2302], withData({ r: { 1: DATA } })); // ldrd r2, r3, [r1], #8
  assert.equal(reg(m, 2), 0x8382_8180);
  assert.equal(reg(m, 1), DATA + 8);
  m = run([0xe9d1, 0x2302], withData({ r: { 1: DATA + 2, 2: 5 } }));
  assert.ok(faulted(m, CFSR.UNALIGNED));
  assert.equal(reg(m, 2), 5);
});

test('LDREX then STREX to the same address stores and returns 0', () => {
  const m = run([0xe851, 0x0f00, 0x3001, 0xe841, 0x0200], withData({ r: { 1: DATA } })); // ldrex r0,[r1]; adds r0,#1; strex r2,r0,[r1]
  assert.equal(reg(m, 2), 0);
  assert.equal(m.bus.read32(DATA) >>> 0, 0x8382_8181);
  assert.equal(m.cpu.exclusiveAddress, -1);
});

test('STREX without a matching LDREX does not store and returns 1', () => {
  const m = run([0xe841, 0x0200], { r: { 0: 0x55, 1: DATA } });
  assert.equal(reg(m, 2), 1);
  assert.equal(m.bus.read32(DATA), 0);
});

test('CLREX clears the monitor so a following STREX fails', () => {
  const m = run([0xe851, 0x0f00, 0xf3bf, 0x8f2f, 0xe841, 0x0200], { r: { 1: DATA } });
  assert.equal(reg(m, 2), 1);
});

test('LDREXB/STREXB and LDREXH/STREXH work on bytes and halfwords', () => {
  let m = run([0xe8d1, 0x0f4f, 0xe8c1, 0x0f42], withData({ r: { 1: DATA + 1 } })); // ldrexb r0,[r1]; strexb r2,r0,[r1]
  assert.equal(reg(m, 0), 0x81);
  assert.equal(reg(m, 2), 0);
  m = run([0xe8d1, 0x0f5f, 0xe8c1, 0x0f52], withData({ r: { 1: DATA + 2 } })); // ldrexh; strexh
  assert.equal(reg(m, 0), 0x8382);
  assert.equal(reg(m, 2), 0);
});

test('LDREX from an unaligned address faults UNALIGNED even without UNALIGN_TRP', () => {
  const m = run([0xe851, 0x0f00], { r: { 1: DATA + 2 } });
  assert.ok(faulted(m, CFSR.UNALIGNED));
});

test('the unprivileged forms (LDRT, STRBT) access memory like the plain ones', () => {
  const m = run([0xf851, 0x0e04, 0xf801, 0x0e01], withData({ r: { 1: DATA } })); // ldrt r0,[r1,#4]; strbt r0,[r1,#1]
  assert.equal(reg(m, 0), 0x8786_8584);
  assert.equal(m.bus.read8(DATA + 1), 0x84);
});

test('PLD and PLI are hints: no access, no fault even on unmapped addresses', () => {
  const m = run([0xf891, 0xf004, 0xf911, 0xf002, 0x2007], { r: { 1: 0x3000_0000 } }); // pld [r1,#4]; pli [r1,r2]; movs r0,#7
  assert.equal(reg(m, 0), 7);
  assert.equal(m.cpu.exc.cfsr, 0);
});

test('LDR PC, [Rn] interworks: bit 0 set continues in Thumb state at the target', () => {
  const target = THREAD_CODE + 8;
  const m = run([0xf8d1, 0xf004, 0xbf00, 0xbf00, 0x2007], { r: { 1: DATA }, before: (mm) => mm.bus.write32(DATA + 4, target | 1) });
  assert.equal(reg(m, 0), 7);
});

test('LDR PC with bit 0 clear faults INVSTATE at the target', () => {
  const m = run([0xf851, 0xfb04], { r: { 1: DATA }, before: (mm) => mm.bus.write32(DATA, THREAD_CODE + 0x100) }); // ldr pc, [r1], #4
  assert.ok(faulted(m, CFSR.INVSTATE));
  assert.equal(reg(m, 1), DATA + 4);
});

test('a load costs one extra cycle', () => {
  const base = run([]).scheduler.cycles;
  const m = run([0x6848], withData({ r: { 1: DATA } }));
  assert.equal(m.scheduler.cycles - base, 2);
});

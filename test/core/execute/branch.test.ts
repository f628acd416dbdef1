import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXC } from '../../../src/core/exceptions.js';
import { CFSR } from '../../../src/core/faults.js';
import { THREAD_CODE, apsrOf, inHandler, reg, run } from './program.js';

const MOVS_R0_7 = 0x2007;
const NOP = 0xbf00;

/** Runs one instruction and returns the address it goes to next. */
function target(code: number[], apsr = ''): number {
  return run(code, { apsr: apsrOf(apsr) }, 1).cpu.npc >>> 0;
}

test('B (T2) skips forward; the skipped instruction does not run', () => {
  const m = run([0xe000, MOVS_R0_7, NOP]); // b l1; movs r0, #7; l1: nop
  assert.equal(reg(m, 0), 0);
});

test('B<cond> (T1) branches only when the condition passes', () => {
  assert.equal(reg(run([0xd000, MOVS_R0_7, NOP], { apsr: apsrOf('Z') }), 0), 0); // beq taken
  assert.equal(reg(run([0xd000, MOVS_R0_7, NOP]), 0), 7); // beq not taken
});

test('every condition code is evaluated as in A7.3.1', () => {
  // b<cond> .+4 for cond 0..13, against flag sets: [cond, flags that pass, flags that fail]
  const table: Array<[number, string, string]> = [
    [0x0, 'Z', ''], [0x1, '', 'Z'], [0x2, 'C', ''], [0x3, '', 'C'], [0x4, 'N', ''], [0x5, '', 'N'],
    [0x6, 'V', ''], [0x7, '', 'V'], [0x8, 'C', 'CZ'], [0x9, 'Z', 'C'], [0xa, 'NV', 'N'], [0xb, 'N', 'NV'],
    [0xc, '', 'Z'], [0xd, 'Z', ''],
  ];
  for (const [cond, pass, fail] of table) {
    const hw = 0xd000 | (cond << 8);
    assert.equal(target([hw], pass), THREAD_CODE + 4, `cond ${cond} with ${pass || 'no flags'}`);
    assert.equal(target([hw], fail), THREAD_CODE + 2, `cond ${cond} with ${fail || 'no flags'}`);
  }
});

test('long branch offsets decode with their sign (B.W, B<cond>.W, BL)', () => {
  assert.equal(target([0xf123, 0xfa29]), THREAD_CODE + 0x12_3456); // bl .+0x123456
  assert.equal(target([0xf5ff, 0xfffe]), THREAD_CODE - 0x20_0000); // bl .-0x200000
  assert.equal(target([0xf7fc, 0xbffe]), THREAD_CODE - 0x3000); // b.w .-0x3000
  assert.equal(target([0xf73f, 0x8ffe], ''), THREAD_CODE - 0x4_0000); // bgt.w .-0x40000 (GT passes with no flags)
  assert.equal(target([0xf27f, 0xaffd], 'Z'), THREAD_CODE + 0xf_fffe); // bls.w .+0xffffe
  assert.equal(target([0xf77f, 0xaf7e], 'Z'), THREAD_CODE - 256); // ble.w .-256
  assert.equal(target([0xe400]), THREAD_CODE + 4 - 2048); // b (T2) with the most negative offset
});

test('BL sets LR to the return address with bit 0 set', () => {
  const m = run([0xf000, 0xf801, NOP, MOVS_R0_7], {}, 1); // bl +2
  assert.equal(reg(m, 14), (THREAD_CODE + 4) | 1);
  assert.equal(m.cpu.npc >>> 0, THREAD_CODE + 6);
});

test('BX Rm with bit 0 set branches; BLX Rm also links to the next instruction', () => {
  let m = run([0x4708, NOP, MOVS_R0_7], { r: { 1: (THREAD_CODE + 4) | 1 } }); // bx r1
  assert.equal(reg(m, 0), 7);
  m = run([0x4788], { r: { 1: (THREAD_CODE + 0x40) | 1 } }, 1); // blx r1
  assert.equal(reg(m, 14), (THREAD_CODE + 2) | 1);
  assert.equal(m.cpu.npc >>> 0, THREAD_CODE + 0x40);
});

test('BX to an even address faults INVSTATE with the target as return address', () => {
  const m = run([0x4708], { r: { 1: THREAD_CODE + 0x40 } });
  assert.ok(inHandler(m, EXC.HardFault));
  assert.equal(m.cpu.exc.cfsr & CFSR.INVSTATE, CFSR.INVSTATE);
  assert.equal(m.bus.read32(reg(m, 13) + 24) >>> 0, THREAD_CODE + 0x40);
});

test('CBZ/CBNZ branch on zero / non-zero and leave the flags', () => {
  assert.equal(reg(run([0xb100, MOVS_R0_7, NOP], { r: { 1: 0 } }), 0), 0); // cbz r0 (r0 = 0): skips the movs
  assert.equal(reg(run([0xb900, MOVS_R0_7, NOP]), 0), 7); // cbnz r0 (r0 = 0): falls through
  const m = run([0xb901, MOVS_R0_7, NOP], { r: { 1: 5 }, apsr: apsrOf('NZ') }); // cbnz r1, +4 (over the movs)
  assert.equal(reg(m, 0), 0);
  assert.equal(m.cpu.apsr >>> 0, apsrOf('NZ'));
});

test('TBB [PC, Rm] branches forward by twice the table byte', () => {
  // tbb [pc, r0]; table bytes {1, 2} at +4; case 0 → +4+2 = movs r0,#7... layout:
  // +0 tbb; +4 .byte 1, 2; +6 nop (case 0 lands here? no: +4 + 2*1 = +6); +8 movs r1, #9 (case 1: +4 + 4)
  const code = [0xe8df, 0xf000, 0x0201, MOVS_R0_7, 0x2109, NOP];
  let m = run(code, { r: { 0: 0 } }, 2);
  assert.equal(reg(m, 0), 7);
  m = run(code, { r: { 0: 1 } }, 2);
  assert.equal(reg(m, 1), 9);
  assert.equal(reg(m, 0), 1);
});

test('TBH [Rn, Rm, LSL #1] reads a halfword table from any base', () => {
  const table = THREAD_CODE + 0x100;
  const m = run([0xe8d1, 0xf010], { r: { 0: 1, 1: table }, before: (mm) => mm.bus.write16(table + 2, 0x20) }, 1);
  assert.equal(m.cpu.npc >>> 0, THREAD_CODE + 4 + 0x40);
});

test('a taken branch costs two extra cycles; a branch not taken none', () => {
  const base = run([]).scheduler.cycles;
  assert.equal(run([0xd000], { apsr: apsrOf('Z') }, 1).scheduler.cycles - base, 3);
  assert.equal(run([0xd000], {}, 1).scheduler.cycles - base, 1);
});

test('BLX PC is UNPREDICTABLE: UNDEFINED here', () => {
  const m = run([0x47f8]);
  assert.equal(m.cpu.exc.cfsr & CFSR.UNDEFINSTR, CFSR.UNDEFINSTR);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXC } from '../../../src/core/exceptions.js';
import { CFSR } from '../../../src/core/faults.js';
import type { Machine } from '../../../src/machine.js';
import { bootMachine, handlerAddress } from '../harness.js';
import { THREAD_CODE, apsrOf, flags, inHandler, place, reg, run } from './program.js';

const MOVS_R0_7 = 0x2007;
const NOP = 0xbf00;

/** Runs `handler` as the HardFault handler after a UDF in thread mode; returns when it reaches its end. */
function inHardFault(handler: number[], setup: (m: Machine) => void = () => {}): Machine {
  const m = bootMachine();
  place(m, [0xde00]); // udf #0
  const end = place(m, handler, handlerAddress(EXC.HardFault));
  setup(m);
  for (let i = 0; i < 50 && m.cpu.npc !== end; i++) m.cpu.step();
  assert.equal(m.cpu.ipsr, EXC.HardFault);
  return m;
}

test('MRS reads APSR, IPSR and the combined xPSR; EPSR reads as zero', () => {
  const code = [0xf3ef, 0x8000, 0xf3ef, 0x8103, 0xf3ef, 0x8207]; // mrs r0, apsr; mrs r1, xpsr; mrs r2, iepsr
  let m = run(code, { apsr: apsrOf('NC') | (1 << 27) | (0xa << 16) });
  assert.equal(reg(m, 0), 0xa80a_0000);
  assert.equal(reg(m, 1), 0xa80a_0000);
  assert.equal(reg(m, 2), 0);
  m = inHardFault([0xf3ef, 0x8005]); // mrs r0, ipsr
  assert.equal(reg(m, 0), EXC.HardFault);
});

test('MSR APSR writes N Z C V Q with mask nzcvq and GE with mask g', () => {
  let m = run([0xf381, 0x8800], { r: { 1: 0xf80f_0000 } }); // msr apsr_nzcvq, r1
  assert.equal(m.cpu.apsr >>> 0, 0xf800_0000);
  m = run([0xf381, 0x8400], { r: { 1: 0xf80f_0000 } }); // msr apsr_g, r1
  assert.equal(m.cpu.apsr >>> 0, 0x000f_0000);
  m = run([0xf381, 0x8c00], { r: { 1: 0xffff_ffff } }); // msr apsr_nzcvqg, r1
  assert.equal(m.cpu.apsr >>> 0, 0xf80f_0000);
});

test('MSR/MRS PSP and MSP while MSP is the active stack', () => {
  const m = run([0xf381, 0x8809, 0xf3ef, 0x8009, 0xf3ef, 0x8208], { r: { 1: 0x2000_4003 } }); // msr psp, r1; mrs r0, psp; mrs r2, msp
  assert.equal(reg(m, 0), 0x2000_4000);
  assert.equal(reg(m, 2), reg(m, 13));
});

test('MSR CONTROL.SPSEL in thread mode switches SP to PSP; FPCA is kept', () => {
  // msr psp, r1; msr control, r2; mov r0, sp; mrs r3, msp; mrs r4, control
  const code = [0xf381, 0x8809, 0xf382, 0x8814, 0x4668, 0xf3ef, 0x8308, 0xf3ef, 0x8414];
  const m = run(code, { r: { 1: 0x2000_4000, 2: 6 } });
  assert.equal(reg(m, 0), 0x2000_4000);
  assert.equal(reg(m, 3), m.cpu.msp >>> 0);
  assert.equal(reg(m, 4), 6);
});

test('MSR CONTROL in handler mode ignores SPSEL', () => {
  const m = inHardFault([0xf381, 0x8814, 0xf3ef, 0x8014], (mm) => (mm.cpu.r[1] = 2)); // msr control, r1; mrs r0, control
  assert.equal(reg(m, 0), 0);
});

test('unprivileged code cannot write the masks, CONTROL or the SPs, and reads the SPs as 0', () => {
  // msr primask, r1; msr control, r2; cpsid i; mrs r0, msp; msr apsr_nzcvq, r1
  const code = [0xf381, 0x8810, 0xf382, 0x8814, 0xb672, 0xf3ef, 0x8008, 0xf381, 0x8800];
  const m = run(code, { r: { 1: 0xffff_ffff, 2: 0 }, before: (mm) => (mm.cpu.control = 1) });
  assert.equal(m.cpu.primask, 0);
  assert.equal(m.cpu.control, 1);
  assert.equal(reg(m, 0), 0);
  assert.equal(m.cpu.apsr >>> 0, 0xf800_0000);
});

test('BASEPRI keeps priority bits [7:4]; BASEPRI_MAX only raises the masking', () => {
  // msr basepri, r1; msr basepri_max, r2; mrs r0, basepri; msr basepri_max, r3; mrs r4, basepri
  const code = [0xf381, 0x8811, 0xf382, 0x8812, 0xf3ef, 0x8011, 0xf383, 0x8812, 0xf3ef, 0x8411];
  const m = run(code, { r: { 1: 0x85, 2: 0x40, 3: 0x60 } });
  assert.equal(reg(m, 0), 0x40);
  assert.equal(reg(m, 4), 0x40);
});

test('PRIMASK and FAULTMASK by MSR and CPS', () => {
  // cpsid i; mrs r0, primask; cpsid f; mrs r1, faultmask; cpsie i; cpsie f; mrs r2, primask; mrs r3, faultmask
  const code = [0xb672, 0xf3ef, 0x8010, 0xb671, 0xf3ef, 0x8113, 0xb662, 0xb661, 0xf3ef, 0x8210, 0xf3ef, 0x8313];
  const m = run(code);
  assert.deepEqual([reg(m, 0), reg(m, 1), reg(m, 2), reg(m, 3)], [1, 1, 0, 0]);
});

test('FAULTMASK cannot be set in the HardFault handler', () => {
  const m = inHardFault([0xb671, 0xf381, 0x8813, 0xf3ef, 0x8013], (mm) => (mm.cpu.r[1] = 1)); // cpsid f; msr faultmask, r1; mrs r0
  assert.equal(reg(m, 0), 0);
});

test('CPSIE i takes a pending interrupt before the next instruction', () => {
  const m = run([0xb662, MOVS_R0_7], {
    before: (mm) => {
      mm.cpu.primask = 1;
      mm.cpu.exc.setEnabled(EXC.IRQ0, true);
      mm.cpu.exc.pend(EXC.IRQ0);
    },
  });
  assert.ok(inHandler(m, EXC.IRQ0));
  assert.equal(reg(m, 0), 0);
});

test('IT: then/else instructions run by the condition, which each reads from the current flags', () => {
  // ite eq; moveq r0, #1; movne r1, #1   (16-bit MOVS in IT: no flags)
  let m = run([0xbf0c, 0x2001, 0x2101], { apsr: apsrOf('Z') });
  assert.deepEqual([reg(m, 0), reg(m, 1)], [1, 0]);
  m = run([0xbf0c, 0x2001, 0x2101]);
  assert.deepEqual([reg(m, 0), reg(m, 1)], [0, 1]);
  // itt eq; cmpeq r0, #1; moveq r1, #5 — the CMP clears Z, so the second does not run
  m = run([0xbf04, 0x2801, 0x2105], { apsr: apsrOf('Z') });
  assert.equal(reg(m, 1), 0);
  assert.equal(flags(m.cpu), 'N---');
  // After the block instructions run unconditionally again.
  m = run([0xbf08, 0x2001, MOVS_R0_7]);
  assert.equal(reg(m, 0), 7);
  assert.equal(m.cpu.itstate, 0);
});

test('IT with four instructions advances ITSTATE through TTEE', () => {
  // ittee eq; moveq r0,#1; moveq r1,#1; movne r2,#1; movne r3,#1
  const m = run([0xbf07, 0x2001, 0x2101, 0x2201, 0x2301], { apsr: apsrOf('Z') });
  assert.deepEqual([reg(m, 0), reg(m, 1), reg(m, 2), reg(m, 3)], [1, 1, 0, 0]);
});

test('a branch as the last instruction of an IT block is conditional', () => {
  // it ne; bne +2 (16-bit B T2 inside IT); movs r0, #7; nop
  assert.equal(reg(run([0xbf18, 0xe000, MOVS_R0_7, NOP]), 0), 0);
  assert.equal(reg(run([0xbf18, 0xe000, MOVS_R0_7, NOP], { apsr: apsrOf('Z') }), 0), 7);
});

test('a fault inside an IT block keeps the instruction\'s ITSTATE in the stacked xPSR', () => {
  // itt eq; ldreq r0, [r1] (bus fault); moveq r2, #1
  const m = run([0xbf04, 0x6808, 0x2201], { r: { 1: 0x3000_0000 }, apsr: apsrOf('Z') });
  assert.ok(inHandler(m, EXC.HardFault));
  const xpsr = m.bus.read32(reg(m, 13) + 28) >>> 0;
  const it = ((xpsr >>> 25) & 3) | (((xpsr >>> 10) & 0x3f) << 2);
  assert.equal(it, 0x04); // firstcond EQ (0000), mask 0100: two instructions left, the LDR first
});

test('an IT instruction inside an IT block is UNDEFINED', () => {
  const m = run([0xbf08, 0xbf08, NOP], { apsr: apsrOf('Z') });
  assert.equal(m.cpu.exc.cfsr & CFSR.UNDEFINSTR, CFSR.UNDEFINSTR);
});

test('WFI puts the core to sleep and the run loop returns', () => {
  const m = run([0xbf30, MOVS_R0_7], {}, 0);
  const why = m.cpu.run(10);
  assert.equal(why, 'sleep');
  assert.equal(m.cpu.sleeping, true);
  assert.equal(reg(m, 0), 0);
});

test('WFE returns at once and clears the event register after SEV; without an event it sleeps', () => {
  let m = run([0xbf40, 0xbf20, MOVS_R0_7]); // sev; wfe; movs r0, #7
  assert.equal(reg(m, 0), 7);
  assert.equal(m.cpu.eventRegister, 0);
  m = run([0xbf20, MOVS_R0_7], {}, 0);
  assert.equal(m.cpu.run(10), 'sleep');
});

test('the 32-bit hints and barriers execute as NOPs (WFI.W sleeps)', () => {
  const m = run([0xf3bf, 0x8f4f, 0xf3bf, 0x8f5f, 0xf3bf, 0x8f6f, 0xf3af, 0x8000, 0xf3af, 0x8004, MOVS_R0_7]);
  assert.equal(reg(m, 0), 7);
  assert.equal(m.cpu.eventRegister, 1);
  const w = run([0xf3af, 0x8003], {}, 0);
  assert.equal(w.cpu.run(10), 'sleep');
});

test('SVC enters SVCall with the next instruction as return address', () => {
  const m = run([0xdf05, NOP]);
  assert.ok(inHandler(m, EXC.SVCall));
  assert.equal(m.bus.read32(reg(m, 13) + 24) >>> 0, THREAD_CODE + 2);
});

test('BKPT goes to the onBkpt hook first; not consumed, it escalates to HardFault', () => {
  const seen: number[] = [];
  let m = run([0xbe12, MOVS_R0_7], { before: (mm) => (mm.cpu.onBkpt = (imm) => (seen.push(imm), true)) });
  assert.deepEqual(seen, [0x12]);
  assert.equal(reg(m, 0), 7);
  m = run([0xbe12, MOVS_R0_7]);
  assert.ok(inHandler(m, EXC.HardFault));
});

test('UDF (16- and 32-bit) raises UsageFault UNDEFINSTR', () => {
  for (const code of [[0xde03], [0xf7f1, 0xa234]]) {
    const m = run(code);
    assert.ok(inHandler(m, EXC.HardFault));
    assert.equal(m.cpu.exc.cfsr & CFSR.UNDEFINSTR, CFSR.UNDEFINSTR);
  }
});

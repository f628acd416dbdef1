import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CFSR } from '../../../src/core/faults.js';
import { EXC } from '../../../src/core/exceptions.js';
import { THREAD_CODE, apsrOf, flags, inHandler, reg, run } from './program.js';

interface Case {
  readonly asm: string;
  readonly code: number[];
  readonly r: Record<number, number>;
  readonly apsr?: string;
  readonly r0: number;
  readonly nzcv: string;
}

// Values cross-checked with Unicorn; flags per AddWithCarry / Shift_C (ARM ARM A2.2.1, A7.4.2).
const ARITHMETIC: Case[] = [
  { asm: 'adds r0, r1, r2', code: [0x1888], r: { 1: 0x7fff_ffff, 2: 1 }, r0: 0x8000_0000, nzcv: 'N--V' },
  { asm: 'adds r0, r1, r2', code: [0x1888], r: { 1: 0xffff_ffff, 2: 1 }, r0: 0, nzcv: '-ZC-' },
  { asm: 'subs r0, r1, r2', code: [0x1a88], r: { 1: 0, 2: 1 }, r0: 0xffff_ffff, nzcv: 'N---' },
  { asm: 'subs r0, r1, r2', code: [0x1a88], r: { 1: 0x8000_0000, 2: 1 }, r0: 0x7fff_ffff, nzcv: '--CV' },
  { asm: 'adcs r0, r1', code: [0x4148], r: { 0: 0xffff_ffff, 1: 0 }, apsr: 'C', r0: 0, nzcv: '-ZC-' },
  { asm: 'sbcs r0, r1', code: [0x4188], r: { 0: 0, 1: 0 }, r0: 0xffff_ffff, nzcv: 'N---' },
  { asm: 'negs r0, r1', code: [0x4248], r: { 1: 0x8000_0000 }, r0: 0x8000_0000, nzcv: 'N--V' },
  { asm: 'negs r0, r1', code: [0x4248], r: { 1: 0 }, r0: 0, nzcv: '-ZC-' },
  { asm: 'adds.w r0, r1, #1', code: [0xf111, 0x0001], r: { 1: 0xffff_ffff }, r0: 0, nzcv: '-ZC-' },
  { asm: 'subs.w r0, r1, #1', code: [0xf1b1, 0x0001], r: { 1: 0x8000_0000 }, r0: 0x7fff_ffff, nzcv: '--CV' },
  { asm: 'sbcs.w r0, r1, r2', code: [0xeb71, 0x0002], r: { 1: 0, 2: 0 }, apsr: 'C', r0: 0, nzcv: '-ZC-' },
  { asm: 'sbcs.w r0, r1, r2', code: [0xeb71, 0x0002], r: { 1: 0, 2: 0 }, r0: 0xffff_ffff, nzcv: 'N---' },
  { asm: 'rsb r0, r1, r2, lsl #4', code: [0xebc1, 0x1002], r: { 1: 1, 2: 0x1000_0000 }, apsr: 'ZV', r0: 0xffff_ffff, nzcv: '-Z-V' },
  { asm: 'adcs.w r0, r1, #0', code: [0xf151, 0x0000], r: { 1: 0xffff_ffff }, apsr: 'C', r0: 0, nzcv: '-ZC-' },
  { asm: 'adds.w r0, r1, r2, asr #31', code: [0xeb11, 0x70e2], r: { 1: 1, 2: 0x8000_0000 }, r0: 0, nzcv: '-ZC-' },
  { asm: 'sbc.w r0, r1, #0', code: [0xf161, 0x0000], r: { 1: 0 }, r0: 0xffff_ffff, nzcv: '----' },
  { asm: 'adc.w r0, r1, r2, lsl #1', code: [0xeb41, 0x0042], r: { 1: 1, 2: 0x4000_0000 }, apsr: 'C', r0: 0x8000_0002, nzcv: '--C-' },
];

const COMPARES: Case[] = [
  { asm: 'cmp r1, r2', code: [0x4291], r: { 0: 7, 1: 0x7fff_ffff, 2: 0xffff_ffff }, r0: 7, nzcv: 'N--V' },
  { asm: 'cmn r1, r2', code: [0x42d1], r: { 0: 7, 1: 0x8000_0000, 2: 0x8000_0000 }, r0: 7, nzcv: '-ZCV' },
  { asm: 'cmp r0, #0', code: [0x2800], r: { 0: 0 }, r0: 0, nzcv: '-ZC-' },
  { asm: 'cmp.w r0, #1', code: [0xf1b0, 0x0f01], r: { 0: 0 }, r0: 0, nzcv: 'N---' },
  { asm: 'tst r0, r1', code: [0x4208], r: { 0: 0x8000_0000, 1: 0x8000_0001 }, apsr: 'C', r0: 0x8000_0000, nzcv: 'N-C-' },
  { asm: 'teq r1, r2, lsl #1', code: [0xea91, 0x0f42], r: { 0: 9, 1: 0, 2: 0x8000_0000 }, r0: 9, nzcv: '-ZC-' },
];

const LOGICAL: Case[] = [
  { asm: 'ands r0, r1', code: [0x4008], r: { 0: 0xf0f0_f0f0, 1: 0x0ff0_0ff0 }, apsr: 'CV', r0: 0x00f0_00f0, nzcv: '--CV' },
  { asm: 'eors r0, r1', code: [0x4048], r: { 0: 0xffff_ffff, 1: 0xffff_ffff }, apsr: 'NV', r0: 0, nzcv: '-Z-V' },
  { asm: 'orrs r0, r1', code: [0x4308], r: { 0: 0x8000_0000, 1: 1 }, r0: 0x8000_0001, nzcv: 'N---' },
  { asm: 'bics r0, r1', code: [0x4388], r: { 0: 0xffff_ffff, 1: 0xffff_fffe }, r0: 1, nzcv: '----' },
  { asm: 'mvns r0, r1', code: [0x43c8], r: { 1: 0 }, r0: 0xffff_ffff, nzcv: 'N---' },
  { asm: 'ands.w r0, r1, #0x80000000', code: [0xf011, 0x4000], r: { 1: 0x8000_0000 }, r0: 0x8000_0000, nzcv: 'N-C-' },
  { asm: 'ands.w r0, r1, #0x80000000', code: [0xf011, 0x4000], r: { 1: 0 }, apsr: 'C', r0: 0, nzcv: '-ZC-' },
  { asm: 'movs.w r0, #0xff000000', code: [0xf05f, 0x407f], r: {}, r0: 0xff00_0000, nzcv: 'N-C-' },
  { asm: 'movs.w r0, #0x00ab00ab (carry unchanged)', code: [0xf05f, 0x10ab], r: {}, apsr: 'C', r0: 0x00ab_00ab, nzcv: '--C-' },
  { asm: 'orns r0, r1, r2, lsr #1', code: [0xea71, 0x0052], r: { 1: 0, 2: 3 }, r0: 0xffff_fffe, nzcv: 'N-C-' },
  { asm: 'bic.w r0, r1, #0xff', code: [0xf021, 0x00ff], r: { 1: 0x1234 }, apsr: 'NZCV', r0: 0x1200, nzcv: 'NZCV' },
  { asm: 'orn r0, r1, #0xff', code: [0xf061, 0x00ff], r: { 1: 0x1 }, r0: 0xffff_ff01, nzcv: '----' },
  { asm: 'mvn.w r0, r1, lsl #4', code: [0xea6f, 0x1001], r: { 1: 0x0fff_ffff }, r0: 0xf, nzcv: '----' },
];

const SHIFTS: Case[] = [
  { asm: 'lsls r0, r1, #1', code: [0x0048], r: { 1: 0x8000_0001 }, r0: 2, nzcv: '--C-' },
  { asm: 'lsrs r0, r1, #32', code: [0x0808], r: { 1: 0x8000_0000 }, r0: 0, nzcv: '-ZC-' },
  { asm: 'asrs r0, r1, #32', code: [0x1008], r: { 1: 0x8000_0000 }, r0: 0xffff_ffff, nzcv: 'N-C-' },
  { asm: 'movs r0, r1 (LSL #0: C unchanged)', code: [0x0008], r: { 1: 0 }, apsr: 'C', r0: 0, nzcv: '-ZC-' },
  { asm: 'movs.w r0, r1, rrx', code: [0xea5f, 0x0031], r: { 1: 3 }, apsr: 'C', r0: 0x8000_0001, nzcv: 'N-C-' },
  { asm: 'mov.w r0, r1, ror #4', code: [0xea4f, 0x1031], r: { 1: 0x1234_5678 }, r0: 0x8123_4567, nzcv: '----' },
  { asm: 'lsls r0, r1 (by 32)', code: [0x4088], r: { 0: 1, 1: 32 }, r0: 0, nzcv: '-ZC-' },
  { asm: 'lsls r0, r1 (by 33)', code: [0x4088], r: { 0: 1, 1: 33 }, apsr: 'C', r0: 0, nzcv: '-Z--' },
  { asm: 'lsls r0, r1 (by 0: C unchanged)', code: [0x4088], r: { 0: 0x8000_0000, 1: 0 }, apsr: 'C', r0: 0x8000_0000, nzcv: 'N-C-' },
  { asm: 'lsr.w r0, r1, r2 (Rm<7:0> = 32)', code: [0xfa21, 0xf002], r: { 1: 0x8000_0000, 2: 0x120 }, r0: 0, nzcv: '----' },
  { asm: 'asrs.w r0, r1, r2 (by 40)', code: [0xfa51, 0xf002], r: { 1: 0x8000_0000, 2: 40 }, r0: 0xffff_ffff, nzcv: 'N-C-' },
  { asm: 'rors r0, r1 (by 33)', code: [0x41c8], r: { 0: 0x8000_0001, 1: 0x21 }, r0: 0xc000_0000, nzcv: 'N-C-' },
  { asm: 'rors r0, r1 (by 32)', code: [0x41c8], r: { 0: 0x8000_0001, 1: 0x20 }, r0: 0x8000_0001, nzcv: 'N-C-' },
];

function check(c: Case): void {
  const m = run(c.code, { r: c.r, apsr: apsrOf(c.apsr ?? '') });
  assert.equal(reg(m, 0), c.r0 >>> 0, `${c.asm}: r0`);
  assert.equal(flags(m.cpu), c.nzcv, `${c.asm}: flags`);
}

test('ADD/ADC/SUB/SBC/RSB set N Z C V by AddWithCarry at the edge values', () => ARITHMETIC.forEach(check));
test('CMP/CMN/TST/TEQ set flags only', () => COMPARES.forEach(check));
test('logical ops set N and Z, C from the shifter or ThumbExpandImm, and leave V', () => LOGICAL.forEach(check));
test('shifts by immediate and by register follow Shift_C for 0, 32 and larger amounts', () => SHIFTS.forEach(check));

test('a 16-bit ADDS inside an IT block does not set flags; outside it does', () => {
  // it eq; addeq r0, #1  (Z set, so it executes; flags stay as they were)
  let m = run([0xbf08, 0x3001], { r: { 0: 0xffff_ffff }, apsr: apsrOf('Z') });
  assert.equal(reg(m, 0), 0);
  assert.equal(flags(m.cpu), '-Z--');
  m = run([0x3001], { r: { 0: 0xffff_ffff } });
  assert.equal(flags(m.cpu), '-ZC-');
});

test('the last instruction of an IT block is still inside it (16-bit ops do not set flags)', () => {
  // itt eq; moveq r1, #5; addeq r0, #1 — both inside the block
  const m = run([0xbf04, 0x2105, 0x3001], { r: { 0: 0xffff_ffff }, apsr: apsrOf('Z') });
  assert.equal(reg(m, 1), 5);
  assert.equal(reg(m, 0), 0);
  assert.equal(flags(m.cpu), '-Z--');
});

test('a 32-bit flag-setting op inside an IT block sets flags', () => {
  // it eq; adds.w r0, r1, #1
  const m = run([0xbf08, 0xf111, 0x0001], { r: { 1: 0xffff_ffff }, apsr: apsrOf('Z') });
  assert.equal(flags(m.cpu), '-ZC-');
});

test('MOV r0, PC reads the instruction address + 4', () => {
  const m = run([0x4678]); // mov r0, pc
  assert.equal(reg(m, 0), THREAD_CODE + 4);
});

test('ADD PC, Rm branches to PC + 4 + Rm without interworking', () => {
  // add pc, r1 at THREAD_CODE; target THREAD_CODE + 4 + 4 = a movs r0, #7 after two filler halfwords
  const m = run([0x448f, 0xbf00, 0xbf00, 0xbf00, 0x2007], { r: { 1: 4 } });
  assert.equal(reg(m, 0), 7);
});

test('MOV PC, Rm is a plain branch: bit 0 of the target is ignored, no INVSTATE', () => {
  const m = run([0x468f, 0xbf00, 0x2007], { r: { 1: (THREAD_CODE + 4) | 0 } }); // mov pc, r1 → movs r0, #7
  assert.equal(reg(m, 0), 7);
  assert.equal(m.cpu.exc.cfsr, 0);
});

test('a write to SP clears bits [1:0]', () => {
  let m = run([0x468d], { r: { 1: 0x2000_1003 } }); // mov sp, r1
  assert.equal(reg(m, 13), 0x2000_1000);
  m = run([0xf10d, 0x0d01], { r: { 13: 0x2000_1000 } }); // add.w sp, sp, #1
  assert.equal(reg(m, 13), 0x2000_1000);
});

test('ADD/SUB SP, #imm and ADD Rd, SP, #imm use the stack pointer', () => {
  const m = run([0xb082, 0xa803, 0xb002], { r: { 13: 0x2000_7000 } }); // sub sp, #8; add r0, sp, #12; add sp, #8
  assert.equal(reg(m, 0), 0x2000_7000 - 8 + 12);
  assert.equal(reg(m, 13), 0x2000_7000);
});

test('SXTB/SXTH/UXTB/UXTH extend the low byte/halfword; the W forms rotate and accumulate', () => {
  const cases: Array<[number[], number]> = [
    [[0xb248], 0xffff_ff80], // sxtb r0, r1
    [[0xb208], 0xffff_8180], // sxth r0, r1
    [[0xb2c8], 0x80], // uxtb r0, r1
    [[0xb288], 0x8180], // uxth r0, r1
    [[0xfa4f, 0xf091], 0xffff_ff81], // sxtb.w r0, r1, ror #8
    [[0xfa5f, 0xf0a1], 0x7f], // uxtb.w r0, r1, ror #16
    [[0xfa02, 0xf0b1], 0xffff_8100], // sxtah r0, r2, r1, ror #24: SignExtend(0x80fe) + 2
  ];
  for (const [code, expected] of cases) {
    const m = run(code, { r: { 1: 0xfe7f_8180, 2: 2 } });
    assert.equal(reg(m, 0), expected >>> 0, code.map((h) => h.toString(16)).join(' '));
  }
});

test('UBFX/SBFX extract a field; BFI inserts one; BFC clears one', () => {
  const cases: Array<[string, number[], number]> = [
    ['ubfx r0, r1, #4, #8', [0xf3c1, 0x1007], 0x32],
    ['sbfx r0, r1, #28, #4', [0xf341, 0x7003], 0xffff_fff8],
    ['ubfx r0, r1, #0, #32', [0xf3c1, 0x001f], 0x8765_4321],
    ['bfi r0, r1, #8, #8', [0xf361, 0x200f], 0xaaaa_21aa],
    ['bfc r0, #0, #16', [0xf36f, 0x000f], 0xaaaa_0000],
    ['bfi r0, r1, #0, #32', [0xf361, 0x001f], 0x8765_4321],
  ];
  for (const [asm, code, expected] of cases) {
    const m = run(code, { r: { 0: 0xaaaa_aaaa, 1: 0x8765_4321 } });
    assert.equal(reg(m, 0), expected >>> 0, asm);
  }
});

test('REV/REV16/REVSH/RBIT/CLZ rearrange bits', () => {
  const cases: Array<[string, number[], number, number]> = [
    ['rev r0, r1', [0xba08], 0x1234_5678, 0x7856_3412],
    ['rev16 r0, r1', [0xba48], 0x1234_5678, 0x3412_7856],
    ['revsh r0, r1', [0xbac8], 0x0000_0080, 0xffff_8000],
    ['rev.w r0, r1', [0xfa91, 0xf081], 0x0102_0304, 0x0403_0201],
    ['rbit r0, r1', [0xfa91, 0xf0a1], 0x0000_0001, 0x8000_0000],
    ['rbit r0, r1', [0xfa91, 0xf0a1], 0x1234_5678, 0x1e6a_2c48],
    ['clz r0, r1', [0xfab1, 0xf081], 0, 32],
    ['clz r0, r1', [0xfab1, 0xf081], 0x8000_0000, 0],
    ['clz r0, r1', [0xfab1, 0xf081], 0x0001_ffff, 15],
  ];
  for (const [asm, code, input, expected] of cases) {
    const m = run(code, { r: { 1: input } });
    assert.equal(reg(m, 0), expected >>> 0, asm);
  }
});

test('MOVW writes 16 bits zero-extended; MOVT writes the top half and keeps the bottom', () => {
  const m = run([0xf245, 0x6078, 0xf2c1, 0x2034], { r: { 0: 0xffff_ffff } }); // movw r0, #0x5678; movt r0, #0x1234
  assert.equal(reg(m, 0), 0x1234_5678);
});

test('ADR adds to Align(PC, 4): forwards and backwards', () => {
  // nop; adr r0, +8 (at THREAD_CODE + 2: Align(PC) = THREAD_CODE + 4); subw r1, pc, #6 (at +4: PC = +8)
  const m = run([0xbf00, 0xa002, 0xf2af, 0x0106]);
  assert.equal(reg(m, 0), THREAD_CODE + 4 + 8);
  assert.equal(reg(m, 1), THREAD_CODE + 8 - 6);
});

test('ADDW/SUBW add a 12-bit immediate without flags', () => {
  const m = run([0xf601, 0x70ff, 0xf6a0, 0x72ff], { r: { 1: 1 }, apsr: apsrOf('Z') }); // addw r0, r1, #0xfff; subw r2, r0, #0xfff
  assert.equal(reg(m, 0), 0x1000);
  assert.equal(reg(m, 2), 1);
  assert.equal(flags(m.cpu), '-Z--');
});

test('an UNPREDICTABLE register choice is UNDEFINED: UsageFault UNDEFINSTR (escalated to HardFault)', () => {
  const m = run([0xeb01, 0x0d02]); // add.w sp, r1, r2 (Rd = SP with Rn ≠ SP)
  assert.ok(inHandler(m, EXC.HardFault));
  assert.equal(m.cpu.exc.cfsr & CFSR.UNDEFINSTR, CFSR.UNDEFINSTR);
});

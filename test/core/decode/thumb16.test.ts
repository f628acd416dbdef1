import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeThumb, encodingName } from '../../../src/core/decode.js';
import { THUMB16_ENCODINGS } from '../../../src/core/decode/thumb16.js';

/** One instance of every 16-bit encoding, assembled with arm-none-eabi-as (cortex-m4), and its name. */
const ASSEMBLED: ReadonlyArray<[asm: string, hw: number[], name: string]> = [
  ['lsls r1, r2, #3', [0x00d1], 'LSL (immediate) T1'],
  ['movs r1, r2', [0x0011], 'MOV (register) T2'],
  ['lsrs r1, r2, #3', [0x08d1], 'LSR (immediate) T1'],
  ['asrs r1, r2, #32', [0x1011], 'ASR (immediate) T1'],
  ['adds r1, r2, r3', [0x18d1], 'ADD (register) T1'],
  ['subs r1, r2, r3', [0x1ad1], 'SUB (register) T1'],
  ['adds r1, r2, #7', [0x1dd1], 'ADD (immediate) T1'],
  ['subs r1, r2, #7', [0x1fd1], 'SUB (immediate) T1'],
  ['movs r5, #200', [0x25c8], 'MOV (immediate) T1'],
  ['cmp r5, #200', [0x2dc8], 'CMP (immediate) T1'],
  ['adds r5, #200', [0x35c8], 'ADD (immediate) T2'],
  ['subs r5, #200', [0x3dc8], 'SUB (immediate) T2'],
  ['ands r1, r2', [0x4011], 'AND (register) T1'],
  ['eors r1, r2', [0x4051], 'EOR (register) T1'],
  ['lsls r1, r2', [0x4091], 'LSL (register) T1'],
  ['lsrs r1, r2', [0x40d1], 'LSR (register) T1'],
  ['asrs r1, r2', [0x4111], 'ASR (register) T1'],
  ['adcs r1, r2', [0x4151], 'ADC (register) T1'],
  ['sbcs r1, r2', [0x4191], 'SBC (register) T1'],
  ['rors r1, r2', [0x41d1], 'ROR (register) T1'],
  ['tst r1, r2', [0x4211], 'TST (register) T1'],
  ['negs r1, r2', [0x4251], 'RSB (immediate) T1'],
  ['cmp r1, r2', [0x4291], 'CMP (register) T1'],
  ['cmn r1, r2', [0x42d1], 'CMN (register) T1'],
  ['orrs r1, r2', [0x4311], 'ORR (register) T1'],
  ['muls r1, r2, r1', [0x4351], 'MUL T1'],
  ['bics r1, r2', [0x4391], 'BIC (register) T1'],
  ['mvns r1, r2', [0x43d1], 'MVN (register) T1'],
  ['add r8, r9', [0x44c8], 'ADD (register) T2'],
  ['add r2, sp, r2', [0x446a], 'ADD (SP plus register) T1'],
  ['add sp, r9', [0x44cd], 'ADD (SP plus register) T2'],
  ['cmp r8, r1', [0x4588], 'CMP (register) T2'],
  ['mov r8, sp', [0x46e8], 'MOV (register) T1'],
  ['bx lr', [0x4770], 'BX T1'],
  ['blx r3', [0x4798], 'BLX (register) T1'],
  ['ldr r1, [pc, #8]', [0x4902], 'LDR (literal) T1'],
  ['str r1, [r2, r3]', [0x50d1], 'STR (register) T1'],
  ['strh r1, [r2, r3]', [0x52d1], 'STRH (register) T1'],
  ['strb r1, [r2, r3]', [0x54d1], 'STRB (register) T1'],
  ['ldrsb r1, [r2, r3]', [0x56d1], 'LDRSB (register) T1'],
  ['ldr r1, [r2, r3]', [0x58d1], 'LDR (register) T1'],
  ['ldrh r1, [r2, r3]', [0x5ad1], 'LDRH (register) T1'],
  ['ldrb r1, [r2, r3]', [0x5cd1], 'LDRB (register) T1'],
  ['ldrsh r1, [r2, r3]', [0x5ed1], 'LDRSH (register) T1'],
  ['str r1, [r2, #124]', [0x67d1], 'STR (immediate) T1'],
  ['ldr r1, [r2, #124]', [0x6fd1], 'LDR (immediate) T1'],
  ['strb r1, [r2, #31]', [0x77d1], 'STRB (immediate) T1'],
  ['ldrb r1, [r2, #31]', [0x7fd1], 'LDRB (immediate) T1'],
  ['strh r1, [r2, #62]', [0x87d1], 'STRH (immediate) T1'],
  ['ldrh r1, [r2, #62]', [0x8fd1], 'LDRH (immediate) T1'],
  ['str r1, [sp, #1020]', [0x91ff], 'STR (immediate) T2'],
  ['ldr r1, [sp, #1020]', [0x99ff], 'LDR (immediate) T2'],
  ['adr r1, .+8', [0xa101], 'ADR T1'],
  ['add r1, sp, #1020', [0xa9ff], 'ADD (SP plus immediate) T1'],
  ['add sp, #508', [0xb07f], 'ADD (SP plus immediate) T2'],
  ['sub sp, #508', [0xb0ff], 'SUB (SP minus immediate) T1'],
  ['cbz r1, .+68', [0xb301], 'CBZ T1'],
  ['cbnz r1, .+130', [0xbbf9], 'CBNZ T1'],
  ['sxth r1, r2', [0xb211], 'SXTH T1'],
  ['sxtb r1, r2', [0xb251], 'SXTB T1'],
  ['uxth r1, r2', [0xb291], 'UXTH T1'],
  ['uxtb r1, r2', [0xb2d1], 'UXTB T1'],
  ['push {r0, r7, lr}', [0xb581], 'PUSH T1'],
  ['cpsid if', [0xb673], 'CPS T1'],
  ['rev r1, r2', [0xba11], 'REV T1'],
  ['rev16 r1, r2', [0xba51], 'REV16 T1'],
  ['revsh r1, r2', [0xbad1], 'REVSH T1'],
  ['pop {r0, r7, pc}', [0xbd81], 'POP T1'],
  ['bkpt 0xab', [0xbeab], 'BKPT T1'],
  ['itete gt', [0xbfcb], 'IT T1'],
  ['nop', [0xbf00], 'NOP T1'],
  ['yield', [0xbf10], 'YIELD T1'],
  ['wfe', [0xbf20], 'WFE T1'],
  ['wfi', [0xbf30], 'WFI T1'],
  ['sev', [0xbf40], 'SEV T1'],
  ['.inst.n 0xbf70', [0xbf70], 'unallocated hint (NOP)'],
  ['stmia r3!, {r0, r1, r7}', [0xc383], 'STM T1'],
  ['ldmia r3!, {r0, r1, r7}', [0xcb83], 'LDM T1'],
  ['bne .-100', [0xd1cc], 'B T1'],
  ['udf #255', [0xdeff], 'UDF T1'],
  ['svc #255', [0xdfff], 'SVC T1'],
  ['b .+2000', [0xe3e6], 'B T2'],
];

test('every assembled 16-bit instruction decodes as the encoding the manual names', () => {
  for (const [asm, [hw], name] of ASSEMBLED) assert.equal(encodingName(hw, 0), name, asm);
});

test('every line of the 16-bit table is reached by some instruction (no encoding is shadowed)', () => {
  const reached = new Set(ASSEMBLED.map(([, , name]) => name));
  for (const e of THUMB16_ENCODINGS) assert.ok(reached.has(e.name), e.name);
});

/** The holes of A5.2.5 (miscellaneous 16-bit instructions), and CPS with its (0) bits set. */
function undefinedInArchitecture(hw: number): boolean {
  return (
    (hw >= 0xb600 && hw < 0xb660) || // 0110 00x, 0110 010 (SETEND in ARMv6)
    (hw >= 0xb680 && hw < 0xb900) || // 0110 1xx, 0111 xxx, 1000 xxx
    (hw >= 0xba80 && hw < 0xbac0) || // 1010 10x
    ((hw & 0xffe0) === 0xb660 && (hw & 0xc) !== 0) // CPS with (0)(0) ≠ 00 (UNPREDICTABLE: UNDEFINED here)
  );
}

test('the whole 16-bit space decodes, and only the architecture\'s holes are UNDEFINED', () => {
  for (let hw = 0; hw < 0xe800; hw++) {
    assert.equal(typeof decodeThumb(hw, 0), 'function');
    assert.equal(encodingName(hw, 0) === undefined, undefinedInArchitecture(hw), hw.toString(16));
  }
});

test('the PC-relative forms name the same encodings wherever they sit', () => {
  assert.equal(encodingName(0x4801, 0), 'LDR (literal) T1');
  assert.equal(encodingName(0xa001, 0), 'ADR T1');
});

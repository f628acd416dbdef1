/**
 * The DSP encoding table (src/core/decode/dsp.ts): every instruction the GNU assembler produces for
 * `-mcpu=cortex-m4` decodes to the encoding of its mnemonic, register numbers the ARM ARM calls
 * UNPREDICTABLE are rejected, and the table is unambiguous on its own.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodingName } from '../../../src/core/decode.js';
import { DSP_ENCODINGS } from '../../../src/core/decode/dsp.js';
import { Decoder, compile } from '../../../src/core/decode/encoding.js';

const dsp = new Decoder(DSP_ENCODINGS);
const nameOf = (word: number): string | undefined => dsp.nameOf(word >>> 16, word & 0xffff, true);

/** [assembly, word from `arm-none-eabi-as -mcpu=cortex-m4`, expected encoding]. */
const ASSEMBLED: Array<[string, number, string]> = [
  ['sadd16 r0, r2, r3', 0xfa92f003, 'SADD16 T1'],
  ['sasx r0, r2, r3', 0xfaa2f003, 'SASX T1'],
  ['ssax r0, r2, r3', 0xfae2f003, 'SSAX T1'],
  ['ssub16 r0, r2, r3', 0xfad2f003, 'SSUB16 T1'],
  ['sadd8 r0, r2, r3', 0xfa82f003, 'SADD8 T1'],
  ['ssub8 r0, r2, r3', 0xfac2f003, 'SSUB8 T1'],
  ['qadd16 r0, r2, r3', 0xfa92f013, 'QADD16 T1'],
  ['qasx r0, r2, r3', 0xfaa2f013, 'QASX T1'],
  ['qsax r0, r2, r3', 0xfae2f013, 'QSAX T1'],
  ['qsub16 r0, r2, r3', 0xfad2f013, 'QSUB16 T1'],
  ['qadd8 r0, r2, r3', 0xfa82f013, 'QADD8 T1'],
  ['qsub8 r0, r2, r3', 0xfac2f013, 'QSUB8 T1'],
  ['shadd16 r0, r2, r3', 0xfa92f023, 'SHADD16 T1'],
  ['shasx r0, r2, r3', 0xfaa2f023, 'SHASX T1'],
  ['shsax r0, r2, r3', 0xfae2f023, 'SHSAX T1'],
  ['shsub16 r0, r2, r3', 0xfad2f023, 'SHSUB16 T1'],
  ['shadd8 r0, r2, r3', 0xfa82f023, 'SHADD8 T1'],
  ['shsub8 r0, r2, r3', 0xfac2f023, 'SHSUB8 T1'],
  ['uadd16 r0, r2, r3', 0xfa92f043, 'UADD16 T1'],
  ['uasx r0, r2, r3', 0xfaa2f043, 'UASX T1'],
  ['usax r0, r2, r3', 0xfae2f043, 'USAX T1'],
  ['usub16 r0, r2, r3', 0xfad2f043, 'USUB16 T1'],
  ['uadd8 r0, r2, r3', 0xfa82f043, 'UADD8 T1'],
  ['usub8 r0, r2, r3', 0xfac2f043, 'USUB8 T1'],
  ['uqadd16 r0, r2, r3', 0xfa92f053, 'UQADD16 T1'],
  ['uqasx r0, r2, r3', 0xfaa2f053, 'UQASX T1'],
  ['uqsax r0, r2, r3', 0xfae2f053, 'UQSAX T1'],
  ['uqsub16 r0, r2, r3', 0xfad2f053, 'UQSUB16 T1'],
  ['uqadd8 r0, r2, r3', 0xfa82f053, 'UQADD8 T1'],
  ['uqsub8 r0, r2, r3', 0xfac2f053, 'UQSUB8 T1'],
  ['uhadd16 r0, r2, r3', 0xfa92f063, 'UHADD16 T1'],
  ['uhasx r0, r2, r3', 0xfaa2f063, 'UHASX T1'],
  ['uhsax r0, r2, r3', 0xfae2f063, 'UHSAX T1'],
  ['uhsub16 r0, r2, r3', 0xfad2f063, 'UHSUB16 T1'],
  ['uhadd8 r0, r2, r3', 0xfa82f063, 'UHADD8 T1'],
  ['uhsub8 r0, r2, r3', 0xfac2f063, 'UHSUB8 T1'],
  ['qadd r0, r3, r2', 0xfa82f083, 'QADD T1'],
  ['qdadd r0, r3, r2', 0xfa82f093, 'QDADD T1'],
  ['qsub r0, r3, r2', 0xfa82f0a3, 'QSUB T1'],
  ['qdsub r0, r3, r2', 0xfa82f0b3, 'QDSUB T1'],
  ['sel r0, r2, r3', 0xfaa2f083, 'SEL T1'],
  ['sxtb16 r0, r3', 0xfa2ff083, 'SXTB16 T1'],
  ['sxtb16 r0, r3, ror #8', 0xfa2ff093, 'SXTB16 T1'],
  ['sxtab16 r0, r2, r3, ror #24', 0xfa22f0b3, 'SXTAB16 T1'],
  ['uxtb16 r0, r3, ror #16', 0xfa3ff0a3, 'UXTB16 T1'],
  ['uxtab16 r0, r2, r3', 0xfa32f083, 'UXTAB16 T1'],
  ['ssat r0, #1, r2', 0xf3020000, 'SSAT T1'],
  ['ssat r0, #32, r2, lsl #31', 0xf30270df, 'SSAT T1'],
  ['ssat r0, #16, r2, asr #1', 0xf322004f, 'SSAT T1'],
  ['ssat16 r0, #16, r2', 0xf322000f, 'SSAT16 T1'],
  ['usat r0, #0, r2', 0xf3820000, 'USAT T1'],
  ['usat r0, #31, r2, asr #31', 0xf3a270df, 'USAT T1'],
  ['usat16 r0, #15, r2', 0xf3a2000f, 'USAT16 T1'],
  ['pkhbt r0, r2, r3', 0xeac20003, 'PKHBT T1'],
  ['pkhbt r0, r2, r3, lsl #31', 0xeac270c3, 'PKHBT T1'],
  ['pkhtb r0, r2, r3, asr #32', 0xeac20023, 'PKHTB T1'],
  ['pkhtb r0, r2, r3, asr #1', 0xeac20063, 'PKHTB T1'],
  ['smulbb r0, r2, r3', 0xfb12f003, 'SMUL<x><y> T1'],
  ['smultt r0, r2, r3', 0xfb12f033, 'SMUL<x><y> T1'],
  ['smlabb r0, r2, r3, r4', 0xfb124003, 'SMLA<x><y> T1'],
  ['smlatt r0, r2, r3, r4', 0xfb124033, 'SMLA<x><y> T1'],
  ['smulwb r0, r2, r3', 0xfb32f003, 'SMULW<y> T1'],
  ['smulwt r0, r2, r3', 0xfb32f013, 'SMULW<y> T1'],
  ['smlawb r0, r2, r3, r4', 0xfb324003, 'SMLAW<y> T1'],
  ['smlawt r0, r2, r3, r4', 0xfb324013, 'SMLAW<y> T1'],
  ['smuad r0, r2, r3', 0xfb22f003, 'SMUAD T1'],
  ['smuadx r0, r2, r3', 0xfb22f013, 'SMUAD T1'],
  ['smlad r0, r2, r3, r4', 0xfb224003, 'SMLAD T1'],
  ['smladx r0, r2, r3, r4', 0xfb224013, 'SMLAD T1'],
  ['smusd r0, r2, r3', 0xfb42f003, 'SMUSD T1'],
  ['smusdx r0, r2, r3', 0xfb42f013, 'SMUSD T1'],
  ['smlsd r0, r2, r3, r4', 0xfb424003, 'SMLSD T1'],
  ['smlsdx r0, r2, r3, r4', 0xfb424013, 'SMLSD T1'],
  ['smmul r0, r2, r3', 0xfb52f003, 'SMMUL T1'],
  ['smmulr r0, r2, r3', 0xfb52f013, 'SMMUL T1'],
  ['smmla r0, r2, r3, r4', 0xfb524003, 'SMMLA T1'],
  ['smmlar r0, r2, r3, r4', 0xfb524013, 'SMMLA T1'],
  ['smmls r0, r2, r3, r4', 0xfb624003, 'SMMLS T1'],
  ['smmlsr r0, r2, r3, r4', 0xfb624013, 'SMMLS T1'],
  ['usad8 r0, r2, r3', 0xfb72f003, 'USAD8 T1'],
  ['usada8 r0, r2, r3, r4', 0xfb724003, 'USADA8 T1'],
  ['smlalbb r0, r1, r2, r3', 0xfbc20183, 'SMLAL<x><y> T1'],
  ['smlaltt r0, r1, r2, r3', 0xfbc201b3, 'SMLAL<x><y> T1'],
  ['smlald r0, r1, r2, r3', 0xfbc201c3, 'SMLALD T1'],
  ['smlaldx r0, r1, r2, r3', 0xfbc201d3, 'SMLALD T1'],
  ['smlsld r0, r1, r2, r3', 0xfbd201c3, 'SMLSLD T1'],
  ['smlsldx r0, r1, r2, r3', 0xfbd201d3, 'SMLSLD T1'],
  ['umaal r0, r1, r2, r3', 0xfbe20163, 'UMAAL T1'],
];

test('every assembled DSP instruction decodes to the encoding of its mnemonic', () => {
  for (const [asm, word, name] of ASSEMBLED) assert.equal(nameOf(word), name, asm);
});

test('the DSP encodings reach the core decoder through decodeThumb', () => {
  for (const [asm, word, name] of ASSEMBLED) assert.equal(encodingName(word >>> 16, word & 0xffff), name, asm);
});

test('SP or PC as a register operand is UNPREDICTABLE and not decoded', () => {
  const rejected: Array<[string, number]> = [
    ['sadd16 sp, r2, r3', 0xfa92fd03],
    ['sadd16 r0, pc, r3', 0xfa9ff003],
    ['sadd16 r0, r2, sp', 0xfa92f00d],
    ['qadd pc, r3, r2', 0xfa82ff83],
    ['sel r0, sp, r3', 0xfaadf083],
    ['sxtb16 sp, r3', 0xfa2ffd83],
    ['sxtab16 r0, sp, r3', 0xfa2df083],
    ['ssat pc, #1, r2', 0xf3020f00],
    ['usat16 r0, #15, sp', 0xf3ad000f],
    ['pkhbt r0, r2, pc', 0xeac2000f],
    ['smlabb r0, r2, r3, sp', 0xfb12d003],
    ['smulbb sp, r2, r3 (Ra = 1111, so not SMLABB with Ra = PC either)', 0xfb12fd03],
    ['smmls r0, r2, r3, pc (no SMMUS form: Ra = PC is UNPREDICTABLE)', 0xfb62f003],
    ['usada8 r0, r2, r3, sp', 0xfb72d003],
    ['smlalbb r0, r0, r2, r3 (RdLo = RdHi)', 0xfbc20083],
    ['umaal sp, r1, r2, r3', 0xfbe2d163],
    ['smlald r0, pc, r2, r3', 0xfbc20fc3],
  ];
  for (const [asm, word] of rejected) assert.equal(nameOf(word), undefined, asm);
});

test('encodings the DSP groups leave UNDEFINED are not decoded', () => {
  const undefinedWords: Array<[string, number]> = [
    ['parallel add with hw2[15:12] != 1111', 0xfa927003],
    ['parallel add with prefix 11 (hw2[5:4])', 0xfa92f033],
    ['unsigned parallel add with prefix 11', 0xfa92f073],
    ['PKH with S = 1', 0xead20003],
    ['PKH with T = 1', 0xeac20013],
    ['SMLAD with hw2[7:6] != 00', 0xfb2240c3],
    ['SMLALD-like with hw2[7:4] = 1110', 0xfbc201e3],
  ];
  for (const [what, word] of undefinedWords) assert.equal(nameOf(word), undefined, what);
});

test('an accumulate form with Ra = 1111 is the non-accumulating instruction', () => {
  assert.equal(nameOf(0xfb12f003), 'SMUL<x><y> T1');
  assert.equal(nameOf(0xfb22f003), 'SMUAD T1');
  assert.equal(nameOf(0xfb52f003), 'SMMUL T1');
  assert.equal(nameOf(0xfb72f003), 'USAD8 T1');
  assert.equal(nameOf(0xfa2ff083), 'SXTB16 T1');
});

test('SSAT with ASR and a zero shift amount is SSAT16, and should-be-zero bits are ignored', () => {
  assert.equal(nameOf(0xf3220007), 'SSAT16 T1'); // sh = 1, imm3:imm2 = 0
  assert.equal(nameOf(0xf3a20007), 'USAT16 T1');
  assert.equal(nameOf(0xf3220017), 'SSAT16 T1'); // hw2[4] is (0) in SSAT16
  assert.equal(nameOf(0xf7020000), 'SSAT T1'); // hw1[10] is (0)
});

test('no two DSP encodings of equal specificity match the same instruction', () => {
  const compiled = DSP_ENCODINGS.map(compile);
  const names = new Set(compiled.map((e) => e.name));
  assert.equal(names.size, compiled.length, 'encoding names are unique');
  for (let i = 0; i < compiled.length; i++) {
    for (let j = i + 1; j < compiled.length; j++) {
      const a = compiled[i];
      const b = compiled[j];
      const overlap = (((a.value ^ b.value) & a.mask & b.mask) >>> 0) === 0;
      assert.ok(!(overlap && a.fixedBits === b.fixedBits), `${a.name} and ${b.name} overlap with equal specificity`);
    }
  }
});

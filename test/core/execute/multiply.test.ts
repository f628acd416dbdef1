import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXC } from '../../../src/core/exceptions.js';
import { PRODUCT, smull64, umull64 } from '../../../src/core/execute/multiply.js';
import { CFSR } from '../../../src/core/faults.js';
import { THREAD_CODE, apsrOf, flags, inHandler, reg, run } from './program.js';

const EDGES = [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];

test('the 64-bit products match exact integer multiplication for the edge values', () => {
  for (const a of EDGES) {
    for (const b of EDGES) {
      umull64(a | 0, b | 0);
      const u = BigInt(a) * BigInt(b);
      assert.equal(BigInt(PRODUCT.lo >>> 0) | (BigInt(PRODUCT.hi >>> 0) << 32n), u, `umull ${a} ${b}`);
      smull64(a | 0, b | 0);
      const s = BigInt.asUintN(64, BigInt(a | 0) * BigInt(b | 0));
      assert.equal(BigInt(PRODUCT.lo >>> 0) | (BigInt(PRODUCT.hi >>> 0) << 32n), s, `smull ${a} ${b}`);
    }
  }
});

test('MULS (16-bit) sets N and Z only, and not inside an IT block', () => {
  let m = run([0x4348], { r: { 0: 0x10000, 1: 0x10000 }, apsr: apsrOf('CV') }); // muls r0, r1, r0
  assert.equal(reg(m, 0), 0);
  assert.equal(flags(m.cpu), '-ZCV');
  m = run([0xbf08, 0x4348], { r: { 0: 0x10000, 1: 0x10000 }, apsr: apsrOf('ZC') }); // it eq; muleq
  assert.equal(flags(m.cpu), '-ZC-');
});

test('MUL/MLA/MLS keep the low 32 bits of the product', () => {
  const r = { 1: 0xffff_ffff, 2: 0x8000_0001, 3: 10 };
  assert.equal(reg(run([0xfb01, 0xf002], { r }), 0), 0x7fff_ffff); // mul.w r0, r1, r2
  assert.equal(reg(run([0xfb01, 0x3002], { r }), 0), 0x8000_0009); // mla r0, r1, r2, r3
  assert.equal(reg(run([0xfb01, 0x3012], { r }), 0), 0x8000_000b); // mls r0, r1, r2, r3
});

test('SMULL/UMULL/SMLAL/UMLAL give 64-bit results in RdHi:RdLo (cross-checked with Unicorn)', () => {
  const cases: Array<[string, number[], Record<number, number>, number, number]> = [
    ['smull -1 × -1', [0xfb82, 0x0103], { 2: 0xffff_ffff, 3: 0xffff_ffff }, 1, 0],
    ['umull max × max', [0xfba2, 0x0103], { 2: 0xffff_ffff, 3: 0xffff_ffff }, 1, 0xffff_fffe],
    ['smull min × max', [0xfb82, 0x0103], { 2: 0x8000_0000, 3: 0x7fff_ffff }, 0x8000_0000, 0xc000_0000],
    ['smlal carries into RdHi', [0xfbc2, 0x0103], { 0: 0xffff_ffff, 1: 0x7fff_ffff, 2: 1, 3: 1 }, 0, 0x8000_0000],
    ['umlal wraps at 64 bits', [0xfbe2, 0x0103], { 0: 0xffff_ffff, 1: 0xffff_ffff, 2: 0xffff_ffff, 3: 0xffff_ffff }, 0, 0xffff_fffe],
    ['smlal min × min', [0xfbc2, 0x0103], { 0: 0, 1: 0, 2: 0x8000_0000, 3: 0x8000_0000 }, 0, 0x4000_0000],
  ];
  for (const [what, code, r, lo, hi] of cases) {
    const m = run(code, { r });
    assert.equal(reg(m, 0), lo, `${what}: RdLo`);
    assert.equal(reg(m, 1), hi, `${what}: RdHi`);
  }
});

test('a long multiply costs one extra cycle', () => {
  const m = run([0xfba2, 0x0103]);
  assert.equal(m.cpu.instructions, 1);
  assert.equal(m.scheduler.cycles - cyclesAtStart(), 2);
});

/** Cycles a fresh machine from run() has used before the first instruction (reset entry). */
function cyclesAtStart(): number {
  return run([]).scheduler.cycles;
}

test('SDIV/UDIV round towards zero; INT_MIN / -1 is INT_MIN', () => {
  const cases: Array<[string, number[], number, number, number]> = [
    ['sdiv -7 / 2', [0xfb91, 0xf0f2], -7, 2, -3],
    ['sdiv 7 / -2', [0xfb91, 0xf0f2], 7, -2, -3],
    ['sdiv INT_MIN / -1', [0xfb91, 0xf0f2], 0x8000_0000, -1, 0x8000_0000],
    ['udiv max / 2', [0xfbb1, 0xf0f2], 0xffff_ffff, 2, 0x7fff_ffff],
    ['udiv 0x80000000 / 0xffffffff', [0xfbb1, 0xf0f2], 0x8000_0000, 0xffff_ffff, 0],
  ];
  for (const [what, code, x, y, q] of cases) {
    assert.equal(reg(run(code, { r: { 1: x, 2: y } }), 0), q >>> 0, what);
  }
});

test('division by zero gives 0 when CCR.DIV_0_TRP is clear', () => {
  const m = run([0xfb91, 0xf0f2], { r: { 0: 5, 1: 7, 2: 0 } });
  assert.equal(reg(m, 0), 0);
  assert.equal(m.cpu.exc.cfsr, 0);
});

test('division by zero with CCR.DIV_0_TRP raises UsageFault DIVBYZERO and writes nothing', () => {
  const m = run([0xfbb1, 0xf0f2], { r: { 0: 5, 1: 7, 2: 0 }, before: (mm) => (mm.cpu.exc.ccr |= 1 << 4) });
  assert.ok(inHandler(m, EXC.HardFault));
  assert.equal(m.cpu.exc.cfsr & CFSR.DIVBYZERO, CFSR.DIVBYZERO);
  assert.equal(reg(m, 0), 5);
  // The stacked return address is the divide itself.
  assert.equal(m.bus.read32(reg(m, 13) + 24) >>> 0, THREAD_CODE);
});

test('a divide costs 2 to 12 extra cycles, more for a larger quotient', () => {
  const small = run([0xfbb1, 0xf0f2], { r: { 1: 3, 2: 2 } }).scheduler.cycles;
  const large = run([0xfbb1, 0xf0f2], { r: { 1: 0xffff_ffff, 2: 1 } }).scheduler.cycles;
  const base = cyclesAtStart();
  assert.ok(small - base >= 3 && small - base <= 13, `small: ${small - base}`);
  assert.equal(large - base, 13);
  assert.ok(large > small);
});

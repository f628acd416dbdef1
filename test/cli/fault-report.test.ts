// Decoding of CFSR/HFSR into words, and symbols for addresses (PM0214 §4.4.10-§4.4.13).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeFaultStatus, exceptionName, symbolize, where } from '../../src/cli/fault-report.js';
import { CFSR } from '../../src/core/faults.js';
import type { ImageSymbol } from '../../src/loaders/image.js';

const none = { cfsr: 0, hfsr: 0, mmfar: 0, bfar: 0 };

describe('decodeFaultStatus', () => {
  test('UNDEFINSTR names the faulting instruction', () => {
    assert.deepEqual(decodeFaultStatus({ ...none, cfsr: CFSR.UNDEFINSTR }, 0x0800_0412), ['UNDEFINSTR at 0x08000412: undefined instruction']);
  });

  test('PRECISERR with BFARVALID names the data address and the instruction', () => {
    assert.deepEqual(decodeFaultStatus({ ...none, cfsr: CFSR.PRECISERR | CFSR.BFARVALID, bfar: 0x4002_3c80 }, 0x0800_0100), [
      'PRECISERR: data bus error at 0x40023C80 (instruction at 0x08000100)',
    ]);
  });

  test('without BFARVALID the (stale) BFAR is not shown', () => {
    assert.deepEqual(decodeFaultStatus({ ...none, cfsr: CFSR.PRECISERR, bfar: 0x1234 }, undefined), ['PRECISERR: data bus error']);
  });

  test('DACCVIOL uses MMFAR only when MMARVALID', () => {
    assert.match(decodeFaultStatus({ ...none, cfsr: CFSR.DACCVIOL | CFSR.MMARVALID, mmfar: 0x2000_0000 }, 0x0800_0000)[0], /DACCVIOL: data access violation at 0x20000000/);
  });

  test('HFSR FORCED, VECTTBL and DEBUGEVT are explained; several bits give several lines', () => {
    const lines = decodeFaultStatus({ ...none, cfsr: CFSR.INVSTATE | CFSR.DIVBYZERO, hfsr: (1 << 30) | (1 << 1) | (1 << 31) }, 0x0800_0002);
    assert.deepEqual(lines.map((l) => l.split(/[ :]/)[0]), ['INVSTATE', 'DIVBYZERO', 'VECTTBL', 'FORCED', 'DEBUGEVT']);
  });

  test('no bit set, no line', () => {
    assert.deepEqual(decodeFaultStatus(none, 0), []);
  });
});

describe('symbols and exception names', () => {
  const symbols: ImageSymbol[] = [
    { name: 'main', value: 0x0800_0101, size: 0x20, type: 'func' },
    { name: 'buffer', value: 0x0800_0110, size: 0x10, type: 'object' },
  ];

  test('an address inside a function is function+offset; Thumb bit ignored', () => {
    assert.equal(symbolize(0x0800_0112, symbols), 'main+0x12');
    assert.equal(symbolize(0x0800_0100, symbols), 'main');
    assert.equal(symbolize(0x0800_0120, symbols), '');
    assert.equal(where(0x0800_0104, symbols), '0x08000104 (main+0x4)');
    assert.equal(where(0x0800_0200, symbols), '0x08000200');
  });

  test('exception numbers are named as in the ARM ARM, IRQs by line', () => {
    assert.equal(exceptionName(0), 'thread mode');
    assert.equal(exceptionName(3), 'HardFault');
    assert.equal(exceptionName(6), 'UsageFault');
    assert.equal(exceptionName(16 + 38), 'IRQ 38');
  });
});

// SYSCFG: the boot remap (MEMRMP) and what address 0 reads, the EXTI multiplexers, PMC, the
// compensation cell (RM0090 §9, memory-map.md §2).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUS_ERROR } from '../../src/bus/bus.js';
import { pinOf, syscfgOf } from '../../src/peripherals/index.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { CMPCR, COMPENSATION_CELL_NS, SYSCFG_REG as S } from '../../src/peripherals/syscfg.js';
import { advanceNs, chip, hex, read, setBits, write } from './support.js';

const SYSCFG = 'SYSCFG';

/** A chip with SYSCFG clocked and distinct words at the start of flash, system memory and SRAM1. */
function marked(options: { boot0?: 0 | 1; boot1?: 0 | 1 } = {}) {
  const m = chip(options);
  setBits(m, 'RCC', RCC_REG.APB2ENR, 1 << 14);
  m.bus.view('flash').set([0x11, 0x11, 0x11, 0x11]);
  m.bus.view('system').set([0x22, 0x22, 0x22, 0x22]);
  m.bus.write32(0x2000_0000, 0x3333_3333);
  return m;
}

describe('SYSCFG reset values', () => {
  test('PMC, EXTICR1-4 and CMPCR read 0', () => {
    const m = marked();
    for (const r of [S.PMC, S.EXTICR1, S.EXTICR2, S.EXTICR3, S.EXTICR4, S.CMPCR]) assert.equal(read(m, SYSCFG, r), 0);
  });

  for (const [boot0, boot1, mode] of [[0, 0, 0], [0, 1, 0], [1, 0, 1], [1, 1, 3]] as const) {
    test(`MEMRMP resets to MEM_MODE ${mode} with BOOT0=${boot0} BOOT1=${boot1}`, () => {
      assert.equal(read(marked({ boot0, boot1 }), SYSCFG, S.MEMRMP), mode);
    });
  }
});

describe('SYSCFG_MEMRMP: what address 0 reads', () => {
  test('MEM_MODE 0/1/3 put main flash / system memory / SRAM1 at 0x0000_0000', () => {
    const m = marked();
    assert.equal(hex(m.bus.read32(0)), hex(0x1111_1111));
    write(m, SYSCFG, S.MEMRMP, 1);
    assert.equal(hex(m.bus.read32(0)), hex(0x2222_2222));
    write(m, SYSCFG, S.MEMRMP, 3);
    assert.equal(hex(m.bus.read32(0)), hex(0x3333_3333));
    m.bus.write32(4, 0x4444_4444);
    assert.equal(hex(m.bus.read32(0x2000_0004)), hex(0x4444_4444), 'SRAM1 is writable through the alias');
    write(m, SYSCFG, S.MEMRMP, 0);
    assert.equal(hex(m.bus.read32(0)), hex(0x1111_1111));
    assert.equal(read(m, SYSCFG, S.MEMRMP), 0);
  });

  test('MEM_MODE 2 (FSMC bank 1, nothing fitted) makes address 0 a bus error', () => {
    const m = marked();
    write(m, SYSCFG, S.MEMRMP, 2);
    assert.throws(() => m.bus.read32(0), (e) => e === BUS_ERROR);
    write(m, SYSCFG, S.MEMRMP, 0);
    assert.equal(hex(m.bus.read32(0)), hex(0x1111_1111));
  });

  test('without SYSCFGEN the remap write is ignored', () => {
    const m = marked();
    write(m, 'RCC', RCC_REG.APB2ENR, 0);
    write(m, SYSCFG, S.MEMRMP, 3);
    assert.equal(hex(m.bus.read32(0)), hex(0x1111_1111));
  });

  test('a reset re-latches the boot pins: the remap is undone and MEMRMP shows the pins\' mode', () => {
    const m = marked({ boot0: 1, boot1: 0 });
    assert.equal(hex(m.bus.read32(0)), hex(0x2222_2222), 'booted from system memory');
    write(m, SYSCFG, S.MEMRMP, 0);
    assert.equal(hex(m.bus.read32(0)), hex(0x1111_1111));
    m.reset('system', 'software');
    setBits(m, 'RCC', RCC_REG.APB2ENR, 1 << 14);
    assert.equal(read(m, SYSCFG, S.MEMRMP), 1);
    assert.equal(hex(m.bus.read32(0)), hex(0x2222_2222));
    m.boot0 = 0;
    m.reset('system', 'pin');
    setBits(m, 'RCC', RCC_REG.APB2ENR, 1 << 14);
    assert.equal(read(m, SYSCFG, S.MEMRMP), 0, 'pins sampled again');
  });
});

describe('SYSCFG_EXTICR: the EXTI multiplexers', () => {
  test('each EXTICR holds four 4-bit port selections, line n in EXTICR(n/4+1)', () => {
    const m = marked();
    write(m, SYSCFG, S.EXTICR4, 0x8765);
    const s = syscfgOf(m)!;
    assert.deepEqual([12, 13, 14, 15].map((l) => s.extiPort(l)), [5, 6, 7, 8]);
    assert.equal(read(m, SYSCFG, S.EXTICR4), 0x8765);
    write(m, SYSCFG, S.EXTICR1, 0xffff_ffff);
    assert.equal(read(m, SYSCFG, S.EXTICR1), 0xffff, 'upper half reserved');
  });

  test('switching a multiplexer to a high pin is an edge on its line', () => {
    const m = marked();
    write(m, 'EXTI', 0x00, 1 << 6);
    write(m, 'EXTI', 0x08, 1 << 6);
    pinOf(m, 'PC6').drive(1);
    assert.equal(read(m, 'EXTI', 0x14), 0, 'PC6 is not on line 6 yet');
    write(m, SYSCFG, S.EXTICR2, 2 << 8); // EXTI6 = PC6
    assert.equal(read(m, 'EXTI', 0x14), 1 << 6);
  });
});

describe('SYSCFG PMC and CMPCR', () => {
  test('PMC keeps MII_RMII_SEL only', () => {
    const m = marked();
    write(m, SYSCFG, S.PMC, 0xffff_ffff);
    assert.equal(hex(read(m, SYSCFG, S.PMC)), hex(1 << 23));
  });

  test('CMPCR.READY rises after the compensation cell settles once CMP_PD is set, and drops when it is cleared', () => {
    const m = marked();
    write(m, SYSCFG, S.CMPCR, CMPCR.CMP_PD);
    assert.equal(read(m, SYSCFG, S.CMPCR), CMPCR.CMP_PD);
    advanceNs(m, COMPENSATION_CELL_NS);
    assert.equal(read(m, SYSCFG, S.CMPCR), CMPCR.CMP_PD | CMPCR.READY);
    write(m, SYSCFG, S.CMPCR, 0);
    assert.equal(read(m, SYSCFG, S.CMPCR), 0);
  });
});

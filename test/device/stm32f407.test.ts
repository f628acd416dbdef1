// The device description against the spec's tables (shared/spec/memory-map.md §1, §3; RM0090 Table 3, Table 5).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEVICES,
  DEFAULT_DEVICE,
  IRQ,
  IRQ_NAMES,
  addressSpaceAt,
  bootModeFromPins,
  endOf,
  regionAt,
  sectorAt,
} from '../../src/device/stm32f407.js';

/** memory-map.md §1: name → [first byte, last byte]. */
const SPEC_REGIONS: Record<string, [number, number]> = {
  alias: [0x0000_0000, 0x000f_ffff],
  flash: [0x0800_0000, 0x080f_ffff],
  ccm: [0x1000_0000, 0x1000_ffff],
  system: [0x1fff_0000, 0x1fff_77ff],
  otp: [0x1fff_7800, 0x1fff_79ff],
  'otp-lock': [0x1fff_7a00, 0x1fff_7a0f],
  uid: [0x1fff_7a10, 0x1fff_7a1b],
  'flash-size': [0x1fff_7a22, 0x1fff_7a23],
  'option-bytes': [0x1fff_c000, 0x1fff_c00f],
  sram1: [0x2000_0000, 0x2001_bfff],
  sram2: [0x2001_c000, 0x2001_ffff],
  'sram-bitband': [0x2200_0000, 0x223f_ffff],
  periph: [0x4000_0000, 0x4007_ffff],
  bkpsram: [0x4002_4000, 0x4002_4fff],
  'periph-bitband': [0x4200_0000, 0x43ff_ffff],
  'periph-ahb2': [0x5000_0000, 0x5006_0bff],
  'fsmc-banks': [0x6000_0000, 0x9fff_ffff],
  'fsmc-regs': [0xa000_0000, 0xa000_0fff],
  ppb: [0xe000_0000, 0xe00f_ffff],
};

/** memory-map.md §3: sector → [base, end]. */
const SPEC_SECTORS: [number, number][] = [
  [0x0800_0000, 0x0800_3fff], [0x0800_4000, 0x0800_7fff], [0x0800_8000, 0x0800_bfff], [0x0800_c000, 0x0800_ffff],
  [0x0801_0000, 0x0801_ffff], [0x0802_0000, 0x0803_ffff], [0x0804_0000, 0x0805_ffff], [0x0806_0000, 0x0807_ffff],
  [0x0808_0000, 0x0809_ffff], [0x080a_0000, 0x080b_ffff], [0x080c_0000, 0x080d_ffff], [0x080e_0000, 0x080f_ffff],
];

describe('STM32F407 device description', () => {
  const dev = DEVICES.stm32f407;

  test('has exactly the regions of the spec table, each with the spec start, end and size', () => {
    assert.deepEqual(dev.regions.map((r) => r.name).sort(), Object.keys(SPEC_REGIONS).sort());
    for (const r of dev.regions) {
      const [start, end] = SPEC_REGIONS[r.name];
      assert.equal(r.start, start, `${r.name} start`);
      assert.equal(endOf(r), end, `${r.name} end`);
      assert.equal(r.size, end - start + 1, `${r.name} size`);
    }
  });

  test('has the 12 flash sectors of RM0090 Table 5 (4×16 KB, 64 KB, 7×128 KB)', () => {
    assert.deepEqual(dev.flashSectors.map((s) => [s.start, endOf(s)]), SPEC_SECTORS);
    assert.deepEqual(dev.flashSectors.map((s) => s.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  test('F407VE has 512 KB of flash in sectors 0-7', () => {
    const ve = DEVICES.stm32f407ve;
    assert.deepEqual(ve.flashSectors.map((s) => [s.start, endOf(s)]), SPEC_SECTORS.slice(0, 8));
    const flash = ve.regions.find((r) => r.name === 'flash')!;
    assert.equal(endOf(flash), 0x0807_ffff);
    assert.equal(sectorAt(ve, 0x0808_0000), undefined);
  });

  test('no two regions overlap except backup SRAM nested in the peripheral space', () => {
    for (const a of dev.regions) {
      for (const b of dev.regions) {
        if (a === b || a.start > b.start || (a.start === b.start && a.name >= b.name)) continue;
        const overlap = b.start <= endOf(a);
        if (a.name === 'periph' && b.name === 'bkpsram') {
          assert.ok(overlap && endOf(b) <= endOf(a), 'bkpsram lies inside periph');
        } else {
          assert.ok(!overlap, `${a.name} overlaps ${b.name}`);
        }
      }
    }
  });

  test('the flash sectors tile main flash with no gap', () => {
    const flash = dev.regions.find((r) => r.name === 'flash')!;
    let next = flash.start;
    for (const s of dev.flashSectors) {
      assert.equal(s.start, next);
      next = s.start + s.size;
    }
    assert.equal(next, flash.start + flash.size);
  });

  test('regionAt returns the most specific region: backup SRAM rather than the peripheral space', () => {
    assert.equal(regionAt(dev, 0x4002_4000)?.name, 'bkpsram');
    assert.equal(regionAt(dev, 0x4002_3c00)?.name, 'periph');
    assert.equal(regionAt(dev, 0x2002_0000), undefined);
  });

  test('flash, system memory, OTP and option bytes are not writable by plain stores; SRAM and CCM are', () => {
    const writable = (n: string): boolean => dev.regions.find((r) => r.name === n)!.writable;
    for (const n of ['flash', 'system', 'otp', 'otp-lock', 'option-bytes', 'uid', 'flash-size']) assert.equal(writable(n), false, n);
    for (const n of ['sram1', 'sram2', 'ccm']) assert.equal(writable(n), true, n);
  });

  test('CCM cannot hold code; flash, system memory and SRAM can (RM0090 §2.1)', () => {
    const exec = (n: string): boolean => dev.regions.find((r) => r.name === n)!.executable;
    assert.equal(exec('ccm'), false);
    for (const n of ['flash', 'system', 'sram1', 'sram2']) assert.equal(exec(n), true, n);
  });

  test('the default memory map tiles the 4 GB with ARM ARM Table B3-1: XN for Peripheral, Device and System', () => {
    let next = 0;
    for (const r of dev.addressSpace) {
      assert.equal(r.start, next, `${r.name} starts where the previous range ends`);
      next = r.start + r.size;
    }
    assert.equal(next, 2 ** 32);
    const xn = (a: number): boolean => addressSpaceAt(dev, a).executeNever;
    assert.deepEqual([0x0000_0000, 0x2000_0000, 0x4000_0000, 0x5fff_ffff, 0x6000_0000, 0x9fff_ffff, 0xa000_0000, 0xe000_0000, 0xffff_ffff].map(xn),
      [false, false, true, true, false, false, true, true, true]);
    assert.equal(addressSpaceAt(dev, 0xe000_ed00).mpuExempt, true, 'the PPB always uses the default map');
    assert.equal(addressSpaceAt(dev, 0xe010_0000).mpuExempt, false);
    assert.equal(addressSpaceAt(dev, 0xe010_0000).alwaysExecuteNever, true);
  });

  test('every region the core may fetch from lies in executable default-map space', () => {
    for (const r of dev.regions.filter((x) => x.executable)) {
      assert.equal(addressSpaceAt(dev, r.start).executeNever, false, r.name);
      assert.equal(addressSpaceAt(dev, endOf(r)).executeNever, false, r.name);
    }
  });

  test('has 82 IRQ lines with the CMSIS numbers (USART2 = 38, FPU = 81)', () => {
    assert.equal(IRQ_NAMES.length, 82);
    assert.equal(IRQ.USART2, 38);
    assert.equal(IRQ.FPU, 81);
    assert.equal(dev.irqCount, 82);
  });

  test('BOOT pins select flash, system memory or SRAM1 as RM0090 Table 2 says', () => {
    assert.equal(bootModeFromPins(0, 0), 'flash');
    assert.equal(bootModeFromPins(0, 1), 'flash');
    assert.equal(bootModeFromPins(1, 0), 'system');
    assert.equal(bootModeFromPins(1, 1), 'sram');
  });

  test('the default device is the 1 MB STM32F407VG', () => {
    assert.equal(DEFAULT_DEVICE.name, 'STM32F407VG');
    assert.equal(DEFAULT_DEVICE.flashSectors.length, 12);
  });
});

// Bit-band aliases (PM0214 §2.2.5, RM0090 §2.3.3): one word of the alias per bit of SRAM or peripherals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUS_ERROR, Bus } from '../../src/bus/bus.js';
import { BitBand } from '../../src/bus/bitband.js';
import { DEVICES, region } from '../../src/device/stm32f407.js';
import { Machine } from '../../src/machine.js';

const dev = DEVICES.stm32f407;
const SRAM_ALIAS = region(dev, 'sram-bitband');
const PERIPH_ALIAS = region(dev, 'periph-bitband');

function sramBus(): Bus {
  const bus = new Bus(dev);
  bus.mapHandler(SRAM_ALIAS.start, SRAM_ALIAS.size, new BitBand(bus, SRAM_ALIAS.start, SRAM_ALIAS.bitbandOf!, false));
  return bus;
}

describe('BitBand', () => {
  test('RM0090 example: bit 2 of 0x2000_0300 is the word at 0x2200_6008', () => {
    const bus = sramBus();
    bus.write32(0x2200_6008, 1);
    assert.equal(bus.read8(0x2000_0300), 0b100);
    assert.equal(bus.read32(0x2200_6008), 1);
    bus.write8(0x2000_0300, 0xff);
    bus.write32(0x2200_6008, 0);
    assert.equal(bus.read8(0x2000_0300), 0xfb);
    assert.equal(bus.read32(0x2200_6008), 0);
  });

  test('only bit 0 of the written value counts; reads are 0 or 1', () => {
    const bus = sramBus();
    bus.write32(0x2200_0004, 0xfffe); // bit 0 clear: clears bit 1 of 0x2000_0000
    assert.equal(bus.read8(0x2000_0000), 0);
    bus.write32(0x2200_0004, 3);
    assert.equal(bus.read8(0x2000_0000), 0b10);
    assert.equal(bus.read32(0x2200_0004), 1);
    assert.equal(bus.read32(0x2200_0000), 0);
  });

  test('the last alias word reaches bit 7 of the last byte of SRAM2', () => {
    const bus = sramBus();
    bus.write32(0x223f_fffc, 1);
    assert.equal(bus.read8(0x2001_ffff), 0x80);
  });

  test('an alias address past SRAM2 (0x2240_0000) is a bus error', () => {
    const bus = sramBus();
    assert.throws(() => bus.read32(0x2240_0000), (e) => e === BUS_ERROR);
    assert.throws(() => bus.write32(0x2240_0000, 1), (e) => e === BUS_ERROR);
  });

  test('peripheral bit-band sets one bit of a register and keeps the others (HAL PLLON at 0x4247_0060)', () => {
    const machine = new Machine({ device: dev });
    const bus = machine.bus;
    // RCC_CR is 0x4002_3800; bit 24 (PLLON) ⇔ 0x4200_0000 + 0x2_3800*32 + 24*4 = 0x4247_0060.
    assert.equal(PERIPH_ALIAS.start + 0x2_3800 * 32 + 24 * 4, 0x4247_0060);
    const before = bus.read32(0x4002_3800) >>> 0;
    bus.write32(0x4247_0060, 1);
    assert.equal(bus.read32(0x4002_3800) >>> 0, (before | (1 << 24)) >>> 0);
    assert.equal(bus.read32(0x4247_0060), 1);
    bus.write32(0x4247_0060, 0);
    assert.equal(bus.read32(0x4002_3800) >>> 0, (before & ~(1 << 24)) >>> 0);
  });

  test('a peripheral alias whose target holds nothing faults as the target would', () => {
    const machine = new Machine({ device: dev });
    // 0x4000_8000 (between APB1 and APB2) is reserved.
    const alias = PERIPH_ALIAS.start + 0x8000 * 32;
    assert.throws(() => machine.bus.read32(alias), (e) => e === BUS_ERROR);
  });
});

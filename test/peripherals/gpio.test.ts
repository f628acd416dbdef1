// GPIO ports: reset values, modes, output types, pulls, BSRR, the LCKR key sequence, alternate functions
// and pins driven from outside (RM0090 §8).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GPIO_REG as G, LCKK, type PinState } from '../../src/peripherals/gpio.js';
import { gpioOf, pinOf } from '../../src/peripherals/index.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { chip, hex, read, setBits, write } from './support.js';

/** A chip with every GPIO port clocked. */
function clocked() {
  const m = chip();
  setBits(m, 'RCC', RCC_REG.AHB1ENR, 0x1ff);
  return m;
}

describe('GPIO reset values (RM0090 §8.4)', () => {
  const m = clocked();
  const cases: Array<[string, keyof typeof G, number]> = [
    ['GPIOA', 'MODER', 0xa800_0000], ['GPIOA', 'OSPEEDR', 0x0c00_0000], ['GPIOA', 'PUPDR', 0x6400_0000],
    ['GPIOB', 'MODER', 0x0000_0280], ['GPIOB', 'OSPEEDR', 0x0000_00c0], ['GPIOB', 'PUPDR', 0x0000_0100],
    ['GPIOC', 'MODER', 0], ['GPIOC', 'OSPEEDR', 0], ['GPIOC', 'PUPDR', 0],
    ['GPIOI', 'MODER', 0],
  ];
  for (const [port, name, value] of cases) {
    test(`${port}_${name} reads ${hex(value)}`, () => assert.equal(hex(read(m, port, G[name])), hex(value)));
  }
  for (const port of ['GPIOA', 'GPIOB', 'GPIOE']) {
    test(`${port}: OTYPER, ODR, LCKR, AFRL, AFRH read 0`, () => {
      for (const r of [G.OTYPER, G.ODR, G.LCKR, G.AFRL, G.AFRH]) assert.equal(read(m, port, r), 0);
    });
  }
  test('IDR after reset shows the debug pins\' pulls: PA13/PA15 pulled up, PB4 pulled up; floating pins read 0', () => {
    assert.equal(hex(read(m, 'GPIOA', G.IDR)), hex(0xa000));
    assert.equal(hex(read(m, 'GPIOB', G.IDR)), hex(0x0010));
    assert.equal(read(m, 'GPIOC', G.IDR), 0);
    assert.equal(pinOf(m, 'PC0').state, 'float');
    assert.equal(pinOf(m, 'PA14').state, 0, 'PA14 pulled down');
  });
});

describe('GPIO outputs: ODR and BSRR', () => {
  test('a push-pull output drives the pin from ODR and IDR reads it back', () => {
    const m = clocked();
    write(m, 'GPIOD', G.MODER, 1 << 24); // PD12 output
    write(m, 'GPIOD', G.ODR, 1 << 12);
    assert.equal(pinOf(m, 'PD12').state, 1);
    assert.equal(read(m, 'GPIOD', G.IDR), 1 << 12);
    write(m, 'GPIOD', G.ODR, 0);
    assert.equal(pinOf(m, 'PD12').state, 0);
  });

  test('BSRR sets and resets ODR bits atomically, set wins, and reads 0', () => {
    const m = clocked();
    write(m, 'GPIOD', G.ODR, 0x00f0);
    write(m, 'GPIOD', G.BSRR, 0x0030_0003); // reset 4,5; set 0,1
    assert.equal(hex(read(m, 'GPIOD', G.ODR)), hex(0x00c3));
    write(m, 'GPIOD', G.BSRR, 0x0001_0001); // both on bit 0: set wins
    assert.equal(read(m, 'GPIOD', G.ODR) & 1, 1);
    assert.equal(read(m, 'GPIOD', G.BSRR), 0);
  });

  test('a halfword store to BSRR+2 (BRR half) resets pins; a byte store to ODR merges', () => {
    const m = clocked();
    write(m, 'GPIOD', G.ODR, 0xffff);
    m.bus.write16(gpioOf(m, 'D')!.base + G.BSRR + 2, 0x0f00);
    assert.equal(hex(read(m, 'GPIOD', G.ODR)), hex(0xf0ff));
    m.bus.write8(gpioOf(m, 'D')!.base + G.ODR + 1, 0x12);
    assert.equal(hex(read(m, 'GPIOD', G.ODR)), hex(0x12ff));
  });

  test('bit-band writes to ODR (SPL style) flip one pin', () => {
    const m = clocked();
    const odr = gpioOf(m, 'D')!.base + G.ODR;
    m.bus.write32(0x4200_0000 + (odr - 0x4000_0000) * 32 + 13 * 4, 1);
    assert.equal(read(m, 'GPIOD', G.ODR), 1 << 13);
  });

  test('open-drain: ODR = 0 pulls low, ODR = 1 lets go (float, pull-up, or what the outside drives)', () => {
    const m = clocked();
    const pin = pinOf(m, 'PB6');
    write(m, 'GPIOB', G.MODER, 0x280 | (1 << 12));
    write(m, 'GPIOB', G.OTYPER, 1 << 6);
    write(m, 'GPIOB', G.ODR, 1 << 6);
    assert.equal(pin.state, 'float');
    write(m, 'GPIOB', G.PUPDR, 0x100 | (1 << 12));
    assert.equal(pin.state, 1, 'pulled up');
    pin.drive(0);
    assert.equal(pin.state, 0, 'an external part pulls the line low');
    assert.equal(read(m, 'GPIOB', G.IDR) & (1 << 6), 0);
    pin.drive('float');
    write(m, 'GPIOB', G.ODR, 0);
    assert.equal(pin.state, 0, 'driven low by the port');
  });

  test('a push-pull output wins over an external drive', () => {
    const m = clocked();
    const pin = pinOf(m, 'PE2');
    pin.drive(0);
    write(m, 'GPIOE', G.MODER, 1 << 4);
    write(m, 'GPIOE', G.ODR, 1 << 2);
    assert.equal(pin.state, 1);
  });
});

describe('GPIO inputs, pulls and analog mode', () => {
  test('an input follows what the outside drives, else its pull, else floats', () => {
    const m = clocked();
    const pin = pinOf(m, 'PC3');
    assert.equal(pin.state, 'float');
    pin.drive(1);
    assert.equal(read(m, 'GPIOC', G.IDR), 1 << 3);
    pin.drive('float');
    write(m, 'GPIOC', G.PUPDR, 2 << 6); // pull-down
    assert.equal(pin.state, 0);
    write(m, 'GPIOC', G.PUPDR, 1 << 6); // pull-up
    assert.equal(read(m, 'GPIOC', G.IDR), 1 << 3);
    pin.drive(0);
    assert.equal(read(m, 'GPIOC', G.IDR), 0, 'a driven level beats the weak pull');
  });

  test('analog mode: IDR reads 0 and the pulls are off', () => {
    const m = clocked();
    const pin = pinOf(m, 'PC1');
    write(m, 'GPIOC', G.PUPDR, 1 << 2);
    assert.equal(pin.state, 1);
    write(m, 'GPIOC', G.MODER, 3 << 2);
    assert.equal(pin.state, 'float');
    assert.equal(pin.mode, 'analog');
    pin.drive(1);
    assert.equal(read(m, 'GPIOC', G.IDR), 0, 'the Schmitt trigger is off');
  });

  test('pin.onChange hears each change of state once, with the new state', () => {
    const m = clocked();
    const seen: PinState[] = [];
    const stop = pinOf(m, 'PD15').onChange((s) => seen.push(s));
    write(m, 'GPIOD', G.MODER, 1 << 30);
    write(m, 'GPIOD', G.BSRR, 1 << 15);
    write(m, 'GPIOD', G.BSRR, 1 << 15);
    write(m, 'GPIOD', G.BSRR, 1 << 31);
    stop();
    write(m, 'GPIOD', G.BSRR, 1 << 15);
    assert.deepEqual(seen, [0, 1, 0]);
  });

  test('external drives survive a reset (they belong to the board, not the chip)', () => {
    const m = clocked();
    pinOf(m, 'PA0').drive(1);
    m.reset('system');
    setBits(m, 'RCC', RCC_REG.AHB1ENR, 1);
    assert.equal(read(m, 'GPIOA', G.IDR) & 1, 1);
  });
});

describe('GPIO alternate functions', () => {
  test('AFRL/AFRH record each pin\'s function, reported while the pin is in alternate mode', () => {
    const m = clocked();
    const port = gpioOf(m, 'A')!;
    write(m, 'GPIOA', G.AFRL, 7 << 8 | 7 << 12); // PA2/PA3: AF7 (USART2)
    write(m, 'GPIOA', G.AFRH, 0xa << 4); // PA9: AF10
    assert.equal(port.alternateFunction(2), undefined, 'not in alternate mode yet');
    write(m, 'GPIOA', G.MODER, 0xa800_0000 | (2 << 4) | (2 << 6) | (2 << 18));
    assert.deepEqual([port.alternateFunction(2), port.alternateFunction(3), port.alternateFunction(9)], [7, 7, 10]);
    assert.equal(port.mode(2), 'alternate');
  });
});

describe('GPIO configuration lock (LCKR)', () => {
  /** The key sequence of RM0090 §8.4.8 for the pins in `pins`. */
  function lock(m: ReturnType<typeof chip>, port: string, pins: number): number {
    write(m, port, G.LCKR, LCKK | pins);
    write(m, port, G.LCKR, pins);
    write(m, port, G.LCKR, LCKK | pins);
    read(m, port, G.LCKR);
    return read(m, port, G.LCKR);
  }

  test('the key sequence sets LCKK and freezes MODER/OTYPER/PUPDR/AFR of the locked pins only', () => {
    const m = clocked();
    write(m, 'GPIOD', G.MODER, 0x5500_0000);
    assert.equal(hex(lock(m, 'GPIOD', 0x3000)), hex(LCKK | 0x3000)); // PD12, PD13
    write(m, 'GPIOD', G.MODER, 0);
    assert.equal(hex(read(m, 'GPIOD', G.MODER)), hex(0x0500_0000), 'PD12/PD13 stay outputs, PD14/PD15 changed');
    write(m, 'GPIOD', G.OTYPER, 0xffff);
    assert.equal(hex(read(m, 'GPIOD', G.OTYPER)), hex(0xcfff));
    write(m, 'GPIOD', G.AFRH, 0xffff_ffff);
    assert.equal(hex(read(m, 'GPIOD', G.AFRH)), hex(0xff00_ffff));
    write(m, 'GPIOD', G.ODR, 0x3000);
    assert.equal(read(m, 'GPIOD', G.ODR), 0x3000, 'ODR is not locked');
  });

  test('once locked, LCKR cannot change until a reset', () => {
    const m = clocked();
    lock(m, 'GPIOD', 0x0001);
    write(m, 'GPIOD', G.LCKR, 0xffff);
    assert.equal(hex(read(m, 'GPIOD', G.LCKR)), hex(LCKK | 1));
    m.reset('system');
    setBits(m, 'RCC', RCC_REG.AHB1ENR, 1 << 3);
    assert.equal(read(m, 'GPIOD', G.LCKR), 0);
    write(m, 'GPIOD', G.MODER, 1);
    assert.equal(read(m, 'GPIOD', G.MODER), 1);
  });

  test('a wrong step (changed LCK value or repeated LCKK=1) aborts the sequence', () => {
    const m = clocked();
    write(m, 'GPIOD', G.LCKR, LCKK | 1);
    write(m, 'GPIOD', G.LCKR, 3);
    write(m, 'GPIOD', G.LCKR, LCKK | 3);
    assert.equal(read(m, 'GPIOD', G.LCKR) & LCKK, 0);
    write(m, 'GPIOD', G.LCKR, LCKK | 1);
    write(m, 'GPIOD', G.LCKR, LCKK | 1);
    write(m, 'GPIOD', G.LCKR, LCKK | 1);
    assert.equal(read(m, 'GPIOD', G.LCKR) & LCKK, 0);
    write(m, 'GPIOD', G.MODER, 1);
    assert.equal(read(m, 'GPIOD', G.MODER), 1, 'nothing locked');
  });
});

// The STM32F4-Discovery board: LEDs on PD12-PD15, the user button on PA0, the 8 MHz HSE crystal,
// exercised through the bus as firmware would (UM1472).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMachine, discoveryOf } from '../../src/boards/index.js';
import { IRQ } from '../../src/device/stm32f407.js';
import { rccOf } from '../../src/peripherals/index.js';
import { CR, RCC_REG } from '../../src/peripherals/rcc.js';
import { advanceNs, irqPending, read, setBits, write } from '../peripherals/support.js';

function board() {
  const machine = createMachine({ board: 'discovery' });
  machine.reset('power-on');
  return { machine, board: discoveryOf(machine)! };
}

/** Firmware: clock GPIOD, PD12-PD15 as push-pull outputs. */
function ledsAsOutputs(machine: ReturnType<typeof board>['machine']): void {
  setBits(machine, 'RCC', RCC_REG.AHB1ENR, 1 << 3);
  write(machine, 'GPIOD', 0x00, 0x5500_0000);
}

describe('Discovery LEDs', () => {
  test('all four LEDs are off after reset', () => {
    const { board: b } = board();
    assert.deepEqual(Object.values(b.leds).map((l) => l.on), [false, false, false, false]);
    assert.deepEqual(Object.values(b.leds).map((l) => l.pin.name), ['PD12', 'PD13', 'PD14', 'PD15']);
  });

  test('a BSRR write lights the green LED (PD12) and its change event fires once', () => {
    const { machine, board: b } = board();
    const events: Array<[string, boolean]> = [];
    for (const led of Object.values(b.leds)) led.onChange((on, l) => events.push([l.colour, on]));
    ledsAsOutputs(machine);
    write(machine, 'GPIOD', 0x18, 1 << 12);
    write(machine, 'GPIOD', 0x18, 1 << 12);
    assert.equal(b.leds.green.on, true);
    write(machine, 'GPIOD', 0x14, 0x8000); // ODR: green off, blue on, orange and red stay off
    assert.deepEqual(events, [['green', true], ['green', false], ['blue', true]]);
  });

  test('LEDs driven only by ODR without output mode stay off', () => {
    const { machine, board: b } = board();
    setBits(machine, 'RCC', RCC_REG.AHB1ENR, 1 << 3);
    write(machine, 'GPIOD', 0x14, 0xf000);
    assert.equal(b.leds.red.on, false);
  });

  test('a system reset turns the LEDs off (the pins go back to inputs)', () => {
    const { machine, board: b } = board();
    ledsAsOutputs(machine);
    write(machine, 'GPIOD', 0x18, 0xf000);
    assert.equal(b.leds.orange.on, true);
    machine.reset('system', 'software');
    assert.equal(b.leds.orange.on, false);
  });
});

describe('Discovery user button (B1 on PA0)', () => {
  test('released reads 0 and pressed reads 1 on GPIOA_IDR bit 0', () => {
    const { machine, board: b } = board();
    setBits(machine, 'RCC', RCC_REG.AHB1ENR, 1);
    assert.equal(read(machine, 'GPIOA', 0x10) & 1, 0);
    b.button.press();
    assert.equal(read(machine, 'GPIOA', 0x10) & 1, 1);
    assert.equal(b.button.pressed, true);
    b.button.release();
    assert.equal(read(machine, 'GPIOA', 0x10) & 1, 0);
  });

  test('a press with EXTI0 on rising edges raises the EXTI0 interrupt', () => {
    const { machine, board: b } = board();
    write(machine, 'EXTI', 0x00, 1);
    write(machine, 'EXTI', 0x08, 1);
    b.button.press();
    assert.ok(irqPending(machine, IRQ.EXTI0));
  });

  test('the button stays pressed across a reset', () => {
    const { machine, board: b } = board();
    b.button.press();
    machine.reset('system', 'pin');
    setBits(machine, 'RCC', RCC_REG.AHB1ENR, 1);
    assert.equal(read(machine, 'GPIOA', 0x10) & 1, 1);
  });
});

describe('Discovery clocks', () => {
  test('the 8 MHz HSE crystal starts and can run SYSCLK directly', () => {
    const { machine } = board();
    setBits(machine, 'RCC', RCC_REG.CR, CR.HSEON);
    advanceNs(machine, 2e6);
    write(machine, 'RCC', RCC_REG.CFGR, 1);
    assert.equal(rccOf(machine)!.clocks.sysclk, 8e6);
    assert.equal(machine.scheduler.frequencyHz, 8e6);
  });
});

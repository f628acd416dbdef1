// EXTI: edge selection, masks, the pending register, software triggers, NVIC lines and events
// (RM0090 §12.2-§12.3). GPIO edges reach it through SYSCFG_EXTICR, as on silicon.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IRQ } from '../../src/device/stm32f407.js';
import { EXTI_LINE, EXTI_REG as E } from '../../src/peripherals/exti.js';
import { extiOf, pinOf } from '../../src/peripherals/index.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { SYSCFG_REG } from '../../src/peripherals/syscfg.js';
import { chip, irqLevel, irqPending, read, setBits, write } from './support.js';

const EXTI = 'EXTI';

describe('EXTI reset values', () => {
  const m = chip();
  for (const name of Object.keys(E) as Array<keyof typeof E>) {
    test(`${name} reads 0`, () => assert.equal(read(m, EXTI, E[name]), 0));
  }
});

describe('EXTI edges from GPIO pins', () => {
  test('a rising edge on PA0 with RTSR and IMR set pends line 0 and the EXTI0 interrupt; writing 1 to PR clears it', () => {
    const m = chip();
    write(m, EXTI, E.IMR, 1);
    write(m, EXTI, E.RTSR, 1);
    pinOf(m, 'PA0').drive(1);
    assert.equal(read(m, EXTI, E.PR), 1);
    assert.ok(irqPending(m, IRQ.EXTI0));
    assert.ok(irqLevel(m, IRQ.EXTI0));
    write(m, EXTI, E.PR, 1);
    assert.equal(read(m, EXTI, E.PR), 0);
    assert.equal(irqLevel(m, IRQ.EXTI0), false);
  });

  test('only the selected edge counts: FTSR alone ignores the rising edge and takes the falling one', () => {
    const m = chip();
    write(m, EXTI, E.IMR, 1 << 1);
    write(m, EXTI, E.FTSR, 1 << 1);
    pinOf(m, 'PA1').drive(1);
    assert.equal(read(m, EXTI, E.PR), 0);
    pinOf(m, 'PA1').drive(0);
    assert.equal(read(m, EXTI, E.PR), 1 << 1);
    assert.ok(irqPending(m, IRQ.EXTI1));
  });

  test('a masked line (IMR = 0) does not become pending', () => {
    const m = chip();
    write(m, EXTI, E.RTSR, 1 << 2);
    pinOf(m, 'PA2').drive(1);
    assert.equal(read(m, EXTI, E.PR), 0);
    assert.equal(irqPending(m, IRQ.EXTI2), false);
  });

  test('a pending bit keeps its interrupt asserted after IMR is cleared, until PR is written', () => {
    const m = chip();
    write(m, EXTI, E.IMR, 1 << 4);
    write(m, EXTI, E.RTSR, 1 << 4);
    pinOf(m, 'PA4').drive(1);
    write(m, EXTI, E.IMR, 0);
    assert.ok(irqLevel(m, IRQ.EXTI4));
    write(m, EXTI, E.PR, 1 << 4);
    assert.equal(irqLevel(m, IRQ.EXTI4), false);
  });

  test('lines 5-9 share EXTI9_5, lines 10-15 share EXTI15_10', () => {
    const m = chip();
    write(m, EXTI, E.IMR, 0xffff);
    write(m, EXTI, E.RTSR, 0xffff);
    pinOf(m, 'PA7').drive(1);
    assert.ok(irqPending(m, IRQ.EXTI9_5));
    assert.equal(irqPending(m, IRQ.EXTI15_10), false);
    pinOf(m, 'PA12').drive(1);
    assert.ok(irqPending(m, IRQ.EXTI15_10));
    write(m, EXTI, E.PR, 1 << 7);
    assert.equal(irqLevel(m, IRQ.EXTI9_5), false);
    assert.ok(irqLevel(m, IRQ.EXTI15_10));
  });

  test('an output pin toggled by firmware is an edge too (the input stage reads the pin)', () => {
    const m = chip();
    setBits(m, 'RCC', RCC_REG.AHB1ENR, 1);
    write(m, EXTI, E.IMR, 1 << 5);
    write(m, EXTI, E.RTSR, 1 << 5);
    write(m, 'GPIOA', 0x00, 0xa800_0000 | (1 << 10));
    write(m, 'GPIOA', 0x18, 1 << 5);
    assert.equal(read(m, EXTI, E.PR), 1 << 5);
  });

  test('pins of other ports reach a line only when SYSCFG_EXTICR selects their port', () => {
    const m = chip();
    write(m, EXTI, E.IMR, 1 << 3);
    write(m, EXTI, E.RTSR, 1 << 3);
    pinOf(m, 'PB3').drive(1);
    pinOf(m, 'PB3').drive(0);
    assert.equal(read(m, EXTI, E.PR), 0, 'line 3 listens to PA3');
    setBits(m, 'RCC', RCC_REG.APB2ENR, 1 << 14); // SYSCFGEN
    write(m, 'SYSCFG', SYSCFG_REG.EXTICR1, 1 << 12); // EXTI3 = PB3
    pinOf(m, 'PB3').drive(1);
    assert.equal(read(m, EXTI, E.PR), 1 << 3);
  });
});

describe('EXTI software triggers and other sources', () => {
  test('writing 1 to SWIER pends an unmasked line; clearing PR clears SWIER', () => {
    const m = chip();
    write(m, EXTI, E.IMR, 1 << 9);
    write(m, EXTI, E.SWIER, 1 << 9);
    assert.equal(read(m, EXTI, E.SWIER), 1 << 9);
    assert.equal(read(m, EXTI, E.PR), 1 << 9);
    assert.ok(irqPending(m, IRQ.EXTI9_5));
    write(m, EXTI, E.PR, 1 << 9);
    assert.equal(read(m, EXTI, E.SWIER), 0);
  });

  test('lines 16-22 raise PVD, RTC_Alarm, OTG_FS_WKUP, ETH_WKUP, OTG_HS_WKUP, TAMP_STAMP, RTC_WKUP', () => {
    const m = chip();
    const exti = extiOf(m)!;
    write(m, EXTI, E.IMR, 0x7f_0000);
    write(m, EXTI, E.RTSR, 0x7f_0000);
    const lines: Array<[number, number]> = [
      [EXTI_LINE.PVD, IRQ.PVD], [EXTI_LINE.RTC_ALARM, IRQ.RTC_Alarm], [EXTI_LINE.OTG_FS_WKUP, IRQ.OTG_FS_WKUP],
      [EXTI_LINE.ETH_WKUP, IRQ.ETH_WKUP], [EXTI_LINE.OTG_HS_WKUP, IRQ.OTG_HS_WKUP],
      [EXTI_LINE.RTC_TAMP_STAMP, IRQ.TAMP_STAMP], [EXTI_LINE.RTC_WKUP, IRQ.RTC_WKUP],
    ];
    for (const [line, irq] of lines) {
      exti.setLine(line, true);
      assert.ok(irqPending(m, irq), `line ${line}`);
    }
    assert.equal(read(m, EXTI, E.PR), 0x7f_0000);
  });

  test('registers keep only lines 0-22', () => {
    const m = chip();
    write(m, EXTI, E.RTSR, 0xffff_ffff);
    assert.equal(read(m, EXTI, E.RTSR), 0x7f_ffff);
  });

  test('an event line (EMR) sets the core\'s event register: a WFE wakes', () => {
    const m = chip();
    write(m, EXTI, E.EMR, 1);
    write(m, EXTI, E.RTSR, 1);
    m.cpu.eventRegister = 0;
    pinOf(m, 'PA0').drive(1);
    assert.equal(m.cpu.eventRegister, 1);
    assert.equal(read(m, EXTI, E.PR), 0, 'an event alone sets no pending bit');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Machine } from '../../src/machine.js';
import { busClock, fixedClock, rccClock } from '../../src/peripherals/clock-input.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { chip, write } from './support.js';

describe('clock inputs', () => {
  it('fixedClock never changes', () => {
    assert.equal(fixedClock(8e6).hz(), 8e6);
  });

  it('busClock picks PCLK1/PCLK2 or the APB timer clocks by bus', () => {
    const clocks = { pclk1: 1, pclk2: 2, timclk1: 3, timclk2: 4 } as Parameters<ReturnType<typeof busClock>>[0];
    assert.deepEqual(
      [busClock('APB1', 'pclk'), busClock('APB2', 'pclk'), busClock('APB1', 'timer'), busClock('APB2', 'timer')].map((f) => f(clocks)),
      [1, 2, 3, 4],
    );
  });

  it('rccClock follows RCC and tells its listeners when the clock tree changes', () => {
    const m = chip();
    const pclk1 = rccClock(m, (c) => c.pclk1);
    let changes = 0;
    pclk1.onChange(() => changes++);
    assert.equal(pclk1.hz(), 16e6);
    write(m, 'RCC', RCC_REG.CFGR, 4 << 10); // PPRE1 = /2
    assert.equal(pclk1.hz(), 8e6);
    assert.ok(changes >= 1);
  });

  it('rccClock gives the reset clock on a machine without an RCC model', () => {
    const m = new Machine();
    assert.equal(rccClock(m, (c) => c.pclk1).hz(), 16e6);
  });
});

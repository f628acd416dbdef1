import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IRQ } from '../../src/device/stm32f407.js';
import type { Machine } from '../../src/machine.js';
import { APB1_FZ, DBGMCU_REG } from '../../src/peripherals/dbgmcu.js';
import { CSR, RCC_REG } from '../../src/peripherals/rcc.js';
import { WWDG_CFR, WWDG_CR, WWDG_REG, WWDG_SR } from '../../src/peripherals/wwdg.js';
import type { ResetCause } from '../../src/time/reset.js';
import { advanceNs, chip, irqLevel, irqPending, read, setBits, write } from './support.js';

const { CR, CFR, SR } = WWDG_REG;
/** PCLK1 = 16 MHz (HSI): one counter tick is 4096 / 16 MHz = 256 µs at WDGTB = 0. */
const TICK_NS = 256_000;

function wwdgChip(): { m: Machine; causes: ResetCause[] } {
  const m = chip();
  setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 11); // WWDGEN
  const causes: ResetCause[] = [];
  m.resetListeners.push((_kind, cause) => causes.push(cause));
  return { m, causes };
}

const counter = (m: Machine) => read(m, 'WWDG', CR) & WWDG_CR.T;

describe('WWDG registers', () => {
  it('reset values: CR 0x7F, CFR 0x7F, SR 0', () => {
    const { m } = wwdgChip();
    assert.deepEqual([CR, CFR, SR].map((o) => read(m, 'WWDG', o)), [0x7f, 0x7f, 0]);
  });

  it('the counter runs down even while the watchdog is not active, wrapping at 0', () => {
    const { m, causes } = wwdgChip();
    advanceNs(m, 10 * TICK_NS);
    assert.equal(counter(m), 0x75);
    advanceNs(m, 0x76 * TICK_NS);
    assert.equal(counter(m), 0x7f);
    assert.deepEqual(causes, []);
  });

  it('WDGA and EWI can only be set: a reset clears them', () => {
    const { m } = wwdgChip();
    write(m, 'WWDG', CFR, WWDG_CFR.EWI | 0x7f);
    write(m, 'WWDG', CFR, 0x7f);
    assert.equal(read(m, 'WWDG', CFR) & WWDG_CFR.EWI, WWDG_CFR.EWI);
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x7f);
    write(m, 'WWDG', CR, 0x7f);
    assert.equal(read(m, 'WWDG', CR) & WWDG_CR.WDGA, WWDG_CR.WDGA);
  });
});

describe('WWDG timing, interrupt and resets', () => {
  it('once active, resets with cause wwdg when T6 falls: 64 ticks after T = 0x7F', () => {
    const { m, causes } = wwdgChip();
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x7f);
    advanceNs(m, 64 * TICK_NS - 1000);
    assert.deepEqual(causes, []);
    advanceNs(m, 2000);
    assert.deepEqual(causes, ['wwdg']);
    assert.equal(read(m, 'RCC', RCC_REG.CSR) & CSR.WWDGRSTF, CSR.WWDGRSTF);
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 11);
    assert.equal(read(m, 'WWDG', CR), 0x7f, 'registers reset, watchdog inactive');
  });

  it('EWIF rises at 0x40 and with EWI pends the WWDG interrupt; writing 0 clears it', () => {
    const { m } = wwdgChip();
    write(m, 'WWDG', CFR, WWDG_CFR.EWI | 0x7f);
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x7f);
    advanceNs(m, 63 * TICK_NS - 1000);
    assert.equal(irqPending(m, IRQ.WWDG), false);
    advanceNs(m, 1000);
    assert.equal(read(m, 'WWDG', SR), WWDG_SR.EWIF);
    assert.equal(irqPending(m, IRQ.WWDG), true);
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x7f); // refresh from the early-wakeup handler
    write(m, 'WWDG', SR, 0);
    assert.equal(irqLevel(m, IRQ.WWDG), false);
  });

  it('EWIF rises at 0x40 even without EWI, and then drives no interrupt', () => {
    const { m } = wwdgChip();
    advanceNs(m, 63 * TICK_NS);
    assert.equal(read(m, 'WWDG', SR), WWDG_SR.EWIF);
    assert.equal(irqLevel(m, IRQ.WWDG), false);
  });

  it('a refresh inside the window is fine; one while the counter is above W resets the chip', () => {
    const { m, causes } = wwdgChip();
    write(m, 'WWDG', CFR, 0x50);
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x7f); // the enabling write is not window-checked
    advanceNs(m, 0x30 * TICK_NS); // counter 0x4F: inside the window
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x7f);
    advanceNs(m, 10 * TICK_NS);
    assert.deepEqual(causes, []);
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x7f); // counter 0x75 > W = 0x50: too early
    advanceNs(m, 1000);
    assert.deepEqual(causes, ['wwdg']);
  });

  it('writing T6 = 0 with WDGA resets the chip at once (the software reset RM0090 describes)', () => {
    const { m, causes } = wwdgChip();
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x3f);
    advanceNs(m, 1000);
    assert.deepEqual(causes, ['wwdg']);
  });

  it('WDGTB divides further: at WDGTB = 3 a tick is 8 × 4096 PCLK1 cycles', () => {
    const { m } = wwdgChip();
    write(m, 'WWDG', CFR, (3 << WWDG_CFR.WDGTB_SHIFT) | 0x7f);
    write(m, 'WWDG', CR, 0x7f);
    advanceNs(m, 8 * 5 * TICK_NS);
    assert.equal(counter(m), 0x7a);
  });

  it('runs on PCLK1: with APB1 at 8 MHz a tick takes twice as long', () => {
    const { m } = wwdgChip();
    write(m, 'WWDG', CR, 0x7f);
    advanceNs(m, 4 * TICK_NS);
    write(m, 'RCC', RCC_REG.CFGR, 4 << 10); // PPRE1 = /2
    advanceNs(m, 8 * TICK_NS);
    assert.equal(counter(m), 0x7f - 4 - 4);
  });
});

describe('WWDG clock gate and debugger', () => {
  it('does not count while RCC_APB1ENR.WWDGEN is off: an active watchdog cannot fire', () => {
    const { m, causes } = wwdgChip();
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x7f);
    advanceNs(m, 10 * TICK_NS);
    write(m, 'RCC', RCC_REG.APB1ENR, read(m, 'RCC', RCC_REG.APB1ENR) & ~(1 << 11));
    advanceNs(m, 1000 * TICK_NS);
    assert.deepEqual(causes, []);
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 11);
    assert.equal(counter(m), 0x75);
    advanceNs(m, 54 * TICK_NS + 1000);
    assert.deepEqual(causes, ['wwdg']);
  });

  it('stands still while the core is debug-halted with DBG_WWDG_STOP, and resets the chip under the debugger without it', () => {
    const { m, causes } = wwdgChip();
    write(m, 'DBGMCU', DBGMCU_REG.APB1_FZ, APB1_FZ.DBG_WWDG_STOP);
    write(m, 'WWDG', CR, WWDG_CR.WDGA | 0x7f);
    m.setDebugHalted(true);
    advanceNs(m, 1000 * TICK_NS);
    assert.deepEqual(causes, []);
    assert.equal(counter(m), 0x7f);
    write(m, 'DBGMCU', DBGMCU_REG.APB1_FZ, 0);
    advanceNs(m, 64 * TICK_NS + 1000);
    assert.deepEqual(causes, ['wwdg']);
  });
});

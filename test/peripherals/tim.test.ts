import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IRQ } from '../../src/device/stm32f407.js';
import type { Machine } from '../../src/machine.js';
import { APB1_FZ, DBGMCU_REG } from '../../src/peripherals/dbgmcu.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { CR1, EGR, SR, TIM_REG } from '../../src/peripherals/tim.js';
import { advanceNs, chip, irqLevel, irqPending, read, setBits, write } from './support.js';

const { CR1: CR1_, DIER, SR: SR_, EGR: EGR_, CCMR1, CNT, PSC, ARR, CCR1 } = TIM_REG;
const US = 1000;
const MS = 1_000_000;

/** The chip (HSI 16 MHz, APB1 timer clock 16 MHz) with the timers' clocks on. */
function timChip(): Machine {
  const m = chip();
  setBits(m, 'RCC', RCC_REG.APB1ENR, 0x3f); // TIM2..TIM7
  return m;
}

/** PSC = 15: the counter ticks at 1 MHz; ARR as given; UG loads them; then the extra CR1 bits and CEN. */
function start(m: Machine, tim: string, arr: number, cr1 = 0, dier = 0): void {
  write(m, tim, PSC, 15);
  write(m, tim, ARR, arr);
  write(m, tim, EGR_, EGR.UG);
  write(m, tim, SR_, 0);
  write(m, tim, DIER, dier);
  write(m, tim, CR1_, cr1 | CR1.CEN);
}

describe('TIM registers', () => {
  it('reset values: everything 0 but ARR, which reads all ones (32 bits on TIM2/TIM5, 16 on the others)', () => {
    const m = timChip();
    for (const [tim, arr] of [['TIM2', 0xffff_ffff], ['TIM3', 0xffff], ['TIM4', 0xffff], ['TIM5', 0xffff_ffff], ['TIM6', 0xffff], ['TIM7', 0xffff]] as const) {
      assert.equal(read(m, tim, ARR), arr, tim);
      const channels = tim === 'TIM6' || tim === 'TIM7' ? [] : [CCR1, TIM_REG.CCR2, TIM_REG.CCR3, TIM_REG.CCR4, CCMR1, TIM_REG.CCER];
      for (const offset of [CR1_, TIM_REG.CR2, DIER, SR_, CNT, PSC, ...channels]) {
        assert.equal(read(m, tim, offset), 0, `${tim} +0x${offset.toString(16)}`);
      }
    }
  });

  it('TIM3 counts on 16 bits, TIM2 on 32; basic timers have no DIR, CMS or channels', () => {
    const m = timChip();
    write(m, 'TIM3', CNT, 0x1_2345);
    write(m, 'TIM2', CNT, 0x1_2345);
    assert.equal(read(m, 'TIM3', CNT), 0x2345);
    assert.equal(read(m, 'TIM2', CNT), 0x1_2345);
    write(m, 'TIM6', CR1_, 0xfffe);
    assert.equal(read(m, 'TIM6', CR1_), 0x8e, 'UDIS, URS, OPM, ARPE only');
    write(m, 'TIM7', CCR1, 5);
    assert.equal(read(m, 'TIM7', CCR1), 0);
  });

  it('SR flags clear by writing 0 and ignore writing 1', () => {
    const m = timChip();
    write(m, 'TIM4', EGR_, EGR.UG | EGR.CC1G | EGR.TG);
    assert.equal(read(m, 'TIM4', SR_), SR.UIF | SR.CC1IF | SR.TIF);
    write(m, 'TIM4', SR_, ~SR.UIF);
    assert.equal(read(m, 'TIM4', SR_), SR.CC1IF | SR.TIF);
    write(m, 'TIM4', SR_, 0xffff);
    assert.equal(read(m, 'TIM4', SR_), SR.CC1IF | SR.TIF);
  });
});

describe('TIM time base', () => {
  it('CNT follows emulated time through the prescaler', () => {
    const m = timChip();
    start(m, 'TIM2', 0xffff_ffff);
    advanceNs(m, 100 * US);
    assert.equal(read(m, 'TIM2', CNT), 100);
    advanceNs(m, 1_234 * US);
    assert.equal(read(m, 'TIM2', CNT), 1_334);
  });

  it('stops counting when CEN is cleared and resumes from the same count', () => {
    const m = timChip();
    start(m, 'TIM3', 0xffff);
    advanceNs(m, 50 * US);
    write(m, 'TIM3', CR1_, 0);
    advanceNs(m, 500 * US);
    assert.equal(read(m, 'TIM3', CNT), 50);
    write(m, 'TIM3', CR1_, CR1.CEN);
    advanceNs(m, 7 * US);
    assert.equal(read(m, 'TIM3', CNT), 57);
  });

  it('overflows at ARR: UIF and the TIM2 interrupt exactly one period after the start', () => {
    const m = timChip();
    start(m, 'TIM2', 999, 0, 1); // UIE
    advanceNs(m, MS - 2 * US);
    assert.equal(read(m, 'TIM2', SR_) & SR.UIF, 0);
    assert.equal(irqPending(m, IRQ.TIM2), false);
    advanceNs(m, 2 * US);
    assert.equal(irqPending(m, IRQ.TIM2), true);
    assert.equal(read(m, 'TIM2', SR_) & SR.UIF, SR.UIF);
    assert.equal(read(m, 'TIM2', CNT), 0);
    write(m, 'TIM2', SR_, 0);
    assert.equal(irqLevel(m, IRQ.TIM2), false);
    advanceNs(m, MS);
    assert.equal(irqLevel(m, IRQ.TIM2), true, 'every period');
  });

  it('keeps counting right across many periods nobody watches', () => {
    const m = timChip();
    start(m, 'TIM4', 999);
    advanceNs(m, 10_000 * MS + 123 * US);
    assert.equal(read(m, 'TIM4', CNT), 123);
    assert.equal(read(m, 'TIM4', SR_) & SR.UIF, SR.UIF);
  });

  it('ARR acts at once without ARPE, at the next update with ARPE; PSC always at the next update', () => {
    const m = timChip();
    start(m, 'TIM3', 999);
    write(m, 'TIM3', ARR, 99); // ARPE = 0: the period is now 100 ticks
    advanceNs(m, 100 * US);
    assert.equal(read(m, 'TIM3', CNT), 0);
    write(m, 'TIM3', CR1_, CR1.CEN | CR1.ARPE);
    write(m, 'TIM3', ARR, 9); // preloaded: this period still runs to 99
    write(m, 'TIM3', PSC, 1); // 500 kHz from the next update on
    advanceNs(m, 99 * US);
    assert.equal(read(m, 'TIM3', CNT), 99);
    advanceNs(m, 1 * US); // update: ARR = 9, PSC = 1
    advanceNs(m, 4 * US);
    assert.equal(read(m, 'TIM3', CNT), 2);
    advanceNs(m, 16 * US);
    assert.equal(read(m, 'TIM3', CNT), 0, '10 ticks of 2 µs');
  });

  it('UG re-initialises the counter and sets UIF unless URS; UDIS suppresses the update but not the restart', () => {
    const m = timChip();
    start(m, 'TIM5', 0xffff_ffff);
    advanceNs(m, 40 * US);
    write(m, 'TIM5', CR1_, CR1.CEN | CR1.URS);
    write(m, 'TIM5', EGR_, EGR.UG);
    assert.equal(read(m, 'TIM5', CNT), 0);
    assert.equal(read(m, 'TIM5', SR_) & SR.UIF, 0);
    write(m, 'TIM5', CR1_, CR1.CEN | CR1.UDIS);
    write(m, 'TIM5', PSC, 0);
    advanceNs(m, 10 * US);
    write(m, 'TIM5', EGR_, EGR.UG);
    assert.equal(read(m, 'TIM5', SR_) & SR.UIF, 0);
    advanceNs(m, 10 * US);
    assert.equal(read(m, 'TIM5', CNT), 10, 'PSC not loaded: still 1 MHz');
    write(m, 'TIM5', CR1_, CR1.CEN);
    write(m, 'TIM5', EGR_, EGR.UG);
    assert.equal(read(m, 'TIM5', SR_) & SR.UIF, SR.UIF);
    advanceNs(m, 10 * US);
    assert.equal(read(m, 'TIM5', CNT), 160, 'PSC = 0: 16 MHz');
  });

  it('one-pulse mode stops the counter at the update: CEN clears, CNT stays 0', () => {
    const m = timChip();
    start(m, 'TIM7', 49, CR1.OPM, 1);
    advanceNs(m, 50 * US);
    assert.equal(irqPending(m, IRQ.TIM7), true);
    assert.equal(read(m, 'TIM7', CR1_) & CR1.CEN, 0);
    advanceNs(m, 200 * US);
    assert.equal(read(m, 'TIM7', CNT), 0);
  });

  it('down-counting runs from ARR to 0, underflows to ARR with UIF', () => {
    const m = timChip();
    write(m, 'TIM2', CR1_, CR1.DIR);
    start(m, 'TIM2', 99, CR1.DIR);
    assert.equal(read(m, 'TIM2', CNT), 99, 'UG loads ARR when counting down');
    advanceNs(m, 30 * US);
    assert.equal(read(m, 'TIM2', CNT), 69);
    advanceNs(m, 70 * US);
    assert.equal(read(m, 'TIM2', CNT), 99);
    assert.equal(read(m, 'TIM2', SR_) & SR.UIF, SR.UIF);
  });

  it('centre-aligned mode counts up to ARR and down to 0 with an update at each end; DIR shows the direction', () => {
    const m = timChip();
    start(m, 'TIM3', 10, 1 << CR1.CMS_SHIFT);
    advanceNs(m, 10 * US);
    assert.equal(read(m, 'TIM3', CNT), 10);
    assert.equal(read(m, 'TIM3', CR1_) & CR1.DIR, CR1.DIR);
    assert.equal(read(m, 'TIM3', SR_) & SR.UIF, SR.UIF, 'overflow');
    write(m, 'TIM3', SR_, 0);
    advanceNs(m, 7 * US);
    assert.equal(read(m, 'TIM3', CNT), 3);
    advanceNs(m, 3 * US);
    assert.equal(read(m, 'TIM3', CNT), 0);
    assert.equal(read(m, 'TIM3', CR1_) & CR1.DIR, 0);
    assert.equal(read(m, 'TIM3', SR_) & SR.UIF, SR.UIF, 'underflow');
  });

  it('a counter above ARR runs to its top and rolls over to 0 without an update', () => {
    const m = timChip();
    start(m, 'TIM4', 100);
    write(m, 'TIM4', CNT, 0xfff0);
    advanceNs(m, 16 * US);
    assert.equal(read(m, 'TIM4', CNT), 0);
    assert.equal(read(m, 'TIM4', SR_) & SR.UIF, 0);
  });

  it('ARR = 0 blocks the counter', () => {
    const m = timChip();
    start(m, 'TIM6', 0);
    advanceNs(m, 100 * US);
    assert.equal(read(m, 'TIM6', CNT), 0);
  });
});

describe('TIM compare channels', () => {
  it('an output channel sets CC1IF when the counter reaches CCR1, raising TIM4 with CC1IE', () => {
    const m = timChip();
    write(m, 'TIM4', CCR1, 300);
    start(m, 'TIM4', 999, 0, 1 << 1);
    advanceNs(m, 299 * US);
    assert.equal(read(m, 'TIM4', SR_) & SR.CC1IF, 0);
    advanceNs(m, 1 * US);
    assert.equal(read(m, 'TIM4', SR_) & SR.CC1IF, SR.CC1IF);
    assert.equal(irqPending(m, IRQ.TIM4), true);
    assert.equal(read(m, 'TIM4', SR_) & SR.UIF, 0);
  });

  it('an input channel captures CNT on CC1G (CC1OF on a second one) and its CCR read clears CC1IF', () => {
    const m = timChip();
    write(m, 'TIM2', CCMR1, 1); // CC1S = 01: input
    start(m, 'TIM2', 0xffff_ffff);
    advanceNs(m, 42 * US);
    write(m, 'TIM2', EGR_, EGR.CC1G);
    write(m, 'TIM2', EGR_, EGR.CC1G);
    assert.equal(read(m, 'TIM2', SR_) & (SR.CC1IF | SR.CC1OF), SR.CC1IF | SR.CC1OF);
    assert.equal(read(m, 'TIM2', CCR1), 42);
    assert.equal(read(m, 'TIM2', SR_) & SR.CC1IF, 0);
  });
});

describe('TIM clock', () => {
  it('runs on the APB1 timer clock: twice PCLK1 when the APB1 prescaler divides', () => {
    const m = timChip();
    write(m, 'RCC', RCC_REG.CFGR, 5 << 10); // PPRE1 = /4: PCLK1 4 MHz, timer clock 8 MHz
    write(m, 'TIM2', CR1_, CR1.CEN);
    advanceNs(m, 100 * US);
    assert.equal(read(m, 'TIM2', CNT), 800);
  });

  it('keeps its count across a clock change and continues at the new rate', () => {
    const m = timChip();
    write(m, 'TIM2', CR1_, CR1.CEN); // 16 MHz
    advanceNs(m, 10 * US);
    write(m, 'RCC', RCC_REG.CFGR, 5 << 10); // timer clock 8 MHz
    advanceNs(m, 10 * US);
    assert.equal(read(m, 'TIM2', CNT), 160 + 80);
  });

  it('TIM6 interrupts on the TIM6_DAC line', () => {
    const m = timChip();
    start(m, 'TIM6', 9, 0, 1);
    advanceNs(m, 10 * US);
    assert.equal(irqPending(m, IRQ.TIM6_DAC), true);
  });
});

describe('TIM and the debugger', () => {
  it('stands still while the core is debug-halted with DBG_TIM2_STOP; TIM3 without its bit counts on', () => {
    const m = timChip();
    write(m, 'DBGMCU', DBGMCU_REG.APB1_FZ, APB1_FZ.DBG_TIM2_STOP);
    start(m, 'TIM2', 0xffff_ffff);
    start(m, 'TIM3', 0xffff);
    advanceNs(m, 100 * US);
    m.setDebugHalted(true);
    advanceNs(m, 1 * MS);
    assert.deepEqual([read(m, 'TIM2', CNT), read(m, 'TIM3', CNT)], [100, 1100]);
    m.setDebugHalted(false);
    advanceNs(m, 10 * US);
    assert.deepEqual([read(m, 'TIM2', CNT), read(m, 'TIM3', CNT)], [110, 1110]);
  });

  it('stands still while RCC gates its clock off (APB1ENR.TIMxEN)', () => {
    const m = timChip();
    start(m, 'TIM3', 0xffff);
    advanceNs(m, 100 * US);
    write(m, 'RCC', RCC_REG.APB1ENR, read(m, 'RCC', RCC_REG.APB1ENR) & ~0x2);
    advanceNs(m, 1 * MS);
    setBits(m, 'RCC', RCC_REG.APB1ENR, 0x2);
    advanceNs(m, 10 * US);
    assert.equal(read(m, 'TIM3', CNT), 110);
  });
});

/**
 * The clock a peripheral counts on (RM0090 §7.2 Figure 21): PCLK1/PCLK2 for the USARTs' baud rate
 * generators and the WWDG, the APB timer clocks (twice PCLK when the APB prescaler is not 1) for
 * TIM2–TIM7.
 *
 * RCC owns the clock tree. Its block (0x4002_3800) is built after the APB peripherals, so a peripheral
 * cannot reach it while the Machine builds them: `rccClock` looks RCC up the first time the frequency
 * is needed and subscribes to its changes then. Before that nothing depends on the frequency, so no
 * change can be missed. A Machine without an RCC model runs everything on the reset clock (HSI, 16 MHz).
 */
import type { Machine } from '../machine.js';
import { type Clocks, Rcc } from './rcc.js';

export interface ClockInput {
  /** The frequency now, in Hz. */
  hz(): number;
  /** `listener` runs after the frequency may have changed (the old value is gone by then). */
  onChange(listener: () => void): void;
}

/** A clock that never changes (tests; parts without RCC). */
export function fixedClock(hz: number): ClockInput {
  return { hz: () => hz, onChange: () => {} };
}

/** Which RCC clock a peripheral block runs on, by the bus it sits on. */
export function busClock(bus: string, kind: 'pclk' | 'timer'): (c: Clocks) => number {
  if (bus === 'APB2') return kind === 'pclk' ? (c) => c.pclk2 : (c) => c.timclk2;
  return kind === 'pclk' ? (c) => c.pclk1 : (c) => c.timclk1;
}

/** One of the machine's RCC clocks (see the header), or `fallbackHz` if the machine has no RCC model. */
export function rccClock(machine: Machine, pick: (c: Clocks) => number, fallbackHz = machine.device.resetClockHz): ClockInput {
  let rcc: Rcc | undefined;
  const listeners: Array<() => void> = [];
  const find = (): Rcc | undefined => {
    if (rcc) return rcc;
    const p = machine.peripherals.get('RCC');
    if (!(p instanceof Rcc)) return undefined;
    rcc = p;
    p.clockListeners.push(() => {
      for (const l of listeners) l();
    });
    return rcc;
  };
  return {
    hz: () => {
      const r = find();
      return r ? pick(r.clocks) : fallbackHz;
    },
    onChange: (listener) => {
      listeners.push(listener);
    },
  };
}

/**
 * A peripheral whose counter runs on a clock and is computed from emulated time instead of ticking
 * (TIM2–TIM7, WWDG): the subclass keeps its counter at a base time and a rate, brings it up to now on
 * every access (`catchUp`), and keeps one alarm at the next event that matters (`reschedule`).
 *
 * What the counter's clock is, as far as the counter is concerned (`counterHz`):
 * - the bus clock RCC gives the block (`ClockInput`), followed through every change;
 * - 0 Hz while RCC gates the block off (its xxxENR bit clear, RM0090 §7.3.13 "the peripheral clock
 *   is disabled"): the counter stands still and goes on from the same value when the clock returns;
 * - 0 Hz while DBGMCU freezes it because a debugger halts the core (RM0090 §38.16.4 DBGMCU_APB1_FZ:
 *   "the counter ... is stopped when the core is halted"): `setDebugFrozen`, called by DBGMCU only.
 */
import type { PeripheralBlock } from '../device/stm32f407.js';
import type { ClockInput } from './clock-input.js';
import type { DebugFreezable } from './dbgmcu.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

export abstract class ClockedCounter extends Peripheral implements DebugFreezable {
  private debugFrozen = false;

  constructor(
    block: PeripheralBlock,
    ctx: PeripheralContext,
    protected readonly clock: ClockInput,
  ) {
    super(block, ctx);
    clock.onChange(() => this.clockChanged());
  }

  /** The frequency the counter's prescaler sees now: 0 while gated off by RCC or frozen by DBGMCU. */
  protected counterHz(): number {
    const hz = this.clock.hz(); // asked first: the first call subscribes to RCC's changes (clock-input.ts)
    return this.debugFrozen || !this.clockEnabled() ? 0 : hz;
  }

  /** Brings the counter up to now at the rate in force (flags, resets it causes on the way). */
  protected abstract catchUp(): void;
  /** Takes the rate from `counterHz()` (after `catchUp` has counted up to now at the old one). */
  protected abstract refreshRate(): void;
  /** Drives the interrupt line from the flags. */
  protected abstract updateIrq(): void;
  /** Keeps the alarm at the next event, or none. */
  protected abstract reschedule(): void;

  /** The alarm: an event's time has come. */
  protected onAlarm(): void {
    this.catchUp();
    this.updateIrq();
    this.reschedule();
  }

  /** The counter's clock changed (RCC, the gate, a freeze): count up to now at the old rate, go on at the new one. */
  protected clockChanged(): void {
    this.catchUp();
    this.refreshRate();
    this.updateIrq();
    this.reschedule();
  }

  /** DBGMCU: the debugger halted the core with this block's DBG_xxx_STOP set (true), or no longer (false). */
  setDebugFrozen(frozen: boolean): void {
    if (frozen === this.debugFrozen) return;
    this.debugFrozen = frozen;
    this.clockChanged();
  }
}

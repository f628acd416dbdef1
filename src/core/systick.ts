/**
 * SysTick, the 24-bit system timer (PM0214 §4.5, ARM ARM B3.3).
 *
 * The counter is not stepped: VAL is computed from the scheduler's cycle count since the last write
 * ("anchor"), and one Alarm fires at the cycle where it counts from 1 to 0 (COUNTFLAG, the SysTick
 * exception when TICKINT). It then reloads LOAD on the next tick, so a period is LOAD + 1 ticks.
 * A tick is one HCLK cycle (CLKSOURCE = 1) or eight (CLKSOURCE = 0: the STM32F4 feeds the reference
 * clock with HCLK/8, RM0090 §6.2 Figure 21). The scheduler counts HCLK cycles, so a change of the
 * core clock (scheduler.setFrequency) needs nothing here. While a debugger halts the core the counter
 * does not decrement (PM0214 §4.5 "When the processor is halted for debugging the counter does not
 * decrement"): `debugHalt`.
 */
import { CORE_BLOCKS } from '../device/stm32f407.js';
import type { Alarm, Scheduler } from '../time/scheduler.js';
import { merge, type RegisterBlock } from './scs.js';

/** Offsets from 0xE000_E010. */
const CTRL = 0x0;
const LOAD = 0x4;
const VAL = 0x8;
const CALIB = 0xc;

/** STK_CTRL bits (PM0214 §4.5.1). */
export const STK_CTRL = { ENABLE: 1 << 0, TICKINT: 1 << 1, CLKSOURCE: 1 << 2, COUNTFLAG: 1 << 16 } as const;
const CTRL_WRITABLE = STK_CTRL.ENABLE | STK_CTRL.TICKINT | STK_CTRL.CLKSOURCE;
const COUNTER_MASK = 0xff_ffff;
/** HCLK cycles per tick of the external reference clock (CLKSOURCE = 0) on the STM32F4. */
export const REFERENCE_DIVIDER = 8;

/**
 * STK_CALIB. RM0090 §12.1.2: "The SysTick calibration value is fixed to 18750, which gives a reference
 * time base of 1 ms with the SysTick clock set to 18.75 MHz (HCLK/8, with HCLK set to 150 MHz)."
 * TENMS = 18750; NOREF = 0 (the HCLK/8 reference exists); SKEW = 1, since TENMS is not the 10 ms reload
 * ARM defines for that clock. Not confirmed on an F407 part: if silicon reads otherwise, silicon wins.
 */
export const CALIB_VALUE = ((1 << 30) | 18750) >>> 0;

/** VAL after `ticks` ticks from `value` (B3.3.1): down to 0, then LOAD on the next tick; LOAD = 0 stops it at 0. */
function valueAfter(value: number, load: number, ticks: number): number {
  if (ticks <= value) return value - ticks;
  if (load === 0) return 0;
  return load - ((ticks - value - 1) % (load + 1));
}

export class SysTick implements RegisterBlock {
  private ctrl = 0;
  private load = 0;
  private countflag = 0;
  /** VAL at cycle `anchorCycle` (the last write or 1 → 0 count). */
  private anchorValue = 0;
  private anchorCycle = 0;
  /** Cycle of the next 1 → 0 count, or Infinity. */
  private nextZero = Infinity;
  private readonly alarm: Alarm;
  /** A debugger holds the core halted: VAL stands still. */
  private halted = false;

  constructor(
    private readonly scheduler: Scheduler,
    /** Pends the SysTick exception. */
    private readonly onTick: () => void,
  ) {
    this.alarm = scheduler.createAlarm('SysTick', () => this.sync());
  }

  reset(): void {
    this.alarm.cancel();
    this.ctrl = 0;
    this.load = 0;
    this.countflag = 0;
    this.anchorValue = 0;
    this.anchorCycle = this.scheduler.cycles;
    this.nextZero = Infinity;
  }

  readWord(address: number): number {
    switch (address - CORE_BLOCKS.SysTick) {
      case CTRL: {
        this.sync();
        const v = this.ctrl | (this.countflag << 16);
        this.countflag = 0; // COUNTFLAG clears when CTRL is read
        return v;
      }
      case LOAD: return this.load;
      case VAL:
        this.sync();
        return this.current();
      case CALIB: return CALIB_VALUE;
      default: return 0;
    }
  }

  writeWord(address: number, value: number, mask: number): void {
    switch (address - CORE_BLOCKS.SysTick) {
      case CTRL:
        this.reconfigure(() => (this.ctrl = merge(this.ctrl, value, mask) & CTRL_WRITABLE));
        break;
      case LOAD:
        // A new LOAD takes effect at the next reload (PM0214 §4.5.2).
        this.reconfigure(() => (this.load = merge(this.load, value, mask) & COUNTER_MASK));
        break;
      case VAL:
        // Any write clears VAL and COUNTFLAG (PM0214 §4.5.3).
        this.sync();
        this.countflag = 0;
        this.restart(0);
        break;
      default:
        break; // CALIB is read-only
    }
  }

  private get running(): boolean {
    return (this.ctrl & STK_CTRL.ENABLE) !== 0 && !this.halted;
  }

  /** A debugger halted (true) or released (false) the core: counting stops and goes on from VAL. */
  debugHalt(halted: boolean): void {
    if (halted === this.halted) return;
    this.sync();
    const value = this.current();
    this.halted = halted;
    this.restart(value);
  }

  /** HCLK cycles per tick. */
  private get divider(): number {
    return (this.ctrl & STK_CTRL.CLKSOURCE) !== 0 ? 1 : REFERENCE_DIVIDER;
  }

  /** VAL now; counts up to now must have been processed by sync(). */
  private current(): number {
    if (!this.running) return this.anchorValue;
    const ticks = Math.floor((this.scheduler.cycles - this.anchorCycle) / this.divider);
    return valueAfter(this.anchorValue, this.load, ticks);
  }

  /** A CTRL or LOAD write: counting goes on from the current value under the new settings. */
  private reconfigure(change: () => void): void {
    this.sync();
    const value = this.current();
    change();
    this.restart(value);
  }

  /** Counting restarts now from `value` (after a register write). */
  private restart(value: number): void {
    this.anchorValue = value;
    this.anchorCycle = this.scheduler.cycles;
    const ticksToZero = value > 0 ? value : this.load > 0 ? this.load + 1 : Infinity;
    this.nextZero = this.running ? this.anchorCycle + ticksToZero * this.divider : Infinity;
    this.arm();
  }

  /** Processes the 1 → 0 count if its cycle has come: COUNTFLAG, the exception, the next period. */
  private sync(): void {
    const now = this.scheduler.cycles;
    if (this.nextZero <= now) {
      const period = (this.load + 1) * this.divider;
      // If several periods went by unobserved, the latest one counts (one flag, one pending exception).
      const zero = this.load === 0 ? this.nextZero : this.nextZero + Math.floor((now - this.nextZero) / period) * period;
      this.countflag = 1;
      if ((this.ctrl & STK_CTRL.TICKINT) !== 0) this.onTick();
      this.anchorCycle = zero;
      this.anchorValue = 0;
      this.nextZero = this.load === 0 ? Infinity : zero + period;
    }
    this.arm();
  }

  private arm(): void {
    if (!this.running || this.nextZero === Infinity) this.alarm.cancel();
    else if (this.alarm.at !== this.nextZero) this.alarm.scheduleCycles(this.nextZero - this.scheduler.cycles);
  }
}

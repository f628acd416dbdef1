/**
 * WWDG — window watchdog (RM0090 §20): a 7-bit down-counter (T[6:0]) clocked by PCLK1 / 4096 / 2^WDGTB
 * that resets the chip when bit T6 falls (0x40 → 0x3F) or when firmware refreshes it too early.
 *
 * - WWDG_CR (+0x00, reset 0x7F): T[6:0] loads the counter; WDGA (bit 7) activates the watchdog, and only
 *   a reset clears it again.
 * - WWDG_CFR (+0x04, reset 0x7F): W[6:0] the window, WDGTB[1:0] (bits 8:7) the timer base, EWI (bit 9)
 *   the early wake-up interrupt enable, which only a reset clears.
 * - WWDG_SR (+0x08): EWIF (bit 0) rises when the counter reaches 0x40, whether EWI is set or not;
 *   software clears it by writing 0. The WWDG interrupt line is EWI ∧ EWIF.
 * - Resets (cause 'wwdg', RCC_CSR.WWDGRSTF), once WDGA = 1: the counter passing 0x40 → 0x3F; a write to
 *   CR while the counter is above W (outside the window); a write that leaves T6 = 0. The write that
 *   sets WDGA is not checked against the window (silicon: ST's HAL enables it with one write whatever
 *   the free-running counter holds).
 * - The counter runs whether or not WDGA is set, wrapping 0x00 → 0x7F (§20.3 "free-running").
 *
 * - The counter stands still while RCC_APB1ENR.WWDGEN is off (no PCLK1 reaches it) and while a debugger
 *   halts the core with DBGMCU_APB1_FZ.DBG_WWDG_STOP set (RM0090 §38.16.4): see clocked-counter.ts.
 *
 * The counter is computed from emulated time; alarms only where an interrupt or a reset may follow.
 */
import { IRQ, type PeripheralBlock } from '../device/stm32f407.js';
import type { PeripheralFactory } from '../machine.js';
import type { ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import { type ClockInput, fixedClock, rccClock } from './clock-input.js';
import { ClockedCounter } from './clocked-counter.js';
import type { PeripheralContext } from './peripheral.js';

/** Register offsets (RM0090 §20.6.4). */
export const WWDG_REG = { CR: 0x00, CFR: 0x04, SR: 0x08 } as const;

/** WWDG_CR and WWDG_CFR bits (RM0090 §20.6.1–20.6.2). */
export const WWDG_CR = { T: 0x7f, T6: 0x40, WDGA: 1 << 7 } as const;
export const WWDG_CFR = { W: 0x7f, WDGTB_SHIFT: 7, WDGTB: 3 << 7, EWI: 1 << 9 } as const;
export const WWDG_SR = { EWIF: 1 << 0 } as const;

/** PCLK1 cycles per counter tick at WDGTB = 0. */
export const WWDG_PRESCALER = 4096;

const EARLY_WAKEUP_COUNT = 0x40;
const RESET_COUNT = 0x3f;

export class WindowWatchdog extends ClockedCounter {
  /** Asks the Machine for the reset ('system', 'wwdg'). */
  expire: () => void = () => {};

  private readonly alarm: Alarm;
  private cr = 0x7f;
  private cfr = 0x7f;
  private sr = 0;
  /** Counter (unwrapped: may go below 0) at `baseNs`; it counts down one every `tickNs()`. */
  private baseCount = 0x7f;
  private baseNs = 0;
  /** Nanoseconds per counter tick at the current PCLK1 and WDGTB (Infinity without a clock). */
  private tick = Infinity;

  constructor(block: PeripheralBlock, ctx: PeripheralContext, clock: ClockInput = fixedClock(16_000_000)) {
    super(block, ctx, clock);
    this.alarm = ctx.scheduler.createAlarm('WWDG', () => this.onAlarm());
    this.reset('power-on');
  }

  /** The 7-bit counter now. */
  get counter(): number {
    this.catchUp();
    return this.baseCount & 0x7f;
  }

  readRegister(offset: number): number {
    this.catchUp();
    switch (offset) {
      case WWDG_REG.CR:
        return (this.cr & WWDG_CR.WDGA) | (this.baseCount & 0x7f);
      case WWDG_REG.CFR:
        return this.cfr;
      case WWDG_REG.SR:
        return this.sr;
      default:
        return 0;
    }
  }

  writeRegister(offset: number, value: number): void {
    this.catchUp();
    switch (offset) {
      case WWDG_REG.CR:
        this.writeCr(value);
        break;
      case WWDG_REG.CFR:
        // EWI is cleared only by a reset.
        this.cfr = (value & (WWDG_CFR.W | WWDG_CFR.WDGTB | WWDG_CFR.EWI)) | (this.cfr & WWDG_CFR.EWI);
        this.refreshRate();
        break;
      case WWDG_REG.SR:
        this.sr &= value | ~WWDG_SR.EWIF;
        break;
    }
    this.updateIrq();
    this.reschedule();
  }

  /** CR: refresh (outside the window: reset), activation (sticky), T6 = 0 with WDGA: reset. */
  private writeCr(value: number): void {
    const wasActive = (this.cr & WWDG_CR.WDGA) !== 0;
    if (wasActive && (this.baseCount & 0x7f) > (this.cfr & WWDG_CFR.W)) return this.expire();
    this.cr = (this.cr & WWDG_CR.WDGA) | (value & WWDG_CR.WDGA);
    this.baseCount = value & WWDG_CR.T;
    this.baseNs = this.ctx.scheduler.nowNs();
    if ((this.cr & WWDG_CR.WDGA) !== 0 && (value & WWDG_CR.T6) === 0) this.expire();
  }

  // ---- Counting -----------------------------------------------------------------------------------

  /** Nanoseconds per tick from PCLK1 and WDGTB (Infinity: gated off or frozen, the counter stands still). */
  protected refreshRate(): void {
    const hz = this.counterHz();
    this.tick = hz > 0 ? (WWDG_PRESCALER * (1 << ((this.cfr & WWDG_CFR.WDGTB) >>> WWDG_CFR.WDGTB_SHIFT)) * 1e9) / hz : Infinity;
  }

  /** Ticks from the counter at `baseNs` until it next holds `value` (1…128). */
  private ticksUntil(value: number): number {
    return ((this.baseCount - value - 1) & 0x7f) + 1;
  }

  /** Brings the counter up to now: EWIF if it passed 0x40, the reset if it passed 0x3F while active. */
  protected catchUp(): void {
    const now = this.ctx.scheduler.nowNs();
    if (!Number.isFinite(this.tick)) {
      this.baseNs = now; // no clock: the counter stands still
      return;
    }
    const tick = this.tick;
    const ticks = Math.floor((now - this.baseNs) / tick + 1e-9);
    if (ticks <= 0) return;
    if (ticks >= this.ticksUntil(EARLY_WAKEUP_COUNT)) this.sr |= WWDG_SR.EWIF;
    const expired = (this.cr & WWDG_CR.WDGA) !== 0 && ticks >= this.ticksUntil(RESET_COUNT);
    this.baseCount = (this.baseCount - ticks) & 0x7f;
    this.baseNs += ticks * tick;
    if (expired) this.expire();
  }

  /** An alarm at the next tick that matters: 0x40 for the interrupt, 0x3F for the reset. */
  protected reschedule(): void {
    const ewiWanted = (this.cfr & WWDG_CFR.EWI) !== 0 && (this.sr & WWDG_SR.EWIF) === 0;
    const active = (this.cr & WWDG_CR.WDGA) !== 0;
    const tick = this.tick;
    if ((!ewiWanted && !active) || !Number.isFinite(tick)) {
      this.alarm.cancel();
      return;
    }
    const ticks = Math.min(ewiWanted ? this.ticksUntil(EARLY_WAKEUP_COUNT) : Infinity, active ? this.ticksUntil(RESET_COUNT) : Infinity);
    this.alarm.scheduleNs(Math.max(0, this.baseNs + ticks * tick - this.ctx.scheduler.nowNs()));
  }

  protected updateIrq(): void {
    this.ctx.setIrq(IRQ.WWDG, (this.cfr & WWDG_CFR.EWI) !== 0 && (this.sr & WWDG_SR.EWIF) !== 0);
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    this.alarm.cancel();
    this.cr = 0x7f;
    this.cfr = 0x7f;
    this.sr = 0;
    this.baseCount = 0x7f;
    this.baseNs = this.ctx.scheduler.nowNs();
    this.refreshRate();
    this.updateIrq();
  }
}

/** Builds the WWDG on PCLK1 from RCC; its resets go to the Machine (cause 'wwdg'). */
export const wwdgFactory: PeripheralFactory = (block, ctx, machine) => {
  if (block.name !== 'WWDG') return undefined;
  const wwdg = new WindowWatchdog(block, ctx, rccClock(machine, (c) => c.pclk1));
  wwdg.expire = () => machine.requestReset('system', 'wwdg');
  return wwdg;
};

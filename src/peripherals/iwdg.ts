/**
 * IWDG — independent watchdog (RM0090 §19): a 12-bit down-counter on the LSI (32 kHz) that resets the
 * chip when it runs out, unless firmware reloads it in time.
 *
 * - IWDG_KR (+0x00, write-only): 0xCCCC starts the watchdog (and forces the LSI on) with the counter
 *   at 0xFFF; 0xAAAA reloads the counter from RLR; 0x5555 opens PR and RLR for writing. Any other
 *   value, 0xAAAA and 0xCCCC close them again (§19.3.2).
 * - IWDG_PR (+0x04): divider 4 << PR (PR 6 and 7: 256). IWDG_RLR (+0x08): 12-bit reload, reset 0xFFF.
 * - IWDG_SR (+0x0C): PVU/RVU are set while a PR/RLR write crosses into the LSI (VDD) domain, 5 LSI
 *   cycles (RM0090 says "5 RC 40 kHz cycles"; the F4's RC is the 32 kHz LSI). Until then the old value
 *   is in force and reads back, and further writes to that register are ignored. Without the LSI
 *   running (watchdog not started, RCC LSION off) the update does not complete — the silicon trap
 *   of configuring the IWDG before starting it.
 * - Timeout: (counter + 1) ticks of LSI / divider, e.g. RLR = 0xFFF with PR = 0 → 512 ms (RM0090
 *   Table 107: 0.125 ms at RL = 0). Expiry asks the Machine for a system reset with cause 'iwdg'
 *   (RCC_CSR.IWDGRSTF). A system reset stops the watchdog, except in hardware mode: with the option
 *   byte WDG_SW = 0 it starts by itself at every reset.
 * - Debug: while the core is halted by a debugger and DBGMCU_APB1_FZ.DBG_IWDG_STOP is set, the counter
 *   stands still (DBGMCU calls `setDebugFrozen`); without it the watchdog keeps counting through the
 *   halt and resets the chip under the debugger, as on silicon. The LSI is taken as exactly 32 kHz
 *   (silicon: 17–47 kHz).
 *
 * The counter is not a register: it is computed from emulated time, with one alarm at the expiry.
 */
import type { PeripheralBlock } from '../device/stm32f407.js';
import { FlashInterface } from '../flash/interface.js';
import type { PeripheralFactory } from '../machine.js';
import type { ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import type { DebugFreezable } from './dbgmcu.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';
import { LSI_HZ, Rcc } from './rcc.js';

/** Register offsets (RM0090 §19.4.5). */
export const IWDG_REG = { KR: 0x00, PR: 0x04, RLR: 0x08, SR: 0x0c } as const;

/** IWDG_KR keys (RM0090 §19.4.1). */
export const IWDG_KEY = { START: 0xcccc, RELOAD: 0xaaaa, UNLOCK: 0x5555 } as const;

/** IWDG_SR (RM0090 §19.4.4). */
export const IWDG_SR = { PVU: 1 << 0, RVU: 1 << 1 } as const;

/** LSI cycles a PR/RLR write takes to reach the counter's domain. */
export const IWDG_UPDATE_LSI_CYCLES = 5;

const RLR_RESET = 0xfff;

/** What the IWDG needs from the chip around it. */
export interface IwdgWiring {
  /** Asks for the reset the watchdog causes (the Machine's `requestReset('system', 'iwdg')`). */
  expire: () => void;
  /** Option byte WDG_SW = 0: the watchdog starts by hardware at every reset. */
  hardwareMode: () => boolean;
  /** RCC's LSI is running (RCC_CSR.LSIRDY) even though the watchdog has not forced it on. */
  lsiRunning: () => boolean;
}

const UNWIRED: IwdgWiring = { expire: () => {}, hardwareMode: () => false, lsiRunning: () => false };

export class IndependentWatchdog extends Peripheral implements DebugFreezable {
  /** LSI frequency (RM0090 §7.2.5: 32 kHz nominal). */
  lsiHz = LSI_HZ;

  /** Connections to the rest of the chip. */
  readonly wiring: IwdgWiring;
  private readonly expiryAlarm: Alarm;
  private readonly prAlarm: Alarm;
  private readonly rlrAlarm: Alarm;

  private started = false;
  private unlocked = false;
  /** Values in force (the LSI domain) and values written but not yet there (-1: none). */
  private pr = 0;
  private rlr = RLR_RESET;
  private pendingPr = -1;
  private pendingRlr = -1;
  /** Counter value at `baseNs` (emulated time); it counts down one every `tickNs()`. */
  private baseCount = RLR_RESET;
  private baseNs = 0;
  /** DBGMCU froze the counter (debugger halt with DBG_IWDG_STOP): `baseCount` holds. Survives resets. */
  private frozen = false;

  constructor(block: PeripheralBlock, ctx: PeripheralContext, wiring: Partial<IwdgWiring> = {}) {
    super(block, ctx);
    this.wiring = { ...UNWIRED, ...wiring };
    const s = ctx.scheduler;
    this.expiryAlarm = s.createAlarm('IWDG expiry', () => this.checkExpiry());
    this.prAlarm = s.createAlarm('IWDG PR update', () => this.completePr());
    this.rlrAlarm = s.createAlarm('IWDG RLR update', () => this.completeRlr());
    this.reset('power-on');
  }

  /** The watchdog is running (it cannot be stopped but by a reset). */
  get running(): boolean {
    return this.started;
  }

  /** The down-counter now (0xFFF after a start; 0 just before the reset). */
  get counter(): number {
    if (!this.started) return this.baseCount;
    return Math.max(0, this.baseCount - this.elapsedTicks());
  }

  /** Emulated nanoseconds until the watchdog resets the chip (Infinity when stopped or frozen). */
  get nsToExpiry(): number {
    if (!this.started || this.frozen) return Infinity;
    return this.baseNs + (this.baseCount + 1) * this.tickNs() - this.ctx.scheduler.nowNs();
  }

  /**
   * DBGMCU: a debugger halted the core with DBG_IWDG_STOP set (true), or that ended (false). The counter
   * keeps its value for the whole halt and goes on from it (the LSI keeps running; the tick phase is lost).
   */
  setDebugFrozen(frozen: boolean): void {
    if (frozen === this.frozen) return;
    if (frozen) {
      this.rebase();
      this.frozen = true;
      this.expiryAlarm.cancel();
    } else {
      this.frozen = false;
      this.baseNs = this.ctx.scheduler.nowNs();
      this.scheduleExpiry();
    }
  }

  // ---- Registers ------------------------------------------------------------------------------

  readRegister(offset: number): number {
    switch (offset) {
      case IWDG_REG.PR:
        return this.pr;
      case IWDG_REG.RLR:
        return this.rlr;
      case IWDG_REG.SR:
        this.startPendingUpdates(); // the LSI may have started since the write
        return (this.pendingPr >= 0 ? IWDG_SR.PVU : 0) | (this.pendingRlr >= 0 ? IWDG_SR.RVU : 0);
      default:
        return 0; // KR is write-only; the rest is reserved
    }
  }

  writeRegister(offset: number, value: number): void {
    switch (offset) {
      case IWDG_REG.KR:
        return this.writeKey(value & 0xffff);
      case IWDG_REG.PR:
        if (this.unlocked && this.pendingPr < 0) {
          this.pendingPr = value & 7;
          this.startPendingUpdates();
        }
        return;
      case IWDG_REG.RLR:
        if (this.unlocked && this.pendingRlr < 0) {
          this.pendingRlr = value & 0xfff;
          this.startPendingUpdates();
        }
        return;
    }
  }

  private writeKey(key: number): void {
    this.unlocked = key === IWDG_KEY.UNLOCK;
    if (key === IWDG_KEY.START) this.start();
    else if (key === IWDG_KEY.RELOAD && this.started) this.reload(this.rlr);
  }

  /** Starts counting down from 0xFFF (the counter's reset value), forcing the LSI on. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    this.reload(RLR_RESET);
    this.startPendingUpdates();
  }

  private reload(value: number): void {
    this.baseCount = value;
    this.baseNs = this.ctx.scheduler.nowNs();
    this.scheduleExpiry();
  }

  // ---- PR/RLR updates into the LSI domain ---------------------------------------------------------

  private lsiRunning(): boolean {
    return this.started || this.wiring.lsiRunning();
  }

  private startPendingUpdates(): void {
    if (!this.lsiRunning()) return;
    const ns = (IWDG_UPDATE_LSI_CYCLES * 1e9) / this.lsiHz;
    if (this.pendingPr >= 0 && !this.prAlarm.scheduled) this.prAlarm.scheduleNs(ns);
    if (this.pendingRlr >= 0 && !this.rlrAlarm.scheduled) this.rlrAlarm.scheduleNs(ns);
  }

  private completePr(): void {
    this.rebase(); // count up to now with the old divider
    this.pr = this.pendingPr;
    this.pendingPr = -1;
    this.scheduleExpiry();
  }

  private completeRlr(): void {
    this.rlr = this.pendingRlr;
    this.pendingRlr = -1;
  }

  // ---- Counting -----------------------------------------------------------------------------------

  private tickNs(): number {
    return ((4 << Math.min(this.pr, 6)) * 1e9) / this.lsiHz;
  }

  private elapsedTicks(): number {
    if (this.frozen) return 0;
    return Math.floor((this.ctx.scheduler.nowNs() - this.baseNs) / this.tickNs() + 1e-9);
  }

  /** Moves the counter's base to the last tick before now (keeping the tick phase). */
  private rebase(): void {
    if (!this.started || this.frozen) return;
    const ticks = this.elapsedTicks();
    this.baseCount -= ticks;
    this.baseNs += ticks * this.tickNs();
  }

  private scheduleExpiry(): void {
    if (!this.started || this.frozen) return;
    this.expiryAlarm.scheduleNs(Math.max(0, this.nsToExpiry));
  }

  /** Alarm: the counter ran out (or, after rounding, is about to: then look again). */
  private checkExpiry(): void {
    if (!this.started || this.frozen) return;
    if (this.elapsedTicks() > this.baseCount) {
      this.started = false; // the reset follows at the next instruction boundary
      this.wiring.expire();
    } else {
      this.scheduleExpiry();
    }
  }

  /** Every reset stops the watchdog and restores the registers, then hardware mode restarts it. */
  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    this.expiryAlarm.cancel();
    this.prAlarm.cancel();
    this.rlrAlarm.cancel();
    this.started = this.unlocked = false;
    this.pr = 0;
    this.rlr = RLR_RESET;
    this.pendingPr = this.pendingRlr = -1;
    this.baseCount = RLR_RESET;
    this.baseNs = this.ctx.scheduler.nowNs();
    if (this.wiring.hardwareMode()) this.start();
  }
}

/**
 * Builds the IWDG: expiry resets the machine (cause 'iwdg'); hardware mode from the flash interface's
 * option bytes (WDG_SW); the LSI state from RCC. DBGMCU freezes it (dbgmcu.ts).
 */
export const iwdgFactory: PeripheralFactory = (block, ctx, machine) => {
  if (block.name !== 'IWDG') return undefined;
  // FLASH and RCC come later in the block list than IWDG: look them up when needed.
  return new IndependentWatchdog(block, ctx, {
    expire: () => machine.requestReset('system', 'iwdg'),
    hardwareMode: () => {
      const flash = machine.peripherals.get('FLASH');
      // The option bytes in force; the flash interface reloads the same ones at this reset.
      return flash instanceof FlashInterface && !flash.optionBytes.wdgSw;
    },
    lsiRunning: () => {
      const rcc = machine.peripherals.get('RCC');
      return rcc instanceof Rcc && rcc.clocks.lsi > 0;
    },
  });
};

/**
 * TIM2–TIM5 (general-purpose timers, RM0090 §18) and TIM6/TIM7 (basic timers, §20).
 *
 * Time base (§18.3.1–18.3.2, §20.3.1–20.3.2): the timer clock (RCC: APB1 timer clock, twice PCLK1
 * when the APB1 prescaler is not 1) divided by PSC + 1 clocks CNT. Edge-aligned up-counting runs
 * 0 … ARR then overflows to 0; down-counting ARR … 0 then underflows to ARR; centre-aligned (CMS ≠ 0,
 * TIM2–5) runs 0 … ARR−1 up, overflows, ARR … 1 down, underflows. A counter above ARR while
 * up-counting runs to its top (0xFFFF, or 0xFFFF_FFFF on the 32-bit TIM2/TIM5) and rolls over to 0
 * without an update. ARR = 0 blocks the counter.
 *
 * Update event (UEV): at overflow/underflow unless UDIS; by EGR.UG (which also re-initialises the
 * counter and prescaler, even with UDIS). A UEV copies the preloads into the shadow registers: PSC
 * always, ARR when ARPE = 1 (else ARR acts at once), CCRx when OCxPE = 1. UIF is set by a UEV, except a
 * UG one when URS = 1. OPM clears CEN at the next overflow/underflow (also with UDIS: unverified).
 *
 * Capture/compare (TIM2–5): all registers are stored. A channel in output mode (CCxS = 00) sets CCxIF
 * when the counter moves onto CCRx (in centre-aligned mode only in the directions CMS selects). EGR.CCxG
 * sets CCxIF (capturing CNT into CCRx in input mode, with CCxOF if CCxIF was already set); reading CCRx
 * of an input channel clears CCxIF. No pins: inputs never capture, outputs drive nothing. Not modelled:
 * slave mode, trigger/TRGO links, encoder mode, DMA requests, the DAC half of the TIM6_DAC line.
 *
 * How time is kept: nothing ticks per instruction. The counter's state is (CNT, the prescaler's
 * phase, the cycle it was last brought up to date); every register access first brings it up to the
 * current scheduler cycle, replaying the overflows and compare matches in between (skipping whole
 * periods once they repeat). An alarm is kept at the next event only while an enabled interrupt flag
 * is clear, so a free-running timer nobody listens to costs nothing. The counter stands still while
 * RCC gates the timer off, and while a debugger halts the core with DBGMCU_APB1_FZ.DBG_TIMx_STOP set
 * (RM0090 §38.16.4; see clocked-counter.ts).
 *
 * Reset values: RM0090 prints TIMx_ARR = 0x0000; the chip wins: ARR resets to all ones (0xFFFF_FFFF on
 * TIM2/TIM5, 0xFFFF on the others), as read on silicon and as later ST manuals for the same timers say.
 */
import { IRQ, type PeripheralBlock } from '../device/stm32f407.js';
import type { PeripheralFactory } from '../machine.js';
import type { ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import { type ClockInput, busClock, fixedClock, rccClock } from './clock-input.js';
import { ClockedCounter } from './clocked-counter.js';
import type { PeripheralContext } from './peripheral.js';

/** Register offsets (RM0090 §18.4.21, §20.4.9). */
export const TIM_REG = {
  CR1: 0x00, CR2: 0x04, SMCR: 0x08, DIER: 0x0c, SR: 0x10, EGR: 0x14, CCMR1: 0x18, CCMR2: 0x1c, CCER: 0x20,
  CNT: 0x24, PSC: 0x28, ARR: 0x2c, CCR1: 0x34, CCR2: 0x38, CCR3: 0x3c, CCR4: 0x40, DCR: 0x48, DMAR: 0x4c, OR: 0x50,
} as const;

/** TIMx_CR1 (RM0090 §18.4.1). */
export const CR1 = { CEN: 1 << 0, UDIS: 1 << 1, URS: 1 << 2, OPM: 1 << 3, DIR: 1 << 4, CMS: 3 << 5, CMS_SHIFT: 5, ARPE: 1 << 7 } as const;

/** TIMx_SR / TIMx_DIER low bits: update, CC1–CC4, trigger (RM0090 §18.4.4–18.4.5). */
export const SR = { UIF: 1 << 0, CC1IF: 1 << 1, TIF: 1 << 6, CC1OF: 1 << 9 } as const;

/** TIMx_EGR (RM0090 §18.4.6). */
export const EGR = { UG: 1 << 0, CC1G: 1 << 1, TG: 1 << 6 } as const;

/** What distinguishes a general-purpose timer from a basic one. */
interface TimerKind {
  readonly channels: number;
  readonly counterMask: number;
  readonly cr1: number;
  readonly cr2: number;
  readonly smcr: number;
  readonly dier: number;
  readonly sr: number;
  readonly or: number;
}

const GENERAL = { channels: 4, cr1: 0x03ff, cr2: 0x00f8, smcr: 0xfff7, dier: 0x5f5f, sr: 0x1e5f, or: 0 } as const;
const KINDS: Readonly<Record<string, TimerKind>> = {
  TIM2: { ...GENERAL, counterMask: 0xffff_ffff, or: 0x0c00 }, // ITR1_RMP
  TIM3: { ...GENERAL, counterMask: 0xffff },
  TIM4: { ...GENERAL, counterMask: 0xffff },
  TIM5: { ...GENERAL, counterMask: 0xffff_ffff, or: 0x00c0 }, // TI4_RMP
  TIM6: { channels: 0, counterMask: 0xffff, cr1: 0x008f, cr2: 0x0070, smcr: 0, dier: 0x0101, sr: 0x0001, or: 0 },
  TIM7: { channels: 0, counterMask: 0xffff, cr1: 0x008f, cr2: 0x0070, smcr: 0, dier: 0x0101, sr: 0x0001, or: 0 },
};

/** The interrupt line of each timer (TIM6 shares its line with the DAC underrun). */
const IRQ_NAME: Readonly<Record<string, string>> = { TIM2: 'TIM2', TIM3: 'TIM3', TIM4: 'TIM4', TIM5: 'TIM5', TIM6: 'TIM6_DAC', TIM7: 'TIM7' };

/** Flags that drive the interrupt line with their DIER enable (same bit positions). */
const IRQ_FLAGS = 0x5f;
/** Flags whose rising an alarm must not miss: update and compare (TIF only comes from EGR). */
const EVENT_FLAGS = 0x1f;
/** Guards floor() against a product that should be whole landing just below it. */
const EPSILON = 1e-9;

export class GeneralPurposeTimer extends ClockedCounter {
  private readonly kind: TimerKind;
  private readonly irq: number;
  private readonly alarm: Alarm;

  private cr1 = 0;
  private cr2 = 0;
  private smcr = 0;
  private dier = 0;
  private sr = 0;
  private ccmr1 = 0;
  private ccmr2 = 0;
  private ccer = 0;
  private psc = 0;
  private arr = 0;
  private dcr = 0;
  private dmar = 0;
  private or = 0;
  /** CCR preload registers (what firmware reads and writes) and their active (shadow) values. */
  private readonly ccr = new Float64Array(4);
  private readonly ccrActive = new Float64Array(4);
  private pscActive = 0;
  private arrActive = 0;

  // Counter state, valid at `baseCycle` (a scheduler cycle, possibly fractional).
  private cnt = 0;
  /** Timer clocks the prescaler has counted towards the next CNT tick. */
  private phase = 0;
  private baseCycle = 0;
  /** Timer clocks per core cycle, as of `baseCycle`. */
  private ratio = 1;

  constructor(block: PeripheralBlock, ctx: PeripheralContext, clock: ClockInput = fixedClock(16_000_000)) {
    super(block, ctx, clock);
    this.kind = KINDS[block.name];
    this.irq = IRQ[IRQ_NAME[block.name]];
    this.alarm = ctx.scheduler.createAlarm(`${block.name} event`, () => this.onAlarm());
    // The counter's state is kept in core cycles: a new HCLK changes the ratio too.
    ctx.scheduler.frequencyListeners.push(() => this.clockChanged());
    this.reset('power-on');
  }

  // ---- Registers ------------------------------------------------------------------------------

  readRegister(offset: number): number {
    this.catchUp();
    const ch = this.channelOf(offset);
    // Reading the capture register of an input channel clears its flag (RM0090 §18.4.5).
    if (ch >= 0 && this.isInput(ch)) {
      this.sr &= ~(SR.CC1IF << ch);
      this.updateIrq();
    }
    return this.peekRegister(offset);
  }

  protected override peekRegister(offset: number): number {
    const ch = this.channelOf(offset);
    if (ch >= 0) return this.ccr[ch] >>> 0;
    switch (offset) {
      case TIM_REG.CR1:
        return this.cr1;
      case TIM_REG.CR2:
        return this.cr2;
      case TIM_REG.SMCR:
        return this.smcr;
      case TIM_REG.DIER:
        return this.dier;
      case TIM_REG.SR:
        return this.sr;
      case TIM_REG.CCMR1:
        return this.kind.channels > 0 ? this.ccmr1 : 0;
      case TIM_REG.CCMR2:
        return this.kind.channels > 0 ? this.ccmr2 : 0;
      case TIM_REG.CCER:
        return this.ccer;
      case TIM_REG.CNT:
        return this.cnt >>> 0;
      case TIM_REG.PSC:
        return this.psc;
      case TIM_REG.ARR:
        return this.arr >>> 0;
      case TIM_REG.DCR:
        return this.dcr;
      case TIM_REG.DMAR:
        return this.dmar;
      case TIM_REG.OR:
        return this.or;
      default:
        return 0; // EGR is write-only; the rest is reserved
    }
  }

  writeRegister(offset: number, value: number): void {
    this.catchUp();
    this.store(offset, value >>> 0);
    this.updateIrq();
    this.reschedule();
  }

  private store(offset: number, value: number): void {
    const k = this.kind;
    const ch = this.channelOf(offset);
    if (ch >= 0) {
      this.ccr[ch] = value & k.counterMask;
      if (!this.preloaded(ch)) this.ccrActive[ch] = this.ccr[ch];
      return;
    }
    const general = k.channels > 0;
    switch (offset) {
      case TIM_REG.CR1:
        return this.writeCr1(value & k.cr1);
      case TIM_REG.CR2:
        this.cr2 = value & k.cr2;
        return;
      case TIM_REG.SMCR:
        this.smcr = value & k.smcr;
        return;
      case TIM_REG.DIER:
        this.dier = value & k.dier;
        return;
      case TIM_REG.SR:
        this.sr &= value; // rc_w0: writing 0 clears, 1 leaves
        return;
      case TIM_REG.EGR:
        return this.generate(value);
      case TIM_REG.CCMR1:
        if (general) this.ccmr1 = value & 0xffff;
        return;
      case TIM_REG.CCMR2:
        if (general) this.ccmr2 = value & 0xffff;
        return;
      case TIM_REG.CCER:
        if (general) this.ccer = value & 0xbbbb; // CCxE, CCxP, CCxNP
        return;
      case TIM_REG.CNT:
        this.cnt = value & k.counterMask;
        return;
      case TIM_REG.PSC:
        this.psc = value & 0xffff; // takes effect at the next update event
        return;
      case TIM_REG.ARR:
        this.arr = value & k.counterMask;
        if ((this.cr1 & CR1.ARPE) === 0) this.arrActive = this.arr;
        return;
      case TIM_REG.DCR:
        if (general) this.dcr = value & 0x1f1f;
        return;
      case TIM_REG.DMAR:
        if (general) this.dmar = value & 0xffff;
        return;
      case TIM_REG.OR:
        this.or = value & k.or;
        return;
    }
  }

  /** CR1: in centre-aligned mode DIR is read-only (the counter's direction). */
  private writeCr1(value: number): void {
    const centre = (value & CR1.CMS) !== 0;
    const starts = (value & ~this.cr1 & CR1.CEN) !== 0;
    this.cr1 = centre ? ((value & ~CR1.DIR) | (this.cr1 & CR1.DIR)) >>> 0 : value;
    if (starts) this.refreshRate();
  }

  /** EGR: software-generated events (RM0090 §18.4.6). */
  private generate(value: number): void {
    if ((value & EGR.UG) !== 0) {
      if ((this.cr1 & CR1.UDIS) === 0) {
        this.loadShadows();
        if ((this.cr1 & CR1.URS) === 0) this.sr |= SR.UIF;
      }
      // The counter restarts (down-counting: from the new ARR; centre-aligned: from 0, counting up).
      const centre = this.centreAligned;
      if (centre) this.cr1 &= ~CR1.DIR;
      this.cnt = !centre && (this.cr1 & CR1.DIR) !== 0 ? this.arrActive : 0;
      this.phase = 0;
    }
    for (let ch = 0; ch < this.kind.channels; ch++) {
      if ((value & (EGR.CC1G << ch)) === 0) continue;
      if (this.isInput(ch)) {
        if ((this.sr & (SR.CC1IF << ch)) !== 0) this.sr |= SR.CC1OF << ch;
        this.ccr[ch] = this.ccrActive[ch] = this.cnt;
      }
      this.sr |= SR.CC1IF << ch;
    }
    if ((value & EGR.TG) !== 0 && this.kind.channels > 0) this.sr |= SR.TIF;
  }

  // ---- Channels ---------------------------------------------------------------------------------

  /** Channel index 0–3 of a CCRx offset, or -1. */
  private channelOf(offset: number): number {
    const ch = (offset - TIM_REG.CCR1) >> 2;
    return offset >= TIM_REG.CCR1 && ch < this.kind.channels ? ch : -1;
  }

  private ccmrField(ch: number): number {
    return ((ch < 2 ? this.ccmr1 : this.ccmr2) >>> ((ch & 1) * 8)) & 0xff;
  }

  /** CCxS ≠ 00: the channel captures (input) instead of comparing. */
  private isInput(ch: number): boolean {
    return (this.ccmrField(ch) & 3) !== 0;
  }

  /** OCxPE: CCRx is preloaded (takes effect at the update event). */
  private preloaded(ch: number): boolean {
    return (this.ccmrField(ch) & 8) !== 0;
  }

  // ---- Counting ---------------------------------------------------------------------------------

  private get centreAligned(): boolean {
    return (this.cr1 & CR1.CMS) !== 0;
  }

  private get down(): boolean {
    return (this.cr1 & CR1.DIR) !== 0;
  }

  private counting(): boolean {
    return (this.cr1 & CR1.CEN) !== 0 && this.arrActive !== 0 && this.ratio > 0;
  }

  /** Ticks from the current count to the next overflow, underflow or roll-over (at least 1). */
  private ticksToWrap(): number {
    const cnt = this.cnt;
    const arr = this.arrActive;
    if (this.centreAligned) {
      // Normalise counts the hardware never holds in a half (firmware wrote CNT): turn round.
      if (!this.down && cnt >= arr) this.cr1 |= CR1.DIR;
      else if (this.down && cnt === 0) this.cr1 &= ~CR1.DIR;
      return this.down ? this.cnt : arr - this.cnt;
    }
    if (this.down) return cnt + 1;
    return cnt <= arr ? arr - cnt + 1 : this.kind.counterMask - cnt + 1;
  }

  /** Ticks to the nearest compare match before `limit` (a channel whose flag is still clear), or `limit`. */
  private ticksToCompare(limit: number): number {
    let best = limit;
    for (let ch = 0; ch < this.kind.channels; ch++) {
      if ((this.sr & (SR.CC1IF << ch)) !== 0 || this.isInput(ch)) continue;
      const d = this.down ? this.cnt - this.ccrActive[ch] : this.ccrActive[ch] - this.cnt;
      if (d > 0 && d < best && this.compareCounts(!this.down)) best = d;
    }
    return best;
  }

  /** Centre-aligned modes 1/2 set compare flags only counting down/up (RM0090 §18.4.1 CMS). */
  private compareCounts(up: boolean): boolean {
    const cms = (this.cr1 & CR1.CMS) >>> CR1.CMS_SHIFT;
    return cms === 0 || cms === 3 || (cms === 1 ? !up : up);
  }

  /** Sets CCxIF for output channels whose CCRx equals CNT (reached counting `up` or down). */
  private compareMatch(up: boolean): void {
    if (!this.compareCounts(up)) return;
    for (let ch = 0; ch < this.kind.channels; ch++) {
      if (!this.isInput(ch) && this.ccrActive[ch] === this.cnt) this.sr |= SR.CC1IF << ch;
    }
  }

  /** Moves the counter `ticks` ticks within the current run (no wrap). */
  private move(ticks: number): void {
    this.cnt += this.down ? -ticks : ticks;
  }

  /** The counter passes its end: overflow/underflow (with the update event) or a silent roll-over. */
  private wrap(): void {
    const up = !this.down;
    if (this.centreAligned) {
      this.cnt = up ? this.arrActive : 0;
      this.cr1 ^= CR1.DIR;
      this.counterUpdate();
    } else if (up) {
      const rollOver = this.cnt > this.arrActive;
      this.cnt = 0;
      if (!rollOver) this.counterUpdate();
    } else {
      this.counterUpdate();
      this.cnt = this.arrActive;
    }
    this.compareMatch(up);
  }

  /** Overflow/underflow: the update event unless UDIS; one-pulse mode stops the counter. */
  private counterUpdate(): void {
    if ((this.cr1 & CR1.UDIS) === 0) {
      this.loadShadows();
      this.sr |= SR.UIF;
    }
    if ((this.cr1 & CR1.OPM) !== 0) this.cr1 &= ~CR1.CEN;
  }

  private loadShadows(): void {
    this.pscActive = this.psc;
    this.arrActive = this.arr;
    for (let ch = 0; ch < this.kind.channels; ch++) this.ccrActive[ch] = this.ccr[ch];
  }

  /** Ticks to the next event and the core cycle it happens at. */
  private nextEvent(): { ticks: number; wraps: boolean; cycle: number } {
    const toWrap = this.ticksToWrap();
    const ticks = this.ticksToCompare(toWrap);
    const cycle = this.baseCycle + (ticks * (this.pscActive + 1) - this.phase) / this.ratio;
    return { ticks, wraps: ticks === toWrap, cycle };
  }

  /** Brings the counter to the current cycle, replaying every event in between. */
  protected catchUp(): void {
    const now = this.ctx.scheduler.cycles;
    let wraps = 0;
    while (this.counting()) {
      const event = this.nextEvent();
      if (event.cycle > now + EPSILON) {
        const prescaler = this.pscActive + 1;
        const total = this.phase + Math.floor((now - this.baseCycle) * this.ratio + EPSILON);
        const ticks = Math.floor(total / prescaler);
        this.move(ticks);
        this.phase = total - ticks * prescaler;
        break;
      }
      this.baseCycle = event.cycle;
      this.phase = 0;
      if (event.wraps) {
        this.move(event.ticks - 1);
        this.wrap();
        wraps++;
      } else {
        this.move(event.ticks);
        this.compareMatch(!this.down);
      }
      // Once a whole period has run on settled shadow registers, the rest repeat it: skip them.
      if (wraps >= (this.centreAligned ? 3 : 2)) {
        this.skipPeriods(now);
        wraps = 0;
      }
    }
    this.baseCycle = now;
  }

  /** Skips whole counter periods (all but the last before `now`); the flags they set are set already. */
  private skipPeriods(now: number): void {
    const periodTicks = this.centreAligned ? 2 * this.arrActive : this.arrActive + 1;
    const periodCycles = (periodTicks * (this.pscActive + 1)) / this.ratio;
    const skip = Math.floor((now - this.baseCycle) / periodCycles) - 1;
    if (skip > 0) this.baseCycle += skip * periodCycles;
  }

  /** Keeps the alarm at the next event while some enabled interrupt flag could still rise. */
  protected reschedule(): void {
    if (!this.counting() || (this.dier & EVENT_FLAGS & ~this.sr) === 0) {
      this.alarm.cancel();
      return;
    }
    const s = this.ctx.scheduler;
    this.alarm.scheduleCycles(this.nextEvent().cycle - s.cycles);
  }

  /** Timer clocks per core cycle: 0 while RCC gates the timer off or DBGMCU freezes it. */
  protected refreshRate(): void {
    const hz = this.counterHz();
    this.ratio = hz > 0 ? hz / this.ctx.scheduler.frequencyHz : 0;
  }

  protected updateIrq(): void {
    this.ctx.setIrq(this.irq, (this.sr & this.dier & IRQ_FLAGS) !== 0);
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    this.alarm.cancel();
    this.cr1 = this.cr2 = this.smcr = this.dier = this.sr = 0;
    this.ccmr1 = this.ccmr2 = this.ccer = 0;
    this.psc = this.pscActive = 0;
    this.arr = this.arrActive = this.kind.counterMask;
    this.ccr.fill(0);
    this.ccrActive.fill(0);
    this.dcr = this.dmar = this.or = 0;
    this.cnt = 0;
    this.phase = 0;
    this.baseCycle = this.ctx.scheduler.cycles;
    this.refreshRate();
    this.updateIrq();
  }
}

/** The timers modelled here. */
export const TIMER_NAMES: readonly string[] = Object.keys(KINDS);

/** Builds TIM2–TIM7 on the APB1 timer clock from RCC. */
export const timerFactory: PeripheralFactory = (block, ctx, machine) =>
  block.name in KINDS ? new GeneralPurposeTimer(block, ctx, rccClock(machine, busClock(block.bus, 'timer'))) : undefined;

/**
 * EXTI — external interrupt/event controller of the STM32F405/407 (RM0090 §12.2-§12.3).
 *
 * 23 lines: 0-15 come from GPIO pins through the SYSCFG_EXTICR multiplexers; 16 PVD output, 17 RTC alarm,
 * 18 USB OTG FS wakeup, 19 Ethernet wakeup, 20 USB OTG HS wakeup, 21 RTC tamper/time stamp, 22 RTC wakeup.
 * Whoever owns a line's source calls `setLine(line, level)`; the edge detectors do the rest.
 *
 * Following RM0090's block diagram (§12.2.2 Figure 41): a selected edge (RTSR/FTSR) or a 0→1 write to
 * SWIER is gated by IMR into the pending register PR, whose bits drive the NVIC lines (so a pending bit
 * keeps its interrupt asserted until software clears it, even if IMR is cleared meanwhile); the same
 * request gated by EMR is an event that wakes a core waiting in WFE. PR bits clear by writing 1, which
 * also clears the SWIER bit.
 */
import { IRQ, type PeripheralBlock } from '../device/stm32f407.js';
import type { ResetKind } from '../time/reset.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

/** Register offsets (RM0090 §12.3.7 Table 63). */
export const EXTI_REG = { IMR: 0x00, EMR: 0x04, RTSR: 0x08, FTSR: 0x0c, SWIER: 0x10, PR: 0x14 } as const;

/** Indexes of the registers in `Exti.regs` (offset / 4). */
const IMR = 0, EMR = 1, RTSR = 2, FTSR = 3, SWIER = 4, PR = 5;

/** Lines 0-22. */
export const EXTI_LINES = 23;
const LINE_MASK = (1 << EXTI_LINES) - 1;

/** Named inputs beyond the GPIO lines (RM0090 §12.2.5). */
export const EXTI_LINE = { PVD: 16, RTC_ALARM: 17, OTG_FS_WKUP: 18, ETH_WKUP: 19, OTG_HS_WKUP: 20, RTC_TAMP_STAMP: 21, RTC_WKUP: 22 } as const;

/** NVIC line → the EXTI lines that drive it (RM0090 §12.2 Table 61). */
const IRQ_LINES: ReadonlyArray<readonly [number, number]> = [
  [IRQ.EXTI0, 1 << 0],
  [IRQ.EXTI1, 1 << 1],
  [IRQ.EXTI2, 1 << 2],
  [IRQ.EXTI3, 1 << 3],
  [IRQ.EXTI4, 1 << 4],
  [IRQ.EXTI9_5, 0x1f << 5],
  [IRQ.EXTI15_10, 0x3f << 10],
  [IRQ.PVD, 1 << EXTI_LINE.PVD],
  [IRQ.RTC_Alarm, 1 << EXTI_LINE.RTC_ALARM],
  [IRQ.OTG_FS_WKUP, 1 << EXTI_LINE.OTG_FS_WKUP],
  [IRQ.ETH_WKUP, 1 << EXTI_LINE.ETH_WKUP],
  [IRQ.OTG_HS_WKUP, 1 << EXTI_LINE.OTG_HS_WKUP],
  [IRQ.TAMP_STAMP, 1 << EXTI_LINE.RTC_TAMP_STAMP],
  [IRQ.RTC_WKUP, 1 << EXTI_LINE.RTC_WKUP],
];

export class Exti extends Peripheral {
  /** An event (EMR) for the core: wakes a WFE. */
  onEvent: () => void = () => {};

  /** IMR, EMR, RTSR, FTSR, SWIER, PR in register order (index = offset / 4). */
  private readonly regs = new Uint32Array(6);
  /** Current level of every line's input (not a register: the sources' state survives resets). */
  private levels = 0;

  constructor(block: PeripheralBlock, ctx: PeripheralContext) {
    super(block, ctx);
    this.reset('power-on');
  }

  /** Drives a line's input; a level change is an edge the trigger registers may select. */
  setLine(line: number, level: boolean): void {
    const bit = 1 << line;
    if (line < 0 || line >= EXTI_LINES || ((this.levels & bit) !== 0) === level) return;
    this.levels ^= bit;
    if (this.regs[level ? RTSR : FTSR] & bit) this.request(bit);
  }

  /** The input level of a line, as the edge detector last saw it. */
  lineLevel(line: number): boolean {
    return ((this.levels >>> line) & 1) !== 0;
  }

  /** Pending lines (EXTI_PR), for tools and tests. */
  get pending(): number {
    return this.regs[PR];
  }

  /** An interrupt/event request on the lines in `bits` (an edge or a software trigger). */
  private request(bits: number): void {
    const r = this.regs;
    const interrupts = bits & r[IMR];
    if (interrupts !== 0) {
      r[PR] |= interrupts;
      this.updateIrqs();
    }
    if ((bits & r[EMR]) !== 0) this.onEvent();
  }

  readRegister(offset: number): number {
    return offset <= EXTI_REG.PR ? this.regs[offset >>> 2] : 0;
  }

  writeRegister(offset: number, value: number): void {
    const r = this.regs;
    const v = value & LINE_MASK;
    if (offset === EXTI_REG.SWIER) {
      // Writing 1 where SWIER holds 0 triggers the line (RM0090 §12.3.5); the bit stays until PR is cleared.
      const triggered = v & ~r[SWIER];
      r[SWIER] |= v;
      if (triggered !== 0) this.request(triggered);
    } else if (offset === EXTI_REG.PR) {
      r[PR] &= ~v;
      r[SWIER] &= ~v;
      this.updateIrqs();
    } else if (offset < EXTI_REG.SWIER) {
      r[offset >>> 2] = v;
    }
  }

  private updateIrqs(): void {
    for (const [irq, lines] of IRQ_LINES) this.ctx.setIrq(irq, (this.regs[PR] & lines) !== 0);
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    this.regs.fill(0);
    this.updateIrqs();
  }
}

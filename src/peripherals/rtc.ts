/**
 * RTC — real-time clock of the STM32F405/407 with its 20 backup registers (RM0090 §26).
 *
 * - Write protection (RM0090 §26.3.5, §5.1.2): the whole RTC is in the backup domain, so every write is
 *   ignored while PWR_CR.DBP = 0. On top of that the calendar and configuration registers need the RTC_WPR
 *   key (0xCA then 0x53; any other write to WPR locks again). Not behind the key: RTC_BKPxR, the flags
 *   RTC_ISR[13:8] and RTC_TAFCR (chip wins: ST's HAL programs TAFCR without unlocking and it works).
 *   "The protection mechanism is not affected by system reset" (§26.3.5): the unlocked state survives one.
 * - Clock: the APB interface needs no RCC enable bit; registers read and write with RCC_BDCR.RTCEN = 0.
 *   Everything that runs on RTCCLK (INITF, RSF, the calendar, the wakeup timer) stands still while RTCCLK
 *   is off (RTCEN = 0, RTCSEL = none, or the selected LSE/LSI/HSE÷RTCPRE not running): HAL_RTC_Init times
 *   out waiting for INITF then, as on silicon. `rtcClockHz` gives RTCCLK (wired from RCC in index.ts).
 * - Calendar (§26.3.3, §26.3.6-§26.3.8): ck_apre = RTCCLK / (PREDIV_A + 1) decrements the sub-second
 *   counter SSR from PREDIV_S; its wrap is ck_spre, one calendar second. The calendar is computed from
 *   elapsed RTCCLK ticks on access, not ticked. Years 00-99 with the leap year every 4 years, month
 *   lengths, weekday 1-7 (Monday = 1), 12/24 h (CR.FMT; kept internally as 24 h). INIT = 1 stops it;
 *   INITF rises 2 RTCCLK periods later and TR, DR and PRER can then be written; leaving INIT restarts
 *   the prescalers. ADD1H/SUB1H add/subtract an hour.
 * - Shadow registers (BYPSHAD = 0): reading SSR or TR freezes TR/DR/SSR until DR is read (§26.3.6);
 *   RSF is set 2 RTCCLK periods after it was cleared (by software, a system reset or leaving INIT mode,
 *   4 periods then) and reads 0 in INIT mode or with BYPSHAD = 1.
 * - Alarms A/B (§26.3.4): ALRMxR with MSK1-MSK4 and WDSEL, compared at each new calendar second; ALRxF
 *   sets when they match. ALRMxSSR is stored but its sub-second comparison (MASKSS ≠ 0) is not modelled
 *   (matches are evaluated once per second, as with MASKSS = 0). ALRxWF = !ALRxE (immediately).
 * - Wakeup timer (§26.3.6): WUCKSEL 0-3 RTCCLK/16, /8, /4, /2; 10x ck_spre; 11x ck_spre with 2^16 added to
 *   WUT. WUTF sets every WUT + 1 periods counted from WUTE = 1 (the first ck_spre period is not aligned to
 *   the calendar second, unverified). WUTWF = !WUTE.
 * - Interrupts go through EXTI only (§26.5): line 17 alarm A/B, line 22 wakeup, line 21 tamper/timestamp,
 *   each driven high while a flag and its enable bit are both set.
 * - Tamper 1 (§26.3.13): TAFCR.TAMP1E on PC13 (TAMP1INSEL = 0) or PI8: with TAMPFLT = 0 an edge (rising
 *   with TAMP1TRG = 0, falling with 1), otherwise a level (low with TAMP1TRG = 0, high with 1; the filter's
 *   sampling is not modelled). The event sets TAMP1F and erases RTC_BKP0R-BKP19R. `setPin` gets the
 *   level of the GPIO pin PC13 / PI8 (peripherals/index.ts wires it; drive it with `pinOf(m, 'PC13').drive`). TAMPTS makes the tamper event a time stamp too.
 * - Time stamp (§26.3.11): with CR.TSE an edge on PC13 (TSINSEL = 0) or PI8 (rising with TSEDGE = 0) copies
 *   the time to TSTR, the date without the year to TSDR, SSR to TSSSR and sets TSF; one while TSF is set
 *   sets TSOVF and keeps the first time stamp.
 * - Not modelled: calibration (CALIBR, CALR: stored, no effect), SHIFTR, the AFO_ALARM/AFO_CALIB output.
 * - Resets: a system reset keeps everything (the RTC is in the backup domain) but clears RSF and the
 *   shadow lock; RCC_BDCR.BDRST resets every register including the backup registers; a power-on reset
 *   does the same unless a battery (VBAT) keeps the backup domain powered. RTCCLK time while the chip
 *   is off is not counted. Across runs only the backup registers are kept (state file, with VBAT).
 *
 * Approximation: a change of RTCCLK (RTCEN, the LSE becoming ready) is noticed at the next RTC access or
 * RTC event, so time between the change and then runs at the old rate.
 */
import type { PeripheralBlock } from '../device/stm32f407.js';
import type { PeripheralFactory } from '../machine.js';
import type { ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import { EXTI_LINE } from './exti.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

/** Register offsets (RM0090 §26.6.21 Table 122). */
export const RTC_REG = {
  TR: 0x00, DR: 0x04, CR: 0x08, ISR: 0x0c, PRER: 0x10, WUTR: 0x14, CALIBR: 0x18, ALRMAR: 0x1c, ALRMBR: 0x20,
  WPR: 0x24, SSR: 0x28, SHIFTR: 0x2c, TSTR: 0x30, TSDR: 0x34, TSSSR: 0x38, CALR: 0x3c, TAFCR: 0x40,
  ALRMASSR: 0x44, ALRMBSSR: 0x48, BKP0R: 0x50,
} as const;

/** RTC_BKP0R-BKP19R. */
export const RTC_BACKUP_REGISTERS = 20;
const BKP_END = RTC_REG.BKP0R + 4 * RTC_BACKUP_REGISTERS;

/** RTC_CR bits (RM0090 §26.6.3). */
export const RTC_CR = {
  WUCKSEL: 7, TSEDGE: 1 << 3, BYPSHAD: 1 << 5, FMT: 1 << 6, ALRAE: 1 << 8, ALRBE: 1 << 9, WUTE: 1 << 10, TSE: 1 << 11,
  ALRAIE: 1 << 12, ALRBIE: 1 << 13, WUTIE: 1 << 14, TSIE: 1 << 15, ADD1H: 1 << 16, SUB1H: 1 << 17,
} as const;

/** RTC_ISR bits (RM0090 §26.6.4). */
export const RTC_ISR = {
  ALRAWF: 1 << 0, ALRBWF: 1 << 1, WUTWF: 1 << 2, SHPF: 1 << 3, INITS: 1 << 4, RSF: 1 << 5, INITF: 1 << 6, INIT: 1 << 7,
  ALRAF: 1 << 8, ALRBF: 1 << 9, WUTF: 1 << 10, TSF: 1 << 11, TSOVF: 1 << 12, TAMP1F: 1 << 13, TAMP2F: 1 << 14,
} as const;

/** RTC_TAFCR bits (RM0090 §26.6.17). */
export const RTC_TAFCR = {
  TAMP1E: 1 << 0, TAMP1TRG: 1 << 1, TAMPIE: 1 << 2, TAMPTS: 1 << 7, TAMPFLT: 3 << 11, TAMP1INSEL: 1 << 16, TSINSEL: 1 << 17,
} as const;

/** ALRMxR mask bits (RM0090 §26.6.8). */
const ALRM = { MSK1: 1 << 7, MSK2: 1 << 15, MSK3: 1 << 23, WDSEL: 1 << 30, MSK4: 1 << 31 } as const;

/** The write protection key (RM0090 §26.6.10). */
export const RTC_KEY = [0xca, 0x53] as const;

/** Writable bits and reset values (RM0090 §26.6). */
const TR_MASK = 0x007f_7f7f;
const DR_MASK = 0x00ff_ff3f;
const DR_RESET = 0x0000_2101;
const CR_STORED = 0x00fc_ffff; // ADD1H/SUB1H are write-only actions
const PRER_MASK = 0x007f_7fff;
const PRER_RESET = 0x007f_00ff;
const WUTR_RESET = 0xffff;
const CALIBR_MASK = 0x9f;
const CALR_MASK = 0xe1ff;
const TAFCR_MASK = 0x0007_ff9f;
const ALRMSSR_MASK = 0x0f00_7fff;
/** RTC_ISR flags cleared by writing 0 (rc_w0); those in 13:8 need no key. */
const ISR_FLAGS_NO_KEY = 0x7f00;
/** Synchronisation delays, in RTCCLK periods (RM0090 §26.3.5, §26.3.6). */
const INITF_DELAY = 2;
const RSF_DELAY = 2;
const RSF_AFTER_INIT = 4;

/** The calendar in binary (hours 0-23 whatever FMT says). */
interface Calendar {
  year: number; // 0-99
  month: number; // 1-12
  day: number; // 1-31
  weekday: number; // 1-7, Monday = 1
  hour: number;
  minute: number;
  second: number;
}

const bcd = (v: number): number => ((Math.floor(v / 10) % 10) << 4) | (v % 10);
const fromBcd = (v: number): number => (v >>> 4) * 10 + (v & 0xf);

function daysInMonth(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 ? 29 : 28; // 2000-2099: every 4th year (RM0090 §26.3.3)
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export class Rtc extends Peripheral {
  /** PWR_CR.DBP: the backup domain may be written. */
  backupWritable: () => boolean = () => true;
  /** A battery keeps the backup domain powered across power-on resets (the run's --vbat). */
  batteryPresent: () => boolean = () => false;
  /** RTCCLK in Hz, 0 when not running (RCC_BDCR.RTCEN/RTCSEL). Standalone: a 32.768 kHz LSE. */
  rtcClockHz: () => number = () => 32_768;
  /** Drives an EXTI line (17 alarm, 21 tamper/time stamp, 22 wakeup). */
  extiLine: (line: number, level: boolean) => void = () => {};

  /** RTC_BKP0R-BKP19R, little-endian words: the state file's `rtc-backup` section once attached. */
  private backup: Uint8Array = new Uint8Array(4 * RTC_BACKUP_REGISTERS);

  private cal: Calendar = resetCalendar();
  private cr = 0;
  private isrFlags = 0; // ALRAF..TAMP2F
  private init = false;
  private prer = PRER_RESET;
  private wutr = WUTR_RESET;
  private calibr = 0;
  private calr = 0;
  private tafcr = 0;
  private readonly alrm = [0, 0];
  private readonly alrmss = [0, 0];
  private keyStage = 0; // 0 locked, 1 after 0xCA, 2 unlocked

  // Time base: RTCCLK ticks since the model was built (fractional), at `hz` since `lastNs`.
  private ticks = 0;
  private hz = 0;
  private lastNs = 0;
  /** RTCCLK ticks counted into the asynchronous prescaler, 0 ≤ apre < PREDIV_A + 1. */
  private apre = 0;
  /** The sub-second down-counter (RTC_SSR). */
  private ss = 0xff;
  private initfAt = Infinity;
  private rsfAt = RSF_DELAY;
  private wutNextAt = Infinity;
  /** Shadow registers frozen by a read of TR or SSR until DR is read: [TR, DR, SSR]. */
  private shadow: [number, number, number] | undefined;
  /** TSTR, TSDR, TSSSR. */
  private readonly timeStamp = [0, 0, 0];
  private readonly pinLevels = [false, false]; // PC13 (RTC_AF1), PI8 (RTC_AF2)
  private readonly alarm: Alarm;

  constructor(block: PeripheralBlock, ctx: PeripheralContext) {
    super(block, ctx);
    this.alarm = ctx.scheduler.createAlarm('RTC alarm/wakeup', () => this.sync());
    this.resetBackupDomain();
  }

  /** The backup registers' bytes (80, little-endian words). */
  get backupBytes(): Uint8Array {
    return this.backup;
  }

  /** Keeps the backup registers in `bytes` from now on (the state file's section; its content wins). */
  useBackupMemory(bytes: Uint8Array): void {
    if (bytes.length !== this.backup.length) throw new Error(`RTC backup registers: ${bytes.length} bytes, ${this.backup.length} expected`);
    this.backup = bytes;
  }

  /** Drives the tamper/time-stamp input PC13 (RTC_AF1) or PI8 (RTC_AF2). */
  setPin(pin: 'PC13' | 'PI8', level: boolean): void {
    const i = pin === 'PC13' ? 0 : 1;
    const old = this.pinLevels[i];
    if (old === level) return;
    this.sync(); // the calendar up to now, for a time stamp
    this.pinLevels[i] = level;
    if (i === ((this.tafcr & RTC_TAFCR.TAMP1INSEL) !== 0 ? 1 : 0)) this.checkTamper(old);
    const tsEdge = level === ((this.cr & RTC_CR.TSEDGE) === 0);
    if (i === ((this.tafcr & RTC_TAFCR.TSINSEL) !== 0 ? 1 : 0) && (this.cr & RTC_CR.TSE) !== 0 && tsEdge) this.stamp();
    this.updateLines();
  }

  // ---- Time -------------------------------------------------------------------------------------------

  /** Brings the calendar, the wakeup timer and the flags up to now, then re-reads RTCCLK and replans. */
  private sync(): void {
    const now = this.ctx.scheduler.nowNs();
    const dt = now - this.lastNs;
    this.lastNs = now;
    if (dt > 0 && this.hz > 0) this.advance((dt * this.hz) / 1e9);
    this.hz = this.rtcClockHz();
    this.updateLines();
    this.reschedule();
  }

  private advance(t: number): void {
    this.ticks += t;
    if (!this.init) {
      const a = this.prediv_a + 1;
      this.apre += t;
      const n = Math.floor(this.apre / a + 1e-9);
      this.apre = Math.max(0, this.apre - n * a);
      this.countSubSeconds(n);
    }
    if ((this.cr & RTC_CR.WUTE) !== 0 && this.ticks + 1e-6 >= this.wutNextAt) {
      const period = this.wakeupPeriodTicks();
      this.wutNextAt += period * Math.floor((this.ticks + 1e-6 - this.wutNextAt) / period + 1);
      this.isrFlags |= RTC_ISR.WUTF;
    }
  }

  /** `n` ck_apre periods: SSR counts down from PREDIV_S, each wrap is a calendar second (RM0090 §26.3.3). */
  private countSubSeconds(n: number): void {
    const s = this.prediv_s + 1;
    const elapsed = this.prediv_s - Math.min(this.ss, this.prediv_s) + n;
    this.ss = this.prediv_s - (elapsed % s);
    const seconds = Math.floor(elapsed / s);
    if (seconds === 0) return;
    if ((this.cr & (RTC_CR.ALRAE | RTC_CR.ALRBE)) === 0) return addSeconds(this.cal, seconds);
    // With an alarm on, every second is compared (they come one per emulated second at most: cheap).
    for (let i = 0; i < seconds; i++) {
      addSeconds(this.cal, 1);
      this.compareAlarms();
    }
  }

  private compareAlarms(): void {
    const tr = this.trNow();
    const dr = this.drNow();
    if ((this.cr & RTC_CR.ALRAE) !== 0 && alarmMatches(this.alrm[0], tr, dr)) this.isrFlags |= RTC_ISR.ALRAF;
    if ((this.cr & RTC_CR.ALRBE) !== 0 && alarmMatches(this.alrm[1], tr, dr)) this.isrFlags |= RTC_ISR.ALRBF;
  }

  private wakeupPeriodTicks(): number {
    const sel = this.cr & RTC_CR.WUCKSEL;
    const wut = (this.wutr & 0xffff) + 1;
    if (sel < 4) return wut * (16 >>> sel);
    const spre = (this.prediv_a + 1) * (this.prediv_s + 1);
    return (sel < 6 ? wut : wut + 0x1_0000) * spre;
  }

  /** One scheduler alarm: the next wakeup, or the next calendar second while an alarm is enabled. */
  private reschedule(): void {
    let ticks = Infinity;
    if (this.hz > 0) {
      if ((this.cr & RTC_CR.WUTE) !== 0) ticks = this.wutNextAt - this.ticks;
      if (!this.init && (this.cr & (RTC_CR.ALRAE | RTC_CR.ALRBE)) !== 0) {
        ticks = Math.min(ticks, (this.ss + 1) * (this.prediv_a + 1) - this.apre);
      }
    }
    if (ticks === Infinity) return this.alarm.cancel();
    this.alarm.scheduleNs((Math.max(0, ticks) * 1e9) / this.hz + 1);
  }

  private get prediv_a(): number {
    return (this.prer >>> 16) & 0x7f;
  }

  private get prediv_s(): number {
    return this.prer & 0x7fff;
  }

  // ---- Calendar registers -------------------------------------------------------------------------------

  private trNow(): number {
    const c = this.cal;
    let h = c.hour;
    let pm = 0;
    if ((this.cr & RTC_CR.FMT) !== 0) {
      pm = h >= 12 ? 1 << 22 : 0;
      h = h % 12 === 0 ? 12 : h % 12;
    }
    return pm | (bcd(h) << 16) | (bcd(c.minute) << 8) | bcd(c.second);
  }

  private drNow(): number {
    const c = this.cal;
    return (bcd(c.year) << 16) | (c.weekday << 13) | (bcd(c.month) << 8) | bcd(c.day);
  }

  private writeTr(value: number): void {
    const v = value & TR_MASK;
    let h = fromBcd((v >>> 16) & 0x3f);
    if ((this.cr & RTC_CR.FMT) !== 0) h = (h % 12) + ((v & (1 << 22)) !== 0 ? 12 : 0);
    Object.assign(this.cal, { hour: h, minute: fromBcd((v >>> 8) & 0x7f), second: fromBcd(v & 0x7f) });
  }

  private writeDr(value: number): void {
    const v = value & DR_MASK;
    const weekday = (v >>> 13) & 7;
    Object.assign(this.cal, {
      year: fromBcd((v >>> 16) & 0xff), weekday: weekday === 0 ? 1 : weekday, month: fromBcd((v >>> 8) & 0x1f), day: fromBcd(v & 0x3f),
    });
  }

  private get initf(): boolean {
    return this.init && this.ticks + 1e-6 >= this.initfAt;
  }

  private get rsf(): boolean {
    return !this.init && (this.cr & RTC_CR.BYPSHAD) === 0 && this.ticks + 1e-6 >= this.rsfAt;
  }

  private isr(): number {
    const writeFlags =
      ((this.cr & RTC_CR.ALRAE) === 0 ? RTC_ISR.ALRAWF : 0) |
      ((this.cr & RTC_CR.ALRBE) === 0 ? RTC_ISR.ALRBWF : 0) |
      ((this.cr & RTC_CR.WUTE) === 0 ? RTC_ISR.WUTWF : 0);
    const inits = this.cal.year !== 0 ? RTC_ISR.INITS : 0;
    return (
      writeFlags | inits | this.isrFlags |
      (this.rsf ? RTC_ISR.RSF : 0) | (this.initf ? RTC_ISR.INITF : 0) | (this.init ? RTC_ISR.INIT : 0)
    );
  }

  /** TR, DR, SSR as firmware reads them: from the shadow registers unless BYPSHAD or INIT mode. */
  private readCalendar(which: 0 | 1 | 2): number {
    const live: [number, number, number] = [this.trNow(), this.drNow(), this.ss];
    if ((this.cr & RTC_CR.BYPSHAD) !== 0 || this.init) return live[which];
    if (which === 1) {
      const dr = (this.shadow ?? live)[1];
      this.shadow = undefined;
      return dr;
    }
    this.shadow ??= live;
    return this.shadow[which];
  }

  // ---- Registers --------------------------------------------------------------------------------------

  readRegister(offset: number): number {
    if (offset >= RTC_REG.BKP0R && offset < BKP_END) return this.backupWord(offset - RTC_REG.BKP0R);
    this.sync();
    switch (offset) {
      case RTC_REG.TR: return this.readCalendar(0);
      case RTC_REG.DR: return this.readCalendar(1);
      case RTC_REG.SSR: return this.readCalendar(2);
      case RTC_REG.CR: return this.cr;
      case RTC_REG.ISR: return this.isr();
      case RTC_REG.PRER: return this.prer;
      case RTC_REG.WUTR: return this.wutr;
      case RTC_REG.CALIBR: return this.calibr;
      case RTC_REG.ALRMAR: return this.alrm[0];
      case RTC_REG.ALRMBR: return this.alrm[1];
      case RTC_REG.ALRMASSR: return this.alrmss[0];
      case RTC_REG.ALRMBSSR: return this.alrmss[1];
      case RTC_REG.CALR: return this.calr;
      case RTC_REG.TAFCR: return this.tafcr;
      case RTC_REG.TSTR: return this.timeStamp[0];
      case RTC_REG.TSDR: return this.timeStamp[1];
      case RTC_REG.TSSSR: return this.timeStamp[2];
      case RTC_REG.WPR:
      case RTC_REG.SHIFTR:
        return 0; // write-only
      default:
        this.unimplemented(offset, 'read');
        return 0;
    }
  }

  protected override peekRegister(offset: number): number {
    if (offset === RTC_REG.TR || offset === RTC_REG.DR || offset === RTC_REG.SSR) return 0;
    return this.readRegister(offset);
  }

  writeRegister(offset: number, value: number): void {
    if (!this.backupWritable()) return;
    if (offset >= RTC_REG.BKP0R && offset < BKP_END) return this.writeBackupWord(offset - RTC_REG.BKP0R, value);
    this.sync();
    if (offset === RTC_REG.WPR) return this.writeKey(value & 0xff);
    if (offset === RTC_REG.ISR) this.clearFlags(value, ISR_FLAGS_NO_KEY);
    if (offset === RTC_REG.TAFCR) this.writeTafcr(value);
    else if (this.keyStage === 2) this.writeProtected(offset, value);
    this.updateLines();
    this.reschedule();
  }

  /** RTC_WPR: 0xCA then 0x53 unlocks; anything else locks (RM0090 §26.3.5). */
  private writeKey(key: number): void {
    if (key === RTC_KEY[0]) this.keyStage = 1;
    else this.keyStage = this.keyStage === 1 && key === RTC_KEY[1] ? 2 : 0;
  }

  /** Registers behind the key. */
  private writeProtected(offset: number, value: number): void {
    const initf = this.initf;
    switch (offset) {
      case RTC_REG.TR: if (initf) this.writeTr(value); return;
      case RTC_REG.DR: if (initf) this.writeDr(value); return;
      case RTC_REG.PRER:
        if (initf) this.prer = value & PRER_MASK;
        return;
      case RTC_REG.ISR:
        this.clearFlags(value, RTC_ISR.RSF);
        return this.setInit((value & RTC_ISR.INIT) !== 0);
      case RTC_REG.CR: return this.writeCr(value);
      case RTC_REG.WUTR:
        if ((this.cr & RTC_CR.WUTE) === 0 || initf) this.wutr = value & 0xffff;
        return;
      case RTC_REG.ALRMAR:
      case RTC_REG.ALRMBR:
      case RTC_REG.ALRMASSR:
      case RTC_REG.ALRMBSSR:
        return this.writeAlarm(offset, value, initf);
      case RTC_REG.CALIBR: this.calibr = value & CALIBR_MASK; return;
      case RTC_REG.CALR: this.calr = value & CALR_MASK; return;
      case RTC_REG.SHIFTR: return this.unimplemented(offset, 'write', 'SHIFTR');
      default: return this.unimplemented(offset, 'write');
    }
  }

  /** ALRMxR/ALRMxSSR: writable while ALRxE = 0 (ALRxWF = 1) or in INIT mode (RM0090 §26.6.8). */
  private writeAlarm(offset: number, value: number, initf: boolean): void {
    const b = offset === RTC_REG.ALRMBR || offset === RTC_REG.ALRMBSSR ? 1 : 0;
    if ((this.cr & (b ? RTC_CR.ALRBE : RTC_CR.ALRAE)) !== 0 && !initf) return;
    if (offset === RTC_REG.ALRMAR || offset === RTC_REG.ALRMBR) this.alrm[b] = value >>> 0;
    else this.alrmss[b] = value & ALRMSSR_MASK;
  }

  /** ISR flags are rc_w0: a 0 clears, a 1 leaves them. */
  private clearFlags(value: number, bits: number): void {
    const clear = ~value & bits;
    this.isrFlags &= ~(clear & ISR_FLAGS_NO_KEY);
    if ((clear & RTC_ISR.RSF) !== 0) this.rsfAt = this.ticks + RSF_DELAY;
  }

  private setInit(on: boolean): void {
    if (on === this.init) return;
    this.init = on;
    if (on) {
      this.initfAt = this.ticks + INITF_DELAY;
      return;
    }
    // Leaving INIT mode: the prescalers restart and the shadow registers are reloaded (RM0090 §26.3.5).
    this.initfAt = Infinity;
    this.apre = 0;
    this.ss = this.prediv_s;
    this.shadow = undefined;
    this.rsfAt = this.ticks + RSF_AFTER_INIT;
  }

  private writeCr(value: number): void {
    const old = this.cr;
    this.cr = value & CR_STORED;
    if ((value & RTC_CR.ADD1H) !== 0) addSeconds(this.cal, 3600);
    if ((value & RTC_CR.SUB1H) !== 0 && this.cal.hour > 0) this.cal.hour--;
    if ((this.cr & ~old & RTC_CR.WUTE) !== 0) this.wutNextAt = this.ticks + this.wakeupPeriodTicks();
    if ((this.cr & RTC_CR.WUTE) === 0) this.wutNextAt = Infinity;
  }

  private writeTafcr(value: number): void {
    const wasArmed = (this.tafcr & RTC_TAFCR.TAMP1E) !== 0;
    this.tafcr = value & TAFCR_MASK;
    // A level-detected tamper input already active when it is enabled is an event at once.
    if (!wasArmed && this.tamperLevelMode) this.checkTamper(this.tamperPin);
  }

  // ---- Tamper -----------------------------------------------------------------------------------------

  private get tamperPin(): boolean {
    return this.pinLevels[(this.tafcr & RTC_TAFCR.TAMP1INSEL) !== 0 ? 1 : 0];
  }

  private get tamperLevelMode(): boolean {
    return (this.tafcr & RTC_TAFCR.TAMPFLT) !== 0;
  }

  /** The selected tamper pin changed from `old` (or TAMP1E was just set): is it a tamper event? */
  private checkTamper(old: boolean): void {
    if ((this.tafcr & RTC_TAFCR.TAMP1E) === 0) return;
    const activeHigh = (this.tafcr & RTC_TAFCR.TAMP1TRG) === 0;
    const level = this.tamperPin;
    const event = this.tamperLevelMode
      ? level === !activeHigh // TAMPFLT ≠ 0: TAMP1TRG = 0 → low level, 1 → high level
      : level !== old && level === activeHigh; // TAMPFLT = 0: TAMP1TRG = 0 → rising edge, 1 → falling edge
    if (!event) return;
    this.isrFlags |= RTC_ISR.TAMP1F;
    this.backup.fill(0); // RM0090 §26.3.13: a tamper event resets all backup registers
    if ((this.tafcr & RTC_TAFCR.TAMPTS) !== 0) this.stamp();
    this.updateLines();
  }

  /** A time-stamp event (RM0090 §26.3.11): TSTR/TSDR/TSSSR and TSF, or TSOVF if TSF is still set. */
  private stamp(): void {
    if ((this.isrFlags & RTC_ISR.TSF) !== 0) {
      this.isrFlags |= RTC_ISR.TSOVF;
      return;
    }
    this.timeStamp[0] = this.trNow();
    this.timeStamp[1] = this.drNow() & 0xff3f; // no year in TSDR
    this.timeStamp[2] = this.ss;
    this.isrFlags |= RTC_ISR.TSF;
  }

  // ---- Outputs and resets -------------------------------------------------------------------------------

  private updateLines(): void {
    const on = (flag: number, enabled: number): boolean => (this.isrFlags & flag) !== 0 && enabled !== 0;
    const cr = this.cr;
    const alarm = on(RTC_ISR.ALRAF, cr & RTC_CR.ALRAIE) || on(RTC_ISR.ALRBF, cr & RTC_CR.ALRBIE);
    const wakeup = on(RTC_ISR.WUTF, cr & RTC_CR.WUTIE);
    const tamper = on(RTC_ISR.TAMP1F, this.tafcr & RTC_TAFCR.TAMPIE) || on(RTC_ISR.TSF, cr & RTC_CR.TSIE);
    this.extiLine(EXTI_LINE.RTC_ALARM, alarm);
    this.extiLine(EXTI_LINE.RTC_WKUP, wakeup);
    this.extiLine(EXTI_LINE.RTC_TAMP_STAMP, tamper);
  }

  private backupWord(offset: number): number {
    const b = this.backup;
    return (b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16) | (b[offset + 3] << 24)) >>> 0;
  }

  private writeBackupWord(offset: number, value: number): void {
    for (let i = 0; i < 4; i++) this.backup[offset + i] = value >>> (8 * i);
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain' || (kind === 'power-on' && !this.batteryPresent())) return this.resetBackupDomain();
    this.sync();
    // System reset: the RTC runs on; the shadow registers are reset, so RSF must be awaited again (§26.3.6).
    this.shadow = undefined;
    this.rsfAt = this.ticks + RSF_DELAY;
  }

  private resetBackupDomain(): void {
    this.lastNs = this.ctx.scheduler.nowNs();
    this.hz = 0;
    this.cal = resetCalendar();
    this.cr = 0;
    this.isrFlags = 0;
    this.init = false;
    this.prer = PRER_RESET;
    this.wutr = WUTR_RESET;
    this.calibr = this.calr = this.tafcr = 0;
    this.alrm.fill(0);
    this.alrmss.fill(0);
    this.timeStamp.fill(0);
    this.keyStage = 0;
    this.apre = 0;
    this.ss = this.prediv_s;
    this.initfAt = this.wutNextAt = Infinity;
    this.rsfAt = this.ticks + RSF_DELAY;
    this.shadow = undefined;
    this.backup.fill(0);
    this.alarm.cancel();
    this.updateLines();
  }
}

function resetCalendar(): Calendar {
  // TR = 0, DR = 0x2101: Monday 1 January 2000 (RM0090 §26.6.2).
  return { year: 0, month: 1, day: 1, weekday: 1, hour: 0, minute: 0, second: 0 };
}

/** Moves the calendar `n` ≥ 0 seconds on: month lengths, leap years, the year wrapping 99 → 00. */
function addSeconds(c: Calendar, n: number): void {
  const secs = c.hour * 3600 + c.minute * 60 + c.second + n;
  let days = Math.floor(secs / 86_400);
  const rest = secs - days * 86_400;
  c.hour = Math.floor(rest / 3600);
  c.minute = Math.floor((rest % 3600) / 60);
  c.second = rest % 60;
  c.weekday = ((c.weekday - 1 + days) % 7) + 1;
  while (days > 0) {
    const left = daysInMonth(c.month, c.year) - c.day; // days to the month's last day
    if (days <= left) {
      c.day += days;
      return;
    }
    days -= left + 1;
    c.day = 1;
    if (++c.month > 12) {
      c.month = 1;
      c.year = (c.year + 1) % 100;
    }
  }
}

/** An alarm register against the calendar's TR/DR (RM0090 §26.3.4, §26.6.8): masked fields match anything. */
function alarmMatches(alrm: number, tr: number, dr: number): boolean {
  if ((alrm & ALRM.MSK1) === 0 && (alrm & 0x7f) !== (tr & 0x7f)) return false;
  if ((alrm & ALRM.MSK2) === 0 && ((alrm >>> 8) & 0x7f) !== ((tr >>> 8) & 0x7f)) return false;
  if ((alrm & ALRM.MSK3) === 0 && ((alrm >>> 16) & 0x7f) !== ((tr >>> 16) & 0x7f)) return false;
  if ((alrm & ALRM.MSK4) !== 0) return true;
  const day = (alrm >>> 24) & 0x3f;
  if ((alrm & ALRM.WDSEL) !== 0) return (day & 0xf) === ((dr >>> 13) & 7);
  return day === (dr & 0x3f);
}

/** Builds the RTC for the RTC block. */
export const rtcFactory: PeripheralFactory = (block, ctx) => (block.name === 'RTC' ? new Rtc(block, ctx) : undefined);

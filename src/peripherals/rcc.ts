/**
 * RCC — reset and clock control of the STM32F405/407/415/417 (RM0090 §7, register map §7.3.24).
 *
 * What is modelled:
 * - Every register with its reset value; reserved bits keep their reset value (PLLCFGR bit 29 reads 1).
 * - The oscillators HSI, HSE, LSI, LSE and the PLLs (main, PLLI2S): an ON bit starts one, its RDY flag
 *   rises after a start-up time in emulated time (datasheet DS8626 typical values, below). HSE and LSE
 *   exist only if the board fits a crystal (`setExternalClocks`); without one, RDY never rises, as on a
 *   bare chip. A PLL locks only if its input is ready and its configuration is one RM0090 allows.
 * - CIR ready interrupts on the RCC line (the CSS interrupt goes to NMI and is not modelled: no HSE ever fails).
 * - SYSCLK switching: SWS follows SW once the selected source is ready (RM0090 §7.2.6); a clock feeding
 *   SYSCLK cannot be switched off (§7.3.1). AHB/APB prescalers; HCLK drives the scheduler's frequency.
 * - Clock gating: the enable registers (xxxENR) gate each peripheral block (`CLOCK_GATES`); the reset
 *   registers (xxxRSTR) reset a block when asserted and hold it (unclocked) while set.
 * - RCC_CSR reset flags per reset cause; RCC_BDCR in the backup domain (write-protected by PWR_CR.DBP).
 *
 * Not modelled: HSITRIM changing the HSI frequency (HSI is 16 MHz whatever the trim), spread spectrum
 * (SSCGR is stored), MCO outputs (stored), the CCM clock gate (CCM RAM is on the bus fast path and
 * stays readable whatever CCMDATARAMEN says), low-power clock gating (LPENR registers are stored).
 */
import { IRQ, type PeripheralBlock } from '../device/stm32f407.js';
import type { ResetCause, ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

/** Register offsets (RM0090 §7.3.24 Table 34). */
export const RCC_REG = {
  CR: 0x00, PLLCFGR: 0x04, CFGR: 0x08, CIR: 0x0c,
  AHB1RSTR: 0x10, AHB2RSTR: 0x14, AHB3RSTR: 0x18, APB1RSTR: 0x20, APB2RSTR: 0x24,
  AHB1ENR: 0x30, AHB2ENR: 0x34, AHB3ENR: 0x38, APB1ENR: 0x40, APB2ENR: 0x44,
  AHB1LPENR: 0x50, AHB2LPENR: 0x54, AHB3LPENR: 0x58, APB1LPENR: 0x60, APB2LPENR: 0x64,
  BDCR: 0x70, CSR: 0x74, SSCGR: 0x80, PLLI2SCFGR: 0x84,
} as const;

/** RCC_CR bits (RM0090 §7.3.1). */
export const CR = {
  HSION: 1 << 0, HSIRDY: 1 << 1, HSITRIM: 0x1f << 3, HSICAL: 0xff << 8,
  HSEON: 1 << 16, HSERDY: 1 << 17, HSEBYP: 1 << 18, CSSON: 1 << 19,
  PLLON: 1 << 24, PLLRDY: 1 << 25, PLLI2SON: 1 << 26, PLLI2SRDY: 1 << 27,
} as const;

/** RCC_PLLCFGR fields (RM0090 §7.3.2). */
export const PLLCFGR = { M: 0x3f, N_SHIFT: 6, N: 0x1ff << 6, P_SHIFT: 16, P: 3 << 16, SRC_HSE: 1 << 22, Q_SHIFT: 24, Q: 0xf << 24 } as const;

/** RCC_CFGR fields (RM0090 §7.3.3). */
export const CFGR = { SW: 0x3, SWS_SHIFT: 2, SWS: 0x3 << 2, HPRE_SHIFT: 4, PPRE1_SHIFT: 10, PPRE2_SHIFT: 13, RTCPRE_SHIFT: 16 } as const;

/** SW/SWS encodings. */
export const SYSCLK = { HSI: 0, HSE: 1, PLL: 2 } as const;

/** RCC_CIR: flag n, enable n + 8, clear n + 16, in the order LSI, LSE, HSI, HSE, PLL, PLLI2S (RM0090 §7.3.4). */
export const CIR = { IE_SHIFT: 8, CLEAR_SHIFT: 16, CSSF: 1 << 7, CSSC: 1 << 23 } as const;

/** RCC_BDCR bits (RM0090 §7.3.20). */
export const BDCR = { LSEON: 1 << 0, LSERDY: 1 << 1, LSEBYP: 1 << 2, RTCSEL: 3 << 8, RTCSEL_SHIFT: 8, RTCEN: 1 << 15, BDRST: 1 << 16 } as const;

/** RCC_CSR bits (RM0090 §7.3.21). */
export const CSR = {
  LSION: 1 << 0, LSIRDY: 1 << 1, RMVF: 1 << 24, BORRSTF: 1 << 25, PINRSTF: 1 << 26, PORRSTF: 1 << 27,
  SFTRSTF: 1 << 28, IWDGRSTF: 1 << 29, WWDGRSTF: 1 << 30, LPWRRSTF: 0x8000_0000,
} as const;
const CSR_FLAGS = 0xfe00_0000;

/** The internal oscillators' frequencies (RM0090 §7.2.2, §7.2.5). */
export const HSI_HZ = 16_000_000;
export const LSI_HZ = 32_000;

/**
 * Start-up times in emulated nanoseconds: typical values of datasheet DS8626 (§6.3.7-§6.3.10):
 * tsu(HSI) 2.2 µs, tsu(HSE) 2 ms (8 MHz crystal), tsu(LSI) 15 µs, tsu(LSE) 2 s, PLL tLOCK 75-100 µs
 * (100 µs at the VCO frequencies firmware uses). A bypassed external clock (HSEBYP/LSEBYP) is already
 * running: a few of its cycles (unverified; 1 µs).
 */
export const STARTUP_NS = { HSI: 2_200, HSE: 2_000_000, LSI: 15_000, LSE: 2_000_000_000, PLL: 100_000, BYPASS: 1_000 } as const;

/** HSICAL: factory calibration, different on every chip (a fixed mid-range value here). */
const HSICAL_FACTORY = 0x78;
const HSITRIM_RESET = 16 << 3;

// Reset values (RM0090 §7.3.1-§7.3.23).
const PLLCFGR_RESET = 0x2400_3010; // M=16, N=192, P=2, HSI, Q=4; bit 29 is reserved and reads 1
const PLLI2SCFGR_RESET = 0x2000_3000; // N=192, R=2
const CSR_POWER_ON = CSR.PORRSTF | CSR.PINRSTF | CSR.BORRSTF;

// Writable bits.
const CR_WRITABLE = CR.HSION | CR.HSITRIM | CR.HSEON | CR.HSEBYP | CR.CSSON | CR.PLLON | CR.PLLI2SON;
const PLLCFGR_WRITABLE = 0x0f43_7fff;
const CFGR_WRITABLE = ~CFGR.SWS >>> 0;
const BDCR_PROTECTED = BDCR.LSEON | BDCR.LSEBYP | BDCR.RTCSEL | BDCR.RTCEN;
const SSCGR_WRITABLE = 0xcfff_ffff;
const PLLI2SCFGR_WRITABLE = 0x7000_7fc0;

/** The five peripheral buses RCC gates, in the order of their RSTR/ENR/LPENR registers. */
export type GatedBus = 'AHB1' | 'AHB2' | 'AHB3' | 'APB1' | 'APB2';
const BUSES: readonly GatedBus[] = ['AHB1', 'AHB2', 'AHB3', 'APB1', 'APB2'];
/** Offset of each bus's register from the first RSTR/ENR/LPENR register. */
const BUS_OFFSET = [0x00, 0x04, 0x08, 0x10, 0x14];

/**
 * Per bus: bits that exist in the reset / enable / low-power enable registers (RM0090 §7.3.5-§7.3.19;
 * the LPENR reset values have every bit set, CCMDATARAMEN and BKPSRAM's absent reset bit aside).
 */
const RSTR_BITS = [0x2260_11ff, 0x0000_00f1, 0x0000_0001, 0x36fe_c9ff, 0x0007_5933];
const ENR_BITS = [0x7e74_11ff, 0x0000_00f1, 0x0000_0001, 0x36fe_c9ff, 0x0007_5f33];
const LPENR_RESET = [0x7e67_91ff, 0x0000_00f1, 0x0000_0001, 0x36fe_c9ff, 0x0007_5f33];
/** AHB1ENR resets with CCMDATARAMEN set (RM0090 §7.3.10). */
const ENR_RESET = [0x0010_0000, 0, 0, 0, 0];

/** Which bits of which bus clock and reset a peripheral block. */
export interface ClockGate {
  readonly bus: GatedBus;
  /** Bits of xxxENR: the block is clocked while any of them is set. */
  readonly enable: number;
  /** Bits of xxxRSTR that reset it (0: none). */
  readonly reset: number;
}

function gate(bus: GatedBus, bit: number, enable = 1 << bit, reset = 1 << bit): ClockGate {
  return { bus, enable: enable >>> 0, reset: reset >>> 0 };
}

/**
 * Peripheral block (device description name) → its clock enable and reset bits (RM0090 §7.3.5-§7.3.14).
 * Blocks absent here (RCC, FLASH, EXTI, IWDG, RTC, DBGMCU) have no enable bit and are always clocked.
 */
export const CLOCK_GATES: Readonly<Record<string, ClockGate>> = {
  ...Object.fromEntries('ABCDEFGHI'.split('').map((l, i) => [`GPIO${l}`, gate('AHB1', i)])),
  CRC: gate('AHB1', 12),
  BKPSRAM: gate('AHB1', 18, 1 << 18, 0),
  DMA1: gate('AHB1', 21),
  DMA2: gate('AHB1', 22),
  ETH: gate('AHB1', 25, 0xf << 25, 1 << 25), // ETHMAC, TX, RX, PTP clocks; one reset
  USB_OTG_HS: gate('AHB1', 29, 3 << 29, 1 << 29), // OTGHS and its ULPI clock
  DCMI: gate('AHB2', 0),
  CRYP: gate('AHB2', 4),
  HASH: gate('AHB2', 5),
  RNG: gate('AHB2', 6),
  USB_OTG_FS: gate('AHB2', 7),
  FSMC: gate('AHB3', 0),
  ...Object.fromEntries([2, 3, 4, 5, 6, 7, 12, 13, 14].map((n, i) => [`TIM${n}`, gate('APB1', i)])),
  WWDG: gate('APB1', 11),
  SPI2: gate('APB1', 14),
  I2S2ext: gate('APB1', 14),
  SPI3: gate('APB1', 15),
  I2S3ext: gate('APB1', 15),
  USART2: gate('APB1', 17),
  USART3: gate('APB1', 18),
  UART4: gate('APB1', 19),
  UART5: gate('APB1', 20),
  I2C1: gate('APB1', 21),
  I2C2: gate('APB1', 22),
  I2C3: gate('APB1', 23),
  CAN1: gate('APB1', 25),
  CAN2: gate('APB1', 26),
  PWR: gate('APB1', 28),
  DAC: gate('APB1', 29),
  TIM1: gate('APB2', 0),
  TIM8: gate('APB2', 1),
  USART1: gate('APB2', 4),
  USART6: gate('APB2', 5),
  ADC: gate('APB2', 8, 7 << 8, 1 << 8), // ADC1/2/3 clocks share the block and one reset
  SDIO: gate('APB2', 11),
  SPI1: gate('APB2', 12),
  SYSCFG: gate('APB2', 14),
  TIM9: gate('APB2', 16),
  TIM10: gate('APB2', 17),
  TIM11: gate('APB2', 18),
};

/** AHB prescaler HPRE (RM0090 §7.3.3): 0xxx = 1, then 2, 4, 8, 16, 64, 128, 256, 512 (no 32). */
const AHB_DIVIDERS = [1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 8, 16, 64, 128, 256, 512];
/** APB prescalers PPRE1/PPRE2: 0xx = 1, then 2, 4, 8, 16. */
const APB_DIVIDERS = [1, 1, 1, 1, 2, 4, 8, 16];

/** Frequencies of the clock tree, in Hz (0: the clock is not running). */
export interface Clocks {
  readonly sysclk: number;
  readonly hclk: number;
  /** APB1 (low-speed) peripheral clock: USART2/3, UART4/5, I2C, TIM2-7/12-14 interfaces, WWDG. */
  readonly pclk1: number;
  /** APB2 (high-speed) peripheral clock: USART1/6, SPI1, TIM1/8-11, ADC, SYSCFG. */
  readonly pclk2: number;
  /** Timer clocks of APB1/APB2: PCLK when the APB prescaler is 1, else twice PCLK (RM0090 §7.2). */
  readonly timclk1: number;
  readonly timclk2: number;
  /** The main PLL's Q output (USB OTG FS, SDIO, RNG: wants 48 MHz). */
  readonly pll48: number;
  /** PLLI2S R output (I2S). */
  readonly plli2s: number;
  readonly lsi: number;
  readonly lse: number;
  /** RTCCLK as selected by RCC_BDCR.RTCSEL (0 while none is selected or it is not running). */
  readonly rtc: number;
}

/** What a PLL configuration gives (RM0090 §7.3.2). */
export interface PllPlan {
  readonly vcoInHz: number;
  readonly vcoHz: number;
  /** Output divided by P (main PLL: SYSCLK) or R (PLLI2S). */
  readonly outHz: number;
  /** Output divided by Q (0 when Q is a "wrong configuration"). */
  readonly qHz: number;
  /** False for encodings RM0090 calls "wrong configuration": the PLL never locks. */
  readonly lockable: boolean;
  /** Out-of-specification values that silicon tolerates but RM0090/DS8626 forbid (the PLL still locks). */
  readonly warnings: readonly string[];
}

/**
 * PLL arithmetic: VCO = (input / M) × N, output = VCO / P (or R), 48 MHz domain = VCO / Q.
 * RM0090: 2 ≤ M ≤ 63, 50 ≤ N ≤ 432 (other N encodings: "wrong configuration"), VCO input 1-2 MHz
 * (DS8626: 0.95-2.1 MHz), VCO output 100-432 MHz, 2 ≤ Q ≤ 15, SYSCLK ≤ 168 MHz.
 * Chip wins on the ranges: an F407 with a VCO or SYSCLK out of range still locks (overclocked boards
 * run), so those are warnings; the forbidden encodings of M and N refuse to lock (unverified on silicon).
 */
export function planPll(inputHz: number, m: number, n: number, outDivider: number, q: number, maxOutHz = Infinity): PllPlan {
  const lockable = inputHz > 0 && m >= 2 && n >= 50 && n <= 432;
  if (!lockable) return { vcoInHz: 0, vcoHz: 0, outHz: 0, qHz: 0, lockable, warnings: [] };
  const vcoInHz = inputHz / m;
  const vcoHz = vcoInHz * n;
  const outHz = vcoHz / outDivider;
  const warnings: string[] = [];
  if (vcoInHz < 950_000 || vcoInHz > 2_100_000) warnings.push(`VCO input ${mhz(vcoInHz)} outside 0.95-2.1 MHz`);
  if (vcoHz < 100_000_000 || vcoHz > 432_000_000) warnings.push(`VCO ${mhz(vcoHz)} outside 100-432 MHz`);
  if (outHz > maxOutHz) warnings.push(`output ${mhz(outHz)} above ${mhz(maxOutHz)}`);
  return { vcoInHz, vcoHz, outHz, qHz: q >= 2 ? vcoHz / q : 0, lockable, warnings };
}

function mhz(hz: number): string {
  return `${+(hz / 1e6).toFixed(3)} MHz`;
}

/** F405/407 maximum SYSCLK (DS8626 §6.3.1). */
const SYSCLK_MAX_HZ = 168_000_000;

/**
 * One clock source with an ON bit and a ready flag: it becomes ready `startupNs()` after it is on and
 * able to run (crystal fitted, PLL input ready), and stops being ready the moment either goes away.
 */
class Oscillator {
  ready = false;
  private readonly alarm: Alarm;

  constructor(
    rcc: Rcc,
    readonly name: string,
    /** Bit of this source in CIR's flag/enable/clear fields. */
    readonly cirBit: number,
    private readonly on: () => boolean,
    private readonly canRun: () => boolean,
    private readonly startupNs: () => number,
  ) {
    this.alarm = rcc.scheduler.createAlarm(`RCC ${name} ready`, () => rcc.oscillatorReady(this));
  }

  /** Starts, keeps or stops the start-up according to the ON bit and the source. */
  update(): void {
    if (this.on() && this.canRun()) {
      if (!this.ready && !this.alarm.scheduled) this.alarm.scheduleNs(this.startupNs());
      return;
    }
    this.alarm.cancel();
    this.ready = false;
  }

  /** Reset state: off (or, for the HSI, running: the chip starts on it). */
  reset(ready: boolean): void {
    this.alarm.cancel();
    this.ready = ready;
  }
}

export class Rcc extends Peripheral {
  /** External oscillators the board fits (0: none). Set with `setExternalClocks`. */
  private hseHz = 0;
  private lseHz = 0;

  /** Called with a block name when its xxxRSTR bit is asserted. */
  onPeripheralReset: (blockName: string) => void = () => {};
  /** Called when RCC_BDCR.BDRST resets the backup domain (RTC, PWR's backup regulator bits). */
  onBackupDomainReset: () => void = () => {};
  /** PWR_CR.DBP: the backup domain (RCC_BDCR) may be written. Open until PWR is wired. */
  backupWritable: () => boolean = () => true;
  /** A battery keeps the backup domain (RCC_BDCR) powered across power-on resets. */
  batteryPresent: () => boolean = () => false;
  /** Called after the clock tree changed (USART baud pacing, timers). */
  readonly clockListeners: Array<(clocks: Clocks) => void> = [];

  private cr = 0;
  private pllcfgr = PLLCFGR_RESET;
  private cfgr = 0;
  private cirEnable = 0;
  private cirFlags = 0;
  private readonly rstr = new Uint32Array(5);
  private readonly enr = new Uint32Array(5);
  private readonly lpenr = new Uint32Array(5);
  private bdcr = 0;
  private csr = CSR_POWER_ON;
  private sscgr = 0;
  private plli2scfgr = PLLI2SCFGR_RESET;
  private current: Clocks = stoppedClocks();
  /**
   * What each PLL locked on. RM0090 says to change PLLCFGR/PLLI2SCFGR only while the PLL is off;
   * f4emu applies a change made while it runs at its next lock (unverified on silicon).
   */
  private pllPlan: PllPlan | undefined;
  private i2sPlan: PllPlan | undefined;

  private readonly hsi: Oscillator;
  private readonly hse: Oscillator;
  private readonly lsi: Oscillator;
  private readonly lse: Oscillator;
  private readonly pll: Oscillator;
  private readonly plli2s: Oscillator;
  private readonly oscillators: readonly Oscillator[];

  constructor(block: PeripheralBlock, ctx: PeripheralContext) {
    super(block, ctx);
    const bypassOr = (bit: number, reg: () => number, ns: number) => () => ((reg() & bit) !== 0 ? STARTUP_NS.BYPASS : ns);
    this.lsi = new Oscillator(this, 'LSI', 0, () => (this.csr & CSR.LSION) !== 0, () => true, () => STARTUP_NS.LSI);
    this.lse = new Oscillator(this, 'LSE', 1, () => (this.bdcr & BDCR.LSEON) !== 0, () => this.lseHz > 0,
      bypassOr(BDCR.LSEBYP, () => this.bdcr, STARTUP_NS.LSE));
    this.hsi = new Oscillator(this, 'HSI', 2, () => (this.cr & CR.HSION) !== 0, () => true, () => STARTUP_NS.HSI);
    this.hse = new Oscillator(this, 'HSE', 3, () => (this.cr & CR.HSEON) !== 0, () => this.hseHz > 0,
      bypassOr(CR.HSEBYP, () => this.cr, STARTUP_NS.HSE));
    // A locked PLL keeps running while its input does; an unlocked one starts only on a valid configuration.
    const pllCanRun = (osc: () => Oscillator, plan: () => PllPlan) => () => (osc().ready ? this.pllInputHz() > 0 : plan().lockable);
    this.pll = new Oscillator(this, 'PLL', 4, () => (this.cr & CR.PLLON) !== 0, pllCanRun(() => this.pll, () => this.mainPll()), () => STARTUP_NS.PLL);
    this.plli2s = new Oscillator(this, 'PLLI2S', 5, () => (this.cr & CR.PLLI2SON) !== 0, pllCanRun(() => this.plli2s, () => this.i2sPll()), () => STARTUP_NS.PLL);
    // PLLs last: they depend on HSI/HSE being ready.
    this.oscillators = [this.lsi, this.lse, this.hsi, this.hse, this.pll, this.plli2s];
    this.reset('power-on');
  }

  /** The emulated-time scheduler (for the oscillators' alarms). */
  get scheduler(): PeripheralContext['scheduler'] {
    return this.ctx.scheduler;
  }

  /** The clock tree as it is now. */
  get clocks(): Clocks {
    return this.current;
  }

  /** Crystals or external clocks on OSC_IN/OSC32_IN (the board's): 0 = none fitted, the oscillator never starts. */
  setExternalClocks(clocks: { hseHz?: number; lseHz?: number }): void {
    this.hseHz = clocks.hseHz ?? 0;
    this.lseHz = clocks.lseHz ?? 0;
    this.refresh();
  }

  /** Whether a block's clock is on and its reset released (the gate `Peripheral.clockEnabled` reads). */
  clockOn(g: ClockGate): boolean {
    return this.gateOpen(Rcc.busIndex(g.bus), g.enable, g.reset);
  }

  /** Fast form of `clockOn` for a gate resolved once (bus index, enable mask, reset mask). */
  gateOpen(busIndex: number, enable: number, reset: number): boolean {
    return (this.enr[busIndex] & enable) !== 0 && (this.rstr[busIndex] & reset) === 0;
  }

  static busIndex(bus: GatedBus): number {
    return BUSES.indexOf(bus);
  }

  // ---- Registers ------------------------------------------------------------------------------

  readRegister(offset: number): number {
    switch (offset) {
      case RCC_REG.CR:
        return (this.cr | this.readyBits()) >>> 0;
      case RCC_REG.PLLCFGR:
        return this.pllcfgr;
      case RCC_REG.CFGR:
        return this.cfgr;
      case RCC_REG.CIR:
        return (this.cirFlags | (this.cirEnable << CIR.IE_SHIFT)) >>> 0;
      case RCC_REG.BDCR:
        return (this.bdcr | (this.lse.ready ? BDCR.LSERDY : 0)) >>> 0;
      case RCC_REG.CSR:
        return (this.csr | (this.lsi.ready ? CSR.LSIRDY : 0)) >>> 0;
      case RCC_REG.SSCGR:
        return this.sscgr;
      case RCC_REG.PLLI2SCFGR:
        return this.plli2scfgr;
    }
    const bank = busRegister(offset);
    if (bank) return this[bank.kind][bank.index];
    return 0; // reserved offsets read 0
  }

  writeRegister(offset: number, value: number): void {
    switch (offset) {
      case RCC_REG.CR:
        return this.writeCr(value);
      case RCC_REG.PLLCFGR:
        this.pllcfgr = merge(this.pllcfgr, value, PLLCFGR_WRITABLE);
        return this.refresh();
      case RCC_REG.CFGR:
        this.cfgr = merge(this.cfgr, value, CFGR_WRITABLE);
        return this.refresh();
      case RCC_REG.CIR:
        return this.writeCir(value);
      case RCC_REG.BDCR:
        return this.writeBdcr(value);
      case RCC_REG.CSR:
        return this.writeCsr(value);
      case RCC_REG.SSCGR:
        this.sscgr = (value & SSCGR_WRITABLE) >>> 0;
        return;
      case RCC_REG.PLLI2SCFGR:
        this.plli2scfgr = merge(this.plli2scfgr, value, PLLI2SCFGR_WRITABLE);
        return this.refresh();
    }
    const bank = busRegister(offset);
    if (!bank) return;
    if (bank.kind === 'rstr') return this.writeRstr(bank.index, value & RSTR_BITS[bank.index]);
    if (bank.kind === 'enr') {
      this.enr[bank.index] = value & ENR_BITS[bank.index];
      this.gatesChanged();
    } else this.lpenr[bank.index] = value & LPENR_RESET[bank.index];
  }

  /** A clock gate may have opened or closed: counters on a block's clock (WWDG, TIMx) stop or go on. */
  private gatesChanged(): void {
    for (const l of this.clockListeners) l(this.current);
  }

  /** RCC_CR: a source feeding SYSCLK (directly or through the PLL) cannot be switched off (RM0090 §7.3.1). */
  private writeCr(value: number): void {
    let next = merge(this.cr, value, CR_WRITABLE);
    const sws = this.sws;
    const pllSrcHse = (this.pllcfgr & PLLCFGR.SRC_HSE) !== 0;
    if (sws === SYSCLK.PLL) next |= CR.PLLON;
    if (sws === SYSCLK.HSI || (sws === SYSCLK.PLL && !pllSrcHse)) next |= CR.HSION;
    if (sws === SYSCLK.HSE || (sws === SYSCLK.PLL && pllSrcHse)) next |= CR.HSEON;
    // HSEBYP can be written only while the HSE is off (RM0090 §7.3.1).
    if ((this.cr & CR.HSEON) !== 0 || this.hse.ready) next = (next & ~CR.HSEBYP) | (this.cr & CR.HSEBYP);
    this.cr = next >>> 0;
    this.refresh();
  }

  /** RCC_CIR: interrupt enables; write 1 to the clear bits to clear a ready flag. */
  private writeCir(value: number): void {
    this.cirEnable = (value >>> CIR.IE_SHIFT) & 0x3f;
    this.cirFlags &= ~((value >>> CIR.CLEAR_SHIFT) & 0x3f);
    this.updateIrq();
  }

  /**
   * RCC_BDCR (backup domain): LSEON, LSEBYP, RTCSEL and RTCEN are write-protected until PWR_CR.DBP is set
   * (RM0090 §7.3.20); LSEBYP only while the LSE is off; RTCSEL only once until the next backup-domain
   * reset; BDRST holds the whole backup domain in reset while set.
   */
  private writeBdcr(value: number): void {
    const old = this.bdcr;
    let next = value & (BDCR_PROTECTED | BDCR.BDRST);
    if (!this.backupWritable()) next = (next & ~BDCR_PROTECTED) | (old & BDCR_PROTECTED);
    if ((old & BDCR.LSEON) !== 0 || this.lse.ready) next = (next & ~BDCR.LSEBYP) | (old & BDCR.LSEBYP);
    if ((old & BDCR.RTCSEL) !== 0) next = (next & ~BDCR.RTCSEL) | (old & BDCR.RTCSEL);
    if ((next & BDCR.BDRST) !== 0) {
      this.bdcr = BDCR.BDRST; // everything else held at its reset value
      if ((old & BDCR.BDRST) === 0) {
        this.lse.reset(false);
        this.onBackupDomainReset();
      }
    } else {
      this.bdcr = next >>> 0;
    }
    this.refresh();
  }

  /** RCC_CSR: LSION; RMVF clears the reset flags (and reads 0). */
  private writeCsr(value: number): void {
    let next = (this.csr & ~CSR.LSION) | (value & CSR.LSION);
    if ((value & CSR.RMVF) !== 0) next &= ~CSR_FLAGS;
    this.csr = next >>> 0;
    this.refresh();
  }

  /** xxxRSTR: a block whose bit goes from 0 to 1 is reset; it stays unclocked until the bit is cleared. */
  private writeRstr(index: number, value: number): void {
    const asserted = value & ~this.rstr[index];
    this.rstr[index] = value;
    if (asserted === 0) return;
    const bus = BUSES[index];
    for (const [name, g] of Object.entries(CLOCK_GATES)) {
      if (g.bus === bus && (g.reset & asserted) !== 0) this.onPeripheralReset(name);
    }
  }

  private readyBits(): number {
    return (this.hsi.ready ? CR.HSIRDY : 0) | (this.hse.ready ? CR.HSERDY : 0) | (this.pll.ready ? CR.PLLRDY : 0) | (this.plli2s.ready ? CR.PLLI2SRDY : 0);
  }

  private get sws(): number {
    return (this.cfgr & CFGR.SWS) >>> CFGR.SWS_SHIFT;
  }

  // ---- Oscillators, PLLs and the clock tree ---------------------------------------------------------

  /** The PLL input (HSI or HSE per PLLSRC), 0 while that oscillator is not ready. */
  private pllInputHz(): number {
    if ((this.pllcfgr & PLLCFGR.SRC_HSE) !== 0) return this.hse.ready ? this.hseHz : 0;
    return this.hsi.ready ? HSI_HZ : 0;
  }

  private mainPll(): PllPlan {
    const c = this.pllcfgr;
    const p = 2 * (((c & PLLCFGR.P) >>> PLLCFGR.P_SHIFT) + 1);
    return planPll(this.pllInputHz(), c & PLLCFGR.M, (c & PLLCFGR.N) >>> PLLCFGR.N_SHIFT, p, (c & PLLCFGR.Q) >>> PLLCFGR.Q_SHIFT, SYSCLK_MAX_HZ);
  }

  /** PLLI2S shares the main PLL's input and M divider (RM0090 §7.2.3); R must be 2-7. */
  private i2sPll(): PllPlan {
    const c = this.plli2scfgr;
    const r = (c >>> 28) & 7;
    const plan = planPll(this.pllInputHz(), this.pllcfgr & PLLCFGR.M, (c >>> 6) & 0x1ff, Math.max(r, 1), 0);
    return r >= 2 ? plan : { ...plan, lockable: false };
  }

  /** @internal Alarm: an oscillator finished starting up. */
  oscillatorReady(osc: Oscillator): void {
    osc.ready = true;
    if ((this.cirEnable >>> osc.cirBit) & 1) this.cirFlags |= 1 << osc.cirBit;
    if (osc === this.pll || osc === this.plli2s) {
      const plan = osc === this.pll ? (this.pllPlan = this.mainPll()) : (this.i2sPlan = this.i2sPll());
      if (plan.warnings.length > 0) this.ctx.log('rcc', `${osc.name} locked out of specification: ${plan.warnings.join('; ')}`);
    }
    this.refresh();
  }

  /**
   * Brings everything derived from the registers up to date: oscillator start-ups, the SYSCLK switch,
   * the clock tree (and HCLK for the scheduler), the RCC interrupt line.
   */
  private refresh(): void {
    for (const osc of this.oscillators) osc.update();
    const sw = this.cfgr & CFGR.SW;
    const target = sw === SYSCLK.HSI ? this.hsi : sw === SYSCLK.HSE ? this.hse : sw === SYSCLK.PLL ? this.pll : undefined;
    // SW = 11 is "not allowed": SWS keeps its value. Otherwise the switch happens once the target is ready.
    if (target?.ready && sw !== this.sws) this.cfgr = ((this.cfgr & ~CFGR.SWS) | (sw << CFGR.SWS_SHIFT)) >>> 0;
    this.updateClocks();
    this.updateIrq();
  }

  private computeClocks(): Clocks {
    const sws = this.sws;
    const pll = this.pll.ready ? this.pllPlan : undefined;
    const sysclk = sws === SYSCLK.HSE ? this.hseHz : sws === SYSCLK.PLL ? (pll?.outHz ?? 0) : HSI_HZ;
    const hclk = sysclk / AHB_DIVIDERS[(this.cfgr >>> CFGR.HPRE_SHIFT) & 0xf];
    const apb1 = APB_DIVIDERS[(this.cfgr >>> CFGR.PPRE1_SHIFT) & 7];
    const apb2 = APB_DIVIDERS[(this.cfgr >>> CFGR.PPRE2_SHIFT) & 7];
    const lsi = this.lsi.ready ? LSI_HZ : 0;
    const lse = this.lse.ready ? this.lseHz : 0;
    const rtcpre = (this.cfgr >>> CFGR.RTCPRE_SHIFT) & 0x1f;
    const hseRtc = this.hse.ready && rtcpre >= 2 ? this.hseHz / rtcpre : 0;
    const rtc = [0, lse, lsi, hseRtc][(this.bdcr & BDCR.RTCSEL) >>> BDCR.RTCSEL_SHIFT];
    return {
      sysclk,
      hclk,
      pclk1: hclk / apb1,
      pclk2: hclk / apb2,
      timclk1: apb1 === 1 ? hclk : (2 * hclk) / apb1,
      timclk2: apb2 === 1 ? hclk : (2 * hclk) / apb2,
      pll48: pll?.qHz ?? 0,
      plli2s: this.plli2s.ready ? (this.i2sPlan?.outHz ?? 0) : 0,
      lsi,
      lse,
      rtc,
    };
  }

  private updateClocks(): void {
    const next = this.computeClocks();
    if (sameClocks(next, this.current)) return;
    this.current = next;
    if (next.hclk > 0) this.ctx.scheduler.setFrequency(next.hclk);
    for (const l of this.clockListeners) l(next);
  }

  private updateIrq(): void {
    this.ctx.setIrq(IRQ.RCC, (this.cirFlags & 0x3f) !== 0);
  }

  // ---- Resets -------------------------------------------------------------------------------------

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') {
      this.resetBackupDomain();
      return this.refresh();
    }
    this.cr = CR.HSION | HSITRIM_RESET | (HSICAL_FACTORY << 8);
    this.pllcfgr = PLLCFGR_RESET;
    this.cfgr = 0;
    this.cirEnable = 0;
    this.cirFlags = 0;
    for (let i = 0; i < BUSES.length; i++) {
      this.rstr[i] = 0;
      this.enr[i] = ENR_RESET[i];
      this.lpenr[i] = LPENR_RESET[i];
    }
    this.sscgr = 0;
    this.plli2scfgr = PLLI2SCFGR_RESET;
    // RCC_CSR: the flags survive every reset but a power-on reset; LSION is reset by a system reset.
    this.csr = kind === 'power-on' ? CSR_POWER_ON : (this.csr & CSR_FLAGS) >>> 0;
    for (const osc of this.oscillators) if (osc !== this.lse) osc.reset(osc === this.hsi);
    if (kind === 'power-on' && !this.batteryPresent()) this.resetBackupDomain();
    this.refresh();
    this.gatesChanged();
  }

  private resetBackupDomain(): void {
    this.bdcr = 0;
    this.lse.reset(false);
  }

  /**
   * Sets the RCC_CSR flag(s) of a reset's cause (RM0090 §7.3.21). Chip wins over the manual's table:
   * every internal reset source also pulses the NRST pin (RM0090 §7.1.2 Figure 13), so PINRSTF is set
   * with SFTRSTF/IWDGRSTF/WWDGRSTF/LPWRRSTF/BORRSTF — a real F407 reads 0x1400_0000 after NVIC_SystemReset().
   */
  recordResetCause(cause: ResetCause): void {
    const flags: Record<ResetCause, number> = {
      'power-on': CSR_POWER_ON,
      pin: CSR.PINRSTF,
      software: CSR.SFTRSTF | CSR.PINRSTF,
      iwdg: CSR.IWDGRSTF | CSR.PINRSTF,
      wwdg: CSR.WWDGRSTF | CSR.PINRSTF,
      'low-power': CSR.LPWRRSTF | CSR.PINRSTF,
      'brown-out': CSR.BORRSTF | CSR.PINRSTF,
    };
    this.csr = (this.csr | flags[cause]) >>> 0;
  }
}

function merge(old: number, value: number, writable: number): number {
  return ((old & ~writable) | (value & writable)) >>> 0;
}

/** Which RSTR/ENR/LPENR register an offset is, or undefined. */
function busRegister(offset: number): { kind: 'rstr' | 'enr' | 'lpenr'; index: number } | undefined {
  const banks = [['rstr', RCC_REG.AHB1RSTR], ['enr', RCC_REG.AHB1ENR], ['lpenr', RCC_REG.AHB1LPENR]] as const;
  for (const [kind, base] of banks) {
    const index = BUS_OFFSET.indexOf(offset - base);
    if (index >= 0) return { kind, index };
  }
  return undefined;
}

function stoppedClocks(): Clocks {
  return { sysclk: 0, hclk: 0, pclk1: 0, pclk2: 0, timclk1: 0, timclk2: 0, pll48: 0, plli2s: 0, lsi: 0, lse: 0, rtc: 0 };
}

function sameClocks(a: Clocks, b: Clocks): boolean {
  return (Object.keys(a) as Array<keyof Clocks>).every((k) => a[k] === b[k]);
}

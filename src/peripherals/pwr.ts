/**
 * PWR — power controller of the STM32F405/407 (RM0090 §5.4).
 *
 * - PWR_CR: LPDS, PDDS, PVDE, PLS, DBP, FPDS, VOS are stored; CWUF/CSBF clear WUF/SBF and read 0.
 *   DBP lifts the backup domain's write protection (RCC_BDCR, RTC, backup SRAM, BRE): `backupWritable()`.
 * - PWR_CSR: BRE (writable only while DBP = 1) starts the backup regulator, BRR rises after its start-up;
 *   BRE/BRR are backup-domain bits: a system reset keeps them, a backup-domain reset clears them, a
 *   power-on reset clears them unless a battery (VBAT) keeps the backup domain powered (RM0090 §5.4.2).
 *   VOSRDY rises once the regulator has settled after a reset or a change of VOS. EWUP is stored.
 * - PVDO stays 0: the emulated VDD (3.3 V) is above every PVD threshold (2.0-2.9 V, RM0090 §5.2.3).
 *   Standby and Stop are not modelled: WUF and SBF never set.
 */
import type { PeripheralBlock } from '../device/stm32f407.js';
import type { ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

/** Register offsets (RM0090 §5.5 Table 28). */
export const PWR_REG = { CR: 0x00, CSR: 0x04 } as const;

/** PWR_CR bits (RM0090 §5.4.1, F405/407 layout: VOS is one bit). */
export const PWR_CR = {
  LPDS: 1 << 0, PDDS: 1 << 1, CWUF: 1 << 2, CSBF: 1 << 3, PVDE: 1 << 4, PLS: 7 << 5, DBP: 1 << 8, FPDS: 1 << 9, VOS: 1 << 14,
} as const;

/** PWR_CSR bits (RM0090 §5.4.2). */
export const PWR_CSR = { WUF: 1 << 0, SBF: 1 << 1, PVDO: 1 << 2, BRR: 1 << 3, EWUP: 1 << 8, BRE: 1 << 9, VOSRDY: 1 << 14 } as const;

/** PWR_CR reset value: VOS = 1 (scale 1) (RM0090 §5.4.1). */
const CR_RESET = PWR_CR.VOS;
const CR_STORED = PWR_CR.LPDS | PWR_CR.PDDS | PWR_CR.PVDE | PWR_CR.PLS | PWR_CR.DBP | PWR_CR.FPDS | PWR_CR.VOS;

/**
 * Settling times in emulated nanoseconds. Neither is given by RM0090 or DS8626 (unverified); HAL waits
 * for BRR with a 1 s time-out and for VOSRDY with none, so any short delay behaves the same for firmware.
 */
export const PWR_SETTLE_NS = { BRR: 10_000, VOSRDY: 10_000 } as const;

export class Pwr extends Peripheral {
  /** A battery keeps the backup domain (BRE/BRR) powered across power-on resets. */
  batteryPresent: () => boolean = () => false;
  private cr = CR_RESET;
  private ewup = 0;
  private bre = false;
  private brr = false;
  private vosReady = false;
  private readonly brrAlarm: Alarm;
  private readonly vosAlarm: Alarm;

  constructor(block: PeripheralBlock, ctx: PeripheralContext) {
    super(block, ctx);
    this.brrAlarm = ctx.scheduler.createAlarm('PWR backup regulator ready', () => (this.brr = true));
    this.vosAlarm = ctx.scheduler.createAlarm('PWR VOS ready', () => (this.vosReady = true));
    this.reset('power-on');
  }

  /** PWR_CR.DBP: writes to the backup domain are allowed (RM0090 §5.1.2). */
  backupWritable(): boolean {
    return (this.cr & PWR_CR.DBP) !== 0;
  }

  /** PWR_CSR.BRR: the backup regulator runs, so backup SRAM survives on VBAT and in Standby. */
  get backupRegulatorReady(): boolean {
    return this.brr;
  }

  readRegister(offset: number): number {
    if (offset === PWR_REG.CR) return this.cr;
    if (offset === PWR_REG.CSR) {
      return this.ewup | (this.bre ? PWR_CSR.BRE : 0) | (this.brr ? PWR_CSR.BRR : 0) | (this.vosReady ? PWR_CSR.VOSRDY : 0);
    }
    return 0;
  }

  writeRegister(offset: number, value: number): void {
    if (offset === PWR_REG.CR) return this.writeCr(value);
    if (offset === PWR_REG.CSR) return this.writeCsr(value);
  }

  private writeCr(value: number): void {
    const vosChanged = ((value ^ this.cr) & PWR_CR.VOS) !== 0;
    this.cr = value & CR_STORED;
    if (vosChanged) this.settleRegulator();
  }

  /** PWR_CSR: EWUP; BRE only while DBP = 1 (RM0090 §5.4.2). */
  private writeCsr(value: number): void {
    this.ewup = value & PWR_CSR.EWUP;
    if (this.backupWritable()) this.setBackupRegulator((value & PWR_CSR.BRE) !== 0);
  }

  private setBackupRegulator(on: boolean): void {
    if (on === this.bre) return;
    this.bre = on;
    this.brr = false;
    if (on) this.brrAlarm.scheduleNs(PWR_SETTLE_NS.BRR);
    else this.brrAlarm.cancel();
  }

  private settleRegulator(): void {
    this.vosReady = false;
    this.vosAlarm.scheduleNs(PWR_SETTLE_NS.VOSRDY);
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain' || (kind === 'power-on' && !this.batteryPresent())) this.setBackupRegulator(false);
    if (kind === 'backup-domain') return;
    this.cr = CR_RESET;
    this.ewup = 0;
    this.settleRegulator();
  }
}

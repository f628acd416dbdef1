/**
 * The instrumentation trace macrocell (ARM ARM C1.7, Cortex-M4 TRM §8.3), as far as firmware sees it:
 * writes to an enabled stimulus port (ITM_TCR.ITMENA and its ITM_TER bit) are offered byte by byte to
 * `onItm(port, byte)` — printf over SWO; stimulus ports read FIFOREADY = 1 so polling writers never
 * wait; TER/TPR/TCR are stored. Everything else reads as zero.
 */
import { CORE_BLOCKS } from '../device/stm32f407.js';
import { merge, type RegisterBlock } from './scs.js';

const PORTS = 32;
/** Offsets from 0xE000_0000. */
const TER = 0xe00;
const TPR = 0xe40;
const TCR = 0xe80;
export const ITM_TCR = { ITMENA: 1 << 0 } as const;
/** TCR: ITMENA, TSENA, SYNCENA, TXENA, SWOENA, TSPrescale, GTSFREQ, TraceBusID (BUSY reads 0). */
const TCR_WRITABLE = 0x007f_0f1f;
const TPR_WRITABLE = 0xf;
/** Stimulus port reads: FIFOREADY. */
const FIFOREADY = 1;

export class Itm implements RegisterBlock {
  /** Receives the bytes firmware writes to enabled stimulus ports. */
  onItm: (port: number, byte: number) => void = () => {};
  private ter = 0;
  private tpr = 0;
  private tcr = 0;

  /** A system reset keeps the ITM: it is debug logic, reset by a power-on reset only (ARM ARM C1.2; PM0214 §4.4.5). */
  reset(): void {}

  powerOnReset(): void {
    this.ter = this.tpr = this.tcr = 0;
  }

  /** Whether an address is one of the 32 stimulus port registers. */
  isStimulusPort(address: number): boolean {
    return address >= CORE_BLOCKS.ITM && address < CORE_BLOCKS.ITM + 4 * PORTS;
  }

  /** Unprivileged code may use the stimulus ports whose group of 8 ITM_TPR leaves open (C1.7.5). */
  unprivilegedMayAccess(address: number): boolean {
    if (!this.isStimulusPort(address)) return false;
    const port = (address - CORE_BLOCKS.ITM) >> 2;
    return ((this.tpr >> (port >> 3)) & 1) === 0;
  }

  readWord(address: number): number {
    if (this.isStimulusPort(address)) return FIFOREADY;
    switch (address - CORE_BLOCKS.ITM) {
      case TER: return this.ter;
      case TPR: return this.tpr;
      case TCR: return this.tcr;
      default: return 0;
    }
  }

  writeWord(address: number, value: number, mask: number): void {
    if (this.isStimulusPort(address)) return this.stimulus((address - CORE_BLOCKS.ITM) >> 2, value, mask);
    switch (address - CORE_BLOCKS.ITM) {
      case TER: this.ter = merge(this.ter, value, mask); break;
      case TPR: this.tpr = merge(this.tpr, value, mask) & TPR_WRITABLE; break;
      case TCR: this.tcr = merge(this.tcr, value, mask) & TCR_WRITABLE; break;
      default: break;
    }
  }

  private stimulus(port: number, value: number, mask: number): void {
    if ((this.tcr & ITM_TCR.ITMENA) === 0 || ((this.ter >>> port) & 1) === 0) return;
    for (let lane = 0; lane < 4; lane++) {
      if (((mask >>> (8 * lane)) & 0xff) !== 0) this.onItm(port, (value >>> (8 * lane)) & 0xff);
    }
  }
}

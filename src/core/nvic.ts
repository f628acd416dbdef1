/**
 * The NVIC's registers (PM0214 §4.3, ARM ARM B3.4): ISER/ICER/ISPR/ICPR/IABR (one bit per interrupt,
 * 32 per word, 8 words each), IPR (one priority byte per interrupt, [7:4] implemented on the STM32F4),
 * STIR (software trigger) and ICTR (number of interrupt lines). Bits and bytes of interrupts the device
 * does not have read as zero and ignore writes. The state lives in the ExceptionUnit.
 */
import { CORE_BLOCKS } from '../device/stm32f407.js';
import { EXC, type ExceptionUnit } from './exceptions.js';
import { forEachBit, type RegisterBlock } from './scs.js';

/** Offsets from the NVIC base (0xE000_E100). */
const ISER = 0x000;
const ICER = 0x080;
const ISPR = 0x100;
const ICPR = 0x180;
const IABR = 0x200;
const IPR = 0x300;
const BANK_SIZE = 0x80;
const BANK_WORDS = 8;
const IPR_END = 0x3f0;
/** ICTR (0xE000_E004, B3.4.3): INTLINESNUM = lines / 32 - 1, rounded up. */
const ICTR_ADDRESS = CORE_BLOCKS.SCS + 0x004;

export class Nvic implements RegisterBlock {
  constructor(private readonly exc: ExceptionUnit) {}

  /** NVIC state is the ExceptionUnit's; it resets it. */
  reset(): void {}

  readWord(address: number): number {
    if (address === ICTR_ADDRESS) return Math.ceil(this.exc.irqCount / 32) - 1;
    if (address === CORE_BLOCKS.STIR) return 0; // write-only
    const offset = address - CORE_BLOCKS.NVIC;
    if (offset >= IPR) return offset < IPR_END ? this.readPriorities(offset - IPR) : 0;
    const bank = offset - (offset % BANK_SIZE);
    const word = (offset % BANK_SIZE) >> 2;
    if (word >= BANK_WORDS) return 0;
    switch (bank) {
      case ISER:
      case ICER:
        return this.bits(this.exc.enabled, word);
      case ISPR:
      case ICPR:
        return this.bits(this.exc.pending, word);
      case IABR:
        return this.bits(this.exc.active, word);
      default:
        return 0;
    }
  }

  writeWord(address: number, value: number, mask: number): void {
    const exc = this.exc;
    if (address === CORE_BLOCKS.STIR) {
      if ((mask & 0x1ff) === 0x1ff) exc.setPending(value & 0x1ff);
      return;
    }
    if (address === ICTR_ADDRESS) return;
    const offset = address - CORE_BLOCKS.NVIC;
    if (offset >= IPR) {
      if (offset < IPR_END) this.writePriorities(offset - IPR, value, mask);
      return;
    }
    const bank = offset - (offset % BANK_SIZE);
    const word = (offset % BANK_SIZE) >> 2;
    if (word >= BANK_WORDS) return;
    const first = EXC.IRQ0 + 32 * word;
    const inRange = (bit: number): boolean => first + bit < exc.count;
    const bits = value & mask;
    switch (bank) {
      case ISER:
        forEachBit(bits, (b) => inRange(b) && exc.setEnabled(first + b, true));
        break;
      case ICER:
        forEachBit(bits, (b) => inRange(b) && exc.setEnabled(first + b, false));
        break;
      case ISPR:
        forEachBit(bits, (b) => inRange(b) && exc.pend(first + b));
        break;
      case ICPR:
        forEachBit(bits, (b) => inRange(b) && exc.unpend(first + b));
        break;
      default:
        break; // IABR is read-only
    }
  }

  /** 32 interrupts' flags from a per-exception array, starting at IRQ 32 * word. */
  private bits(flags: Uint8Array, word: number): number {
    let v = 0;
    const first = EXC.IRQ0 + 32 * word;
    for (let i = 0; i < 32 && first + i < this.exc.count; i++) v |= flags[first + i] << i;
    return v >>> 0;
  }

  private readPriorities(byteOffset: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const n = EXC.IRQ0 + byteOffset + i;
      if (n < this.exc.count) v |= this.exc.priority[n] << (8 * i);
    }
    return v >>> 0;
  }

  private writePriorities(byteOffset: number, value: number, mask: number): void {
    for (let i = 0; i < 4; i++) {
      if (((mask >>> (8 * i)) & 0xff) === 0) continue;
      const n = EXC.IRQ0 + byteOffset + i;
      if (n < this.exc.count) this.exc.setPriority(n, (value >>> (8 * i)) & 0xff);
    }
  }
}

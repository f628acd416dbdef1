/**
 * Bit-band aliases (PM0214 §2.2.5, RM0090 §2.3.3): each word of the alias region reads or writes one
 * bit of the target region. alias = aliasBase + byteOffset*32 + bit*4.
 *
 * A write is a read-modify-write of the target: a byte for SRAM, a word for peripherals (their
 * registers are word-wide; silicon's bus matrix does the same locked RMW). Reads return 0 or 1.
 * Targets that hold nothing fault as the target would.
 */
import type { AccessSize, Bus, BusHandler } from './bus.js';

export class BitBand implements BusHandler {
  constructor(
    private readonly bus: Bus,
    private readonly aliasBase: number,
    private readonly targetBase: number,
    private readonly wordTargets: boolean,
  ) {}

  private target(address: number): number {
    return this.targetBase + (((address >>> 0) - this.aliasBase) >>> 5);
  }

  private bit(address: number): number {
    return (address >>> 2) & 7;
  }

  read(address: number, _size: AccessSize): number {
    const t = this.target(address);
    if (this.wordTargets) {
      const shift = (t & 3) * 8 + this.bit(address);
      return (this.bus.read32(t & ~3) >>> shift) & 1;
    }
    return (this.bus.read8(t) >>> this.bit(address)) & 1;
  }

  write(address: number, value: number, _size: AccessSize): void {
    const t = this.target(address);
    if (this.wordTargets) {
      const shift = (t & 3) * 8 + this.bit(address);
      const old = this.bus.read32(t & ~3);
      this.bus.write32(t & ~3, value & 1 ? old | (1 << shift) : old & ~(1 << shift));
      return;
    }
    const b = this.bit(address);
    const old = this.bus.read8(t);
    this.bus.write8(t, value & 1 ? old | (1 << b) : old & ~(1 << b));
  }
}

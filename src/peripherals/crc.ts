/**
 * CRC calculation unit (RM0090 §4): CRC-32 with the Ethernet polynomial 0x04C1_1DB7, computed MSB
 * first on whole 32-bit words, initial value 0xFFFF_FFFF, no reflection, no final XOR (the
 * CRC-32/MPEG-2 algorithm on the word's bytes taken most significant first).
 *
 * - CRC_DR (+0x00): a write feeds one word; a read returns the current CRC. Reset 0xFFFF_FFFF.
 * - CRC_IDR (+0x04): an 8-bit scratch register, untouched by CR.RESET. Reset 0.
 * - CRC_CR (+0x08): RESET (bit 0) reloads DR with 0xFFFF_FFFF; reads 0.
 *
 * Sub-word writes: RM0090 only describes 32-bit writes to DR. The chip wins: on an F4 a byte store
 * feeds the byte replicated over the word (0xC1 → 0xC1C1_C1C1) and a half-word store the half-word
 * replicated (0x00C1 → 0x00C1_00C1), as the AHB write data lanes carry them (observed on silicon,
 * forum.arduino.cc "CRC calculation weird result", STM32F4). The same replication applies to IDR and
 * CR, which only look at their low bits. The computation takes 4 AHB cycles on silicon; a read right
 * after a write waits for it, so here it is immediate.
 */
import type { AccessSize } from '../bus/bus.js';
import type { PeripheralFactory } from '../machine.js';
import type { ResetKind } from '../time/reset.js';
import { Peripheral } from './peripheral.js';

/** Register offsets (RM0090 §4.4.4). */
export const CRC_REG = { DR: 0x00, IDR: 0x04, CR: 0x08 } as const;

export const CRC_POLYNOMIAL = 0x04c1_1db7;
export const CRC_INITIAL = 0xffff_ffff;

/** Byte-at-a-time table for the MSB-first CRC: TABLE[b] = CRC register update for top byte b. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 24;
    for (let k = 0; k < 8; k++) c = (c & 0x8000_0000) !== 0 ? (c << 1) ^ CRC_POLYNOMIAL : c << 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC after feeding one 32-bit word (most significant byte first) to a unit holding `crc`. */
export function crcFeedWord(crc: number, word: number): number {
  let c = (crc ^ word) >>> 0;
  for (let i = 0; i < 4; i++) c = (TABLE[c >>> 24] ^ (c << 8)) >>> 0;
  return c;
}

export class CrcUnit extends Peripheral {
  private dr = CRC_INITIAL;
  private idr = 0;

  /** Sub-word writes arrive with their byte/half-word replicated over the word (see the header). */
  override write(address: number, value: number, size: AccessSize): void {
    if (size === 4) return super.write(address, value, 4);
    if (!this.clockEnabled()) return;
    const lane = size === 1 ? value & 0xff : value & 0xffff;
    const word = size === 1 ? lane * 0x0101_0101 : lane * 0x0001_0001;
    this.writeRegister(((address >>> 0) - this.base) & ~3, word >>> 0);
  }

  readRegister(offset: number): number {
    if (offset === CRC_REG.DR) return this.dr;
    if (offset === CRC_REG.IDR) return this.idr;
    return 0; // CR reads 0 (RESET is write-only in effect); the rest is reserved
  }

  writeRegister(offset: number, value: number): void {
    if (offset === CRC_REG.DR) this.dr = crcFeedWord(this.dr, value);
    else if (offset === CRC_REG.IDR) this.idr = value & 0xff;
    else if (offset === CRC_REG.CR && (value & 1) !== 0) this.dr = CRC_INITIAL;
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    this.dr = CRC_INITIAL;
    this.idr = 0;
  }
}

/** Builds the CRC unit for the CRC block. */
export const crcFactory: PeripheralFactory = (block, ctx) => (block.name === 'CRC' ? new CrcUnit(block, ctx) : undefined);

/**
 * The user option bytes (RM0090 §3.7.1 Tables 15–16) and their live copy, FLASH_OPTCR (§3.9.9).
 *
 * Three forms of the same facts:
 * - `OptionBytes`: the fields, as f4emu and `f4emu state` use them;
 * - FLASH_OPTCR: nWRP[27:16], RDP[15:8], nRST_STDBY b7, nRST_STOP b6, WDG_SW b5, BOR_LEV[3:2]
 *   (plus OPTSTRT b1 / OPTLOCK b0, which are not option bytes);
 * - the 16 bytes at 0x1FFF_C000 that the ST bootloader reads directly: USER, RDP and their complements
 *   in the first word, nWRP and its complement in the third.
 *
 * The raw memory layout of the reserved bits is unverified (memory-map.md §8). f4emu follows RM0090
 * Table 16: the stored USER byte has bit 4 and bits 1:0 set (they are "not used"), so a factory part
 * reads 0x5500_AAFF at 0x1FFF_C000 and 0x0000_FFFF at 0x1FFF_C008; bytes 4–7 and 12–15 read 0xFF.
 */
import type { DeviceDescription } from '../device/stm32f407.js';

export interface OptionBytes {
  /** RDP byte: 0xAA = level 0, 0xCC = level 2, anything else = level 1 (RM0090 §3.7.3). */
  readonly rdp: number;
  /** nWRP[11:0]: bit i = 0 write-protects sector i (RM0090 §3.7.4). */
  readonly nWrp: number;
  /** BOR_LEV: 0b11 BOR off, 0b10 level 1, 0b01 level 2, 0b00 level 3. */
  readonly borLevel: number;
  /** WDG_SW: true = the IWDG is started by software; false = by hardware at reset. */
  readonly wdgSw: boolean;
  /** nRST_STOP: false = entering Stop mode resets the chip. */
  readonly nRstStop: boolean;
  /** nRST_STDBY: false = entering Standby mode resets the chip. */
  readonly nRstStdby: boolean;
}

export type RdpLevel = 0 | 1 | 2;

/** RDP byte values (RM0090 §3.7.3). Level 1 is any other value; ST's HAL writes 0x55. */
export const RDP_LEVEL0 = 0xaa;
export const RDP_LEVEL1 = 0x55;
export const RDP_LEVEL2 = 0xcc;

/** FLASH_OPTCR bits (RM0090 §3.9.9). */
export const OPTCR = {
  OPTLOCK: 1 << 0,
  OPTSTRT: 1 << 1,
  BOR_LEV_SHIFT: 2,
  BOR_LEV_MASK: 3 << 2,
  WDG_SW: 1 << 5,
  nRST_STOP: 1 << 6,
  nRST_STDBY: 1 << 7,
  RDP_SHIFT: 8,
  RDP_MASK: 0xff << 8,
  nWRP_SHIFT: 16,
  nWRP_MASK: 0xfff << 16,
} as const;

/** The option-byte fields of OPTCR (everything but OPTLOCK/OPTSTRT and the always-0 bit 4). */
export const OPTCR_OPTION_BITS = OPTCR.nWRP_MASK | OPTCR.RDP_MASK | OPTCR.nRST_STDBY | OPTCR.nRST_STOP | OPTCR.WDG_SW | OPTCR.BOR_LEV_MASK;

/** Size of the option-byte area at 0x1FFF_C000. */
export const OPTION_BYTES_SIZE = 16;

/** Bits of the stored USER byte that RM0090 Table 16 marks "not used" and stores as 1. */
const USER_UNUSED_BITS = 0x13;
/** Bits 15:12 of the stored nWRP half-word are not used on the F407 (stored as 1). */
const NWRP_UNUSED_BITS = 0xf000;

export function rdpLevel(rdp: number): RdpLevel {
  return rdp === RDP_LEVEL0 ? 0 : rdp === RDP_LEVEL2 ? 2 : 1;
}

/** The RDP byte f4emu writes for a level. */
export function rdpByteFor(level: RdpLevel): number {
  return level === 0 ? RDP_LEVEL0 : level === 2 ? RDP_LEVEL2 : RDP_LEVEL1;
}

export function optionBytesFromOptcr(optcr: number): OptionBytes {
  return {
    rdp: (optcr & OPTCR.RDP_MASK) >>> OPTCR.RDP_SHIFT,
    nWrp: (optcr & OPTCR.nWRP_MASK) >>> OPTCR.nWRP_SHIFT,
    borLevel: (optcr & OPTCR.BOR_LEV_MASK) >>> OPTCR.BOR_LEV_SHIFT,
    wdgSw: (optcr & OPTCR.WDG_SW) !== 0,
    nRstStop: (optcr & OPTCR.nRST_STOP) !== 0,
    nRstStdby: (optcr & OPTCR.nRST_STDBY) !== 0,
  };
}

/** OPTCR as loaded from the option bytes at reset, without OPTLOCK (RM0090 §3.9.9; bit 4 reads 0). */
export function optcrFromOptionBytes(ob: OptionBytes): number {
  return (
    (((ob.nWrp & 0xfff) << OPTCR.nWRP_SHIFT) |
      ((ob.rdp & 0xff) << OPTCR.RDP_SHIFT) |
      (ob.nRstStdby ? OPTCR.nRST_STDBY : 0) |
      (ob.nRstStop ? OPTCR.nRST_STOP : 0) |
      (ob.wdgSw ? OPTCR.WDG_SW : 0) |
      ((ob.borLevel & 3) << OPTCR.BOR_LEV_SHIFT)) >>>
    0
  );
}

/** The factory option bytes of a device (RM0090 §3.9.9: OPTCR reset value 0x0FFF_AAED). */
export function factoryOptionBytes(device: DeviceDescription): OptionBytes {
  return optionBytesFromOptcr(device.factoryOptcr);
}

/** The 16 bytes at 0x1FFF_C000 for these option bytes (layout in the file header). */
export function encodeOptionBytes(ob: OptionBytes): Uint8Array {
  const bytes = new Uint8Array(OPTION_BYTES_SIZE).fill(0xff);
  const user = (optcrFromOptionBytes(ob) & 0xff) | USER_UNUSED_BITS;
  const nWrp = (ob.nWrp & 0xfff) | NWRP_UNUSED_BITS;
  bytes[0] = user;
  bytes[1] = ob.rdp & 0xff;
  bytes[2] = ~user & 0xff;
  bytes[3] = ~ob.rdp & 0xff;
  bytes[8] = nWrp & 0xff;
  bytes[9] = nWrp >>> 8;
  bytes[10] = ~nWrp & 0xff;
  bytes[11] = (~nWrp >>> 8) & 0xff;
  return bytes;
}

/** Reads the option bytes from the 16 bytes at 0x1FFF_C000 (the true bytes; complements are not checked). */
export function decodeOptionBytes(bytes: Uint8Array): OptionBytes {
  const optcr = ((bytes[8] | (bytes[9] << 8)) << OPTCR.nWRP_SHIFT) | (bytes[1] << OPTCR.RDP_SHIFT) | (bytes[0] & 0xec);
  return optionBytesFromOptcr(optcr);
}

/** BOR_LEV in words: "off", "level 1" … "level 3" (RM0090 §3.9.9). */
export function borLevelName(borLevel: number): string {
  return borLevel === 3 ? 'off' : `level ${3 - borLevel}`;
}

/** Sectors protected by nWRP, among the device's sectors. */
export function protectedSectors(ob: OptionBytes, sectorCount: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < sectorCount; i++) if ((ob.nWrp & (1 << i)) === 0) out.push(i);
  return out;
}

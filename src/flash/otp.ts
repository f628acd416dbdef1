/**
 * The one-time-programmable area (RM0090 §3.8, Table 19): 16 data blocks of 32 bytes at 0x1FFF_7800 and
 * one lock byte per block at 0x1FFF_7A00. OTP is programmed through the flash interface like main
 * flash (PG, any PSIZE) and never erased; programming LOCKBi to 0x00 locks block i for ever, after
 * which a program access to the block sets WRPERR and changes nothing (§3.7.4).
 *
 * Lock bytes should only ever hold 0xFF or 0x00; f4emu treats a block as locked exactly when its lock
 * byte is 0x00 (the convention of OpenOCD and PX4; other values are unverified).
 */
import { OTP_BLOCK_SIZE, OTP_BLOCKS } from '../device/stm32f407.js';

export { OTP_BLOCK_SIZE, OTP_BLOCKS };

/** Lock byte value of a locked block. */
export const OTP_LOCKED = 0x00;

/** The data block holding `offset` (from the start of the OTP data area). */
export function otpBlockOf(offset: number): number {
  return Math.floor(offset / OTP_BLOCK_SIZE);
}

export function isOtpBlockLocked(lockBytes: Uint8Array, block: number): boolean {
  return lockBytes[block] === OTP_LOCKED;
}

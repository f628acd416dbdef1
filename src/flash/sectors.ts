/**
 * Main flash sectors as the flash interface and its tools see them (RM0090 §3.3 Table 5): which
 * sectors a range of addresses touches, and whether a sector still holds its erased value.
 * The geometry itself is the device description's (`device.flashSectors`).
 */
import { type DeviceDescription, type FlashSector, sectorAt } from '../device/stm32f407.js';

/** Erased flash reads 0xFF per byte (RM0090 §3.6.4: programming only turns 1s into 0s). */
export const ERASED = 0xff;

/** The sectors that [start, start + length) overlaps, in order. */
export function sectorsSpanned(device: DeviceDescription, start: number, length: number): FlashSector[] {
  if (length <= 0) return [];
  const end = start + length; // exclusive
  return device.flashSectors.filter((s) => s.start < end && s.start + s.size > start);
}

/** Sector index of an address in main flash, or -1. */
export function sectorIndexAt(device: DeviceDescription, address: number): number {
  return sectorAt(device, address >>> 0)?.index ?? -1;
}

/** True when every byte is erased (0xFF). */
export function isErased(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== ERASED) return false;
  return true;
}

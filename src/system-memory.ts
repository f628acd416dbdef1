/**
 * System memory (RM0090 §3.3 Table 5; AN2606): the 30 KB read-only memory at 0x1FFF_0000 where ST
 * puts its bootloader. ST's ROM is not available, so f4emu ships its own: sysboot (firmware/sysboot/),
 * Thumb code that speaks the USART bootloader protocol v3.1 (AN3155) on USART1 and USART3 through the
 * emulated registers, as the STM32F40xxx/41xxx bootloader V3.1 does. Its bytes are embedded in
 * src/generated/sysboot-image.ts, so every Machine has it without a cross-compiler or a file.
 *
 * What a host or firmware sees: a vector table at 0x1FFF_0000 (initial SP, Reset, fault handlers),
 * the code after it, and the bootloader ID byte 0x31 at 0x1FFF_77DE (AN2606 Table 3); the bytes
 * between read 0. Stores change nothing (the bus and the flash interface refuse them).
 */
import type { Bus } from './bus/bus.js';
import { type DeviceDescription, region } from './device/stm32f407.js';
import { SYSBOOT_SEGMENTS } from './generated/sysboot-image.js';

/** Where the bootloader ID byte sits in system memory on STM32F40xxx/41xxx (AN2606 Table 3). */
export const BOOTLOADER_ID_OFFSET = 0x77de;
/** The bootloader ID: V3.1 (AN2606 Table 3), also the protocol version Get reports (AN3155). */
export const BOOTLOADER_ID = 0x31;
/** SRAM the V3.x bootloader keeps for itself from the start of SRAM1 (AN2606): hosts get NACK there. */
export const BOOTLOADER_RAM_BYTES = 8 * 1024;

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The whole content of system memory for a device: sysboot and the ID byte, zeros elsewhere. */
export function systemMemoryImage(device: DeviceDescription): Uint8Array {
  const system = region(device, 'system');
  const image = new Uint8Array(system.size);
  for (const segment of SYSBOOT_SEGMENTS) image.set(decodeBase64(segment.base64), segment.address - system.start);
  return image;
}

/** Fills the bus's system memory with the bootloader (the Machine does this for every new chip). */
export function installSystemMemory(bus: Bus): void {
  bus.poke(bus.offsetOf('system'), systemMemoryImage(bus.device));
}

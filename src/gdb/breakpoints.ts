/**
 * GDB's breakpoints on the emulated core: software breakpoints (Z0, any number, as GDB would get by
 * writing BKPT into RAM) and hardware breakpoints (Z1, the FPB's six instruction comparators).
 *
 * Neither changes memory: each puts a marker on the decode-cache entry of its instruction
 * (`CortexM4.addBreakpointMark`), and only that instruction asks whether to stop. So code without a
 * breakpoint runs at full speed, reads of the code (m packets, the firmware's own CRC) see the real
 * bytes, and a breakpoint in flash needs no flash programming.
 *
 * Like the chip, the FPB (ARM ARM C1.11, Cortex-M4 TRM §8.4, FPB version 1) has six comparators and
 * matches only addresses in the Code region (below 0x2000_0000): a seventh hardware breakpoint, or one
 * in SRAM, is refused and GDB says so. GDB's memory map makes it use hardware breakpoints in flash and
 * software ones in RAM, as with a real probe.
 */
import type { CortexM4 } from '../core/cpu.js';
import { addressSpaceAt } from '../device/stm32f407.js';
import { hex32 } from '../errors.js';

/** FP_CTRL.NUM_CODE of the Cortex-M4. */
export const FPB_CODE_COMPARATORS = 6;

export class Breakpoints {
  /** Address → decode-cache marker, per kind. */
  private readonly software = new Map<number, number>();
  private readonly hardware = new Map<number, number>();
  /** Marker → how many breakpoints use it (a software and a hardware one may share an instruction). */
  private readonly users = new Map<number, number>();

  constructor(private readonly cpu: CortexM4) {}

  /** True when a breakpoint is set at this address. */
  has(address: number): boolean {
    return this.software.has(address) || this.hardware.has(address);
  }

  get hardwareInUse(): number {
    return this.hardware.size;
  }

  /** Sets a breakpoint; returns why it cannot be set, or null. Setting one twice is harmless. */
  insert(hardware: boolean, address: number): string | null {
    const table = hardware ? this.hardware : this.software;
    const a = address >>> 0;
    if (table.has(a)) return null;
    if (hardware && this.hardware.size >= FPB_CODE_COMPARATORS) return `all ${FPB_CODE_COMPARATORS} FPB comparators are in use: no hardware breakpoint at ${hex32(a)}`;
    // FPB v1 comparators match the ARMv7-M Code space only (ARM ARM B3.1, C1.11).
    if (hardware && addressSpaceAt(this.cpu.bus.device, a).name !== 'code') {
      const code = addressSpaceAt(this.cpu.bus.device, 0);
      return `the FPB matches only Code-region addresses (below ${hex32(code.start + code.size)}): no hardware breakpoint at ${hex32(a)}`;
    }
    const marker = this.cpu.addBreakpointMark(a);
    if (marker < 0) return `no instruction can be fetched from ${hex32(a)}: no breakpoint there`;
    table.set(a, marker);
    this.users.set(marker, (this.users.get(marker) ?? 0) + 1);
    return null;
  }

  /** Removes a breakpoint (removing one that is not set is harmless). */
  remove(hardware: boolean, address: number): void {
    const table = hardware ? this.hardware : this.software;
    const a = address >>> 0;
    const marker = table.get(a);
    if (marker === undefined) return;
    table.delete(a);
    const left = (this.users.get(marker) ?? 1) - 1;
    if (left > 0) {
      this.users.set(marker, left);
    } else {
      this.users.delete(marker);
      this.cpu.removeBreakpointMark(marker);
    }
  }

  clear(): void {
    for (const a of [...this.software.keys()]) this.remove(false, a);
    for (const a of [...this.hardware.keys()]) this.remove(true, a);
  }
}

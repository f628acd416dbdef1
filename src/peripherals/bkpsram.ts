/**
 * Backup SRAM: 4 KB at 0x4002_4000 in the backup domain (RM0090 §5.1.2, memory-map.md §12).
 *
 * - Clock gate: RCC_AHB1ENR.BKPSRAMEN. Unclocked, reads give 0 and writes are ignored (unverified;
 *   the project's rule for unclocked blocks). Write gate: PWR_CR.DBP; with DBP = 0 writes are ignored
 *   (no fault; unverified). RCC and PWR belong to the peripherals work: until they are wired, both
 *   gates are open. The machine wiring sets `clockEnabled` and `writeEnabled` to functions reading them.
 * - Read protection: at RDP level 1 with a debugger seen since power-on or after a boot from system
 *   memory/SRAM, any access is a bus error (RM0090 §3.7.3, Table 18; writes too — inferred).
 *   `readProtected` asks the flash interface.
 * - Retention: kept across system resets and backup-domain resets (RCC_BDCR.BDRST does not touch it,
 *   RM0090 §6.1.3); only an RDP 1 → 0 regression erases it (the flash interface does that). A power-on
 *   reset keeps it only with a battery (`vbat`, the run's --vbat), assuming the backup regulator is on
 *   (PWR_CSR.BRE is not consulted yet); without VBAT it powers up as zeros. Across runs the NV store
 *   keeps it only with --vbat.
 *
 * The bytes live in the bus's backing memory (`bus.view('bkpsram')`), where the NV store finds them.
 */
import { type AccessSize, type Bus, busError } from '../bus/bus.js';
import type { PeripheralBlock } from '../device/stm32f407.js';
import { FlashInterface } from '../flash/interface.js';
import type { PeripheralFactory } from '../machine.js';
import type { ResetKind } from '../time/reset.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

export class BackupSram extends Peripheral {
  /** PWR_CR.DBP: backup-domain write protection lifted. */
  writeEnabled: () => boolean = () => true;
  /** RDP level 1 restrictions in force (from the flash interface). */
  readProtected: () => boolean = () => false;
  /** A battery keeps the backup domain powered while VDD is off (the run's --vbat). */
  vbat = false;

  private readonly mem: Uint8Array;
  private readonly offset: number;

  constructor(block: PeripheralBlock, ctx: PeripheralContext, bus: Bus) {
    super(block, ctx);
    this.mem = bus.mem;
    this.offset = bus.offsetOf('bkpsram');
  }

  /** The 4 KB, shared with the bus. */
  get bytes(): Uint8Array {
    return this.mem.subarray(this.offset, this.offset + this.size);
  }

  override read(address: number, size: AccessSize): number {
    if (!this.clockEnabled()) return 0;
    if (this.readProtected()) return busError(address, false);
    const a = this.offset + ((address >>> 0) - this.base);
    const m = this.mem;
    if (size === 1) return m[a];
    if (size === 2) return m[a] | (m[a + 1] << 8);
    return (m[a] | (m[a + 1] << 8) | (m[a + 2] << 16) | (m[a + 3] << 24)) >>> 0;
  }

  override write(address: number, value: number, size: AccessSize): void {
    if (!this.clockEnabled()) return;
    if (this.readProtected()) return busError(address, true);
    if (!this.writeEnabled()) return;
    const a = this.offset + ((address >>> 0) - this.base);
    for (let i = 0; i < size; i++) this.mem[a + i] = value >>> (8 * i);
  }

  readRegister(offset: number): number {
    return this.read(this.base + offset, 4);
  }

  writeRegister(offset: number, value: number): void {
    this.write(this.base + offset, value, 4);
  }

  reset(kind: ResetKind): void {
    if (kind === 'power-on' && !this.vbat) this.bytes.fill(0);
  }
}

/** Builds the backup SRAM for the BKPSRAM block, read-protected together with the flash (build FLASH first). */
export const backupSramFactory: PeripheralFactory = (block, ctx, machine) => {
  if (block.name !== 'BKPSRAM') return undefined;
  const sram = new BackupSram(block, ctx, machine.bus);
  const flash = machine.peripherals.get('FLASH');
  if (flash instanceof FlashInterface) sram.readProtected = () => flash.accessRestricted;
  return sram;
};

/**
 * The small base every memory-mapped peripheral stands on: a block of 32-bit registers at `base`,
 * a reset, a clock gate, interrupt lines and a log of registers nobody modelled.
 *
 * Subclasses implement `readRegister(offset)` / `writeRegister(offset, value)` on word offsets.
 * Sub-word accesses: on APB peripherals silicon replicates a byte/halfword across the word
 * (RM0090 §2.1.11 note), so the write reaches the register as a 32-bit value with the lanes
 * replicated; on AHB peripherals (RCC, FLASH, GPIO, CRC) the other bytes keep their value.
 * Reads of any width return the addressed lanes of the word.
 */
import type { AccessSize, BusHandler } from '../bus/bus.js';
import type { PeripheralBlock } from '../device/stm32f407.js';
import type { Scheduler } from '../time/scheduler.js';
import type { ResetKind } from '../time/reset.js';

/** What a peripheral may reach of the chip around it (nothing else: it never reaches up). */
export interface PeripheralContext {
  readonly scheduler: Scheduler;
  /** Drives an NVIC interrupt line: level-sensitive (true while the condition holds). */
  setIrq(irq: number, level: boolean): void;
  /** Log channel; `--log unimp` etc. decides what is printed. */
  log(channel: string, message: string): void;
}

export abstract class Peripheral implements BusHandler {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** APB peripherals replicate sub-word writes across the word; AHB ones merge them. */
  protected readonly replicateSubWordWrites: boolean;
  /** Returns false while RCC holds the peripheral's clock off: writes are ignored, reads give 0. */
  clockEnabled: () => boolean = () => true;
  private readonly unimpSeen = new Set<number>();

  constructor(block: PeripheralBlock, protected readonly ctx: PeripheralContext) {
    this.name = block.name;
    this.base = block.base;
    this.size = block.size;
    this.replicateSubWordWrites = block.bus === 'APB1' || block.bus === 'APB2';
  }

  abstract readRegister(offset: number): number;
  abstract writeRegister(offset: number, value: number): void;
  abstract reset(kind: ResetKind): void;

  read(address: number, size: AccessSize): number {
    if (!this.clockEnabled()) return 0;
    const offset = (address >>> 0) - this.base;
    const word = this.readRegister(offset & ~3) >>> 0;
    if (size === 4) return word;
    const shift = (offset & 3) * 8;
    return (word >>> shift) & (size === 1 ? 0xff : 0xffff);
  }

  write(address: number, value: number, size: AccessSize): void {
    if (!this.clockEnabled()) return;
    const offset = (address >>> 0) - this.base;
    if (size === 4) return this.writeRegister(offset & ~3, value >>> 0);
    const lane = size === 1 ? value & 0xff : value & 0xffff;
    if (this.replicateSubWordWrites) {
      const v = size === 1 ? lane * 0x0101_0101 : lane * 0x0001_0001;
      return this.writeRegister(offset & ~3, v >>> 0);
    }
    const shift = (offset & 3) * 8;
    const mask = (size === 1 ? 0xff : 0xffff) << shift;
    const old = this.peekRegister(offset & ~3);
    this.writeRegister(offset & ~3, ((old & ~mask) | (lane << shift)) >>> 0);
  }

  /** Register value for a merge of a sub-word write, without read side effects. Override if reads have any. */
  protected peekRegister(offset: number): number {
    return this.readRegister(offset);
  }

  /** Reports (once per register) that firmware touched something not modelled; reads as reset value. */
  protected unimplemented(offset: number, what: 'read' | 'write', registerName?: string): void {
    if (this.unimpSeen.has(offset)) return;
    this.unimpSeen.add(offset);
    const reg = registerName ?? `+0x${offset.toString(16).padStart(3, '0')}`;
    this.ctx.log('unimp', `${this.name} ${reg}: ${what} of a register f4emu does not model (reads as its reset value)`);
  }
}

/**
 * A peripheral f4emu does not model yet: a bank of plain registers that read back what was written
 * (reset value 0), logged once per register.
 */
export class UnmodelledPeripheral extends Peripheral {
  private readonly regs = new Map<number, number>();
  readRegister(offset: number): number {
    this.unimplemented(offset, 'read');
    return this.regs.get(offset) ?? 0;
  }
  writeRegister(offset: number, value: number): void {
    this.unimplemented(offset, 'write');
    this.regs.set(offset, value);
  }
  protected override peekRegister(offset: number): number {
    return this.regs.get(offset) ?? 0;
  }
  reset(kind: ResetKind): void {
    if (kind !== 'backup-domain') this.regs.clear();
  }
}

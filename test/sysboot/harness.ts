/**
 * The system-memory bootloader (firmware/sysboot, embedded in every Machine) on a complete emulated
 * chip, driven from TypeScript without a host port: host bytes go into USART1 (or USART3) with
 * `feedRx`, the bootloader's bytes come back through `onTx`, and the core runs until sysboot only
 * waits for the host (the USART's idle detection, `Usart.idle`). Fast enough for fuzzing.
 */
import { join } from 'node:path';
import { createMachine } from '../../src/boards/index.js';
import { Semihosting } from '../../src/core/semihosting.js';
import { region } from '../../src/device/stm32f407.js';
import { type FlashInterface, flashInterfaceOf } from '../../src/flash/interface.js';
import { loadImageFile } from '../../src/loaders/load-file.js';
import type { Machine, MachineOptions } from '../../src/machine.js';
import { type Usart, usartOf } from '../../src/peripherals/usart.js';
import { type ByteLink, TimeoutError } from '../e2e/an3155-client.js';

export const SYSBOOT_ELF = join(import.meta.dirname, '../../firmware/build/sysboot.elf');

/** Where sysboot counts the faults it took (a `.noinit` word no reset clears). */
export const FAULT_COUNTER: number = (() => {
  const symbol = loadImageFile(SYSBOOT_ELF).symbols.find((s) => s.name === 'sysboot_faults');
  if (!symbol) throw new Error(`${SYSBOOT_ELF}: no symbol sysboot_faults`);
  return symbol.value;
})();

/** Instructions per run slice: small enough to notice quickly that the core left the bootloader. */
const SLICE = 200_000;
/** Instructions `settle` allows by default (a mass erase polls FLASH_SR about 16,000 times). */
const BUDGET = 50_000_000;
/** Instructions given to the bootloader after each jump of emulated time in `expireTimeouts`. */
const TICK_BUDGET = 400;

/**
 * Why `settle` returned: the bootloader waits for the host ('waiting'); the core runs code outside
 * system memory ('left', after Go); it sleeps, locked up, or still runs after the budget.
 */
export type Settled = 'waiting' | 'left' | 'sleep' | 'lockup' | 'busy';

export interface HarnessOptions extends MachineOptions {
  /** The interface the host uses (default USART1). */
  readonly interface?: 'USART1' | 'USART3';
  /** Use this machine instead of a new one (e.g. with a state file attached). */
  readonly machine?: Machine;
}

export class SysbootHarness {
  readonly machine: Machine;
  readonly usart: Usart;
  readonly flash: FlashInterface;
  private readonly output: number[] = [];
  /** What applications printed through semihosting. */
  readonly console: number[] = [];
  private readonly system = { start: 0, end: 0 };

  constructor(options: HarnessOptions = {}) {
    this.machine = options.machine ?? createMachine({ board: 'none', boot0: 1, ...options });
    this.usart = usartOf(this.machine, options.interface ?? 'USART1');
    this.flash = flashInterfaceOf(this.machine);
    this.usart.onTx = (b) => this.output.push(b);
    // Applications built with the project's startup open the semihosting console: give them one.
    new Semihosting(this.machine.cpu, { write: (_fd, bytes) => void this.console.push(...bytes), read: () => null }).install();
    this.usart.onIdle = () => {
      this.machine.cpu.stopRequest = 'stop';
      this.machine.cpu.attention();
    };
    const r = region(this.machine.device, 'system');
    this.system.start = r.start;
    this.system.end = r.start + r.size;
    if (!options.machine) this.machine.reset('power-on');
  }

  /** The core executes the bootloader (system memory, directly or through the boot alias). */
  get inBootloader(): boolean {
    const pc = this.machine.cpu.pc >>> 0;
    const alias = this.machine.bus.boot === 'system' && pc < this.system.end - this.system.start;
    return alias || (pc >= this.system.start && pc < this.system.end);
  }

  /** Faults sysboot has taken since power-on. */
  get faults(): number {
    return this.machine.bus.read32(FAULT_COUNTER) >>> 0;
  }

  /**
   * Runs until the bootloader waits for the host. With `leave` (default true) it also stops as soon as
   * the core runs code outside system memory (after Go).
   */
  settle(budget = BUDGET, leave = true): Settled {
    const cpu = this.machine.cpu;
    const limit = cpu.instructions + budget;
    for (;;) {
      if (this.usart.idle) return 'waiting';
      if (leave && !this.inBootloader) return 'left';
      if (cpu.instructions >= limit) return 'busy';
      const why = this.machine.run(Math.min(SLICE, limit - cpu.instructions));
      if (why === 'sleep') return 'sleep';
      if (why === 'lockup' || why === 'halted') return 'lockup';
    }
  }

  /** Queues host bytes and runs until the bootloader is done with them. */
  send(bytes: ArrayLike<number>): Settled {
    this.usart.feedRx(bytes);
    return this.settle();
  }

  /** The bootloader's bytes since the last call. */
  take(): number[] {
    return this.output.splice(0);
  }

  /** `send`, then `take`. */
  exchange(bytes: ArrayLike<number>): number[] {
    this.send(bytes);
    return this.take();
  }

  /**
   * Lets emulated time pass while the host stays silent, until nothing is scheduled any more: a
   * command the host abandoned runs into sysboot's inactivity timeout. Call when settled 'waiting'.
   */
  expireTimeouts(): void {
    const s = this.machine.scheduler;
    for (let i = 0; i < 1000 && this.usart.idle; i++) {
      if (!s.skipToNextEvent()) return;
      this.machine.run(TICK_BUDGET);
      this.settle();
    }
  }
}

/** The harness as a ByteLink for An3155Client: reads run the chip until the bytes are there. */
export function harnessLink(h: SysbootHarness): ByteLink {
  const pending: number[] = [];
  return {
    write: (bytes) => h.usart.feedRx(bytes),
    read: async (n) => {
      pending.push(...h.take());
      while (pending.length < n) {
        const why = h.settle();
        const got = h.take();
        pending.push(...got);
        if (got.length === 0 && pending.length < n) throw new TimeoutError(`${n} byte(s) (got ${pending.length}; the chip is ${why})`);
      }
      return Uint8Array.from(pending.splice(0, n));
    },
    close: () => {},
  };
}

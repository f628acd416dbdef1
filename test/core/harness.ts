/**
 * A Machine booted from SRAM1 (BOOT0 = BOOT1 = 1) with a vector table at 0x2000_0000 (the boot alias
 * makes it the table at address 0, VTOR = 0): every handler is `B .` at its own address so tests can
 * see which one the core entered. Tests drive the exception unit through the Machine: they pend
 * exceptions or write registers, then `machine.run(0)` lets the core take what is due without
 * executing an instruction.
 */
import { Machine } from '../../src/machine.js';
import { EXC } from '../../src/core/exceptions.js';

export const SRAM = 0x2000_0000;
export const STACK_TOP = 0x2000_8000;
export const PSP_TOP = 0x2000_7000;
export const THREAD_CODE = 0x2000_1000;
const HANDLERS = 0x2000_2000;
const B_SELF = 0xe7fe;

/** Where the handler of exception n lives (in the default table). */
export function handlerAddress(n: number): number {
  return HANDLERS + 0x10 * n;
}

/** Writes a vector table at `base`: SP, reset vector, and `handler(n) | 1` for every other exception. */
export function writeVectorTable(m: Machine, base: number, handler: (n: number) => number): void {
  m.bus.write32(base, STACK_TOP);
  m.bus.write32(base + 4, THREAD_CODE | 1);
  for (let n = EXC.NMI; n < m.cpu.exc.count; n++) m.bus.write32(base + 4 * n, handler(n) | 1);
}

export function bootMachine(): Machine {
  const m = new Machine({ boot0: 1, boot1: 1 });
  writeVectorTable(m, SRAM, handlerAddress);
  m.bus.write16(THREAD_CODE, B_SELF);
  for (let n = EXC.NMI; n < m.cpu.exc.count; n++) m.bus.write16(handlerAddress(n), B_SELF);
  m.reset();
  return m;
}

/** Lets `cycles` core cycles pass (as instructions would), then lets the core take what is due. */
export function advance(m: Machine, cycles: number): void {
  m.scheduler.cycles += cycles;
  m.run(0);
}

export function read32(m: Machine, address: number): number {
  return m.bus.read32(address) >>> 0;
}

/** The 8 words of a basic frame at `sp`: R0 R1 R2 R3 R12 LR ReturnAddress xPSR. */
export function frameAt(m: Machine, sp: number): number[] {
  return Array.from({ length: 8 }, (_, i) => read32(m, sp + 4 * i));
}

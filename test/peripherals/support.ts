/** Shared set-up for the peripheral tests: a whole chip driven through the bus, like firmware. */
import { EXC } from '../../src/core/exceptions.js';
import { DEFAULT_DEVICE, peripheral } from '../../src/device/stm32f407.js';
import { Machine, type MachineOptions } from '../../src/machine.js';
import { chipPeripherals } from '../../src/peripherals/index.js';

/** A machine with every peripheral model (no board), after a power-on reset. */
export function chip(options: MachineOptions = {}): Machine {
  const machine = new Machine(options, chipPeripherals());
  machine.reset('power-on');
  return machine;
}

/** Absolute address of a register: block base (from the device description) + offset. */
export function reg(block: string, offset: number): number {
  return peripheral(DEFAULT_DEVICE, block).base + offset;
}

/** Reads a register as an unsigned word. */
export function read(machine: Machine, block: string, offset: number): number {
  return machine.bus.read32(reg(block, offset)) >>> 0;
}

export function write(machine: Machine, block: string, offset: number, value: number): void {
  machine.bus.write32(reg(block, offset), value);
}

/** Read-modify-write of register bits, as firmware's `REG |= bits`. */
export function setBits(machine: Machine, block: string, offset: number, bits: number): void {
  write(machine, block, offset, read(machine, block, offset) | bits);
}

export function clearBits(machine: Machine, block: string, offset: number, bits: number): void {
  write(machine, block, offset, read(machine, block, offset) & ~bits);
}

/** Lets (at least, to the next whole cycle) `ns` of emulated time pass, firing the alarms that fall due on the way, in order. */
export function advanceNs(machine: Machine, ns: number): void {
  const s = machine.scheduler;
  const end = s.nowNs() + ns;
  for (;;) {
    const left = Math.max(0, Math.ceil(((end - s.nowNs()) * s.frequencyHz) / 1e9 - 1e-6));
    if (s.nextEventAt > s.cycles + left) {
      s.cycles += left;
      s.fireDue();
      return;
    }
    s.cycles = Math.max(s.cycles, s.nextEventAt);
    s.fireDue();
  }
}

/** Whether the NVIC holds external interrupt `irq` pending. */
export function irqPending(machine: Machine, irq: number): boolean {
  return machine.cpu.exc.pending[EXC.IRQ0 + irq] !== 0;
}

/** Whether a peripheral drives interrupt line `irq` high. */
export function irqLevel(machine: Machine, irq: number): boolean {
  return machine.cpu.exc.level[irq] !== 0;
}

export const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

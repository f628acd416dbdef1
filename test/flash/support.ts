/** Shared set-up for the flash tests: a Machine with the flash interface and backup SRAM, driven through the bus. */
import { DEFAULT_DEVICE, type DeviceDescription, peripheral } from '../../src/device/stm32f407.js';
import { CR, FLASH_KEY1, FLASH_KEY2, FLASH_OPTKEY1, FLASH_OPTKEY2, FLASH_REG, SR, flashFactory, flashInterfaceOf } from '../../src/flash/interface.js';
import { Machine } from '../../src/machine.js';
import { backupSramFactory } from '../../src/peripherals/bkpsram.js';

export const FLASH_BASE = peripheral(DEFAULT_DEVICE, 'FLASH').base;
export const ACR_ADDR = FLASH_BASE + FLASH_REG.ACR;
export const KEYR_ADDR = FLASH_BASE + FLASH_REG.KEYR;
export const OPTKEYR_ADDR = FLASH_BASE + FLASH_REG.OPTKEYR;
export const SR_ADDR = FLASH_BASE + FLASH_REG.SR;
export const CR_ADDR = FLASH_BASE + FLASH_REG.CR;
export const OPTCR_ADDR = FLASH_BASE + FLASH_REG.OPTCR;
export const PSIZE_X8 = 0 << CR.PSIZE_SHIFT;
export const PSIZE_X16 = 1 << CR.PSIZE_SHIFT;
export const PSIZE_X32 = 2 << CR.PSIZE_SHIFT;
export const PSIZE_X64 = 3 << CR.PSIZE_SHIFT;

export interface Rig {
  machine: Machine;
  bus: Machine['bus'];
  flash: ReturnType<typeof flashInterfaceOf>;
  logs: string[];
  irqs: Array<[number, boolean]>;
}

export function rig(options: { device?: DeviceDescription; boot0?: 0 | 1; boot1?: 0 | 1 } = {}): Rig {
  const logs: string[] = [];
  const irqs: Array<[number, boolean]> = [];
  const machine = new Machine({ ...options, log: (channel, message) => logs.push(`${channel}: ${message}`) }, [flashFactory, backupSramFactory]);
  machine.cpu.exc.setIrqLevel = (irq, level) => void irqs.push([irq, level]);
  machine.reset('power-on');
  return { machine, bus: machine.bus, flash: flashInterfaceOf(machine), logs, irqs };
}

/** Unlocks FLASH_CR (HAL_FLASH_Unlock: only when locked; writing keys to an unlocked CR is a bus error). */
export function unlock(r: Rig): void {
  if (!(r.bus.read32(CR_ADDR) & CR.LOCK)) return;
  r.bus.write32(KEYR_ADDR, FLASH_KEY1);
  r.bus.write32(KEYR_ADDR, FLASH_KEY2);
}

export function unlockOptions(r: Rig): void {
  if (!(r.bus.read32(OPTCR_ADDR) & 1)) return;
  r.bus.write32(OPTKEYR_ADDR, FLASH_OPTKEY1);
  r.bus.write32(OPTKEYR_ADDR, FLASH_OPTKEY2);
}


/** Polls FLASH_SR like firmware until BSY clears (firing alarms between polls); returns the number of polls that saw BSY. */
export function waitIdle(r: Rig): number {
  let polls = 0;
  while (r.bus.read32(SR_ADDR) & SR.BSY) {
    r.machine.scheduler.fireDue();
    if (++polls > 1_000_000) throw new Error('BSY never cleared');
  }
  return polls;
}

/** Programs one value through the interface with the given PSIZE and access width. */
export function program(r: Rig, address: number, value: number, size: 1 | 2 | 4, psize = PSIZE_X32): number {
  r.bus.write32(CR_ADDR, CR.PG | psize);
  r.bus.write(address, value, size);
  waitIdle(r);
  r.bus.write32(CR_ADDR, 0);
  return r.bus.read32(SR_ADDR) >>> 0;
}

/** Erases one sector with SER/SNB/STRT and waits. Returns SR. */
export function eraseSector(r: Rig, sector: number, psize = PSIZE_X32): number {
  r.bus.write32(CR_ADDR, CR.SER | (sector << CR.SNB_SHIFT) | psize);
  r.bus.write32(CR_ADDR, CR.SER | (sector << CR.SNB_SHIFT) | psize | CR.STRT);
  waitIdle(r);
  r.bus.write32(CR_ADDR, 0);
  return r.bus.read32(SR_ADDR) >>> 0;
}

/** Writes OPTCR (unlocking it first) and starts option programming; waits. Returns SR. */
export function programOptions(r: Rig, optcr: number): number {
  unlockOptions(r);
  r.bus.write32(OPTCR_ADDR, optcr & ~3);
  r.bus.write32(OPTCR_ADDR, (optcr & ~3) | 2);
  waitIdle(r);
  return r.bus.read32(SR_ADDR) >>> 0;
}

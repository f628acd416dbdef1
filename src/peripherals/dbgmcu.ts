/**
 * DBGMCU — the MCU debug component of the STM32F405/407 (RM0090 §38.16 "MCU debug component").
 *
 * - DBGMCU_IDCODE (+0x00): REV_ID/DEV_ID of the part (the device description's `idcode`), read-only;
 *   RM0090 supports only 32-bit reads (sub-word reads return the addressed lanes here).
 * - DBGMCU_CR (+0x04): DBG_SLEEP, DBG_STOP, DBG_STANDBY, TRACE_IOEN, TRACE_MODE — stored.
 * - DBGMCU_APB1_FZ (+0x08) / DBGMCU_APB2_FZ (+0x0C): which counters stop while the core is halted by
 *   a debugger. On silicon the freeze is the AND of "core halted" and the bit, so it follows both at
 *   once: DBGMCU hears the Machine's `debugHaltListeners` and tells each block whose freeze is now
 *   on or off (`DebugFreezable.setDebugFrozen`): IWDG, WWDG, TIM2–TIM7. The blocks not frozen keep
 *   counting through the halt (f4emu lets emulated time follow the wall clock while GDB holds the core).
 * These registers sit in the debug domain: only a power-on reset clears them, not a system reset
 * (RM0090 §38.16.2-§38.16.4 "POR reset").
 */
import type { PeripheralBlock } from '../device/stm32f407.js';
import type { PeripheralFactory } from '../machine.js';
import type { ResetKind } from '../time/reset.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

/** A block DBGMCU can stop while the core is halted by a debugger. */
export interface DebugFreezable {
  /** Frozen (true): the counter stands still until called with false. Called only on a change. */
  setDebugFrozen(frozen: boolean): void;
}

function isFreezable(p: unknown): p is DebugFreezable {
  return typeof (p as Partial<DebugFreezable> | undefined)?.setDebugFrozen === 'function';
}

/** Register offsets (RM0090 §38.16). */
export const DBGMCU_REG = { IDCODE: 0x00, CR: 0x04, APB1_FZ: 0x08, APB2_FZ: 0x0c } as const;

export const DBGMCU_CR = { DBG_SLEEP: 1 << 0, DBG_STOP: 1 << 1, DBG_STANDBY: 1 << 2, TRACE_IOEN: 1 << 5, TRACE_MODE: 3 << 6 } as const;
const CR_BITS = 0xe7;

/** DBGMCU_APB1_FZ bits (RM0090 §38.16.4). */
export const APB1_FZ = {
  DBG_TIM2_STOP: 1 << 0, DBG_TIM3_STOP: 1 << 1, DBG_TIM4_STOP: 1 << 2, DBG_TIM5_STOP: 1 << 3, DBG_TIM6_STOP: 1 << 4,
  DBG_TIM7_STOP: 1 << 5, DBG_TIM12_STOP: 1 << 6, DBG_TIM13_STOP: 1 << 7, DBG_TIM14_STOP: 1 << 8, DBG_RTC_STOP: 1 << 10,
  DBG_WWDG_STOP: 1 << 11, DBG_IWDG_STOP: 1 << 12, DBG_I2C1_SMBUS_TIMEOUT: 1 << 21, DBG_I2C2_SMBUS_TIMEOUT: 1 << 22,
  DBG_I2C3_SMBUS_TIMEOUT: 1 << 23, DBG_CAN1_STOP: 1 << 25, DBG_CAN2_STOP: 1 << 26,
} as const;

/** DBGMCU_APB2_FZ bits (RM0090 §38.16.5). */
export const APB2_FZ = { DBG_TIM1_STOP: 1 << 0, DBG_TIM8_STOP: 1 << 1, DBG_TIM9_STOP: 1 << 16, DBG_TIM10_STOP: 1 << 17, DBG_TIM11_STOP: 1 << 18 } as const;

const APB1_FZ_BITS = Object.values(APB1_FZ).reduce((a, b) => a | b, 0);
const APB2_FZ_BITS = Object.values(APB2_FZ).reduce((a, b) => a | b, 0);

/** Block name → its freeze bit (APB1_FZ, APB2_FZ). I2C entries freeze the SMBus time-out only. */
const FREEZE_BITS: Readonly<Record<string, { apb: 1 | 2; bit: number }>> = Object.fromEntries([
  ...Object.entries(APB1_FZ).map(([k, bit]) => [fzName(k), { apb: 1 as const, bit }]),
  ...Object.entries(APB2_FZ).map(([k, bit]) => [fzName(k), { apb: 2 as const, bit }]),
]);

/** "DBG_IWDG_STOP" → "IWDG", "DBG_I2C1_SMBUS_TIMEOUT" → "I2C1". */
function fzName(field: string): string {
  return field.replace(/^DBG_/, '').replace(/_(STOP|SMBUS_TIMEOUT)$/, '');
}

export class Dbgmcu extends Peripheral {
  /** The block of a name (the Machine's peripherals), for the freeze. */
  blockNamed: (name: string) => unknown = () => undefined;
  private cr = 0;
  private apb1fz = 0;
  private apb2fz = 0;
  private coreHalted = false;
  /** The blocks frozen now. */
  private readonly frozen = new Set<string>();

  constructor(
    block: PeripheralBlock,
    ctx: PeripheralContext,
    private readonly idcode: number,
  ) {
    super(block, ctx);
  }

  /** Whether a block (by device name: "IWDG", "TIM2", "CAN1", ...) stops while the core is halted. */
  frozenInDebug(blockName: string): boolean {
    const f = FREEZE_BITS[blockName];
    if (!f) return false;
    return ((f.apb === 1 ? this.apb1fz : this.apb2fz) & f.bit) !== 0;
  }

  /** A debugger halted (true) or released (false) the core. */
  setCoreHalted(halted: boolean): void {
    this.coreHalted = halted;
    this.applyFreeze();
  }

  /** Tells every freezable block whose freeze (core halted ∧ its DBG_xxx_STOP) changed. */
  applyFreeze(): void {
    for (const name of Object.keys(FREEZE_BITS)) {
      const block = this.blockNamed(name);
      if (!isFreezable(block)) continue;
      const frozen = this.coreHalted && this.frozenInDebug(name);
      if (frozen === this.frozen.has(name)) continue;
      if (frozen) this.frozen.add(name);
      else this.frozen.delete(name);
      block.setDebugFrozen(frozen);
    }
  }

  readRegister(offset: number): number {
    switch (offset) {
      case DBGMCU_REG.IDCODE:
        return this.idcode >>> 0;
      case DBGMCU_REG.CR:
        return this.cr;
      case DBGMCU_REG.APB1_FZ:
        return this.apb1fz;
      case DBGMCU_REG.APB2_FZ:
        return this.apb2fz;
    }
    return 0;
  }

  writeRegister(offset: number, value: number): void {
    if (offset === DBGMCU_REG.CR) this.cr = value & CR_BITS;
    else if (offset === DBGMCU_REG.APB1_FZ) this.apb1fz = value & APB1_FZ_BITS;
    else if (offset === DBGMCU_REG.APB2_FZ) this.apb2fz = value & APB2_FZ_BITS;
    this.applyFreeze(); // a debugger often sets the bits while it holds the core
  }

  reset(kind: ResetKind): void {
    if (kind !== 'power-on') return;
    this.cr = this.apb1fz = this.apb2fz = 0;
    // The blocks are told once the whole chip is reset (the Machine's reset listener below).
  }
}

/** Builds DBGMCU and wires the freeze: the Machine's debug halts in, its blocks out. */
export const dbgmcuFactory: PeripheralFactory = (block, ctx, machine) => {
  if (block.name !== 'DBGMCU') return undefined;
  const dbgmcu = new Dbgmcu(block, ctx, machine.device.idcode);
  dbgmcu.blockNamed = (name) => machine.peripherals.get(name);
  machine.debugHaltListeners.push((halted) => dbgmcu.setCoreHalted(halted));
  machine.resetListeners.push(() => dbgmcu.applyFreeze());
  return dbgmcu;
};

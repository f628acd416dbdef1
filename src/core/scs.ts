/**
 * The Cortex-M4 blocks on the private peripheral bus as one bus handler (ARMv7-M ARM B3.1 Table B3-1,
 * B3.2 Table B3-3): ITM, DWT, FPB, the system control space (ICTR/ACTLR, SysTick, NVIC, SCB, MPU,
 * CoreDebug, STIR, the FPU's registers), the TPIU and ETM (read as zero) and the ROM table. DBGMCU (0xE004_2000) is an STM32 peripheral the
 * Machine maps itself.
 *
 * Every block is a `RegisterBlock` of 32-bit registers at absolute word addresses. Byte and halfword
 * accesses read the addressed lanes of the word; they write only their lanes (`mask`), so
 * write-1-to-set/clear registers (NVIC_ISER.., CFSR) see zeros in the others.
 * Reserved addresses inside a mapped block read as zero and ignore writes.
 *
 * Privilege (B3.2.1): unprivileged accesses are BusFaults, except NVIC_STIR when CCR.USERSETMPEND and
 * the ITM stimulus ports that ITM_TPR leaves open. `checkPrivilege = false` lets tools (a debugger)
 * access everything whatever mode the core is in.
 */
import { busError, type AccessSize, type Bus, type BusHandler } from '../bus/bus.js';
import { CORE_BLOCKS, CORE_BLOCK_SIZE } from '../device/stm32f407.js';
import { Dwt } from './dwt.js';
import { CCR, EXC, type ExceptionUnit } from './exceptions.js';
import { Fpb } from './fpb.js';
import { Itm } from './itm.js';
import { Mpu } from './mpu.js';
import { Nvic } from './nvic.js';
import { Scb } from './scb.js';
import { SysTick } from './systick.js';

/** A block of 32-bit registers addressed by absolute, word-aligned address. */
export interface RegisterBlock {
  readWord(address: number): number;
  /** `value` has its bytes in place; only the bytes set in `mask` are written. */
  writeWord(address: number, value: number, mask: number): void;
  reset(): void;
}

/** Merges the written lanes of a write into an old register value. */
export function merge(old: number, value: number, mask: number): number {
  return ((old & ~mask) | (value & mask)) >>> 0;
}

/** Calls `f(bit)` for every set bit of `bits` (for write-1-to-set/clear registers). */
export function forEachBit(bits: number, f: (bit: number) => void): void {
  for (let b = bits >>> 0, i = 0; b !== 0; b >>>= 1, i++) if ((b & 1) !== 0) f(i);
}

/** DHCSR write key (C1.6.2): writes without 0xA05F in [31:16] are ignored. */
const DBGKEY = 0xa05f;
const DHCSR = { C_DEBUGEN: 1 << 0, C_HALT: 1 << 1, S_REGRDY: 1 << 16, S_HALT: 1 << 17, S_SLEEP: 1 << 18, S_LOCKUP: 1 << 19 } as const;
const DHCSR_CONTROL = 0x2f; // C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS, C_SNAPSTALL
/** DEMCR (C1.6.5): TRCENA b24, MON_* b19:16, VC_* b10:4, b0. */
export const DEMCR = { VC_CORERESET: 1 << 0, MON_EN: 1 << 16, MON_PEND: 1 << 17, TRCENA: 1 << 24 } as const;
const DEMCR_WRITABLE = 0x010f_07f1;
/** MON_EN, MON_PEND, MON_STEP, MON_REQ: the DebugMonitor controls, which a local (system) reset clears. */
const DEMCR_MON = 0x000f_0000;

/**
 * Core debug registers DHCSR, DCRSR, DCRDR, DEMCR (ARM ARM C1.6). Stored for the debugger; DEMCR.TRCENA
 * gates the DWT cycle counter and DEMCR.MON_EN enables the DebugMonitor exception.
 *
 * Resets (ARM ARM C1.6, B1.5.5; PM0214 §4.4.5 AIRCR.SYSRESETREQ resets "all major components except for debug"): they sit
 * in the debug domain, so a system reset (SYSRESETREQ, NRST, a watchdog) keeps DHCSR's controls
 * (C_DEBUGEN...), DCRSR, DCRDR, and DEMCR's TRCENA and VC_* vector catches; it clears only the
 * DebugMonitor bits MON_* (a probe re-arms them after a target reset). A power-on reset clears all.
 */
export class CoreDebug implements RegisterBlock {
  dhcsr = 0;
  dcrsr = 0;
  dcrdr = 0;
  demcr = 0;

  constructor(
    private readonly exc: ExceptionUnit,
    private readonly onDemcrWrite: () => void,
  ) {}

  /** A local (system) reset of the core: only DEMCR's MON_* bits. */
  reset(): void {
    this.demcr &= ~DEMCR_MON;
  }

  /** A power-on reset clears the debug domain. */
  powerOnReset(): void {
    this.dhcsr = this.dcrsr = this.dcrdr = this.demcr = 0;
    this.onDemcrWrite();
  }

  readWord(address: number): number {
    switch (address - CORE_BLOCKS.CoreDebug) {
      case 0x0: return this.dhcsrValue();
      case 0x8: return this.dcrdr;
      case 0xc: return this.demcr;
      default: return 0; // DCRSR is write-only
    }
  }

  private dhcsrValue(): number {
    const cpu = this.exc.cpu;
    let status = DHCSR.S_REGRDY;
    if (cpu.halted && !this.exc.lockedUp) status |= DHCSR.S_HALT;
    if (cpu.sleeping) status |= DHCSR.S_SLEEP;
    if (this.exc.lockedUp) status |= DHCSR.S_LOCKUP;
    return (this.dhcsr | status) >>> 0;
  }

  writeWord(address: number, value: number, mask: number): void {
    switch (address - CORE_BLOCKS.CoreDebug) {
      case 0x0:
        if (mask >>> 0 === 0xffff_ffff && value >>> 16 === DBGKEY) this.dhcsr = value & DHCSR_CONTROL;
        break;
      case 0x4: this.dcrsr = merge(this.dcrsr, value, mask) & 0x0001_007f; break;
      case 0x8: this.dcrdr = merge(this.dcrdr, value, mask); break;
      case 0xc:
        this.demcr = merge(this.demcr, value, mask) & DEMCR_WRITABLE;
        if ((this.demcr & DEMCR.MON_PEND) !== 0) this.exc.pend(EXC.DebugMonitor);
        this.demcr &= ~DEMCR.MON_PEND;
        this.exc.setEnabled(EXC.DebugMonitor, (this.demcr & DEMCR.MON_EN) !== 0);
        this.onDemcrWrite();
        break;
    }
  }
}

interface Range {
  readonly start: number;
  readonly end: number; // exclusive
  readonly block: RegisterBlock;
}

/**
 * The ROM table at 0xE00F_F000 (ARM ARM B3.1 / CoreSight): one entry per component, as an offset from the
 * table with bit 0 = present, then 0. STM32 parts put ST's JEP106 code (0x20) and the DEV_ID (0x413) in
 * its peripheral ID, which debuggers use to recognise the chip; it is a class 0x1 component with system
 * memory present (MEMTYPE = 1).
 */
export class RomTable implements RegisterBlock {
  private readonly entries: readonly number[];
  private readonly ids: ReadonlyMap<number, number>;

  constructor(devId: number) {
    const B = CORE_BLOCKS;
    // Entry: offset[31:12] | FORMAT (b1: 32-bit) | PRESENT (b0).
    this.entries = [B.SCS, B.DWT, B.FPB, B.ITM, B.TPIU, B.ETM].map((base) => ((base - B.ROMTable) | 0b11) >>> 0);
    const JEP106 = 0x20; // STMicroelectronics, continuation code 0
    this.ids = new Map([
      [0xfcc, 1], // MEMTYPE: system memory present
      [0xfd0, 0x00], // PID4: continuation 0, 4 KB
      [0xfe0, devId & 0xff], // PID0: PART[7:0]
      [0xfe4, ((devId >> 8) & 0xf) | ((JEP106 & 0xf) << 4)], // PID1: PART[11:8], JEP106[3:0]
      [0xfe8, ((JEP106 >> 4) & 0x7) | 0x8], // PID2: JEP106[6:4], JEDEC
      [0xff0, 0x0d], // CID0-3: preamble, class 1 (ROM table)
      [0xff4, 0x10],
      [0xff8, 0x05],
      [0xffc, 0xb1],
    ]);
  }

  reset(): void {}

  readWord(address: number): number {
    const offset = address - CORE_BLOCKS.ROMTable;
    if (offset >> 2 < this.entries.length) return this.entries[offset >> 2];
    return this.ids.get(offset) ?? 0;
  }

  writeWord(): void {}
}

/** Blocks with nothing modelled behind them (the TPIU, ETM, reserved SCS space): read zero, ignore writes. */
const READS_AS_ZERO: RegisterBlock = {
  readWord: () => 0,
  writeWord: () => {},
  reset: () => {},
};

export class SystemControlSpace implements BusHandler {
  readonly nvic: Nvic;
  readonly scb: Scb;
  readonly systick: SysTick;
  readonly mpu: Mpu;
  readonly debug: CoreDebug;
  readonly dwt: Dwt;
  readonly fpb: Fpb;
  readonly itm: Itm;
  /** Unprivileged accesses fault (B3.2.1); a debugger clears this around its own accesses. */
  checkPrivilege = true;
  private readonly ranges: readonly Range[];

  /** Builds the blocks on an exception unit and attaches them to it (it resets them with the core). */
  constructor(private readonly exc: ExceptionUnit) {
    const cpu = exc.cpu;
    exc.scs = this;
    this.nvic = new Nvic(exc);
    this.scb = new Scb(exc);
    this.systick = new SysTick(cpu.scheduler, () => exc.pend(EXC.SysTick));
    this.mpu = new Mpu(cpu);
    this.dwt = new Dwt(cpu, () => (this.debug.demcr & DEMCR.TRCENA) !== 0);
    this.debug = new CoreDebug(exc, () => this.dwt.update());
    this.fpb = new Fpb();
    this.itm = new Itm();
    const B = CORE_BLOCKS;
    const scsPage = (offset: number): number => B.SCS + offset;
    // Extents inside the SCS page follow ARM ARM B3.2 Table B3-3 and PM0214 §4.
    this.ranges = [
      { start: B.ITM, end: B.ITM + CORE_BLOCK_SIZE, block: this.itm },
      { start: B.DWT, end: B.DWT + CORE_BLOCK_SIZE, block: this.dwt },
      { start: B.FPB, end: B.FPB + CORE_BLOCK_SIZE, block: this.fpb },
      { start: scsPage(0x004), end: scsPage(0x008), block: this.nvic }, // ICTR
      { start: scsPage(0x008), end: scsPage(0x00c), block: this.scb }, // ACTLR
      { start: B.SysTick, end: B.SysTick + 0x10, block: this.systick },
      { start: B.NVIC, end: B.SCB, block: this.nvic },
      { start: B.SCB, end: B.MPU, block: this.scb },
      { start: B.MPU, end: B.CoreDebug, block: this.mpu },
      { start: B.CoreDebug, end: B.CoreDebug + 0x10, block: this.debug },
      { start: B.STIR, end: B.STIR + 4, block: this.nvic },
      { start: B.FPU, end: B.FPU + 0x18, block: this.scb }, // FPCCR, FPCAR, FPDSCR, MVFR0, MVFR1
      { start: B.ROMTable, end: B.ROMTable + CORE_BLOCK_SIZE, block: new RomTable(cpu.bus.device.devId) },
    ];
  }

  /** Maps the ITM, DWT, FPB, SCS, TPIU, ETM and ROM table blocks on the bus. */
  mapOn(bus: Bus): void {
    const B = CORE_BLOCKS;
    for (const base of [B.ITM, B.DWT, B.FPB, B.SCS, B.TPIU, B.ETM, B.ROMTable]) {
      bus.mapHandler(base, CORE_BLOCK_SIZE, this);
    }
  }

  /** A reset of the core (power-on or system): every block's local reset; the debug logic keeps its state. */
  reset(): void {
    for (const r of this.ranges) r.block.reset();
  }

  /** After a power-on reset: the debug domain (CoreDebug, DWT, ITM, FPB) is cleared too. */
  powerOnReset(): void {
    this.dwt.powerOnReset();
    this.debug.powerOnReset();
    this.itm.powerOnReset();
    this.fpb.powerOnReset();
  }

  /** A debugger halted (true) or released (false) the core: SysTick and DWT_CYCCNT do not count while halted. */
  debugHalt(halted: boolean): void {
    this.systick.debugHalt(halted);
    this.dwt.debugHalt(halted);
  }

  private blockAt(address: number): RegisterBlock {
    for (const r of this.ranges) if (address >= r.start && address < r.end) return r.block;
    return READS_AS_ZERO;
  }

  read(address: number, size: AccessSize): number {
    const a = address >>> 0;
    if (!this.mayAccess(a, false)) return busError(a, false);
    const word = this.blockAt(a).readWord((a & ~3) >>> 0) >>> 0;
    if (size === 4) return word;
    const shift = (a & 3) * 8;
    return (word >>> shift) & (size === 1 ? 0xff : 0xffff);
  }

  write(address: number, value: number, size: AccessSize): void {
    const a = address >>> 0;
    if (!this.mayAccess(a, true)) {
      // Writes to an ITM stimulus port reserved for privileged code are ignored, not faults (C1.7.5).
      if (this.itm.isStimulusPort(a)) return;
      return busError(a, true);
    }
    const shift = (a & 3) * 8;
    const mask = size === 4 ? 0xffff_ffff : ((size === 1 ? 0xff : 0xffff) << shift) >>> 0;
    this.blockAt(a).writeWord((a & ~3) >>> 0, ((value << shift) & mask) >>> 0, mask);
  }

  private mayAccess(address: number, write: boolean): boolean {
    if (!this.checkPrivilege || this.exc.cpu.privileged) return true;
    if (address === CORE_BLOCKS.STIR) return write && (this.exc.ccr & CCR.USERSETMPEND) !== 0;
    return this.itm.unprivilegedMayAccess(address);
  }
}

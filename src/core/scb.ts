/**
 * The system control block's registers (PM0214 §4.4, ARM ARM B3.2.2): CPUID, ICSR, VTOR, AIRCR, SCR,
 * CCR, SHPR1–3, SHCSR, CFSR, HFSR, DFSR, MMFAR, BFAR, AFSR, the ID registers, CPACR, ACTLR, and the
 * FPU's FPCCR, FPCAR, FPDSCR, MVFR0/1 (PM0214 §4.6). The state lives in the ExceptionUnit.
 */
import { CORE_BLOCKS } from '../device/stm32f407.js';
import { DFSR, EXC, FPDSCR_MASK, HFSR, type ExceptionUnit } from './exceptions.js';
import { merge, type RegisterBlock } from './scs.js';

/** Offsets from the SCB base (0xE000_ED00). */
const CPUID = 0x00;
const ICSR = 0x04;
const VTOR = 0x08;
const AIRCR = 0x0c;
const SCR = 0x10;
const CCR = 0x14;
const SHPR1 = 0x18;
const SHPR3_END = 0x24;
const SHCSR = 0x24;
const CFSR = 0x28;
const HFSR_OFFSET = 0x2c;
const DFSR_OFFSET = 0x30;
const MMFAR = 0x34;
const BFAR = 0x38;
const AFSR = 0x3c;
const ID_FIRST = 0x40;
const CPACR = 0x88;
/** Offsets from the FPU block (0xE000_EF30). */
const FPCCR_OFFSET = 0x04;
const FPCAR = 0x08;
const FPDSCR = 0x0c;
const MVFR0 = 0x10;
const MVFR1 = 0x14;
/** ACTLR (0xE000_E008): DISMCYCINT, DISDEFWBUF, DISFOLD, DISFPCA, DISOOFP (Cortex-M4 TRM §4.3.1). */
const ACTLR_ADDRESS = CORE_BLOCKS.SCS + 0x008;
const ACTLR_WRITABLE = 0x307;

/**
 * ID_PFR0 … ID_ISAR4 at 0xE000_ED40–ED70 (12 words, ID_AFR0 … in order), Cortex-M4 TRM r0p1 Table 4-1.
 * QEMU's cortex-m4 reports some M3 values (ID_ISAR0 0x01141110); the TRM's are what silicon returns.
 */
const ID_REGISTERS = [
  0x0000_0030, // ID_PFR0
  0x0000_0200, // ID_PFR1
  0x0010_0000, // ID_DFR0
  0x0000_0000, // ID_AFR0
  0x0010_0030, // ID_MMFR0
  0x0000_0000, // ID_MMFR1
  0x0100_0000, // ID_MMFR2
  0x0000_0000, // ID_MMFR3
  0x0110_1110, // ID_ISAR0
  0x0211_1000, // ID_ISAR1
  0x2111_2231, // ID_ISAR2
  0x0111_1110, // ID_ISAR3
  0x0131_0132, // ID_ISAR4
];
/** FPv4-SP media and VFP feature registers (Cortex-M4 TRM §7.3): single precision, 16 D registers. */
const MVFR0_VALUE = 0x1011_0021;
const MVFR1_VALUE = 0x1100_0011;

/** ICSR bits (PM0214 §4.4.3). */
const ICSR_BITS = {
  RETTOBASE: 1 << 11,
  ISRPENDING: 1 << 22,
  PENDSTCLR: 1 << 25,
  PENDSTSET: 1 << 26,
  PENDSVCLR: 1 << 27,
  PENDSVSET: 1 << 28,
  NMIPENDSET: 0x8000_0000,
} as const;

/** AIRCR (PM0214 §4.4.5): writes need VECTKEY 0x05FA in [31:16]; reads show 0xFA05. */
const VECTKEY = 0x05fa;
const VECTKEYSTAT = 0xfa05;
const AIRCR_BITS = { VECTRESET: 1 << 0, VECTCLRACTIVE: 1 << 1, SYSRESETREQ: 1 << 2 } as const;

/** PM0214 §4.4.4: TBLOFF is bits [29:9] on the STM32F4 (the 98-entry table is 128-word aligned). */
const VTOR_WRITABLE = 0x3fff_fe00;
const SCR_WRITABLE = 0x16;
const CCR_WRITABLE = 0x31b;
/** CPACR: CP10 and CP11 access fields, bits [23:20] (PM0214 §4.6.1). */
const CPACR_WRITABLE = 0x00f0_0000;
const HFSR_BITS = HFSR.VECTTBL | HFSR.FORCED | HFSR.DEBUGEVT;
const DFSR_BITS = DFSR.HALTED | DFSR.BKPT | DFSR.DWTTRAP | DFSR.VCATCH | DFSR.EXTERNAL;
const FPCCR_WRITABLE = 0xc000_017b;

/** SHCSR bits (PM0214 §4.4.9) and the exception each one reflects. */
const SHCSR_ACTIVE: ReadonlyArray<readonly [number, number]> = [
  [0, EXC.MemManage], [1, EXC.BusFault], [3, EXC.UsageFault], [7, EXC.SVCall],
  [8, EXC.DebugMonitor], [10, EXC.PendSV], [11, EXC.SysTick],
];
const SHCSR_PENDED: ReadonlyArray<readonly [number, number]> = [
  [12, EXC.UsageFault], [13, EXC.MemManage], [14, EXC.BusFault], [15, EXC.SVCall],
];
const SHCSR_ENABLE: ReadonlyArray<readonly [number, number]> = [
  [16, EXC.MemManage], [17, EXC.BusFault], [18, EXC.UsageFault],
];
/** System handlers whose priority SHPR1–3 set (the others' bytes are reserved). */
const CONFIGURABLE_SYSTEM_HANDLERS = new Set<number>([EXC.MemManage, EXC.BusFault, EXC.UsageFault, EXC.SVCall, EXC.DebugMonitor, EXC.PendSV, EXC.SysTick]);

export class Scb implements RegisterBlock {
  constructor(private readonly exc: ExceptionUnit) {}

  /** SCB state is the ExceptionUnit's; it resets it. */
  reset(): void {}

  readWord(address: number): number {
    if (address === ACTLR_ADDRESS) return this.exc.actlr;
    if (address >= CORE_BLOCKS.FPU) return this.readFpu(address - CORE_BLOCKS.FPU);
    const exc = this.exc;
    const offset = address - CORE_BLOCKS.SCB;
    if (offset >= SHPR1 && offset < SHPR3_END) return this.readSystemPriorities(offset);
    if (offset >= ID_FIRST && offset < ID_FIRST + 4 * ID_REGISTERS.length) return ID_REGISTERS[(offset - ID_FIRST) >> 2];
    switch (offset) {
      case CPUID: return exc.cpu.bus.device.cpuid;
      case ICSR: return this.icsr();
      case VTOR: return exc.vtor;
      case AIRCR: return ((VECTKEYSTAT << 16) | (exc.prigroup << 8)) >>> 0;
      case SCR: return exc.scr;
      case CCR: return exc.ccr;
      case SHCSR: return this.shcsr();
      case CFSR: return exc.cfsr >>> 0;
      case HFSR_OFFSET: return exc.hfsr >>> 0;
      case DFSR_OFFSET: return exc.dfsr;
      case MMFAR: return exc.mmfar;
      case BFAR: return exc.bfar;
      case AFSR: return exc.afsr;
      case CPACR: return exc.cpacr;
      default: return 0;
    }
  }

  writeWord(address: number, value: number, mask: number): void {
    const exc = this.exc;
    if (address === ACTLR_ADDRESS) {
      exc.actlr = merge(exc.actlr, value, mask) & ACTLR_WRITABLE;
      return;
    }
    if (address >= CORE_BLOCKS.FPU) return this.writeFpu(address - CORE_BLOCKS.FPU, value, mask);
    const offset = address - CORE_BLOCKS.SCB;
    if (offset >= SHPR1 && offset < SHPR3_END) return this.writeSystemPriorities(offset, value, mask);
    switch (offset) {
      case ICSR: return this.writeIcsr(value & mask);
      case VTOR: exc.vtor = merge(exc.vtor, value, mask) & VTOR_WRITABLE; return;
      case AIRCR: return this.writeAircr(value, mask);
      case SCR: exc.scr = merge(exc.scr, value, mask) & SCR_WRITABLE; return;
      case CCR: exc.ccr = merge(exc.ccr, value, mask) & CCR_WRITABLE; return;
      case SHCSR: return this.writeShcsr(merge(this.shcsr(), value, mask));
      case CFSR: exc.cfsr = (exc.cfsr & ~(value & mask)) >>> 0; return;
      case HFSR_OFFSET: exc.hfsr = (exc.hfsr & ~(value & mask & HFSR_BITS)) >>> 0; return;
      case DFSR_OFFSET: exc.dfsr = exc.dfsr & ~(value & mask & DFSR_BITS); return;
      case MMFAR: exc.mmfar = merge(exc.mmfar, value, mask); return;
      case BFAR: exc.bfar = merge(exc.bfar, value, mask); return;
      case CPACR: exc.cpacr = merge(exc.cpacr, value, mask) & CPACR_WRITABLE; return;
      default: return; // CPUID, AFSR (nothing implementation-defined is reported) and the ID registers
    }
  }

  /** ICSR (PM0214 §4.4.3). */
  private icsr(): number {
    const exc = this.exc;
    const ipsr = exc.cpu.ipsr;
    let v = ipsr | (exc.vectorPending() << 12);
    if (exc.activeCount() - (ipsr !== 0 ? exc.active[ipsr] : 0) === 0) v |= ICSR_BITS.RETTOBASE;
    if (exc.irqPending()) v |= ICSR_BITS.ISRPENDING;
    if (exc.pending[EXC.SysTick] !== 0) v |= ICSR_BITS.PENDSTSET;
    if (exc.pending[EXC.PendSV] !== 0) v |= ICSR_BITS.PENDSVSET;
    if (exc.pending[EXC.NMI] !== 0) v |= ICSR_BITS.NMIPENDSET;
    return v >>> 0;
  }

  private writeIcsr(bits: number): void {
    const exc = this.exc;
    if ((bits & ICSR_BITS.NMIPENDSET) !== 0) exc.pend(EXC.NMI);
    if ((bits & ICSR_BITS.PENDSVSET) !== 0) exc.pend(EXC.PendSV);
    else if ((bits & ICSR_BITS.PENDSVCLR) !== 0) exc.unpend(EXC.PendSV);
    if ((bits & ICSR_BITS.PENDSTSET) !== 0) exc.pend(EXC.SysTick);
    else if ((bits & ICSR_BITS.PENDSTCLR) !== 0) exc.unpend(EXC.SysTick);
  }

  /** AIRCR: only a word write with the key does anything (PM0214 §4.4.5). */
  private writeAircr(value: number, mask: number): void {
    const exc = this.exc;
    if (mask >>> 0 !== 0xffff_ffff || value >>> 16 !== VECTKEY) return;
    exc.prigroup = (value >>> 8) & 7;
    exc.cpu.attention();
    // VECTRESET is for debuggers only (UNPREDICTABLE otherwise): ignored.
    if ((value & AIRCR_BITS.VECTCLRACTIVE) !== 0) this.clearActive();
    if ((value & AIRCR_BITS.SYSRESETREQ) !== 0) exc.requestSystemReset();
  }

  /** AIRCR.VECTCLRACTIVE (debug use): clears every active state and IPSR. */
  private clearActive(): void {
    const exc = this.exc;
    const cpu = exc.cpu;
    exc.active.fill(0);
    const wasPsp = cpu.usingPsp;
    cpu.ipsr = 0;
    cpu.swapStack(wasPsp);
  }

  private shcsr(): number {
    const exc = this.exc;
    let v = 0;
    for (const [bit, n] of SHCSR_ACTIVE) v |= exc.active[n] << bit;
    for (const [bit, n] of SHCSR_PENDED) v |= exc.pending[n] << bit;
    for (const [bit, n] of SHCSR_ENABLE) v |= exc.enabled[n] << bit;
    return v >>> 0;
  }

  /** SHCSR: enables, and the active and pended bits (writable for context switching, PM0214 §4.4.9). */
  private writeShcsr(v: number): void {
    const exc = this.exc;
    for (const [bit, n] of SHCSR_ACTIVE) exc.active[n] = (v >>> bit) & 1;
    for (const [bit, n] of SHCSR_PENDED) {
      if (((v >>> bit) & 1) !== 0) exc.pend(n);
      else exc.unpend(n);
    }
    for (const [bit, n] of SHCSR_ENABLE) exc.setEnabled(n, ((v >>> bit) & 1) !== 0);
    exc.cpu.attention();
  }

  /** SHPR1–3: byte k of 0xE000_ED18.. is the priority of exception 4 + k (PM0214 §4.4.8). */
  private readSystemPriorities(offset: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const n = EXC.MemManage + (offset - SHPR1) + i;
      if (CONFIGURABLE_SYSTEM_HANDLERS.has(n)) v |= this.exc.priority[n] << (8 * i);
    }
    return v >>> 0;
  }

  private writeSystemPriorities(offset: number, value: number, mask: number): void {
    for (let i = 0; i < 4; i++) {
      if (((mask >>> (8 * i)) & 0xff) === 0) continue;
      const n = EXC.MemManage + (offset - SHPR1) + i;
      if (CONFIGURABLE_SYSTEM_HANDLERS.has(n)) this.exc.setPriority(n, (value >>> (8 * i)) & 0xff);
    }
  }

  private readFpu(offset: number): number {
    const exc = this.exc;
    switch (offset) {
      case FPCCR_OFFSET: return exc.fpccr >>> 0;
      case FPCAR: return exc.fpcar >>> 0;
      case FPDSCR: return exc.fpdscr;
      case MVFR0: return MVFR0_VALUE;
      case MVFR1: return MVFR1_VALUE;
      default: return 0;
    }
  }

  private writeFpu(offset: number, value: number, mask: number): void {
    const exc = this.exc;
    switch (offset) {
      case FPCCR_OFFSET: exc.fpccr = (merge(exc.fpccr, value, mask) & FPCCR_WRITABLE) >>> 0; break;
      case FPCAR: exc.fpcar = (merge(exc.fpcar, value, mask) & ~7) >>> 0; break;
      case FPDSCR: exc.fpdscr = merge(exc.fpdscr, value, mask) & FPDSCR_MASK; break;
      default: break;
    }
  }
}

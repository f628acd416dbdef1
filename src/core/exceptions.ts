/**
 * The ARMv7-M exception model of the Cortex-M4F (ARM DDI 0403E B1.5): pending/active state of every
 * exception, priorities (PRIGROUP, PRIMASK, FAULTMASK, BASEPRI), entry (basic and extended FP frame,
 * lazy FP stacking per FPCCR), EXC_RETURN, tail-chaining, fault escalation and lockup, sleep wake-up.
 *
 * This class holds the state that the memory-mapped views share: the NVIC (nvic.ts), the SCB (scb.ts),
 * SysTick (systick.ts) and the other blocks of the system control space (scs.ts) read and write it.
 * It imports none of them: the Machine builds the SystemControlSpace on it (`new SystemControlSpace(exc)`).
 *
 * Contract with the rest of the core:
 * - The run loop calls `checkPending()` whenever it stops its inner path (an alarm is due, or someone
 *   called `cpu.attention()`); everything here that pends or unmasks an exception calls attention().
 * - Instructions: SVC → `svc()`, BKPT (not consumed) → `bkpt(imm)`, a PC write of an EXC_RETURN value
 *   in handler mode → `exceptionReturn(value)` (performed once the instruction completes, B1.5.8).
 *   Faults arrive as `takeFault(cfsrBit, address)` with `cpu.npc` = the return address.
 * - FP instructions: before each one, `if (cpu.exc.fpPending !== 0) cpu.exc.preserveFpState();`
 *   (the state part of the ARM ARM's ExecuteFPCheck(): saves lazily stacked state, and starts a new FP
 *   context when FPCCR.ASPEN and not CONTROL.FPCA).
 * - Exception entry, return and tail-chaining cost scheduler cycles (the Cortex-M4's documented
 *   latencies with zero-wait-state memory: 12 cycles to enter, 10 to return, 6 to tail-chain).
 */
import { BusError } from '../bus/bus.js';
import type { Alarm } from '../time/scheduler.js';
import type { CortexM4 } from './cpu.js';
import { isThumb32 } from './decode.js';
import { CFSR, CoreFault, fault } from './faults.js';
import type { SystemControlSpace } from './scs.js';

/** Exception numbers (B1.5.2). IRQ n is 16 + n. */
export const EXC = {
  Reset: 1,
  NMI: 2,
  HardFault: 3,
  MemManage: 4,
  BusFault: 5,
  UsageFault: 6,
  SVCall: 11,
  DebugMonitor: 12,
  PendSV: 14,
  SysTick: 15,
  IRQ0: 16,
} as const;

/** CONTROL (B1.4.4). */
export const CONTROL_NPRIV = 1 << 0;
export const CONTROL_SPSEL = 1 << 1;
export const CONTROL_FPCA = 1 << 2;

/** SCB_CCR bits (PM0214 §4.4.7). Reset value 0x200 (STKALIGN). */
export const CCR = {
  NONBASETHRDENA: 1 << 0,
  USERSETMPEND: 1 << 1,
  UNALIGN_TRP: 1 << 3,
  DIV_0_TRP: 1 << 4,
  BFHFNMIGN: 1 << 8,
  STKALIGN: 1 << 9,
} as const;
export const CCR_RESET = CCR.STKALIGN;

/** SCB_HFSR (PM0214 §4.4.11), write-1-to-clear. */
export const HFSR = { VECTTBL: 1 << 1, FORCED: 1 << 30, DEBUGEVT: 0x8000_0000 } as const;

/** SCB_DFSR (ARM ARM C1.6.1), write-1-to-clear. */
export const DFSR = { HALTED: 1 << 0, BKPT: 1 << 1, DWTTRAP: 1 << 2, VCATCH: 1 << 3, EXTERNAL: 1 << 4 } as const;

/** SCB_SCR (PM0214 §4.4.6). */
export const SCR = { SLEEPONEXIT: 1 << 1, SLEEPDEEP: 1 << 2, SEVONPEND: 1 << 4 } as const;

/** FPCCR (PM0214 §4.6.2). Reset 0xC000_0000 (ASPEN, LSPEN). */
export const FPCCR = {
  LSPACT: 1 << 0,
  USER: 1 << 1,
  THREAD: 1 << 3,
  HFRDY: 1 << 4,
  MMRDY: 1 << 5,
  BFRDY: 1 << 6,
  MONRDY: 1 << 8,
  LSPEN: 1 << 30,
  ASPEN: 0x8000_0000,
} as const;
export const FPCCR_RESET = (FPCCR.ASPEN | FPCCR.LSPEN) >>> 0;
/** FPSCR/FPDSCR fields a new FP context takes from FPDSCR: AHP, DN, FZ, RMode (bits 26:22). */
export const FPDSCR_MASK = 0x07c0_0000;

/** Exception latencies of the Cortex-M4 with zero-wait-state memory (ARM Cortex-M4 TRM, DDI 0439). */
const ENTRY_CYCLES = 12;
const TAIL_CHAIN_CYCLES = 6;
const RETURN_CYCLES = 10;

const BASIC_FRAME = 0x20;
const EXTENDED_FRAME = 0x68;
/** Where lockup parks the PC (B1.5.15). */
const LOCKUP_ADDRESS = 0xffff_fffe | 0;
const NO_EXCEPTION = 0;
/** Larger than any priority: "nothing active / no boost". */
const NO_PRIORITY = 256;
/** Scratch for PopStack: 8 basic-frame words + S0–S15 + FPSCR (no allocation per return). */
const POP_BUFFER = new Int32Array(25);

export class ExceptionUnit {
  /** SCB_CCR (PM0214 §4.4.7): read by the core (UNALIGN_TRP b3, DIV_0_TRP b4) on its hot paths. */
  ccr = CCR_RESET;
  /** SCB_CPACR (PM0214 §4.6.1): CP10/CP11 in [23:20]; FP instructions raise NOCP unless full access. */
  cpacr = 0;
  /** SCB_VTOR: vector table base (bits 29:9, PM0214 §4.4.4). */
  vtor = 0;
  /** AIRCR.PRIGROUP (0–7): group priority = priority bits [7:PRIGROUP+1]. */
  private prigroupValue = 0;
  private groupMask = 0xfe;
  scr = 0;
  cfsr = 0;
  hfsr = 0;
  dfsr = 0;
  mmfar = 0;
  bfar = 0;
  afsr = 0;
  actlr = 0;
  fpccr = FPCCR_RESET;
  fpcar = 0;
  fpdscr = 0;

  /** Number of external interrupt lines (the device's IRQ count) and of exception numbers (16 + that). */
  readonly irqCount: number;
  readonly count: number;
  /** Implemented priority bits (the F407 has 4: [7:4], mask 0xF0). */
  readonly priorityMask: number;
  /** Per exception number: pending, active, enabled (NVIC_ISER / SHCSR enables), priority. */
  readonly pending: Uint8Array;
  readonly active: Uint8Array;
  readonly enabled: Uint8Array;
  readonly priority: Int16Array;
  /** Level of each external interrupt line as the peripherals drive it. */
  readonly level: Uint8Array;
  /** The memory-mapped registers (NVIC, SCB, SysTick, MPU, DWT, FPB, ITM, CoreDebug): the Machine builds them on this unit. */
  scs: SystemControlSpace | null = null;

  /** Set when the core locked up (B1.5.15): cpu.halted is set too and the run loop returns 'lockup'. */
  lockedUp = false;
  /** The priority the core locked up at: -1 (HardFault) or -2 (NMI). */
  lockupPriority = 0;
  /** AIRCR.SYSRESETREQ: the Machine sets this to reset the chip ('system', 'software'). */
  onSystemResetRequest: () => void;

  private pendingCount = 0;
  /** EXC_RETURN written by the executing instruction; performed when it completes (0: none). */
  private excReturn = 0;
  /** The core slept because of SLEEPONEXIT (not an instruction): wakes like WFI. */
  private sleptOnExit = false;
  private readonly resetRequest: Alarm;

  constructor(readonly cpu: CortexM4) {
    const device = cpu.bus.device;
    this.irqCount = device.irqCount;
    this.count = 16 + device.irqCount;
    this.priorityMask = (0xff << (8 - device.nvicPriorityBits)) & 0xff;
    this.pending = new Uint8Array(this.count);
    this.active = new Uint8Array(this.count);
    this.enabled = new Uint8Array(this.count);
    this.priority = new Int16Array(this.count);
    this.level = new Uint8Array(this.irqCount);
    this.onSystemResetRequest = () => cpu.reset();
    // SYSRESETREQ takes effect between instructions, after the store that requested it has completed.
    this.resetRequest = cpu.scheduler.createAlarm('AIRCR.SYSRESETREQ', () => this.onSystemResetRequest());
    this.resetState();
  }

  /** Power-on or system reset of the exception state: both are the same for the core (B1.5.5). */
  reset(): void {
    this.resetRequest.cancel();
    this.resetState();
    this.scs?.reset();
  }

  private resetState(): void {
    this.pending.fill(0);
    this.active.fill(0);
    this.level.fill(0);
    this.pendingCount = 0;
    this.priority.fill(0);
    this.priority[EXC.Reset] = -3;
    this.priority[EXC.NMI] = -2;
    this.priority[EXC.HardFault] = -1;
    this.enabled.fill(0);
    for (const n of [EXC.Reset, EXC.NMI, EXC.HardFault, EXC.SVCall, EXC.PendSV, EXC.SysTick]) this.enabled[n] = 1;
    this.ccr = CCR_RESET;
    this.cpacr = 0;
    this.vtor = 0;
    this.prigroup = 0;
    this.scr = 0;
    this.cfsr = this.hfsr = this.dfsr = this.mmfar = this.bfar = this.afsr = this.actlr = 0;
    this.fpccr = FPCCR_RESET;
    this.fpcar = 0;
    this.fpdscr = 0;
    this.lockedUp = false;
    this.lockupPriority = 0;
    this.excReturn = 0;
    this.sleptOnExit = false;
  }

  // ---- Priorities (B1.5.4) ---------------------------------------------------------------------

  get prigroup(): number {
    return this.prigroupValue;
  }

  set prigroup(value: number) {
    this.prigroupValue = value & 7;
    this.groupMask = ~((2 << this.prigroupValue) - 1) & 0xff;
  }

  /** Group priority of a priority value: only it decides preemption (B1.5.4). Fixed priorities stay. */
  groupPriority(p: number): number {
    return p < 0 || p >= NO_PRIORITY ? p : p & this.groupMask;
  }

  /** Priority boost from BASEPRI, PRIMASK and FAULTMASK (NO_PRIORITY when none). */
  private boostedPriority(withPrimask: boolean): number {
    const cpu = this.cpu;
    if ((cpu.faultmask & 1) !== 0) return -1;
    if (withPrimask && (cpu.primask & 1) !== 0) return 0;
    const basepri = cpu.basepri & this.priorityMask;
    return basepri !== 0 ? this.groupPriority(basepri) : NO_PRIORITY;
  }

  /** ExecutionPriority() (B1.5.4): the group priority of the highest active exception, boosted by masks. */
  executionPriority(withPrimask = true): number {
    let highest = NO_PRIORITY;
    const active = this.active;
    const priority = this.priority;
    for (let n = EXC.NMI; n < this.count; n++) {
      if (active[n] !== 0 && priority[n] < highest) highest = priority[n];
    }
    highest = this.groupPriority(highest);
    const boosted = this.boostedPriority(withPrimask);
    return boosted < highest ? boosted : highest;
  }

  /** True when exception a is taken before b: lower priority value, then lower number (B1.5.4). */
  private precedes(a: number, b: number): boolean {
    const pa = this.priority[a];
    const pb = this.priority[b];
    return pa < pb || (pa === pb && a < b);
  }

  /** The pending, enabled exception to take next (NO_EXCEPTION if none). */
  highestPending(): number {
    if (this.pendingCount === 0) return NO_EXCEPTION;
    let best = NO_EXCEPTION;
    const pending = this.pending;
    const enabled = this.enabled;
    for (let n = EXC.NMI; n < this.count; n++) {
      if (pending[n] !== 0 && enabled[n] !== 0 && (best === NO_EXCEPTION || this.precedes(n, best))) best = n;
    }
    return best;
  }

  /** Whether exception n, if pending, would preempt now. */
  canPreempt(n: number, withPrimask = true): boolean {
    return this.groupPriority(this.priority[n]) < this.executionPriority(withPrimask);
  }

  /** ICSR.VECTPENDING: highest pending exception, including the effect of BASEPRI and FAULTMASK but not PRIMASK (PM0214 §4.4.3). */
  vectorPending(): number {
    const n = this.highestPending();
    return n !== NO_EXCEPTION && this.groupPriority(this.priority[n]) < this.boostedPriority(false) ? n : NO_EXCEPTION;
  }

  /** Number of active exceptions. */
  activeCount(): number {
    let count = 0;
    for (let n = EXC.NMI; n < this.count; n++) count += this.active[n];
    return count;
  }

  /** Whether any external interrupt is pending (ICSR.ISRPENDING). */
  irqPending(): boolean {
    for (let n = EXC.IRQ0; n < this.count; n++) if (this.pending[n] !== 0) return true;
    return false;
  }

  /** Sets a configurable priority (SHPR/NVIC_IPR byte); unimplemented low bits read as zero. */
  setPriority(n: number, value: number): void {
    if (n < EXC.MemManage || n >= this.count) return;
    this.priority[n] = value & this.priorityMask;
    this.cpu.attention();
  }

  setEnabled(n: number, on: boolean): void {
    this.enabled[n] = on ? 1 : 0;
    if (on && this.pending[n] !== 0) this.cpu.attention();
  }

  // ---- Pending state ---------------------------------------------------------------------------

  /** Makes exception n pending (an interrupt request, ICSR/ISPR/STIR write, a fault that must wait). */
  pend(n: number): void {
    if (this.pending[n] === 0) {
      this.pending[n] = 1;
      this.pendingCount++;
      // SEVONPEND: any exception entering the pending state is a WFE wake-up event (B1.5.19).
      if ((this.scr & SCR.SEVONPEND) !== 0) this.cpu.eventRegister = 1;
    }
    if (n === EXC.NMI && this.lockedUp && this.lockupPriority === -1) this.leaveLockup();
    this.cpu.attention();
  }

  /**
   * Clears the pending state of exception n (ICPR, ICSR.PENDxxCLR, SHCSR). An interrupt whose line is
   * still asserted stays pending unless it is active (a level-sensitive request, Cortex-M4 DGUG §4.2.9).
   */
  unpend(n: number): void {
    if (this.pending[n] !== 0) {
      this.pending[n] = 0;
      this.pendingCount--;
    }
    if (n >= EXC.IRQ0 && this.level[n - EXC.IRQ0] !== 0 && this.active[n] === 0) this.pend(n);
  }

  /** Drives an external interrupt line: a rising level pends the interrupt, a held level re-pends it on return. */
  setIrqLevel(irq: number, level: boolean): void {
    if (irq < 0 || irq >= this.irqCount) return;
    const was = this.level[irq];
    this.level[irq] = level ? 1 : 0;
    if (level && was === 0) this.pend(EXC.IRQ0 + irq);
  }

  /** Pends external interrupt `irq` once (a pulse or an edge source; also NVIC_STIR). */
  setPending(irq: number): void {
    if (irq >= 0 && irq < this.irqCount) this.pend(EXC.IRQ0 + irq);
  }

  // ---- Taking exceptions -----------------------------------------------------------------------

  /**
   * Performs a pending exception return, then takes the highest-priority pending exception if it may
   * preempt the current execution priority. Returns true if one was taken.
   */
  checkPending(): boolean {
    if (this.excReturn !== 0) this.completeExceptionReturn();
    if (this.pendingCount === 0 || this.cpu.halted) return false;
    const n = this.highestPending();
    if (n === NO_EXCEPTION || !this.canPreempt(n)) return false;
    this.unpendForEntry(n);
    this.enter(n, this.cpu.npc);
    return true;
  }

  /** Pending state is cleared when the handler is entered (a held level re-pends only on return). */
  private unpendForEntry(n: number): void {
    if (this.pending[n] !== 0) {
      this.pending[n] = 0;
      this.pendingCount--;
    }
  }

  /** ExceptionEntry (B1.5.6): stack the context, then take exception n; stacking faults are derived exceptions. */
  private enter(n: number, returnAddress: number): void {
    const executionPriority = this.executionPriority();
    const error = this.pushStack(returnAddress);
    this.cpu.scheduler.cycles += ENTRY_CYCLES;
    if (error === 0) {
      this.exceptionTaken(n);
      return;
    }
    // A fault while stacking (B1.5.14) is a late-arriving BusFault or MemManage (MSTKERR: the MPU), or
    // its escalation: the higher of it and the original exception runs first, the other stays pending.
    this.cfsr |= error;
    const derived = this.resolveFault(faultOf(error), executionPriority);
    if (derived < 0) {
      this.lockup();
    } else if (derived === n || !this.precedes(derived, n)) {
      this.exceptionTaken(n);
      if (derived !== n) this.pend(derived);
    } else {
      this.pend(n);
      this.exceptionTaken(derived);
    }
  }

  /**
   * PushStack (B1.5.6): the 8-word basic frame, or the 26-word extended frame when CONTROL.FPCA, on the
   * active stack, 8-byte aligned when CCR.STKALIGN (xPSR bit 9 records the realignment). Sets LR to
   * EXC_RETURN. Returns the CFSR bit of a stacking fault, or 0. The stores are checked by the MPU as
   * accesses of the interrupted code (its privilege): the core has not changed mode yet.
   */
  private pushStack(returnAddress: number): number {
    const cpu = this.cpu;
    this.stackError = 0;
    const fpca = (cpu.control & CONTROL_FPCA) !== 0;
    const frameSize = fpca ? EXTENDED_FRAME : BASIC_FRAME;
    const forceAlign = fpca || (this.ccr & CCR.STKALIGN) !== 0;
    const sp = cpu.r[13];
    const realigned = forceAlign && (sp & 4) !== 0 ? 1 : 0;
    const frame = (sp - frameSize) & (forceAlign ? ~7 : ~3);
    cpu.r[13] = frame;
    const r = cpu.r;
    let ok = this.stackWrite(frame, r[0]);
    ok = this.stackWrite(frame + 0x04, r[1]) && ok;
    ok = this.stackWrite(frame + 0x08, r[2]) && ok;
    ok = this.stackWrite(frame + 0x0c, r[3]) && ok;
    ok = this.stackWrite(frame + 0x10, r[12]) && ok;
    ok = this.stackWrite(frame + 0x14, r[14]) && ok;
    ok = this.stackWrite(frame + 0x18, returnAddress & ~1) && ok;
    ok = this.stackWrite(frame + 0x1c, cpu.xpsr | (realigned << 9)) && ok;
    if (fpca) {
      if ((this.fpccr & FPCCR.LSPEN) === 0) {
        for (let i = 0; i < 16; i++) ok = this.stackWrite(frame + 0x20 + 4 * i, cpu.sw[i]) && ok;
        ok = this.stackWrite(frame + 0x60, cpu.fpscr) && ok;
      } else {
        this.updateFpccr(frame);
      }
    }
    if (cpu.ipsr !== 0) r[14] = fpca ? 0xffff_ffe1 | 0 : 0xffff_fff1 | 0;
    else r[14] = (0xffff_ffe9 | ((cpu.control & CONTROL_SPSEL) << 1) | (fpca ? 0 : 0x10)) | 0;
    return ok ? 0 : this.stackError;
  }

  /** The first stacking fault of an entry: STKERR (bus error) or MSTKERR (the MPU). */
  private stackError = 0;

  private stackWrite(address: number, value: number): boolean {
    try {
      this.cpu.bus.write32(address, value);
      return true;
    } catch (e) {
      const bit = e instanceof BusError ? CFSR.STKERR : e instanceof CoreFault ? CFSR.MSTKERR : 0;
      if (bit === 0) throw e;
      if (this.stackError === 0) this.stackError = bit;
      return false;
    }
  }

  /** UpdateFPCCR (B1.5.6): lazy stacking reserves the FP area and records who may take a fault saving it. */
  private updateFpccr(frame: number): void {
    const cpu = this.cpu;
    const pri = this.executionPriority();
    let bits = FPCCR.LSPACT;
    if (!cpu.privileged) bits |= FPCCR.USER;
    if (cpu.ipsr === 0) bits |= FPCCR.THREAD;
    if (pri > -1) bits |= FPCCR.HFRDY;
    if (this.enabled[EXC.BusFault] !== 0 && pri > this.groupPriority(this.priority[EXC.BusFault])) bits |= FPCCR.BFRDY;
    if (this.enabled[EXC.MemManage] !== 0 && pri > this.groupPriority(this.priority[EXC.MemManage])) bits |= FPCCR.MMRDY;
    if (this.enabled[EXC.DebugMonitor] !== 0 && pri > this.groupPriority(this.priority[EXC.DebugMonitor])) bits |= FPCCR.MONRDY;
    const status = FPCCR.LSPACT | FPCCR.USER | FPCCR.THREAD | FPCCR.HFRDY | FPCCR.MMRDY | FPCCR.BFRDY | FPCCR.MONRDY;
    this.fpccr = ((this.fpccr & ~status) | bits) >>> 0;
    this.fpcar = (frame + 0x20) & ~7;
  }

  /**
   * ExceptionTaken (B1.5.6): vector fetch at VTOR + 4n through the bus, handler mode on MSP, IT state
   * cleared, CONTROL.FPCA = 0, the exception active, the exclusive monitor cleared, the event register set.
   */
  private exceptionTaken(n: number): void {
    const cpu = this.cpu;
    let vector: number;
    try {
      vector = cpu.bus.readUnchecked32(this.vtor + 4 * n); // the MPU never checks vector reads (B3.5.1)
    } catch (e) {
      if (!(e instanceof BusError)) throw e;
      this.vectorReadError(n);
      return;
    }
    const wasPsp = cpu.usingPsp;
    cpu.ipsr = n;
    cpu.control &= ~(CONTROL_SPSEL | CONTROL_FPCA);
    cpu.swapStack(wasPsp);
    cpu.itstate = 0;
    cpu.npc = vector & ~1;
    // A vector with bit 0 clear leaves EPSR.T = 0: the first handler instruction faults with INVSTATE.
    cpu.pendingInvState = (vector & 1) === 0;
    if (cpu.pendingInvState) cpu.attention();
    this.active[n] = 1;
    cpu.exclusiveAddress = -1;
    cpu.eventRegister = 1;
    this.wake();
    cpu.updateMemoryView();
  }

  /** A bus error reading the vector (HFSR.VECTTBL) escalates to HardFault; for HardFault/NMI it locks up. */
  private vectorReadError(n: number): void {
    this.hfsr = (this.hfsr | HFSR.VECTTBL) >>> 0;
    if (n === EXC.HardFault || n === EXC.NMI) this.lockup(n === EXC.NMI ? -2 : -1);
    else this.exceptionTaken(EXC.HardFault);
  }

  // ---- Exception return (B1.5.8) ---------------------------------------------------------------

  /** A PC write of EXC_RETURN in handler mode: performed when the writing instruction completes. */
  exceptionReturn(excReturn: number): void {
    this.excReturn = excReturn | 0; // never 0: EXC_RETURN values start with 0xF
    this.cpu.attention();
  }

  /** ExceptionReturn (B1.5.8) with tail-chaining: a pending exception that may preempt the returned-to context is taken without unstacking. */
  private completeExceptionReturn(): void {
    const cpu = this.cpu;
    const ret = this.excReturn >>> 0;
    this.excReturn = 0;
    const returning = cpu.ipsr;
    const nested = this.activeCount();
    const kind = ret & 0xf;
    const valid = (ret | 0x10) >>> 0 === (0xffff_fff0 | kind) >>> 0 && (kind === 0x1 || kind === 0x9 || kind === 0xd);
    if (this.active[returning] === 0 || !valid) return this.failReturn(returning, ret, CFSR.INVPC);
    const toThread = kind !== 0x1;
    if (toThread && nested !== 1 && (this.ccr & CCR.NONBASETHRDENA) === 0) return this.failReturn(returning, ret, CFSR.INVPC);
    this.deactivate(returning);
    const next = this.highestPending();
    if (next !== NO_EXCEPTION && this.canPreempt(next)) {
      // Tail-chaining (B1.5.12): the frame stays; the next handler returns with the same EXC_RETURN.
      this.unpendForEntry(next);
      cpu.r[14] = ret | 0;
      cpu.scheduler.cycles += TAIL_CHAIN_CYCLES;
      this.exceptionTaken(next);
      return;
    }
    cpu.scheduler.cycles += RETURN_CYCLES;
    this.popStack(ret, returning);
  }

  /**
   * PopStack (B1.5.8) and the checks that follow it; an unstacking bus error is UNSTKERR, an MPU
   * violation MUNSTKERR. The loads are checked with the privilege of the mode returned to.
   */
  private popStack(ret: number, returning: number): void {
    const cpu = this.cpu;
    const kind = ret & 0xf;
    cpu.memoryViewFor(kind === 0x1 || (cpu.control & CONTROL_NPRIV) === 0);
    const extended = (ret & 0x10) === 0;
    const frame = kind === 0xd ? cpu.getPsp() : cpu.getMsp();
    const bus = cpu.bus;
    const saved = POP_BUFFER;
    try {
      for (let i = 0; i < 8; i++) saved[i] = bus.read32(frame + 4 * i);
      if (extended && (this.fpccr & FPCCR.LSPACT) === 0) {
        for (let i = 0; i < 17; i++) saved[8 + i] = bus.read32(frame + 0x20 + 4 * i);
      }
    } catch (e) {
      if (!(e instanceof BusError) && !(e instanceof CoreFault)) throw e;
      return this.failReturn(returning, ret, e instanceof BusError ? CFSR.UNSTKERR : CFSR.MUNSTKERR, true);
    }
    const psr = saved[7];
    const toHandler = kind === 0x1;
    // Returning to handler mode with IPSR 0, or to thread mode with IPSR ≠ 0, is INVPC (B1.5.8).
    if (toHandler !== ((psr & 0x1ff) !== 0)) return this.failReturn(returning, ret, CFSR.INVPC, true);

    const r = cpu.r;
    r[0] = saved[0];
    r[1] = saved[1];
    r[2] = saved[2];
    r[3] = saved[3];
    r[12] = saved[4];
    r[14] = saved[5];
    if (extended) {
      if ((this.fpccr & FPCCR.LSPACT) !== 0) {
        this.fpccr = (this.fpccr & ~FPCCR.LSPACT) >>> 0; // the FP registers still hold the context
      } else {
        for (let i = 0; i < 16; i++) cpu.sw[i] = saved[8 + i];
        cpu.fpscr = saved[24];
      }
    }
    const forceAlign = extended || (this.ccr & CCR.STKALIGN) !== 0;
    const sp = (frame + (extended ? EXTENDED_FRAME : BASIC_FRAME)) | (forceAlign && (psr & 0x200) !== 0 ? 4 : 0);
    if (kind === 0xd) cpu.psp = sp & ~3;
    else r[13] = sp & ~3; // handler mode: r[13] is MSP
    cpu.control = (cpu.control & ~(CONTROL_SPSEL | CONTROL_FPCA)) | (kind === 0xd ? CONTROL_SPSEL : 0) | (extended ? CONTROL_FPCA : 0);
    cpu.xpsr = psr;
    cpu.swapStack(false);
    cpu.npc = saved[6] & ~1;
    cpu.pendingInvState = (psr & (1 << 24)) === 0;
    if (cpu.pendingInvState) cpu.attention();
    cpu.exclusiveAddress = -1;
    cpu.eventRegister = 1;
    if (!toHandler && this.activeCount() === 0 && (this.scr & SCR.SLEEPONEXIT) !== 0) {
      // Sleep-on-exit (B1.5.8 SleepOnExit): back in thread mode with nothing active, sleep until an interrupt.
      this.sleptOnExit = true;
      cpu.sleeping = true;
    }
    cpu.updateMemoryView();
  }

  /**
   * An exception return that cannot complete: the returning exception is deactivated, LR keeps the
   * EXC_RETURN and the fault (UsageFault INVPC, BusFault UNSTKERR, MemManage MUNSTKERR, or their escalation) is taken on the
   * existing frame (B1.5.8).
   */
  private failReturn(returning: number, ret: number, kind: number, deactivated = false): void {
    if (!deactivated) this.deactivate(returning);
    this.cfsr |= kind;
    this.cpu.r[14] = ret | 0;
    const target = this.resolveFault(faultOf(kind), this.executionPriority());
    if (target < 0) this.lockup();
    else this.exceptionTaken(target);
  }

  /** DeActivate (B1.5.8): FAULTMASK clears on any return but from NMI; a held interrupt line re-pends. */
  private deactivate(n: number): void {
    this.active[n] = 0;
    if (n !== EXC.NMI) this.cpu.faultmask = 0;
    if (n >= EXC.IRQ0 && this.level[n - EXC.IRQ0] !== 0) this.pend(n);
  }

  // ---- Faults (B1.5.14–B1.5.15) ----------------------------------------------------------------

  /**
   * The fault a configurable fault becomes: itself if enabled and its priority preempts `executionPriority`,
   * else HardFault (HFSR.FORCED) if that can preempt, else -1 (lockup).
   */
  private resolveFault(faultNumber: number, executionPriority: number): number {
    if (this.enabled[faultNumber] !== 0 && this.groupPriority(this.priority[faultNumber]) < executionPriority) return faultNumber;
    if (executionPriority > -1) {
      this.hfsr = (this.hfsr | HFSR.FORCED) >>> 0;
      return EXC.HardFault;
    }
    return -1;
  }

  /** A fault raised by the instruction at cpu.pc (kind = one CFSR bit, address for BFAR/MMFAR). */
  takeFault(kind: number, address: number): void {
    this.cfsr |= kind;
    if (kind === CFSR.DACCVIOL && address >= 0) {
      this.mmfar = address >>> 0;
      this.cfsr |= CFSR.MMARVALID;
    } else if (kind === CFSR.PRECISERR && address >= 0) {
      this.bfar = address >>> 0;
      this.cfsr |= CFSR.BFARVALID;
    }
    const faultNumber = faultOf(kind);
    if (kind === CFSR.IMPRECISERR) {
      // Asynchronous: pends, and waits for its priority (or pends HardFault if BusFault is disabled).
      if (this.enabled[EXC.BusFault] !== 0) this.pend(EXC.BusFault);
      else {
        this.hfsr = (this.hfsr | HFSR.FORCED) >>> 0;
        this.pend(EXC.HardFault);
      }
      return;
    }
    this.excReturn = 0; // a synchronous fault: the instruction did not complete
    const executionPriority = this.executionPriority();
    if (kind === CFSR.PRECISERR && executionPriority < 0 && (this.ccr & CCR.BFHFNMIGN) !== 0) {
      // CCR.BFHFNMIGN: precise data bus faults at priority -1/-2 are ignored; the load/store completes.
      this.skipInstruction();
      return;
    }
    const target = this.resolveFault(faultNumber, executionPriority);
    if (target < 0) this.lockup();
    else this.enter(target, this.cpu.npc);
  }

  private skipInstruction(): void {
    const cpu = this.cpu;
    cpu.npc = cpu.pc + (isThumb32(cpu.bus.read16(cpu.pc)) ? 4 : 2);
  }

  /** SVC executed (cpu.npc is the return address): SVCall if its priority preempts, else HardFault FORCED (B1.5.14). */
  svc(): void {
    const executionPriority = this.executionPriority();
    if (this.groupPriority(this.priority[EXC.SVCall]) < executionPriority) return this.enter(EXC.SVCall, this.cpu.npc);
    if (executionPriority > -1) {
      this.hfsr = (this.hfsr | HFSR.FORCED) >>> 0;
      this.enter(EXC.HardFault, this.cpu.npc);
    } else {
      this.lockup();
    }
  }

  /**
   * BKPT not consumed by semihosting or a debugger (C1.5): DebugMonitor if DEMCR.MON_EN and its priority
   * allows, else HardFault with HFSR.DEBUGEVT (lockup at priority -1/-2). Returns to the BKPT itself.
   */
  bkpt(imm: number): void {
    void imm;
    const cpu = this.cpu;
    this.dfsr |= DFSR.BKPT;
    cpu.npc = cpu.pc;
    const executionPriority = this.executionPriority();
    if (this.enabled[EXC.DebugMonitor] !== 0 && this.groupPriority(this.priority[EXC.DebugMonitor]) < executionPriority) {
      this.enter(EXC.DebugMonitor, cpu.pc);
    } else if (executionPriority > -1) {
      this.hfsr = (this.hfsr | HFSR.DEBUGEVT) >>> 0;
      this.enter(EXC.HardFault, cpu.pc);
    } else {
      this.lockup();
    }
  }

  /** Lockup (B1.5.15): the core stops at 0xFFFFFFFE until reset, a debugger, or an NMI (when locked at -1). */
  private lockup(priority = this.executionPriority()): void {
    const cpu = this.cpu;
    this.lockedUp = true;
    this.lockupPriority = priority < -1 ? -2 : -1;
    this.excReturn = 0;
    cpu.halted = true;
    cpu.sleeping = false;
    cpu.pc = LOCKUP_ADDRESS;
    cpu.npc = LOCKUP_ADDRESS;
    cpu.pendingInvState = false;
    cpu.attention();
  }

  /** An NMI ends a lockup at HardFault priority: the NMI is taken and returns to the lockup address. */
  private leaveLockup(): void {
    this.lockedUp = false;
    this.cpu.halted = false;
  }

  // ---- Reset request (AIRCR.SYSRESETREQ) ------------------------------------------------------

  /** AIRCR.SYSRESETREQ: asks the system for a reset, which happens before the next instruction. */
  requestSystemReset(): void {
    this.resetRequest.scheduleCycles(1);
  }

  // ---- Sleep (B1.5.19) -------------------------------------------------------------------------

  /**
   * Whether a sleeping core wakes: WFI (and sleep-on-exit) on any pending exception that would preempt
   * ignoring PRIMASK; WFE also on the event register (SEVONPEND, SEV), which it consumes.
   */
  wakeupPending(): boolean {
    const cpu = this.cpu;
    if (cpu.eventRegister !== 0 && !this.sleptOnExit && this.sleepingInWfe()) {
      cpu.eventRegister = 0;
      this.wake();
      return true;
    }
    const n = this.highestPending();
    if (n === NO_EXCEPTION || !this.canPreempt(n, false)) return false;
    this.wake();
    return true;
  }

  private wake(): void {
    this.sleptOnExit = false;
    this.cpu.sleeping = false;
  }

  /** The core sleeps in a WFE (16-bit BF20 or 32-bit F3AF 8002) at cpu.pc rather than a WFI. */
  private sleepingInWfe(): boolean {
    const bus = this.cpu.bus;
    const pc = this.cpu.pc;
    const off = bus.fetchOffset(pc);
    if (off < 0) return false;
    const hw1 = bus.mem16[off >> 1];
    if (hw1 === 0xbf20) return true;
    if (hw1 !== 0xf3af) return false;
    const off2 = bus.fetchOffset(pc + 2);
    return off2 >= 0 && bus.mem16[off2 >> 1] === 0x8002;
  }

  // ---- Lazy FP state preservation (ARM ARM pseudocode ExecuteFPCheck / PreserveFPState) --------

  /** Non-zero when the next FP instruction must call preserveFpState(): LSPACT, or a new FP context to create (ASPEN and not FPCA). */
  get fpPending(): number {
    const fpccr = this.fpccr;
    return (fpccr & FPCCR.LSPACT) | ((fpccr >>> 31) & ~(this.cpu.control >> 2) & 1);
  }

  /**
   * The state part of ExecuteFPCheck: with LSPACT, writes S0–S15 and FPSCR into the area FPCAR reserved
   * (PreserveFPState) and clears LSPACT; with ASPEN and no FP context, starts one (FPSCR mode bits from
   * FPDSCR, CONTROL.FPCA = 1). A bus error while preserving is a BusFault LSPERR on the FP instruction.
   */
  preserveFpState(): void {
    const cpu = this.cpu;
    if ((this.fpccr & FPCCR.LSPACT) !== 0) {
      const base = this.fpcar & ~7;
      // The MPU checks these stores with the privilege of the code that owned the FP context (FPCCR.USER).
      cpu.memoryViewFor((this.fpccr & FPCCR.USER) === 0);
      try {
        for (let i = 0; i < 16; i++) cpu.bus.write32(base + 4 * i, cpu.sw[i]);
        cpu.bus.write32(base + 0x40, cpu.fpscr);
      } catch (e) {
        if (e instanceof BusError) fault(CFSR.LSPERR);
        if (e instanceof CoreFault && e.kind === CFSR.DACCVIOL) fault(CFSR.MLSPERR);
        throw e;
      } finally {
        cpu.updateMemoryView();
      }
      this.fpccr = (this.fpccr & ~FPCCR.LSPACT) >>> 0;
    }
    if ((this.fpccr & FPCCR.ASPEN) !== 0 && (cpu.control & CONTROL_FPCA) === 0) {
      cpu.fpscr = (cpu.fpscr & ~FPDSCR_MASK) | (this.fpdscr & FPDSCR_MASK);
      cpu.control |= CONTROL_FPCA;
    }
  }

  /** Same as preserveFpState() (the name the FP instructions may use). */
  fpuAccess(): void {
    this.preserveFpState();
  }
}

/** The configurable fault a CFSR bit belongs to: MMFSR → MemManage, BFSR → BusFault, UFSR → UsageFault. */
function faultOf(cfsrBit: number): number {
  return (cfsrBit & 0xff) !== 0 ? EXC.MemManage : (cfsrBit & 0xff00) !== 0 ? EXC.BusFault : EXC.UsageFault;
}

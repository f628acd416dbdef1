/**
 * The Cortex-M4F core: architectural state, the fetch/decode cache and the run loop.
 *
 * Contract shared by the decoder (decode.ts), the executors (execute/*.ts), the FPU and the exception
 * unit (exceptions.ts):
 *
 * - An instruction is decoded once per address into an `Op` (a function of the cpu) plus its size,
 *   cached by its halfword offset in `bus.mem`. Ops must not depend on the address they were decoded
 *   at (the same bytes run through the boot alias and at their own address): read `cpu.pc`.
 * - While an op runs: `cpu.pc` = its own address; `cpu.npc` = the next sequential address. A branch
 *   writes `cpu.npc` (use `branchTo`/`bxWritePc`/`loadWritePc` so EXC_RETURN and Thumb-bit rules apply).
 * - The value of R15 an instruction reads is `cpu.pc + 4` (Align(PC,4) for literal addressing).
 * - Faults: throw via `fault()` (faults.ts) or let the bus throw BUS_ERROR; nothing is committed after.
 * - Conditional execution inside IT blocks is handled by the run loop (`itstate`), not by each op.
 *   Ops that are conditional by encoding (B<cond>) test `cpu.conditionPassed(cond)` themselves.
 * - Time: the loop adds 1 cycle per instruction; an op that costs more adds to `scheduler.cycles`.
 * - Anything that needs the loop's attention (an interrupt newly pending or unmasked, a halt request)
 *   calls `cpu.attention()`; the loop then leaves its inner path, fires alarms and checks exceptions.
 */
import { BUS_ERROR, BusError, type Bus } from '../bus/bus.js';
import type { Scheduler } from '../time/scheduler.js';
import { CFSR, CoreFault, fault } from './faults.js';
import { ExceptionUnit } from './exceptions.js';
import { decodeThumb } from './decode.js';

export type Op = (cpu: CortexM4) => void;

/** Why `run` returned. */
export type StopReason = 'budget' | 'halted' | 'breakpoint' | 'lockup' | 'sleep' | 'exit' | 'stop';

export class CortexM4 {
  /** R0–R15. R13 is the active stack pointer (MSP or PSP); r[15] is not used (see pc). */
  readonly r = new Int32Array(16);
  /** Address of the instruction being executed (or about to be). */
  pc = 0;
  /** Address of the next instruction to execute. */
  npc = 0;
  // APSR, each flag 0 or 1; GE is 4 bits.
  n = 0;
  z = 0;
  c = 0;
  v = 0;
  q = 0;
  ge = 0;
  /** EPSR.IT in the architecture's ITSTATE layout (cond[7:4] + mask[3:0]); 0 outside IT blocks. */
  itstate = 0;
  /** IPSR: number of the active exception, 0 in thread mode. */
  ipsr = 0;
  /** Banked stack pointers; r[13] holds the active one's live value. */
  msp = 0;
  psp = 0;
  control = 0;
  primask = 0;
  faultmask = 0;
  basepri = 0;

  // FPv4-SP: 32 single-precision registers, viewed as floats and as raw words (D[n] = S[2n+1]:S[2n]).
  readonly fpBuffer = new ArrayBuffer(32 * 4);
  readonly s = new Float32Array(this.fpBuffer);
  readonly sw = new Int32Array(this.fpBuffer);
  fpscr = 0;

  /** Local exclusive monitor: address tagged by LDREX, or -1 (open). */
  exclusiveAddress = -1;
  /** Event register for WFE/SEV. */
  eventRegister = 0;

  /** Executed instructions since power-on (for --max-instructions and determinism checks). */
  instructions = 0;
  /** Set when the core stops executing (lockup, an unhandled condition, a debugger halt). */
  halted = false;
  /** Set by WFI/WFE: the loop skips emulated time until an interrupt wakes the core. */
  sleeping = false;
  /** Set by a semihosting exit or a host request: `run` returns 'exit' / 'stop'. */
  stopRequest: StopReason | null = null;

  readonly bus: Bus;
  readonly scheduler: Scheduler;
  readonly exc: ExceptionUnit;

  /** BKPT hook: semihosting or a debugger may consume it (return true); otherwise it escalates. */
  onBkpt: (imm: number) => boolean = () => false;

  /**
   * Debugger breakpoints (src/gdb/target.ts). An instruction given a marker (`addBreakpointMark`) is
   * decoded into a wrapper op that first asks `breakpointHit(cpu.pc)`; true stops the core in front of
   * it (`stopBeforeInstruction`). The run loop never looks at breakpoints, so instructions without a
   * marker cost exactly what they cost without a debugger. A marker is per cache entry (a halfword of
   * `bus.mem`), so `breakpointHit` sees the address actually executed (the boot alias included).
   */
  breakpointHit: (address: number) => boolean = () => false;
  private readonly breakpointMarks = new Set<number>();

  /** Decoded ops by halfword offset in bus.mem, and their sizes in bytes (0 = not decoded). */
  private readonly cache: Op[];
  private readonly sizes: Uint8Array;

  constructor(bus: Bus, scheduler: Scheduler) {
    this.bus = bus;
    this.scheduler = scheduler;
    this.cache = new Array<Op>(bus.mem.length >> 1);
    this.sizes = new Uint8Array(bus.mem.length >> 1);
    this.exc = new ExceptionUnit(this);
    bus.onCodeWrite = (offset, length) => this.invalidate(offset, length);
  }

  /** Makes the run loop look at alarms, pending exceptions and stop requests before the next instruction. */
  attention(): void {
    this.scheduler.nextEventAt = 0;
  }

  /** Drops decoded instructions overlapping [offset, offset+length) of bus.mem (code was overwritten). */
  invalidate(offset: number, length: number): void {
    const code = this.bus.code;
    const first = Math.max(0, (offset >> 1) - 1); // a 32-bit instruction may start one halfword before
    const last = (offset + length - 1) >> 1;
    for (let h = first; h <= last; h++) {
      if (code[h] !== 0) {
        code[h] = 0;
        this.sizes[h] = 0;
      }
    }
  }

  /**
   * Puts a breakpoint marker on the instruction at `address` (it is decoded again, wrapped, at its next
   * fetch). Returns the marker's cache index for `removeBreakpointMark`, or -1 when nothing can be
   * fetched from `address`.
   */
  addBreakpointMark(address: number): number {
    const off = this.bus.fetchOffset(address);
    if (off < 0) return -1;
    const h = off >> 1;
    this.breakpointMarks.add(h);
    this.sizes[h] = 0;
    return h;
  }

  /** Removes a marker `addBreakpointMark` returned; the instruction is decoded again, unwrapped. */
  removeBreakpointMark(index: number): void {
    if (this.breakpointMarks.delete(index)) this.sizes[index] = 0;
  }

  private breakpointOp(op: Op): Op {
    return (cpu) => {
      if (cpu.breakpointHit(cpu.pc)) cpu.stopBeforeInstruction();
      else op(cpu);
    };
  }

  /**
   * Halts in front of the executing instruction, as a breakpoint debug event does (ARM ARM C1.4): none
   * of it is done or counted, the PC and ITSTATE stay its own, and `run` returns 'breakpoint'. For
   * breakpoint ops and a debugger's BKPT hook.
   */
  stopBeforeInstruction(): void {
    if (this.itInstruction !== 0) this.itstate = this.itInstruction;
    this.npc = this.pc;
    this.instructions--;
    this.scheduler.cycles--;
    this.stopRequest = 'breakpoint';
    this.attention();
  }

  /** Decodes (or finds) the instruction at `address`; returns its cache index, or throws a fetch fault. */
  private fetchIndex(address: number): number {
    const bus = this.bus;
    let off = bus.ex[address >>> 12];
    off = off >= 0 ? off + (address & 0xfff) : bus.fetchOffset(address);
    if (off < 0) {
      // Execute-never space (peripherals, system, PPB) is a MemManage fault; holes are bus errors.
      const xn = (address >>> 0) >= 0x4000_0000 && ((address >>> 0) < 0x6000_0000 || (address >>> 0) >= 0xa000_0000);
      throwFetchFault(xn ? CFSR.IACCVIOL : CFSR.IBUSERR, address);
    }
    const h = off >> 1;
    if (this.sizes[h] === 0) {
      const hw1 = bus.mem16[h];
      const is32 = (hw1 & 0xe000) === 0xe000 && (hw1 & 0x1800) !== 0;
      let hw2 = 0;
      if (is32) {
        // The second halfword may sit on another page or region: fetch it through the bus.
        const off2 = bus.fetchOffset(address + 2);
        if (off2 < 0) throwFetchFault(CFSR.IBUSERR, address + 2);
        hw2 = bus.mem16[off2 >> 1];
      }
      const op = decodeThumb(hw1, hw2);
      this.cache[h] = this.breakpointMarks.size !== 0 && this.breakpointMarks.has(h) ? this.breakpointOp(op) : op;
      this.sizes[h] = is32 ? 4 : 2;
      bus.code[h] = 1;
      if (is32) bus.code[h + 1] = 1;
    }
    return h;
  }

  /**
   * Runs until `maxInstructions` have executed, the core halts or sleeps with nothing to wake it,
   * or something asks it to stop. Returns why it stopped.
   */
  run(maxInstructions: number): StopReason {
    const sched = this.scheduler;
    const limit = this.instructions + maxInstructions;
    const cache = this.cache;
    const sizes = this.sizes;
    for (;;) {
      if (this.stopRequest !== null) {
        const why = this.stopRequest;
        this.stopRequest = null;
        return why;
      }
      if (this.halted) return this.exc.lockedUp ? 'lockup' : 'halted';
      if (this.pendingInvState) {
        this.pendingInvState = false;
        this.pc = this.npc;
        this.exc.takeFault(CFSR.INVSTATE, -1);
        continue;
      }
      sched.fireDue();
      this.exc.checkPending();
      if (this.sleeping) {
        if (this.exc.wakeupPending()) {
          this.sleeping = false;
          continue;
        }
        if (!sched.skipToNextEvent()) return 'sleep';
        continue;
      }
      if (this.instructions >= limit) return 'budget';
      try {
        // nextEventAt is re-read every instruction: attention() and newly scheduled alarms lower it.
        while (sched.cycles < sched.nextEventAt) {
          const pc = this.npc;
          this.pc = pc;
          let off = this.bus.ex[pc >>> 12];
          const h = off >= 0 && sizes[(off = off + (pc & 0xfff)) >> 1] !== 0 ? off >> 1 : this.fetchIndex(pc);
          this.npc = pc + sizes[h];
          if (this.itstate === 0) {
            cache[h](this);
          } else {
            this.executeInItBlock(cache[h]);
          }
          sched.cycles++;
          this.instructions++;
          if (this.instructions >= limit) break;
        }
      } catch (e) {
        const itInstruction = this.itInstruction;
        this.itInstruction = 0;
        if (e instanceof CoreFault) {
          this.npc = this.pc;
          if (itInstruction !== 0) this.itstate = itInstruction; // a faulting instruction keeps its ITSTATE
          this.instructions++;
          sched.cycles++;
          this.exc.takeFault(e.kind, e.address);
        } else if (e instanceof BusError) {
          this.instructions++;
          sched.cycles++;
          if (BUS_ERROR.write) {
            // Stores go through the write buffer: the fault is imprecise and taken after the store (PM0214 §4.3.10).
            this.exc.takeFault(CFSR.IMPRECISERR, -1);
          } else {
            this.npc = this.pc;
            if (itInstruction !== 0) this.itstate = itInstruction;
            this.exc.takeFault(CFSR.PRECISERR, BUS_ERROR.address);
          }
        } else {
          throw e;
        }
      }
    }
  }

  /** Runs exactly one instruction (debugger step); exceptions taken on its way are handled. */
  step(): StopReason {
    return this.run(1);
  }

  /**
   * IT block: run the op only if its condition passes (ARM ARM A7.3.2), with ITSTATE advanced as by
   * ITAdvance() (A7.3.3: IT<2:0> = 0 ends the block, else IT<4:0> shifts left). The advance happens
   * before the op so that an exception it enters (SVC) stacks the state of the next instruction and an
   * exception return it performs keeps the restored state; `itInstruction` keeps the instruction's own
   * ITSTATE for InITBlock() and is put back if the op faults (the run loop's catch).
   */
  private executeInItBlock(op: Op): void {
    const it = this.itstate;
    this.itstate = (it & 0x7) === 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f);
    if (!this.conditionPassed(it >> 4)) {
      // A breakpoint stops the core in front of an instruction whether or not its condition passes.
      if (this.breakpointMarks.size !== 0 && this.breakpointHit(this.pc)) {
        this.itstate = it;
        this.stopBeforeInstruction();
      }
      return;
    }
    this.itInstruction = it;
    op(this);
    this.itInstruction = 0;
  }

  /** ITSTATE the executing instruction runs under: non-zero only inside an IT block (InITBlock()). */
  itInstruction = 0;

  /** ARM ARM A7.3.1 condition codes. */
  conditionPassed(cond: number): boolean {
    switch (cond) {
      case 0x0: return this.z === 1;
      case 0x1: return this.z === 0;
      case 0x2: return this.c === 1;
      case 0x3: return this.c === 0;
      case 0x4: return this.n === 1;
      case 0x5: return this.n === 0;
      case 0x6: return this.v === 1;
      case 0x7: return this.v === 0;
      case 0x8: return this.c === 1 && this.z === 0;
      case 0x9: return this.c === 0 || this.z === 1;
      case 0xa: return this.n === this.v;
      case 0xb: return this.n !== this.v;
      case 0xc: return this.z === 0 && this.n === this.v;
      case 0xd: return this.z === 1 || this.n !== this.v;
      default: return true;
    }
  }

  /** Whether the instruction being executed is inside an IT block (affects flag setting of 16-bit ops). */
  get inItBlock(): boolean {
    return this.itInstruction !== 0;
  }

  // ---- PC writes (ARM ARM A2.3.1) -------------------------------------------------------------

  /** B, BL, CBZ, IT-free branches: a plain branch, bit 0 cleared. */
  branchTo(address: number): void {
    this.npc = address & ~1;
  }

  /** BX/BLX and loads to the PC: bit 0 must be 1 (else INVSTATE on the next instruction); EXC_RETURN in handler mode. */
  bxWritePc(address: number): void {
    if (this.ipsr !== 0 && (address >>> 28) === 0xf) {
      this.exc.exceptionReturn(address >>> 0);
      return;
    }
    if ((address & 1) === 0) {
      // Executing with EPSR.T = 0 faults on the next instruction with INVSTATE (the stacked PC is the target).
      this.npc = address & ~1;
      this.pendingInvState = true;
      this.attention();
      return;
    }
    this.npc = address & ~1;
  }

  /** LDR/LDM/POP to PC: same rules as BX. */
  loadWritePc(address: number): void {
    this.bxWritePc(address);
  }

  /** Set by an interworking branch to an even address; the loop raises INVSTATE at the target. */
  pendingInvState = false;

  // ---- Status registers -----------------------------------------------------------------------

  /** APSR as a word: N Z C V Q in [31:27], GE in [19:16]. */
  get apsr(): number {
    return ((this.n << 31) | (this.z << 30) | (this.c << 29) | (this.v << 28) | (this.q << 27) | (this.ge << 16)) >>> 0;
  }

  set apsr(value: number) {
    this.n = (value >>> 31) & 1;
    this.z = (value >>> 30) & 1;
    this.c = (value >>> 29) & 1;
    this.v = (value >>> 28) & 1;
    this.q = (value >>> 27) & 1;
    this.ge = (value >>> 16) & 0xf;
  }

  /** xPSR as stacked on exception entry: APSR | EPSR (T, IT) | IPSR. */
  get xpsr(): number {
    const it = this.itstate;
    const epsr = (1 << 24) | ((it & 0x3) << 25) | ((it >> 2) << 10);
    return (this.apsr | epsr | this.ipsr) >>> 0;
  }

  set xpsr(value: number) {
    this.apsr = value;
    this.ipsr = value & 0x1ff;
    this.itstate = ((value >>> 25) & 0x3) | (((value >>> 10) & 0x3f) << 2);
  }

  /** True when the current SP is PSP (thread mode with CONTROL.SPSEL). */
  get usingPsp(): boolean {
    return this.ipsr === 0 && (this.control & 2) !== 0;
  }

  /** Reads the banked SPs with r[13] folded in. */
  getMsp(): number {
    return this.usingPsp ? this.msp : this.r[13];
  }
  getPsp(): number {
    return this.usingPsp ? this.r[13] : this.psp;
  }
  setMsp(value: number): void {
    if (this.usingPsp) this.msp = value & ~3;
    else this.r[13] = value & ~3;
  }
  setPsp(value: number): void {
    if (this.usingPsp) this.r[13] = value & ~3;
    else this.psp = value & ~3;
  }

  /**
   * Switches the active stack pointer (after CONTROL.SPSEL or IPSR changed): call with the mode
   * that was active before the change, so r[13] is saved to the right bank first.
   */
  swapStack(wasPsp: boolean): void {
    const nowPsp = this.usingPsp;
    if (wasPsp === nowPsp) return;
    if (wasPsp) {
      this.psp = this.r[13];
      this.r[13] = this.msp;
    } else {
      this.msp = this.r[13];
      this.r[13] = this.psp;
    }
  }

  /** Privileged unless thread mode with CONTROL.nPRIV. */
  get privileged(): boolean {
    return this.ipsr !== 0 || (this.control & 1) === 0;
  }

  /** Core reset (power-on or system): MSP and PC from the vector table at address 0 (the boot alias). */
  reset(): void {
    this.r.fill(0);
    this.n = this.z = this.c = this.v = this.q = this.ge = 0;
    this.itstate = 0;
    this.itInstruction = 0;
    this.ipsr = 0;
    this.control = 0;
    this.primask = this.faultmask = this.basepri = 0;
    this.sw.fill(0);
    this.fpscr = 0;
    this.exclusiveAddress = -1;
    this.eventRegister = 0;
    this.halted = false;
    this.sleeping = false;
    this.pendingInvState = false;
    this.r[14] = -1;
    this.psp = 0;
    this.exc.reset();
    const sp = this.bus.read32(0);
    const pc = this.bus.read32(4);
    this.msp = sp & ~3;
    this.r[13] = sp & ~3;
    this.npc = pc & ~1;
    this.pc = this.npc;
    if ((pc & 1) === 0) {
      this.pendingInvState = true;
      this.attention();
    }
  }
}

function throwFetchFault(kind: number, address: number): never {
  return fault(kind, address);
}

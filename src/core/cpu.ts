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
 * - Hot straight-line code is translated into blocks (block.ts) that call the same ops under the same
 *   contract; `blockThreshold = 0` keeps the core a pure interpreter. Both give the same results, the
 *   same instruction counts and the same cycle counts. Whatever may change code or its mapping while a
 *   block runs (a store over decoded code, a page leaving the fast path) makes it stop (`stopBlock`).
 */
import { BUS_ERROR, BusError, type Bus } from '../bus/bus.js';
import type { Scheduler } from '../time/scheduler.js';
import { CFSR, CoreFault, fault } from './faults.js';
import { ExceptionUnit } from './exceptions.js';
import { decodeThumb, isThumb32 } from './decode.js';
import { type Block, BlockCache, MAX_BLOCK_INSTRUCTIONS, compileBlock, type BlockInstruction } from './block.js';
import { FlowClass, directBranch, flowClass } from './decode/flow.js';
import { CONDITION_MASKS, itAdvance } from './execute/conditions.js';
import type { Mpu } from './mpu.js';
import { addressSpaceAt } from '../device/stm32f407.js';

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
  /** The MPU (mpu.ts) once the system control space is built; it checks the core's accesses while enabled. */
  mpu: Mpu | null = null;

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

  /**
   * Interpreted executions of an address (outside IT blocks) after which the code from there is
   * translated into a block (block.ts); at most 255. 0 turns translation off.
   */
  blockThreshold = 16;
  private readonly blockCache: BlockCache;
  /** 1 while a block runs (a number: storing it costs no write barrier). */
  private inBlock = 0;

  constructor(bus: Bus, scheduler: Scheduler) {
    this.bus = bus;
    this.scheduler = scheduler;
    this.cache = new Array<Op>(bus.mem.length >> 1);
    this.sizes = new Uint8Array(bus.mem.length >> 1);
    this.blockCache = new BlockCache(bus.mem.length >> 1);
    this.exc = new ExceptionUnit(this);
    bus.onCodeWrite = (offset, length) => this.invalidate(offset, length);
    bus.onMappingChange = () => {
      this.stopBlock();
      this.mpu?.mapChanged();
    };
  }

  /**
   * Privilege, FAULTMASK or the active exceptions may have changed (exception entry and return, MSR,
   * CPS): the MPU, if it enforces, puts the checks of the new state on the bus (it asks the run loop to
   * look again when they changed). Costs one test while the MPU is off.
   */
  updateMemoryView(): void {
    const mpu = this.mpu;
    if (mpu !== null && mpu.live) mpu.select();
  }

  /** Checks the core's accesses as for privileged (true) or unprivileged code until the next `updateMemoryView` (unstacking, lazy FP stacking). */
  memoryViewFor(privileged: boolean): void {
    const mpu = this.mpu;
    if (mpu !== null && mpu.live) mpu.selectFor(privileged);
  }

  /** Runs a host service (a BKPT hook: semihosting, a debugger) with the MPU's checks set aside: it is not the core's access. */
  hostBkpt(imm: number): boolean {
    return this.bus.guard === null ? this.onBkpt(imm) : this.bus.unchecked(() => this.onBkpt(imm));
  }

  /** Number of translated blocks (diagnostics, tests). */
  get translatedBlocks(): number {
    return this.blockCache.size;
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
    // A block running now may hold the rewritten code.
    if (this.blockCache.drop(first, last)) this.stopBlock();
  }

  /**
   * Makes a running block return after the current instruction, so that the loop fetches the next one
   * itself: after code was rewritten, or a page left the fast path (the flash interface while BSY:
   * the interpreter's next fetch waits for it). Outside blocks the loop fetches every instruction
   * anyway; there, attention() would only disturb what handlers see of the next event.
   */
  private stopBlock(): void {
    if (this.inBlock !== 0) this.attention();
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
    if (this.blockCache.drop(h, h)) this.stopBlock();
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
    let off = bus.fastEx[address >>> 12];
    off = off >= 0 ? off + (address & 0xfff) : this.slowFetchOffset(address);
    const h = off >> 1;
    if (this.sizes[h] === 0) {
      const hw1 = bus.mem16[h];
      const is32 = isThumb32(hw1);
      let hw2 = 0;
      if (is32) {
        // The second halfword may sit on another page or region: fetch it through the bus.
        const off2 = bus.fetchOffset(address + 2);
        if (off2 < 0) throwFetchFault(CFSR.IBUSERR, address + 2);
        hw2 = bus.mem16[off2 >> 1];
      }
      this.decodeInto(h, hw1, hw2, is32);
    }
    // The second halfword in another MPU granule (regions are 32-byte aligned) is a fetch of its own.
    if (bus.guard !== null && this.sizes[h] === 4 && ((address + 2) & 31) === 0) this.mpu!.checkFetch(address + 2);
    return h;
  }

  /**
   * Where the instruction at `address` is in `bus.mem` when its page is not on the fast path: the MPU
   * (while it enforces) and the default memory map's execute-never ranges (the device description's
   * `addressSpace`, ARM ARM B3.1) make a MemManage IACCVIOL; memory that cannot be fetched a BusFault IBUSERR.
   */
  private slowFetchOffset(address: number): number {
    const bus = this.bus;
    const guard = bus.guard;
    if (guard !== null) this.mpu!.checkFetch(address);
    const off = bus.fetchOffset(address);
    if (off < 0) {
      const xn = guard === null && addressSpaceAt(bus.device, address).executeNever;
      throwFetchFault(xn ? CFSR.IACCVIOL : CFSR.IBUSERR, address);
    }
    return off;
  }

  /** Decodes an instruction into cache entry `h` and marks its halfwords as code. */
  private decodeInto(h: number, hw1: number, hw2: number, is32: boolean): void {
    const op = decodeThumb(hw1, hw2);
    this.cache[h] = this.breakpointMarks.size !== 0 && this.breakpointMarks.has(h) ? this.breakpointOp(op) : op;
    this.sizes[h] = is32 ? 4 : 2;
    this.bus.code[h] = 1;
    if (is32) this.bus.code[h + 1] = 1;
  }

  /**
   * Translates the instructions from `address` (cache entry `h`, on a fast-path page) into a block:
   * up to the first CONTROL instruction (IT excepted: the instructions of its IT block become
   * conditional) or unconditional branch, the end of the page, a breakpoint marker or
   * MAX_BLOCK_INSTRUCTIONS. Decodes what it needs; never faults (it stops where a fetch could).
   */
  private translate(h: number, address: number): void {
    const mem16 = this.bus.mem16;
    const code: BlockInstruction[] = [];
    let a = address;
    let k = h;
    let fpChecked = false; // an FP instruction ran since the block's start or its last MEMORY instruction
    let itstate = 0; // the ITSTATE of the next instruction, known from an IT instruction in the block
    while (code.length < MAX_BLOCK_INSTRUCTIONS) {
      if (this.breakpointMarks.size !== 0 && this.breakpointMarks.has(k)) break;
      const hw1 = mem16[k];
      const is32 = isThumb32(hw1);
      // A 32-bit instruction in the page's last halfword is fetched across pages: leave it to the loop.
      if (is32 && (a & 0xfff) === 0xffe) break;
      const hw2 = is32 ? mem16[k + 1] : 0;
      if (this.sizes[k] === 0) this.decodeInto(k, hw1, hw2, is32);
      let flow = flowClass(hw1, hw2, is32);
      if (flow === FlowClass.FP) {
        // Only the first may preserve a lazy FP context to memory (decode/flow.ts).
        flow = fpChecked ? FlowClass.REGISTERS : FlowClass.MEMORY;
        fpChecked = true;
      } else if (flow === FlowClass.MEMORY) {
        fpChecked = false;
      }
      const size = this.sizes[k];
      if (itstate !== 0) {
        // In an IT block: conditional; a branch or CONTROL instruction ends the block whether or not it runs.
        code.push({ op: this.cache[k], size, flow: flow === FlowClass.BRANCH ? FlowClass.CONTROL : flow, itstate });
        itstate = itAdvance(itstate);
        if (flow === FlowClass.BRANCH) flow = FlowClass.CONTROL;
      } else if (isIt(hw1)) {
        // IT (A7.7.38) sets ITSTATE and nothing else: the block goes on with its instructions.
        code.push({ op: this.cache[k], size, flow: FlowClass.REGISTERS });
        itstate = hw1 & 0xff;
        flow = FlowClass.REGISTERS;
      } else {
        const branch = flow === FlowClass.BRANCH ? directBranch(hw1, hw2, is32) : null;
        code.push({ op: this.cache[k], size, flow, target: branch === null ? undefined : a - address + branch.offset });
        if (branch !== null && !branch.conditional) break;
      }
      a += size;
      k += size >> 1;
      if (flow === FlowClass.CONTROL || (a & 0xfff) === 0) break;
    }
    if (code.length === 0) return;
    const block = compileBlock(h, address, code);
    if (block === null) this.blockThreshold = 0;
    else this.blockCache.add(block);
  }

  /**
   * Runs until `maxInstructions` have executed, the core halts or sleeps with nothing to wake it,
   * or something asks it to stop. Returns why it stopped.
   */
  run(maxInstructions: number): StopReason {
    const mpu = this.mpu;
    if (mpu === null) return this.runLoop(maxInstructions);
    // The MPU checks the core's accesses only while it runs (not a debugger's or a loader's).
    mpu.startRun();
    try {
      return this.runLoop(maxInstructions);
    } finally {
      mpu.stopRun();
    }
  }

  private runLoop(maxInstructions: number): StopReason {
    const sched = this.scheduler;
    const limit = this.instructions + maxInstructions;
    const cache = this.cache;
    const sizes = this.sizes;
    const blocks = this.blockCache.blocks;
    const heat = this.blockCache.heat;
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
      // A stop asked for by an alarm: its attention() was undone when fireDue recomputed nextEventAt.
      if (this.stopRequest !== null) continue;
      if (this.sleeping) {
        if (this.exc.wakeupPending()) {
          this.sleeping = false;
          continue;
        }
        if (!sched.skipToNextEvent()) return 'sleep';
        continue;
      }
      if (this.instructions >= limit) return 'budget';
      const threshold = this.blockThreshold;
      // Re-read here: the MPU swaps the fetch table (calling attention(), which ends the inner loop).
      const ex = this.bus.fastEx;
      // The block being run and its address, for the fault handling below.
      let active: Block | null = null;
      let activePc = 0;
      try {
        for (;;) {
          const pc = this.npc;
          const off = ex[pc >>> 12];
          let h = off >= 0 ? (off + (pc & 0xfff)) >> 1 : -1;
          if (h >= 0 && this.itstate === 0) {
            const block = blocks[h];
            if (block !== null) {
              // Its headroom test implies the loop's own (below): nothing falls due before it could look.
              if (limit - this.instructions >= block.length && sched.cycles + block.headroom < sched.nextEventAt) {
                active = block;
                activePc = pc;
                this.inBlock = 1;
                // Not `+=`: the block may add to this.instructions itself (its earlier passes).
                const ran = block.run(this, sched, pc, limit);
                this.instructions += ran;
                this.inBlock = 0;
                active = null;
                if (this.instructions >= limit) break;
                continue;
              }
            } else if (threshold !== 0 && ++heat[h] === threshold) {
              this.translate(h, pc);
              continue;
            }
          }
          // nextEventAt is re-read every instruction: attention() and newly scheduled alarms lower it.
          if (!(sched.cycles < sched.nextEventAt)) break;
          this.pc = pc; // before the fetch: a fetch fault returns to the address it could not fetch
          if (h < 0 || sizes[h] === 0) h = this.fetchIndex(pc);
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
        if (active !== null) {
          // The instructions of the block before the faulting one have run.
          this.inBlock = 0;
          const index = active.indexOf(this.pc - activePc);
          this.instructions += index;
          sched.cycles += active.cyclesOwedAt(index);
        }
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
    this.itstate = itAdvance(it);
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

  /** ARM ARM A7.3.1 ConditionPassed() for `cond` (0–15) against the current APSR flags. */
  conditionPassed(cond: number): boolean {
    return ((CONDITION_MASKS[cond] >> ((this.n << 3) | (this.z << 2) | (this.c << 1) | this.v)) & 1) !== 0;
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

/** IT (A7.7.38): 1011 1111 firstcond mask, mask ≠ 0000 (0000 are the hints). */
function isIt(hw1: number): boolean {
  return (hw1 & 0xff00) === 0xbf00 && (hw1 & 0xf) !== 0;
}

function throwFetchFault(kind: number, address: number): never {
  return fault(kind, address);
}

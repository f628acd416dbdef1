/**
 * The debugged thing behind the GDB stub: one Machine, seen as a debug probe sees an STM32F407 over
 * SWD (registers through the core's debug interface, memory through the bus as a debug access port,
 * FPB breakpoints, DWT watchpoints, flash programming through the flash interface).
 *
 * Halting. The emulated core is "held" while a debugger has it halted: at attach, at a breakpoint,
 * watchpoint or BKPT, on Ctrl-C, after a step. Whoever drives the Machine (`f4emu run`'s loop) asks
 * `whileHalted()` before each slice of `machine.run()` and passes each slice's StopReason to
 * `afterRun()`, which reports breakpoint stops to GDB and holds the core. Nothing else in the run loop
 * knows about debugging: breakpoints live in the decode cache (breakpoints.ts), watchpoints in the
 * bus page table (watchpoints.ts).
 *
 * Time while halted. On silicon a debugger halts only the core: the rest of the chip goes on in real
 * time. So while the core is held, `whileHalted()` lets emulated time follow the wall clock (alarms
 * fire, USART characters finish, a flash erase completes), and the Machine's `setDebugHalted` stops
 * what stops on silicon: SysTick and DWT_CYCCNT (core clocks), and the counters whose DBGMCU_APB1_FZ /
 * APB2_FZ bit is set (IWDG, WWDG, TIM2–TIM7). Without DBG_IWDG_STOP a started watchdog therefore resets
 * the chip while the user sits at a breakpoint, as on a board: the core is then held at the reset
 * vector (GDB shows Reset_Handler at its next look) and the reset is logged on the 'gdb' channel.
 *
 * Debug facts kept:
 * - BKPT 0xAB stays semihosting (the hook installed by Semihosting serves it); any other BKPT halts
 *   the core on the BKPT while a debugger is attached (ARM ARM C1.4), and escalates to HardFault
 *   with none (the exception unit), as on silicon. Continuing from it runs it again: `jump +1` or
 *   `set $pc += 2` steps over it, as with a real probe.
 * - Attaching sets the flash interface's `debuggerAttached`: at RDP level 1 flash, OTP and backup SRAM
 *   then read as errors (E02 on m packets) and cannot be programmed (RM0090 §3.7.3). At level 2 the
 *   debug port is disabled and `attach()` refuses.
 * - Debugger memory accesses reach the PPB whatever the core's privilege, never program flash (that is
 *   vFlashWrite's job, through the flash interface so WRP and RDP apply), and are not watched.
 */
import { BusError } from '../bus/bus.js';
import type { StopReason } from '../core/cpu.js';
import { SEMIHOSTING_BKPT } from '../core/semihosting.js';
import { regionAt, sectorAt } from '../device/stm32f407.js';
import { UserError, hex32 } from '../errors.js';
import { type FlashInterface, FlashInterface as FlashInterfaceClass } from '../flash/interface.js';
import { FlashProgrammer } from '../flash/programmer.js';
import { sectorsSpanned } from '../flash/sectors.js';
import type { Machine } from '../machine.js';
import { Breakpoints } from './breakpoints.js';
import { memoryMapXml } from './memory-map.js';
import { monitorCommand } from './monitor.js';
import { type PointType, type RspTarget, SIGINT, SIGTRAP, type StopEvent } from './rsp.js';
import { GDB_REGISTERS, targetXml } from './target-xml.js';
import { Watchpoints } from './watchpoints.js';

export interface MachineTargetOptions {
  /** The firmware's exit status once it has exited (semihosting), for a step that ends the program. */
  exitCode?: () => number | null;
}

/** Region kinds the debugger writes with plain bus stores (everything else is flash, ROM or OTP). */
const WRITABLE_KINDS = new Set(['ram', 'backup-ram', 'peripheral', 'bitband', 'ppb']);
const REGISTER_SIZES = GDB_REGISTERS.map((r) => r.bitsize / 8);

export class MachineTarget implements RspTarget {
  readonly targetXml = targetXml();
  readonly memoryMapXml: string;
  readonly registerSizes: readonly number[] = REGISTER_SIZES;
  readonly breakpoints: Breakpoints;
  readonly watchpoints: Watchpoints;

  private attachedNow = false;
  private held = false;
  private lastStop: StopEvent = { signal: SIGTRAP };
  /** A stop found by a hook during a run, for `afterRun` (or `step`) to report. */
  private pendingStop: StopEvent | null = null;
  /** A stop nobody was waiting for (the core was running after `monitor reset run`). */
  private unreported: StopEvent | null = null;
  private onStop: ((event: StopEvent) => void) | null = null;
  private readonly waiters: Array<() => void> = [];
  /** The address a step starts from: its breakpoint must not stop the step. */
  private stepFrom = -1;
  /** While held: the timer that lets emulated time follow the wall clock, and the wall time last caught up. */
  private haltTimer: ReturnType<typeof setTimeout> | undefined;
  private haltedWallMs = 0;
  /** A reset the debugger asked for (not to be reported as one that happened under it). */
  private ownReset = false;
  /** Wall-clock milliseconds (replaceable in tests). */
  wallClockMs: () => number = () => performance.now();

  constructor(
    readonly machine: Machine,
    private readonly options: MachineTargetOptions = {},
  ) {
    const cpu = machine.cpu;
    this.memoryMapXml = memoryMapXml(machine.device);
    this.breakpoints = new Breakpoints(cpu);
    this.watchpoints = new Watchpoints(machine.bus);
    this.watchpoints.onHit = (kind, address) => {
      this.pendingStop = { signal: SIGTRAP, watch: { kind, address } };
      cpu.stopRequest = 'breakpoint';
      cpu.attention();
    };
    cpu.breakpointHit = (address) => this.breakpointHit(address);
    machine.resetListeners.push((kind, cause) => {
      if (this.held && !this.ownReset) machine.log('gdb', `the chip was reset (${kind}, cause ${cause}) while the debugger held the core: it stays halted at the reset vector`);
    });
    const previous = cpu.onBkpt;
    cpu.onBkpt = (imm) => {
      if (imm === SEMIHOSTING_BKPT || !this.attachedNow) return previous(imm);
      this.pendingStop = { signal: SIGTRAP };
      cpu.stopBeforeInstruction();
      return true;
    };
  }

  /** A debugger is connected and has not detached. */
  get attached(): boolean {
    return this.attachedNow;
  }

  /** The debugger holds the core halted. */
  get halted(): boolean {
    return this.held;
  }

  /** The flash interface model, if the Machine has one. */
  get flash(): FlashInterface | null {
    const p = this.machine.peripherals.get('FLASH');
    return p instanceof FlashInterfaceClass ? p : null;
  }

  // ---- Driving the Machine -------------------------------------------------------------------------

  /** Resolves when the core may run (at once unless a debugger holds it); meanwhile emulated time follows the wall clock. */
  whileHalted(): Promise<void> {
    if (!this.held) return Promise.resolve();
    this.followWallClock();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Lets `ns` of emulated time pass while the core is held: alarms fire in time order (peripherals,
   * watchdogs, a requested reset); the core executes nothing.
   */
  passHaltedTime(ns: number): void {
    const s = this.machine.scheduler;
    const end = s.cycles + s.nsToCycles(ns);
    while (s.nextAlarmAt <= end) {
      s.cycles = Math.max(s.cycles, s.nextAlarmAt);
      s.fireDue();
    }
    s.cycles = Math.max(s.cycles, end);
    s.fireDue();
  }

  /** Starts letting emulated time follow the wall clock (until `release`), waking at the next alarm's time. */
  private followWallClock(): void {
    if (this.haltTimer !== undefined) return;
    this.haltedWallMs = this.wallClockMs();
    const tick = (): void => {
      this.catchUpWallClock();
      this.haltTimer = this.held ? this.later(tick) : undefined;
    };
    this.haltTimer = this.later(tick);
  }

  /** A timer at the next alarm's time that does not keep f4emu alive by itself (Node's unref). */
  private later(fn: () => void): ReturnType<typeof setTimeout> {
    const t = setTimeout(fn, this.msToNextAlarm());
    (t as { unref?: () => void }).unref?.();
    return t;
  }

  private catchUpWallClock(): void {
    const now = this.wallClockMs();
    this.passHaltedTime(Math.max(0, now - this.haltedWallMs) * 1e6);
    this.haltedWallMs = now;
  }

  private stopFollowingWallClock(): void {
    if (this.haltTimer === undefined) return;
    clearTimeout(this.haltTimer);
    this.haltTimer = undefined;
    this.catchUpWallClock();
  }

  /** Wall-clock milliseconds until the next alarm is due (1–100: a watchdog's deadline is kept to the millisecond). */
  private msToNextAlarm(): number {
    const s = this.machine.scheduler;
    const ms = ((s.nextAlarmAt - s.cycles) * 1000) / s.frequencyHz;
    return Math.min(100, Math.max(1, Number.isFinite(ms) ? ms : 100));
  }

  /** Holds or releases the core; the Machine (SysTick, DWT, DBGMCU's freezes) follows. */
  private setHeld(held: boolean): void {
    if (!held) this.stopFollowingWallClock();
    this.held = held;
    this.machine.setDebugHalted(held);
  }

  /** After a slice of `machine.run`: true when it ended in a debugger stop, now reported and held. */
  afterRun(reason: StopReason): boolean {
    const stop = this.pendingStop;
    this.pendingStop = null;
    if (reason !== 'breakpoint' || stop === null) return false;
    this.stopped(stop);
    return true;
  }

  /** Holds the core at once (`--halt`: wait for a debugger at the reset vector; `monitor halt`). */
  hold(): void {
    if (this.held) return;
    this.setHeld(true);
    this.lastStop = { signal: SIGTRAP };
  }

  private release(): void {
    this.setHeld(false);
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private stopped(event: StopEvent): void {
    this.setHeld(true);
    this.lastStop = event;
    const listener = this.onStop;
    this.onStop = null;
    if (listener) listener(event);
    else this.unreported = event;
  }

  private breakpointHit(address: number): boolean {
    if (address === this.stepFrom || !this.breakpoints.has(address)) return false;
    this.pendingStop = { signal: SIGTRAP };
    return true;
  }

  // ---- Attach, run control -------------------------------------------------------------------------

  attach(): string | null {
    const flash = this.flash;
    if (flash && !flash.debugPortEnabled) return 'read protection level 2 disables the debug port for ever (RM0090 3.7.3): no debugger can attach';
    if (flash) flash.debuggerAttached = true;
    this.attachedNow = true;
    this.unreported = null;
    this.onStop = null;
    this.setHeld(true);
    this.lastStop = { signal: SIGTRAP };
    return null;
  }

  detach(): void {
    this.breakpoints.clear();
    this.watchpoints.clear();
    const flash = this.flash;
    if (flash) flash.debuggerAttached = false;
    this.attachedNow = false;
    this.onStop = null;
    this.unreported = null;
    this.release();
  }

  resume(onStop: (event: StopEvent) => void): void {
    const unreported = this.unreported;
    this.unreported = null;
    if (unreported) return onStop(unreported);
    if (this.breakpoints.has(this.machine.cpu.npc)) {
      // Leave the breakpoint under the PC by one instruction first, as a probe does.
      const { event, early } = this.stepOnce();
      if (early) {
        this.lastStop = event;
        return onStop(event);
      }
    }
    this.onStop = onStop;
    this.release();
  }

  step(): StopEvent {
    this.unreported = null;
    this.setHeld(true); // a step ends halted, even from a core running after `monitor reset run`
    const { event } = this.stepOnce();
    this.lastStop = event;
    return event;
  }

  /**
   * Runs one instruction with the breakpoint at the PC ignored; the core stays held. `early`: something
   * stopped it on its own (a watchpoint, a BKPT, a breakpoint at an exception handler, the program's end).
   */
  private stepOnce(): { event: StopEvent; early: boolean } {
    const cpu = this.machine.cpu;
    this.stepFrom = cpu.npc;
    this.pendingStop = null;
    let reason: StopReason;
    try {
      reason = cpu.step();
    } finally {
      this.stepFrom = -1;
    }
    const stop = this.pendingStop;
    this.pendingStop = null;
    if (reason === 'exit') {
      // The program ended during the step: the driver must see it too, and GDB hears of the exit.
      cpu.stopRequest = 'exit';
      this.release();
      return { event: { signal: 0, exitCode: this.options.exitCode?.() ?? 0 }, early: true };
    }
    return { event: stop ?? { signal: SIGTRAP }, early: stop !== null };
  }

  interrupt(): void {
    if (!this.held) this.stopped({ signal: SIGINT });
  }

  stopEvent(): StopEvent {
    return this.lastStop;
  }

  /** A reset by the debugger (NRST): the core stays held at the reset vector when `halt`. */
  reset(halt: boolean): void {
    this.ownReset = true;
    try {
      this.watchpoints.whileSuspended(() => this.machine.reset('system', 'pin'));
    } finally {
      this.ownReset = false;
    }
    this.machine.cpu.stopRequest = null;
    this.pendingStop = null;
    this.unreported = null;
    this.lastStop = { signal: SIGTRAP };
    if (halt) this.setHeld(true);
    else this.release();
  }

  restart(): void {
    this.reset(true);
  }

  kill(): void {
    this.reset(true);
  }

  monitor(command: string): string {
    return monitorCommand(this, command);
  }

  // ---- Registers -------------------------------------------------------------------------------------

  readRegister(n: number): Uint8Array {
    const r = GDB_REGISTERS[n];
    const cpu = this.machine.cpu;
    if (r.bitsize === 64) {
      const d = Number(r.name.slice(1));
      return bytesOf([cpu.sw[2 * d], cpu.sw[2 * d + 1]]);
    }
    return bytesOf([this.readWord(r.name)]);
  }

  writeRegister(n: number, value: Uint8Array): void {
    const r = GDB_REGISTERS[n];
    const cpu = this.machine.cpu;
    const word = (i: number): number => value[i] | (value[i + 1] << 8) | (value[i + 2] << 16) | (value[i + 3] << 24);
    if (r.bitsize === 64) {
      const d = Number(r.name.slice(1));
      cpu.sw[2 * d] = word(0);
      cpu.sw[2 * d + 1] = word(4);
      return;
    }
    this.writeWord(r.name, word(0) >>> 0);
  }

  private readWord(name: string): number {
    const cpu = this.machine.cpu;
    switch (name) {
      case 'pc': return cpu.npc;
      case 'sp': return cpu.r[13];
      case 'lr': return cpu.r[14];
      case 'xpsr': return cpu.xpsr;
      case 'fpscr': return cpu.fpscr;
      case 'msp': return cpu.getMsp();
      case 'psp': return cpu.getPsp();
      case 'primask': return cpu.primask;
      case 'basepri': return cpu.basepri;
      case 'faultmask': return cpu.faultmask;
      case 'control': return cpu.control;
      default: return cpu.r[Number(name.slice(1))];
    }
  }

  private writeWord(name: string, value: number): void {
    const cpu = this.machine.cpu;
    switch (name) {
      case 'pc':
        // The debugger's PC write (DCRSR): execution restarts there; a WFI/WFE is left.
        cpu.npc = cpu.pc = value & ~1;
        cpu.pendingInvState = false;
        cpu.sleeping = false;
        return;
      case 'sp': cpu.r[13] = value & ~3; return;
      case 'lr': cpu.r[14] = value; return;
      case 'xpsr': {
        // APSR and EPSR (IT) are written; IPSR is kept: the exception state behind it cannot change.
        const ipsr = cpu.ipsr;
        cpu.xpsr = value;
        cpu.ipsr = ipsr;
        return;
      }
      case 'fpscr': cpu.fpscr = value; return;
      case 'msp': cpu.setMsp(value); return;
      case 'psp': cpu.setPsp(value); return;
      case 'control': {
        const wasPsp = cpu.usingPsp;
        cpu.control = value & 0x7; // nPRIV, SPSEL, FPCA
        cpu.swapStack(wasPsp);
        break;
      }
      case 'primask': cpu.primask = value & 1; break;
      case 'faultmask': cpu.faultmask = value & 1; break;
      case 'basepri': cpu.basepri = value & cpu.exc.priorityMask; break;
      default: cpu.r[Number(name.slice(1))] = value; return;
    }
    cpu.attention(); // masks changed: a pending exception may now be taken
  }

  // ---- Memory ----------------------------------------------------------------------------------------

  /** Runs a debugger access: not watched, PPB open whatever the core's privilege. */
  private debugAccess<T>(fn: () => T): T {
    const scs = this.machine.cpu.exc.scs;
    const checked = scs?.checkPrivilege ?? false;
    if (scs) scs.checkPrivilege = false;
    try {
      return this.watchpoints.whileSuspended(fn);
    } finally {
      if (scs) scs.checkPrivilege = checked;
    }
  }

  readMemory(address: number, length: number): Uint8Array {
    const bus = this.machine.bus;
    const n = Math.max(0, Math.min(length, 0x1_0000_0000 - address));
    const out = new Uint8Array(n);
    let done = 0;
    this.debugAccess(() => {
      try {
        while (done < n) {
          const a = address + done;
          if ((a & 3) === 0 && n - done >= 4) {
            // Word accesses where possible: peripheral registers may answer nothing else.
            const v = bus.read32(a);
            out[done] = v;
            out[done + 1] = v >> 8;
            out[done + 2] = v >> 16;
            out[done + 3] = v >> 24;
            done += 4;
          } else {
            out[done++] = bus.read8(a);
          }
        }
      } catch (e) {
        if (!(e instanceof BusError)) throw e;
      }
    });
    return out.subarray(0, done);
  }

  writeMemory(address: number, data: Uint8Array): string | null {
    const dev = this.machine.device;
    for (const a of [address, address + data.length - 1]) {
      const r = regionAt(dev, a);
      if (!r || !WRITABLE_KINDS.has(r.kind)) {
        return `cannot write ${hex32(a)}: ${r ? `${r.description} is not written by plain stores (load programs flash)` : 'no memory there'}`;
      }
    }
    const bus = this.machine.bus;
    let done = 0;
    return this.debugAccess(() => {
      try {
        while (done < data.length) {
          const a = address + done;
          if ((a & 3) === 0 && data.length - done >= 4) {
            bus.write32(a, data[done] | (data[done + 1] << 8) | (data[done + 2] << 16) | (data[done + 3] << 24));
            done += 4;
          } else {
            bus.write8(a, data[done++]);
          }
        }
        return null;
      } catch (e) {
        if (!(e instanceof BusError)) throw e;
        return `cannot write ${hex32(address + done)}: bus error`;
      }
    });
  }

  // ---- Breakpoints and watchpoints -------------------------------------------------------------------

  insertPoint(type: PointType, address: number, kind: number): string | null {
    if (type <= 1) return this.breakpoints.insert(type === 1, address);
    return this.watchpoints.insert(type, address, kind);
  }

  removePoint(type: PointType, address: number, kind: number): string | null {
    if (type <= 1) this.breakpoints.remove(type === 1, address);
    else this.watchpoints.remove(type, address, kind);
    return null;
  }

  // ---- Flash programming -----------------------------------------------------------------------------

  private programmer(): FlashProgrammer | string {
    if (!this.flash) return 'this machine has no flash interface model: flash cannot be programmed';
    return new FlashProgrammer(this.machine, { asDebugger: true });
  }

  /** Runs a flash operation; a refusal (WRP, RDP, FLASH_SR errors) becomes its message. */
  private flashOperation(what: string, fn: (p: FlashProgrammer) => void): string | null {
    const p = this.programmer();
    if (typeof p === 'string') return p;
    try {
      this.debugAccess(() => fn(p));
      return null;
    } catch (e) {
      if (e instanceof UserError) return `${what}: ${e.message}`;
      throw e;
    }
  }

  /** vFlashErase: every sector the range touches is erased (SER per sector). */
  flashErase(address: number, length: number): string | null {
    const outside = this.outsideFlash(address, length);
    if (outside) return `flash erase: ${outside}`;
    const sectors = sectorsSpanned(this.machine.device, address, length).map((s) => s.index);
    return this.flashOperation('flash erase', (p) => p.eraseSectors(sectors));
  }

  flashWrite(address: number, data: Uint8Array): string | null {
    const outside = this.outsideFlash(address, data.length);
    if (outside) return `flash write: ${outside}`;
    return this.flashOperation('flash write', (p) => p.program(address, data));
  }

  flashDone(): string | null {
    return null; // vFlashWrite programs at once
  }

  private outsideFlash(address: number, length: number): string | null {
    const dev = this.machine.device;
    if (length === 0) return null;
    if (!sectorAt(dev, address) || !sectorAt(dev, address + length - 1)) return `${hex32(address)}+${length} is not inside main flash`;
    return null;
  }
}

function bytesOf(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  words.forEach((w, i) => {
    for (let k = 0; k < 4; k++) out[4 * i + k] = (w >>> (8 * k)) & 0xff;
  });
  return out;
}

/**
 * A Machine is one STM32F407 (device description + bus + core + peripherals) on one board.
 * It owns everything below it and is the centre of the public TypeScript API: build one, load an
 * image, reset, run.
 *
 * Wiring is derived from the device description: every backed region is mapped by the Bus; bit-band
 * aliases come from the regions' `bitbandOf`; every peripheral block gets a modelled peripheral or,
 * failing that, an UnmodelledPeripheral that logs what firmware touches (`--log unimp`).
 */
import { BitBand } from './bus/bitband.js';
import { Bus, type BusHandler } from './bus/bus.js';
import { CortexM4, type StopReason } from './core/cpu.js';
import { SystemControlSpace } from './core/scs.js';
import {
  DEFAULT_DEVICE,
  bootModeFromPins,
  regionAt,
  type BootMode,
  type DeviceDescription,
  type PeripheralBlock,
} from './device/stm32f407.js';
import type { Image } from './loaders/image.js';
import { type Peripheral, type PeripheralContext, UnmodelledPeripheral } from './peripherals/peripheral.js';
import { installSystemMemory } from './system-memory.js';
import type { ResetCause, ResetKind } from './time/reset.js';
import { type Alarm, Scheduler } from './time/scheduler.js';

export interface MachineOptions {
  device?: DeviceDescription;
  boot0?: 0 | 1;
  boot1?: 0 | 1;
  /** Log sink for channels such as 'unimp', 'gpio'. Default: ignore. */
  log?: (channel: string, message: string) => void;
}

/** Builds a peripheral for a block, or returns undefined to leave it unmodelled. */
export type PeripheralFactory = (block: PeripheralBlock, ctx: PeripheralContext, machine: Machine) => Peripheral | undefined;

export class Machine {
  readonly device: DeviceDescription;
  readonly bus: Bus;
  readonly scheduler: Scheduler;
  readonly cpu: CortexM4;
  readonly peripherals = new Map<string, Peripheral>();
  readonly context: PeripheralContext;
  boot0: 0 | 1;
  boot1: 0 | 1;
  private readonly logSink: (channel: string, message: string) => void;
  /** Called after every reset of the chip (power-on or system), e.g. to let a board re-drive pins. */
  readonly resetListeners: Array<(kind: ResetKind, cause: ResetCause) => void> = [];
  /** A debugger holds the core halted (DHCSR.S_HALT as the rest of the chip sees it): `setDebugHalted`. */
  private debugHaltedNow = false;
  /** Told when a debugger halts (true) or releases (false) the core: SysTick, DWT, DBGMCU's freezes. */
  readonly debugHaltListeners: Array<(halted: boolean) => void> = [];
  /** A reset asked for from inside the chip (watchdogs), performed by `resetAlarm` between instructions. */
  private requestedReset: { kind: ResetKind; cause: ResetCause } | null = null;
  private readonly resetAlarm: Alarm;

  constructor(options: MachineOptions = {}, factories: PeripheralFactory[] = []) {
    this.device = options.device ?? DEFAULT_DEVICE;
    this.boot0 = options.boot0 ?? 0;
    this.boot1 = options.boot1 ?? 0;
    this.logSink = options.log ?? (() => {});
    this.bus = new Bus(this.device);
    this.scheduler = new Scheduler(this.device.resetClockHz);
    this.cpu = new CortexM4(this.bus, this.scheduler);
    this.resetAlarm = this.scheduler.createAlarm('requested reset', () => this.performRequestedReset());
    // The core's blocks on the PPB (NVIC, SCB, SysTick, MPU, DWT, FPB, ITM, TPIU); DBGMCU is a peripheral below.
    const scs = new SystemControlSpace(this.cpu.exc);
    scs.mapOn(this.bus);
    this.debugHaltListeners.push((halted) => scs.debugHalt(halted));
    this.cpu.exc.onSystemResetRequest = () => this.reset('system', 'software');
    this.context = {
      scheduler: this.scheduler,
      setIrq: (irq, level) => this.cpu.exc.setIrqLevel(irq, level),
      log: (channel, message) => this.logSink(channel, message),
    };

    // A factory-new chip: flash and OTP erased (all ones); the NV store may load other contents later.
    for (const name of ['flash', 'otp', 'otp-lock']) this.bus.view(name).fill(0xff);
    installSystemMemory(this.bus);
    this.writeSignature();
    for (const r of this.device.regions) {
      if (r.kind === 'bitband' && r.bitbandOf !== undefined) {
        // Peripheral registers are word-wide: their bit-band writes are word read-modify-writes.
        const wordTargets = regionAt(this.device, r.bitbandOf)?.kind === 'peripheral';
        this.bus.mapHandler(r.start, r.size, new BitBand(this.bus, r.start, r.bitbandOf, wordTargets));
      }
    }
    for (const block of this.device.peripherals) {
      let p: Peripheral | undefined;
      for (const f of factories) {
        p = f(block, this.context, this);
        if (p) break;
      }
      p ??= new UnmodelledPeripheral(block, this.context);
      this.peripherals.set(block.name, p);
      this.bus.mapHandler(block.base, block.size, p);
    }
  }

  /** Factory-programmed words: the 96-bit unique ID and F_SIZE (RM0090 §39). */
  private writeSignature(uid: readonly number[] = this.device.defaultUid): void {
    const u = this.bus.view('uid');
    const dv = new DataView(u.buffer, u.byteOffset, u.byteLength);
    uid.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
    const fsize = this.bus.view('flash-size');
    const kb = this.device.flashSectors.reduce((n, s) => n + s.size, 0) / 1024;
    fsize[0] = kb & 0xff;
    fsize[1] = kb >> 8;
  }

  log(channel: string, message: string): void {
    this.logSink(channel, message);
  }

  /** Maps an extra handler (the core's system control space, debug blocks). */
  mapHandler(start: number, size: number, handler: BusHandler): void {
    this.bus.mapHandler(start, size, handler);
  }

  /**
   * The memory a reset puts at address 0 (and SYSCFG_MEMRMP reports): BOOT0/BOOT1's choice, except at
   * read protection level 2, where the boot pins are ignored and the chip boots from main flash
   * (RM0090 §3.7.3; the flash interface reports the level).
   */
  get bootMode(): BootMode {
    const flash = this.peripherals.get('FLASH') as { readonly rdpLevel?: number } | undefined;
    return flash?.rdpLevel === 2 ? 'flash' : bootModeFromPins(this.boot0, this.boot1);
  }

  /**
   * Resets the chip. 'power-on' and 'system' both re-latch the boot pins and reload the core from the
   * vector table at 0; neither touches flash, OTP, option bytes, SRAM or the backup domain (power-on
   * SRAM contents are whatever the memory held: f4emu keeps them zero on a new Machine).
   */
  reset(kind: ResetKind = 'system', cause: ResetCause = kind === 'power-on' ? 'power-on' : 'pin'): void {
    this.requestedReset = null;
    this.resetAlarm.cancel();
    this.bus.setBootMode(this.bootMode);
    for (const p of this.peripherals.values()) p.reset(kind);
    this.cpu.reset();
    // The core's debug logic (CoreDebug, DWT) survives a system reset; only power-on clears it (ARM ARM C1.6).
    if (kind === 'power-on') this.cpu.exc.scs?.powerOnReset();
    for (const l of this.resetListeners) l(kind, cause);
  }

  /** Whether a debugger holds the core halted. */
  get debugHalted(): boolean {
    return this.debugHaltedNow;
  }

  /**
   * A debugger halted (true) or released (false) the core. Emulated time may go on while it is halted
   * (the GDB target lets it follow the wall clock): the core's SysTick and DWT_CYCCNT stand still, and
   * DBGMCU freezes the counters whose DBG_xxx_STOP bit is set (RM0090 §38.16.4); the rest keep counting.
   */
  setDebugHalted(halted: boolean): void {
    if (halted === this.debugHaltedNow) return;
    this.debugHaltedNow = halted;
    for (const l of this.debugHaltListeners) l(halted);
  }

  /**
   * Asks for a reset from inside the chip (IWDG or WWDG expiry, a WWDG write outside its window). It
   * happens at a safe point: after the instruction or alarm that asked has completed, before the next
   * instruction (an alarm one cycle later, as for AIRCR.SYSRESETREQ). The first request wins.
   */
  requestReset(kind: ResetKind, cause: ResetCause): void {
    this.requestedReset ??= { kind, cause };
    if (!this.resetAlarm.scheduled) this.resetAlarm.scheduleCycles(1);
  }

  private performRequestedReset(): void {
    const r = this.requestedReset;
    this.requestedReset = null;
    if (r) this.reset(r.kind, r.cause);
  }

  /**
   * Puts an image into memory the way a programmer would (flash through its array, RAM directly),
   * without any protection check: for tests and for `run` on a fresh chip. The state file path
   * (`--state`) goes through the flash interface instead.
   */
  loadImage(image: Image): void {
    for (const seg of image.segments) {
      for (let i = 0; i < seg.data.length; ) {
        const addr = seg.address + i;
        const off = this.bus.memOffset(addr);
        if (off < 0) {
          // Not plain memory (e.g. a peripheral): store byte by byte through the bus.
          this.bus.write8(addr, seg.data[i]);
          i++;
          continue;
        }
        // Copy up to the end of the page in one go.
        const n = Math.min(seg.data.length - i, 0x1000 - (addr & 0xfff));
        this.bus.poke(off, seg.data.subarray(i, i + n));
        i += n;
      }
    }
  }

  /** Runs up to `maxInstructions`. */
  run(maxInstructions: number): StopReason {
    return this.cpu.run(maxInstructions);
  }
}

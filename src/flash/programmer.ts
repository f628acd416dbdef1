/**
 * A flash programmer (a debug probe's flash algorithm, as pyOCD/OpenOCD run it on an STM32F4): it drives
 * the emulated flash interface through the bus — unlock, SER/MER + STRT, PG with x32 word stores,
 * OPTCR + OPTSTRT, polling BSY — so write protection, read protection and OTP locks apply to it as to
 * any other path. `f4emu state` and the `run` command's image loading use it.
 *
 * It acts as a debugger (`asDebugger`, default): at RDP level ≥ 1 it can neither read nor change flash,
 * as with a real probe. Refusals it can foresee (write-protected sectors, RDP, locked OTP blocks,
 * segments outside flash) are UserErrors raised before anything is erased.
 */
import { type DeviceDescription, type FlashSector, peripheral, region, regionAt } from '../device/stm32f407.js';
import { UserError, hex32 } from '../errors.js';
import type { Image, Segment } from '../loaders/image.js';
import type { Machine } from '../machine.js';
import { CR, FLASH_KEY1, FLASH_KEY2, FLASH_OPTKEY1, FLASH_OPTKEY2, FLASH_REG, type FlashInterface, SR, errorFlagNames, flashInterfaceOf } from './interface.js';
import { OPTCR, type OptionBytes, optcrFromOptionBytes, protectedSectors } from './option-bytes.js';
import { isOtpBlockLocked, otpBlockOf } from './otp.js';
import { sectorsSpanned } from './sectors.js';

export interface ProgrammerOptions {
  /** Progress of long operations: bytes done of total, and what is being done. */
  readonly onProgress?: (done: number, total: number, what: string) => void;
  /** Behave as a debug probe (RDP level ≥ 1 then blocks it). Default true. */
  readonly asDebugger?: boolean;
  /** Names the chip in error messages (e.g. the state file's path). */
  readonly target?: string;
}

export interface ImageLoadOptions {
  /** Segments in RAM (not non-volatile): store them directly ('load', as GDB does) or refuse ('reject'). */
  readonly ram?: 'load' | 'reject';
}

export interface ProgramReport {
  readonly erasedSectors: readonly number[];
  readonly flashBytes: number;
  readonly otpBytes: number;
  readonly ramBytes: number;
}

const PSIZE_X32 = 2 << CR.PSIZE_SHIFT;
const PROGRESS_STEP = 4096;

export class FlashProgrammer {
  private readonly machine: Machine;
  private readonly device: DeviceDescription;
  private readonly flash: FlashInterface;
  private readonly regs: number;
  private readonly options: ProgrammerOptions;

  constructor(machine: Machine, options: ProgrammerOptions = {}) {
    this.machine = machine;
    this.device = machine.device;
    this.flash = flashInterfaceOf(machine);
    this.regs = peripheral(this.device, 'FLASH').base;
    this.options = options;
  }

  /** The option bytes in force on the chip. */
  get optionBytes(): OptionBytes {
    return this.flash.optionBytes;
  }

  /** Erases the given sectors (SER + SNB + STRT each). */
  eraseSectors(indices: readonly number[]): void {
    for (const i of indices) if (!this.device.flashSectors[i]) throw this.error(`sector ${i} does not exist on the ${this.device.name} (sectors 0–${this.device.flashSectors.length - 1})`);
    this.checkFlashAccess(indices);
    this.session(() => {
      indices.forEach((i, n) => {
        this.progress(n, indices.length, `erasing sector ${i}`);
        this.writeCr(CR.SER | (i << CR.SNB_SHIFT) | PSIZE_X32);
        this.writeCr(CR.SER | (i << CR.SNB_SHIFT) | PSIZE_X32 | CR.STRT);
        this.wait(`erase of sector ${i}`);
      });
      this.progress(indices.length, indices.length, 'erased');
    });
  }

  /** Erases all of main flash (MER + STRT). */
  massErase(): void {
    this.checkFlashAccess(this.device.flashSectors.map((s) => s.index));
    this.session(() => {
      this.writeCr(CR.MER | PSIZE_X32 | CR.STRT);
      this.wait('mass erase');
    });
  }

  /** Programs bytes into flash or OTP (x32 words; bytes outside `bytes` in a word are sent as 0xFF). */
  program(address: number, bytes: Uint8Array, progress?: { done: number; total: number }): void {
    const end = address + bytes.length;
    this.session(() => {
      this.writeCr(CR.PG | PSIZE_X32);
      for (let word = address & ~3; word < end; word += 4) {
        let value = 0;
        for (let i = 3; i >= 0; i--) {
          const a = word + i;
          value = (value << 8) | (a >= address && a < end ? bytes[a - address] : 0xff);
        }
        this.machine.bus.write32(word, value);
        this.wait(`program of ${hex32(word)}`);
        if (progress && (word - (address & ~3)) % PROGRESS_STEP === 0) this.progress(progress.done + (word - address), progress.total, 'programming');
      }
      this.writeCr(0);
    });
  }

  /** Programs new option bytes through OPTCR + OPTSTRT. */
  programOptionBytes(ob: OptionBytes): void {
    if (this.flash.rdpLevel === 2) throw this.error('the option bytes are frozen at RDP level 2 (for ever)');
    this.session(() => {
      const opt = this.regs + FLASH_REG.OPTCR;
      const bus = this.machine.bus;
      if (bus.read32(opt) & OPTCR.OPTLOCK) {
        bus.write32(this.regs + FLASH_REG.OPTKEYR, FLASH_OPTKEY1);
        bus.write32(this.regs + FLASH_REG.OPTKEYR, FLASH_OPTKEY2);
      }
      const value = optcrFromOptionBytes(ob);
      bus.write32(opt, value);
      bus.write32(opt, value | OPTCR.OPTSTRT);
      this.wait('option byte programming');
      bus.write32(opt, value | OPTCR.OPTLOCK);
    });
  }

  /**
   * Puts an image where its segments say, as a programmer would: erases every flash sector a segment
   * touches, programs flash and OTP, then reads it all back.
   */
  programImage(image: Image, options: ImageLoadOptions = {}): ProgramReport {
    const plan = this.plan(image, options.ram ?? 'reject');
    const erased = [...new Set(plan.flash.flatMap((s) => sectorsSpanned(this.device, s.address, s.data.length).map((x) => x.index)))].sort((a, b) => a - b);
    this.checkFlashAccess(erased);
    for (const s of plan.otp) this.checkOtp(image.file, s);
    if (erased.length > 0) this.eraseSectors(erased);
    const total = [...plan.flash, ...plan.otp].reduce((n, s) => n + s.data.length, 0);
    let done = 0;
    for (const s of [...plan.flash, ...plan.otp]) {
      this.program(s.address, s.data, { done, total });
      done += s.data.length;
    }
    this.progress(total, total, 'programmed');
    for (const s of [...plan.flash, ...plan.otp]) this.verify(image.file, s);
    for (const s of plan.ram) this.machine.loadImage({ ...image, segments: [s] });
    return {
      erasedSectors: erased,
      flashBytes: plan.flash.reduce((n, s) => n + s.data.length, 0),
      otpBytes: plan.otp.reduce((n, s) => n + s.data.length, 0),
      ramBytes: plan.ram.reduce((n, s) => n + s.data.length, 0),
    };
  }

  /** Sorts segments by where they land; anything that is not flash, OTP or (when allowed) RAM is refused. */
  private plan(image: Image, ram: 'load' | 'reject'): { flash: Segment[]; otp: Segment[]; ram: Segment[] } {
    const out = { flash: [] as Segment[], otp: [] as Segment[], ram: [] as Segment[] };
    for (const s of image.segments) {
      if (s.data.length === 0) continue;
      const first = regionAt(this.device, s.address);
      const last = regionAt(this.device, s.address + s.data.length - 1);
      const span = `${hex32(s.address)}–${hex32(s.address + s.data.length - 1)}`;
      if (!first || first !== last) {
        throw new UserError(`${image.file}: segment ${span} ${first ? `runs past the end of ${first.name} (${hex32(first.start + first.size - 1)})` : 'is outside every memory region'}`);
      }
      if (first.name === 'flash') out.flash.push(s);
      else if (first.name === 'otp' || first.name === 'otp-lock') out.otp.push(s);
      else if (first.kind === 'ram' && ram === 'load') out.ram.push(s);
      else throw new UserError(`${image.file}: segment ${span} is in ${first.name}, which ${first.kind === 'ram' ? 'is volatile and not kept in a state file' : 'a programmer cannot write'}`);
    }
    return out;
  }

  private checkFlashAccess(sectors: readonly number[]): void {
    const level = this.flash.rdpLevel;
    const file = this.options.target ?? 'FILE';
    if (level > 0 && ((this.options.asDebugger ?? true) || this.flash.accessRestricted)) {
      const way = level === 1 ? `; \`f4emu state option-bytes ${file} --rdp 0\` returns to level 0 by mass-erasing flash` : '';
      throw this.error(`flash is read-protected (RDP level ${level}): a debug probe can neither erase nor program it${way}`);
    }
    const locked = protectedSectors(this.flash.optionBytes, this.device.flashSectors.length).filter((i) => sectors.includes(i));
    if (locked.length > 0) {
      const list = locked.map((i) => sectorLabel(this.device.flashSectors[i])).join(', ');
      throw this.error(`write-protected (nWRP = 0): ${list}; \`f4emu state option-bytes ${file} --wrp none\` removes the protection`);
    }
  }

  private checkOtp(file: string, s: Segment): void {
    const otp = region(this.device, 'otp');
    if (regionAt(this.device, s.address)?.name !== 'otp') return;
    const lockBytes = this.machine.bus.view('otp-lock');
    for (let a = s.address; a < s.address + s.data.length; a += 1) {
      const block = otpBlockOf(a - otp.start);
      if (isOtpBlockLocked(lockBytes, block)) throw new UserError(`${file}: OTP block ${block} (${hex32(otp.start + block * 32)}) is locked; it can never be programmed again`);
    }
  }

  private verify(file: string, s: Segment): void {
    const bus = this.machine.bus;
    for (let i = 0; i < s.data.length; i++) {
      const got = bus.read8(s.address + i);
      if (got !== s.data[i]) {
        throw new UserError(`${file}: verify failed at ${hex32(s.address + i)}: wrote 0x${hex8(s.data[i])}, reads 0x${hex8(got)} (OTP bits already programmed cannot return to 1)`);
      }
    }
  }

  /** Unlocks FLASH_CR as a probe would, runs `fn`, locks again; the probe counts as a debugger. */
  private session(fn: () => void): void {
    const bus = this.machine.bus;
    const wasAttached = this.flash.debuggerAttached;
    if (this.options.asDebugger ?? true) this.flash.debuggerAttached = true;
    try {
      const cr = this.regs + FLASH_REG.CR;
      if (bus.read32(cr) & CR.LOCK) {
        bus.write32(this.regs + FLASH_REG.KEYR, FLASH_KEY1);
        bus.write32(this.regs + FLASH_REG.KEYR, FLASH_KEY2);
      }
      bus.write32(this.regs + FLASH_REG.SR, SR.ERRORS | SR.EOP | SR.OPERR);
      fn();
      bus.write32(cr, CR.LOCK);
    } finally {
      this.flash.debuggerAttached = wasAttached;
    }
  }

  private writeCr(value: number): void {
    this.machine.bus.write32(this.regs + FLASH_REG.CR, value);
  }

  /** Polls BSY (firing due alarms between polls, as time passes), then checks the error flags. */
  private wait(what: string): void {
    const bus = this.machine.bus;
    const sr = this.regs + FLASH_REG.SR;
    let status: number;
    while ((status = bus.read32(sr)) & SR.BSY) this.machine.scheduler.fireDue();
    if (status & SR.ERRORS) {
      bus.write32(sr, SR.ERRORS);
      throw this.error(`${what} failed: FLASH_SR ${errorFlagNames(status).join(', ')}`);
    }
  }

  /** A refusal about the chip, named after the target. */
  private error(message: string): UserError {
    return new UserError(this.options.target ? `${this.options.target}: ${message}` : message);
  }

  private progress(done: number, total: number, what: string): void {
    this.options.onProgress?.(Math.min(done, total), total, what);
  }
}

function sectorLabel(s: FlashSector): string {
  return `sector ${s.index} (${hex32(s.start)})`;
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Puts an image into the chip as a debug probe would before a run (`f4emu run --state`): erases the
 * sectors it touches, programs flash and OTP, verifies, stores RAM segments directly — as one durable
 * change of the state file when one is attached. Skip it to run what the state file holds (--no-load).
 */
export function programImage(machine: Machine, image: Image, options: ProgrammerOptions = {}): ProgramReport {
  const programmer = new FlashProgrammer(machine, options);
  const sink = flashInterfaceOf(machine).sink;
  const run = () => programmer.programImage(image, { ram: 'load' });
  return sink?.batch ? sink.batch(run) : run();
}

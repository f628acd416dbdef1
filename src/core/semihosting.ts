/**
 * ARM semihosting ("Semihosting for AArch32 and AArch64", ARM IHI 0081; ARM DUI 0471 ch. 8) as a
 * debugger would serve it: the firmware executes BKPT 0xAB with the operation in R0 and a parameter
 * (usually a pointer to a parameter block) in R1; the result comes back in R0 and execution continues
 * after the BKPT. `install()` hooks `cpu.onBkpt`; other BKPT immediates go to the previous hook (on
 * silicon with no debugger they escalate to HardFault, which the exception unit does).
 *
 * The host world (stdout, stdin, files) is reached only through `SemihostingHost`, so this file runs
 * in a browser too; src/host/semihosting-node.ts implements it for Node.
 *
 * Choices where the specification leaves room (the same as QEMU's unless noted):
 * - SYS_EXIT: reason ADP_Stopped_ApplicationExit → status 0, any other reason → status 1.
 *   SYS_EXIT_EXTENDED: ApplicationExit → its subcode, anything else → 1.
 * - ":semihosting-features" advertises SH_EXT_EXIT_EXTENDED and SH_EXT_STDOUT_STDERR, so newlib's
 *   exit(n) reports n through SYS_EXIT_EXTENDED and ":tt" opened for append (modes 8-11) is stderr.
 * - SYS_READ/SYS_READC on stdin with no input yet: the BKPT is re-executed later (`waitingForInput`,
 *   the run loop stops with 'stop' so the host can wait for input). At end of input SYS_READ returns
 *   "0 bytes read" and SYS_READC returns -1; the program goes on.
 * - Time: SYS_CLOCK counts centiseconds and SYS_ELAPSED nanoseconds (SYS_TICKFREQ = 1e9) of
 *   EMULATED time, so runs are deterministic; SYS_TIME is the host's wall clock.
 * - Files other than ":tt" and the features file exist only when the host has `files` (the CLI's
 *   --semihosting-fs DIR); without it SYS_OPEN fails with EACCES.
 * - A parameter block the firmware points at unmapped memory makes the call fail (-1, EFAULT).
 */
import { BusError } from '../bus/bus.js';
import { endOf, region } from '../device/stm32f407.js';
import type { ImageSymbol } from '../loaders/image.js';
import type { CortexM4 } from './cpu.js';

/** Operation numbers (R0). */
export const SYS = {
  OPEN: 0x01,
  CLOSE: 0x02,
  WRITEC: 0x03,
  WRITE0: 0x04,
  WRITE: 0x05,
  READ: 0x06,
  READC: 0x07,
  ISERROR: 0x08,
  ISTTY: 0x09,
  SEEK: 0x0a,
  FLEN: 0x0c,
  CLOCK: 0x10,
  TIME: 0x11,
  ERRNO: 0x13,
  GET_CMDLINE: 0x15,
  HEAPINFO: 0x16,
  EXIT: 0x18,
  EXIT_EXTENDED: 0x20,
  ELAPSED: 0x30,
  TICKFREQ: 0x31,
} as const;

/** The BKPT immediate that means "semihosting call" in Thumb state. */
export const SEMIHOSTING_BKPT = 0xab;
/** SYS_EXIT reason for a normal end of program. */
export const ADP_STOPPED_APPLICATION_EXIT = 0x20026;
/** SYS_ELAPSED ticks per second: nanoseconds of emulated time. */
export const TICK_FREQUENCY = 1_000_000_000;

/** errno values as newlib numbers them (what SYS_ERRNO returns to the firmware). */
export const ERRNO = {
  ENOENT: 2,
  EIO: 5,
  EBADF: 9,
  EACCES: 13,
  EFAULT: 14,
  EEXIST: 17,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENOSPC: 28,
  ENOSYS: 88,
} as const;

/** The feature bytes: magic "SHFB" then bit 0 EXIT_EXTENDED, bit 1 STDOUT_STDERR. */
const FEATURES = new Uint8Array([0x53, 0x48, 0x46, 0x42, 0b11]);
const FEATURES_NAME = ':semihosting-features';
/** Longest string read from firmware memory (a missing NUL must not hang the host). */
const MAX_STRING = 64 * 1024;

/** fopen() modes in the order of SYS_OPEN's mode numbers (0-11); the "b" variants behave the same. */
export type OpenMode = 'r' | 'r+' | 'w' | 'w+' | 'a' | 'a+';
const OPEN_MODES: readonly OpenMode[] = ['r', 'r', 'r+', 'r+', 'w', 'w', 'w+', 'w+', 'a', 'a', 'a+', 'a+'];

/** A host failure with the errno the firmware should see. Hosts throw it from file operations. */
export class SemihostingError extends Error {
  constructor(readonly errno: number) {
    super(`semihosting host error ${errno}`);
  }
}

/** An open host file. Positions are absolute byte offsets. */
export interface SemihostingFile {
  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  read(length: number, position: number): Uint8Array;
  write(bytes: Uint8Array, position: number): void;
  length(): number;
  close(): void;
}

/** The host's file system as the firmware may see it (paths are the firmware's, relative to a root the host chose). */
export interface SemihostingFiles {
  /** Opens a file; throws SemihostingError (e.g. EACCES for a path outside the root, ENOENT). */
  open(path: string, mode: OpenMode): SemihostingFile;
}

/** What semihosting needs of the world outside the chip. */
export interface SemihostingHost {
  /** Console output: 1 = stdout, 2 = stderr. */
  write(fd: 1 | 2, bytes: Uint8Array): void;
  /** Console input: up to `max` bytes available now; an empty array at end of input; null when none yet. */
  read(max: number): Uint8Array | null;
  /** File access; absent means "no files" (SYS_OPEN of a path → EACCES). */
  readonly files?: SemihostingFiles;
  /** Seconds since 1970-01-01 (SYS_TIME). Default: 0. */
  time?(): number;
}

export interface SemihostingOptions {
  /** Image symbols: SYS_HEAPINFO uses end/_end/__end__, __HeapLimit, __StackTop/_estack, __StackLimit. */
  readonly symbols?: readonly ImageSymbol[];
  /** What SYS_GET_CMDLINE returns (e.g. the image's file name). */
  readonly commandLine?: string;
}

type Handle =
  | { readonly kind: 'stdin' | 'stdout' | 'stderr' }
  | { readonly kind: 'features'; position: number }
  | { readonly kind: 'file'; readonly file: SemihostingFile; readonly mode: OpenMode; position: number };

/** Thrown internally when a parameter block cannot be read or written. */
class BadPointer {}
const BAD_POINTER = new BadPointer();

export class Semihosting {
  /** The exit status the firmware asked for (SYS_EXIT / SYS_EXIT_EXTENDED), or null while it runs. */
  exitCode: number | null = null;
  /** True while a SYS_READ/SYS_READC waits for console input (the BKPT will run again). */
  waitingForInput = false;
  private errno = 0;
  private readonly handles = new Map<number, Handle>();
  private nextHandle = 1;

  constructor(
    readonly cpu: CortexM4,
    readonly host: SemihostingHost,
    private readonly options: SemihostingOptions = {},
  ) {}

  /** Serves BKPT 0xAB from now on; other BKPTs go to the hook that was there before. */
  install(): void {
    const previous = this.cpu.onBkpt;
    this.cpu.onBkpt = (imm) => (imm === SEMIHOSTING_BKPT ? this.call() : previous(imm));
  }

  /** Performs the operation in R0 with the parameter in R1; puts the result in R0. Returns true (consumed). */
  call(): boolean {
    const cpu = this.cpu;
    const op = cpu.r[0] >>> 0;
    const arg = cpu.r[1] >>> 0;
    this.waitingForInput = false;
    let result: number;
    try {
      result = this.dispatch(op, arg);
    } catch (e) {
      if (!(e instanceof BadPointer) && !(e instanceof BusError)) throw e;
      result = this.fail(ERRNO.EFAULT);
    }
    if (this.waitingForInput) {
      // Run the same BKPT again once the host has input; leave R0/R1 as they are.
      cpu.npc = cpu.pc;
      cpu.stopRequest = 'stop';
      cpu.attention();
      return true;
    }
    cpu.r[0] = result | 0;
    return true;
  }

  private dispatch(op: number, arg: number): number {
    switch (op) {
      case SYS.OPEN: return this.open(arg);
      case SYS.CLOSE: return this.close(this.word(arg));
      case SYS.WRITEC: return this.console(1, new Uint8Array([this.byte(arg)]));
      case SYS.WRITE0: return this.console(1, this.cString(arg));
      case SYS.WRITE: return this.write(this.word(arg), this.word(arg + 4), this.word(arg + 8));
      case SYS.READ: return this.read(this.word(arg), this.word(arg + 4), this.word(arg + 8));
      case SYS.READC: return this.readChar();
      case SYS.ISERROR: return (this.word(arg) | 0) < 0 ? 1 : 0;
      case SYS.ISTTY: return this.isTty(this.word(arg));
      case SYS.SEEK: return this.seek(this.word(arg), this.word(arg + 4));
      case SYS.FLEN: return this.flen(this.word(arg));
      case SYS.CLOCK: return Math.floor(this.cpu.scheduler.nowNs() / 10_000_000);
      case SYS.TIME: return Math.floor(this.host.time?.() ?? 0);
      case SYS.ERRNO: return this.errno;
      case SYS.GET_CMDLINE: return this.commandLine(arg);
      case SYS.HEAPINFO: return this.heapInfo(this.word(arg));
      case SYS.EXIT: return this.exit(arg === ADP_STOPPED_APPLICATION_EXIT ? 0 : 1);
      case SYS.EXIT_EXTENDED: return this.exit(this.word(arg) === ADP_STOPPED_APPLICATION_EXIT ? this.word(arg + 4) | 0 : 1);
      case SYS.ELAPSED: return this.elapsed(arg);
      case SYS.TICKFREQ: return TICK_FREQUENCY;
      default: return this.fail(ERRNO.ENOSYS);
    }
  }

  // ---- Firmware memory (through the bus, as a debugger reads it) -------------------------------

  private word(address: number): number {
    return this.cpu.bus.read32(address) >>> 0;
  }

  private byte(address: number): number {
    return this.cpu.bus.read8(address);
  }

  private bytes(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.cpu.bus.read8(address + i);
    return out;
  }

  private store(address: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.cpu.bus.write8(address + i, bytes[i]);
  }

  private storeWord(address: number, value: number): void {
    this.cpu.bus.write32(address, value | 0);
  }

  private cString(address: number): Uint8Array {
    let n = 0;
    while (this.byte(address + n) !== 0) if (++n > MAX_STRING) throw BAD_POINTER;
    return this.bytes(address, n);
  }

  private fail(errno: number): number {
    this.errno = errno;
    return -1;
  }

  // ---- Operations --------------------------------------------------------------------------------

  private allocate(handle: Handle): number {
    const n = this.nextHandle++;
    this.handles.set(n, handle);
    return n;
  }

  /** SYS_OPEN: block {name, mode 0-11, name length}. */
  private open(block: number): number {
    const name = new TextDecoder().decode(this.bytes(this.word(block), this.word(block + 8)));
    const modeNumber = this.word(block + 4);
    if (modeNumber >= OPEN_MODES.length) return this.fail(ERRNO.EINVAL);
    if (name === ':tt') return this.allocate({ kind: modeNumber < 4 ? 'stdin' : modeNumber < 8 ? 'stdout' : 'stderr' });
    if (name === FEATURES_NAME) return modeNumber < 2 ? this.allocate({ kind: 'features', position: 0 }) : this.fail(ERRNO.EACCES);
    const files = this.host.files;
    if (!files) return this.fail(ERRNO.EACCES);
    const mode = OPEN_MODES[modeNumber];
    try {
      return this.allocate({ kind: 'file', file: files.open(name, mode), mode, position: 0 });
    } catch (e) {
      if (e instanceof SemihostingError) return this.fail(e.errno);
      throw e;
    }
  }

  private close(handle: number): number {
    const h = this.handles.get(handle);
    if (!h) return this.fail(ERRNO.EBADF);
    this.handles.delete(handle);
    if (h.kind === 'file') return this.hostCall(() => (h.file.close(), 0));
    return 0;
  }

  private console(fd: 1 | 2, bytes: Uint8Array): number {
    this.host.write(fd, bytes);
    return 0;
  }

  /** SYS_WRITE: returns the number of bytes NOT written. */
  private write(handle: number, buffer: number, length: number): number {
    const h = this.handles.get(handle);
    if (!h || h.kind === 'stdin' || h.kind === 'features' || (h.kind === 'file' && h.mode === 'r')) {
      this.errno = ERRNO.EBADF;
      return length;
    }
    const data = this.bytes(buffer, length);
    if (h.kind !== 'file') return this.console(h.kind === 'stdout' ? 1 : 2, data);
    const f = h;
    const done = this.hostCall(() => {
      const at = f.mode === 'a' || f.mode === 'a+' ? f.file.length() : f.position;
      f.file.write(data, at);
      f.position = at + data.length;
      return 0;
    });
    return done === 0 ? 0 : length;
  }

  /** SYS_READ: returns the number of bytes NOT read (length = end of file). */
  private read(handle: number, buffer: number, length: number): number {
    const h = this.handles.get(handle);
    if (!h || h.kind === 'stdout' || h.kind === 'stderr' || (h.kind === 'file' && (h.mode === 'w' || h.mode === 'a'))) {
      this.errno = ERRNO.EBADF;
      return -1;
    }
    let data: Uint8Array;
    if (h.kind === 'stdin') {
      const got = this.host.read(length);
      if (got === null) {
        this.waitingForInput = true;
        return 0;
      }
      data = got;
    } else if (h.kind === 'features') {
      data = FEATURES.subarray(Math.min(h.position, FEATURES.length), Math.min(h.position + length, FEATURES.length));
      h.position += data.length;
    } else {
      const f = h as Extract<Handle, { kind: 'file' }>;
      const got = this.hostCall(() => f.file.read(length, f.position));
      if (typeof got === 'number') return -1;
      data = got;
      f.position += data.length;
    }
    this.store(buffer, data.subarray(0, length));
    return length - Math.min(length, data.length);
  }

  private readChar(): number {
    const got = this.host.read(1);
    if (got === null) {
      this.waitingForInput = true;
      return 0;
    }
    return got.length > 0 ? got[0] : -1;
  }

  private isTty(handle: number): number {
    const h = this.handles.get(handle);
    if (!h) return this.fail(ERRNO.EBADF);
    return h.kind === 'stdin' || h.kind === 'stdout' || h.kind === 'stderr' ? 1 : 0;
  }

  private seek(handle: number, position: number): number {
    const h = this.handles.get(handle);
    if (!h) return this.fail(ERRNO.EBADF);
    if (h.kind !== 'file' && h.kind !== 'features') return this.fail(ERRNO.EINVAL);
    h.position = position;
    return 0;
  }

  private flen(handle: number): number {
    const h = this.handles.get(handle);
    if (!h) return this.fail(ERRNO.EBADF);
    if (h.kind === 'features') return FEATURES.length;
    if (h.kind !== 'file') return 0;
    return this.hostCall(() => h.file.length());
  }

  /** SYS_GET_CMDLINE: block {buffer, size}; writes the NUL-terminated command line and its length. */
  private commandLine(block: number): number {
    const text = new TextEncoder().encode(this.options.commandLine ?? '');
    const buffer = this.word(block);
    const size = this.word(block + 4);
    if (text.length + 1 > size) return this.fail(ERRNO.EINVAL);
    this.store(buffer, text);
    this.store(buffer + text.length, new Uint8Array(1));
    this.storeWord(block + 4, text.length);
    return 0;
  }

  /**
   * SYS_HEAPINFO: R1 points at a pointer to {heap base, heap limit, stack base, stack limit}. From the
   * image's symbols when present; otherwise heap base 0 (newlib then uses its own `end`), limits from
   * SRAM1+SRAM2 (contiguous, RM0090 §2.3.1).
   */
  private heapInfo(block: number): number {
    const dev = this.cpu.bus.device;
    const sym = (...names: string[]): number | undefined => {
      for (const n of names) {
        const s = this.options.symbols?.find((x) => x.name === n);
        if (s) return s.value >>> 0;
      }
      return undefined;
    };
    const ramStart = region(dev, 'sram1').start;
    const ramTop = endOf(region(dev, 'sram2')) + 1;
    const stackBase = sym('__StackTop', '_estack', '__stack') ?? ramTop;
    this.storeWord(block, sym('end', '_end', '__end__') ?? 0);
    this.storeWord(block + 4, sym('__HeapLimit', '__heap_limit') ?? stackBase);
    this.storeWord(block + 8, stackBase);
    this.storeWord(block + 12, sym('__StackLimit', '__stack_limit') ?? ramStart);
    return 0;
  }

  private exit(status: number): number {
    this.exitCode = status;
    this.cpu.stopRequest = 'exit';
    this.cpu.attention();
    return 0;
  }

  /** SYS_ELAPSED: R1 points at two words that receive the 64-bit tick count (low word first). */
  private elapsed(block: number): number {
    const ticks = Math.floor(this.cpu.scheduler.nowNs());
    this.storeWord(block, ticks % 0x1_0000_0000);
    this.storeWord(block + 4, Math.floor(ticks / 0x1_0000_0000));
    return 0;
  }

  /** Runs a host file operation; a SemihostingError becomes -1 with its errno. */
  private hostCall<T>(f: () => T): T | -1 {
    try {
      return f();
    } catch (e) {
      if (e instanceof SemihostingError) return this.fail(e.errno) as -1;
      throw e;
    }
  }
}

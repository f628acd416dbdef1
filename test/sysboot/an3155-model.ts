/**
 * An executable specification of what sysboot answers and changes, for the fuzz test: AN3155 v3.1 as
 * the F40x bootloader V3.1 speaks it (see firmware/sysboot/main.c's header for the choices where the
 * application notes are silent), with flash, OTP, option bytes and host RAM as the flash interface
 * would leave them. Fed the same bytes as the emulated chip, it must produce the same bytes and the same
 * memory; written independently of the firmware, from the protocol, so that each checks the other.
 *
 * The parser is a generator that pulls one host byte per `yield`, so it reads like the protocol.
 */
import { type DeviceDescription, region } from '../../src/device/stm32f407.js';
import { type OptionBytes, encodeOptionBytes, optionBytesFromOptcr, optcrFromOptionBytes, rdpLevel } from '../../src/flash/option-bytes.js';
import { OTP_BLOCK_SIZE } from '../../src/flash/otp.js';
import type { Machine } from '../../src/machine.js';
import { BOOTLOADER_RAM_BYTES } from '../../src/system-memory.js';
import { ACK, CMD, NACK, SYNC } from '../e2e/an3155-client.js';

/** How a command ended the session: the chip resets, or runs an application (Go). */
export type SessionEnd = 'reset' | 'go';

type AreaKind = 'flash' | 'ram' | 'otp' | 'otp-lock' | 'options' | 'rom';
interface Area {
  readonly kind: AreaKind;
  readonly start: number;
  readonly end: number;
}

type Parser = Generator<void, SessionEnd, number>;

const SUPPORTED = [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92];
const VERSION = 0x31;
const PID = 0x0413;

/** Byte ranges a model or the chip changed, per memory. */
export type Touched = Map<'flash' | 'otp' | 'otp-lock' | 'ram', Array<[number, number]>>;

export class An3155Model {
  readonly out: number[] = [];
  /** Set when the last bytes ended the session (a reset or Go); cleared by `restart`. */
  ended: SessionEnd | null = null;
  /** Ranges (offsets in each memory) written since `takeTouched`. */
  touched: Touched = new Map();

  readonly flash: Uint8Array;
  readonly otp: Uint8Array;
  readonly otpLock: Uint8Array;
  /** SRAM from the end of the bootloader's 8 KB to the end of SRAM2. */
  readonly ram: Uint8Array;
  ob: OptionBytes;

  private readonly areas: Area[];
  private readonly ramStart: number;
  private readonly sectors: readonly { start: number; size: number }[];
  private synced = false;
  private inCommand = false;
  private parser: Parser;

  /** Copies the chip's memories as they are now. */
  constructor(
    readonly device: DeviceDescription,
    private readonly machine: Machine,
    ob: OptionBytes,
  ) {
    const bus = machine.bus;
    this.flash = bus.view('flash').slice();
    this.otp = bus.view('otp').slice();
    this.otpLock = bus.view('otp-lock').slice();
    const sram = region(device, 'sram1').start;
    this.ramStart = sram + BOOTLOADER_RAM_BYTES;
    const ramEnd = region(device, 'sram2').start + region(device, 'sram2').size;
    this.ram = Uint8Array.from({ length: ramEnd - this.ramStart }, (_, i) => bus.read8(this.ramStart + i));
    this.ob = ob;
    this.sectors = device.flashSectors;
    const at = (name: string, kind: AreaKind): Area => {
      const r = region(device, name);
      return { kind, start: r.start, end: r.start + r.size };
    };
    this.areas = [
      at('flash', 'flash'),
      { kind: 'ram', start: this.ramStart, end: ramEnd },
      at('system', 'rom'),
      at('otp', 'otp'),
      at('otp-lock', 'otp-lock'),
      at('uid', 'rom'),
      at('flash-size', 'rom'),
      at('option-bytes', 'options'),
    ];
    this.parser = this.session();
    this.parser.next();
  }

  get rdp(): number {
    return rdpLevel(this.ob.rdp);
  }

  /** Feeds host bytes; returns what the bootloader answers. Bytes after the end of a session are not consumed. */
  feed(bytes: ArrayLike<number>): { answer: number[]; consumed: number } {
    const start = this.out.length;
    let i = 0;
    for (; i < bytes.length && !this.ended; i++) {
      const r = this.parser.next(bytes[i] & 0xff);
      if (r.done) this.ended = r.value;
    }
    return { answer: this.out.splice(start), consumed: i };
  }

  /** The host stayed silent long enough: a command in progress is dropped (sysboot's timeout). */
  expireTimeouts(): void {
    if (!this.inCommand) return;
    this.inCommand = false;
    this.parser = this.commands();
    this.parser.next();
  }

  /** After a reset: the bootloader starts over, waiting for 0x7F. */
  restart(): void {
    this.ended = null;
    this.synced = false;
    this.inCommand = false;
    this.parser = this.session();
    this.parser.next();
  }

  takeTouched(): Touched {
    const t = this.touched;
    this.touched = new Map();
    return t;
  }

  // ---- The protocol ----------------------------------------------------------------------------------

  private *session(): Parser {
    while (!this.synced) if ((yield) === SYNC) this.synced = true;
    this.out.push(ACK);
    return yield* this.commands();
  }

  private *commands(): Parser {
    for (;;) {
      const code: number = yield;
      const complement: number = yield;
      if ((code ^ complement) !== 0xff) {
        this.out.push(NACK);
        continue;
      }
      this.inCommand = true;
      const end = yield* this.command(code);
      this.inCommand = false;
      if (end) return end;
    }
  }

  private allowed(code: number): boolean {
    if (code === CMD.GET || code === CMD.GET_VERSION || code === CMD.GET_ID) return true;
    return this.rdp === 0 || (this.rdp === 1 && code === CMD.READOUT_UNPROTECT);
  }

  private *command(code: number): Generator<void, SessionEnd | undefined, number> {
    if (!this.allowed(code)) {
      this.out.push(NACK);
      if (code === CMD.READ_MEMORY || code === CMD.WRITE_MEMORY) this.out.push(NACK);
      return undefined;
    }
    switch (code) {
      case CMD.GET:
        this.out.push(ACK, SUPPORTED.length, VERSION, ...SUPPORTED, ACK);
        return undefined;
      case CMD.GET_VERSION:
        this.out.push(ACK, VERSION, 0, 0, ACK);
        return undefined;
      case CMD.GET_ID:
        this.out.push(ACK, 1, PID >> 8, PID & 0xff, ACK);
        return undefined;
      case CMD.READ_MEMORY:
        return yield* this.readMemory();
      case CMD.GO:
        return yield* this.go();
      case CMD.WRITE_MEMORY:
        return yield* this.writeMemory();
      case CMD.EXTENDED_ERASE:
        return yield* this.extendedErase();
      case CMD.WRITE_PROTECT:
        return yield* this.writeProtect();
      case CMD.WRITE_UNPROTECT:
        this.out.push(ACK);
        this.programOptions({ ...this.ob, nWrp: 0xfff });
        this.out.push(ACK);
        return 'reset';
      case CMD.READOUT_PROTECT:
        this.out.push(ACK);
        this.programOptions({ ...this.ob, rdp: 0x55 });
        this.out.push(ACK);
        return 'reset';
      case CMD.READOUT_UNPROTECT:
        this.out.push(ACK);
        if (this.rdp === 0) this.massErase(true);
        else this.massErase(false);
        this.programOptions({ ...this.ob, rdp: 0xaa });
        this.ram.fill(0);
        this.touch('ram', 0, this.ram.length);
        this.out.push(ACK);
        return 'reset';
      default:
        this.out.push(NACK);
        return undefined;
    }
  }

  /** Four address bytes and their XOR; null after a NACK for a bad checksum. */
  private *address(): Generator<void, number | null, number> {
    let a = 0;
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      const b: number = yield;
      a = ((a << 8) | b) >>> 0;
      sum ^= b;
    }
    if ((yield) !== sum) {
      this.out.push(NACK);
      return null;
    }
    return a;
  }

  /** ACK, the address, then ACK if `ok` accepts it (else NACK and null): how Read, Go and Write start. */
  private *checkedAddress(ok: (address: number) => boolean): Generator<void, number | null, number> {
    this.out.push(ACK);
    const address = yield* this.address();
    if (address === null) return null;
    if (!ok(address)) {
      this.out.push(NACK);
      return null;
    }
    this.out.push(ACK);
    return address;
  }

  private *readMemory(): Generator<void, undefined, number> {
    const address = yield* this.checkedAddress((a) => this.covered(a, 1, false));
    if (address === null) return undefined;
    const n: number = yield;
    const complement: number = yield;
    if ((n ^ complement) !== 0xff || !this.covered(address, n + 1, false)) return void this.out.push(NACK);
    this.out.push(ACK);
    for (let i = 0; i <= n; i++) this.out.push(this.read(address + i));
    return undefined;
  }

  private *go(): Generator<void, SessionEnd | undefined, number> {
    const executable = (a: number): boolean => ['flash', 'ram'].includes(this.areaAt(a)?.kind ?? '') && this.covered(a, 8, false);
    return (yield* this.checkedAddress(executable)) === null ? undefined : 'go';
  }

  private *writeMemory(): Generator<void, SessionEnd | undefined, number> {
    const address = yield* this.checkedAddress((a) => this.covered(a, 1, true));
    if (address === null) return undefined;
    const n: number = yield;
    let sum = n;
    const data: number[] = [];
    for (let i = 0; i <= n; i++) {
      const b: number = yield;
      data.push(b);
      sum ^= b;
    }
    const checksum: number = yield;
    if (checksum !== sum || data.length % 4 !== 0 || !this.covered(address, data.length, true)) return void this.out.push(NACK);
    const reset = this.write(address, data);
    this.out.push(ACK);
    return reset ? 'reset' : undefined;
  }

  private *extendedErase(): Generator<void, undefined, number> {
    this.out.push(ACK);
    const high: number = yield;
    const low: number = yield;
    const n = (high << 8) | low;
    let sum = high ^ low;
    if ((n & 0xfff0) === 0xfff0) {
      const checksum: number = yield;
      if (checksum !== sum || n !== 0xffff) return void this.out.push(NACK);
      this.massErase(true);
      return void this.out.push(ACK);
    }
    const list: number[] = [];
    let valid = true;
    for (let i = 0; i <= n; i++) {
      const h: number = yield;
      const l: number = yield;
      sum ^= h ^ l;
      const sector = (h << 8) | l;
      if (sector < this.sectors.length) list.push(sector);
      else valid = false;
    }
    const checksum: number = yield;
    if (checksum !== sum || !valid) return void this.out.push(NACK);
    for (const s of new Set(list)) this.eraseSector(s);
    return void this.out.push(ACK);
  }

  private *writeProtect(): Generator<void, SessionEnd | undefined, number> {
    this.out.push(ACK);
    const n: number = yield;
    let sum = n;
    let protect = 0;
    for (let i = 0; i <= n; i++) {
      const s: number = yield;
      sum ^= s;
      if (s < this.sectors.length) protect |= 1 << s;
    }
    if ((yield) !== sum) return void this.out.push(NACK);
    this.programOptions({ ...this.ob, nWrp: ~protect & 0xfff });
    this.out.push(ACK);
    return 'reset';
  }

  // ---- Memory ----------------------------------------------------------------------------------------

  private areaAt(address: number): Area | undefined {
    return this.areas.find((a) => address >= a.start && address < a.end);
  }

  private covered(address: number, length: number, writing: boolean): boolean {
    let a = address;
    let left = length;
    while (left > 0) {
      const area = this.areaAt(a);
      if (!area || (writing && area.kind === 'rom')) return false;
      const chunk = area.end - a;
      if (chunk >= left) return true;
      a = area.end;
      left -= chunk;
    }
    return true;
  }

  private read(address: number): number {
    const area = this.areaAt(address)!;
    const offset = address - area.start;
    switch (area.kind) {
      case 'flash':
        return this.flash[offset];
      case 'ram':
        return this.ram[offset];
      case 'otp':
        return this.otp[offset];
      case 'otp-lock':
        return this.otpLock[offset];
      case 'options':
        return encodeOptionBytes(this.ob)[offset];
      case 'rom':
        return this.machine.bus.read8(address); // system memory and signature words never change
    }
  }

  /** Writes a checked range area by area; true when it reached the option bytes (a reset follows). */
  private write(address: number, data: number[]): boolean {
    let options = false;
    let done = 0;
    while (done < data.length) {
      const a = address + done;
      const area = this.areaAt(a)!;
      const chunk = data.slice(done, done + Math.min(area.end - a, data.length - done));
      const offset = a - area.start;
      if (area.kind === 'ram') {
        this.ram.set(chunk, offset);
        this.touch('ram', offset, chunk.length);
      } else if (area.kind === 'flash' || area.kind === 'otp' || area.kind === 'otp-lock') {
        this.program(area.kind, offset, chunk);
      } else if (area.kind === 'options') {
        const ob = encodeOptionBytes(this.ob);
        ob.set(chunk, offset);
        const optcr = (((ob[8] | (ob[9] << 8)) & 0xfff) << 16) | (ob[1] << 8) | (ob[0] & 0xec);
        this.programOptions(optionBytesFromOptcr(optcr >>> 0));
        options = true;
      }
      done += chunk.length;
    }
    return options;
  }

  /** x8 programming, stopping at the first byte the flash interface refuses (WRPERR). */
  private program(kind: 'flash' | 'otp' | 'otp-lock', offset: number, bytes: number[]): void {
    const memory = kind === 'flash' ? this.flash : kind === 'otp' ? this.otp : this.otpLock;
    for (let i = 0; i < bytes.length; i++) {
      const at = offset + i;
      if (kind === 'flash' && this.isProtected(this.sectorOf(at))) break;
      if (kind === 'otp' && this.otpLock[Math.floor(at / OTP_BLOCK_SIZE)] === 0) break;
      memory[at] &= bytes[i];
      this.touch(kind, at, 1);
    }
  }

  private sectorOf(offset: number): number {
    const address = region(this.device, 'flash').start + offset;
    return this.sectors.findIndex((s) => address >= s.start && address < s.start + s.size);
  }

  private isProtected(sector: number): boolean {
    return (this.ob.nWrp & (1 << sector)) === 0;
  }

  private eraseSector(sector: number): void {
    if (this.isProtected(sector)) return;
    const s = this.sectors[sector];
    const offset = s.start - region(this.device, 'flash').start;
    this.flash.fill(0xff, offset, offset + s.size);
    this.touch('flash', offset, s.size);
  }

  /** MER: refused when any sector is write-protected, unless it is the RDP 1 → 0 regression (`respectWrp` false). */
  private massErase(respectWrp: boolean): void {
    if (respectWrp && this.sectors.some((_, i) => this.isProtected(i))) return;
    this.flash.fill(0xff);
    this.touch('flash', 0, this.flash.length);
  }

  private programOptions(ob: OptionBytes): void {
    this.ob = optionBytesFromOptcr(optcrFromOptionBytes(ob));
  }

  private touch(memory: 'flash' | 'otp' | 'otp-lock' | 'ram', offset: number, length: number): void {
    const list = this.touched.get(memory) ?? [];
    const last = list[list.length - 1];
    if (last && last[0] + last[1] === offset) last[1] += length;
    else list.push([offset, length]);
    this.touched.set(memory, list);
  }
}

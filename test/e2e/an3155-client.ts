/**
 * A small host for ST's USART bootloader protocol (AN3155 v3.1), as stm32flash speaks it, over any
 * byte link: a TCP socket to `f4emu run --usart1 tcp:PORT` (tcpLink) or an in-process USART (the
 * sysboot tests' harness). The frame builders are exported on their own for tests that send broken
 * frames on purpose.
 *
 *   const client = new An3155Client(await tcpLink(port));
 *   await client.connect();                     // 0x7F → ACK (or NACK: already synchronised)
 *   const pid = await client.getId();           // 0x0413
 *   await client.write(0x0800_0000, bytes);     // Write Memory, 256 bytes at a time
 */
import * as net from 'node:net';

export const ACK = 0x79;
export const NACK = 0x1f;
export const SYNC = 0x7f;

/** AN3155 command codes. */
export const CMD = {
  GET: 0x00,
  GET_VERSION: 0x01,
  GET_ID: 0x02,
  READ_MEMORY: 0x11,
  GO: 0x21,
  WRITE_MEMORY: 0x31,
  ERASE: 0x43,
  EXTENDED_ERASE: 0x44,
  WRITE_PROTECT: 0x63,
  WRITE_UNPROTECT: 0x73,
  READOUT_PROTECT: 0x82,
  READOUT_UNPROTECT: 0x92,
} as const;

/** Largest Read/Write Memory block. */
export const BLOCK = 256;

// ---- Frames (AN3155 §2-3) -------------------------------------------------------------------------

export function xor(bytes: ArrayLike<number>): number {
  let x = 0;
  for (let i = 0; i < bytes.length; i++) x ^= bytes[i];
  return x & 0xff;
}

/** A command code and its complement. */
export function commandFrame(code: number): number[] {
  return [code & 0xff, ~code & 0xff];
}

/** A 4-byte address, MSB first, and its XOR checksum. */
export function addressFrame(address: number): number[] {
  const a = [(address >>> 24) & 0xff, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff];
  return [...a, xor(a)];
}

/** Read Memory's byte count: N − 1 and its complement. */
export function countFrame(length: number): number[] {
  return [(length - 1) & 0xff, ~(length - 1) & 0xff];
}

/** Write Memory's data: N − 1, the bytes, XOR of both. */
export function dataFrame(data: ArrayLike<number>): number[] {
  const body = [(data.length - 1) & 0xff, ...Array.from(data, (b) => b & 0xff)];
  return [...body, xor(body)];
}

/** Extended Erase's argument: sector numbers, or a special code (0xFFFF mass, 0xFFFE bank 1, 0xFFFD bank 2). */
export function eraseFrame(sectors: readonly number[] | { special: number }): number[] {
  if (!Array.isArray(sectors)) {
    const code = (sectors as { special: number }).special;
    const b = [(code >> 8) & 0xff, code & 0xff];
    return [...b, xor(b)];
  }
  const n = sectors.length - 1;
  const body = [(n >> 8) & 0xff, n & 0xff, ...sectors.flatMap((s) => [(s >> 8) & 0xff, s & 0xff])];
  return [...body, xor(body)];
}

/** Write Protect's argument: N − 1, the sector numbers, XOR of both. */
export function protectFrame(sectors: readonly number[]): number[] {
  const body = [(sectors.length - 1) & 0xff, ...sectors.map((s) => s & 0xff)];
  return [...body, xor(body)];
}

// ---- Links -----------------------------------------------------------------------------------------

/** A byte pipe to the bootloader. `read` resolves with exactly `n` bytes or rejects with TimeoutError. */
export interface ByteLink {
  write(bytes: ArrayLike<number>): void;
  read(n: number, timeoutMs: number): Promise<Uint8Array>;
  close(): void;
}

export class TimeoutError extends Error {
  constructor(what: string) {
    super(`timed out waiting for ${what}`);
  }
}

/** The bootloader answered NACK (or something else) where the protocol wants ACK. */
export class NackError extends Error {
  constructor(
    readonly step: string,
    readonly byte: number,
  ) {
    super(`${step}: ${byte === NACK ? 'NACK' : `0x${byte.toString(16).padStart(2, '0')} instead of ACK`}`);
  }
}

/** Buffers bytes from an event source and serves `read(n)` requests in order. */
export class ByteQueue {
  private bytes: number[] = [];
  private waiter: { n: number; resolve: (b: Uint8Array) => void } | null = null;

  push(data: ArrayLike<number>): void {
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]);
    this.serve();
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Drops whatever arrived and was not read. */
  clear(): void {
    this.bytes = [];
  }

  read(n: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.waiter) return Promise.reject(new Error('ByteQueue: one read at a time'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new TimeoutError(`${n} byte(s) (got ${this.bytes.length})`));
      }, timeoutMs);
      this.waiter = {
        n,
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b);
        },
      };
      this.serve();
    });
  }

  private serve(): void {
    const w = this.waiter;
    if (!w || this.bytes.length < w.n) return;
    this.waiter = null;
    w.resolve(Uint8Array.from(this.bytes.splice(0, w.n)));
  }
}

/** Connects to a TCP port (f4emu's `--usartN tcp:PORT`). */
export function tcpLink(port: number, host = '127.0.0.1'): Promise<ByteLink & { socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    const queue = new ByteQueue();
    socket.setNoDelay(true);
    socket.on('data', (d) => queue.push(d));
    socket.once('error', reject);
    let closed = false;
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      socket.on('close', () => (closed = true));
      resolve({
        socket,
        write: (bytes) => void socket.write(Uint8Array.from(bytes)),
        read: (n, timeoutMs) => (closed && queue.length < n ? Promise.reject(new Error(`the connection to port ${port} is closed`)) : queue.read(n, timeoutMs)),
        close: () => socket.destroy(),
      });
    });
  });
}

// ---- The client ------------------------------------------------------------------------------------

export interface ClientOptions {
  /** How long to wait for an answer byte (default 2000 ms). */
  timeoutMs?: number;
  /** How long to wait for the end of an erase (default 60 s: a mass erase takes 16 s of emulated time). */
  eraseTimeoutMs?: number;
}

export class An3155Client {
  private readonly timeoutMs: number;
  private readonly eraseTimeoutMs: number;

  constructor(
    readonly link: ByteLink,
    options: ClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.eraseTimeoutMs = options.eraseTimeoutMs ?? 60_000;
  }

  /**
   * Synchronises as stm32flash does: 0x7F answered by ACK, or by NACK when the bootloader was already
   * synchronised and waiting for a complement; no answer at all means the 0x7F itself became a
   * command code, so a second 0x7F (a wrong complement) must draw the NACK. Returns what happened.
   */
  async connect(): Promise<'ack' | 'nack'> {
    this.link.write([SYNC]);
    try {
      return (await this.byte('sync')) === ACK ? 'ack' : 'nack';
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
    }
    this.link.write([SYNC]);
    const b = await this.byte('second sync');
    if (b !== NACK) throw new NackError('second sync (expected NACK)', b);
    return 'nack';
  }

  /** Get: protocol version and the supported command codes. */
  async get(): Promise<{ version: number; commands: number[] }> {
    await this.command(CMD.GET);
    const n = await this.byte('Get length');
    const body = await this.bytes(n + 1, 'Get reply');
    await this.ack('end of Get');
    return { version: body[0], commands: Array.from(body.subarray(1)) };
  }

  /** Get Version & Read Protection Status. */
  async getVersion(): Promise<{ version: number; option1: number; option2: number }> {
    await this.command(CMD.GET_VERSION);
    const [version, option1, option2] = await this.bytes(3, 'Get Version reply');
    await this.ack('end of Get Version');
    return { version, option1, option2 };
  }

  /** Get ID: the product ID (0x0413 on the F40x/41x). */
  async getId(): Promise<number> {
    await this.command(CMD.GET_ID);
    const n = await this.byte('Get ID length');
    const pid = await this.bytes(n + 1, 'Get ID reply');
    await this.ack('end of Get ID');
    return pid.reduce((v, b) => (v << 8) | b, 0);
  }

  /** Read Memory of up to 256 bytes. */
  async readMemory(address: number, length: number): Promise<Uint8Array> {
    await this.command(CMD.READ_MEMORY);
    this.link.write(addressFrame(address));
    await this.ack('Read Memory address');
    this.link.write(countFrame(length));
    await this.ack('Read Memory count');
    return this.bytes(length, 'Read Memory data');
  }

  /** Write Memory of up to 256 bytes (a multiple of 4). */
  async writeMemory(address: number, data: ArrayLike<number>): Promise<void> {
    await this.command(CMD.WRITE_MEMORY);
    this.link.write(addressFrame(address));
    await this.ack('Write Memory address');
    this.link.write(dataFrame(data));
    await this.ack('Write Memory data');
  }

  /** Reads any length, 256 bytes at a time. */
  async read(address: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    for (let done = 0; done < length; done += BLOCK) {
      out.set(await this.readMemory(address + done, Math.min(BLOCK, length - done)), done);
    }
    return out;
  }

  /** Writes any length, 256 bytes at a time, the last block padded with 0xFF to a multiple of 4 (as stm32flash). */
  async write(address: number, data: Uint8Array): Promise<void> {
    for (let done = 0; done < data.length; done += BLOCK) {
      const chunk = data.subarray(done, Math.min(data.length, done + BLOCK));
      const padded = new Uint8Array((chunk.length + 3) & ~3).fill(0xff);
      padded.set(chunk);
      await this.writeMemory(address + done, padded);
    }
  }

  /** Go: the bootloader jumps to the application whose vector table is at `address`. */
  async go(address: number): Promise<void> {
    await this.command(CMD.GO);
    this.link.write(addressFrame(address));
    await this.ack('Go address');
  }

  /** Extended Erase of sectors, or 'mass' (0xFFFF). */
  async erase(sectors: readonly number[] | 'mass'): Promise<void> {
    await this.command(CMD.EXTENDED_ERASE);
    this.link.write(eraseFrame(sectors === 'mass' ? { special: 0xffff } : sectors));
    await this.ack('Extended Erase', this.eraseTimeoutMs);
  }

  /** Write Protect: exactly these sectors become protected; the chip then resets (connect again). */
  async writeProtect(sectors: readonly number[]): Promise<void> {
    await this.command(CMD.WRITE_PROTECT);
    this.link.write(protectFrame(sectors));
    await this.ack('Write Protect', this.eraseTimeoutMs);
  }

  /** Write Unprotect; the chip then resets. */
  async writeUnprotect(): Promise<void> {
    await this.command(CMD.WRITE_UNPROTECT);
    await this.ack('Write Unprotect', this.eraseTimeoutMs);
  }

  /** Readout Protect (RDP level 1); the chip then resets. */
  async readoutProtect(): Promise<void> {
    await this.command(CMD.READOUT_PROTECT);
    await this.ack('Readout Protect', this.eraseTimeoutMs);
  }

  /** Readout Unprotect (mass erase, RDP level 0); the chip then resets. */
  async readoutUnprotect(): Promise<void> {
    await this.command(CMD.READOUT_UNPROTECT);
    await this.ack('Readout Unprotect', this.eraseTimeoutMs);
  }

  /** Sends a command code and its complement and waits for the ACK. */
  async command(code: number): Promise<void> {
    this.link.write(commandFrame(code));
    await this.ack(`command 0x${code.toString(16).padStart(2, '0')}`);
  }

  async ack(step: string, timeoutMs = this.timeoutMs): Promise<void> {
    const b = await this.byte(step, timeoutMs);
    if (b !== ACK) throw new NackError(step, b);
  }

  async byte(what: string, timeoutMs = this.timeoutMs): Promise<number> {
    return (await this.bytes(1, what, timeoutMs))[0];
  }

  async bytes(n: number, what: string, timeoutMs = this.timeoutMs): Promise<Uint8Array> {
    try {
      return await this.link.read(n, timeoutMs);
    } catch (e) {
      if (e instanceof TimeoutError) throw new TimeoutError(`${what} (${n} byte(s))`);
      throw e;
    }
  }
}

/**
 * The GDB remote serial protocol (GDB manual, appendix "Remote Protocol"), knowing no transport: bytes
 * from GDB go to `receive()`, bytes for GDB come out of `io.send()`. One RspSession serves one
 * connection; it frames and checks packets and dispatches them to an `RspTarget` (target.ts).
 *
 * - Framing: `$data#cc`, cc = the sum of the data bytes mod 256 in two hex digits. A packet that
 *   fails its checksum, or whose checksum is not two hex digits, is answered '-' (GDB sends it again);
 *   a good one '+' — until QStartNoAckMode, after which neither side acknowledges. A '-' from GDB
 *   makes the session send its last reply again (a bounded number of times).
 * - Binary data (X, vFlashWrite, qXfer replies) escapes '#', '$', '}' and '*' as '}' + (byte ^ 0x20).
 * - A 0x03 byte between packets is Ctrl-C: it interrupts a running target, which then stops with
 *   SIGINT.
 * - Bad input never throws and never hangs: a packet longer than PACKET_SIZE is read to its end and
 *   answered E01, lengths are clamped (m) or checked against the data (M, X, G), malformed arguments
 *   get E01, unknown packets the empty reply.
 *
 * Error numbers (GDB shows them, never interprets them): E01 malformed packet or argument, E02 memory
 * not accessible, E03 no such register, E04 breakpoint or watchpoint refused, E05 flash operation
 * refused. The reason goes to `io.log`.
 */

/** Largest packet (data bytes) accepted; advertised in qSupported. */
export const PACKET_SIZE = 0x4000;
/** Signals of stop replies (GDB's own numbering). */
export const SIGINT = 2;
export const SIGTRAP = 5;
/** The single thread the core is shown as. */
const THREAD = '1';
/** Consecutive '-' answered by sending the last reply again before giving up on it. */
const MAX_RETRANSMIT = 8;

export const ERROR = { MALFORMED: 'E01', MEMORY: 'E02', REGISTER: 'E03', POINT: 'E04', FLASH: 'E05' } as const;

/** Why the core stopped. */
export interface StopEvent {
  readonly signal: number;
  /** A watchpoint hit: its kind and the data address. */
  readonly watch?: { readonly kind: 'watch' | 'rwatch' | 'awatch'; readonly address: number };
  /** The program ended with this status (the reply is W, not T). */
  readonly exitCode?: number;
}

/** Z/z point types: 0 software breakpoint, 1 hardware breakpoint, 2 write, 3 read, 4 access watchpoint. */
export type PointType = 0 | 1 | 2 | 3 | 4;

/** What the protocol needs from the thing being debugged. Errors are one-line messages; null = done. */
export interface RspTarget {
  readonly targetXml: string;
  readonly memoryMapXml: string;
  /** Size in bytes of each register, by remote register number. */
  readonly registerSizes: readonly number[];
  /** A debugger takes the core (it halts); returns why it may not, or null. */
  attach(): string | null;
  /** The debugger leaves: points removed, the core runs. */
  detach(): void;
  readRegister(n: number): Uint8Array;
  writeRegister(n: number, value: Uint8Array): void;
  /** Up to `length` bytes: stops at the first byte that cannot be read (possibly none). */
  readMemory(address: number, length: number): Uint8Array;
  writeMemory(address: number, data: Uint8Array): string | null;
  insertPoint(type: PointType, address: number, kind: number): string | null;
  removePoint(type: PointType, address: number, kind: number): string | null;
  /** Lets the core run; `onStop` is called once when it stops (breakpoint, watchpoint, interrupt). */
  resume(onStop: (event: StopEvent) => void): void;
  /** Executes one instruction. */
  step(): StopEvent;
  /** Ctrl-C: a running core stops (its `onStop` gets SIGINT). */
  interrupt(): void;
  /** Why the core is stopped now (for '?'). */
  stopEvent(): StopEvent;
  flashErase(address: number, length: number): string | null;
  flashWrite(address: number, data: Uint8Array): string | null;
  flashDone(): string | null;
  /** A `monitor` command; returns the text to show. */
  monitor(command: string): string;
  /** R, vRun: reset, core held at the reset vector. */
  restart(): void;
  /** k, vKill: the program is ended (reset, held). */
  kill(): void;
}

export interface RspIo {
  send(bytes: Uint8Array): void;
  /**
   * Why a request was refused. `notice`: the user should see it (a flash operation, a breakpoint or
   * watchpoint refused); otherwise it is routine (GDB probing memory that is not there).
   */
  log?(message: string, notice: boolean): void;
}

/** Receiver states: between packets, in a packet's data, at the first and second checksum digit. */
const Rx = { Idle: 0, Data: 1, Check1: 2, Check2: 3 } as const;

export class RspSession {
  private ackMode = true;
  private rx: number = Rx.Idle;
  private readonly packet = new Uint8Array(PACKET_SIZE);
  private length = 0;
  private overflow = false;
  private sum = 0;
  private check = 0;
  private lastReply: Uint8Array | null = null;
  private retransmits = 0;
  /** A c/s is outstanding: the next stop of the core is reported. */
  private running = false;
  /** Counts resumes, so a stale onStop from an earlier one is ignored. */
  private resumeCount = 0;
  /** GDB has been told the program exited (W). */
  private exitReported = false;

  constructor(
    private readonly target: RspTarget,
    private readonly io: RspIo,
  ) {}

  /** Feeds bytes received from GDB. */
  receive(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.byte(data[i]);
  }

  /** The firmware ended (semihosting exit): tells GDB the process exited with `code` (once). */
  exited(code: number): void {
    this.running = false;
    if (!this.exitReported) this.reply(this.stopReply({ signal: 0, exitCode: code }));
  }

  private byte(b: number): void {
    switch (this.rx) {
      case Rx.Idle:
        if (b === 0x24 /* $ */) this.startPacket();
        else if (b === 0x03) this.interrupt();
        else if (b === 0x2d /* - */) this.retransmit();
        else if (b === 0x2b /* + */) this.retransmits = 0;
        return; // anything else between packets is noise
      case Rx.Data:
        if (b === 0x23 /* # */) {
          this.rx = Rx.Check1;
        } else if (b === 0x24) {
          this.startPacket(); // a new packet began: the broken one is dropped
        } else {
          this.sum = (this.sum + b) & 0xff;
          if (this.length < PACKET_SIZE) this.packet[this.length++] = b;
          else this.overflow = true;
        }
        return;
      case Rx.Check1: {
        const d = hexDigit(b);
        if (d < 0) return this.badPacket();
        this.check = d << 4;
        this.rx = Rx.Check2;
        return;
      }
      case Rx.Check2: {
        const d = hexDigit(b);
        if (d < 0 || (this.check | d) !== this.sum) return this.badPacket();
        this.rx = Rx.Idle;
        if (this.ackMode) this.io.send(ACK);
        if (this.overflow) {
          this.io.log?.(`a packet longer than ${PACKET_SIZE} bytes was refused`, true);
          return this.reply(ERROR.MALFORMED);
        }
        return this.handle(latin1(this.packet, this.length));
      }
    }
  }

  private startPacket(): void {
    this.rx = Rx.Data;
    this.length = 0;
    this.overflow = false;
    this.sum = 0;
  }

  private badPacket(): void {
    this.rx = Rx.Idle;
    if (this.ackMode) this.io.send(NAK);
  }

  private retransmit(): void {
    if (!this.ackMode || !this.lastReply || this.retransmits >= MAX_RETRANSMIT) return;
    this.retransmits++;
    this.io.send(this.lastReply);
  }

  private interrupt(): void {
    if (this.running) this.target.interrupt();
  }

  // ---- Replies -----------------------------------------------------------------------------------

  /** Sends `$payload#cc` (kept for a '-' from GDB until the next reply). */
  private reply(payload: string): void {
    const bytes = frame(payload);
    this.lastReply = this.ackMode ? bytes : null;
    this.retransmits = 0;
    this.io.send(bytes);
  }

  private error(code: string, why: string, notice = code === ERROR.FLASH || code === ERROR.POINT): void {
    this.io.log?.(why, notice);
    this.reply(code);
  }

  private result(outcome: string | null, code: string): void {
    if (outcome === null) this.reply('OK');
    else this.error(code, outcome);
  }

  private stopReply(event: StopEvent): string {
    if (event.exitCode !== undefined) {
      this.exitReported = true;
      return `W${hex2(event.exitCode & 0xff)}`;
    }
    const watch = event.watch ? `${event.watch.kind}:${(event.watch.address >>> 0).toString(16)};` : '';
    return `T${hex2(event.signal)}${watch}thread:${THREAD};`;
  }

  // ---- Dispatch ----------------------------------------------------------------------------------

  /** Dispatches a packet; a failure inside the emulator is reported (E01), never thrown at the transport. */
  private handle(p: string): void {
    try {
      this.dispatch(p);
    } catch (e) {
      this.error(ERROR.MALFORMED, `internal error on '${p.slice(0, 40)}': ${e instanceof Error ? e.message : String(e)}`, true);
    }
  }

  private dispatch(p: string): void {
    if (p.length === 0) return this.reply('');
    switch (p[0]) {
      case '?': return this.reply(this.stopReply(this.target.stopEvent()));
      case 'g': return this.readRegisters();
      case 'G': return this.writeRegisters(p.slice(1));
      case 'p': return this.readRegister(p.slice(1));
      case 'P': return this.writeRegister(p.slice(1));
      case 'm': return this.readMemory(p.slice(1));
      case 'M': return this.writeMemory(p.slice(1), false);
      case 'X': return this.writeMemory(p.slice(1), true);
      case 'c': return this.resume(p.slice(1), false, false);
      case 'C': return this.resume(p.slice(1), true, false);
      case 's': return this.resume(p.slice(1), false, true);
      case 'S': return this.resume(p.slice(1), true, true);
      case 'Z': return this.point(p.slice(1), true);
      case 'z': return this.point(p.slice(1), false);
      case 'H': return this.reply('OK'); // one thread: every thread id selects it
      case 'T': return this.reply('OK'); // thread alive
      case '!': return this.reply('OK'); // extended mode
      case 'D': return this.detach();
      case 'k': return this.end(() => this.target.kill()); // no reply (GDB does not wait for one)
      case 'R': return this.end(() => this.target.restart()); // no reply
      case 'q': return this.query(p);
      case 'Q': return this.set(p);
      case 'v': return this.vPacket(p);
      default: return this.reply('');
    }
  }

  private readRegisters(): void {
    let out = '';
    for (let n = 0; n < this.target.registerSizes.length; n++) out += toHex(this.target.readRegister(n));
    this.reply(out);
  }

  private writeRegisters(args: string): void {
    const sizes = this.target.registerSizes;
    const total = sizes.reduce((a, b) => a + b, 0);
    const bytes = fromHex(args);
    if (!bytes || bytes.length !== total) return this.error(ERROR.MALFORMED, `G: expected ${total} bytes of registers`);
    let at = 0;
    sizes.forEach((size, n) => {
      this.target.writeRegister(n, bytes.subarray(at, at + size));
      at += size;
    });
    this.reply('OK');
  }

  private readRegister(args: string): void {
    const n = parseHex(args);
    if (Number.isNaN(n)) return this.error(ERROR.MALFORMED, `p: bad register number '${args}'`);
    if (n >= this.target.registerSizes.length) return this.error(ERROR.REGISTER, `p: no register ${n}`);
    this.reply(toHex(this.target.readRegister(n)));
  }

  private writeRegister(args: string): void {
    const eq = args.indexOf('=');
    const n = eq < 0 ? NaN : parseHex(args.slice(0, eq));
    const value = eq < 0 ? null : fromHex(args.slice(eq + 1));
    if (Number.isNaN(n) || !value) return this.error(ERROR.MALFORMED, `P: malformed '${args}'`);
    if (n >= this.target.registerSizes.length) return this.error(ERROR.REGISTER, `P: no register ${n}`);
    if (value.length !== this.target.registerSizes[n]) return this.error(ERROR.MALFORMED, `P: register ${n} takes ${this.target.registerSizes[n]} bytes`);
    this.target.writeRegister(n, value);
    this.reply('OK');
  }

  private readMemory(args: string): void {
    const range = parseRange(args);
    if (!range) return this.error(ERROR.MALFORMED, `m: malformed '${args}'`);
    // A reply carries two hex digits per byte: longer requests get a partial answer, as GDB allows.
    const data = this.target.readMemory(range.address, Math.min(range.length, (PACKET_SIZE - 4) >> 1));
    if (data.length === 0 && range.length > 0) return this.error(ERROR.MEMORY, `cannot read memory at 0x${hex8(range.address)}`);
    this.reply(toHex(data));
  }

  private writeMemory(args: string, binary: boolean): void {
    const colon = args.indexOf(':');
    const range = colon < 0 ? null : parseRange(args.slice(0, colon));
    const data = colon < 0 ? null : binary ? unescapeBinary(args.slice(colon + 1)) : fromHex(args.slice(colon + 1));
    const name = binary ? 'X' : 'M';
    if (!range || !data || data.length !== range.length) return this.error(ERROR.MALFORMED, `${name}: malformed packet`);
    if (data.length === 0) return this.reply('OK');
    this.result(this.target.writeMemory(range.address, data), ERROR.MEMORY);
  }

  /** c/C/s/S [sig;][addr]: a signal is accepted and ignored (a microcontroller has none to deliver). */
  private resume(args: string, withSignal: boolean, step: boolean): void {
    let rest = args;
    if (withSignal) {
      const semi = rest.indexOf(';');
      if (Number.isNaN(parseHex(semi < 0 ? rest : rest.slice(0, semi)))) return this.error(ERROR.MALFORMED, `bad signal in '${args}'`);
      rest = semi < 0 ? '' : rest.slice(semi + 1);
    }
    if (rest !== '') {
      const address = parseHex(rest);
      if (Number.isNaN(address)) return this.error(ERROR.MALFORMED, `bad resume address '${rest}'`);
      this.target.writeRegister(PC_REGISTER, le32(address));
    }
    if (step) this.step();
    else this.continue();
  }

  private step(): void {
    this.running = false;
    this.reply(this.stopReply(this.target.step()));
  }

  private continue(): void {
    this.running = true;
    const id = ++this.resumeCount;
    this.target.resume((event) => {
      if (!this.running || id !== this.resumeCount) return;
      this.running = false;
      this.reply(this.stopReply(event));
    });
  }

  private point(args: string, insert: boolean): void {
    const parts = args.split(';')[0].split(',');
    const type = parts.length === 3 ? parseHex(parts[0]) : NaN;
    const address = parts.length === 3 ? parseHex(parts[1]) : NaN;
    const kind = parts.length === 3 ? parseHex(parts[2]) : NaN;
    if (Number.isNaN(type) || Number.isNaN(address) || Number.isNaN(kind)) return this.error(ERROR.MALFORMED, `Z/z: malformed '${args}'`);
    if (type > 4) return this.reply(''); // tracepoints and others: not supported
    const t = type as PointType;
    this.result(insert ? this.target.insertPoint(t, address, kind) : this.target.removePoint(t, address, kind), ERROR.POINT);
  }

  /** k, R, vKill, vRun: whatever ran on GDB's behalf is over. */
  private end(action: () => void): void {
    this.running = false;
    action();
  }

  private detach(): void {
    this.running = false;
    this.target.detach();
    this.reply('OK');
  }

  // ---- q / Q / v ---------------------------------------------------------------------------------

  private query(p: string): void {
    const name = p.split(/[:,;]/, 1)[0];
    switch (name) {
      case 'qSupported':
        return this.reply(`PacketSize=${PACKET_SIZE.toString(16)};QStartNoAckMode+;qXfer:features:read+;qXfer:memory-map:read+;vContSupported+`);
      case 'qXfer':
        return this.transfer(p);
      case 'qAttached':
        return this.reply('1');
      case 'qC':
        return this.reply(`QC${THREAD}`);
      case 'qfThreadInfo':
        return this.reply(`m${THREAD}`);
      case 'qsThreadInfo':
        return this.reply('l');
      case 'qSymbol':
        return this.reply('OK');
      case 'qRcmd':
        return this.monitor(p.slice('qRcmd,'.length));
      case 'qCRC':
        return this.crc(p.slice('qCRC:'.length));
      default:
        return this.reply('');
    }
  }

  /** qXfer:object:read:annex:offset,length → 'm' + more data, or 'l' + the last of it. */
  private transfer(p: string): void {
    const parts = p.split(':');
    if (parts.length !== 5 || parts[2] !== 'read') return this.reply('');
    let doc: string | null = null;
    if (parts[1] === 'features') doc = parts[3] === 'target.xml' ? this.target.targetXml : null;
    else if (parts[1] === 'memory-map') doc = parts[3] === '' ? this.target.memoryMapXml : null;
    else return this.reply('');
    const range = parseRange(parts[4]);
    if (doc === null || !range) return this.error('E00', `qXfer: bad request '${p}'`);
    const length = Math.min(range.length, PACKET_SIZE >> 1);
    const chunk = doc.slice(range.address, range.address + length);
    this.reply((range.address + length >= doc.length ? 'l' : 'm') + escapeBinary(chunk));
  }

  private monitor(hexCommand: string): void {
    const bytes = fromHex(hexCommand);
    if (!bytes) return this.error(ERROR.MALFORMED, 'qRcmd: the command is not hex');
    const output = this.target.monitor(latin1(bytes, bytes.length));
    this.reply(output === '' ? 'OK' : toHex(asciiBytes(output)));
  }

  /** qCRC:addr,length → C + GDB's CRC-32 of target memory (what `compare-sections` asks for). */
  private crc(args: string): void {
    const range = parseRange(args);
    if (!range) return this.error(ERROR.MALFORMED, `qCRC: malformed '${args}'`);
    let crc = 0xffff_ffff;
    for (let at = 0; at < range.length; ) {
      const n = Math.min(range.length - at, 0x1000);
      const data = this.target.readMemory(range.address + at, n);
      if (data.length !== n) return this.error(ERROR.MEMORY, `cannot read memory at 0x${hex8(range.address + at + data.length)}`);
      crc = gdbCrc32(data, crc);
      at += n;
    }
    this.reply(`C${hex8(crc)}`);
  }

  private set(p: string): void {
    if (p === 'QStartNoAckMode') {
      this.reply('OK');
      this.ackMode = false;
      this.lastReply = null;
      return;
    }
    this.reply('');
  }

  private vPacket(p: string): void {
    const name = p.split(/[:;?]/, 1)[0];
    switch (name) {
      case 'vCont':
        return p === 'vCont?' ? this.reply('vCont;c;C;s;S;t') : this.vCont(p.slice('vCont'.length));
      case 'vFlashErase': {
        const range = parseRange(p.slice('vFlashErase:'.length));
        if (!range) return this.error(ERROR.MALFORMED, 'vFlashErase: malformed');
        return this.result(this.target.flashErase(range.address, range.length), ERROR.FLASH);
      }
      case 'vFlashWrite': {
        const args = p.slice('vFlashWrite:'.length);
        const colon = args.indexOf(':');
        const address = colon < 0 ? NaN : parseHex(args.slice(0, colon));
        const data = colon < 0 ? null : unescapeBinary(args.slice(colon + 1));
        if (Number.isNaN(address) || !data) return this.error(ERROR.MALFORMED, 'vFlashWrite: malformed');
        return this.result(this.target.flashWrite(address, data), ERROR.FLASH);
      }
      case 'vFlashDone':
        return this.result(this.target.flashDone(), ERROR.FLASH);
      case 'vKill':
        this.end(() => this.target.kill());
        return this.reply('OK');
      case 'vRun':
        this.end(() => this.target.restart());
        return this.reply(this.stopReply(this.target.stopEvent()));
      case 'vAttach': {
        const refusal = this.target.attach();
        if (refusal !== null) return this.error(ERROR.MALFORMED, refusal);
        return this.reply(this.stopReply(this.target.stopEvent()));
      }
      default:
        return this.reply(''); // vMustReplyEmpty and everything unknown
    }
  }

  /** vCont;action[:thread]...: the first action naming our thread (or all threads) applies. */
  private vCont(args: string): void {
    const actions = args.split(';').slice(1);
    if (args[0] !== ';' || actions.length === 0) return this.error(ERROR.MALFORMED, `vCont: malformed '${args}'`);
    for (const a of actions) {
      const [action, thread] = a.split(':');
      if (thread !== undefined && !/^(p?(-1|0*1)(\.(-1|0*1))?|-1)$/i.test(thread)) continue;
      switch (action[0]) {
        case 'c':
        case 'C':
          return this.continue();
        case 's':
        case 'S':
          return this.step();
        case 't':
          if (this.running) return this.target.interrupt();
          return this.reply(this.stopReply({ signal: 0 }));
        default:
          return this.error(ERROR.MALFORMED, `vCont: unsupported action '${action}'`);
      }
    }
    this.reply('OK'); // no action for our thread: it stays stopped
  }
}

// ---- Encoding helpers --------------------------------------------------------------------------------

/** `$payload#cc`; `payload` is text whose chars are bytes (escape binary data first). */
export function frame(payload: string): Uint8Array {
  const out = new Uint8Array(payload.length + 4);
  out[0] = 0x24;
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i) & 0xff;
    out[i + 1] = c;
    sum += c;
  }
  out[payload.length + 1] = 0x23;
  out[payload.length + 2] = HEX.charCodeAt((sum >> 4) & 0xf);
  out[payload.length + 3] = HEX.charCodeAt(sum & 0xf);
  return out;
}

const HEX = '0123456789abcdef';
const ACK = new Uint8Array([0x2b]);
const NAK = new Uint8Array([0x2d]);
/** Register number of the PC (target-xml.ts: r0–r12, sp, lr, pc). */
const PC_REGISTER = 15;

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

function hex2(n: number): string {
  return HEX[(n >> 4) & 0xf] + HEX[n & 0xf];
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Bytes as text, one char per byte. */
export function latin1(bytes: Uint8Array, length: number): string {
  let s = '';
  for (let i = 0; i < length; i += 0x2000) s += String.fromCharCode(...bytes.subarray(i, Math.min(length, i + 0x2000)));
  return s;
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 0xf];
  return s;
}

/** Hex text → bytes, or null if it is not an even number of hex digits. */
export function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(text.charCodeAt(2 * i));
    const lo = hexDigit(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** A hex number of at most 32 bits (leading zeros allowed), or NaN. */
export function parseHex(text: string): number {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) return NaN;
  const value = parseInt(text, 16);
  return value > 0xffff_ffff ? NaN : value;
}

/** "addr,length" → numbers, or null. */
function parseRange(text: string): { address: number; length: number } | null {
  const comma = text.indexOf(',');
  if (comma < 0) return null;
  const address = parseHex(text.slice(0, comma));
  const length = parseHex(text.slice(comma + 1));
  return Number.isNaN(address) || Number.isNaN(length) ? null : { address, length };
}

function le32(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
}

/** Binary data of a packet ('}' escapes) → bytes, or null when it ends inside an escape. */
export function unescapeBinary(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 0x7d) {
      if (++i >= text.length) return null;
      c = text.charCodeAt(i) ^ 0x20;
    }
    out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

/** Escapes '#', '$', '}' and '*' for a binary reply. */
export function escapeBinary(text: string): string {
  return text.replace(/[#$}*]/g, (c) => '}' + String.fromCharCode(c.charCodeAt(0) ^ 0x20));
}

/** GDB's CRC-32 (libiberty xcrc32: polynomial 0x04C11DB7, MSB first, no final inversion). */
export function gdbCrc32(data: Uint8Array, crc: number): number {
  let c = crc >>> 0;
  for (let i = 0; i < data.length; i++) c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ data[i]) & 0xff]) >>> 0;
  return c;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x8000_0000 ? (c << 1) ^ 0x04c1_1db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

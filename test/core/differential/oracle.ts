/**
 * The bridge to the Unicorn oracle (oracle.py): one long-lived /usr/bin/python3 process per oracle,
 * fed batches of thousands of cases in a compact binary layout (documented in oracle.py) so that a
 * round trip costs little next to the emulation itself.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { newState, type CpuState } from './generator.js';

/** The Python with the unicorn module (Debian's python3-unicorn installs into /usr/bin/python3). */
export const PYTHON = process.env.F4EMU_UNICORN_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./oracle.py', import.meta.url));
const MAGIC = 0xd1ffca5e;
const CODE_MAX = 64;
const CASE_IN_BYTES = 16 + CODE_MAX + 4 * (15 + 2 + 32);
const CASE_OUT_BYTES = 4 * (3 + 15 + 2 + 32 + 1);

export const FLAG_DUMP = 1;
const FLAG_WINDOW = 4;

const INSTALL_HINT = 'install python3-unicorn (apt install python3-unicorn; CI installs it) — the differential CPU tester needs Unicorn as its oracle';

/** One case as the oracle sees it. */
export interface OracleCase {
  readonly code: Uint16Array;
  /** Byte offset (from the code base) where execution stops. */
  readonly stopOffset: number;
  readonly flags: number;
  readonly init: CpuState;
  /** New contents of the window before this case and the following ones (required on a batch's first case). */
  readonly window?: Uint8Array;
}

export type OracleStatus = 'ok' | 'error' | 'elsewhere';

export interface OracleResult {
  readonly status: OracleStatus;
  /** Unicorn's uc_err number when status is 'error'. */
  readonly error: number;
  readonly pc: number;
  readonly xpsr: number;
  readonly state: CpuState;
  readonly crc: number;
  /** The window's bytes, when FLAG_DUMP was set. */
  readonly window?: Uint8Array;
}

const STATUS: readonly OracleStatus[] = ['ok', 'error', 'elsewhere'];

interface Pending {
  readonly flags: readonly number[];
  readonly bytes: number;
  readonly resolve: (r: OracleResult[]) => void;
  readonly reject: (e: Error) => void;
}

export class UnicornOracle {
  private readonly proc: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly queue: Pending[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  private stderr = '';
  private failure: Error | null = null;

  /** Starts an oracle process; throws with an installation hint when Python or Unicorn is missing. */
  static async start(windowBase: number, windowSize: number): Promise<UnicornOracle> {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: ${INSTALL_HINT}`);
    const o = new UnicornOracle(windowBase, windowSize);
    // A one-NOP case proves that the process and its unicorn import work.
    const nop: OracleCase = { code: Uint16Array.of(0xbf00), stopOffset: 2, flags: 0, init: newState(), window: new Uint8Array(windowSize) };
    nop.init.r[13] = windowBase + windowSize;
    await o.run([nop]);
    return o;
  }

  private constructor(
    windowBase: number,
    private readonly windowSize: number,
  ) {
    this.proc = spawn(PYTHON, [SCRIPT, String(windowBase), String(windowSize)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('error', (e) => this.fail(new Error(`cannot run ${PYTHON}: ${e.message}; ${INSTALL_HINT}`)));
    this.proc.on('exit', (code) => {
      if (this.queue.length === 0 && code === 0) return;
      const why = this.stderr.includes('unicorn-missing') ? `the Python module unicorn is missing: ${INSTALL_HINT}` : `Unicorn oracle exited (${code}): ${this.stderr.trim()}`;
      this.fail(new Error(why));
    });
    this.proc.stdin.on('error', () => {}); // reported through 'exit'
  }

  /** Runs a batch of cases. */
  run(cases: readonly OracleCase[]): Promise<OracleResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (cases.length > 0 && !cases[0].window) throw new Error('the first case of a batch must carry the window');
    const windows = cases.filter((c) => c.window).length;
    const buf = Buffer.alloc(8 + cases.length * CASE_IN_BYTES + windows * this.windowSize);
    buf.writeUInt32LE(MAGIC, 0);
    buf.writeUInt32LE(cases.length, 4);
    let o = 8;
    let bytes = 0;
    for (const c of cases) {
      if (c.code.length * 2 > CODE_MAX) throw new Error(`case code longer than ${CODE_MAX} bytes`);
      buf.writeUInt32LE(c.code.length * 2, o);
      buf.writeUInt32LE(c.stopOffset, o + 4);
      buf.writeUInt32LE(c.flags | (c.window ? FLAG_WINDOW : 0), o + 8);
      for (let i = 0; i < c.code.length; i++) buf.writeUInt16LE(c.code[i], o + 16 + 2 * i);
      o += 16 + CODE_MAX;
      o = writeWords(buf, o, c.init.r);
      buf.writeUInt32LE(c.init.apsr >>> 0, o);
      buf.writeUInt32LE(c.init.fpscr >>> 0, o + 4);
      o = writeWords(buf, o + 8, c.init.s);
      if (c.window) {
        if (c.window.length !== this.windowSize) throw new Error('window of the wrong size');
        buf.set(c.window, o);
        o += this.windowSize;
      }
      bytes += CASE_OUT_BYTES + (c.flags & FLAG_DUMP ? this.windowSize : 0);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ flags: cases.map((c) => c.flags), bytes, resolve, reject });
      this.proc.stdin.write(buf);
    });
  }

  close(): void {
    this.proc.stdin.end();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.queue.splice(0)) p.reject(this.failure);
  }

  private onData(d: Buffer): void {
    if (d.length > 0) {
      this.chunks.push(d);
      this.buffered += d.length;
    }
    while (this.queue.length > 0 && this.buffered >= this.queue[0].bytes) {
      const p = this.queue.shift() as Pending;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      const mine = all.subarray(0, p.bytes);
      const rest = all.subarray(p.bytes);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      p.resolve(this.parse(mine, p.flags));
    }
  }

  private parse(buf: Buffer, flags: readonly number[]): OracleResult[] {
    const out: OracleResult[] = [];
    let o = 0;
    for (const f of flags) {
      const state = newState();
      const status = STATUS[buf.readUInt32LE(o)] ?? 'error';
      const error = buf.readUInt32LE(o + 4);
      const pc = buf.readUInt32LE(o + 8);
      o = readWords(buf, o + 12, state.r);
      const xpsr = buf.readUInt32LE(o);
      state.apsr = (xpsr & 0xf80f0000) >>> 0;
      state.fpscr = buf.readUInt32LE(o + 4);
      o = readWords(buf, o + 8, state.s);
      const crc = buf.readUInt32LE(o);
      o += 4;
      let window: Uint8Array | undefined;
      if (f & FLAG_DUMP) {
        window = Uint8Array.from(buf.subarray(o, o + this.windowSize));
        o += this.windowSize;
      }
      out.push({ status, error, pc, xpsr, state, crc, window });
    }
    return out;
  }
}

function writeWords(buf: Buffer, o: number, words: Uint32Array): number {
  for (let i = 0; i < words.length; i++) buf.writeUInt32LE(words[i] >>> 0, o + 4 * i);
  return o + 4 * words.length;
}

function readWords(buf: Buffer, o: number, into: Uint32Array): number {
  for (let i = 0; i < into.length; i++) into[i] = buf.readUInt32LE(o + 4 * i);
  return o + 4 * into.length;
}

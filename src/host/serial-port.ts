/**
 * Host ends of the emulated USARTs (Node only): what `--usartN stdio|pty|tcp:[HOST:]PORT|file:PATH|none`
 * connects a USART's TX and RX to.
 *
 * - stdio: host stdin → RX, TX → stdout. When stdin is a terminal it is put in raw mode (every key goes
 *   to the firmware, Ctrl-C included); Ctrl-A x quits f4emu (SIGINT), Ctrl-A Ctrl-A sends one Ctrl-A.
 *   End of stdin does not end the run.
 * - pty: a pseudo-terminal that stm32flash, minicom or screen can open. socat creates it
 *   (`socat -d -d PTY,raw,echo=0 STDIO`, a child process bridged to our pipes); once it is ready,
 *   exactly one line `usartN: /dev/pts/N` goes to stderr. Closing and re-opening the terminal is fine.
 *   A Linux pty carries bytes and has no parity (it drops PARENB): tools that check the setting need
 *   to be told 8N1, e.g. `stm32flash -m 8n1 /dev/pts/N`; the emulated USART still receives 8E1 frames
 *   with correct parity (see usart.ts on how host bytes map to frames).
 * - tcp:PORT or tcp:HOST:PORT: a server on 127.0.0.1 (or HOST); `usartN: tcp:HOST:PORT` on stderr once
 *   listening (port 0 picks a free port, printed). One client at a time (a second is closed at once);
 *   a disconnect does not end the run; with no client, TX bytes are dropped as on an open line.
 * - file:PATH: TX appended to PATH; nothing is received.
 * - none: TX bytes dropped (the characters still take their time), nothing received.
 *
 * Flow: host bytes are queued in the USART (`feedRx`) and delivered at the emulated baud rate; the host
 * is never paced back (see usart.ts on overruns). TX bytes are written in batches once per turn of the
 * event loop (between slices of the run) and on close, each batch after the output barrier
 * (output-barrier.ts: a state file's completed flash operations are durable before a byte leaves).
 *
 * Failures in the event loop's callbacks never escape as exceptions: a barrier or a file write that
 * fails while a batch goes out is reported through `reportHostFailure` (output-barrier.ts) and the batch
 * is dropped; `close()` still releases the port, then throws that error.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { UserError, fsErrorText } from '../errors.js';
import { beforeOutput, catchHostFailure } from './output-barrier.js';

/** The USART side a connector needs (Usart implements it). */
export interface SerialEndpoint {
  onTx: (byte: number) => void;
  feedRx(bytes: ArrayLike<number>): void;
}

export type SerialSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'stdio' }
  | { readonly kind: 'pty' }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'file'; readonly path: string };

export interface SerialHandle {
  /** What the USART is connected to, e.g. `tcp:127.0.0.1:4321`, `/dev/pts/3`, `stdio`. */
  readonly description: string;
  /** Flushes pending TX bytes and releases the terminal, socket, child process or file. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Lower-case USART name for messages, e.g. `usart2`; the CLI option is `--usart2`. */
  readonly name: string;
  /** Where the ready line goes (default: stderr). */
  readonly announce?: (line: string) => void;
  /** Streams for `stdio` (default: the process's). */
  readonly stdin?: NodeJS.ReadStream | NodeJS.ReadableStream;
  readonly stdout?: NodeJS.WritableStream;
}

const DEFAULT_TCP_HOST = '127.0.0.1';
/** Ctrl-A, the stdio escape key (as in QEMU). */
const ESCAPE = 0x01;

/** Parses a `--usartN` value; a UserError names the option and the value. */
export function parseSerialSpec(text: string, option: string): SerialSpec {
  const t = text.trim();
  if (t === 'none' || t === 'stdio' || t === 'pty') return { kind: t };
  if (t.startsWith('file:')) {
    const path = t.slice('file:'.length);
    if (path === '') throw new UserError(`${option}: '${text}' needs a path (file:PATH)`);
    return { kind: 'file', path };
  }
  if (t.startsWith('tcp:')) {
    const rest = t.slice('tcp:'.length);
    const colon = rest.lastIndexOf(':');
    const host = colon >= 0 ? rest.slice(0, colon).replace(/^\[(.*)\]$/, '$1') : DEFAULT_TCP_HOST;
    const portText = colon >= 0 ? rest.slice(colon + 1) : rest;
    const port = /^[0-9]+$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 0 && port <= 65535) || host === '') throw new UserError(`${option}: '${text}' is not tcp:PORT or tcp:HOST:PORT (PORT 0-65535)`);
    return { kind: 'tcp', host, port };
  }
  throw new UserError(`${option}: unknown port '${text}' (use stdio, pty, tcp:PORT, tcp:HOST:PORT, file:PATH or none)`);
}

/** Connects a USART to the host as `spec` says; resolves once the connection is ready (and announced). */
export async function connectSerial(usart: SerialEndpoint, spec: SerialSpec | string, options: ConnectOptions): Promise<SerialHandle> {
  const s = typeof spec === 'string' ? parseSerialSpec(spec, `--${options.name}`) : spec;
  const announce = options.announce ?? ((line: string) => process.stderr.write(`${line}\n`));
  switch (s.kind) {
    case 'none':
      usart.onTx = () => {};
      return { description: 'none', close: async () => {} };
    case 'stdio':
      return connectStdio(usart, options, announce);
    case 'file':
      return connectFile(usart, s.path, options.name);
    case 'tcp':
      return connectTcp(usart, s.host, s.port, options.name, announce);
    case 'pty':
      return connectPty(usart, options.name, announce);
  }
}

/** Collects TX bytes and writes them in one piece per event-loop turn (or at `flush`). */
class TxBatcher {
  private pending: number[] = [];
  private scheduled = false;

  constructor(private readonly sink: (chunk: Buffer) => void) {}

  readonly push = (byte: number): void => {
    this.pending.push(byte);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(catchHostFailure(() => this.flush()));
  };

  /** Writes the pending bytes now. If the barrier or the sink throws, the bytes are dropped (never sent later) and the error is thrown. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const bytes = this.pending;
    this.pending = [];
    beforeOutput(); // e.g. the bootloader's ACK goes out only once the programs it acknowledges are on disk
    this.sink(Buffer.from(bytes));
  }

  /** The last flush, at close: returns what it threw (the port is released anyway), or null. */
  finish(): unknown {
    try {
      this.flush();
      return null;
    } catch (e) {
      return e;
    }
  }
}

/** Throws `error` unless it is null: a close that released its port reports the failure of its last flush. */
function rethrow(error: unknown): void {
  if (error !== null) throw error;
}

// ---- stdio ---------------------------------------------------------------------------------------

function connectStdio(usart: SerialEndpoint, options: ConnectOptions, announce: (line: string) => void): SerialHandle {
  const stdin = (options.stdin ?? process.stdin) as NodeJS.ReadStream;
  const stdout = options.stdout ?? process.stdout;
  const tx = new TxBatcher((chunk) => stdout.write(chunk));
  usart.onTx = tx.push;
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) {
    stdin.setRawMode(true);
    announce(`${options.name}: stdio (raw terminal: Ctrl-A x quits)`);
  }
  const keys = raw ? escapeFilter(() => process.kill(process.pid, 'SIGINT')) : (bytes: Buffer) => bytes;
  const onData = (data: Buffer | string) => {
    const bytes = keys(typeof data === 'string' ? Buffer.from(data) : data);
    if (bytes.length > 0) usart.feedRx(bytes);
  };
  stdin.on('data', onData);
  stdin.resume();
  return {
    description: 'stdio',
    close: async () => {
      const failure = tx.finish();
      stdin.off('data', onData);
      stdin.pause();
      if (raw) stdin.setRawMode(false);
      rethrow(failure);
    },
  };
}

/** The raw terminal's keys: Ctrl-A x → `quit()`; Ctrl-A Ctrl-A → one Ctrl-A; Ctrl-A + anything else → both bytes. */
export function escapeFilter(quit: () => void): (bytes: Buffer) => Buffer {
  let escaped = false;
  return (bytes) => {
    const out: number[] = [];
    for (const b of bytes) {
      if (escaped) {
        escaped = false;
        if (b === 0x78 || b === 0x58) {
          quit();
          continue;
        }
        if (b !== ESCAPE) out.push(ESCAPE);
        out.push(b);
      } else if (b === ESCAPE) {
        escaped = true;
      } else {
        out.push(b);
      }
    }
    return Buffer.from(out);
  };
}

// ---- file ----------------------------------------------------------------------------------------

function connectFile(usart: SerialEndpoint, path: string, name: string): SerialHandle {
  let fd: number;
  try {
    fd = fs.openSync(path, 'a');
  } catch (e) {
    throw new UserError(`--${name} file:${path}: cannot open for appending: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const tx = new TxBatcher((chunk) => {
    try {
      fs.writeSync(fd, chunk);
    } catch (e) {
      throw new UserError(`--${name} file:${path}: cannot write: ${fsErrorText(e)}`);
    }
  });
  usart.onTx = tx.push;
  return {
    description: `file:${path}`,
    close: async () => {
      const failure = tx.finish();
      fs.closeSync(fd);
      rethrow(failure);
    },
  };
}

// ---- tcp -----------------------------------------------------------------------------------------

function connectTcp(usart: SerialEndpoint, host: string, port: number, name: string, announce: (line: string) => void): Promise<SerialHandle> {
  let client: net.Socket | null = null;
  const tx = new TxBatcher((chunk) => client?.write(chunk));
  usart.onTx = tx.push;
  const server = net.createServer((socket) => {
    if (client) {
      socket.destroy(); // one client at a time
      return;
    }
    client = socket;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => usart.feedRx(data));
    socket.on('error', () => {}); // a reset connection is just a disconnect
    socket.on('close', () => {
      if (client === socket) client = null;
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new UserError(`--${name} tcp:${host}:${port}: cannot listen: ${e.code ?? e.message}`)));
    server.listen(port, host, () => {
      const address = server.address() as net.AddressInfo;
      const description = `tcp:${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      announce(`${name}: ${description}`);
      resolve({
        description,
        close: () =>
          new Promise<void>((done, fail) => {
            const failure = tx.finish();
            client?.destroy();
            server.close(() => (failure === null ? done() : fail(failure)));
          }),
      });
    });
  });
}

// ---- pty (through socat) -------------------------------------------------------------------------

function connectPty(usart: SerialEndpoint, name: string, announce: (line: string) => void): Promise<SerialHandle> {
  const child: ChildProcessWithoutNullStreams = spawn('socat', ['-d', '-d', 'PTY,raw,echo=0', 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const tx = new TxBatcher((chunk) => {
    if (child.stdin.writable) child.stdin.write(chunk);
  });
  child.stdin.on('error', () => {}); // socat gone: bytes are dropped
  child.stdout.on('data', (data: Buffer) => usart.feedRx(data));
  let closing = false;
  const close = (): Promise<void> =>
    new Promise((done, fail) => {
      closing = true;
      const failure = tx.finish();
      const finished = (): void => (failure === null ? done() : fail(failure));
      if (child.exitCode !== null || child.signalCode !== null) return finished();
      child.once('exit', finished);
      child.stdin.end();
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let path = '';
    let lastLine = '';
    let ready = false;
    let text = '';
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(new UserError(e.code === 'ENOENT' ? `--${name} pty: socat not found: install socat (e.g. apt install socat)` : `--${name} pty: cannot run socat: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      if (!ready) reject(new UserError(`--${name} pty: socat exited (status ${code}) before the terminal was ready${lastLine ? `: ${lastLine}` : ''}`));
      // Killed from outside: the terminal is gone for good; the run goes on as with `none`.
      else if (!closing) announce(`${name}: socat exited (${signal ?? `status ${code}`}): ${path} is gone; TX bytes are dropped`);
    });
    child.stderr.on('data', (data: Buffer) => {
      if (ready) return;
      text += data.toString();
      const lines = text.split('\n');
      text = lines.pop() ?? '';
      for (const line of lines) {
        lastLine = line.trim();
        path ||= /PTY is (\S+)/.exec(line)?.[1] ?? '';
        if (path && /starting data transfer loop/.test(line)) {
          ready = true;
          announce(`${name}: ${path}`);
          usart.onTx = tx.push;
          resolve({ description: path, close });
          return;
        }
      }
    });
  });
}

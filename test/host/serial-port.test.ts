import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import * as tty from 'node:tty';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { UserError } from '../../src/errors.js';
import { addOutputBarrier, onHostFailure } from '../../src/host/output-barrier.js';
import { connectSerial, escapeFilter, parseSerialSpec } from '../../src/host/serial-port.js';
import type { Machine } from '../../src/machine.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { CR1, USART_REG, type Usart, usartOf } from '../../src/peripherals/usart.js';
import { advanceNs, chip, read, setBits, write } from '../peripherals/support.js';

/** 115 200 baud-ish at 16 MHz: one 8N1 character is 10 × 139 / 16 MHz. */
const CHAR_NS = (10 * 139 * 1e9) / 16e6;

/** A chip with USART2 running (UE, TE, RE), the idle frame after TE already sent. */
function usart2(): { m: Machine; u: Usart } {
  const m = chip();
  setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 17);
  write(m, 'USART2', USART_REG.BRR, 139);
  write(m, 'USART2', USART_REG.CR1, CR1.UE | CR1.TE | CR1.RE);
  advanceNs(m, CHAR_NS);
  return { m, u: usartOf(m, 'USART2') };
}

/** Firmware side: sends bytes through DR, one character time each. */
function firmwareSends(m: Machine, text: string): void {
  for (const b of Buffer.from(text)) {
    write(m, 'USART2', USART_REG.DR, b);
    advanceNs(m, CHAR_NS);
  }
}

/** Firmware side: receives `n` bytes from DR as they arrive. */
function firmwareReceives(m: Machine, n: number): string {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    advanceNs(m, CHAR_NS);
    out.push(read(m, 'USART2', USART_REG.DR));
  }
  return Buffer.from(out).toString();
}

/** Waits (in wall time) until `ready()` holds. */
async function until(ready: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Collects what a readable stream delivers. */
function collect(stream: NodeJS.ReadableStream): { text: () => string } {
  const chunks: Buffer[] = [];
  stream.on('data', (d: Buffer) => chunks.push(Buffer.from(d)));
  return { text: () => Buffer.concat(chunks).toString() };
}

describe('parseSerialSpec', () => {
  it('accepts stdio, pty, none, tcp:PORT, tcp:HOST:PORT and file:PATH', () => {
    assert.deepEqual(parseSerialSpec('stdio', '--usart2'), { kind: 'stdio' });
    assert.deepEqual(parseSerialSpec('pty', '--usart2'), { kind: 'pty' });
    assert.deepEqual(parseSerialSpec('none', '--usart2'), { kind: 'none' });
    assert.deepEqual(parseSerialSpec('tcp:4000', '--usart2'), { kind: 'tcp', host: '127.0.0.1', port: 4000 });
    assert.deepEqual(parseSerialSpec('tcp:0.0.0.0:0', '--usart2'), { kind: 'tcp', host: '0.0.0.0', port: 0 });
    assert.deepEqual(parseSerialSpec('tcp:[::1]:7', '--usart2'), { kind: 'tcp', host: '::1', port: 7 });
    assert.deepEqual(parseSerialSpec('file:out/u.log', '--usart2'), { kind: 'file', path: 'out/u.log' });
  });

  it('refuses anything else with one line naming the option', () => {
    for (const bad of ['serial', 'tcp:', 'tcp:70000', 'tcp:x', 'file:', 'tcp:host:']) {
      assert.throws(() => parseSerialSpec(bad, '--usart3'), (e: unknown) => e instanceof UserError && e.message.startsWith('--usart3: ') && !e.message.includes('\n'), bad);
    }
  });
});

describe('connectSerial tcp', () => {
  it('listens on 127.0.0.1 (port 0: a free one), announces it, and exchanges bytes with one client', async () => {
    const { m, u } = usart2();
    const lines: string[] = [];
    const handle = await connectSerial(u, 'tcp:0', { name: 'usart2', announce: (l) => lines.push(l) });
    try {
      assert.match(lines.join('\n'), /^usart2: tcp:127\.0\.0\.1:\d+$/);
      assert.equal(lines[0], `usart2: ${handle.description}`);
      const port = Number(handle.description.split(':').pop());
      const client = net.connect(port, '127.0.0.1');
      const received = collect(client);
      await new Promise((r) => client.once('connect', r));
      client.write('ping');
      await until(() => u.rxQueueLength === 4, 'the bytes to reach the USART');
      assert.equal(firmwareReceives(m, 4), 'ping');
      firmwareSends(m, 'pong');
      await until(() => received.text() === 'pong', 'the reply');
      client.destroy();
    } finally {
      await handle.close();
    }
  });

  it('turns a second client away while one is connected; after a disconnect a new client is served', async () => {
    const { m, u } = usart2();
    const handle = await connectSerial(u, 'tcp:0', { name: 'usart2', announce: () => {} });
    try {
      const port = Number(handle.description.split(':').pop());
      const first = net.connect(port, '127.0.0.1');
      await new Promise((r) => first.once('connect', r));
      await new Promise((r) => setTimeout(r, 20));
      const second = net.connect(port, '127.0.0.1');
      await new Promise((r) => second.once('close', r));
      first.destroy();
      await new Promise((r) => setTimeout(r, 20));
      const third = net.connect(port, '127.0.0.1');
      const got = collect(third);
      await new Promise((r) => third.once('connect', r));
      await new Promise((r) => setTimeout(r, 20));
      firmwareSends(m, 'ok');
      await until(() => got.text() === 'ok', 'bytes to the new client');
      third.destroy();
    } finally {
      await handle.close();
    }
  });

  it('a port already in use is a one-line UserError', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const { u } = usart2();
    await assert.rejects(connectSerial(u, `tcp:${port}`, { name: 'usart1', announce: () => {} }), (e: unknown) => e instanceof UserError && /^--usart1 tcp:127\.0\.0\.1:\d+: cannot listen: EADDRINUSE$/.test(e.message));
    blocker.close();
  });
});

describe('connectSerial pty', () => {
  it('creates a terminal through socat, announces exactly one line, and exchanges bytes through it', async () => {
    const { m, u } = usart2();
    const lines: string[] = [];
    const handle = await connectSerial(u, 'pty', { name: 'usart2', announce: (l) => lines.push(l) });
    try {
      assert.equal(lines.length, 1);
      assert.match(lines[0], /^usart2: \/dev\/pts\/\d+$/);
      const ptsPath = lines[0].slice('usart2: '.length);
      assert.equal(handle.description, ptsPath);
      const fd = fs.openSync(ptsPath, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
      const terminal = new tty.ReadStream(fd);
      const got = collect(terminal);
      fs.writeSync(fd, 'AT\r');
      await until(() => u.rxQueueLength === 3, 'the bytes to reach the USART');
      assert.equal(firmwareReceives(m, 3), 'AT\r');
      firmwareSends(m, 'OK\r\n');
      await until(() => got.text() === 'OK\r\n', 'the reply on the terminal');
      terminal.destroy();
    } finally {
      await handle.close();
    }
  });

  it('socat killed from outside: one line says the terminal is gone, the run goes on, close still works', async () => {
    const { m, u } = usart2();
    const lines: string[] = [];
    const handle = await connectSerial(u, 'pty', { name: 'usart2', announce: (l) => lines.push(l) });
    try {
      const children = spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' }).stdout;
      const socat = children.split('\n').map((l) => l.trim().split(/\s+/)).find(([, comm]) => comm === 'socat');
      assert.ok(socat, children);
      process.kill(Number(socat[0]), 'SIGKILL');
      await until(() => lines.length === 2, 'the notice');
      assert.match(lines[1], /^usart2: socat exited \(SIGKILL\): \/dev\/pts\/\d+ is gone; TX bytes are dropped$/);
      firmwareSends(m, 'lost');
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      await handle.close();
    }
  });

  it('without socat on the PATH it is a one-line UserError saying to install it', async () => {
    const { u } = usart2();
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await assert.rejects(connectSerial(u, 'pty', { name: 'usart3', announce: () => {} }), (e: unknown) => e instanceof UserError && /^--usart3 pty: socat not found: install socat/.test(e.message));
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('connectSerial file', () => {
  it('appends what the firmware sends to the file, keeping what was there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f4emu-serial-'));
    const file = path.join(dir, 'usart.log');
    fs.writeFileSync(file, 'before\n');
    const { m, u } = usart2();
    const handle = await connectSerial(u, `file:${file}`, { name: 'usart2' });
    firmwareSends(m, 'hello\n');
    await handle.close();
    assert.equal(fs.readFileSync(file, 'utf8'), 'before\nhello\n');
    fs.rmSync(dir, { recursive: true });
  });

  it('a file that cannot be opened is a one-line UserError naming it', async () => {
    const { u } = usart2();
    await assert.rejects(connectSerial(u, 'file:/nonexistent/dir/x.log', { name: 'usart6' }), (e: unknown) => e instanceof UserError && e.message === '--usart6 file:/nonexistent/dir/x.log: cannot open for appending: ENOENT');
  });
});

describe('connectSerial: failures while bytes go out', () => {
  it('a failing output barrier: the batch is dropped, the failure goes to the host-failure listeners, close releases the port and throws it', async () => {
    const { m, u } = usart2();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const out = collect(stdout);
    const failures: unknown[] = [];
    const stopListening = onHostFailure((e) => failures.push(e));
    const disk = new UserError('s.f4s: cannot write the state file: EIO');
    const removeBarrier = addOutputBarrier(() => {
      throw disk;
    });
    try {
      const handle = await connectSerial(u, 'stdio', { name: 'usart2', stdin, stdout });
      firmwareSends(m, 'ACK'); // flushed by a setImmediate callback: the error must not escape from it
      await until(() => failures.length > 0, 'the failure report');
      assert.equal(failures[0], disk);
      firmwareSends(m, 'more');
      await assert.rejects(handle.close(), (e) => e === disk);
      assert.equal(out.text(), '', 'no byte the failed sync should have preceded');
      assert.equal(stdin.listenerCount('data'), 0, 'the port is released');
    } finally {
      removeBarrier();
      stopListening();
    }
  });

  it('file: a write the disk refuses is reported as one line naming the port and file', async () => {
    const { m, u } = usart2();
    const failures: unknown[] = [];
    const stopListening = onHostFailure((e) => failures.push(e));
    try {
      const handle = await connectSerial(u, 'file:/dev/full', { name: 'usart2' });
      firmwareSends(m, 'x');
      await until(() => failures.length > 0, 'the failure report');
      assert.ok(failures[0] instanceof UserError);
      assert.equal((failures[0] as UserError).message, '--usart2 file:/dev/full: cannot write: no space left on the device');
      await handle.close();
    } finally {
      stopListening();
    }
  });
});

describe('connectSerial stdio and none', () => {
  it('stdio: input bytes are queued for RX, TX bytes are written to the output; end of input ends nothing', async () => {
    const { m, u } = usart2();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const out = collect(stdout);
    const handle = await connectSerial(u, 'stdio', { name: 'usart2', stdin, stdout, announce: () => assert.fail('no line for a non-terminal') });
    stdin.end('hi');
    await until(() => u.rxQueueLength === 2, 'stdin bytes');
    assert.equal(firmwareReceives(m, 2), 'hi');
    firmwareSends(m, 'yo');
    await until(() => out.text() === 'yo', 'stdout bytes');
    await handle.close();
  });

  it('none: TX bytes are dropped and the transmitter still completes', async () => {
    const { m, u } = usart2();
    await connectSerial(u, 'none', { name: 'usart2' });
    firmwareSends(m, 'x');
    assert.ok(read(m, 'USART2', USART_REG.SR) & 0x40); // TC
  });

  it('the raw terminal escape: Ctrl-A x quits, Ctrl-A Ctrl-A sends one Ctrl-A, other keys pass', () => {
    let quits = 0;
    const keys = escapeFilter(() => quits++);
    assert.deepEqual([...keys(Buffer.from([0x61, 0x01, 0x01, 0x03]))], [0x61, 0x01, 0x03]);
    assert.deepEqual([...keys(Buffer.from([0x01]))], []);
    assert.deepEqual([...keys(Buffer.from([0x62]))], [0x01, 0x62], 'an escape split across reads');
    assert.deepEqual([...keys(Buffer.from([0x01, 0x78, 0x63]))], [0x63]);
    assert.equal(quits, 1);
  });
});

import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import { RDP_LEVEL2 } from '../../src/flash/option-bytes.js';
import { FlashProgrammer } from '../../src/flash/programmer.js';
import { frame } from '../../src/gdb/rsp.js';
import { MachineTarget } from '../../src/gdb/target.js';
import { GdbTcpServer } from '../../src/gdb/tcp.js';
import type { Machine } from '../../src/machine.js';
import { programMachine } from './support.js';

interface Client {
  socket: net.Socket;
  received: () => string;
  /** Resolves when the received text matches, or the connection closes (then with what came). */
  until: (pattern: RegExp) => Promise<string>;
  closed: Promise<void>;
}

function connect(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let waiting: { pattern: RegExp; resolve: (t: string) => void } | null = null;
    const check = () => {
      if (waiting && waiting.pattern.test(text)) {
        waiting.resolve(text);
        waiting = null;
      }
    };
    const closed = new Promise<void>((done) =>
      socket.on('close', () => {
        waiting?.resolve(text);
        done();
      }),
    );
    socket.on('data', (d) => {
      text += d.toString('latin1');
      check();
    });
    socket.on('error', reject);
    socket.on('connect', () =>
      resolve({
        socket,
        received: () => text,
        until: (pattern) => new Promise((r) => ((waiting = { pattern, resolve: r }), check())),
        closed,
      }),
    );
  });
}

async function serve(machine: Machine = programMachine()) {
  const target = new MachineTarget(machine);
  const notices: string[] = [];
  const server = await GdbTcpServer.listen(target, { host: '127.0.0.1', port: 0, notice: (l) => notices.push(l), log: () => {} });
  return { target, server, notices };
}

const packet = (p: string) => Buffer.from(frame(p));

test('a connection attaches (the core halts) and speaks the protocol', async () => {
  const { target, server } = await serve();
  const c = await connect(server.port);
  c.socket.write(Buffer.concat([Buffer.from('+'), packet('qSupported:swbreak+')]));
  assert.match(await c.until(/#[0-9a-f]{2}$/), /^\+\$PacketSize=4000;QStartNoAckMode\+;/);
  assert.equal(target.attached, true);
  assert.equal(target.halted, true);
  c.socket.end();
  await c.closed;
  await server.close();
});

test('closing the connection detaches: points removed, the core runs, the flash interface forgets the debugger', async () => {
  const machine = programMachine();
  const { target, server } = await serve(machine);
  const c = await connect(server.port);
  c.socket.write(packet('Z0,8000104,2'));
  await c.until(/OK#/);
  assert.equal(target.breakpoints.has(0x0800_0104), true);
  c.socket.destroy();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(target.attached, false);
  assert.equal(target.halted, false);
  assert.equal(target.breakpoints.has(0x0800_0104), false);
  assert.equal(target.flash?.debuggerAttached, false);
  await server.close();
});

test('a second debugger is turned away while one is connected', async () => {
  const { server, notices } = await serve();
  const first = await connect(server.port);
  const second = await connect(server.port);
  await second.closed;
  assert.match(notices.join('\n'), /refused a connection from 127\.0\.0\.1:\d+: a debugger is already connected/);
  first.socket.write(packet('qC'));
  assert.match(await first.until(/QC1/), /QC1/, 'the first goes on');
  first.socket.end();
  await server.close();
});

test('at RDP level 2 the connection gets E.<why> and is closed, and the reason is printed', async () => {
  const machine = programMachine();
  const p = new FlashProgrammer(machine, { asDebugger: false });
  p.programOptionBytes({ ...p.optionBytes, rdp: RDP_LEVEL2 });
  const { target, server, notices } = await serve(machine);
  const c = await connect(server.port);
  c.socket.write(Buffer.concat([Buffer.from('+'), packet('qSupported')]));
  await c.closed;
  assert.match(c.received(), /^\+\$E\.read protection level 2 disables the debug port/);
  assert.match(notices.join('\n'), /gdb: refused the connection from .*: read protection level 2/);
  assert.equal(target.attached, false);
  await server.close();
});

test('the end of the program reaches GDB as W with the exit status', async () => {
  const { server } = await serve();
  const c = await connect(server.port);
  c.socket.write(packet('QStartNoAckMode'));
  await c.until(/OK#/);
  server.exited(3);
  assert.match(await c.until(/\$W03#/), /\$W03#/);
  await server.close();
  await c.closed;
});

test('listening on a port in use is a one-line UserError', async () => {
  const { server } = await serve();
  await assert.rejects(serve2(server.port), { name: 'UserError', message: `--gdb: 127.0.0.1:${server.port} is in use` });
  await server.close();
});

function serve2(port: number) {
  return GdbTcpServer.listen(new MachineTarget(programMachine()), { host: '127.0.0.1', port, notice: () => {}, log: () => {} });
}

import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import { Command } from 'commander';
import { addGdbOptions, parsePort, startGdbServer } from '../../src/cli/gdb-options.js';
import { frame } from '../../src/gdb/rsp.js';
import { programMachine } from '../gdb/support.js';

test('addGdbOptions adds --gdb, --gdb-host and --halt', () => {
  const cmd = addGdbOptions(new Command('run').exitOverride()).argument('<file>');
  cmd.parse(['x.elf', '--gdb', '3333', '--gdb-host', '0.0.0.0', '--halt'], { from: 'user' });
  assert.deepEqual(cmd.opts(), { gdb: '3333', gdbHost: '0.0.0.0', halt: true });
});

test('a port is 0–65535; anything else is a one-line UserError', () => {
  assert.equal(parsePort('0'), 0);
  assert.equal(parsePort('65535'), 65535);
  for (const bad of ['65536', '-1', 'abc', '12.5', '']) assert.throws(() => parsePort(bad), { name: 'UserError', message: /^--gdb: not a TCP port/ });
});

test('without --gdb there is no server; --halt or --gdb-host alone are errors', async () => {
  assert.equal(await startGdbServer(programMachine(), {}), null);
  await assert.rejects(startGdbServer(programMachine(), { halt: true }), { name: 'UserError', message: '--halt needs --gdb PORT (it waits for a debugger)' });
  await assert.rejects(startGdbServer(programMachine(), { gdbHost: '::1' }), { name: 'UserError' });
});

test('port 0 picks a free port and prints exactly one line gdb: 127.0.0.1:PORT', async () => {
  const lines: string[] = [];
  const gdb = (await startGdbServer(programMachine(), { gdb: '0' }, { notice: (l) => lines.push(l) }))!;
  assert.ok(gdb.port > 0);
  assert.deepEqual(lines, [`gdb: 127.0.0.1:${gdb.port}`]);
  await gdb.close();
});

test('--halt holds the core at reset until GDB continues; a breakpoint stop is reported through stopped()', async () => {
  const machine = programMachine();
  const gdb = (await startGdbServer(machine, { gdb: '0', halt: true }, { notice: () => {} }))!;
  let running = false;
  void gdb.whileHalted().then(() => (running = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(running, false, 'held before any debugger connects');

  const socket = net.connect(gdb.port, '127.0.0.1');
  let text = '';
  socket.on('data', (d) => (text += d.toString('latin1')));
  const wait = async (pattern: RegExp) => {
    for (let i = 0; i < 200 && !pattern.test(text); i++) await new Promise((r) => setTimeout(r, 5));
    return text;
  };
  await new Promise((r) => socket.on('connect', r));
  socket.write(Buffer.from(frame('Z0,8000106,2')));
  await wait(/OK/);
  socket.write(Buffer.from(frame('c')));
  await gdb.whileHalted();
  assert.equal(gdb.stopped(machine.run(1000)), true, 'the run ended at the breakpoint');
  assert.match(await wait(/T05/), /\$T05thread:1;#/);
  assert.equal(gdb.stopped('budget'), false, 'a slice that ran out is the loop\'s own business');
  socket.destroy();
  await gdb.close();
});

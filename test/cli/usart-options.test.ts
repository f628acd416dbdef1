// The USART options of `f4emu run`: --usart1 … --usart6 (--uart4/--uart5).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { USART_OPTIONS, addUsartOptions, applyUsartOptions } from '../../src/cli/usart-options.js';
import { UserError } from '../../src/errors.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { CR1, IDLE_POLLS, USART_REG } from '../../src/peripherals/usart.js';
import { chip, read, setBits, write } from '../peripherals/support.js';

describe('addUsartOptions', () => {
  it('declares --usart1, --usart2, --usart3, --uart4, --uart5, --usart6 with their defaults in the help', () => {
    const cmd = addUsartOptions(new Command('run').exitOverride());
    const help = cmd.helpInformation();
    for (const name of USART_OPTIONS) assert.ok(help.includes(`--${name} <port>`), name);
    assert.match(help, /--usart2 <port>\s+connect USART2 [^-]*\(default stdio\)/);
    cmd.parse(['--usart3', 'pty', '--uart4', 'tcp:5000'], { from: 'user' });
    assert.deepEqual(cmd.opts(), { usart3: 'pty', uart4: 'tcp:5000' });
  });
});

describe('applyUsartOptions', () => {
  it('connects each USART as asked and reports when the firmware waits for input, until input comes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f4emu-usart-options-'));
    const m = chip();
    const lines: string[] = [];
    const ports = await applyUsartOptions(m, { usart2: 'none', usart1: 'tcp:0', uart4: `file:${path.join(dir, 'u4.log')}` }, (l) => lines.push(l));
    try {
      assert.deepEqual(ports.ports.map((p) => p.name), ['usart1', 'uart4']);
      assert.match(lines.join('\n'), /^usart1: tcp:127\.0\.0\.1:\d+$/);
      // USART1 firmware polling for input with nothing queued: idle; a client's byte ends it.
      setBits(m, 'RCC', RCC_REG.APB2ENR, 1 << 4);
      write(m, 'USART1', USART_REG.BRR, 139);
      write(m, 'USART1', USART_REG.CR1, CR1.UE | CR1.RE);
      for (let i = 0; i < IDLE_POLLS; i++) read(m, 'USART1', USART_REG.SR);
      assert.equal(ports.idle(), true);
      const input = ports.whenInput();
      const client = net.connect(Number(ports.ports[0].handle.description.split(':').pop()), '127.0.0.1');
      client.write('!');
      await input;
      assert.equal(ports.idle(), false);
      client.destroy();
    } finally {
      await ports.close();
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('refuses two USARTs on stdio and bad values with a UserError before opening anything', async () => {
    const m = chip();
    await assert.rejects(applyUsartOptions(m, { usart1: 'stdio', usart3: 'stdio' }), (e: unknown) => e instanceof UserError && e.message === '--usart3: stdio is already used by --usart1 (one USART per terminal)');
    await assert.rejects(applyUsartOptions(m, { usart2: 'none', usart1: 'tcp:0', usart6: 'serial0' }), (e: unknown) => e instanceof UserError && e.message.startsWith('--usart6: unknown port'));
  });

  it('gives the terminal to the USART the user names: USART2 leaves stdio when --usart1 stdio is given', async () => {
    const m = chip();
    const c = await applyUsartOptions(m, { usart1: 'stdio' });
    try {
      assert.deepEqual(c.ports.map((p) => p.name), ['usart1']);
    } finally {
      await c.close();
    }
  });

  it('closes the ports it opened when a later one fails', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as net.AddressInfo).port;
    const m = chip();
    const lines: string[] = [];
    await assert.rejects(applyUsartOptions(m, { usart2: 'none', usart1: 'tcp:0', usart3: `tcp:${busy}` }, (l) => lines.push(l)), UserError);
    const opened = Number(lines[0].split(':').pop());
    const probe = net.connect(opened, '127.0.0.1');
    const refused = await new Promise<boolean>((r) => {
      probe.once('error', () => r(true));
      probe.once('connect', () => r(false));
    });
    probe.destroy();
    blocker.close();
    assert.equal(refused, true, 'the first server was closed again');
  });
});

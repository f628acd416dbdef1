/**
 * The sample bootloader + application pair (firmware/sample-bootloader, firmware/sample-app) and the
 * host update script (tools/update-app.ts), end to end through the command line, as
 * docs/bootloader-walkthrough.md tells a user:
 *
 *   1. `f4emu state program` puts the bootloader into a new state file;
 *   2. `f4emu run --state S --usart2 tcp:0`: no application yet, so the bootloader waits on USART2;
 *      tools/update-app.ts, a separate process, updates the application over that TCP port and starts it;
 *   3. `f4emu run` again (a power-on reset): the bootloader checks the CRC and starts the application,
 *      which prints its banner and ticks, chases the LEDs (`--log gpio`) and reports the button;
 *   4. `--button held` keeps the bootloader in its command loop;
 *   5. one corrupted application byte (`f4emu state program` of a patched image): the bootloader
 *      refuses to jump.
 * Runs of the application are bounded by --max-instructions, so what they print does not depend on
 * the host's speed; runs that end with the bootloader waiting for commands are bounded by --timeout
 * (a USART wait executes next to nothing, and keeps wall-clock time).
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { APP_HEADER_OFFSET, APP_START } from '../../tools/update-app.js';
import { ROOT, f4emu } from '../cli/spawn.js';

const BOOTLOADER = 'firmware/build/sample-bootloader.elf';
const APP = 'firmware/build/sample-app.elf';
/** Enough for the bootloader, the application's banner and a few seconds of emulated time. */
const BOOT_INSTRUCTIONS = '1000000';
const WAIT_SECONDS = '2';

let dir: string;
let state: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'f4emu-sample-pair-'));
  state = join(dir, 'board.f4s');
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Starts a program in its own process (node with tsx, from the repository root). */
function start(script: string, args: string[]): { child: ChildProcessWithoutNullStreams; out: Finished; done: Promise<Finished> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  const out: Finished = { status: null, stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      out.status = status;
      resolve(out);
    });
  });
  return { child, out, done };
}

/** Resolves when `text` matches `pattern` (checked as data arrives), or fails after `ms`. */
async function waitFor(stream: NodeJS.ReadableStream, get: () => string, pattern: RegExp, ms: number): Promise<RegExpExecArray> {
  const t0 = Date.now();
  for (;;) {
    const m = pattern.exec(get());
    if (m) return m;
    assert.ok(Date.now() - t0 < ms, `no ${pattern} after ${ms} ms in:\n${get()}`);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 50);
      stream.once('data', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  }
}

/** The LEDs that went on, in order, from `--log gpio` lines. */
function ledsLit(log: string): string[] {
  return [...log.matchAll(/\] LED (\w+) \(PD1[2-5]\) on$/gm)].map((m) => m[1]);
}

const timings: string[] = [];
after(() => process.stderr.write(`sample pair wall times: ${timings.join(', ')}\n`));

async function timed<T>(what: string, body: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await body();
  } finally {
    timings.push(`${what} ${((Date.now() - t0) / 1000).toFixed(2)} s`);
  }
}

/** `f4emu run --state` on the Discovery board with USART2 on stdout, for a bounded number of instructions. */
async function boot(...extra: string[]): Promise<Finished> {
  const r = await f4emu(['run', '--state', state, '--usart2', 'stdio', '--log', 'gpio', '--max-instructions', BOOT_INSTRUCTIONS, ...extra]);
  assert.equal(r.status, 124, `f4emu run should stop at --max-instructions:\n${r.stderr}`);
  return r;
}

/** `f4emu run --state` of a bootloader that ends up waiting for commands on USART2: stopped after WAIT_SECONDS. */
async function bootToCommandLoop(...extra: string[]): Promise<Finished> {
  const r = await f4emu(['run', '--state', state, '--usart2', 'stdio', '--log', 'gpio', '--timeout', WAIT_SECONDS, ...extra]);
  assert.equal(r.status, 124, `f4emu run should stop at --timeout:\n${r.stderr}`);
  assert.match(r.stderr, /--timeout \S+ s reached/);
  return r;
}

test('f4emu state program puts the sample bootloader into a new state file', async () => {
  await timed('state program', async () => {
    const r = await f4emu(['state', 'program', state, BOOTLOADER]);
    assert.equal(r.status, 0, r.stderr);
  });
});

test('with no application the bootloader waits on USART2, and update-app writes, verifies and starts the application over TCP', async () => {
  await timed('update', async () => {
    const emulator = start('src/cli/main.ts', ['run', '--state', state, '--usart2', 'tcp:0', '--log', 'gpio']);
    try {
      const port = (await waitFor(emulator.child.stderr, () => emulator.out.stderr, /^usart2: (tcp:\S+)$/m, 20_000))[1];
      const tool = await start('tools/update-app.ts', ['--port', port, APP, '--monitor', '1']).done;
      assert.equal(tool.status, 0, tool.stderr);
      assert.match(tool.stderr, /bootloader 1\.0 \(protocol 1\), application slot 0x08008000-0x080FFFFF/);
      assert.match(tool.stderr, /chip: DBGMCU_IDCODE 0x10076413/);
      assert.match(tool.stderr, /read protection: level 0 \(RDP byte 0xAA\)/);
      assert.match(tool.stderr, /erasing sector 2\n/);
      assert.match(tool.stderr, /verified: \d+ bytes read back/);
      assert.match(tool.stderr, /started application 1\.0\.0/);
      // After the jump the application runs straight away, and update-app --monitor shows it.
      assert.match(tool.stdout, /^f4boot: starting the application\r\n\r\nsample-app 1\.0\.0: SYSCLK 168 MHz from HSE/);
      await waitFor(emulator.child.stderr, () => emulator.out.stderr, /LED green \(PD12\) on/, 5000);
    } finally {
      emulator.child.kill('SIGINT');
      await emulator.done;
    }
  });
});

test('at power-on the bootloader checks the CRC and starts the application: banner, ticks, LED chase, button', async () => {
  await timed('app boot', async () => {
    const r = await boot('--press-button-at', '1500ms');
    assert.match(r.stdout, /^f4boot 1\.0: starting the application, version 0x01000000\r\n\r\nsample-app 1\.0\.0: SYSCLK 168 MHz from HSE, LEDs PD12-PD15, button PA0\r\ntick 1\r\nbutton\r\ntick 2\r\ntick 3\r\n/);
    // One LED at a time, round the board every second, 250 ms apart.
    assert.deepEqual(ledsLit(r.stderr).slice(0, 8), ['green', 'orange', 'red', 'blue', 'green', 'orange', 'red', 'blue']);
    const greenOn = [...r.stderr.matchAll(/^\[([\d.]+) ms\] LED green \(PD12\) on$/gm)].map((m) => Number(m[1]));
    assert.ok(Math.abs(greenOn[1] - greenOn[0] - 1000) < 1, `green came back after ${greenOn[1] - greenOn[0]} ms`);
    assert.match(r.stderr, /^\[1500\.000 ms\] button B1 \(PA0\) pressed$/m);
  });
});

test('with the button held at reset the bootloader stays in its command loop', async () => {
  await timed('button held', async () => {
    const r = await bootToCommandLoop('--button', 'held');
    assert.equal(r.stdout, 'f4boot 1.0: button held; waiting for commands on USART2\r\n');
    assert.deepEqual(ledsLit(r.stderr), []);
  });
});

test('one corrupted application byte makes the bootloader refuse to jump', async () => {
  await timed('corrupt', async () => {
    const good = join(dir, 'app-crc.bin');
    const written = await start('tools/update-app.ts', ['--write-image', good, APP]).done;
    assert.equal(written.status, 0, written.stderr);
    const bytes = readFileSync(good);
    bytes[APP_HEADER_OFFSET + 0x40] ^= 0x01; // in the code, past the header
    const bad = join(dir, 'app-corrupt.bin');
    writeFileSync(bad, bytes);
    const programmed = await f4emu(['state', 'program', state, bad, '--base', `0x${APP_START.toString(16)}`]);
    assert.equal(programmed.status, 0, programmed.stderr);

    const r = await bootToCommandLoop();
    assert.match(r.stdout, /^f4boot 1\.0: application CRC mismatch \(computed 0x[0-9A-F]{8}, stored 0x[0-9A-F]{8}\); waiting for commands on USART2\r\n$/);
    assert.deepEqual(ledsLit(r.stderr), []);
  });
});

/**
 * The real stm32flash (Debian's 0.7) against `f4emu run --boot0 1 --state S --usart1 pty`: the chip
 * boots into the system-memory bootloader (sysboot) and is flashed, read, erased, write- and
 * read-protected the way a user does it with a real board, through a pseudo-terminal. The state file
 * carries the chip from one f4emu run to the next.
 *
 * On a Linux PTY stm32flash needs `-m 8n1`: the PTY cannot keep PARENB (see the README section).
 * Needs stm32flash and socat (CI installs both; elsewhere the tests are skipped when they are missing).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../cli/spawn.js';
import { type F4emuProcess, missingTools, startF4emu } from './f4emu-process.js';

const skip = missingTools('stm32flash', 'socat');
const HELLO = join(ROOT, 'firmware/build/sysboot-apps-hello.bin');
const ENTER = join(ROOT, 'firmware/build/sysboot-apps-enter-bootloader.elf');
const dir = mkdtempSync(join(tmpdir(), 'f4emu-stm32flash-'));
const STATE = join(dir, 'chip.f4s');
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  output: string;
}

/** stm32flash with the PTY settings every user needs (`-m 8n1`), its stdout and stderr together. */
function stm32flash(pty: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('stm32flash', ['-m', '8n1', '-b', '115200', ...args, pty], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output: output.replace(/\r/g, '\n') });
    });
  });
}

function ok(run: Run, what: string): string {
  assert.equal(run.status, 0, `${what}: stm32flash failed:\n${run.output}`);
  return run.output;
}

/** A fresh f4emu on the state file, booted into the bootloader, for `fn`. */
async function withBootloader(fn: (pty: string, f4emu: F4emuProcess) => Promise<void>): Promise<void> {
  const f4emu = await startF4emu(['--boot0', '1', '--state', STATE, '--usart1', 'pty']);
  try {
    await fn(f4emu.where, f4emu);
  } finally {
    await f4emu.stop();
  }
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function readBack(pty: string, address: number, length: number): Promise<Buffer> {
  const out = join(dir, `read-${address.toString(16)}.bin`);
  ok(await stm32flash(pty, '-r', out, '-S', `0x${address.toString(16)}:${length}`), `read ${length} bytes at 0x${address.toString(16)}`);
  return readFileSync(out);
}

test('stm32flash drives the emulated chip through the system-memory bootloader', { skip }, async (t) => {
  const hello = readFileSync(HELLO);

  await t.test('stm32flash reads the device information: bootloader V3.1, device ID 0x0413', async () => {
    await withBootloader(async (pty) => {
      const out = ok(await stm32flash(pty), 'device information');
      assert.match(out, /Version\s*: 0x31/);
      assert.match(out, /Option 1\s*: 0x00/);
      assert.match(out, /Device ID\s*: 0x0413 \(STM32F40xxx\/41xxx\)/);
      // A second run on the same line: its 0x7F becomes a command code, stm32flash re-synchronises.
      assert.match(ok(await stm32flash(pty), 'again'), /Device ID\s*: 0x0413/);
    });
  });

  await t.test('-w app.bin -v -g 0x08000000 writes, verifies and starts an application that prints on USART2', async () => {
    await withBootloader(async (pty, f4emu) => {
      const out = ok(await stm32flash(pty, '-w', HELLO, '-v', '-g', '0x08000000'), 'write');
      assert.match(out, new RegExp(`Wrote and verified address 0x${(0x0800_0000 + hello.length).toString(16).padStart(8, '0')} \\(100\\.00%\\)`));
      assert.match(out, /Starting execution at address 0x08000000\.\.\. done\./);
      await f4emu.waitForStdout('hello from flash\n');
    });
  });

  await t.test('-r reads the application back, byte for byte, in the next f4emu run on the same state file', async () => {
    await withBootloader(async (pty) => {
      assert.deepEqual(await readBack(pty, 0x0800_0000, hello.length), hello);
    });
  });

  await t.test('-j read-protects the flash: a read is refused; -k unprotects it with a mass erase', async () => {
    await withBootloader(async (pty) => {
      assert.match(ok(await stm32flash(pty, '-j'), 'read protect'), /Done/);
      const refused = await stm32flash(pty, '-r', join(dir, 'refused.bin'), '-S', '0x08000000:256');
      assert.notEqual(refused.status, 0, refused.output);
      assert.match(refused.output, /Failed to read memory at address 0x08000000/);
      assert.match(ok(await stm32flash(pty), 'device information at RDP level 1'), /Device ID\s*: 0x0413/);
      assert.match(ok(await stm32flash(pty, '-k'), 'read unprotect'), /Done/);
      assert.deepEqual(await readBack(pty, 0x0800_0000, 256), Buffer.alloc(256, 0xff), 'the flash was mass-erased');
    });
  });

  await t.test('-o erases what -w wrote', async () => {
    await withBootloader(async (pty) => {
      const block = file('block.bin', Uint8Array.from({ length: 256 }, (_, i) => i));
      ok(await stm32flash(pty, '-w', block, '-v', '-S', '0x08004000'), 'write one block to sector 1');
      assert.deepEqual(await readBack(pty, 0x0800_4000, 256), Buffer.from(readFileSync(block)));
      assert.match(ok(await stm32flash(pty, '-o'), 'erase'), /Erasing flash/);
      assert.deepEqual(await readBack(pty, 0x0800_4000, 256), Buffer.alloc(256, 0xff));
    });
  });

  await t.test('option bytes written with -S 0x1FFFC000 write-protect sector 1: a later write fails to verify; -u lifts it', async () => {
    await withBootloader(async (pty) => {
      const ob = await readBack(pty, 0x1fff_c000, 16);
      assert.deepEqual([...ob.subarray(0, 2)], [0xff, 0xaa], 'factory USER and RDP bytes');
      const protectedOb = Buffer.from(ob);
      protectedOb[8] &= ~(1 << 1); // nWRP1 = 0
      ok(await stm32flash(pty, '-w', file('ob.bin', protectedOb), '-S', '0x1fffc000'), 'write the option bytes');
      assert.equal((await readBack(pty, 0x1fff_c008, 4))[0] & 0b10, 0, 'nWRP1 = 0 after the reset');
      const block = file('block2.bin', Uint8Array.from({ length: 256 }, (_, i) => i ^ 0x5a));
      const refused = await stm32flash(pty, '-n', '0', '-w', block, '-v', '-S', '0x08004000');
      assert.notEqual(refused.status, 0, refused.output);
      assert.match(refused.output, /Failed to verify at address 0x08004000/);
      assert.deepEqual(await readBack(pty, 0x0800_4000, 256), Buffer.alloc(256, 0xff), 'nothing was written');
      ok(await stm32flash(pty, '-u'), 'write unprotect');
      assert.deepEqual([...(await readBack(pty, 0x1fff_c008, 2))], [0xff, 0xff], 'every sector writable again');
    });
  });
});

test('an application that jumps to the bootloader (MSP from 0x1FFF_0000, PC from 0x1FFF_0004) answers stm32flash', { skip }, async () => {
  const f4emu = await startF4emu([ENTER, '--usart1', 'pty']);
  try {
    await f4emu.waitForStdout('enter-bootloader: jumping to the system bootloader\n');
    const out = ok(await stm32flash(f4emu.where), 'device information');
    assert.match(out, /Device ID\s*: 0x0413/);
  } finally {
    await f4emu.stop();
  }
});

test('the bootloader answers stm32flash on USART3 (PB10/PB11, PC10/PC11) as well', { skip }, async () => {
  const f4emu = await startF4emu(['--boot0', '1', '--usart3', 'pty'], 'usart3');
  try {
    assert.match(ok(await stm32flash(f4emu.where), 'device information on USART3'), /Device ID\s*: 0x0413/);
  } finally {
    await f4emu.stop();
  }
});

/**
 * Wall time of `stm32flash -w IMAGE -v` of a 1 MB image through the emulated ROM bootloader
 * (system memory, BOOT0 = 1; AN3155 USART protocol): f4emu runs as `f4emu run --boot0 1
 * --usart1 tcp:PORT`, socat turns that socket into a pseudo-terminal, stm32flash talks to the pty
 * with `-m 8n1` (a Linux pty cannot keep even parity; /work/shared/spec/bootloader-protocol.md).
 *
 * Skipped, with the reason, while a piece is missing: stm32flash or socat on PATH, a bootloader in
 * system memory (issue 7: the reset vector read with BOOT0 = 1 must point into system memory), the
 * `--usart1` host port of `f4emu run`. Until those exist this path has not been exercised end to end.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMachine } from '../src/boards/index.js';
import { DEFAULT_DEVICE, region, regionAt } from '../src/device/stm32f407.js';
import { hex32 } from '../src/errors.js';
import { findProgram, timeProgram } from './host-tools.js';
import { testPattern } from './pattern.js';
import { BenchFailure } from './result-line.js';

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
/** `run` wants an image; with BOOT0 = 1 the chip starts in the ROM, whatever flash holds. */
const IMAGE_IN_FLASH = fileURLToPath(new URL('../firmware/build/demo.elf', import.meta.url));
const IMAGE_BYTES = 1024 * 1024;
const TIMEOUT_SECONDS = 600;

export type BootloaderMeasurement = { readonly skipped: string } | { readonly bytes: number; readonly seconds: number };

/** True when system memory holds a program: with BOOT0 = 1 the reset vector points into it. */
export function romBootloaderPresent(): boolean {
  const machine = createMachine({ boot0: 1, boot1: 0 });
  machine.reset('power-on');
  return regionAt(machine.device, machine.cpu.npc)?.name === 'system';
}

/** True when `f4emu run` offers a host port for USART1 (`--usart1 tcp:PORT`). */
function runHasUsartPorts(): boolean {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'run', '--help'], { encoding: 'utf8' });
  return (r.stdout ?? '').includes('--usart1');
}

/** Why the measurement cannot run yet, or undefined when it can. */
function missingPiece(): string | undefined {
  if (!findProgram('stm32flash')) return 'stm32flash not found';
  if (!findProgram('socat')) return 'socat not found (it gives stm32flash a pty)';
  if (!romBootloaderPresent()) return 'no ROM bootloader in system memory yet (issue 7)';
  if (!runHasUsartPorts()) return '`f4emu run` has no --usart1 host port yet';
  return undefined;
}

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new BenchFailure('stm32flash: no free TCP port');
  return address.port;
}

async function waitFor(condition: () => boolean, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Programs and verifies a 1 MB image with stm32flash through the ROM bootloader; skipped when a piece is missing. */
export async function measureStm32flash(): Promise<BootloaderMeasurement> {
  const missing = missingPiece();
  if (missing !== undefined) return { skipped: missing };
  const dir = mkdtempSync(join(tmpdir(), 'f4emu-bench-'));
  const children: ChildProcess[] = [];
  try {
    const image = join(dir, 'image.bin');
    writeFileSync(image, testPattern(IMAGE_BYTES));
    const port = await freeTcpPort();
    const tty = join(dir, 'tty');
    children.push(spawn(process.execPath, ['--import', 'tsx', CLI, 'run', '--boot0', '1', '--usart1', `tcp:${port}`, IMAGE_IN_FLASH], { stdio: 'ignore' }));
    children.push(spawn('socat', [`PTY,link=${tty},rawer`, `TCP:127.0.0.1:${port},retry=100,interval=0.1`], { stdio: 'ignore' }));
    if (!(await waitFor(() => existsSync(tty), 15))) throw new BenchFailure('stm32flash: socat made no pty for the emulated USART1');
    const flashStart = hex32(region(DEFAULT_DEVICE, 'flash').start);
    const run = timeProgram(findProgram('stm32flash')!, ['-m', '8n1', '-b', '115200', '-w', image, '-v', '-S', flashStart, tty], TIMEOUT_SECONDS);
    if (run.timedOut) throw new BenchFailure(`stm32flash: not done after ${TIMEOUT_SECONDS} s`);
    if (run.status !== 0) throw new BenchFailure(`stm32flash: exit status ${run.status}: ${lastLine(run.stdout + run.stderr)}`);
    return { bytes: IMAGE_BYTES, seconds: run.seconds };
  } finally {
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

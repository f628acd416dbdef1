// `f4emu run`: options, semihosting on the terminal, and every exit status.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CORE_BLOCKS, DEFAULT_DEVICE } from '../../src/device/stm32f407.js';
import { An3155Client, tcpLink } from '../e2e/an3155-client.js';
import { ROOT, f4emu } from './spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'f4emu-run-'));
const FLASH = 0x0800_0000;
const CODE = 0x40; // code starts after the 16 system vectors

/**
 * A flash image: vectors (SP = top of SRAM, Reset → CODE, every fault → FAULT_LOOP; `handlers` maps other
 * exception numbers to offsets in the image), Thumb halfwords at CODE, then 32-bit literals, and `b .` at
 * the end as the fault handlers' loop, then the trailer bytes. Returns the file path.
 */
function program(name: string, halfwords: number[], literals: number[] = [], trailer: number[] = [], handlers: Record<number, number> = {}): string {
  const codeBytes = halfwords.length * 2;
  const literalAt = CODE + codeBytes;
  const faultLoop = literalAt + literals.length * 4;
  const bytes = new Uint8Array(faultLoop + 2 + trailer.length);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, 0x2002_0000, true);
  v.setUint32(4, FLASH + CODE + 1, true);
  for (let i = 2; i < 16; i++) v.setUint32(i * 4, FLASH + (handlers[i] ?? faultLoop) + 1, true);
  halfwords.forEach((h, i) => v.setUint16(CODE + 2 * i, h, true));
  literals.forEach((w, i) => v.setUint32(literalAt + 4 * i, w, true));
  v.setUint16(faultLoop, 0xe7fe, true); // b .
  trailer.forEach((b, i) => (bytes[faultLoop + 2 + i] = b));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Reads one character with SYS_READC and exits with it as the status (SYS_EXIT_EXTENDED {ApplicationExit, char}). */
const readcExit = (): string =>
  program('readc.bin', [
    0x2007, // movs r0, #SYS_READC
    0xbeab, // bkpt 0xab
    0x4903, // ldr r1, [pc, #12] → 0x2000_0000
    0x6048, // str r0, [r1, #4]
    0x4a03, // ldr r2, [pc, #12] → 0x20026
    0x600a, // str r2, [r1]
    0x2020, // movs r0, #SYS_EXIT_EXTENDED
    0xbeab, // bkpt 0xab
    0xe7fe, // b .
    0xbf00, // nop (literal alignment)
  ], [0x2000_0000, 0x20026]);

const spin = (): string => program('spin.bin', [0xe7fe, 0xbf00]);

/** SysTick ticks per emulated second of the tick programs (on the reset clock, HSI). */
const TICKS_PER_SECOND = 10;
/** The tick programs' literals: SysTick's base, its reload value, the address of "tick\n" (the trailer at 0x66). */
const tickLiterals = (): number[] => [CORE_BLOCKS.SysTick, DEFAULT_DEVICE.resetClockHz / TICKS_PER_SECOND - 1, FLASH + 0x66];
const TICK = [...Buffer.from('tick\n\0')];

/** Prints "tick" (SYS_WRITE0) from the SysTick handler, TICKS_PER_SECOND times per emulated second, and sleeps in WFI between. */
const wfiTicks = (): string =>
  program('wfi-ticks.bin', [
    0x4c05, // ldr r4, [pc, #20] → SysTick
    0x4a06, // ldr r2, [pc, #24] → reload
    0x6062, // str r2, [r4, #4]  (RVR)
    0x2207, // movs r2, #7       (ENABLE | TICKINT | CLKSOURCE)
    0x6022, // str r2, [r4]      (CSR)
    0xbf30, // 1: wfi
    0xe7fd, // b 1b
    0x2004, // handler (0x4e): movs r0, #SYS_WRITE0
    0x4903, // ldr r1, [pc, #12] → "tick\n"
    0xbeab, // bkpt 0xab
    0x4770, // bx lr
    0xbf00, // nop (literal alignment)
  ], tickLiterals(), TICK, { 15: 0x4e });

/** The same output from a loop polling SysTick's COUNTFLAG (the core never sleeps). */
const pollingTicks = (): string =>
  program('polling-ticks.bin', [
    0x4c05, // ldr r4, [pc, #20] → SysTick
    0x4a06, // ldr r2, [pc, #24] → reload
    0x6062, // str r2, [r4, #4]  (RVR)
    0x2205, // movs r2, #5       (ENABLE | CLKSOURCE)
    0x6022, // str r2, [r4]      (CSR)
    0x4905, // ldr r1, [pc, #20] → "tick\n"
    0x6822, // 1: ldr r2, [r4]   (CSR; reading clears COUNTFLAG)
    0x03d2, // lsls r2, r2, #15  (COUNTFLAG → N)
    0xd5fc, // bpl 1b
    0x2004, // movs r0, #SYS_WRITE0
    0xbeab, // bkpt 0xab
    0xe7f9, // b 1b
  ], tickLiterals(), TICK);

const ticks = (stdout: string): number => stdout.split('tick\n').length - 1;

describe('f4emu run: bad input is one line and exit 2', () => {
  test('a missing file', async () => {
    const r = await f4emu(['run', 'nope.elf']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'f4emu: nope.elf: cannot read: no such file\n');
  });

  test('a raw binary without --base', async () => {
    const r = await f4emu(['run', spin()]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^f4emu: .*spin\.bin: a raw binary holds no addresses/);
  });

  test('an image with bytes outside every region names the address', async () => {
    const r = await f4emu(['run', spin(), '--base', '0x30000000']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^f4emu: .*spin\.bin: segment 0 at 0x30000000-0x30000045: 0x30000000 is outside every region of the STM32F407VG\n$/);
  });

  test('bad option values', async () => {
    for (const [args, message] of [
      [['--boot0', '2'], "--boot0: must be 0 or 1, not '2'"],
      [['--timeout', 'soon'], "--timeout: must be a positive number of seconds, not 'soon'"],
      [['--max-instructions', '0'], "--max-instructions: must be a positive whole number, not '0'"],
      [['--device', 'f4'], "--device: unknown device 'f4'"],
      [['--semihosting-fs', '/nonexistent-dir'], '--semihosting-fs: /nonexistent-dir: no such directory'],
    ] as const) {
      const r = await f4emu(['run', 'test/fixtures/tiny.elf', ...args]);
      assert.equal(r.status, 2, args.join(' '));
      assert.ok(r.stderr.startsWith(`f4emu: ${message}`), r.stderr);
      assert.equal(r.stderr.split('\n').length, 2, 'one line');
    }
  });
});

describe('f4emu run: stopping a run that does not end', () => {
  test('--timeout stops with 124 and one line saying where the PC was', async () => {
    const started = Date.now();
    const r = await f4emu(['run', spin(), '--base', '0x08000000', '--timeout', '0.5']);
    assert.equal(r.status, 124);
    assert.match(r.stderr, /^f4emu: --timeout 0\.5 s reached: stopped at PC 0x080000\w\w, \d+ instructions\n$/);
    assert.ok(Date.now() - started < 20_000);
  });

  test('firmware that only waits for serial input costs (almost) no host CPU: the ROM bootloader runs few instructions in a second', async () => {
    const r = await f4emu(['run', '--boot0', '1', '--usart1', 'tcp:0', '--timeout', '1']);
    assert.equal(r.status, 124, r.stderr);
    const instructions = Number(/, (\d+) instructions\n$/.exec(r.stderr)?.[1]);
    // It polls USART1 and USART3 and would execute ~10^8 instructions a second without idle detection.
    assert.ok(instructions < 2_000_000, `${instructions} instructions while waiting`);
  });

  // Needs the integer core (B).
  test('--max-instructions stops with 124 after exactly that many instructions', async () => {
    const r = await f4emu(['run', spin(), '--base', '0x08000000', '--max-instructions', '2500000', '--timeout', '30']);
    assert.equal(r.status, 124, r.stderr);
    assert.equal(r.stderr, 'f4emu: --max-instructions 2500000 reached: stopped at PC 0x08000040, 2500000 instructions\n');
  });
});

// The tests below execute firmware: they need the integer core, and the fault ones the exception unit.
describe('f4emu run: firmware output and exit status', () => {
  test('semihosting output goes to stdout and the firmware\'s exit status is f4emu\'s', async () => {
    const r = await f4emu(['run', 'test/fixtures/tiny.elf', '--timeout', '30']);
    assert.equal(r.stdout, 'hello from tiny\n');
    assert.equal(r.stderr, '');
    assert.equal(r.status, 3);
  });

  test('the same program as Intel HEX, S-record and raw binary', async () => {
    for (const args of [['test/fixtures/tiny.hex'], ['test/fixtures/tiny.srec'], ['test/fixtures/tiny.bin', '--base', '0x08000000']]) {
      const r = await f4emu(['run', ...args, '--timeout', '30']);
      assert.equal(r.stdout, 'hello from tiny\n', args[0]);
      assert.equal(r.status, 3, args[0]);
    }
  });

  test('console input reaches SYS_READC', async () => {
    const r = await f4emu(['run', readcExit(), '--base', '0x08000000', '--timeout', '30'], { stdin: 'A' });
    assert.equal(r.status, 65, r.stderr);
  });

  test('end of stdin does not end the run: SYS_READC returns -1 and the firmware decides (exit 255)', async () => {
    const r = await f4emu(['run', readcExit(), '--base', '0x08000000', '--timeout', '30'], { stdin: '' });
    assert.equal(r.status, 255, r.stderr);
  });

  test('--exit-on-fault: an undefined instruction ends in HardFault; registers and "UNDEFINSTR at" on stderr, exit 1', async () => {
    const udf = program('udf.bin', [0xde00, 0xbf00]); // udf #0 at 0x08000040
    const r = await f4emu(['run', udf, '--base', '0x08000000', '--exit-on-fault', '--timeout', '30']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /stuck in its HardFault handler/);
    assert.match(r.stderr, /R0=0x\w{8} R1=/);
    assert.match(r.stderr, /stacked frame at 0x2001FFE0/);
    assert.match(r.stderr, /UNDEFINSTR at 0x08000040/);
    assert.match(r.stderr, /FORCED/);
  });

  test('--exit-on-fault: a load past SRAM2 reports "PRECISERR: data bus error at 0x20020000"', async () => {
    const load = program('load.bin', [0x4901, 0x6808, 0xe7fe, 0xbf00], [0x2002_0000]); // ldr r1,=0x20020000; ldr r0,[r1]
    const r = await f4emu(['run', load, '--base', '0x08000000', '--exit-on-fault', '--timeout', '30']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /PRECISERR: data bus error at 0x20020000 \(instruction at 0x08000042\)/);
  });

  test('without --exit-on-fault a fault loop runs until --timeout (124)', async () => {
    const udf = program('udf2.bin', [0xde00, 0xbf00]);
    const r = await f4emu(['run', udf, '--base', '0x08000000', '--timeout', '1']);
    assert.equal(r.status, 124);
    assert.match(r.stderr, /in HardFault/);
  });

  test('the project demo runs to its end (npm start)', async () => {
    const r = await f4emu(['run', 'firmware/build/demo.elf', '--timeout', '60', '--exit-on-fault']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /vector table +0x08000000/);
  });
});

// Needs the integer core, SysTick and semihosting. Bounds are generous: a loaded 2-core CI machine must not flake.
describe('f4emu run --realtime: emulated time keeps to the wall clock', () => {
  const worth = (seconds: number): number => seconds * TICKS_PER_SECOND;
  /** Runs `file` for --timeout 1.5 (wall clock) and returns how many ticks it printed. */
  const ticksIn1500ms = async (file: string, ...options: string[]): Promise<number> => {
    const r = await f4emu(['run', file, '--base', '0x08000000', ...options, '--timeout', '1.5']);
    assert.equal(r.status, 124, r.stderr);
    return ticks(r.stdout);
  };

  test('a SysTick-driven program sleeping in WFI prints about 1.5 s worth of ticks in --timeout 1.5', async () => {
    const n = await ticksIn1500ms(wfiTicks(), '--realtime');
    assert.ok(n > worth(0.5) && n < worth(3), `${n} ticks`);
  });

  test('the same program without --realtime runs far ahead of the wall clock', async () => {
    const n = await ticksIn1500ms(wfiTicks());
    assert.ok(n > worth(30), `${n} ticks`);
  });

  test('a program that never sleeps (polls COUNTFLAG) is paced as well', async () => {
    const n = await ticksIn1500ms(pollingTicks(), '--realtime');
    assert.ok(n > worth(0.5) && n < worth(3), `${n} ticks`);
  });

  test('--max-instructions still stops a paced run after exactly that many instructions', async () => {
    const r = await f4emu(['run', spin(), '--base', '0x08000000', '--realtime', '--max-instructions', '2500000', '--timeout', '30']);
    assert.equal(r.status, 124, r.stderr);
    assert.equal(r.stderr, 'f4emu: --max-instructions 2500000 reached: stopped at PC 0x08000040, 2500000 instructions\n');
  });
});

/**
 * `f4emu run ...args` with the file size limit (`ulimit -f`, 512-byte blocks) set to `blocks`: writes past
 * it fail with EFBIG (Node ignores SIGXFSZ), the way a full disk fails them. Resolves with the child once
 * USART1 announces its TCP port.
 */
function runWithFileSizeLimit(blocks: number, args: string[]): Promise<{ port: number; exit: Promise<{ status: number | null; stderr: string }> }> {
  const child = spawn('sh', ['-c', `ulimit -f ${blocks} && exec "$0" "$@"`, process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'run', ...args], { cwd: ROOT });
  let stderr = '';
  const exit = new Promise<{ status: number | null; stderr: string }>((resolve) => child.on('close', (status) => resolve({ status, stderr })));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exit.then(() => clearTimeout(killer));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const port = /^usart1: tcp:127\.0\.0\.1:(\d+)$/m.exec(stderr)?.[1];
      if (port !== undefined) resolve({ port: Number(port), exit });
    });
    void exit.then(({ status }) => reject(new Error(`f4emu exited (${status}) before announcing usart1: ${stderr}`)));
  });
}

describe('f4emu run: a state file that cannot be written ends the run cleanly', () => {
  test('the ROM bootloader\'s Write Memory is never acknowledged; one line names the file, exit 2', async () => {
    const state = join(dir, 'full.f4s');
    const created = await f4emu(['run', '--boot0', '1', '--usart1', 'none', '--state', state, '--timeout', '0.2']);
    assert.equal(created.status, 124, created.stderr);
    // Below the file's size: its first append (the group commit of the first flash program) fails.
    const f4 = await runWithFileSizeLimit(Math.floor(statSync(state).size / 512), ['--boot0', '1', '--usart1', 'tcp:0', '--state', state, '--timeout', '30']);
    const link = await tcpLink(f4.port);
    const client = new An3155Client(link, { timeoutMs: 3000 });
    assert.equal(await client.connect(), 'ack');
    await assert.rejects(client.writeMemory(0x0800_0000, new Uint8Array(256).fill(0x5a)), /Write Memory data|closed/);
    link.close();
    const r = await f4.exit;
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.at(-1), `f4emu: ${state}: cannot write the state file: file too large (a file-size limit, e.g. ulimit -f)`);
    assert.equal(lines.length, 2, r.stderr); // the port line and the error: no stack trace
  });
});

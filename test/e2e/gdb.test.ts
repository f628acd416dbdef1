/**
 * The GDB server with Debian's real gdb-multiarch in batch mode, on the project's firmware ELFs:
 * `f4emu run ... --gdb 0` in a child process, and GDB connecting with `target extended-remote`, as a
 * user or an IDE does.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadImageFile } from '../../src/loaders/load-file.js';
import { ROOT, f4emu } from '../cli/spawn.js';

const ELF = (name: string) => join(ROOT, 'firmware/build', `${name}.elf`);
const TMP = mkdtempSync(join(tmpdir(), 'f4emu-gdb-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

interface Emulator {
  readonly port: number;
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status when f4emu ends. */
  readonly exited: Promise<number | null>;
}

/** `f4emu run ARGS --gdb 0`; resolves once it printed where it listens. */
function startEmulator(args: string[]): Promise<Emulator> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', ...args, '--gdb', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const timer = setTimeout(() => reject(new Error(`no gdb line: ${err}`)), 30_000);
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /^gdb: 127\.0\.0\.1:(\d+)$/m.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), child, stdout: () => out, stderr: () => err, exited });
      }
    });
    child.on('error', reject);
    void exited.then(() => reject(new Error(`f4emu ended before listening: ${err}`)));
  });
}

/** A state file path (`run --state` creates a factory-fresh chip there), optionally with option bytes changed first. */
async function stateFile(name: string, optionBytes: string[] = []): Promise<string> {
  const path = join(TMP, `${name}.f4s`);
  if (optionBytes.length === 0) return path;
  const r = await f4emu(['state', 'option-bytes', path, ...optionBytes]);
  assert.equal(r.status, 0, r.stderr);
  return path;
}

/** Runs gdb-multiarch in batch mode; `interruptAfterMs` sends it SIGINT (Ctrl-C) once. Returns its output. */
function gdb(port: number, elf: string, commands: string[], interruptAfterMs?: number): Promise<string> {
  const args = ['-nx', '-batch', '-ex', 'set confirm off', '-ex', `file ${elf}`, '-ex', `target extended-remote 127.0.0.1:${port}`];
  for (const c of commands) args.push('-ex', c);
  return new Promise((resolve, reject) => {
    const child = spawn('gdb-multiarch', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    if (interruptAfterMs !== undefined) setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(kill);
      resolve(text);
    });
  });
}

/** A symbol's address (without the Thumb bit), from f4emu's own ELF reader. */
function symbol(elf: string, name: string): number {
  const s = loadImageFile(elf).symbols.find((x) => x.name === name);
  if (!s) throw new Error(`${name} not in ${elf}`);
  return s.value & ~1;
}

/** The values GDB printed for `p ...` commands, in order. */
function printed(output: string): string[] {
  return [...output.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]);
}

test('load programs a blank chip through the flash interface; compare-sections matches; the program runs to main and to its end', async () => {
  const elf = ELF('tests-exceptions-O2');
  const state = await stateFile('load');
  const emu = await startEmulator(['--state', state, '--no-load', '--halt']);
  const out = await gdb(emu.port, elf, ['load', 'compare-sections', 'break main', 'continue', 'delete', 'detach']);
  assert.match(out, /Loading section \.text, size 0x[0-9a-f]+ lma 0x80001c0/);
  for (const section of ['.isr_vector', '.text', '.data']) assert.match(out, new RegExp(`Section \\${section}, range .*: matched\\.`));
  assert.doesNotMatch(out, /MIS-MATCHED/);
  assert.match(out, /Breakpoint 1, main \(\) at tests\/exceptions\/main\.c/);
  assert.equal(await emu.exited, 0);
  assert.match(emu.stdout(), /exceptions: 28 checks, 0 failed/);
  const again = await f4emu(['run', '--state', state, '--no-load']);
  assert.equal(again.status, 0, 'what GDB loaded stayed in the state file\'s flash');
  assert.match(again.stdout, /exceptions: 28 checks, 0 failed/);
});

test('breakpoints at main and at SysTick_Handler, then a watchpoint on the global the handler counts', async () => {
  const elf = ELF('tests-exceptions-O2');
  const emu = await startEmulator([elf, '--halt']);
  const out = await gdb(emu.port, elf, [
    'break main',
    'continue',
    'break SysTick_Handler',
    'continue',
    'bt',
    'delete',
    'watch ticks',
    'continue',
    'delete',
    'continue',
  ]);
  assert.match(out, /Breakpoint 1, main \(\)/);
  assert.match(out, /Breakpoint 2, SysTick_Handler \(\) at tests\/exceptions\/main\.c:214/);
  assert.match(out, /<signal handler called>/, 'the backtrace crosses the exception frame');
  const watch = /Hardware watchpoint 3: ticks\s+Old value = (\d+)\s+New value = (\d+)/.exec(out);
  assert.ok(watch, out);
  assert.equal(Number(watch[2]), Number(watch[1]) + 1);
  assert.match(out, /\[Inferior 1 \(Remote target\) exited normally\]/);
  assert.equal(await emu.exited, 0);
});

test('stepi walks an IT block one instruction at a time, skipped instructions included', async () => {
  const elf = ELF('tests-exceptions-O2');
  const svc = symbol(elf, 'SVC_Handler');
  const emu = await startEmulator([elf, '--halt']);
  const steps = Array.from({ length: 4 }, () => ['stepi', 'p/x $pc', 'p/x $xpsr & 0x0600fc00']).flat();
  const out = await gdb(emu.port, elf, ['break *SVC_Handler', 'continue', ...steps, 'p $r0 == $msp', 'kill']);
  const values = printed(out);
  // tst.w lr,#4 / ite eq / mrseq r0,MSP / mrsne r0,PSP / b.w svc_handler
  assert.deepEqual(
    [values[0], values[2], values[4], values[6]],
    [svc + 4, svc + 6, svc + 10, svc + 14].map((a) => `0x${a.toString(16)}`),
  );
  assert.notEqual(values[3], '0x0', 'inside the IT block, ITSTATE shows in xPSR');
  assert.equal(values[7], '0x0', 'after it, ITSTATE is clear');
  assert.equal(values[8], '1', 'the EQ instruction ran: handler called from thread mode on MSP');
  emu.child.kill();
});

test('FP registers after float code: s0 holds 1/3 at the call, d7 packs s14 and s15', async () => {
  const elf = ELF('tests-float-O0');
  const emu = await startEmulator([elf, '--halt']);
  const out = await gdb(emu.port, elf, ['break bits', 'continue', 'p $s0', 'p $s14', 'p $s15', 'p/x $fpscr & 0x10', 'info registers d7', 'kill']);
  assert.match(out, /Breakpoint 1, bits \(f=0\.333333343\)/);
  assert.deepEqual(printed(out).slice(0, 4), ['0.333333343', '1', '3', '0x10']);
  assert.match(out, /d7\s+.*\(raw 0x404000003f800000\)/);
  emu.child.kill();
});

test('monitor reset halt puts the core back at Reset_Handler with the initial stack pointer', async () => {
  const elf = ELF('tests-exceptions-O2');
  const emu = await startEmulator([elf, '--halt']);
  const out = await gdb(emu.port, elf, ['break main', 'continue', 'monitor reset halt', 'maintenance flush register-cache', 'p/x $pc', 'p/x $sp', 'info symbol $pc', 'kill']);
  assert.match(out, /reset: core halted at 0x[0-9A-F]{8}/);
  assert.deepEqual(printed(out).slice(0, 2), [`0x${symbol(elf, 'Reset_Handler').toString(16)}`, `0x${symbol(elf, '_estack').toString(16)}`]);
  assert.match(out, /Reset_Handler in section \.text/);
  emu.child.kill();
});

test('detach lets the core run; a new GDB attaches to it running, then takes the program to its end', async () => {
  const elf = ELF('tests-exceptions-O2');
  const emu = await startEmulator([elf, '--halt']);
  // adds r0,#1; b.n back: a loop in SRAM that counts in r0.
  const first = await gdb(emu.port, elf, ['set {short}0x20010000 = 0x3001', 'set {short}0x20010002 = 0xe7fd', 'set $r0 = 0', 'set $pc = 0x20010000', 'detach']);
  assert.match(first, /Detaching from program|detached/);
  await new Promise((r) => setTimeout(r, 200));
  const second = await gdb(emu.port, elf, ['p/x $pc', 'p $r0 > 1000', 'monitor reset halt', 'maintenance flush register-cache', 'continue']);
  const values = printed(second);
  assert.ok(values[0] === '0x20010000' || values[0] === '0x20010002', `halted in the loop: ${values[0]}`);
  assert.equal(values[1], '1', 'the loop ran while no debugger was attached');
  assert.match(second, /\[Inferior 1 \(Remote target\) exited normally\]/);
  assert.equal(await emu.exited, 0);
});

test('Ctrl-C in GDB interrupts the running core: SIGINT', async () => {
  const elf = ELF('tests-exceptions-O2');
  const emu = await startEmulator([elf, '--halt']);
  const out = await gdb(emu.port, elf, ['set {short}0x20010000 = 0xe7fe', 'set $pc = 0x20010000', 'continue', 'p/x $pc', 'kill'], 2000);
  assert.match(out, /Program received signal SIGINT, Interrupt\./);
  assert.equal(printed(out)[0], '0x20010000');
  emu.child.kill();
});

test('at RDP level 1 GDB cannot read flash; at level 2 it is refused with the reason, and f4emu prints it', async () => {
  const elf = ELF('tests-exceptions-O2');
  const level1 = await startEmulator(['--state', await stateFile('rdp1', ['--rdp', '1']), '--no-load', '--halt']);
  const out1 = await gdb(level1.port, elf, ['x/x 0x08000000', 'x/x 0x20000000', 'kill']);
  assert.match(out1, /Cannot access memory at address 0x8000000/);
  assert.match(out1, /0x20000000 .*:\s+0x[0-9a-f]{8}/, 'SRAM still readable');
  level1.child.kill();

  const level2 = await startEmulator(['--state', await stateFile('rdp2', ['--rdp', '2', '--permanent']), '--no-load']);
  const out2 = await gdb(level2.port, elf, []);
  assert.match(out2, /Remote failure reply: E\.read protection level 2 disables the debug port/);
  assert.match(level2.stderr(), /^gdb: refused the connection from 127\.0\.0\.1:\d+: read protection level 2/m);
  level2.child.kill();
});

test('--timeout does not count the time GDB holds the core: the session outlives it, then running time is timed', async () => {
  const elf = ELF('tests-exceptions-O2');
  const emu = await startEmulator([elf, '--halt', '--timeout', '1']);
  const started = Date.now();
  await gdb(emu.port, elf, ['shell sleep 1.5', 'set {short}0x20010000 = 0xe7fe', 'set $pc = 0x20010000', 'continue']);
  assert.equal(await emu.exited, 124);
  assert.ok(Date.now() - started >= 2400, `ended after ${Date.now() - started} ms: the halted 1.5 s + 1 s running`);
  const m = /--timeout 1 s reached: stopped at PC 0x20010000, (\d+) instructions/.exec(emu.stderr());
  assert.ok(m, emu.stderr());
  assert.ok(Number(m[1]) > 1_000_000, 'the firmware ran for the whole second');
});

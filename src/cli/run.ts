/**
 * `f4emu run FILE`: builds a Machine, loads the image, power-on reset, runs the firmware with
 * semihosting on the terminal until it exits.
 *
 * Exit status:
 *   the firmware's own status (semihosting SYS_EXIT / SYS_EXIT_EXTENDED, low 8 bits)
 *   1    with --exit-on-fault: the core locked up or sits in a fault handler that branches to itself
 *   2    bad input (file, option); the image places bytes outside every region
 *   124  --timeout (wall clock, not counting time a debugger holds the core) or --max-instructions reached
 *
 * The core runs in slices of SLICE instructions; between slices the event loop runs, so console input
 * and timers work. End of stdin does not end a run (SYS_READ then reports end of file).
 *
 * Emulated time runs as fast as the host can go, except while the firmware only waits for serial input
 * (`waitForSerialInput`). With --realtime it never runs ahead of the wall clock (src/host/realtime.ts):
 * slices end at most QUANTUM_NS ahead of it and the loop sleeps off the lead.
 *
 * A failure in a host callback (a state file that cannot be written when output must wait for it, a
 * file USART on a full disk) ends the run like bad input: one line, exit 2, ports closed.
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import type { StopReason } from '../core/cpu.js';
import { Semihosting } from '../core/semihosting.js';
import { UserError } from '../errors.js';
import { NodeSemihostingHost } from '../host/semihosting-node.js';
import type { Image } from '../loaders/image.js';
import { TYPICAL_BASE } from '../loaders/bin.js';
import { loadImageFile } from '../loaders/load-file.js';
import { analysePlacement } from '../loaders/placement.js';
import type { Machine } from '../machine.js';
import { createMachine } from '../boards/index.js';
import { bootModeFromPins } from '../device/stm32f407.js';
import { programImage } from '../flash/programmer.js';
import { attachState } from '../host/nvstore-node.js';
import { onHostFailure } from '../host/output-barrier.js';
import { RealtimePacer } from '../host/realtime.js';
import type { AttachedState } from '../nvstate/attach.js';
import { parseAddress, parseCount, parseDevice, parsePin, parseSeconds } from './args.js';
import { type BoardOptions, addBoardOptions, applyBoardOptions, checkBoardOptions, parseBoard } from './board-options.js';
import { type GdbOptions, type GdbServer, addGdbOptions, parsePort, startGdbServer } from './gdb-options.js';
import { type UsartConnections, type UsartOptions, addUsartOptions, applyUsartOptions } from './usart-options.js';
import { FAULT_EXCEPTIONS, exceptionName, faultReport, where } from './fault-report.js';

/** Instructions per slice between two visits to the event loop. */
export const SLICE = 1_000_000;
/** Exit status of a stopped run (timeout, instruction budget), as timeout(1) uses. */
export const EXIT_TIMEOUT = 124;
/** Exit status when --exit-on-fault sees the firmware die. */
export const EXIT_FAULT = 1;
/** How long to wait before looking again at a core that sleeps with nothing scheduled or is locked up. */
const IDLE_POLL_MS = 10;

export interface RunOptions extends BoardOptions, UsartOptions, GdbOptions {
  state?: string;
  vbat?: boolean;
  load?: boolean;
  base?: string;
  device?: string;
  boot0?: string;
  boot1?: string;
  timeout?: string;
  maxInstructions?: string;
  exitOnFault?: boolean;
  semihostingFs?: string;
  log?: string;
  realtime?: boolean;
}

/** Where the firmware is, for the stop messages. */
function position(machine: Machine, image: Image): string {
  const cpu = machine.cpu;
  const mode = cpu.ipsr === 0 ? '' : ` in ${exceptionName(cpu.ipsr)}`;
  return `PC ${where(cpu.npc, image.symbols)}${mode}, ${cpu.instructions} instructions`;
}

/** The --log channels: what each part of the machine logs under (machine.log), and "all". */
export const LOG_CHANNELS = ['unimp', 'gpio', 'flash', 'rcc', 'usart', 'dma', 'gdb', 'all'] as const;

/** A log sink printing the channels asked for with --log ("all" = every channel); an unknown one is refused. */
function logSink(channels: string | undefined): (channel: string, message: string) => void {
  const wanted = new Set((channels ?? '').split(',').map((c) => c.trim()).filter((c) => c !== ''));
  const unknown = [...wanted].find((c) => !(LOG_CHANNELS as readonly string[]).includes(c));
  if (unknown !== undefined) throw new UserError(`--log: unknown channel '${unknown}' (known: ${LOG_CHANNELS.join(', ')})`);
  if (wanted.size === 0) return () => {};
  return (channel, message) => {
    if (wanted.has('all') || wanted.has(channel)) process.stderr.write(`f4emu[${channel}]: ${message}\n`);
  };
}

function checkDirectory(dir: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UserError(`--semihosting-fs: ${dir}: no such directory`);
  }
  if (!stat.isDirectory()) throw new UserError(`--semihosting-fs: ${dir}: not a directory`);
  return dir;
}

/** Refuses images that put bytes where no memory is (the placement analysis' errors). */
function checkPlacement(image: Image, machine: Machine): void {
  const placement = analysePlacement(image, machine.device);
  const error = placement.problems.find((p) => p.severity === 'error');
  if (error) throw new UserError(`${image.file}: ${error.message}`);
}

/** True when the core sits in a fault handler on an instruction that branches to itself. */
function spinningInFaultHandler(machine: Machine): boolean {
  const cpu = machine.cpu;
  if (!FAULT_EXCEPTIONS.has(cpu.ipsr)) return false;
  const pc = cpu.npc;
  const reason = cpu.step();
  return reason === 'lockup' || cpu.halted || (FAULT_EXCEPTIONS.has(cpu.ipsr) && cpu.npc === pc);
}

/**
 * While the firmware only waits for serial input, its other events (SysTick, timers, timeouts) happen
 * in real time: how many wall-clock milliseconds until the next one (capped, so a deadline is seen).
 */
function realTimeToNextAlarm(machine: Machine): number {
  const s = machine.scheduler;
  const next = s.nextAlarmAt;
  if (next === Infinity) return 100;
  return Math.min(100, Math.max(0, ((next - s.cycles) * 1000) / s.frequencyHz));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The firmware only polls a USART for input that has not come: the host sleeps until bytes arrive or
 * the next alarm is due in real time (the TX bytes already sent go out meanwhile). Emulated time then
 * catches up with the wall-clock time slept, up to that alarm, which fires: while it waits, the
 * firmware's SysTick and receive timeouts keep real time, and it costs no CPU.
 */
async function waitForSerialInput(machine: Machine, usarts: UsartConnections): Promise<void> {
  const s = machine.scheduler;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([usarts.whenInput(), new Promise((resolve) => (timer = setTimeout(resolve, realTimeToNextAlarm(machine))))]);
  clearTimeout(timer);
  const slept = s.nsToCycles((performance.now() - started) * 1e6);
  s.cycles = Math.max(s.cycles, Math.min(s.cycles + slept, s.nextAlarmAt));
  s.fireDue();
}

/** Runs `run`; returns the exit status. */
export async function runCommand(file: string | undefined, options: RunOptions): Promise<number> {
  const device = parseDevice(options.device);
  const base = options.base !== undefined ? parseAddress(options.base, '--base') : undefined;
  const boot0 = parsePin(options.boot0, '--boot0');
  const boot1 = parsePin(options.boot1, '--boot1');
  const timeoutMs = options.timeout !== undefined ? parseSeconds(options.timeout, '--timeout') * 1000 : Infinity;
  const maxInstructions = options.maxInstructions !== undefined ? parseCount(options.maxInstructions, '--max-instructions') : Infinity;
  const fsRoot = options.semihostingFs !== undefined ? checkDirectory(options.semihostingFs) : undefined;
  const board = parseBoard(options.board);
  if (options.load === false && file !== undefined) throw new UserError(`--no-load: do not also name an image (${file}); it boots what the state file holds`);
  if (options.load === false && options.state === undefined) throw new UserError('--no-load needs --state FILE (it boots what the state file holds)');
  if (file === undefined && options.state === undefined && bootModeFromPins(boot0, boot1) !== 'system') {
    throw new UserError('run: nothing to run: name an image, or give --state FILE (boots what it holds) or --boot0 1 --boot1 0 (the ROM bootloader)');
  }
  const image: Image = file !== undefined ? loadImageFile(file, { base }) : { file: '(none)', format: 'bin', segments: [], sections: [], symbols: [] };

  const machine = createMachine({ device, boot0, boot1, log: logSink(options.log), board });
  if (file !== undefined) checkPlacement(image, machine);
  // Every option is checked (and the host ports opened) before the state file is touched: a run
  // refused for a bad option leaves the file as it was.
  checkBoardOptions(machine, options);
  if (options.gdb === undefined) await startGdbServer(machine, options); // without --gdb: only checks --halt, --gdb-host
  else parsePort(options.gdb);
  const host = new NodeSemihostingHost({ fsRoot });
  const semihosting = new Semihosting(machine.cpu, host, { symbols: image.symbols, commandLine: file ?? '' });
  semihosting.install();
  const announce = (line: string): void => void process.stderr.write(line + '\n');
  let usarts: UsartConnections | null = null;
  let state: AttachedState | null = null;
  let gdb: GdbServer | null = null;
  let status: number;
  try {
    usarts = await applyUsartOptions(machine, options, announce);
    if (options.state !== undefined) {
      state = attachState(machine, options.state, { vbat: options.vbat !== false });
      // As a programmer would: erase the sectors the image touches, program, verify (durably).
      if (file !== undefined) programImage(machine, image, { target: options.state });
    } else {
      machine.loadImage(image);
    }
    applyBoardOptions(machine, options);
    // Firmware that only polls a USART for input that has not come stops the slice: the host then
    // sleeps until bytes arrive instead of burning wall time (emulated time waits with it).
    for (const port of usarts.ports) {
      port.usart.onIdle = () => {
        machine.cpu.stopRequest = 'stop';
        machine.cpu.attention();
      };
    }
    machine.reset('power-on');
    gdb = await startGdbServer(machine, options, { exitCode: () => semihosting.exitCode });
    status = await runLoop(machine, image, semihosting, host, usarts, gdb, state, options, timeoutMs, maxInstructions);
  } catch (e) {
    await closeAll(host, usarts, state, gdb, e);
    throw e;
  }
  await closeAll(host, usarts, state, gdb, null);
  return status;
}

/**
 * Releases everything `run` opened, each part even when another fails. With no error in flight, throws
 * the first failure (a last flush or state save that could not be written); with one, the run already
 * reports its own (a failed state file keeps failing, and its first reason is the one to tell).
 */
async function closeAll(host: NodeSemihostingHost, usarts: UsartConnections | null, state: AttachedState | null, gdb: GdbServer | null, inFlight: unknown): Promise<void> {
  const failures: unknown[] = [];
  const attempt = async (close: () => unknown): Promise<void> => {
    try {
      await close();
    } catch (e) {
      failures.push(e);
    }
  };
  await attempt(() => host.close());
  await attempt(() => usarts?.close());
  await attempt(() => state?.close());
  await attempt(() => gdb?.close());
  if (inFlight === null && failures.length > 0) throw failures[0];
}

async function runLoop(
  machine: Machine,
  image: Image,
  semihosting: Semihosting,
  host: NodeSemihostingHost,
  usarts: UsartConnections,
  gdb: GdbServer | null,
  state: AttachedState | null,
  options: RunOptions,
  timeoutMs: number,
  maxInstructions: number,
): Promise<number> {
  // --timeout counts running time: the time a debugger holds the core halted is added back (a user at a breakpoint is not timed out).
  let deadline = Date.now() + timeoutMs;
  const timedOut = (): boolean => Date.now() >= deadline;
  const untilDeadline = (): Promise<void> => sleep(Math.max(0, Math.min(deadline - Date.now(), 2 ** 31 - 1)));
  const stop = async (why: string): Promise<number> => {
    process.stderr.write(`f4emu: ${why}: stopped at ${position(machine, image)}\n`);
    await gdb?.close();
    return EXIT_TIMEOUT;
  };
  const fault = async (headline: string): Promise<number> => {
    process.stderr.write(faultReport(machine.cpu, headline, image.symbols).join('\n') + '\n');
    await gdb?.close();
    return EXIT_FAULT;
  };
  // Ctrl-C / kill: leave the loop at a slice boundary so the state file and ports close cleanly.
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled !== null) process.exit(130); // a second Ctrl-C: give up at once
    signalled = sig;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const failure = hostFailures(machine);
  const wait = failure.wait;
  const pacer = options.realtime ? new RealtimePacer(machine, (line) => void process.stderr.write(line + '\n')) : null;
  /** The firmware only waits for serial input (or, paced, sleeps in WFI): real time passes meanwhile. */
  const idle = (): Promise<void> => wait(pacer ? pacer.idle(usarts.whenInput()) : waitForSerialInput(machine, usarts));
  const nextTurn = (): Promise<unknown> => wait(new Promise((resolve) => setImmediate(resolve)));
  try {
    return await loop();
  } finally {
    failure.remove();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  async function loop(): Promise<number> {
    for (;;) {
      failure.check();
      if (signalled !== null) {
        await gdb?.close();
        process.stderr.write(`f4emu: ${signalled}: stopped at ${position(machine, image)}\n`);
        return signalled === 'SIGINT' ? 130 : 143;
      }
      if (gdb) {
        const held = gdb.target.halted;
        const haltedFrom = Date.now();
        await wait(gdb.whileHalted());
        deadline += Date.now() - haltedFrom;
        if (held) pacer?.restart(); // the hold already followed the wall clock (gdb/target.ts): pace from now
      }
      if (machine.cpu.instructions >= maxInstructions) return stop(`--max-instructions ${maxInstructions} reached`);
      if (timedOut()) return stop(`--timeout ${options.timeout} s reached`);
      const ahead = pacer?.beforeSlice() ?? 0;
      if (ahead > 0) {
        await wait(sleep(Math.min(ahead, deadline - Date.now())));
        continue;
      }
      const reason: StopReason = machine.run(Math.min(SLICE, maxInstructions - machine.cpu.instructions));
      const paced = pacer?.afterSlice() ?? false;
      failure.check();
      state?.store.syncIfDirty(); // group commit: a slice's flash operations are durable by its end at the latest
      if (gdb?.stopped(reason)) continue;
      if (semihosting.exitCode !== null) {
        await gdb?.close(semihosting.exitCode);
        return semihosting.exitCode & 0xff;
      }
      switch (reason) {
        case 'stop':
          if (semihosting.waitingForInput) {
            await wait(Promise.race([host.waitForInput(), untilDeadline()]));
            pacer?.restart(); // the core was halted for the host, as a debug probe halts it
          } else if (usarts.idle() || (paced && machine.cpu.sleeping)) {
            await idle();
          } else {
            await nextTurn();
          }
          break;
        case 'lockup':
        case 'halted':
          if (options.exitOnFault) return fault(`f4emu: the core ${reason === 'lockup' ? 'locked up' : 'halted'}`);
          // A locked-up core executes nothing, but time goes on: a watchdog may still reset the chip
          // (with --realtime the loop then sleeps until the wall clock has caught up).
          if (reason === 'lockup' && machine.scheduler.skipToNextEvent()) {
            machine.scheduler.fireDue();
            await nextTurn();
          } else {
            await wait(sleep(IDLE_POLL_MS));
            pacer?.restart();
          }
          break;
        case 'sleep':
          // Nothing scheduled: only the outside world (serial input, a debugger) can wake the core.
          await wait(Promise.race([usarts.whenInput(), sleep(IDLE_POLL_MS)]));
          break;
        default:
          if (options.exitOnFault && spinningInFaultHandler(machine)) {
            return fault(`f4emu: the firmware is stuck in its ${exceptionName(machine.cpu.ipsr)} handler`);
          }
          if (usarts.idle()) await idle();
          else await nextTurn();
      }
    }
  }
}

/**
 * Failures reported from host callbacks while the loop runs (output-barrier.ts `onHostFailure`): the
 * first one stops the core, makes `wait(...)` reject at once (whatever it waits for: a debugger, input,
 * a sleep) and `check()` throw, so the run ends with that error's one line.
 */
function hostFailures(machine: Machine): { wait: <T>(p: Promise<T>) => Promise<T>; check: () => void; remove: () => void } {
  const seen: unknown[] = [];
  let reject: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, r) => (reject = r));
  failed.catch(() => {}); // observed through wait() and check()
  const remove = onHostFailure((error) => {
    if (seen.length > 0) return;
    seen.push(error);
    machine.cpu.stopRequest ??= 'stop';
    machine.cpu.attention();
    reject(error);
  });
  return {
    wait: (p) => Promise.race([p, failed]),
    check: () => {
      if (seen.length > 0) throw seen[0];
    },
    remove,
  };
}

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('run firmware (ELF, Intel HEX, S-record, raw binary) with semihosting on this terminal')
    .argument('[file]', 'image to run (ELF, HEX, S-record, .bin with --base); with --state it is programmed into the state first')
    .option('--base <address>', `load address of a raw binary (e.g. ${TYPICAL_BASE})`)
    .option('--device <id>', 'stm32f407 (default), stm32f407ve, stm32f405, stm32f415, stm32f417')
    .option('--boot0 <0|1>', 'BOOT0 pin level (default 0: boot from main flash)')
    .option('--boot1 <0|1>', 'BOOT1 pin level (with BOOT0=1: 0 system memory, 1 SRAM1)')
    .option('--timeout <seconds>', 'stop after this much wall-clock time, not counting time GDB holds the core halted (exit 124)')
    .option('--realtime', 'never let emulated time run ahead of wall-clock time (LEDs and timed output at the real rate)')
    .option('--max-instructions <n>', 'stop after this many instructions (exit 124)')
    .option('--exit-on-fault', 'exit 1 with a register dump when the core locks up or spins in a fault handler')
    .option('--semihosting-fs <dir>', 'let the firmware open files inside this directory (and nowhere else)')
    .option('--log <channels>', `print these log channels on stderr, comma-separated (${LOG_CHANNELS.slice(0, -1).join(', ')}; all)`)
    .option('--state <file>', 'device state file (.f4s): flash, OTP, option bytes, backup domain kept between runs (created factory-fresh)')
    .option('--no-vbat', 'no backup battery: backup SRAM and RTC backup registers are lost between runs')
    .option('--no-load', 'with --state: boot what the state file holds, load no image')
    .addHelpText('after', '\nExit status: the firmware\'s semihosting exit status; 1 fault (--exit-on-fault); 2 bad input; 124 timeout or instruction limit.');
  addBoardOptions(cmd);
  addUsartOptions(cmd);
  addGdbOptions(cmd);
  cmd.action(async (file: string | undefined, options: RunOptions) => {
    process.exitCode = await runCommand(file, options);
  });
}

/**
 * The GDB server options of `f4emu run` (--gdb, --gdb-host, --halt) and the server they start.
 *
 * Wiring in a run loop (src/cli/run.ts), around its slices of `machine.run()`:
 *
 *   const gdb = await startGdbServer(machine, options, { exitCode: () => semihosting.exitCode });
 *   for (;;) {
 *     if (gdb) await gdb.whileHalted();            // at once unless a debugger holds the core
 *     const reason = machine.run(SLICE);
 *     if (gdb?.stopped(reason)) continue;          // breakpoint, watchpoint, BKPT: GDB was told
 *     if (semihosting.exitCode !== null) { await gdb?.close(semihosting.exitCode); return ...; }
 *     ...                                          // the loop's own handling of `reason`
 *   }
 *
 * The event loop must get a turn between slices (the loop's setImmediate does): GDB's packets and
 * Ctrl-C arrive there. A slice ends early at a breakpoint, so slices may stay long.
 */
import type { Command } from 'commander';
import type { StopReason } from '../core/cpu.js';
import { UserError } from '../errors.js';
import { MachineTarget } from '../gdb/target.js';
import { GdbTcpServer } from '../gdb/tcp.js';
import type { Machine } from '../machine.js';

export interface GdbOptions {
  gdb?: string;
  gdbHost?: string;
  halt?: boolean;
}

export interface GdbServerHooks {
  /** The firmware's exit status once it exited (semihosting), so GDB hears of an exit during a step. */
  exitCode?: () => number | null;
  /** Where the listening line and refusals go (default: stderr). */
  notice?: (line: string) => void;
}

export interface GdbServer {
  readonly host: string;
  readonly port: number;
  readonly target: MachineTarget;
  /** Resolves when the core may run: at once, unless a debugger holds it halted. */
  whileHalted(): Promise<void>;
  /** After a slice of machine.run(): true when it ended in a debugger stop (reported; the core is held). */
  stopped(reason: StopReason): boolean;
  /** The firmware ended (or f4emu stops): GDB is told the exit status, the server closes. */
  close(exitCode?: number): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';

/** Adds --gdb, --gdb-host and --halt to a command. */
export function addGdbOptions(cmd: Command): Command {
  return cmd
    .option('--gdb <port>', 'serve the GDB remote protocol on this TCP port (0: any free port; the address is printed on stderr)')
    .option('--gdb-host <address>', `address the GDB server listens on (default ${DEFAULT_HOST}; 0.0.0.0 for every interface)`)
    .option('--halt', 'with --gdb: hold the core at the reset vector until GDB lets it run');
}

/** A TCP port number (0 = any free port). */
export function parsePort(text: string): number {
  const t = text.trim();
  const port = /^[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(port) || port > 65535) throw new UserError(`--gdb: not a TCP port: '${text}' (0–65535; 0 picks a free one)`);
  return port;
}

/**
 * Starts the GDB server the options ask for (null when there is no --gdb), and prints one line
 * `gdb: HOST:PORT` once it listens. With --halt the core is held at the reset vector until a debugger
 * lets it run; call this after the machine's reset.
 */
export async function startGdbServer(machine: Machine, options: GdbOptions, hooks: GdbServerHooks = {}): Promise<GdbServer | null> {
  if (options.gdb === undefined) {
    if (options.halt) throw new UserError('--halt needs --gdb PORT (it waits for a debugger)');
    if (options.gdbHost !== undefined) throw new UserError('--gdb-host needs --gdb PORT');
    return null;
  }
  const port = parsePort(options.gdb);
  const host = options.gdbHost ?? DEFAULT_HOST;
  const notice = hooks.notice ?? ((line: string) => process.stderr.write(`${line}\n`));
  const target = new MachineTarget(machine, { exitCode: hooks.exitCode });
  if (options.halt) target.hold();
  const server = await GdbTcpServer.listen(target, { host, port, notice, log: (line) => machine.log('gdb', line) });
  notice(`gdb: ${host.includes(':') ? `[${host}]` : host}:${server.port}`);
  let closed = false;
  return {
    host,
    port: server.port,
    target,
    whileHalted: () => target.whileHalted(),
    stopped: (reason) => target.afterRun(reason),
    async close(exitCode?: number) {
      if (closed) return;
      closed = true;
      if (exitCode !== undefined) server.exited(exitCode);
      await server.close();
    },
  };
}

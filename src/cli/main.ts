#!/usr/bin/env node
/**
 * The `f4emu` command. Each command lives in its own file and registers itself with commander.
 *
 * Output rules: a command's result goes to stdout; everything f4emu says about itself goes to stderr.
 * Any error ends the program with one line `f4emu: <message>` on stderr and exit status 2, never a
 * stack trace (set F4EMU_DEBUG=1 to see one for an internal error). The command modules are imported
 * inside that error handling, so even a failure to load one is reported that way.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.js';

/** The command modules, each exporting `register(program)`. Loaded inside main's error handling. */
const COMMANDS = ['./map.js', './run.js', './state.js'];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Builds the program with every command registered. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('f4emu')
    .description('STM32F407 (Cortex-M4F) emulator')
    .version(version())
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ outputError: () => {} }); // errors are printed once, below, in f4emu's format
  for (const path of COMMANDS) {
    const command = (await import(path)) as { register(program: Command): void };
    command.register(program);
  }
  return program;
}

/** One line for any error; commander's own messages lose their "error: " prefix. */
function errorLine(e: unknown): string {
  if (e instanceof UserError) return e.message;
  if (e instanceof CommanderError) return e.message.replace(/^error: /, '');
  const text = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
  return `internal error: ${text.length > 300 ? text.slice(0, 300) + '...' : text}`;
}

async function flush(stream: NodeJS.WriteStream): Promise<void> {
  await new Promise<void>((resolve) => stream.write('', () => resolve()));
}

/** Exit status of a process whose reader went away: what a shell reports for death by SIGPIPE. */
const EXIT_BROKEN_PIPE = 128 + 13;

/**
 * `f4emu ... | head`: when the reader of stdout or stderr goes away, stop at once and quietly, as a C
 * program killed by SIGPIPE would (the state file's journal is durable at every step). Any other
 * failure to write (a full disk) is one line and exit 2 instead of Node's unhandled 'error' trace.
 */
function handleOutputErrors(stream: NodeJS.WriteStream, name: string): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && name !== 'stderr') process.stderr.write(`f4emu: cannot write to ${name}: ${e.code ?? e.message}\n`);
    process.exit(e.code === 'EPIPE' ? EXIT_BROKEN_PIPE : 2);
  });
}

/** Help that commander shows on its own: asked for (exit 0), or because a command is missing (usage error). */
function isHelp(e: CommanderError): boolean {
  return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help';
}

/** Runs the CLI and exits the process with the command's status. */
export async function main(argv: readonly string[] = process.argv): Promise<never> {
  handleOutputErrors(process.stdout, 'stdout');
  handleOutputErrors(process.stderr, 'stderr');
  let status: number;
  try {
    await (await buildProgram()).parseAsync([...argv]);
    status = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError && isHelp(e)) {
      // `f4emu` or `f4emu state` without a command printed the usage on stderr: a usage error.
      status = e.exitCode === 0 ? 0 : 2;
    } else {
      if (process.env.F4EMU_DEBUG && !(e instanceof UserError) && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.stderr.write(`f4emu: ${errorLine(e).split('\n')[0]}\n`);
      status = e instanceof UserError ? e.exitCode : 2;
    }
  }
  await flush(process.stdout);
  await flush(process.stderr);
  process.exit(status);
}

await main();

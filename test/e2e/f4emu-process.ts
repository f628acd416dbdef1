/**
 * `f4emu run` as a child process with a USART on a host port, for the end-to-end bootloader tests:
 * start it, wait for the `usartN: <where>` line it prints once the port is ready, watch its stdout
 * (USART2 by default), stop it with SIGINT as a user's Ctrl-C would.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { ROOT } from '../cli/spawn.js';

export interface F4emuProcess {
  /** What the port line said: `/dev/pts/N` for pty, the port number for tcp. */
  readonly where: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything f4emu wrote on stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text` (rejects after `timeoutMs`). */
  waitForStdout(text: string, timeoutMs?: number): Promise<void>;
  /** SIGINT, then the exit status. */
  stop(): Promise<number | null>;
}

/** The CLI to run: src/cli/main.ts, or another build of it named by F4EMU_CLI (e.g. dist/cli/main.js). */
const CLI = process.env.F4EMU_CLI ?? 'src/cli/main.ts';

/** Starts `f4emu run ...args` and waits until `usart` (e.g. 'usart1') announces its port. */
export function startF4emu(args: readonly string[], usart = 'usart1', timeoutMs = 30_000): Promise<F4emuProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'run', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const stdoutWaiters: Array<() => void> = [];
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of stdoutWaiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`f4emu did not announce ${usart} within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    void exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`f4emu exited (${status}) before announcing ${usart}; stderr: ${err}`));
    });
    child.stderr.on('data', (d) => {
      err += d;
      const m = new RegExp(`^${usart}: (?:tcp:[^\\s]*:(\\d+)|(/dev/\\S+))$`, 'm').exec(err);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        where: m[1] ?? m[2],
        child,
        stdout: () => out,
        stderr: () => err,
        waitForStdout: (text, ms = 20_000) =>
          new Promise((ok, fail) => {
            const t = setTimeout(() => fail(new Error(`f4emu's stdout never showed ${JSON.stringify(text)}; it has ${JSON.stringify(out)}`)), ms);
            const check = (): void => {
              if (out.includes(text)) {
                clearTimeout(t);
                ok();
              } else stdoutWaiters.push(check);
            };
            check();
          }),
        stop: async () => {
          child.kill('SIGINT');
          const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
          const status = await exited;
          clearTimeout(t);
          return status;
        },
      });
    });
  });
}

/** Whether a program is on the PATH. */
export function installed(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The reason to skip a test that needs host programs, or false to run it. In CI (CI set) nothing is
 * skipped: the tools are installed there and a missing one is a failure.
 */
export function missingTools(...programs: string[]): string | false {
  if (process.env.CI) return false;
  const missing = programs.filter((p) => !installed(p));
  return missing.length > 0 ? `needs ${missing.join(' and ')} (apt-get install ${missing.join(' ')})` : false;
}

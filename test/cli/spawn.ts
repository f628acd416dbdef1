// Runs the CLI as a user does: `node --import tsx src/cli/main.ts ...`, capturing stdout, stderr and the exit status.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Result {
  status: number | null;
  stdout: string;
  /** stdout as bytes (binary output such as `state dump -o -`). */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface SpawnOptions {
  stdin?: string;
  timeoutMs?: number;
  /** Run as this user and group (the test must run as root to use them). */
  uid?: number;
  gid?: number;
  /** Close our end of stdout after this many bytes, as `| head -c N` does. */
  closeStdoutAfter?: number;
}

export function f4emu(args: string[], options: SpawnOptions = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    const out: Buffer[] = [];
    let stderr = '';
    let outBytes = 0;
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      outBytes += d.length;
      if (options.closeStdoutAfter !== undefined && outBytes >= options.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ status, stdout: stdoutBytes.toString(), stdoutBytes, stderr });
    });
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
  });
}

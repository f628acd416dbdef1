/**
 * Small helpers for the peers the benchmark runs as separate programs (qemu-system-arm, stm32flash,
 * socat): finding them on PATH and timing a run.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The path of an executable named `name` on PATH, or undefined when there is none. */
export function findProgram(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface TimedRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit, in seconds (process start-up included). */
  readonly seconds: number;
  readonly timedOut: boolean;
}

/** Runs a program to completion and measures its wall time. */
export function timeProgram(path: string, args: readonly string[], timeoutSeconds: number): TimedRun {
  const start = performance.now();
  const r = spawnSync(path, args, { encoding: 'utf8', timeout: timeoutSeconds * 1000, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.now() - start) / 1000;
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', seconds, timedOut };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

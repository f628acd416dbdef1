/**
 * The same benchmark ELFs on QEMU's netduinoplus2 (an STM32F405: the F407's die without Ethernet and
 * DCMI), semihosting on, the iteration count on the semihosting command line.
 *
 * QEMU has no instruction counter we can read without slowing it down (-icount changes how it runs),
 * so it is credited with f4emu's exact count for the same ELF and iterations. Its wall time includes
 * process start-up, machine creation and the firmware's own start; that is measured with a run of
 * 0 iterations and subtracted (the instruction count of the 0-iteration run is subtracted likewise).
 * Each time is the median of several runs, since a few hundred milliseconds are easily disturbed.
 */
import { basename } from 'node:path';
import { type TimedRun, median, timeProgram } from './host-tools.js';
import { BenchFailure, type WorkloadResult, expectResult } from './result-line.js';

export const QEMU_PROGRAM = 'qemu-system-arm';
/** Runs of 0 iterations whose median is QEMU's start-up time. */
export const STARTUP_RUNS = 5;
/** Runs of the real work whose median is QEMU's time. */
export const WORK_RUNS = 3;

/** QEMU's command line for one run (as firmware/qemu-run.sh builds it). */
export function qemuArgs(elf: string, iterations: number): string[] {
  const program = basename(elf, '.elf');
  return [
    '-M', 'netduinoplus2', '-nographic', '-monitor', 'none', '-serial', 'null',
    '-semihosting-config', `enable=on,target=native,arg=${program},arg=${iterations}`,
    '-kernel', elf,
  ];
}

export interface QemuRun extends WorkloadResult {
  readonly seconds: number;
}

/** One run of `elf` on QEMU; throws BenchFailure when it does not exit 0 with its result line. */
export function runOnQemu(qemu: string, elf: string, iterations: number, timeoutSeconds = 600): QemuRun {
  const program = basename(elf, '.elf');
  const where = `${program} ${iterations} on QEMU`;
  const run: TimedRun = timeProgram(qemu, qemuArgs(elf, iterations), timeoutSeconds);
  if (run.timedOut) throw new BenchFailure(`${where}: no exit after ${timeoutSeconds} s`);
  if (run.status !== 0) throw new BenchFailure(`${where}: exit status ${run.status}: ${run.stderr.trim().split('\n')[0] ?? ''}`);
  return { ...expectResult(run.stdout, program, iterations, where), seconds: run.seconds };
}

export interface QemuMeasurement {
  /** The result of the real work (checksum to compare with f4emu's). */
  readonly result: WorkloadResult;
  /** The result of the 0-iteration run (the start-up baseline). */
  readonly baseline: WorkloadResult;
  readonly startupSeconds: number;
  readonly workSeconds: number;
  /** workSeconds − startupSeconds: the time the workload itself took. */
  readonly netSeconds: number;
}

/** Times `elf` with `iterations` and with 0 iterations (medians), and their difference. */
export function measureOnQemu(qemu: string, elf: string, iterations: number): QemuMeasurement {
  const baselines = Array.from({ length: STARTUP_RUNS }, () => runOnQemu(qemu, elf, 0));
  const works = Array.from({ length: WORK_RUNS }, () => runOnQemu(qemu, elf, iterations));
  const checksums = new Set(works.map((w) => w.checksum));
  if (checksums.size > 1) throw new BenchFailure(`${basename(elf, '.elf')} on QEMU: the checksum differs from run to run`);
  const startupSeconds = median(baselines.map((b) => b.seconds));
  const workSeconds = median(works.map((w) => w.seconds));
  return { result: works[0], baseline: baselines[0], startupSeconds, workSeconds, netSeconds: workSeconds - startupSeconds };
}

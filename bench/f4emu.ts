/**
 * Runs a benchmark ELF on f4emu in this process, through the public API, as `f4emu run` would: the
 * complete machine (every peripheral model, Discovery board), semihosting with the command line
 * `<program> <iterations>` (what QEMU's `-semihosting-config arg=…` gives the same firmware).
 *
 * What is timed: the run loop only, from the first instruction after the power-on reset to the
 * firmware's semihosting exit; loading the ELF and building the machine are not. The instruction
 * count is the core's (`cpu.instructions`), which is also the count QEMU is credited with.
 */
import { basename } from 'node:path';
import { createMachine } from '../src/boards/index.js';
import { Semihosting, type SemihostingHost } from '../src/core/semihosting.js';
import { hex32 } from '../src/errors.js';
import { loadImageFile } from '../src/loaders/load-file.js';
import { BenchFailure, type WorkloadResult, expectResult } from './result-line.js';

/** Instructions per call of `machine.run` (the same slice `f4emu run` uses). */
const SLICE = 1_000_000;

export interface F4emuRun extends WorkloadResult {
  /** Instructions the core executed from reset to the semihosting exit. */
  readonly instructions: number;
  /** Wall time of the run loop. */
  readonly seconds: number;
}

/** Semihosting host that keeps the console output and has no input. */
class CapturingHost implements SemihostingHost {
  private readonly decoder = new TextDecoder();
  output = '';
  write(_fd: 1 | 2, bytes: Uint8Array): void {
    this.output += this.decoder.decode(bytes);
  }
  read(): Uint8Array {
    return new Uint8Array(0); // end of input
  }
}

/** Runs `elf` for `iterations` rounds; throws BenchFailure if it does not exit 0 with its result line. */
export function runOnF4emu(elf: string, iterations: number, timeoutSeconds = 600): F4emuRun {
  const program = basename(elf, '.elf');
  const image = loadImageFile(elf);
  const machine = createMachine();
  machine.loadImage(image);
  const host = new CapturingHost();
  const semihosting = new Semihosting(machine.cpu, host, { symbols: image.symbols, commandLine: `${program} ${iterations}` });
  semihosting.install();
  machine.reset('power-on');

  const where = `${program} on f4emu`;
  const start = performance.now();
  const deadline = start + timeoutSeconds * 1000;
  while (semihosting.exitCode === null) {
    const reason = machine.run(SLICE);
    if (semihosting.exitCode !== null) break;
    if (reason !== 'budget') throw new BenchFailure(`${where}: the core stopped (${reason}) at PC ${hex32(machine.cpu.npc)} after ${machine.cpu.instructions} instructions`);
    if (performance.now() > deadline) throw new BenchFailure(`${where}: no exit after ${timeoutSeconds} s (${machine.cpu.instructions} instructions)`);
  }
  const seconds = (performance.now() - start) / 1000;
  if (semihosting.exitCode !== 0) throw new BenchFailure(`${where}: exit status ${semihosting.exitCode}`);
  return { ...expectResult(host.output, program, iterations, where), instructions: machine.cpu.instructions, seconds };
}

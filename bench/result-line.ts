/**
 * The line each benchmark firmware prints on semihosting stdout when it is done
 * (firmware/bench/README.md): `bench-int: iterations=1000 checksum=0x2b870508`.
 * The same line from every emulator is what makes the runs comparable.
 */

export interface WorkloadResult {
  /** The rounds the firmware says it ran (what it read from its command line). */
  readonly iterations: number;
  /** The checksum over every result, unsigned 32-bit. */
  readonly checksum: number;
}

/** Finds `<program>: iterations=N checksum=0xHHHHHHHH` in the output; undefined when absent. */
export function parseResultLine(output: string, program: string): WorkloadResult | undefined {
  for (const line of output.split(/\r?\n/)) {
    const m = /^(\S+): iterations=(\d+) checksum=0x([0-9a-fA-F]{1,8})$/.exec(line.trim());
    if (m && m[1] === program) return { iterations: Number(m[2]), checksum: parseInt(m[3], 16) >>> 0 };
  }
  return undefined;
}

/** A checksum as the firmware prints it: 0x + 8 lower-case hex digits. */
export function formatChecksum(checksum: number): string {
  return '0x' + (checksum >>> 0).toString(16).padStart(8, '0');
}

/** A benchmark that could not produce a result (the emulator stopped, the output lacks the line). */
export class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

/** The result line of `program` in `output`, checked against the iterations asked for. */
export function expectResult(output: string, program: string, iterations: number, where: string): WorkloadResult {
  const result = parseResultLine(output, program);
  if (!result) throw new BenchFailure(`${where}: no '${program}: iterations=… checksum=…' line in its output: ${JSON.stringify(output.slice(-200))}`);
  if (result.iterations !== iterations) throw new BenchFailure(`${where}: ran ${result.iterations} iterations, not ${iterations} (command line not passed?)`);
  return result;
}

/**
 * `npm run bench -- [--size small|medium|large]`: what the command line of the benchmark runner may
 * say, and how many iterations each size runs.
 */
import { UserError } from '../src/errors.js';

export type SizeName = 'small' | 'medium' | 'large';

/** Rounds of each workload (the last word of the semihosting command line, or the M0+ mailbox). */
export interface Size {
  readonly name: SizeName;
  /** bench-int on f4emu and QEMU, and bench-int-m0plus on rp2040js (the same rounds, so checksums compare). */
  readonly intIterations: number;
  /** bench-float on f4emu and QEMU. */
  readonly floatIterations: number;
}

/**
 * On a 2-core machine `small` takes about 25 s of CPU (f4emu ~65/40 MIPS int/float unloaded,
 * rp2040js ~50 MIPS, 1 MB of flash ~3 s) and under a minute of wall time even when the machine is
 * busy; each size above is 4× the one below. QEMU's part is short: at `small` its net time is a few
 * hundred ms, so prefer `medium` for a QEMU figure to quote.
 */
export const SIZES: Readonly<Record<SizeName, Size>> = {
  small: { name: 'small', intIterations: 5_000, floatIterations: 2_000 },
  medium: { name: 'medium', intIterations: 20_000, floatIterations: 8_000 },
  large: { name: 'large', intIterations: 80_000, floatIterations: 32_000 },
};

export interface BenchOptions {
  readonly size: Size;
  readonly help: boolean;
}

export const USAGE = `usage: npm run bench -- [--size small|medium|large]

Runs bench-int and bench-float on f4emu and on qemu-system-arm (netduinoplus2), bench-int-m0plus on
rp2040js, then times erasing and programming 1 MB of flash and (once the ROM bootloader exists)
stm32flash -w -v of a 1 MB image. Prints instructions/s, the ratios and whether the checksums agree.
Sizes: ${Object.values(SIZES)
  .map((s) => `${s.name} (int ${s.intIterations}, float ${s.floatIterations} iterations)`)
  .join(', ')}; default small.`;

/** Parses the runner's arguments; a bad one is a UserError naming it. */
export function parseBenchArgs(args: readonly string[]): BenchOptions {
  let size: Size = SIZES.small;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--size' || arg.startsWith('--size=')) {
      const value = arg === '--size' ? args[++i] : arg.slice('--size='.length);
      if (value === undefined) throw new UserError('--size: missing value (small, medium or large)');
      if (!Object.hasOwn(SIZES, value)) throw new UserError(`--size: unknown size '${value}' (small, medium or large)`);
      size = SIZES[value as SizeName];
    } else throw new UserError(`unknown argument '${arg}' (${USAGE.split('\n')[0]})`);
  }
  return { size, help };
}

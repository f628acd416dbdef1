/**
 * What a board is to f4emu: the parts soldered around the chip — external clocks, things wired to pins —
 * attached to a Machine from outside. A board never lives inside a peripheral: it drives and watches
 * pins (`Pin.drive`, `Pin.onChange`) and tells RCC which crystals are fitted.
 */
import type { Machine } from '../machine.js';

export type BoardName = 'discovery' | 'none';
export const BOARD_NAMES: readonly BoardName[] = ['discovery', 'none'];

export interface Board {
  readonly name: BoardName;
  /** One line for `--help` and logs. */
  readonly description: string;
  /** Crystal or external clock on OSC_IN (HSE) and OSC32_IN (LSE), in Hz; 0 = not fitted. */
  readonly hseHz: number;
  readonly lseHz: number;
  /**
   * Reports, as one line each, the changes worth showing a user (`--log gpio`): LEDs, buttons, pins.
   * Returns a function that stops reporting.
   */
  watch(report: (message: string) => void): () => void;
}

const attached = new WeakMap<Machine, Board>();

/** The board attached to a machine, if any. */
export function boardOf(machine: Machine): Board | undefined {
  return attached.get(machine);
}

/** @internal Records the board a machine sits on (one per machine). */
export function recordBoard(machine: Machine, board: Board): void {
  if (attached.has(machine)) throw new Error(`this machine already sits on the ${attached.get(machine)!.name} board`);
  attached.set(machine, board);
}

/**
 * Building a complete machine: the chip with every peripheral model, on a board.
 *
 *   const machine = createMachine({ board: 'discovery' });
 *   machine.loadImage(image);
 *   machine.reset('power-on');
 *   (boardOf(machine) as DiscoveryBoard).button.press();
 */
import { Machine, type MachineOptions } from '../machine.js';
import { chipPeripherals } from '../peripherals/index.js';
import { type Board, type BoardName, boardOf } from './board.js';
import { DiscoveryBoard } from './discovery.js';
import { BareChip } from './none.js';

export { type Board, type BoardName, BOARD_NAMES, boardOf } from './board.js';
export { Button, DiscoveryBoard, Led, type LedColour } from './discovery.js';
export { BareChip } from './none.js';

export interface CreateMachineOptions extends MachineOptions {
  /** Default: 'discovery'. */
  board?: BoardName;
}

/** A Machine with all peripheral models, on a board. Call `reset('power-on')` before running it. */
export function createMachine(options: CreateMachineOptions = {}): Machine {
  const machine = new Machine(options, chipPeripherals());
  attachBoard(machine, options.board ?? 'discovery');
  return machine;
}

/** Puts a machine (built with `chipPeripherals()`) on a board. */
export function attachBoard(machine: Machine, name: BoardName): Board {
  return name === 'discovery' ? new DiscoveryBoard(machine) : new BareChip(machine);
}

/** The Discovery board a machine sits on, or undefined. */
export function discoveryOf(machine: Machine): DiscoveryBoard | undefined {
  const b = boardOf(machine);
  return b instanceof DiscoveryBoard ? b : undefined;
}

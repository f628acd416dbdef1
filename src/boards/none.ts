/**
 * No board: the bare chip. No crystals (HSE and LSE never become ready), nothing on the pins (they float
 * unless firmware pulls or drives them). Tests and users drive pins themselves (`pinOf(machine, 'PA0').drive(1)`).
 */
import type { Machine } from '../machine.js';
import { gpioOf, rccOf } from '../peripherals/index.js';
import { type Board, recordBoard } from './board.js';

export class BareChip implements Board {
  readonly name = 'none';
  readonly description = 'the bare chip: no crystals, nothing on the pins';
  readonly hseHz = 0;
  readonly lseHz = 0;

  constructor(private readonly machine: Machine) {
    rccOf(machine)?.setExternalClocks({ hseHz: this.hseHz, lseHz: this.lseHz });
    recordBoard(machine, this);
  }

  /** Reports every pin change of every port: with nothing on the board, any pin may matter. */
  watch(report: (message: string) => void): () => void {
    const stops: Array<() => void> = [];
    for (const letter of 'ABCDEFGHI') {
      for (const pin of gpioOf(this.machine, letter)?.pins ?? []) {
        stops.push(pin.onChange((state) => report(`${pin.name} ${state === 'float' ? 'floating' : state === 1 ? 'high' : 'low'}`)));
      }
    }
    return () => stops.forEach((stop) => stop());
  }
}

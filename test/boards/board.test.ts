// The board registry: one board per machine, found again from the machine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BOARD_NAMES, boardOf, recordBoard } from '../../src/boards/board.js';
import { BareChip } from '../../src/boards/none.js';
import { Machine } from '../../src/machine.js';
import { chipPeripherals } from '../../src/peripherals/index.js';

describe('board registry', () => {
  test('a machine has no board until one is attached, then boardOf finds it', () => {
    const m = new Machine({}, chipPeripherals());
    assert.equal(boardOf(m), undefined);
    const b = new BareChip(m);
    assert.equal(boardOf(m), b);
  });

  test('a second board on the same machine is refused', () => {
    const m = new Machine({}, chipPeripherals());
    const b = new BareChip(m);
    assert.throws(() => recordBoard(m, b), /already sits on the none board/);
  });

  test('the known boards are discovery and none', () => {
    assert.deepEqual([...BOARD_NAMES], ['discovery', 'none']);
  });
});

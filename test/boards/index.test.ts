// createMachine: the whole chip on a board, ready for a power-on reset.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BareChip, DiscoveryBoard, attachBoard, boardOf, createMachine, discoveryOf } from '../../src/boards/index.js';
import { Machine } from '../../src/machine.js';
import { chipPeripherals, rccOf } from '../../src/peripherals/index.js';

describe('createMachine', () => {
  test('defaults to the Discovery board with every peripheral model', () => {
    const m = createMachine();
    assert.ok(boardOf(m) instanceof DiscoveryBoard);
    assert.ok(rccOf(m));
    assert.equal(discoveryOf(m), boardOf(m));
  });

  test('passes the machine options through (device, boot pins)', () => {
    const m = createMachine({ board: 'none', boot0: 1, boot1: 1 });
    m.reset('power-on');
    assert.equal(m.bootMode, 'sram');
    assert.equal(m.bus.boot, 'sram');
    assert.ok(boardOf(m) instanceof BareChip);
    assert.equal(discoveryOf(m), undefined);
  });

  test('attachBoard puts a machine built with chipPeripherals() on a board', () => {
    const m = new Machine({}, chipPeripherals());
    const b = attachBoard(m, 'discovery');
    assert.equal(b.hseHz, 8e6);
    assert.equal(boardOf(m), b);
  });

  test('a power-on reset after createMachine runs the core from the vector table at 0', () => {
    const m = createMachine();
    m.bus.view('flash').set([0x00, 0x10, 0x00, 0x20, 0x09, 0x00, 0x00, 0x08]);
    m.reset('power-on');
    assert.equal(m.cpu.r[13] >>> 0, 0x2000_1000);
    assert.equal(m.cpu.npc >>> 0, 0x0800_0008);
  });
});

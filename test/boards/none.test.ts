// The bare chip: no crystals, nothing on the pins; --log gpio reports every pin change.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BareChip, boardOf, createMachine } from '../../src/boards/index.js';
import { pinOf } from '../../src/peripherals/index.js';
import { BDCR, CR, RCC_REG } from '../../src/peripherals/rcc.js';
import { advanceNs, read, setBits, write } from '../peripherals/support.js';

function bare() {
  const machine = createMachine({ board: 'none' });
  machine.reset('power-on');
  return machine;
}

describe('bare chip (--board none)', () => {
  test('HSE and LSE never become ready: no crystal is fitted', () => {
    const m = bare();
    setBits(m, 'RCC', RCC_REG.CR, CR.HSEON);
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 28);
    setBits(m, 'PWR', 0x00, 1 << 8);
    write(m, 'RCC', RCC_REG.BDCR, BDCR.LSEON);
    advanceNs(m, 5e9);
    assert.equal(read(m, 'RCC', RCC_REG.CR) & CR.HSERDY, 0);
    assert.equal(read(m, 'RCC', RCC_REG.BDCR) & BDCR.LSERDY, 0);
  });

  test('nothing drives the pins: PA0 floats', () => {
    const m = bare();
    assert.equal(pinOf(m, 'PA0').state, 'float');
    assert.ok(boardOf(m) instanceof BareChip);
  });

  test('watch reports every pin change as high, low or floating', () => {
    const m = bare();
    const lines: string[] = [];
    const stop = boardOf(m)!.watch((line) => lines.push(line));
    pinOf(m, 'PC5').drive(1);
    pinOf(m, 'PC5').drive(0);
    pinOf(m, 'PC5').drive('float');
    stop();
    pinOf(m, 'PC5').drive(1);
    assert.deepEqual(lines, ['PC5 high', 'PC5 low', 'PC5 floating']);
  });
});

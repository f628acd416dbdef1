// The board options of `f4emu run`: --board, --button, --press-button-at, --log gpio.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Command } from 'commander';
import { boardOf, createMachine, discoveryOf } from '../../src/boards/index.js';
import { addBoardOptions, applyBoardOptions, checkBoardOptions, parseBoard, parseDuration, parsePresses } from '../../src/cli/board-options.js';
import { UserError } from '../../src/errors.js';
import { Machine } from '../../src/machine.js';
import { chipPeripherals } from '../../src/peripherals/index.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { advanceNs, setBits, write } from '../peripherals/support.js';

/** Runs `f` with process.stderr.write captured; returns what was written. */
function stderrOf(f: () => void): string[] {
  const lines: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    f();
  } finally {
    process.stderr.write = original;
  }
  return lines;
}

const userError = (message: RegExp) => (e: unknown) => e instanceof UserError && message.test(e.message);

describe('parsing', () => {
  test('times take ns, us, ms or s; a bare number is milliseconds', () => {
    assert.deepEqual(['100ns', '5us', '50ms', '1.5s', '20'].map((t) => parseDuration(t, '--x')), [100, 5000, 50e6, 1.5e9, 20e6]);
  });

  test('a time that is not one is a one-line UserError naming the option and the value', () => {
    assert.throws(() => parseDuration('soon', '--press-button-at'), userError(/^--press-button-at: not a time: 'soon'/));
    assert.throws(() => parseDuration('-5ms', '--press-button-at'), UserError);
  });

  test('--press-button-at takes a list of TIME[:DURATION], 100 ms by default', () => {
    assert.deepEqual(parsePresses('50ms,120ms:20ms'), [
      { atNs: 50e6, durationNs: 100e6 },
      { atNs: 120e6, durationNs: 20e6 },
    ]);
    assert.throws(() => parsePresses('1ms:2ms:3ms'), userError(/more than one ':'/));
    assert.throws(() => parsePresses('1ms:0ms'), userError(/lasts no time/));
  });

  test('--board knows discovery and none', () => {
    assert.equal(parseBoard(undefined), 'discovery');
    assert.equal(parseBoard('NONE'), 'none');
    assert.throws(() => parseBoard('nucleo'), userError(/^--board: unknown board 'nucleo' \(known: discovery, none\)/));
  });

  test('addBoardOptions declares the options with discovery as the default board', () => {
    const cmd = addBoardOptions(new Command().exitOverride());
    cmd.parse(['node', 'x', '--button', 'held', '--press-button-at', '5ms']);
    assert.deepEqual(cmd.opts(), { board: 'discovery', button: 'held', pressButtonAt: '5ms' });
  });
});

describe('checkBoardOptions', () => {
  test('refuses every bad value and combination that applyBoardOptions would, and changes nothing', () => {
    const m = createMachine({ board: 'discovery' });
    assert.throws(() => checkBoardOptions(m, { button: 'maybe' }), userError(/^--button: must be held or released/));
    assert.throws(() => checkBoardOptions(m, { pressButtonAt: 'soon' }), userError(/^--press-button-at: not a time/));
    assert.throws(() => checkBoardOptions(m, { board: 'none' }), userError(/built for the discovery board/));
    assert.throws(() => checkBoardOptions(new Machine({}, chipPeripherals()), { board: 'none', button: 'held' }), userError(/the none board has no user button/));
    const settings = checkBoardOptions(m, { button: 'held', pressButtonAt: '50ms' });
    assert.deepEqual(settings, { name: 'discovery', held: true, presses: [{ atNs: 50e6, durationNs: 100e6 }] });
    m.reset('power-on');
    assert.equal(discoveryOf(m)!.button.pressed, false, 'not held from power-on');
    advanceNs(m, 60e6);
    assert.equal(discoveryOf(m)!.button.pressed, false, 'no press scheduled at 50 ms');
  });
});

describe('applyBoardOptions', () => {
  test('attaches the named board to a machine that has none', () => {
    const m = new Machine({}, chipPeripherals());
    assert.equal(applyBoardOptions(m, { board: 'none' }).name, 'none');
    assert.equal(boardOf(m)?.name, 'none');
  });

  test('refuses a board other than the one the machine was built for', () => {
    assert.throws(() => applyBoardOptions(createMachine({ board: 'discovery' }), { board: 'none' }), userError(/built for the discovery board/));
  });

  test('--button held presses the user button from power-on', () => {
    const m = createMachine();
    applyBoardOptions(m, { button: 'held' });
    m.reset('power-on');
    assert.equal(discoveryOf(m)!.button.pressed, true);
    assert.throws(() => applyBoardOptions(createMachine(), { button: 'maybe' }), userError(/^--button: must be held or released/));
  });

  test('button options on the bare chip are refused', () => {
    assert.throws(() => applyBoardOptions(createMachine({ board: 'none' }), { board: 'none', button: 'held' }), userError(/has no user button/));
  });

  test('--press-button-at presses and releases the button at the given emulated times', () => {
    const m = createMachine();
    applyBoardOptions(m, { pressButtonAt: '50ms:20ms,100ms' });
    m.reset('power-on');
    const button = discoveryOf(m)!.button;
    const states: boolean[] = [];
    for (const t of [49, 51, 69, 71, 99, 101, 199, 201]) {
      advanceNs(m, t * 1e6 - m.scheduler.nowNs());
      states.push(button.pressed);
    }
    assert.deepEqual(states, [false, true, true, false, false, true, true, false]);
  });

  test('--log gpio prints LED and button changes with the emulated time', () => {
    const m = createMachine();
    applyBoardOptions(m, { log: 'unimp,gpio' });
    m.reset('power-on');
    const out = stderrOf(() => {
      setBits(m, 'RCC', RCC_REG.AHB1ENR, 1 << 3);
      write(m, 'GPIOD', 0x00, 1 << 24);
      advanceNs(m, 12e6);
      write(m, 'GPIOD', 0x18, 1 << 12);
      discoveryOf(m)!.button.press();
    });
    assert.deepEqual(out, ['[12.000 ms] LED green (PD12) on\n', '[12.000 ms] button B1 (PA0) pressed\n']);
  });

  test('without --log gpio nothing is printed', () => {
    const m = createMachine();
    applyBoardOptions(m, { log: 'unimp' });
    m.reset('power-on');
    const out = stderrOf(() => discoveryOf(m)!.button.press());
    assert.deepEqual(out, []);
  });
});

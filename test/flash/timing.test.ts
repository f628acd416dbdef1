import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROGRAM_NS, massEraseNs, optionProgramNs, requiredWaitStates, sectorEraseNs } from '../../src/flash/timing.js';

const ms = 1e6;

test('sector erase times follow the datasheet by size and parallelism (x64 as x32)', () => {
  assert.deepEqual([0, 1, 2, 3].map((p) => sectorEraseNs(16 * 1024, p as 0 | 1 | 2 | 3) / ms), [400, 300, 250, 250]);
  assert.deepEqual([0, 1, 2].map((p) => sectorEraseNs(64 * 1024, p as 0 | 1 | 2) / ms), [1200, 700, 550]);
  assert.deepEqual([0, 1, 2].map((p) => sectorEraseNs(128 * 1024, p as 0 | 1 | 2) / ms), [2000, 1300, 1000]);
});

test('mass erase takes 16/11/8 s and a program access 16 µs', () => {
  assert.deepEqual([0, 1, 2].map((p) => massEraseNs(p as 0 | 1 | 2) / 1e9), [16, 11, 8]);
  assert.equal(PROGRAM_NS, 16_000);
});

test('option programming costs a 16 KB erase, plus a mass erase on RDP regression', () => {
  assert.equal(optionProgramNs(2, false), 250 * ms);
  assert.equal(optionProgramNs(0, true), 400 * ms + 16e9);
});

test('wait states: 0 up to 30 MHz, 5 at 168 MHz', () => {
  assert.deepEqual([16e6, 30e6, 30e6 + 1, 60e6, 84e6, 120e6, 168e6].map(requiredWaitStates), [0, 0, 1, 1, 2, 3, 5]);
});

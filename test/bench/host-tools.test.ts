import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findProgram, median, timeProgram } from '../../bench/host-tools.js';

test('median of odd and even lists', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});

test('findProgram finds sh on PATH and not a name no one has', () => {
  assert.match(findProgram('sh') ?? '', /\/sh$/);
  assert.equal(findProgram('no-such-program-f4emu-bench'), undefined);
});

test('timeProgram reports status, output and a wall time at least as long as the program ran', () => {
  const r = timeProgram(findProgram('sh')!, ['-c', 'sleep 0.2; echo out; echo err >&2; exit 3'], 10);
  assert.equal(r.status, 3);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.timedOut, false);
  assert.ok(r.seconds >= 0.2, `${r.seconds} s`);
});

test('timeProgram stops a program that overruns its timeout', () => {
  const r = timeProgram(findProgram('sh')!, ['-c', 'sleep 5'], 0.2);
  assert.equal(r.timedOut, true);
  assert.ok(r.seconds < 4, `${r.seconds} s`);
});

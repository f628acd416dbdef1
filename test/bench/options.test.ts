import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SIZES, parseBenchArgs } from '../../bench/options.js';
import { UserError } from '../../src/errors.js';

test('no argument selects the small size', () => {
  assert.equal(parseBenchArgs([]).size, SIZES.small);
});

test('--size medium and --size=large select those sizes', () => {
  assert.equal(parseBenchArgs(['--size', 'medium']).size, SIZES.medium);
  assert.equal(parseBenchArgs(['--size=large']).size, SIZES.large);
});

test('each size runs more iterations of both workloads than the one below', () => {
  assert.ok(SIZES.medium.intIterations > SIZES.small.intIterations && SIZES.large.intIterations > SIZES.medium.intIterations);
  assert.ok(SIZES.medium.floatIterations > SIZES.small.floatIterations && SIZES.large.floatIterations > SIZES.medium.floatIterations);
});

test('--help asks for the usage', () => {
  assert.equal(parseBenchArgs(['--help']).help, true);
  assert.equal(parseBenchArgs([]).help, false);
});

test('an unknown size, a missing value and an unknown argument are UserErrors naming them', () => {
  assert.throws(() => parseBenchArgs(['--size', 'huge']), (e: unknown) => e instanceof UserError && /--size: unknown size 'huge'/.test(e.message));
  assert.throws(() => parseBenchArgs(['--size']), (e: unknown) => e instanceof UserError && /--size: missing value/.test(e.message));
  assert.throws(() => parseBenchArgs(['--fast']), (e: unknown) => e instanceof UserError && /unknown argument '--fast'/.test(e.message));
  assert.throws(() => parseBenchArgs(['--size', 'toString']), UserError);
});

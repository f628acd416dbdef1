import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testPattern } from '../../bench/pattern.js';

test('the same length and seed give the same bytes; another seed gives others', () => {
  assert.deepEqual(testPattern(64), testPattern(64));
  assert.notDeepEqual(testPattern(64, 1), testPattern(64));
});

test('the pattern is neither erased flash nor constant, and no word repeats early', () => {
  const bytes = testPattern(4096);
  assert.ok(new Set(bytes).size > 200);
  const words = new Uint32Array(bytes.buffer);
  assert.equal(new Set(words).size, words.length);
});

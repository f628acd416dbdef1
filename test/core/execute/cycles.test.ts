import assert from 'node:assert/strict';
import { test } from 'node:test';
import { divideCycles } from '../../../src/core/execute/cycles.js';

test('a divide costs 2 extra cycles when the quotient is 0 or 1 bit', () => {
  assert.equal(divideCycles(3, 7), 2);
  assert.equal(divideCycles(0, 1), 2);
});

test('a divide costs at most 12 extra cycles and more with a longer quotient', () => {
  let last = 0;
  for (let bits = 0; bits < 32; bits++) {
    const c = divideCycles(2 ** bits, 1);
    assert.ok(c >= last && c >= 2 && c <= 12, `${bits}: ${c}`);
    last = c;
  }
  assert.equal(divideCycles(0xffff_ffff, 1), 12);
});

// Joining record data into segments; overlaps refused with both origins.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoOverlap, segmentsFromChunks } from '../../src/loaders/chunks.js';
import { userError } from './fixtures.js';

const chunk = (address: number, bytes: number[], origin = `at ${address}`) => ({ address, data: new Uint8Array(bytes), origin });

describe('segmentsFromChunks', () => {
  test('sorts, joins touching chunks and keeps gaps apart', () => {
    const segments = segmentsFromChunks('f', [chunk(0x10, [3]), chunk(0, [1, 2]), chunk(2, [9])]);
    assert.deepEqual(segments.map((s) => [s.address, [...s.data]]), [[0, [1, 2, 9]], [0x10, [3]]]);
  });

  test('empty chunks are dropped', () => {
    assert.deepEqual(segmentsFromChunks('f', [chunk(0, [])]), []);
  });

  test('overlapping chunks are one error line naming both', () => {
    assert.throws(() => assertNoOverlap('f.hex', [chunk(0, [1, 2, 3, 4], 'line 1'), chunk(3, [5], 'line 2')]), userError(/^f\.hex: line 2: data at 0x00000003-0x00000003 overlaps line 1 at 0x00000000-0x00000003$/));
  });
});

// Plain-text tables of the reports.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatSize, formatTable } from '../../src/cli/table.js';

describe('formatTable / formatSize', () => {
  test('pads columns to their widest cell, right-aligns the numeric ones, no trailing spaces', () => {
    assert.deepEqual(formatTable([['a', 'size', 'x'], ['long', '7', '']], new Set([1])), ['a     size  x', 'long     7']);
  });

  test('sizes show KB or MB when whole', () => {
    assert.equal(formatSize(16384), '16384 (16 KB)');
    assert.equal(formatSize(1048576), '1048576 (1 MB)');
    assert.equal(formatSize(12), '12');
    assert.equal(formatSize(1000), '1000');
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryNvFile } from '../../src/nvstate/memory-file.js';

test('a memory file does not exist until written, then appends, truncates and replaces', () => {
  const f = new MemoryNvFile('m.f4s');
  const seen: number[] = [];
  f.onChange = (b) => seen.push(b.length);
  assert.equal(f.read(), null);
  f.replace(Uint8Array.of(1, 2, 3));
  f.append(Uint8Array.of(4, 5));
  assert.deepEqual([...f.read()!], [1, 2, 3, 4, 5]);
  f.truncate(2);
  assert.deepEqual([...f.read()!], [1, 2]);
  assert.deepEqual(seen, [3, 5, 2]);
});

test('reading a memory file returns a copy', () => {
  const f = new MemoryNvFile('m.f4s', Uint8Array.of(9));
  f.read()![0] = 0;
  assert.equal(f.read()![0], 9);
});

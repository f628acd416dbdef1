import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BenchFailure, expectResult, formatChecksum, parseResultLine } from '../../bench/result-line.js';

test('the result line gives iterations and the unsigned checksum', () => {
  const out = 'starting\nbench-int: iterations=1000 checksum=0xab870508\r\n';
  assert.deepEqual(parseResultLine(out, 'bench-int'), { iterations: 1000, checksum: 0xab870508 });
});

test("another program's result line or a garbled one is not taken", () => {
  assert.equal(parseResultLine('bench-float: iterations=10 checksum=0xb35ebfe1\n', 'bench-int'), undefined);
  assert.equal(parseResultLine('bench-int: iterations=10 checksum=0x\n', 'bench-int'), undefined);
  assert.equal(parseResultLine('', 'bench-int'), undefined);
});

test('checksums print as 0x and eight lower-case digits', () => {
  assert.equal(formatChecksum(0x4669a9b), '0x04669a9b');
  assert.equal(formatChecksum(-1), '0xffffffff');
});

test('expectResult fails when the line is missing or reports other iterations than asked', () => {
  assert.throws(() => expectResult('hello\n', 'bench-int', 10, 'x'), BenchFailure);
  assert.throws(() => expectResult('bench-int: iterations=10 checksum=0x04669a9b\n', 'bench-int', 100, 'x'), /ran 10 iterations, not 100/);
  assert.equal(expectResult('bench-int: iterations=10 checksum=0x04669a9b\n', 'bench-int', 10, 'x').checksum, 0x04669a9b);
});

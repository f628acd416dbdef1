import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureFlash } from '../../bench/flash.js';
import { PROGRAM_NS } from '../../src/flash/timing.js';

test('erasing and programming the first 48 KB through the flash interface takes 3 sectors and emulated time', () => {
  const m = measureFlash(48 * 1024);
  assert.equal(m.bytes, 48 * 1024);
  assert.equal(m.sectors, 3); // 16 KB sectors 0–2 (RM0090 Table 5)
  // At least tPROG for each of the 12288 words programmed, on the chip's clock (not the host's).
  assert.ok(m.emulatedProgramSeconds >= (12288 * PROGRAM_NS) / 1e9, `${m.emulatedProgramSeconds} s`);
  assert.ok(m.emulatedEraseSeconds > 0);
  assert.ok(m.eraseSeconds >= 0 && m.programSeconds > 0);
});

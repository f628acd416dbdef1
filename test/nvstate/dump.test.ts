import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICES } from '../../src/device/stm32f407.js';
import { UserError } from '../../src/errors.js';
import { parseImage } from '../../src/loaders/load.js';
import { dumpRegion, encodeIntelHex } from '../../src/nvstate/dump.js';
import { factoryImage } from '../../src/nvstate/format.js';

const F407 = DEVICES.stm32f407;

test('sector:N is that sector of flash at its address', () => {
  const image = factoryImage(F407);
  image.sections.flash[0x20000] = 0x12;
  const d = dumpRegion(image, F407, 'sector:5');
  assert.equal(d.address, 0x0802_0000);
  assert.equal(d.bytes.length, 128 * 1024);
  assert.equal(d.bytes[0], 0x12);
});

test('otp is the 512 data bytes followed by the 16 lock bytes', () => {
  const image = factoryImage(F407);
  image.sections['otp-lock'][0] = 0;
  const d = dumpRegion(image, F407, 'otp');
  assert.equal(d.address, 0x1fff_7800);
  assert.equal(d.bytes.length, 528);
  assert.equal(d.bytes[512], 0);
});

test('flash, option-bytes and bkpsram dump whole; unknown regions and sectors are one-line errors', () => {
  const image = factoryImage(F407);
  assert.equal(dumpRegion(image, F407, 'flash').bytes.length, 1 << 20);
  assert.equal(dumpRegion(image, F407, 'option-bytes').address, 0x1fff_c000);
  assert.equal(dumpRegion(image, F407, 'bkpsram').address, 0x4002_4000);
  assert.throws(() => dumpRegion(image, F407, 'sram'), (e) => e instanceof UserError && /--region: 'sram' is not one of/.test(e.message));
  assert.throws(() => dumpRegion(factoryImage(DEVICES.stm32f407ve), DEVICES.stm32f407ve, 'sector:8'), /sectors 0–7, not 8/);
});

test('the Intel HEX output reads back through the project loader with the same bytes and addresses', () => {
  const bytes = Uint8Array.from({ length: 70 }, (_, i) => (i * 7) & 0xff);
  const text = encodeIntelHex(0x0800_fff0, bytes);
  assert.match(text, /^:020000040800F2\n/);
  assert.match(text, /:020000040801F1\n/, 'a new extended address record at the 64 KB boundary');
  assert.match(text, /:00000001FF\n$/);
  const image = parseImage(new TextEncoder().encode(text), 'out.hex');
  const all = new Map<number, number>();
  for (const s of image.segments) s.data.forEach((b, i) => all.set(s.address + i, b));
  assert.equal(all.size, 70);
  for (let i = 0; i < 70; i++) assert.equal(all.get(0x0800_fff0 + i), bytes[i]);
});

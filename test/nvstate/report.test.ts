import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICES } from '../../src/device/stm32f407.js';
import { encodeOptionBytes, factoryOptionBytes } from '../../src/flash/option-bytes.js';
import { factoryImage } from '../../src/nvstate/format.js';
import { describeState, formatReport } from '../../src/nvstate/report.js';

const F407 = DEVICES.stm32f407;

test('a factory chip reports RDP 0, nothing protected, BOR off, software watchdog, all erased', () => {
  const r = describeState('f.f4s', factoryImage(F407), F407, 0);
  assert.deepEqual(r.rdp, { level: 0, value: 0xaa });
  assert.equal(r.bor.name, 'off');
  assert.deepEqual(r.user, { wdgSw: true, nRstStop: true, nRstStdby: true });
  assert.equal(r.sectors.length, 12);
  assert.ok(r.sectors.every((s) => s.erased && !s.writeProtected));
  assert.ok(r.otp.every((b) => b.erased && !b.locked));
  assert.equal(r.uid, '003000213234511738373938');
});

test('programmed sectors, protections, OTP locks and RDP level 1 are reported', () => {
  const image = factoryImage(F407);
  image.sections.flash[0x4000 + 5] = 0;
  image.sections.flash[0x4000 + 6] = 0x7f;
  image.sections.otp[40] = 0;
  image.sections['otp-lock'][1] = 0;
  image.sections['option-bytes'].set(encodeOptionBytes({ ...factoryOptionBytes(F407), rdp: 0x55, nWrp: 0xffe, borLevel: 1, wdgSw: false }));
  const r = describeState('f.f4s', image, F407, 40);
  assert.equal(r.rdp.level, 1);
  assert.equal(r.sectors[0].writeProtected, true);
  assert.equal(r.sectors[1].programmedBytes, 2);
  assert.equal(r.sectors[1].erased, false);
  assert.deepEqual([r.otp[1].locked, r.otp[1].erased], [true, false]);
  const text = formatReport(r);
  assert.match(text, /RDP +level 1 \(0x55\)/);
  assert.match(text, /BOR +level 2 \(BOR_LEV = 01\)/);
  assert.match(text, /WDG_SW = 0 \(hardware watchdog\)/);
  assert.match(text, /\n +0 +0x08000000 +16 KB +protected +erased\n/);
  assert.match(text, /\n +1 +0x08004000 +16 KB +writable +programmed \(2 bytes not 0xFF\)\n/);
  assert.match(text, /\n +1 +0x1FFF7820 +locked +programmed\n/);
});

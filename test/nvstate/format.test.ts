import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEVICES } from '../../src/device/stm32f407.js';
import { UserError } from '../../src/errors.js';
import { checkIdentity, decodeFile, encodeImage, encodeRecord, factoryImage, identityOf } from '../../src/nvstate/format.js';

const F407 = DEVICES.stm32f407;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An image plus two journal records: program 4 bytes at flash+8, then erase OTP block 0 with a fill. */
function fileWithJournal(): { bytes: Uint8Array; imageLength: number; records: Uint8Array[] } {
  const image = encodeImage(factoryImage(F407));
  const r1 = encodeRecord(1, [{ section: 'flash', offset: 8, length: 4, data: Uint8Array.of(1, 2, 3, 4) }]);
  const r2 = encodeRecord(2, [
    { section: 'otp', offset: 0, length: 32, fill: 0x00 },
    { section: 'bkpsram', offset: 5, length: 3, data: Uint8Array.of(7, 8, 9) },
  ]);
  return { bytes: concat(image, r1, r2), imageLength: image.length, records: [r1, r2] };
}

function expectDamaged(fn: () => unknown, fragment: RegExp): void {
  assert.throws(fn, (e) => e instanceof UserError && /state file is damaged/.test(e.message) && fragment.test(e.message) && !e.message.includes('\n'));
}

describe('image', () => {
  test('a factory image round-trips: erased flash and OTP, factory option bytes, the device identity', () => {
    const d = decodeFile(encodeImage(factoryImage(F407)), 'x.f4s');
    assert.equal(d.image.identity.deviceId, 'stm32f407');
    assert.deepEqual(d.image.identity.uid, F407.defaultUid);
    assert.equal(d.image.sections.flash.length, 1 << 20);
    assert.ok(d.image.sections.flash.every((b) => b === 0xff));
    assert.ok(d.image.sections.otp.every((b) => b === 0xff));
    assert.equal(d.image.sections['option-bytes'][1], 0xaa);
    assert.equal(d.image.sections['rtc-backup'].length, 80);
    assert.equal(d.records, 0);
    assert.equal(d.tornBytes, 0);
  });

  test('a 512 KB part has a 512 KB flash section', () => {
    const d = decodeFile(encodeImage(factoryImage(DEVICES.stm32f407ve)), 've.f4s');
    assert.equal(d.image.sections.flash.length, 512 * 1024);
  });

  test('a file that is not a state file is refused naming offset 0', () => {
    assert.throws(() => decodeFile(new TextEncoder().encode('hello world, this is not a state file at all......................'), 'notes.txt'), /notes\.txt: offset 0x0: not an f4emu state file/);
  });

  test('another format version is refused', () => {
    const bytes = encodeImage(factoryImage(F407));
    bytes[8] = 9;
    assert.throws(() => decodeFile(bytes, 'v.f4s'), /format version 9/);
  });

  test('one flipped bit anywhere in a section is detected', () => {
    const bytes = encodeImage(factoryImage(F407));
    bytes[bytes.length - 100] ^= 0x10; // inside the last section
    expectDamaged(() => decodeFile(bytes, 'bit.f4s'), /checksum mismatch/);
    const flash = encodeImage(factoryImage(F407));
    flash[0x1000] ^= 1;
    expectDamaged(() => decodeFile(flash, 'bit.f4s'), /section flash .* checksum mismatch/);
  });

  test('a damaged header is detected', () => {
    const bytes = encodeImage(factoryImage(F407));
    bytes[0x28] ^= 1; // the UID
    expectDamaged(() => decodeFile(bytes, 'h.f4s'), /header checksum/);
  });

  test('a truncated image is detected, naming the section and where the file ends', () => {
    const bytes = encodeImage(factoryImage(F407));
    expectDamaged(() => decodeFile(bytes.subarray(0, bytes.length - 200), 't.f4s'), /truncated: section [a-z-]+ needs bytes up to 0x[0-9A-F]+, the file ends at 0x[0-9A-F]+/);
    expectDamaged(() => decodeFile(bytes.subarray(0, 0x1000), 't.f4s'), /truncated: section flash needs bytes up to 0x[0-9A-F]+, the file ends at 0x1000/);
  });

  test('a file cut inside its header is a truncated state file, not a foreign one', () => {
    const bytes = encodeImage(factoryImage(F407));
    expectDamaged(() => decodeFile(bytes.subarray(0, 30), 'h.f4s'), /truncated: the header needs 0x40 bytes, the file ends at 0x1E/);
    expectDamaged(() => decodeFile(bytes.subarray(0, 0x50), 'h.f4s'), /truncated: the header needs 0x[0-9A-F]+ bytes, the file ends at 0x50/);
  });

  test('a zero-length file is named as empty', () => {
    assert.throws(() => decodeFile(new Uint8Array(0), 'z.f4s'), /^UserError: z\.f4s: offset 0x0: empty file \(0 bytes\), not an f4emu state file$/);
  });
});

describe('journal', () => {
  test('records are replayed on top of the image in order', () => {
    const { bytes } = fileWithJournal();
    const d = decodeFile(bytes, 'j.f4s');
    assert.equal(d.records, 2);
    assert.equal(d.image.seq, 2);
    assert.deepEqual([...d.image.sections.flash.subarray(8, 12)], [1, 2, 3, 4]);
    assert.ok(d.image.sections.otp.subarray(0, 32).every((b) => b === 0));
    assert.equal(d.image.sections.otp[32], 0xff);
    assert.deepEqual([...d.image.sections.bkpsram.subarray(5, 8)], [7, 8, 9]);
  });

  test('a last record cut at any length is a torn append: ignored, and the rest of the file is intact', () => {
    const { bytes, records } = fileWithJournal();
    const full = bytes.length;
    const lastStart = full - records[1].length;
    for (let cut = lastStart; cut < full; cut++) {
      const d = decodeFile(bytes.subarray(0, cut), 'torn.f4s');
      assert.equal(d.records, 1, `cut at ${cut}`);
      assert.equal(d.validLength, lastStart);
      assert.equal(d.tornBytes, cut - lastStart);
      assert.equal(d.image.sections.otp[0], 0xff, 'the torn record left nothing behind');
    }
  });

  test('a last record full length but with garbage inside (the crash left zeros) is torn too', () => {
    const { bytes, records } = fileWithJournal();
    const copy = bytes.slice();
    copy.fill(0, copy.length - records[1].length + 20);
    const d = decodeFile(copy, 'zeros.f4s');
    assert.equal(d.records, 1);
    assert.equal(d.tornBytes, records[1].length);
  });

  test('a damaged record followed by a good one is corruption, not a torn append', () => {
    const { bytes, imageLength } = fileWithJournal();
    const copy = bytes.slice();
    copy[imageLength + 0x16] ^= 0x40; // inside the first record
    expectDamaged(() => decodeFile(copy, 'mid.f4s'), /corrupt and valid records follow/);
  });

  test('a gap in sequence numbers is corruption', () => {
    const image = encodeImage(factoryImage(F407));
    const r = encodeRecord(2, [{ section: 'flash', offset: 0, length: 4, fill: 0 }]);
    expectDamaged(() => decodeFile(concat(image, r), 'gap.f4s'), /sequence number 2, expected 1/);
  });
});

describe('device identity', () => {
  test('a file of the same part passes', () => {
    assert.doesNotThrow(() => checkIdentity(identityOf(F407), F407, 'a.f4s'));
  });

  test('a file made for another part is refused with one line naming both parts', () => {
    assert.throws(
      () => checkIdentity(identityOf(DEVICES.stm32f407ve), F407, 've.f4s'),
      (e) => e instanceof UserError && e.message === 've.f4s: state file belongs to STM32F407VE (--device stm32f407ve), not STM32F407VG (--device stm32f407); use that --device or another state file',
    );
  });
});

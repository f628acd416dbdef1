import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEVICES } from '../../src/device/stm32f407.js';
import { UserError } from '../../src/errors.js';
import { decodeFile } from '../../src/nvstate/format.js';
import { MemoryNvFile } from '../../src/nvstate/memory-file.js';
import { NvStore } from '../../src/nvstate/store.js';

const F407 = DEVICES.stm32f407;

function fresh(compactAt?: number): { file: MemoryNvFile; store: NvStore } {
  const file = new MemoryNvFile('s.f4s');
  return { file, store: NvStore.open(file, { device: F407, create: true, compactAt }) };
}

describe('opening', () => {
  test('a missing file becomes a factory-fresh chip, written at once', () => {
    const { file, store } = fresh();
    assert.equal(store.created, true);
    assert.ok(file.bytes && file.bytes.length > 1 << 20);
    assert.equal(decodeFile(file.bytes, 's.f4s').image.sections.flash[0], 0xff);
  });

  test('a missing file without create is an error', () => {
    assert.throws(() => NvStore.open(new MemoryNvFile('none.f4s'), { device: F407 }), (e) => e instanceof UserError && e.message === 'none.f4s: no such state file');
  });

  test('a file of another part is refused; without a device the file decides', () => {
    const { file } = fresh();
    assert.throws(() => NvStore.open(new MemoryNvFile('s.f4s', file.bytes), { device: DEVICES.stm32f405 }), /belongs to STM32F407VG/);
    assert.equal(NvStore.open(new MemoryNvFile('s.f4s', file.bytes), { readOnly: true }).device, F407);
  });
});

describe('committing', () => {
  test('a commit reaches the file as a record at the next syncIfDirty, so that a reopened file has the change', () => {
    const { file, store } = fresh();
    const before = file.bytes!.length;
    store.image.sections.flash.set([0x12, 0x34], 100);
    store.commit([{ section: 'flash', offset: 100, length: 2 }]);
    assert.equal(file.bytes!.length, before, 'nothing written before the group ends');
    store.syncIfDirty();
    assert.ok(file.bytes!.length > before);
    const again = NvStore.open(new MemoryNvFile('s.f4s', file.bytes), { device: F407 });
    assert.deepEqual([...again.image.sections.flash.subarray(100, 102)], [0x12, 0x34]);
    assert.equal(again.image.seq, 1);
  });

  test('the commits since the last syncIfDirty become one record and one sync: many operations, one write (group commit)', () => {
    const { file, store } = fresh();
    const syncs = file.syncs;
    const writes: number[] = [];
    file.onChange = (b) => writes.push(b.length);
    for (let i = 0; i < 256; i++) {
      store.image.sections.flash[i] = i;
      store.commit([{ section: 'flash', offset: i, length: 1 }]);
    }
    assert.equal(file.syncs, syncs, 'no sync per operation');
    assert.equal(writes.length, 0, 'no write per operation');
    assert.equal(store.unsynced, true);
    store.syncIfDirty();
    store.syncIfDirty();
    assert.equal(file.syncs, syncs + 1, 'one sync for all of them; none when nothing is new');
    assert.equal(writes.length, 1);
    assert.equal(store.unsynced, false);
    const d = decodeFile(file.bytes!, 's.f4s');
    assert.equal(d.records, 1, 'the contiguous programs are one record');
    assert.deepEqual([...d.image.sections.flash.subarray(0, 256)], [...Array(256).keys()]);
  });

  test('a compaction leaves nothing to sync; close syncs what a refused compaction leaves', () => {
    const { file, store } = fresh(64);
    store.commit([{ section: 'flash', offset: 0, length: 16, fill: 0 }]);
    store.syncIfDirty();
    const syncs = file.syncs;
    store.commit([{ section: 'flash', offset: 16, length: 16, fill: 0 }]);
    store.syncIfDirty();
    assert.equal(store.unsynced, false, 'the compacted file is synced as a whole');
    assert.equal(file.syncs, syncs, 'no fdatasync after the compaction');
    const other = fresh();
    other.store.commit([{ section: 'flash', offset: 0, length: 16, fill: 0 }]);
    assert.throws(() => other.store.batch(() => {
      other.store.commit([{ section: 'flash', offset: 32, length: 16, fill: 0 }]);
      throw new Error('half-way');
    }));
    const otherSyncs = other.file.syncs;
    other.store.close();
    assert.equal(other.file.syncs, otherSyncs + 1);
    assert.equal(decodeFile(other.file.bytes!, 's.f4s').records, 1, 'the group before the failed batch is kept');
  });

  test('commits read their bytes from bound memory', () => {
    const { file, store } = fresh();
    const memory = store.image.sections.otp.slice();
    store.bind({ otp: memory });
    memory[3] = 0x5a;
    store.commit([{ section: 'otp', offset: 3, length: 1 }]);
    store.syncIfDirty();
    assert.equal(NvStore.open(new MemoryNvFile('s.f4s', file.bytes), {}).image.sections.otp[3], 0x5a);
  });

  test('past the compaction limit the journal is folded into a new image', () => {
    const { file, store } = fresh(64);
    const imageLength = file.bytes!.length;
    // The memory changes first (as the flash interface does), then the commit describes it.
    store.image.sections.flash.fill(0, 0, 32);
    store.commit([{ section: 'flash', offset: 0, length: 16, fill: 0 }]);
    store.syncIfDirty();
    assert.equal(store.journalLength, 36);
    store.commit([{ section: 'flash', offset: 16, length: 16, fill: 0 }]);
    store.syncIfDirty();
    assert.equal(store.journalLength, 0, 'two 36-byte records pass the 64-byte limit');
    assert.equal(file.bytes!.length, imageLength, 'only the image is left');
    const d = decodeFile(file.bytes!, 's.f4s');
    assert.equal(d.image.seq, 2);
    assert.ok(d.image.sections.flash.subarray(0, 32).every((b) => b === 0));
  });

  test('a batch becomes one record, written when it ends', () => {
    const { file, store } = fresh();
    const writes: number[] = [];
    file.onChange = (b) => writes.push(b.length);
    store.batch(() => {
      for (let i = 0; i < 10; i++) {
        store.image.sections.flash[i * 4] = i;
        store.commit([{ section: 'flash', offset: i * 4, length: 4 }]);
      }
      store.commit([{ section: 'flash', offset: 0x4000, length: 0x4000, fill: 0xff }]);
      assert.equal(writes.length, 0, 'nothing written inside the batch');
    });
    assert.equal(writes.length, 1);
    const d = decodeFile(file.bytes!, 's.f4s');
    assert.equal(d.records, 1);
    assert.equal(d.image.sections.flash[36], 9);
  });

  test('a batch that throws writes nothing and leaves the store refusing writes', () => {
    const { file, store } = fresh();
    const before = file.bytes!.slice();
    assert.throws(() =>
      store.batch(() => {
        store.commit([{ section: 'flash', offset: 0, length: 4, fill: 0 }]);
        throw new UserError('programming failed');
      }),
    );
    assert.deepEqual(file.bytes, before);
    assert.throws(() => store.commit([{ section: 'flash', offset: 0, length: 4, fill: 0 }]), /failed half-way/);
    store.close();
    assert.deepEqual(file.bytes, before, 'close does not save a half-done change');
  });

  test('a torn tail is cut when the file is opened for writing, and kept when only reading', () => {
    const { file, store } = fresh();
    store.commit([{ section: 'flash', offset: 0, length: 4, fill: 0 }]);
    store.syncIfDirty();
    const good = file.bytes!.length;
    const torn = new Uint8Array(good + 10);
    torn.set(file.bytes!);
    torn.set([0x4e, 0x56, 0x4a, 0x52, 0x40], good);
    const reader = new MemoryNvFile('t.f4s', torn);
    NvStore.open(reader, { readOnly: true });
    assert.equal(reader.bytes!.length, good + 10);
    const writer = new MemoryNvFile('t.f4s', torn);
    NvStore.open(writer, { device: F407 });
    assert.equal(writer.bytes!.length, good);
  });
});

describe('closing and the backup domain', () => {
  test('close saves backup SRAM only when the backup domain is kept (VBAT)', () => {
    const { file, store } = fresh();
    store.image.sections.bkpsram[0] = 0x77;
    store.backupDomainSaved = true;
    store.close();
    assert.equal(decodeFile(file.bytes!, 's.f4s').image.sections.bkpsram[0], 0x77);
    const again = NvStore.open(new MemoryNvFile('s.f4s', file.bytes), { device: F407 });
    assert.equal(again.backupDomainSaved, true);
    again.backupDomainSaved = false;
    const f2 = again.file as MemoryNvFile;
    again.close();
    const d = decodeFile(f2.bytes!, 's.f4s');
    assert.equal(d.image.sections.bkpsram[0], 0);
    assert.equal(d.image.flags, 0);
  });
});

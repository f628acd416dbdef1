import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEVICES } from '../../src/device/stm32f407.js';
import { UserError } from '../../src/errors.js';
import { flashFactory } from '../../src/flash/interface.js';
import { NodeNvFile, attachState, openStateFile } from '../../src/host/nvstore-node.js';
import { beforeOutput } from '../../src/host/output-barrier.js';
import { NvStore } from '../../src/nvstate/store.js';
import { Machine } from '../../src/machine.js';
import { backupSramFactory } from '../../src/peripherals/bkpsram.js';

const dir = mkdtempSync(join(tmpdir(), 'f4emu-nv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a node file appends, truncates and replaces its content, leaving no temporary file', () => {
  const path = join(dir, 'a.f4s');
  const f = new NodeNvFile(path);
  assert.equal(f.read(), null);
  f.replace(Uint8Array.of(1, 2, 3));
  f.append(Uint8Array.of(4));
  f.truncate(3);
  f.append(Uint8Array.of(5, 6));
  assert.deepEqual([...readFileSync(path)], [1, 2, 3, 5, 6]);
  f.replace(Uint8Array.of(9));
  f.append(Uint8Array.of(8));
  assert.deepEqual([...readFileSync(path)], [9, 8]);
  assert.equal(existsSync(`${path}.tmp`), false);
  f.close();
  assert.equal(existsSync(`${path}.lock`), false, 'closing releases the lock');
});

test('a file locked by a live process is refused; a lock left by a dead one is taken over', () => {
  const path = join(dir, 'b.f4s');
  writeFileSync(`${path}.lock`, `${process.ppid}\n`);
  assert.throws(() => new NodeNvFile(path).read(), (e) => e instanceof UserError && e.message.startsWith(`${path}: in use by process ${process.ppid}`));
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(`${path}.lock`, `${dead}\n`);
  const f = new NodeNvFile(path);
  assert.equal(f.read(), null);
  assert.equal(readFileSync(`${path}.lock`, 'utf8').trim(), String(process.pid));
  f.close();
});

test('attachState creates the file, and openStateFile reads it without taking the lock', () => {
  const path = join(dir, 'c.f4s');
  const m = new Machine({}, [flashFactory, backupSramFactory]);
  const state = attachState(m, path);
  assert.equal(state.created, true);
  const store = openStateFile(path, DEVICES.stm32f407);
  assert.equal(store.image.sections.flash[0], 0xff);
  state.close();
  assert.throws(() => openStateFile(join(dir, 'missing.f4s')), /missing\.f4s: no such state file/);
});

test('an unwritable location is a one-line error naming the file', () => {
  const path = join(dir, 'no-such-dir', 'd.f4s');
  const m = new Machine({}, [flashFactory, backupSramFactory]);
  assert.throws(() => attachState(m, path), (e) => e instanceof UserError && e.message.startsWith(path) && !e.message.includes('\n'));
});

test('an attached state file is an output barrier: operations since the last sync are written and synced before output, until close', () => {
  const path = join(dir, 'e.f4s');
  const m = new Machine({}, [flashFactory, backupSramFactory]);
  const state = attachState(m, path);
  let synced = 0;
  const sync = NvStore.prototype.syncIfDirty;
  state.store.syncIfDirty = function () {
    if (this.unsynced) synced++;
    sync.call(this);
  };
  state.store.commit([{ section: 'flash', offset: 0, length: 4, fill: 0 }]);
  assert.equal(state.store.unsynced, true);
  assert.equal(openStateFile(path, DEVICES.stm32f407).image.sections.flash[0], 0xff, 'not in the file before the barrier');
  beforeOutput();
  assert.equal(state.store.unsynced, false);
  assert.equal(openStateFile(path, DEVICES.stm32f407).image.sections.flash[0], 0, 'in the file after it');
  assert.equal(synced, 1);
  state.close();
  state.store.commit = () => assert.fail('closed');
  beforeOutput(); // no longer registered: nothing to do, no error
  assert.equal(synced, 1);
});

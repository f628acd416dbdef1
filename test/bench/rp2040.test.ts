/** bench-int-m0plus on rp2040js, checked against QEMU's bench-int checksums (firmware/bench/README.md). */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runOnRp2040js } from '../../bench/rp2040.js';
import { UserError } from '../../src/errors.js';

const BIN = join(import.meta.dirname, '../../firmware/build/bench-int-m0plus.bin');
const dir = mkdtempSync(join(tmpdir(), 'f4emu-bench-rp2040-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('10 iterations on rp2040js give bench-int\'s checksum after 1,253,719 instructions', () => {
  const run = runOnRp2040js(BIN, 10);
  assert.equal(run.checksum, 0x04669a9b);
  assert.equal(run.iterations, 10);
  assert.equal(run.instructions, 1_253_719);
});

test('the iteration count written into the mailbox is the one the firmware runs', () => {
  assert.equal(runOnRp2040js(BIN, 0).checksum, 0);
});

test('an image without the bench mailbox is a UserError naming the file and offset', () => {
  const bad = join(dir, 'zeros.bin');
  writeFileSync(bad, new Uint8Array(1024));
  assert.throws(() => runOnRp2040js(bad, 1), (e: unknown) => e instanceof UserError && e.message.startsWith(`${bad}: offset 0xc0: no bench mailbox`));
  assert.throws(() => runOnRp2040js(join(dir, 'absent.bin'), 1), UserError);
});

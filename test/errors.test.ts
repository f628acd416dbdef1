import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError, fsErrorText, hex32 } from '../src/errors.js';

test('a UserError carries its one-line message and exit status 2 unless told otherwise', () => {
  const e = new UserError('x.elf: not an ELF file');
  assert.equal(e.message, 'x.elf: not an ELF file');
  assert.equal(e.exitCode, 2);
  assert.equal(new UserError('m', 3).exitCode, 3);
});

test('hex32 writes an address as 0x and eight upper-case digits, negative int32 values included', () => {
  assert.equal(hex32(0x0800_0000), '0x08000000');
  assert.equal(hex32(-1), '0xFFFFFFFF');
  assert.equal(hex32(0x1fff_0000), '0x1FFF0000');
});

test('fsErrorText says in words what a failed file-system call met, and falls back to the code or message', () => {
  const err = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
  assert.equal(fsErrorText(err('ENOSPC')), 'no space left on the device');
  assert.equal(fsErrorText(err('EFBIG')), 'file too large (a file-size limit, e.g. ulimit -f)');
  assert.equal(fsErrorText(err('EIO')), 'input/output error (the disk failed)');
  assert.equal(fsErrorText(err('EWHATEVER')), 'EWHATEVER');
  assert.equal(fsErrorText(new Error('plain')), 'plain');
});

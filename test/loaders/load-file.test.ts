// loadImageFile: reads the file, then parseImage; unreadable files are one-line UserErrors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadImageFile } from '../../src/loaders/load-file.js';
import { fixturePath, userError } from './fixtures.js';

describe('loadImageFile', () => {
  test('loads each fixture format from disk', () => {
    assert.equal(loadImageFile(fixturePath('tiny.elf')).format, 'elf');
    assert.equal(loadImageFile(fixturePath('tiny.hex')).format, 'ihex');
    assert.equal(loadImageFile(fixturePath('tiny.srec')).format, 'srec');
    assert.equal(loadImageFile(fixturePath('tiny.bin'), { base: 0x0800_0000 }).format, 'bin');
  });

  test('names the file in the image', () => {
    const path = fixturePath('tiny.elf');
    assert.equal(loadImageFile(path).file, path);
  });

  test('a missing file is one line naming it', () => {
    assert.throws(() => loadImageFile('/nonexistent/f.elf'), userError(/^\/nonexistent\/f\.elf: cannot read: no such file$/));
  });

  test('a directory is refused', () => {
    assert.throws(() => loadImageFile(fixturePath('')), userError(/cannot read: is a directory$/));
  });

  test('.bin without a base is refused', () => {
    assert.throws(() => loadImageFile(fixturePath('tiny.bin')), userError(/give its load address with --base/));
  });
});

// The Node semihosting host: files confined to a root directory, console streams, stdin on demand.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { ERRNO, SemihostingError } from '../../src/core/semihosting.js';
import { NodeSemihostingHost, RootedFiles } from '../../src/host/semihosting-node.js';

function errno(n: number): (e: unknown) => boolean {
  return (e) => e instanceof SemihostingError && e.errno === n;
}

function sandbox(): { root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'f4emu-sh-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'in.txt'), 'inside');
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  return { root, outside };
}

describe('RootedFiles', () => {
  test('reads and writes files inside the root, including in subdirectories', () => {
    const { root } = sandbox();
    const files = new RootedFiles(root);
    const f = files.open('in.txt', 'r');
    assert.equal(new TextDecoder().decode(f.read(100, 0)), 'inside');
    assert.equal(f.length(), 6);
    f.close();
    const w = files.open('sub/new.txt', 'w');
    w.write(new TextEncoder().encode('made'), 0);
    w.close();
    assert.equal(readFileSync(join(root, 'sub', 'new.txt'), 'utf8'), 'made');
  });

  test('refuses absolute paths and any ".." with EACCES', () => {
    const { root, outside } = sandbox();
    const files = new RootedFiles(root);
    assert.throws(() => files.open(join(outside, 'secret.txt'), 'r'), errno(ERRNO.EACCES));
    assert.throws(() => files.open('../outside/secret.txt', 'r'), errno(ERRNO.EACCES));
    assert.throws(() => files.open('sub/../in.txt', 'r'), errno(ERRNO.EACCES));
    assert.throws(() => files.open('sub\\..\\in.txt', 'r'), errno(ERRNO.EACCES));
  });

  test('refuses a symlink that leads out of the root, and a dangling one', () => {
    const { root, outside } = sandbox();
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(outside, join(root, 'dir'));
    symlinkSync(join(outside, 'not-yet.txt'), join(root, 'dangling.txt'));
    const files = new RootedFiles(root);
    assert.throws(() => files.open('link.txt', 'r'), errno(ERRNO.EACCES));
    assert.throws(() => files.open('dir/secret.txt', 'r'), errno(ERRNO.EACCES));
    assert.throws(() => files.open('dir/created.txt', 'w'), errno(ERRNO.EACCES));
    assert.throws(() => files.open('dangling.txt', 'w'), errno(ERRNO.EACCES));
  });

  test('a symlink that stays inside the root is followed', () => {
    const { root } = sandbox();
    symlinkSync(join(root, 'in.txt'), join(root, 'alias.txt'));
    assert.equal(new RootedFiles(root).open('alias.txt', 'r').length(), 6);
  });

  test('a missing file is ENOENT', () => {
    const { root } = sandbox();
    assert.throws(() => new RootedFiles(root).open('none.txt', 'r'), errno(ERRNO.ENOENT));
  });
});

describe('NodeSemihostingHost', () => {
  test('writes stdout and stderr to their streams', () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const host = new NodeSemihostingHost({ stdout, stderr, stdin: new PassThrough() });
    host.write(1, new TextEncoder().encode('out'));
    host.write(2, new TextEncoder().encode('err'));
    assert.equal(stdout.read().toString(), 'out');
    assert.equal(stderr.read().toString(), 'err');
  });

  test('stdin: nothing yet is null, then the bytes in pieces of at most n, then end of input is empty', async () => {
    const stdin = new PassThrough();
    const host = new NodeSemihostingHost({ stdin });
    assert.equal(host.read(4), null);
    const waiting = host.waitForInput();
    stdin.write('hello');
    await waiting;
    assert.equal(new TextDecoder().decode(host.read(3)!), 'hel');
    assert.equal(new TextDecoder().decode(host.read(3)!), 'lo');
    assert.equal(host.read(3), null);
    stdin.end();
    await host.waitForInput();
    assert.deepEqual(host.read(3), new Uint8Array(0));
    host.close();
  });

  test('without a root there are no files', () => {
    assert.equal(new NodeSemihostingHost({ stdin: new PassThrough() }).files, undefined);
  });
});

/**
 * The state file on a Node file system: the `NvFile` the NV store (src/nvstate/store.ts) writes through.
 *
 * - append: write() at the end (in the kernel when it returns: safe from the process being killed);
 *   sync: fdatasync (safe from power loss) — the store defers it to the output barrier (group commit);
 * - truncate: write, then fsync, before returning;
 * - replace: write `<file>.tmp`, fsync it, rename it over the file, fsync the directory — the path
 *   always names a complete file;
 * - one process at a time: `<file>.lock` holds the owner's pid; a lock whose process is gone (killed)
 *   is taken over.
 * `fsync: false` skips the syncs (faster; still safe against the emulator being killed, not against the
 * machine losing power).
 */
import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeviceDescription } from '../device/stm32f407.js';
import { UserError, fsErrorText } from '../errors.js';
import type { Machine } from '../machine.js';
import { type AttachOptions, type AttachedState, attachStore } from '../nvstate/attach.js';
import { type NvFile, NvStore } from '../nvstate/store.js';
import { addOutputBarrier } from './output-barrier.js';

export interface NodeNvFileOptions {
  /** Make every change durable with fsync (default true). */
  readonly fsync?: boolean;
  /** Only read the file: no lock, no writes. */
  readonly readOnly?: boolean;
}

export class NodeNvFile implements NvFile {
  readonly name: string;
  private fd: number | null = null;
  private size = 0;
  private locked = false;
  private readonly fsync: boolean;
  private readonly readOnly: boolean;
  /**
   * The first failed write or sync. Every later one fails with it: after a failed write() or fdatasync
   * the file's durable content is unknown (Linux may drop the dirty pages and report success to a retry),
   * so nothing may pretend the lost operations are safe — in particular not an output barrier.
   */
  private writeFailure: UserError | null = null;

  constructor(
    readonly path: string,
    options: NodeNvFileOptions = {},
  ) {
    this.name = path;
    this.fsync = options.fsync ?? true;
    this.readOnly = options.readOnly ?? false;
  }

  /** The first failed write or sync, if any (see `writeFailure`). */
  get writeError(): UserError | null {
    return this.writeFailure;
  }

  read(): Uint8Array | null {
    // Before the lock: a directory or a device (/dev/zero) is no state file, and is never locked or read.
    const stat = this.guard('cannot read', () => statSync(this.path, { throwIfNoEntry: false }));
    if (stat && !stat.isFile()) throw new UserError(`${this.path}: cannot read the state file: ${stat.isDirectory() ? 'is a directory' : 'not a regular file'}`);
    if (!this.readOnly) {
      this.lock();
      rmSync(`${this.path}.tmp`, { force: true }); // a compaction a crash interrupted before its rename
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.failure('cannot read', e);
    }
    this.size = bytes.length;
    if (!this.readOnly) this.open(); // a file we may not write (chmod 444) is refused now, not at the first change
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  append(bytes: Uint8Array): void {
    const fd = this.open();
    this.guard('cannot write', () => writeAll(fd, bytes, this.size));
    this.size += bytes.length;
  }

  sync(): void {
    if (!this.fsync || this.fd === null) return;
    const fd = this.fd;
    this.guard('cannot write', () => fdatasyncSync(fd));
  }

  truncate(length: number): void {
    const fd = this.open();
    this.guard('cannot write', () => {
      ftruncateSync(fd, length);
      if (this.fsync) fsyncSync(fd);
    });
    this.size = length;
  }

  replace(bytes: Uint8Array): void {
    const tmp = `${this.path}.tmp`;
    this.guard('cannot write', () => {
      const fd = openSync(tmp, 'w');
      try {
        writeAll(fd, bytes, 0);
        if (this.fsync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      if (this.fsync) syncDirectory(dirname(this.path));
    });
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.size = bytes.length;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.locked) rmSync(`${this.path}.lock`, { force: true });
    this.locked = false;
  }

  private open(): number {
    if (this.readOnly) throw new Error(`${this.path}: opened read-only`);
    if (this.fd === null) this.fd = this.guard('cannot open', () => openSync(this.path, 'r+'));
    return this.fd;
  }

  private lock(): void {
    if (this.locked) return;
    const lockPath = `${this.path}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
        this.locked = true;
        return;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new UserError(`${this.path}: no such directory ${dirname(this.path)}`);
        if (code !== 'EEXIST') throw new UserError(`${this.path}: cannot create its lock file ${lockPath}: ${fsErrorText(e)}`);
      }
      const owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
        throw new UserError(`${this.path}: in use by process ${owner} (${lockPath}); if no f4emu is running, delete that file`);
      }
      rmSync(lockPath, { force: true }); // left by a process that is gone
    }
    throw new UserError(`${this.path}: cannot take its lock file ${lockPath}`);
  }

  private guard<T>(what: string, fn: () => T): T {
    if (what === 'cannot write' && this.writeFailure !== null) throw this.writeFailure;
    try {
      return fn();
    } catch (e) {
      const failure = this.failure(what, e);
      if (what === 'cannot write') this.writeFailure = failure;
      throw failure;
    }
  }

  private failure(what: string, e: unknown): UserError {
    return new UserError(`${this.path}: ${what} the state file: ${fsErrorText(e)}`);
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    // Some systems (Windows) cannot open or fsync a directory; the rename is then as durable as they allow.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw e;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Opens the state file at `path` into a Machine built with the flash factories (a missing file is a
 * factory-fresh chip). Call before the power-on reset; `close()` saves it. Until then the store's
 * `syncIfDirty` is an output barrier (output-barrier.ts): every host connector makes the operations
 * completed so far durable before it lets a byte out.
 */
export function attachState(machine: Machine, path: string, options: AttachOptions & NodeNvFileOptions = {}): AttachedState {
  const file = new NodeNvFile(path, { fsync: options.fsync });
  let attached: AttachedState;
  try {
    attached = attachStore(machine, file, options);
  } catch (e) {
    file.close();
    throw e;
  }
  // Once a write failed (here, at a slice end, inside a flash operation), no output may go out: the
  // operations the failed write carried are not durable, and a later sync has nothing left to retry.
  const removeBarrier = addOutputBarrier(() => {
    if (file.writeError !== null) throw file.writeError;
    attached.store.syncIfDirty();
  });
  return {
    ...attached,
    close: () => {
      removeBarrier();
      attached.close();
    },
  };
}

/** Opens a state file to look at it (no lock, nothing written); `device` refuses another part's file. */
export function openStateFile(path: string, device?: DeviceDescription): NvStore {
  return NvStore.open(new NodeNvFile(path, { readOnly: true }), { device, readOnly: true });
}

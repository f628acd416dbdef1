/**
 * The Node side of semihosting (src/core/semihosting.ts): console output to process.stdout/stderr,
 * console input from process.stdin (read only once the firmware asks, so a program that never reads
 * does not hold the terminal), and, when a root directory is given (--semihosting-fs DIR), files
 * inside that directory only.
 *
 * Path rules for the firmware's file names: relative only, no ".." component, and the real path
 * (symlinks resolved) of the file, or of its directory for a file being created, must lie inside the
 * root. Anything else is refused with EACCES.
 *
 * Console and file writes pass the output barrier first (output-barrier.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ERRNO,
  SemihostingError,
  type OpenMode,
  type SemihostingFile,
  type SemihostingFiles,
  type SemihostingHost,
} from '../core/semihosting.js';
import { beforeOutput } from './output-barrier.js';

/** Node error codes → newlib errno numbers. */
const ERRNO_BY_CODE: Readonly<Record<string, number>> = {
  ENOENT: ERRNO.ENOENT,
  EACCES: ERRNO.EACCES,
  EPERM: ERRNO.EACCES,
  EEXIST: ERRNO.EEXIST,
  EISDIR: ERRNO.EISDIR,
  ENOTDIR: ERRNO.ENOTDIR,
  EBADF: ERRNO.EBADF,
  EINVAL: ERRNO.EINVAL,
  ENOSPC: ERRNO.ENOSPC,
};

function hostError(e: unknown): SemihostingError {
  if (e instanceof SemihostingError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return new SemihostingError(ERRNO_BY_CODE[code] ?? ERRNO.EIO);
}

/** fopen() mode → Node open flags. */
const FLAGS: Readonly<Record<OpenMode, string>> = { r: 'r', 'r+': 'r+', w: 'w', 'w+': 'w+', a: 'a', 'a+': 'a+' };

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A directory the firmware may read and write through semihosting, and nothing outside it. */
export class RootedFiles implements SemihostingFiles {
  private readonly root: string;

  /** `root` must exist; the caller reports a UserError otherwise. */
  constructor(root: string) {
    this.root = fs.realpathSync(root);
  }

  /** The host path for a firmware path, or EACCES when it could leave the root. */
  resolve(name: string): string {
    if (name === '' || name.includes('\0') || path.isAbsolute(name) || /^[A-Za-z]:/.test(name)) throw new SemihostingError(ERRNO.EACCES);
    if (name.split(/[\\/]/).includes('..')) throw new SemihostingError(ERRNO.EACCES);
    const full = path.resolve(this.root, name);
    let real: string;
    try {
      real = fs.realpathSync(full);
    } catch {
      // Not there yet (a file being created): its directory must be inside the root. A dangling
      // symlink is refused: opening it for writing would create its target, wherever that is.
      if (fs.lstatSync(full, { throwIfNoEntry: false })?.isSymbolicLink()) throw new SemihostingError(ERRNO.EACCES);
      try {
        real = path.join(fs.realpathSync(path.dirname(full)), path.basename(full));
      } catch (e) {
        throw hostError(e);
      }
    }
    if (!isInside(this.root, real)) throw new SemihostingError(ERRNO.EACCES);
    return real;
  }

  open(name: string, mode: OpenMode): SemihostingFile {
    const real = this.resolve(name);
    let fd: number;
    try {
      fd = fs.openSync(real, FLAGS[mode]);
    } catch (e) {
      throw hostError(e);
    }
    return {
      read(length, position) {
        const buffer = new Uint8Array(length);
        try {
          const n = fs.readSync(fd, buffer, 0, length, position);
          return buffer.subarray(0, n);
        } catch (e) {
          throw hostError(e);
        }
      },
      write(bytes, position) {
        try {
          beforeOutput();
          fs.writeSync(fd, bytes, 0, bytes.length, position);
        } catch (e) {
          throw hostError(e);
        }
      },
      length() {
        try {
          return fs.fstatSync(fd).size;
        } catch (e) {
          throw hostError(e);
        }
      },
      close() {
        try {
          fs.closeSync(fd);
        } catch (e) {
          throw hostError(e);
        }
      },
    };
  }
}

export interface NodeHostOptions {
  /** Root for the firmware's files; none: file access refused. */
  readonly fsRoot?: string;
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

/** Semihosting host on Node's standard streams. */
export class NodeSemihostingHost implements SemihostingHost {
  readonly files?: SemihostingFiles;
  private readonly stdin: NodeJS.ReadableStream;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream;
  private readonly pending: Uint8Array[] = [];
  private ended = false;
  private listening = false;
  private wake: (() => void) | null = null;

  constructor(options: NodeHostOptions = {}) {
    this.stdin = options.stdin ?? process.stdin;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    if (options.fsRoot !== undefined) this.files = new RootedFiles(options.fsRoot);
  }

  write(fd: 1 | 2, bytes: Uint8Array): void {
    beforeOutput();
    (fd === 1 ? this.stdout : this.stderr).write(bytes);
  }

  read(max: number): Uint8Array | null {
    this.listen();
    if (this.pending.length === 0) return this.ended ? new Uint8Array(0) : null;
    const first = this.pending[0];
    if (first.length <= max) {
      this.pending.shift();
      return first;
    }
    this.pending[0] = first.subarray(max);
    return first.subarray(0, max);
  }

  time(): number {
    return Date.now() / 1000;
  }

  /** Resolves when input (or its end) has arrived since the last `read` found none. */
  waitForInput(): Promise<void> {
    this.listen();
    if (this.pending.length > 0 || this.ended) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  /** Stops reading stdin so the process can exit. */
  close(): void {
    if (!this.listening) return;
    this.stdin.removeAllListeners('data');
    this.stdin.removeAllListeners('end');
    this.stdin.pause();
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.stdin.on('data', (chunk: Buffer | string) => {
      this.pending.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
      this.notify();
    });
    this.stdin.on('end', () => {
      this.ended = true;
      this.notify();
    });
    this.stdin.resume();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

/**
 * An `NvFile` in memory: for tests, and for a browser page that keeps the state in its own storage
 * (it can read `bytes` after each change). Durability is whatever the holder makes of it.
 */
import type { NvFile } from './store.js';

export class MemoryNvFile implements NvFile {
  /** The file's content, or null when it does not exist. */
  bytes: Uint8Array | null;
  /** Called after every change (e.g. to save `bytes` somewhere). */
  onChange: (bytes: Uint8Array) => void = () => {};

  constructor(
    readonly name = 'memory.f4s',
    bytes: Uint8Array | null = null,
  ) {
    this.bytes = bytes;
  }

  read(): Uint8Array | null {
    return this.bytes && this.bytes.slice();
  }

  append(bytes: Uint8Array): void {
    const old = this.bytes ?? new Uint8Array(0);
    const next = new Uint8Array(old.length + bytes.length);
    next.set(old);
    next.set(bytes, old.length);
    this.set(next);
  }

  /** Counts syncs (appends are "durable" at once in memory; the count lets tests see the group commit). */
  syncs = 0;

  sync(): void {
    this.syncs++;
  }

  truncate(length: number): void {
    this.set((this.bytes ?? new Uint8Array(0)).slice(0, length));
  }

  replace(bytes: Uint8Array): void {
    this.set(bytes.slice());
  }

  close(): void {}

  private set(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.onChange(bytes);
  }
}

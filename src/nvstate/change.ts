/**
 * What a completed flash operation changed, as the non-volatile store journals it. The flash interface
 * describes changes; the store (store.ts) makes them durable before firmware may see the operation end.
 */

/** The memories a state file keeps, by name (the first five are bus regions of the device). */
export type NvSectionName = 'flash' | 'otp' | 'otp-lock' | 'option-bytes' | 'bkpsram' | 'rtc-backup';

/**
 * A byte range of a section that an operation changed: filled with `fill` (an erase), or, without
 * `fill`, holding new bytes that the store reads from the memory it is bound to.
 */
export interface NvChange {
  readonly section: NvSectionName;
  readonly offset: number;
  readonly length: number;
  readonly fill?: number;
}

/** Receives every completed operation; it reaches the file, durably, at the next NvStore.syncIfDirty (group commit). */
export interface NvSink {
  commit(changes: readonly NvChange[]): void;
  /** Runs `fn` as one all-or-nothing change (a programmer's erase + program), when the sink can. */
  batch?<T>(fn: () => T): T;
}

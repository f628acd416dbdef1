/**
 * Shared by the record-based readers (Intel HEX, S-record) and the ELF reader: turns the pieces of data a
 * file defines into the image's segments, merging pieces that touch and refusing pieces that overlap
 * (two records or segments giving the same byte is a broken file, whichever value a programmer kept).
 */
import { UserError, hex32 } from '../errors.js';
import type { Segment } from './image.js';

/** Bytes a file places at an address, and where in the file they came from (for error messages). */
export interface Chunk {
  readonly address: number;
  readonly data: Uint8Array;
  /** "line 12", "segment 1 at offset 0x1000"... */
  readonly origin: string;
}

/** Last byte's address of a chunk (chunks are never empty here). */
function lastByte(c: Chunk): number {
  return c.address + c.data.length - 1;
}

/**
 * Returns the non-empty chunks sorted by address; throws a one-line UserError naming both origins and
 * their address ranges when two of them give the same byte.
 */
export function assertNoOverlap(file: string, chunks: readonly Chunk[]): Chunk[] {
  const sorted = chunks.filter((c) => c.data.length > 0).sort((a, b) => a.address - b.address);
  for (let i = 1; i < sorted.length; i++) {
    const c = sorted[i];
    const previous = sorted[i - 1];
    if (c.address <= lastByte(previous)) {
      throw new UserError(
        `${file}: ${c.origin}: data at ${hex32(c.address)}-${hex32(lastByte(c))} overlaps ${previous.origin} at ${hex32(previous.address)}-${hex32(lastByte(previous))}`,
      );
    }
  }
  return sorted;
}

/** Checks for overlaps (see assertNoOverlap) and joins chunks that are contiguous into single segments. */
export function segmentsFromChunks(file: string, chunks: readonly Chunk[]): Segment[] {
  const sorted = assertNoOverlap(file, chunks);
  const segments: Segment[] = [];
  let runStart = 0;
  let parts: Uint8Array[] = [];
  let runEnd = -1; // exclusive end of the current run
  const flush = (): void => {
    if (parts.length === 0) return;
    const data = new Uint8Array(runEnd - runStart);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    segments.push({ address: runStart, data });
    parts = [];
  };
  for (const c of sorted) {
    if (c.address !== runEnd) {
      flush();
      runStart = c.address;
      runEnd = c.address;
    }
    parts.push(c.data);
    runEnd += c.data.length;
  }
  flush();
  return segments;
}

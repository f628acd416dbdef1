/**
 * The output barrier: what must happen before anything leaves the emulator for the outside world — a
 * byte a USART hands to its host connection, semihosting console or file output, a GDB reply.
 *
 * A state file (src/nvstate/store.ts) appends each completed flash operation with write() at once but
 * defers its fdatasync (group commit, as databases do): it registers `syncIfDirty` here, and every host
 * connector calls `beforeOutput()` first. So nothing outside can learn of an operation (the bootloader's
 * ACK of a Write Memory, a "saved" message, a GDB reply) before the operation survives a power loss.
 *
 * Host code only (peripherals never import it: they reach the host through callbacks the connectors set).
 * The barriers are process-wide, so every connector of every Machine in the process honours every store.
 */

const barriers = new Set<() => void>();

/** Runs `fn` before every output from now on; returns the function that removes it. */
export function addOutputBarrier(fn: () => void): () => void {
  barriers.add(fn);
  return () => void barriers.delete(fn);
}

/** Call right before handing bytes to the outside world. Throws what a barrier throws (the bytes must then not go out). */
export function beforeOutput(): void {
  for (const fn of barriers) fn();
}

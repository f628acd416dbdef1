/**
 * The output barrier: what must happen before anything leaves the emulator for the outside world — a
 * byte a USART hands to its host connection, semihosting console or file output, a GDB reply.
 *
 * A state file (src/nvstate/store.ts) appends each completed flash operation with write() at once but
 * defers its fdatasync (group commit, as databases do): it registers `syncIfDirty` here, and every host
 * connector calls `beforeOutput()` first. So nothing outside can learn of an operation (the bootloader's
 * ACK of a Write Memory, a "saved" message, a GDB reply) before the operation survives a power loss.
 *
 * A barrier that failed once (the disk said ENOSPC or EIO) fails from then on with the same error: the
 * operations it could not make durable stay undurable, so no later output may go out either.
 *
 * Host failures. Output often happens in a host callback (a timer flushing serial bytes, a GDB packet
 * arriving on a socket), where a thrown error would escape to Node as an uncaught exception with a stack
 * trace. Such callbacks are wrapped with `catchHostFailure`: the error goes to the listeners registered
 * with `onHostFailure` (`f4emu run` ends the run with one line, exit 2), or is rethrown when nobody listens.
 *
 * Host code only (peripherals never import it: they reach the host through callbacks the connectors set).
 * The barriers are process-wide, so every connector of every Machine in the process honours every store.
 */

const barriers = new Set<() => void>();
const failureListeners = new Set<(error: unknown) => void>();

/** Runs `fn` before every output from now on; returns the function that removes it. Once `fn` throws, it is not run again: its error is thrown at every output. */
export function addOutputBarrier(fn: () => void): () => void {
  let failure: { error: unknown } | null = null;
  const barrier = (): void => {
    if (failure !== null) throw failure.error;
    try {
      fn();
    } catch (e) {
      failure = { error: e };
      // Also when the caller catches it (a semihosting file write turns it into an errno): the run ends.
      for (const listener of failureListeners) listener(e);
      throw e;
    }
  };
  barriers.add(barrier);
  return () => void barriers.delete(barrier);
}

/** Call right before handing bytes to the outside world. Throws what a barrier throws (the bytes must then not go out). */
export function beforeOutput(): void {
  for (const fn of barriers) fn();
}

/** Calls `listener` with every barrier failure and every error a host callback raises (`catchHostFailure`), possibly twice for one error; returns the function that removes it. */
export function onHostFailure(listener: (error: unknown) => void): () => void {
  failureListeners.add(listener);
  return () => void failureListeners.delete(listener);
}

/** Hands an error raised in a host callback to the `onHostFailure` listeners; throws it when there are none. */
export function reportHostFailure(error: unknown): void {
  if (failureListeners.size === 0) throw error;
  for (const listener of failureListeners) listener(error);
}

/** Wraps a host callback (timer, socket or child-process event) so that an error it throws is reported (`reportHostFailure`) instead of escaping. */
export function catchHostFailure<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (e) {
      reportHostFailure(e);
    }
  };
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addOutputBarrier, beforeOutput, catchHostFailure, onHostFailure, reportHostFailure } from '../../src/host/output-barrier.js';

describe('output barrier', () => {
  test('every barrier runs before each output, until removed', () => {
    let runs = 0;
    const remove = addOutputBarrier(() => runs++);
    beforeOutput();
    beforeOutput();
    remove();
    beforeOutput();
    assert.equal(runs, 2);
  });

  test('a barrier that failed once keeps failing with the same error and is not run again', () => {
    let runs = 0;
    const disk = new Error('EIO');
    const remove = addOutputBarrier(() => {
      runs++;
      if (runs === 1) throw disk;
    });
    try {
      assert.throws(() => beforeOutput(), (e) => e === disk);
      assert.throws(() => beforeOutput(), (e) => e === disk); // the failed sync's operations are still not durable
      assert.equal(runs, 1);
    } finally {
      remove();
    }
    beforeOutput();
  });

  test('a failing barrier is told to the host-failure listeners even when the caller catches it', () => {
    const seen: unknown[] = [];
    const stop = onHostFailure((e) => seen.push(e));
    const disk = new Error('ENOSPC');
    const remove = addOutputBarrier(() => {
      throw disk;
    });
    try {
      try {
        beforeOutput();
      } catch {
        // a semihosting file write turns it into an errno for the firmware
      }
      assert.deepEqual(seen, [disk]);
    } finally {
      remove();
      stop();
    }
  });
});

describe('host failures', () => {
  test('an error thrown in a wrapped callback goes to the listeners instead of escaping', () => {
    const seen: unknown[] = [];
    const stop = onHostFailure((e) => seen.push(e));
    const boom = new Error('boom');
    try {
      catchHostFailure(() => {
        throw boom;
      })();
      assert.deepEqual(seen, [boom]);
    } finally {
      stop();
    }
  });

  test('with no listener the error is thrown (a library user sees it as before)', () => {
    const boom = new Error('boom');
    assert.throws(() => reportHostFailure(boom), (e) => e === boom);
    assert.throws(
      () =>
        catchHostFailure(() => {
          throw boom;
        })(),
      (e) => e === boom,
    );
  });

  test('a wrapped callback passes its arguments through', () => {
    const got: number[] = [];
    catchHostFailure((a: number, b: number) => got.push(a, b))(1, 2);
    assert.deepEqual(got, [1, 2]);
  });
});

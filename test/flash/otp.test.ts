import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OTP_BLOCK_SIZE, OTP_BLOCKS, isOtpBlockLocked, otpBlockOf } from '../../src/flash/otp.js';

test('OTP has 16 blocks of 32 bytes and an offset maps to its block', () => {
  assert.equal(OTP_BLOCKS * OTP_BLOCK_SIZE, 512);
  assert.deepEqual([0, 31, 32, 511].map(otpBlockOf), [0, 0, 1, 15]);
});

test('a block is locked exactly when its lock byte is 0x00', () => {
  const locks = new Uint8Array(16).fill(0xff);
  locks[3] = 0x00;
  locks[4] = 0x0f;
  assert.equal(isOtpBlockLocked(locks, 3), true);
  assert.equal(isOtpBlockLocked(locks, 4), false);
  assert.equal(isOtpBlockLocked(locks, 0), false);
});

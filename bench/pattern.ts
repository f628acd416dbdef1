/**
 * Deterministic pseudo-random bytes (xorshift32, Marsaglia 2003) for images the benchmark writes to
 * flash: unlike a constant they make a verify that skips or misplaces data fail.
 */

/** `length` bytes of xorshift32 output from `seed` (non-zero), little-endian word by word. */
export function testPattern(length: number, seed = 0x2545_f491): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    if ((i & 3) === 0) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
    }
    bytes[i] = (x >>> ((i & 3) * 8)) & 0xff;
  }
  return bytes;
}

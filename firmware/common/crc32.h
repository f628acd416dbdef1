/* CRC-32 as zlib and IEEE 802.3 compute it: reflected polynomial 0xEDB88320, initial and final
 * value 0xFFFFFFFF. Software only, so it runs the same on every core. */
#ifndef CRC32_H
#define CRC32_H

#include <stddef.h>
#include <stdint.h>

/** Continues a CRC: crc32_update(0, ...) starts one; feed the result back to continue. */
static inline uint32_t crc32_update(uint32_t crc, const uint8_t *data, size_t length)
{
  crc = ~crc;
  for (size_t i = 0; i < length; i++) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

#endif

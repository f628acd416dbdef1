/*
 * Integer workload: per round, a table-driven CRC-32 over 1 KB, a heap sort of 256 words, a
 * 12x12 matrix multiply and a run of divisions, all over pseudo-random data (xorshift32) that
 * changes every round. Freestanding C: it builds for Thumb-2 and for Thumb-1 (ARMv6-M) alike.
 */
#include "workload.h"

#define CRC_BYTES 1024u
#define SORT_WORDS 256u
#define MAT_N 12u

static uint32_t crc_table[256];
static uint8_t crc_data[CRC_BYTES];
static uint32_t sort_data[SORT_WORDS];
static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];

static uint32_t xorshift32(uint32_t *state)
{
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

static uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32u - n)); }

static void make_crc_table(void)
{
  for (uint32_t i = 0; i < 256u; i++) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; bit++) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc32(const uint8_t *data, uint32_t length)
{
  uint32_t crc = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < length; i++) crc = crc_table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

static void sift_down(uint32_t *a, uint32_t root, uint32_t end)
{
  while (2u * root + 1u < end) {
    uint32_t child = 2u * root + 1u;
    if (child + 1u < end && a[child] < a[child + 1u]) child++;
    if (a[root] >= a[child]) return;
    uint32_t t = a[root];
    a[root] = a[child];
    a[child] = t;
    root = child;
  }
}

static void heap_sort(uint32_t *a, uint32_t n)
{
  for (uint32_t start = n / 2u; start-- > 0u;) sift_down(a, start, n);
  for (uint32_t end = n - 1u; end > 0u; end--) {
    uint32_t t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift_down(a, 0, end);
  }
}

static uint32_t matrix_multiply(void)
{
  uint32_t hash = 0;
  for (uint32_t i = 0; i < MAT_N; i++) {
    for (uint32_t j = 0; j < MAT_N; j++) {
      int32_t sum = 0;
      for (uint32_t k = 0; k < MAT_N; k++) sum += mat_a[i][k] * mat_b[k][j];
      mat_c[i][j] = sum;
      hash = rotl(hash, 3) ^ (uint32_t)sum;
    }
  }
  return hash;
}

static uint32_t divisions(uint32_t seed)
{
  uint32_t x = seed | 1u, acc = 0;
  for (int i = 0; i < 32; i++) {
    uint32_t d = (x >> (i & 15)) | 1u;
    acc += x / d + x % (d | 0x100u);
    acc ^= (uint32_t)((int32_t)acc / -7);
    x = x * 1664525u + 1013904223u;
  }
  return acc;
}

static void generate(uint32_t *state)
{
  for (uint32_t i = 0; i < CRC_BYTES; i++) crc_data[i] = (uint8_t)xorshift32(state);
  for (uint32_t i = 0; i < SORT_WORDS; i++) sort_data[i] = xorshift32(state);
  for (uint32_t i = 0; i < MAT_N; i++) {
    for (uint32_t j = 0; j < MAT_N; j++) {
      mat_a[i][j] = (int32_t)(xorshift32(state) & 0xFFFFu) - 0x8000;
      mat_b[i][j] = (int32_t)(xorshift32(state) & 0xFFFu) - 0x800;
    }
  }
}

uint32_t bench_int_workload(uint32_t iterations)
{
  uint32_t state = 0x2545F491u, checksum = 0;
  make_crc_table();
  for (uint32_t round = 0; round < iterations; round++) {
    generate(&state);
    checksum = rotl(checksum, 7) ^ crc32(crc_data, CRC_BYTES);
    heap_sort(sort_data, SORT_WORDS);
    checksum += sort_data[round % SORT_WORDS] ^ sort_data[SORT_WORDS - 1u] ^ sort_data[0];
    checksum ^= matrix_multiply();
    checksum += divisions(state);
  }
  return checksum;
}

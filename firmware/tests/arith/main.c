/*
 * tests/arith: integer arithmetic on the core, 32 and 64 bits. Each check computes an operation on
 * operands hidden from the optimiser (OPAQUE) and compares it with the same expression folded by
 * GCC on the host. Register-controlled shifts by 32 or more, and SDIV's one overflow case, are
 * not expressible in C; they run as inline assembly against the ARMv7-M ARM's pseudocode results.
 */
#include <stdint.h>
#include "check.h"

/* Binary operation on type T, on the target vs folded by the compiler. */
#define OP32(T, a, op, b) \
  check_u32(#T ": " #a " " #op " " #b, (uint32_t)(T)(OPAQUE((T)(a)) op OPAQUE((T)(b))), (uint32_t)(T)((T)(a) op (T)(b)))
#define OP64(T, a, op, b) \
  check_u64(#T ": " #a " " #op " " #b, (uint64_t)(T)(OPAQUE((T)(a)) op OPAQUE((T)(b))), (uint64_t)(T)((T)(a) op (T)(b)))

static void unsigned32(void)
{
  OP32(uint32_t, 0x12345678u, +, 0x9ABCDEF0u);
  OP32(uint32_t, 0xFFFFFFFFu, +, 1u); /* wraps to 0 */
  OP32(uint32_t, 0u, -, 1u);          /* wraps to 0xFFFFFFFF */
  OP32(uint32_t, 0x80000000u, -, 0x7FFFFFFFu);
  OP32(uint32_t, 0x12345678u, *, 0x9ABCDEF0u);
  OP32(uint32_t, 0xFFFFFFFFu, *, 0xFFFFFFFFu);
  OP32(uint32_t, 0xFFFFFFFFu, /, 3u);
  OP32(uint32_t, 0xFFFFFFFFu, %, 7u);
  OP32(uint32_t, 0x80000000u, /, 0xFFFFFFFFu);
  OP32(uint32_t, 12345u, /, 1u);
  OP32(uint32_t, 5u, /, 9u);
  OP32(uint32_t, 0xDEADBEEFu, <<, 0u);
  OP32(uint32_t, 0xDEADBEEFu, <<, 4u);
  OP32(uint32_t, 0xDEADBEEFu, <<, 31u);
  OP32(uint32_t, 0xDEADBEEFu, >>, 1u);
  OP32(uint32_t, 0xDEADBEEFu, >>, 31u);
  OP32(uint32_t, 0xF0F0F0F0u, &, 0x0FF00FF0u);
  OP32(uint32_t, 0xF0F0F0F0u, |, 0x0FF00FF0u);
  OP32(uint32_t, 0xF0F0F0F0u, ^, 0x0FF00FF0u);
}

static void signed32(void)
{
  OP32(int32_t, -7, /, 2); /* C and SDIV round towards zero */
  OP32(int32_t, -7, %, 2);
  OP32(int32_t, 7, /, -2);
  OP32(int32_t, 7, %, -2);
  OP32(int32_t, -7, /, -2);
  OP32(int32_t, INT32_MIN, /, 2);
  OP32(int32_t, INT32_MAX, /, -1);
  OP32(int32_t, -123456789, *, 17);
  OP32(int32_t, -1, *, -1);
  OP32(int32_t, INT32_MIN, >>, 1);  /* arithmetic shift keeps the sign */
  OP32(int32_t, -1, >>, 31);
  OP32(int32_t, 100, <, -100);
  OP32(int32_t, -100, <, 100);
  /* Overflow wraps: done in unsigned, read back as signed. */
  check_u32("(int32_t)(INT32_MAX + 1u)", (uint32_t)(int32_t)(OPAQUE((uint32_t)INT32_MAX) + 1u), 0x80000000u);
  check_u32("(int32_t)(INT32_MIN - 1u)", (uint32_t)(int32_t)(OPAQUE((uint32_t)INT32_MIN) - 1u), 0x7FFFFFFFu);
  check_u32("-(int32_t)INT32_MIN via 0u - x", 0u - OPAQUE((uint32_t)INT32_MIN), 0x80000000u);
}

static uint32_t asm_shift(uint32_t value, uint32_t amount, int kind)
{
  uint32_t r = value;
  switch (kind) {
  case 0: __asm__("lsl %0, %0, %1" : "+r"(r) : "r"(amount) : "cc"); break;
  case 1: __asm__("lsr %0, %0, %1" : "+r"(r) : "r"(amount) : "cc"); break;
  case 2: __asm__("asr %0, %0, %1" : "+r"(r) : "r"(amount) : "cc"); break;
  default: __asm__("ror %0, %0, %1" : "+r"(r) : "r"(amount) : "cc"); break;
  }
  return r;
}

/* Register-controlled shifts use the bottom byte of the amount (ARMv7-M ARM §A7.4.2, Shift_C). */
static void register_shifts(void)
{
  const uint32_t x = 0x80000001u;
  check_u32("lsl 0x80000001 by 32", asm_shift(x, OPAQUE(32u), 0), 0u);
  check_u32("lsl 0x80000001 by 256 (bottom byte 0)", asm_shift(x, OPAQUE(256u), 0), 0x80000001u);
  check_u32("lsr 0x80000001 by 32", asm_shift(x, OPAQUE(32u), 1), 0u);
  check_u32("lsr 0x80000001 by 31", asm_shift(x, OPAQUE(31u), 1), 1u);
  check_u32("asr 0x80000001 by 32", asm_shift(x, OPAQUE(32u), 2), 0xFFFFFFFFu);
  check_u32("asr 0x80000001 by 200", asm_shift(x, OPAQUE(200u), 2), 0xFFFFFFFFu);
  check_u32("asr 0x40000001 by 40", asm_shift(0x40000001u, OPAQUE(40u), 2), 0u);
  check_u32("ror 0x80000001 by 32", asm_shift(x, OPAQUE(32u), 3), 0x80000001u);
  check_u32("ror 0x80000001 by 36", asm_shift(x, OPAQUE(36u), 3), 0x18000000u);
}

static uint32_t asm_sdiv(int32_t n, int32_t d)
{
  int32_t q;
  __asm__("sdiv %0, %1, %2" : "=r"(q) : "r"(n), "r"(d));
  return (uint32_t)q;
}

static void divide_edges(void)
{
  /* The only SDIV overflow: the result is the low 32 bits, 0x80000000 (ARMv7-M ARM §A7.7.127). */
  check_u32("sdiv INT32_MIN / -1", asm_sdiv(OPAQUE(INT32_MIN), OPAQUE(-1)), 0x80000000u);
  check_u32("sdiv -1 / INT32_MIN", asm_sdiv(OPAQUE(-1), OPAQUE(INT32_MIN)), 0u);
}

static void multiply_accumulate(void)
{
  uint32_t a = OPAQUE(0x89ABCDEFu), b = OPAQUE(0x76543210u), c = OPAQUE(0x13579BDFu);
  check_u32("mla a * b + c", a * b + c, 0x89ABCDEFu * 0x76543210u + 0x13579BDFu);
  check_u32("mls c - a * b", c - a * b, 0x13579BDFu - 0x89ABCDEFu * 0x76543210u);
  check_u64("umull (u64)a * b", (uint64_t)a * b, (uint64_t)0x89ABCDEFu * 0x76543210u);
  check_u64("smull (s64)(s32)a * (s32)b", (uint64_t)((int64_t)(int32_t)a * (int32_t)b),
            (uint64_t)((int64_t)(int32_t)0x89ABCDEFu * (int32_t)0x76543210u));
  uint64_t acc = OPAQUE(0xFEDCBA9876543210ull);
  check_u64("umlal acc + (u64)a * b", acc + (uint64_t)a * b, 0xFEDCBA9876543210ull + (uint64_t)0x89ABCDEFu * 0x76543210u);
  check_u32("clz 0x00F00000", (uint32_t)__builtin_clz(OPAQUE(0x00F00000u)), 8u);
  check_u32("rev 0x12345678", __builtin_bswap32(OPAQUE(0x12345678u)), 0x78563412u);
}

static void unsigned64(void)
{
  OP64(uint64_t, 0x00000000FFFFFFFFull, +, 1ull); /* carry into the high word */
  OP64(uint64_t, 0xFFFFFFFFFFFFFFFFull, +, 1ull); /* wraps to 0 */
  OP64(uint64_t, 0x0000000100000000ull, -, 1ull); /* borrow from the high word */
  OP64(uint64_t, 0x123456789ABCDEF0ull, *, 0x0FEDCBA987654321ull);
  OP64(uint64_t, 0xFFFFFFFFFFFFFFFFull, /, 10ull);
  OP64(uint64_t, 0xFFFFFFFFFFFFFFFFull, %, 10ull);
  OP64(uint64_t, 0x123456789ABCDEF0ull, /, 0x00000001FFFFFFFFull);
  OP64(uint64_t, 0x123456789ABCDEF0ull, %, 0x00000001FFFFFFFFull);
  OP64(uint64_t, 0x8000000000000001ull, <<, 1u);
  OP64(uint64_t, 0x8000000000000001ull, >>, 1u);
  OP64(uint64_t, 0x00000000DEADBEEFull, <<, 32u);
  OP64(uint64_t, 0xDEADBEEF00000000ull, >>, 32u);
  OP64(uint64_t, 0x00000000DEADBEEFull, <<, 33u);
  OP64(uint64_t, 0xDEADBEEF00000000ull, >>, 63u);
  OP64(uint64_t, 0x0123456789ABCDEFull, <<, 31u);
  OP64(uint64_t, 0x00000001FFFFFFFFull, <, 0x0000000200000000ull);
}

static void signed64(void)
{
  OP64(int64_t, -1000000000000ll, /, 7ll);
  OP64(int64_t, -1000000000000ll, %, 7ll);
  OP64(int64_t, 1000000000000ll, /, -7ll);
  OP64(int64_t, INT64_MIN, /, 3ll);
  OP64(int64_t, -123456789012345ll, *, -1000ll);
  OP64(int64_t, INT64_MIN, >>, 1u);
  OP64(int64_t, -5ll, >>, 40u);
  OP64(int64_t, -1ll, <, 0ll);
  OP64(int64_t, 0x7FFFFFFF00000000ll, <, -1ll);
  check_u64("(int64_t)(INT64_MAX + 1ull)", (uint64_t)(OPAQUE((uint64_t)INT64_MAX) + 1u), 0x8000000000000000ull);
  check_u64("(int64_t)(int32_t)-2 sign-extends", (uint64_t)(int64_t)OPAQUE((int32_t)-2), 0xFFFFFFFFFFFFFFFEull);
}

int main(void)
{
  unsigned32();
  signed32();
  register_shifts();
  divide_edges();
  multiply_accumulate();
  unsigned64();
  signed64();
  return check_summary("arith");
}

/*
 * tests/float: single-precision arithmetic on the FPv4-SP unit, libm, and printf of floats.
 * Built with -mfloat-abi=hard -mfpu=fpv4-sp-d16; the startup enables CP10/CP11 in CPACR.
 *
 * Results are printed as bit patterns (exact) and as decimals (through newlib's float printf);
 * libm results are also checked against reference values within a small tolerance, so the program
 * fails by itself when the FPU is badly wrong.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

/* Keeps a float in an FP register, out of the optimiser's sight. */
#define OPAQUEF(x)                                                                                 \
  ({                                                                                               \
    float opaque_float_ = (x);                                                                     \
    __asm__ volatile("" : "+t"(opaque_float_));                                                    \
    opaque_float_;                                                                                 \
  })

static uint32_t bits(float f)
{
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static float from_bits(uint32_t u)
{
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* Exact IEEE single results: compared bit for bit with the host's folding of the same expression. */
static void basic_arithmetic(void)
{
  check_u32("1.0f / 3.0f", bits(OPAQUEF(1.0f) / OPAQUEF(3.0f)), bits(1.0f / 3.0f));
  check_u32("0.1f + 0.2f", bits(OPAQUEF(0.1f) + OPAQUEF(0.2f)), bits(0.1f + 0.2f));
  check_u32("1e20f * 1e20f overflows to +inf", bits(OPAQUEF(1e20f) * OPAQUEF(1e20f)), 0x7F800000u);
  check_u32("1e-30f * 1e-10f is subnormal", bits(OPAQUEF(1e-30f) * OPAQUEF(1e-10f)), bits(1e-30f * 1e-10f));
  check_u32("-0.0f * 5.0f", bits(OPAQUEF(-0.0f) * OPAQUEF(5.0f)), 0x80000000u);
  check_u32("1.0f / 0.0f", bits(OPAQUEF(1.0f) / OPAQUEF(0.0f)), 0x7F800000u);
  check_u32("0.0f / 0.0f is the default NaN", bits(OPAQUEF(0.0f) / OPAQUEF(0.0f)) & 0x7FC00000u, 0x7FC00000u);
  check_u32("__builtin_sqrtf(2.0f) (VSQRT)", bits(__builtin_sqrtf(OPAQUEF(2.0f))), bits(1.41421356237f));
  check_u32("fmaf-style a * b + c", bits(OPAQUEF(1.5f) * OPAQUEF(2.25f) + OPAQUEF(-0.375f)), bits(1.5f * 2.25f - 0.375f));
  check_u32("(int32_t)-2.75f truncates", (uint32_t)(int32_t)OPAQUEF(-2.75f), (uint32_t)-2);
  check_u32("(uint32_t)3e9f", (uint32_t)OPAQUEF(3e9f), 3000000000u);
  check_u32("(float)16777217 rounds to even", bits((float)OPAQUE(16777217)), bits(16777216.0f));
  check_u32("(float)0xFFFFFFFFu", bits((float)OPAQUE(0xFFFFFFFFu)), bits(4294967296.0f));
  check_true("NaN compares unequal to itself", OPAQUEF(from_bits(0x7FC00000u)) != OPAQUEF(from_bits(0x7FC00000u)));
  check_true("-0.0f == 0.0f", OPAQUEF(-0.0f) == OPAQUEF(0.0f));
  check_true("1e-45f > 0.0f (smallest subnormal)", OPAQUEF(1e-45f) > OPAQUEF(0.0f));
}

static uint32_t get_fpscr(void)
{
  uint32_t v;
  __asm__ volatile("vmrs %0, fpscr" : "=r"(v));
  return v;
}

static void set_fpscr(uint32_t v) { __asm__ volatile("vmsr fpscr, %0" ::"r"(v) : "memory"); }

/* A VDIV that stays between the FPSCR writes around it (volatile asms keep their order). */
static float vdiv(float a, float b)
{
  float q;
  __asm__ volatile("vdiv.f32 %0, %1, %2" : "=t"(q) : "t"(a), "t"(b));
  return q;
}

/* FPSCR.RMode [23:22]: 0 nearest, 1 towards +inf, 2 towards -inf, 3 towards zero (ARMv7-M ARM §A2.5.3). */
static void rounding_modes(void)
{
  static const char *const names[] = {"nearest", "+inf", "-inf", "zero"};
  static const uint32_t third[] = {0x3EAAAAABu, 0x3EAAAAABu, 0x3EAAAAAAu, 0x3EAAAAAAu};
  static const uint32_t minus_third[] = {0xBEAAAAABu, 0xBEAAAAAAu, 0xBEAAAAABu, 0xBEAAAAAAu};
  uint32_t saved = get_fpscr();
  char what[48];
  for (uint32_t mode = 0; mode < 4; mode++) {
    set_fpscr((saved & ~(3u << 22)) | (mode << 22));
    float plus = vdiv(1.0f, 3.0f);
    float minus = vdiv(-1.0f, 3.0f);
    set_fpscr(saved);
    snprintf(what, sizeof what, "1/3 rounded to %s", names[mode]);
    check_u32(what, bits(plus), third[mode]);
    snprintf(what, sizeof what, "-1/3 rounded to %s", names[mode]);
    check_u32(what, bits(minus), minus_third[mode]);
  }
  /* Cumulative flags: IOC (b0) from 0/0, DZC (b1) from x/0, IXC (b4) from 1/3. */
  set_fpscr(saved & ~0x9Fu);
  (void)vdiv(0.0f, 0.0f);
  check_u32("FPSCR.IOC after 0/0", get_fpscr() & 0x9Fu, 0x01u);
  set_fpscr(saved & ~0x9Fu);
  (void)vdiv(1.0f, 0.0f);
  check_u32("FPSCR.DZC after 1/0", get_fpscr() & 0x9Fu, 0x02u);
  set_fpscr(saved & ~0x9Fu);
  (void)vdiv(1.0f, 3.0f);
  check_u32("FPSCR.IXC after 1/3", get_fpscr() & 0x9Fu, 0x10u);
  set_fpscr(saved);
}

/* libm results: the exact bits (newlib's) are printed; the check allows a relative error of 2e-7. */
static void libm(void)
{
  struct {
    const char *what;
    float got;
    float want;
  } cases[] = {
    {"sinf(0.5f)", sinf(OPAQUEF(0.5f)), 0.479425538604203f},
    {"sinf(-3.0f)", sinf(OPAQUEF(-3.0f)), -0.141120008059867f},
    {"cosf(1.0f)", cosf(OPAQUEF(1.0f)), 0.540302305868140f},
    {"sqrtf(2.0f)", sqrtf(OPAQUEF(2.0f)), 1.414213562373095f},
    {"expf(1.0f)", expf(OPAQUEF(1.0f)), 2.718281828459045f},
    {"expf(-10.0f)", expf(OPAQUEF(-10.0f)), 4.539992976248485e-05f},
    {"logf(10.0f)", logf(OPAQUEF(10.0f)), 2.302585092994046f},
    {"powf(2.0f, 10.0f)", powf(OPAQUEF(2.0f), OPAQUEF(10.0f)), 1024.0f},
    {"powf(1.5f, 2.5f)", powf(OPAQUEF(1.5f), OPAQUEF(2.5f)), 2.755675960631075f},
    {"fmodf(7.5f, 2.0f)", fmodf(OPAQUEF(7.5f), OPAQUEF(2.0f)), 1.5f},
    {"fmodf(-7.5f, 2.0f)", fmodf(OPAQUEF(-7.5f), OPAQUEF(2.0f)), -1.5f},
    {"atan2f(1.0f, -1.0f)", atan2f(OPAQUEF(1.0f), OPAQUEF(-1.0f)), 2.356194490192345f},
  };
  char what[64];
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    float error = fabsf(cases[i].got - cases[i].want);
    snprintf(what, sizeof what, "%s = %.9g (0x%08lx)", cases[i].what, (double)cases[i].got,
             (unsigned long)bits(cases[i].got));
    check_true(what, error <= 2e-7f * fabsf(cases[i].want) || error == 0.0f);
  }
  check_true("sqrtf(-1.0f) is NaN", isnan(sqrtf(OPAQUEF(-1.0f))));
}

static void printing(void)
{
  printf("printf %%f: %f %f %f\n", (double)OPAQUEF(3.14159265f), (double)OPAQUEF(-0.5f), (double)OPAQUEF(1e6f));
  printf("printf %%e: %e %e\n", (double)OPAQUEF(6.02214076e23f), (double)OPAQUEF(-1.5e-20f));
  printf("printf %%g: %g %g %g\n", (double)OPAQUEF(100000.0f), (double)OPAQUEF(1e-5f), (double)OPAQUEF(0.1f));
  printf("printf %%.3f: %.3f, %%10.2f: [%10.2f]\n", (double)OPAQUEF(2.0005f), (double)OPAQUEF(-12.345f));
  printf("printf inf/nan: %f %f\n", (double)OPAQUEF(from_bits(0x7F800000u)), (double)OPAQUEF(from_bits(0xFF800000u)));
  char buffer[32];
  snprintf(buffer, sizeof buffer, "%.2f", (double)OPAQUEF(2.675f));
  check_true("snprintf %.2f of 2.675f (stored as 2.67499995) is 2.67", strcmp(buffer, "2.67") == 0);
}

int main(void)
{
  basic_arithmetic();
  rounding_modes();
  libm();
  printing();
  return check_summary("float");
}

/*
 * tests/setjmp: setjmp/longjmp (newlib, ISO C §7.13) — first return 0, longjmp's value, value 0
 * becoming 1, unwinding many frames at once, nested and re-used jump buffers, volatile locals
 * kept, and a float local surviving. Built hard-float. (newlib 3.3's setjmp saves r4-r11, SP and LR
 * only, not d8-d15, so no check here relies on FP callee-saved registers across longjmp.)
 */
#include <setjmp.h>
#include <stdint.h>
#include "check.h"

static jmp_buf outer, inner;
static volatile unsigned depth_reached;

/* GCC counts the noreturn longjmp as no exit from the recursion; it is the only exit. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static void __attribute__((noinline)) dive(unsigned depth, unsigned bottom, int value)
{
  volatile char frame[32]; /* give every level a real frame */
  frame[0] = (char)depth;
  depth_reached = depth + frame[0] - (char)depth;
  if (depth < bottom)
    dive(depth + 1, bottom, value);
  else
    longjmp(outer, value);
  frame[1] = 0; /* not reached */
}

static void first_return_and_value(void)
{
  volatile int passes = 0;
  int r = setjmp(outer);
  passes++;
  if (r == 0) {
    check_u32("setjmp returns 0 directly", (uint32_t)r, 0u);
    dive(0, 20, 42);
  }
  check_u32("setjmp returns longjmp's value", (uint32_t)r, 42u);
  check_u32("longjmp unwound 20 frames", depth_reached, 20u);
  check_u32("volatile local kept across longjmp", (uint32_t)passes, 2u);
}

static void value_zero_becomes_one(void)
{
  int r = setjmp(outer);
  if (r == 0) dive(0, 3, 0);
  check_u32("longjmp(buf, 0) makes setjmp return 1", (uint32_t)r, 1u);
}

static void nested_buffers(void)
{
  volatile unsigned trail = 0;
  int r = setjmp(outer);
  if (r == 0) {
    trail = trail * 10 + 1;
    int s = setjmp(inner);
    if (s == 0) {
      trail = trail * 10 + 2;
      longjmp(inner, 7);
    }
    trail = trail * 10 + (unsigned)s;
    longjmp(outer, 9);
  }
  trail = trail * 10 + (unsigned)r;
  check_u32("nested setjmp/longjmp order 1,2,7,9", trail, 1279u);
}

static void reused_buffer(void)
{
  volatile unsigned count = 0;
  if (setjmp(outer) < 5) {
    count++;
    longjmp(outer, (int)count + 1);
  }
  check_u32("one jmp_buf jumped to 4 times", count, 4u);
}

static float __attribute__((noinline)) float_work(float x)
{
  volatile float acc = x;
  for (int i = 0; i < 8; i++) acc = acc * 1.5f + 0.25f;
  return acc;
}

static void with_float_frames(void)
{
  volatile float before = float_work(1.0f);
  int r = setjmp(outer);
  if (r == 0) {
    (void)float_work(2.0f);
    longjmp(outer, 3);
  }
  check_true("float local intact after longjmp", before == float_work(1.0f));
  check_u32("returned 3", (uint32_t)r, 3u);
}

int main(void)
{
  first_return_and_value();
  value_zero_becomes_one();
  nested_buffers();
  reused_buffer();
  with_float_frames();
  return check_summary("setjmp");
}

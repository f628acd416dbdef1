#include "check.h"
#include <stdio.h>

static unsigned checks;
static unsigned failures;

static void record(int passed) { checks++; if (!passed) failures++; }

void check_u32(const char *what, uint32_t got, uint32_t want)
{
  record(got == want);
  if (got == want)
    printf("ok   %s = 0x%08lx\n", what, (unsigned long)got);
  else
    printf("FAIL %s = 0x%08lx, want 0x%08lx\n", what, (unsigned long)got, (unsigned long)want);
}

/* newlib-nano's printf has no %ll: print 64-bit values as two halves. */
void check_u64(const char *what, uint64_t got, uint64_t want)
{
  record(got == want);
  if (got == want)
    printf("ok   %s = 0x%08lx%08lx\n", what, (unsigned long)(got >> 32), (unsigned long)got);
  else
    printf("FAIL %s = 0x%08lx%08lx, want 0x%08lx%08lx\n", what, (unsigned long)(got >> 32), (unsigned long)got,
           (unsigned long)(want >> 32), (unsigned long)want);
}

void check_true(const char *what, int condition)
{
  record(condition);
  printf("%s %s\n", condition ? "ok  " : "FAIL", what);
}

int check_summary(const char *program)
{
  printf("%s: %u checks, %u failed\n", program, checks, failures);
  return failures == 0 ? 0 : 1;
}

/*
 * The tests/ programs' way of checking and reporting: every check prints one line ("ok" or
 * "FAIL"), check_summary() prints the totals and gives main's exit status (0 = all passed).
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdint.h>

void check_u32(const char *what, uint32_t got, uint32_t want);
void check_u64(const char *what, uint64_t got, uint64_t want);
void check_true(const char *what, int condition);
/** Prints "<program>: N checks, M failed" and returns the exit status for main. */
int check_summary(const char *program);

/*
 * Hides a value from the optimiser, so the operation on it runs on the target instead of being
 * folded at compile time. The expected side of a check is written as a constant expression, which
 * GCC folds on the host: the host's arithmetic is the oracle.
 */
#define OPAQUE(x)                                                                                  \
  ({                                                                                               \
    __typeof__(x) opaque_value_ = (x);                                                             \
    __asm__ volatile("" : "+r"(opaque_value_));                                                    \
    opaque_value_;                                                                                 \
  })

#endif

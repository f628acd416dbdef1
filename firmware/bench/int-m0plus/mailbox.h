/*
 * The bench mailbox: how a runner without semihosting (rp2040js) talks to bench-int-m0plus.
 * It sits at a fixed address, right after the 48-word vector table: 0x2000_00C0.
 */
#ifndef BENCH_MAILBOX_H
#define BENCH_MAILBOX_H

#include <stdint.h>

#define BENCH_MAILBOX_MAGIC 0x4E423446u /* "F4BN" in memory order */

enum BenchStatus {
  BENCH_LOADED = 0,  /* as in the binary: not started */
  BENCH_RUNNING = 1, /* Reset_Handler has started the workload */
  BENCH_DONE = 2,    /* checksum is valid; followed by BKPT #0 */
  BENCH_FAULT = 3,   /* a fault or unexpected exception; followed by BKPT #1 */
};

typedef struct {
  uint32_t magic;      /* +0x0 BENCH_MAILBOX_MAGIC */
  uint32_t iterations; /* +0x4 input: rounds to run (the runner may overwrite before starting) */
  uint32_t checksum;   /* +0x8 output: bench_int_workload(iterations) */
  uint32_t status;     /* +0xC output: enum BenchStatus */
} BenchMailbox;

#endif

/* The integer benchmark workload, shared by bench-int (Cortex-M4) and bench-int-m0plus (RP2040). */
#ifndef BENCH_INT_WORKLOAD_H
#define BENCH_INT_WORKLOAD_H

#include <stdint.h>

/** Runs `iterations` rounds of CRC-32, heap sort, matrix multiply and divisions over data it
 * generates itself; returns a checksum that depends on every result. Uses no library call. */
uint32_t bench_int_workload(uint32_t iterations);

#endif

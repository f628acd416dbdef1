/* The float benchmark workload (FPv4-SP single precision). */
#ifndef BENCH_FLOAT_WORKLOAD_H
#define BENCH_FLOAT_WORKLOAD_H

#include <stdint.h>

/** Runs `iterations` rounds of Mandelbrot, n-body and polynomial loops; returns a checksum of
 * their exact bit patterns. */
uint32_t bench_float_workload(uint32_t iterations);

#endif

/*
 * bench-float: the float workload on the Cortex-M4F, iteration count from the semihosting command
 * line (`bench-float 1000`; default 10). Prints the checksum, exits 0.
 */
#include <stdio.h>
#include "semihost.h"
#include "workload.h"

int main(void)
{
  unsigned long iterations = semihost_number_argument(10);
  uint32_t checksum = bench_float_workload((uint32_t)iterations);
  printf("bench-float: iterations=%lu checksum=0x%08lx\n", iterations, (unsigned long)checksum);
  return 0;
}

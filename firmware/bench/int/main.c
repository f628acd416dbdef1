/*
 * bench-int: the integer workload on the Cortex-M4, iteration count from the semihosting command
 * line (`bench-int 1000`; default 10). Prints the checksum, exits 0.
 */
#include <stdio.h>
#include "semihost.h"
#include "workload.h"

int main(void)
{
  unsigned long iterations = semihost_number_argument(10);
  uint32_t checksum = bench_int_workload((uint32_t)iterations);
  printf("bench-int: iterations=%lu checksum=0x%08lx\n", iterations, (unsigned long)checksum);
  return 0;
}

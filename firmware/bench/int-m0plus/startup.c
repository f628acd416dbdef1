/*
 * bench-int-m0plus: the integer workload as raw Thumb-1 code for a Cortex-M0+ (RP2040 SRAM at
 * 0x2000_0000, ARMv6-M). No semihosting, no C library: the iteration count comes from the mailbox
 * (mailbox.h), the checksum goes back to it, then BKPT #0 tells the runner it is done.
 *
 * Vector table: initial SP, Reset, 14 system slots and the RP2040's 32 NVIC lines (26 wired),
 * 48 words in all (ARMv6-M ARM §B1.5.3); every exception but Reset reports a fault.
 */
#include <stdint.h>
#include "mailbox.h"
#include "../int/workload.h"

extern uint32_t _estack, _sbss, _ebss;

void Reset_Handler(void);
void Fault_Handler(void);

__attribute__((section(".vectors"), used)) void (*const vectors[48])(void) = {
  [0] = (void (*)(void))(uintptr_t)&_estack,
  [1] = Reset_Handler,
  [2 ... 47] = Fault_Handler,
};

__attribute__((section(".mailbox"), used)) volatile BenchMailbox bench_mailbox = {
  .magic = BENCH_MAILBOX_MAGIC,
  .iterations = 10,
  .checksum = 0,
  .status = BENCH_LOADED,
};

void Fault_Handler(void)
{
  bench_mailbox.status = BENCH_FAULT;
  for (;;) __asm__ volatile("bkpt #1");
}

void Reset_Handler(void)
{
  for (uint32_t *p = &_sbss; p < &_ebss; p++) *p = 0;
  bench_mailbox.status = BENCH_RUNNING;
  bench_mailbox.checksum = bench_int_workload(bench_mailbox.iterations);
  bench_mailbox.status = BENCH_DONE;
  for (;;) __asm__ volatile("bkpt #0");
}

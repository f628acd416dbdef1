#include "jump.h"
#include "app-image.h"
#include "stm32f4-mini.h"
#include "uart.h"

void jump_to_application(void)
{
  const volatile uint32_t *vectors = (const volatile uint32_t *)APP_START;
  uint32_t sp = vectors[0];
  uint32_t reset = vectors[1];
  uart_deinit();
  SYST_CSR = 0;
  /* The bootloader enables no interrupt, so PRIMASK stays clear and nothing is pending. */
  SCB_VTOR = APP_START;
  dsb();
  isb();
  /* After MSP changes, nothing may use the stack: load it and branch in one asm block. */
  __asm__ volatile("msr msp, %0\n\t"
                   "bx %1" ::"r"(sp), "r"(reset) : "memory");
  __builtin_unreachable();
}

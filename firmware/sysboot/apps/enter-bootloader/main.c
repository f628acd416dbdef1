/*
 * enter-bootloader: an application that enters the system-memory bootloader the way AN2606 describes
 * for application code: load MSP from the first word of system memory (0x1FFF_0000) and branch to the
 * reset vector in the second (0x1FFF_0004).
 *
 * Before jumping it leaves the chip the way a real application would, so that the bootloader has to
 * cope: SYSCLK at 168 MHz from the PLL (HSI / 16 × 336 / 2) with 5 flash wait states and APB1/APB2
 * at /4 and /2, SysTick interrupting every millisecond, interrupts enabled, VTOR on this program, and
 * USART1 running 8N1 at 115200 baud. It prints one line on USART2 first.
 */
#include "../uart.h"

#define RCC_PLLCFGR REG32(F4_RCC_BASE + 0x04u)
#define FLASH_ACR REG32(F4_FLASH_BASE + 0x00u)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
#define PLL_M 16u
#define PLL_N 336u
#define PLL_Q 7u
#define CFGR_PPRE1_DIV4 (5u << 10)
#define CFGR_PPRE2_DIV2 (4u << 13)
#define CFGR_SW_PLL 2u
#define CFGR_SWS_PLL (2u << 2)
#define SYSCLK_HZ 168000000u

volatile uint32_t ticks;

void SysTick_Handler(void)
{
  ticks++;
}

static void run_at_168_mhz(void)
{
  RCC_PLLCFGR = PLL_M | (PLL_N << 6) | (PLL_Q << 24); /* P = 2, source HSI */
  RCC_CR |= RCC_CR_PLLON;
  while ((RCC_CR & RCC_CR_PLLRDY) == 0) {
  }
  FLASH_ACR = 5u;
  RCC_CFGR = CFGR_PPRE1_DIV4 | CFGR_PPRE2_DIV2 | CFGR_SW_PLL;
  while ((RCC_CFGR & RCC_CFGR_SWS_MASK) != CFGR_SWS_PLL) {
  }
}

int main(void)
{
  run_at_168_mhz();
  RCC_AHB1ENR |= RCC_AHB1_GPIOA;
  RCC_APB2ENR |= RCC_APB2_USART1;
  RCC_APB1ENR |= RCC_APB1_USART2;
  uart_start(F4_USART2_BASE, SYSCLK_HZ / 4u);
  uart_start(F4_USART1_BASE, SYSCLK_HZ / 2u);
  uart_print(F4_USART2_BASE, "enter-bootloader: jumping to the system bootloader\n");

  SYST_RVR = SYSCLK_HZ / 1000u - 1u;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
  __asm__ volatile("cpsie i" ::: "memory");

  const volatile uint32_t *system = (const volatile uint32_t *)F4_MEM_SYSTEM_BASE;
  uint32_t sp = system[0];
  uint32_t reset = system[1];
  __asm__ volatile("msr msp, %0\n\t"
                   "bx %1" ::"r"(sp),
                   "r"(reset)
                   : "memory");
  for (;;) {
  }
}

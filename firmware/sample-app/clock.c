/*
 * Clock tree set-up of the sample application, in the order ST's HAL (SystemClock_Config of the
 * STM32F4-Discovery examples) does it:
 *   1. PWR clock on, regulator voltage scale 1 (needed above 144 MHz, RM0090 §5.1.4);
 *   2. HSE on, wait for HSERDY;
 *   3. main PLL: M = 8 (1 MHz VCO input), N = 336 (336 MHz VCO), P = 2 (168 MHz), Q = 7 (48 MHz);
 *      PLL on, wait for PLLRDY;
 *   4. flash: 5 wait states (168 MHz at 2.7-3.6 V, RM0090 §3.5.1 Table 10), prefetch and caches on;
 *   5. AHB /1, APB1 /4 (42 MHz), APB2 /2 (84 MHz); SYSCLK from the PLL, wait until SWS says so.
 */
#include "clock.h"
#include "stm32f4-mini.h"

#define PLL_M 8u
#define PLL_N 336u
#define PLL_P 2u
#define PLL_Q 7u
#define FLASH_LATENCY_168MHZ 5u

void clock_init(void)
{
  RCC->APB1ENR |= RCC_APB1ENR_PWREN;
  (void)RCC->APB1ENR;
  PWR->CR |= PWR_CR_VOS;

  RCC->CR |= RCC_CR_HSEON;
  while ((RCC->CR & RCC_CR_HSERDY) == 0) {
  }

  RCC->PLLCFGR = (PLL_M << RCC_PLLCFGR_PLLM_Pos) | (PLL_N << RCC_PLLCFGR_PLLN_Pos) |
                 (((PLL_P / 2u) - 1u) << RCC_PLLCFGR_PLLP_Pos) | RCC_PLLCFGR_PLLSRC_HSE |
                 (PLL_Q << RCC_PLLCFGR_PLLQ_Pos);
  RCC->CR |= RCC_CR_PLLON;
  while ((RCC->CR & RCC_CR_PLLRDY) == 0) {
  }

  FLASH->ACR = FLASH_ACR_PRFTEN | FLASH_ACR_ICEN | FLASH_ACR_DCEN | FLASH_LATENCY_168MHZ;
  while ((FLASH->ACR & FLASH_ACR_LATENCY_Msk) != FLASH_LATENCY_168MHZ) {
  }

  RCC->CFGR = (RCC->CFGR & ~RCC_CFGR_SW_Msk) | RCC_CFGR_HPRE_DIV1 | RCC_CFGR_PPRE1_DIV4 | RCC_CFGR_PPRE2_DIV2;
  RCC->CFGR = (RCC->CFGR & ~RCC_CFGR_SW_Msk) | RCC_CFGR_SW_PLL;
  while ((RCC->CFGR & RCC_CFGR_SWS_Msk) != RCC_CFGR_SWS_PLL) {
  }
}

uint32_t clock_sysclk_hz(void)
{
  uint32_t sws = RCC->CFGR & RCC_CFGR_SWS_Msk;
  if (sws == 0) return 16000000u; /* HSI */
  if (sws == (1u << 2)) return HSE_HZ;
  uint32_t cfg = RCC->PLLCFGR;
  uint32_t input = (cfg & RCC_PLLCFGR_PLLSRC_HSE) ? HSE_HZ : 16000000u;
  uint32_t m = (cfg >> RCC_PLLCFGR_PLLM_Pos) & 0x3Fu;
  uint32_t n = (cfg >> RCC_PLLCFGR_PLLN_Pos) & 0x1FFu;
  uint32_t p = 2u * (((cfg >> RCC_PLLCFGR_PLLP_Pos) & 3u) + 1u);
  return input / m * n / p;
}

/* SYSCLK = 168 MHz from the Discovery board's 8 MHz HSE crystal through the main PLL (RM0090 §6.2). */
#ifndef APP_CLOCK_H
#define APP_CLOCK_H

#include <stdint.h>

#define HSE_HZ 8000000u
#define SYSCLK_HZ 168000000u
#define APB1_HZ (SYSCLK_HZ / 4u) /* 42 MHz: USART2, at most 42 MHz (DS8626) */
#define APB2_HZ (SYSCLK_HZ / 2u) /* 84 MHz */

/** Switches SYSCLK to the PLL as HAL's SystemClock_Config does for this board. */
void clock_init(void);
/** SYSCLK in Hz as the RCC registers say now (PLL source / M * N / P, or HSI/HSE). */
uint32_t clock_sysclk_hz(void);

#endif

/*
 * The few lines an application needs to print on a USART in 8N1 (RM0090 §30.6): used by the test
 * applications that sysboot starts or that enter sysboot. Registers from ../regs.h.
 */
#ifndef SYSBOOT_APPS_UART_H
#define SYSBOOT_APPS_UART_H

#include "../regs.h"

#define RCC_APB1_USART2 (1u << 17)
#define BAUD 115200u

/** USART on, transmitter on, 8N1 at BAUD for a peripheral clock of `pclk_hz` (OVER8 = 0). */
static inline void uart_start(uint32_t usart, uint32_t pclk_hz)
{
  USART_CR1(usart) = 0;
  USART_BRR(usart) = (pclk_hz + BAUD / 2u) / BAUD;
  USART_CR1(usart) = USART_CR1_UE | USART_CR1_TE;
}

static inline void uart_print(uint32_t usart, const char *text)
{
  for (; *text != '\0'; text++) {
    while ((USART_SR(usart) & USART_SR_TXE) == 0) {
    }
    USART_DR(usart) = (uint8_t)*text;
  }
  while ((USART_SR(usart) & USART_SR_TC) == 0) {
  }
}

#endif

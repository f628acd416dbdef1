/* USART2 polled driver of the sample bootloader (also linked into the sample application) (RM0090 §30.3.2 transmit, §30.3.3 receive). */
#include "uart.h"
#include "stm32f4-mini.h"

#define PIN_TX 2u /* PA2 = USART2_TX */
#define PIN_RX 3u /* PA3 = USART2_RX */

void uart_init(uint32_t pclk_hz)
{
  RCC->AHB1ENR |= RCC_AHB1ENR_GPIOAEN;
  RCC->APB1ENR |= RCC_APB1ENR_USART2EN;
  (void)RCC->APB1ENR; /* the clock is on two cycles after the write (RM0090 §7.3.13 note) */

  GPIOA->AFR[0] = (GPIOA->AFR[0] & ~(GPIO_AF_FIELD(0xFu, PIN_TX) | GPIO_AF_FIELD(0xFu, PIN_RX))) |
                  GPIO_AF_FIELD(GPIO_AF7_USART2, PIN_TX) | GPIO_AF_FIELD(GPIO_AF7_USART2, PIN_RX);
  GPIOA->MODER = (GPIOA->MODER & ~(GPIO_FIELD2(3u, PIN_TX) | GPIO_FIELD2(3u, PIN_RX))) |
                 GPIO_FIELD2(GPIO_MODE_AF, PIN_TX) | GPIO_FIELD2(GPIO_MODE_AF, PIN_RX);
  GPIOA->PUPDR = (GPIOA->PUPDR & ~GPIO_FIELD2(3u, PIN_RX)) | GPIO_FIELD2(1u, PIN_RX); /* RX idles high */

  USART2->BRR = USART_BRR_FOR(pclk_hz, UART_BAUD);
  USART2->CR1 = USART_CR1_UE | USART_CR1_TE | USART_CR1_RE; /* 8 data bits, no parity, 1 stop bit */
}

void uart_putc(uint8_t byte)
{
  while ((USART2->SR & USART_SR_TXE) == 0) {
  }
  USART2->DR = byte;
}

uint8_t uart_getc(void)
{
  for (;;) {
    uint32_t sr = USART2->SR;
    /* RXNE or ORE: reading DR after SR returns the byte and clears both (RM0090 §30.6.1). */
    if (sr & (USART_SR_RXNE | USART_SR_ORE)) return (uint8_t)USART2->DR;
  }
}

void uart_flush(void)
{
  while ((USART2->SR & USART_SR_TC) == 0) {
  }
}

void uart_puts(const char *text)
{
  while (*text) uart_putc((uint8_t)*text++);
}

void uart_puthex(uint32_t value)
{
  static const char digits[] = "0123456789ABCDEF";
  uart_puts("0x");
  for (int shift = 28; shift >= 0; shift -= 4) uart_putc((uint8_t)digits[(value >> shift) & 0xFu]);
}

void uart_putdec(uint32_t value)
{
  char digits[10];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0);
  while (n > 0) uart_putc((uint8_t)digits[--n]);
}

void uart_deinit(void)
{
  uart_flush();
  RCC->APB1RSTR |= RCC_APB1RSTR_USART2RST;
  RCC->APB1RSTR &= ~RCC_APB1RSTR_USART2RST;
  RCC->AHB1RSTR |= RCC_AHB1RSTR_GPIOARST;
  RCC->AHB1RSTR &= ~RCC_AHB1RSTR_GPIOARST;
  RCC->APB1ENR &= ~RCC_APB1ENR_USART2EN;
  RCC->AHB1ENR &= ~RCC_AHB1ENR_GPIOAEN;
}

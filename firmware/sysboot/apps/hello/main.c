/*
 * hello: the application the sysboot tests program with Write Memory and start with Go. It prints one
 * line on USART1 (the host's line) and on USART2 (f4emu's stdio by default), then sleeps for ever.
 *
 * It starts as any application behind the ROM bootloader: the bootloader's Go left RCC_AHB1ENR at 0
 * and the USARTs at their reset values (AN2606, AN3155 §3.5), the core on the 16 MHz HSI.
 */
#include "../uart.h"

int main(void)
{
  RCC_AHB1ENR |= RCC_AHB1_GPIOA;
  RCC_APB2ENR |= RCC_APB2_USART1;
  RCC_APB1ENR |= RCC_APB1_USART2;
  uart_start(F4_USART1_BASE, HSI_HZ);
  uart_start(F4_USART2_BASE, HSI_HZ);
  uart_print(F4_USART1_BASE, "hello from flash\n");
  uart_print(F4_USART2_BASE, "hello from flash\n");
  for (;;) __asm__ volatile("wfi");
}

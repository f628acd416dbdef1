/*
 * USART2 on the Discovery board's PA2 (TX) and PA3 (RX), 115200 baud 8N1, polled (RM0090 §30.3).
 * The bootloader runs from the 16 MHz HSI it starts on, so APB1 (the USART's clock) is 16 MHz; the
 * sample application links the same driver and passes its 42 MHz APB1 clock.
 */
#ifndef BOOT_UART_H
#define BOOT_UART_H

#include <stdint.h>

#define UART_BAUD 115200u

/** Clocks GPIOA and USART2, puts PA2/PA3 on AF7 and enables the transmitter and receiver. */
void uart_init(uint32_t pclk_hz);
/** Waits for the transmit register to be free, then sends one byte. */
void uart_putc(uint8_t byte);
/** Waits for one received byte (an overrun is cleared and the byte read anyway). */
uint8_t uart_getc(void);
/** Waits until the last byte has left the shift register (TC), e.g. before a jump or a reset. */
void uart_flush(void);
/** Text helpers for the bootloader's messages. */
void uart_puts(const char *text);
void uart_puthex(uint32_t value);
void uart_putdec(uint32_t value);
/** Puts USART2 and GPIOA back to their reset state (RCC reset bits) and stops their clocks. */
void uart_deinit(void);

#endif

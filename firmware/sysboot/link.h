/*
 * The serial link to the host: USART1 on PA9/PA10 or USART3 on PB10/PB11 and PC10/PC11, 8 data bits
 * + even parity + 1 stop bit (AN3155 §2; AN2606 "STM32F40xxx/41xxx devices bootloader").
 */
#ifndef SYSBOOT_LINK_H
#define SYSBOOT_LINK_H

#include <stdbool.h>
#include <stdint.h>

/** Sets up both USARTs and their pins, waits for 0x7F on either, keeps that one and answers ACK. */
void link_connect(void);

/** Next byte from the host, waiting for ever (between commands). */
uint8_t link_get(void);

/** Next byte of a command; false when the host stayed silent for the inactivity timeout. */
bool link_get_timed(uint8_t *byte);

void link_put(uint8_t byte);

/** Returns once everything queued has left the shift register (USART_SR.TC). */
void link_flush(void);

/** Arms / disarms the inactivity timeout (SysTick) around one command. */
void link_timeout_start(void);
void link_timeout_stop(void);

/** Puts the USARTs, their pins' ports and SysTick back to their reset state (before Go). */
void link_release(void);

#endif

/* Starting the application the way the F4 bootloader tutorials do (PM0214 §2.3.4, §4.4.4). */
#ifndef BOOT_JUMP_H
#define BOOT_JUMP_H

/**
 * Puts back what the bootloader changed (USART2, GPIOA, SysTick), points VTOR at the application's
 * vector table, loads MSP from its first word and branches to its Reset_Handler (second word).
 */
__attribute__((noreturn)) void jump_to_application(void);

#endif

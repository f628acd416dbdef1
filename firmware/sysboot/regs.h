/*
 * The STM32F407 registers sysboot drives, as offsets and bits from the manuals (RM0090 = STM32F4
 * reference manual, PM0214 = Cortex-M4 programming manual). Block bases come from the generated
 * stm32f407-device.h (src/device/stm32f407.ts); nothing here is an address of its own.
 */
#ifndef SYSBOOT_REGS_H
#define SYSBOOT_REGS_H

#include "stm32f407-regs.h"

/* ---- RCC (RM0090 §7.3) ---- */
#define RCC_CR REG32(F4_RCC_BASE + 0x00u)
#define RCC_CFGR REG32(F4_RCC_BASE + 0x08u)
#define RCC_AHB1RSTR REG32(F4_RCC_BASE + 0x10u)
#define RCC_APB1RSTR REG32(F4_RCC_BASE + 0x20u)
#define RCC_APB2RSTR REG32(F4_RCC_BASE + 0x24u)
#define RCC_AHB1ENR REG32(F4_RCC_BASE + 0x30u)
#define RCC_APB1ENR REG32(F4_RCC_BASE + 0x40u)
#define RCC_APB2ENR REG32(F4_RCC_BASE + 0x44u)

#define RCC_CR_HSION (1u << 0)
#define RCC_CR_HSIRDY (1u << 1)
#define RCC_CFGR_SWS_MASK (3u << 2)
#define RCC_AHB1_GPIOA (1u << 0)
#define RCC_AHB1_GPIOB (1u << 1)
#define RCC_AHB1_GPIOC (1u << 2)
#define RCC_APB1_USART3 (1u << 18)
#define RCC_APB2_USART1 (1u << 4)

/** The HSI oscillator the bootloader runs from (RM0090 §6.2.2). */
#define HSI_HZ 16000000u

/* ---- GPIO (RM0090 §8.4) ---- */
#define GPIO_MODER(port) REG32((port) + 0x00u)
#define GPIO_PUPDR(port) REG32((port) + 0x0Cu)
#define GPIO_AFR(port, pin) REG32((port) + 0x20u + 4u * ((pin) / 8u))

#define GPIO_MODE_ALTERNATE 2u
#define GPIO_PULL_UP 1u
/** USART1..3 are alternate function 7 on their pins (DS8626 Table 9). */
#define GPIO_AF_USART 7u

/* ---- USART (RM0090 §30.6) ---- */
#define USART_SR(u) REG32((u) + 0x00u)
#define USART_DR(u) REG32((u) + 0x04u)
#define USART_BRR(u) REG32((u) + 0x08u)
#define USART_CR1(u) REG32((u) + 0x0Cu)
#define USART_CR2(u) REG32((u) + 0x10u)
#define USART_CR3(u) REG32((u) + 0x14u)

#define USART_SR_RXNE (1u << 5)
#define USART_SR_TC (1u << 6)
#define USART_SR_TXE (1u << 7)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_PCE (1u << 10)
#define USART_CR1_M (1u << 12)
#define USART_CR1_UE (1u << 13)
#define USART_CR1_OVER8 (1u << 15)

/* ---- FLASH interface (RM0090 §3.9) ---- */
#define FLASH_KEYR REG32(F4_FLASH_BASE + 0x04u)
#define FLASH_OPTKEYR REG32(F4_FLASH_BASE + 0x08u)
#define FLASH_SR REG32(F4_FLASH_BASE + 0x0Cu)
#define FLASH_CR REG32(F4_FLASH_BASE + 0x10u)
#define FLASH_OPTCR REG32(F4_FLASH_BASE + 0x14u)

#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_OPTKEY1 0x08192A3Bu
#define FLASH_OPTKEY2 0x4C5D6E7Fu

#define FLASH_SR_ERRORS 0xF0u /* WRPERR, PGAERR, PGPERR, PGSERR */
#define FLASH_SR_BSY (1u << 16)
#define FLASH_CR_PG (1u << 0)
#define FLASH_CR_SER (1u << 1)
#define FLASH_CR_MER (1u << 2)
#define FLASH_CR_SNB(n) ((uint32_t)(n) << 3)
#define FLASH_CR_PSIZE_X8 (0u << 8)
#define FLASH_CR_STRT (1u << 16)
#define FLASH_CR_LOCK (1u << 31)
#define FLASH_OPTCR_OPTLOCK (1u << 0)
#define FLASH_OPTCR_OPTSTRT (1u << 1)
#define FLASH_OPTCR_WDG_SW (1u << 5)
#define FLASH_OPTCR_USER_MASK 0xECu /* nRST_STDBY, nRST_STOP, WDG_SW, BOR_LEV */
#define FLASH_OPTCR_RDP_SHIFT 8u
#define FLASH_OPTCR_NWRP_SHIFT 16u

/* RDP byte values (RM0090 §3.7.3): anything else is level 1; 0x55 is what ST writes for level 1. */
#define RDP_LEVEL0 0xAAu
#define RDP_LEVEL1 0x55u
#define RDP_LEVEL2 0xCCu

/* ---- IWDG (RM0090 §19.4) ---- */
#define IWDG_KR REG32(F4_IWDG_BASE + 0x00u)
#define IWDG_PR REG32(F4_IWDG_BASE + 0x04u)
#define IWDG_RLR REG32(F4_IWDG_BASE + 0x08u)
#define IWDG_SR REG32(F4_IWDG_BASE + 0x0Cu)
#define IWDG_KEY_RELOAD 0xAAAAu
#define IWDG_KEY_ACCESS 0x5555u
#define IWDG_PR_DIV256 6u
#define IWDG_RLR_MAX 0xFFFu
#define IWDG_SR_PVU (1u << 0)
#define IWDG_SR_RVU (1u << 1)

/* ---- Cortex-M4 (PM0214 §4.4.4, §4.5) ---- */
#define AIRCR_SYSRESETREQ 0x05FA0004u /* VECTKEY | SYSRESETREQ */
#define SYST_CSR_COUNTFLAG (1u << 16)
#define NVIC_WORDS ((F4_IRQ_COUNT + 31u) / 32u)

#endif

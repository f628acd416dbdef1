/*
 * A small CMSIS-style view of the STM32F407 peripherals the sample bootloader and the sample
 * application use: one struct per register block, laid out as RM0090 lists the registers, and a
 * pointer per block (RCC->CR, GPIOD->BSRR, USART2->SR ...), the way ST's device header and the F407
 * bootloader tutorials write it. Written from the manuals, not copied from ST's files: only the
 * registers and bits these two programs touch are named.
 *
 * Block bases come from the generated stm32f407-device.h (that is, from src/device/stm32f407.ts);
 * nothing here is an address of its own. Core registers (SCB, SysTick, NVIC) come from
 * common/stm32f407-regs.h.
 */
#ifndef STM32F4_MINI_H
#define STM32F4_MINI_H

#include <stdint.h>
#include "stm32f407-regs.h"

#define __IO volatile

/* ---- RCC: reset and clock control (RM0090 §7.3) ---- */
typedef struct {
  __IO uint32_t CR;         /* 0x00 */
  __IO uint32_t PLLCFGR;    /* 0x04 */
  __IO uint32_t CFGR;       /* 0x08 */
  __IO uint32_t CIR;        /* 0x0C */
  __IO uint32_t AHB1RSTR;   /* 0x10 */
  __IO uint32_t AHB2RSTR;   /* 0x14 */
  __IO uint32_t AHB3RSTR;   /* 0x18 */
  uint32_t reserved0;       /* 0x1C */
  __IO uint32_t APB1RSTR;   /* 0x20 */
  __IO uint32_t APB2RSTR;   /* 0x24 */
  uint32_t reserved1[2];    /* 0x28 */
  __IO uint32_t AHB1ENR;    /* 0x30 */
  __IO uint32_t AHB2ENR;    /* 0x34 */
  __IO uint32_t AHB3ENR;    /* 0x38 */
  uint32_t reserved2;       /* 0x3C */
  __IO uint32_t APB1ENR;    /* 0x40 */
  __IO uint32_t APB2ENR;    /* 0x44 */
} RCC_TypeDef;

#define RCC_CR_HSION (1u << 0)
#define RCC_CR_HSIRDY (1u << 1)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)

#define RCC_PLLCFGR_PLLM_Pos 0u
#define RCC_PLLCFGR_PLLN_Pos 6u
#define RCC_PLLCFGR_PLLP_Pos 16u /* 0: /2, 1: /4, 2: /6, 3: /8 */
#define RCC_PLLCFGR_PLLSRC_HSE (1u << 22)
#define RCC_PLLCFGR_PLLQ_Pos 24u

#define RCC_CFGR_SW_Msk 3u
#define RCC_CFGR_SW_PLL 2u
#define RCC_CFGR_SWS_Msk (3u << 2)
#define RCC_CFGR_SWS_PLL (2u << 2)
#define RCC_CFGR_HPRE_DIV1 (0u << 4)
#define RCC_CFGR_PPRE1_DIV4 (5u << 10)
#define RCC_CFGR_PPRE2_DIV2 (4u << 13)

#define RCC_AHB1ENR_GPIOAEN (1u << 0)
#define RCC_AHB1ENR_GPIODEN (1u << 3)
#define RCC_AHB1ENR_CRCEN (1u << 12)
#define RCC_AHB1RSTR_GPIOARST (1u << 0)
#define RCC_AHB1RSTR_CRCRST (1u << 12)
#define RCC_APB1ENR_USART2EN (1u << 17)
#define RCC_APB1ENR_PWREN (1u << 28)
#define RCC_APB1RSTR_USART2RST (1u << 17)
#define RCC_APB2ENR_SYSCFGEN (1u << 14)

/** RCC_AHB1ENR after reset: only the CCM data RAM clock is on (RM0090 §7.3.10). */
#define RCC_AHB1ENR_RESET 0x00100000u

/* ---- PWR: power control (RM0090 §5.4) ---- */
typedef struct {
  __IO uint32_t CR;  /* 0x00 */
  __IO uint32_t CSR; /* 0x04 */
} PWR_TypeDef;

#define PWR_CR_VOS (1u << 14)     /* regulator scale 1: needed above 144 MHz (RM0090 §5.1.4) */
#define PWR_CSR_VOSRDY (1u << 14)

/* ---- FLASH interface (RM0090 §3.9) ---- */
typedef struct {
  __IO uint32_t ACR;     /* 0x00 */
  __IO uint32_t KEYR;    /* 0x04 */
  __IO uint32_t OPTKEYR; /* 0x08 */
  __IO uint32_t SR;      /* 0x0C */
  __IO uint32_t CR;      /* 0x10 */
  __IO uint32_t OPTCR;   /* 0x14 */
} FLASH_TypeDef;

#define FLASH_ACR_LATENCY_Msk 7u
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ICEN (1u << 9)
#define FLASH_ACR_DCEN (1u << 10)

#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu

#define FLASH_SR_EOP (1u << 0)
#define FLASH_SR_OPERR (1u << 1)
#define FLASH_SR_WRPERR (1u << 4)
#define FLASH_SR_PGAERR (1u << 5)
#define FLASH_SR_PGPERR (1u << 6)
#define FLASH_SR_PGSERR (1u << 7)
#define FLASH_SR_ERRORS (FLASH_SR_OPERR | FLASH_SR_WRPERR | FLASH_SR_PGAERR | FLASH_SR_PGPERR | FLASH_SR_PGSERR)
#define FLASH_SR_BSY (1u << 16)

#define FLASH_CR_PG (1u << 0)
#define FLASH_CR_SER (1u << 1)
#define FLASH_CR_SNB_Pos 3u
#define FLASH_CR_SNB_Msk (0xFu << 3)
#define FLASH_CR_PSIZE_Msk (3u << 8)
#define FLASH_CR_PSIZE_X32 (2u << 8) /* 2.7-3.6 V, the Discovery board's supply (RM0090 §3.6.2) */
#define FLASH_CR_STRT (1u << 16)
#define FLASH_CR_LOCK (1u << 31)

#define FLASH_OPTCR_RDP_Pos 8u
#define FLASH_OPTCR_RDP_Msk (0xFFu << 8)

/* ---- GPIO (RM0090 §8.4) ---- */
typedef struct {
  __IO uint32_t MODER;   /* 0x00 */
  __IO uint32_t OTYPER;  /* 0x04 */
  __IO uint32_t OSPEEDR; /* 0x08 */
  __IO uint32_t PUPDR;   /* 0x0C */
  __IO uint32_t IDR;     /* 0x10 */
  __IO uint32_t ODR;     /* 0x14 */
  __IO uint32_t BSRR;    /* 0x18 */
  __IO uint32_t LCKR;    /* 0x1C */
  __IO uint32_t AFR[2];  /* 0x20 AFRL, 0x24 AFRH */
} GPIO_TypeDef;

#define GPIO_MODE_INPUT 0u
#define GPIO_MODE_OUTPUT 1u
#define GPIO_MODE_AF 2u
/** Two-bit field of pin `pin` in MODER, OSPEEDR or PUPDR. */
#define GPIO_FIELD2(value, pin) ((uint32_t)(value) << (2u * (pin)))
/** Four-bit alternate-function field of pin `pin` in AFR[pin / 8]. */
#define GPIO_AF_FIELD(af, pin) ((uint32_t)(af) << (4u * ((pin) % 8u)))
/** USART1..3 are alternate function 7 on their pins (datasheet DS8626 Table 9). */
#define GPIO_AF7_USART2 7u

/* ---- USART (RM0090 §30.6) ---- */
typedef struct {
  __IO uint32_t SR;   /* 0x00 */
  __IO uint32_t DR;   /* 0x04 */
  __IO uint32_t BRR;  /* 0x08 */
  __IO uint32_t CR1;  /* 0x0C */
  __IO uint32_t CR2;  /* 0x10 */
  __IO uint32_t CR3;  /* 0x14 */
  __IO uint32_t GTPR; /* 0x18 */
} USART_TypeDef;

#define USART_SR_ORE (1u << 3)
#define USART_SR_RXNE (1u << 5)
#define USART_SR_TC (1u << 6)
#define USART_SR_TXE (1u << 7)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_UE (1u << 13)

/**
 * BRR for `baud` from a `pclk` Hz clock with 16× oversampling (RM0090 §30.3.4): USARTDIV = pclk / (16 ×
 * baud) as a 12.4 fixed-point number, rounded to nearest. 16 MHz / 115200 → 0x8B; 42 MHz → 0x16D.
 */
#define USART_BRR_FOR(pclk, baud) ((((pclk) + (baud) / 2u)) / (baud))

/* ---- CRC calculation unit (RM0090 §4.4) ---- */
typedef struct {
  __IO uint32_t DR;  /* 0x00 */
  __IO uint32_t IDR; /* 0x04 */
  __IO uint32_t CR;  /* 0x08 */
} CRC_TypeDef;

#define CRC_CR_RESET (1u << 0)

/* ---- SYSCFG (RM0090 §9.2) and EXTI (RM0090 §12.3) ---- */
typedef struct {
  __IO uint32_t MEMRMP;    /* 0x00 */
  __IO uint32_t PMC;       /* 0x04 */
  __IO uint32_t EXTICR[4]; /* 0x08 */
} SYSCFG_TypeDef;

typedef struct {
  __IO uint32_t IMR;   /* 0x00 */
  __IO uint32_t EMR;   /* 0x04 */
  __IO uint32_t RTSR;  /* 0x08 */
  __IO uint32_t FTSR;  /* 0x0C */
  __IO uint32_t SWIER; /* 0x10 */
  __IO uint32_t PR;    /* 0x14 */
} EXTI_TypeDef;

/* ---- DBGMCU (RM0090 §38.6) ---- */
typedef struct {
  __IO uint32_t IDCODE; /* 0x00: DEV_ID[11:0] = 0x413 on the F405/407/415/417, REV_ID[31:16] */
  __IO uint32_t CR;     /* 0x04 */
} DBGMCU_TypeDef;

#define RCC ((RCC_TypeDef *)F4_RCC_BASE)
#define PWR ((PWR_TypeDef *)F4_PWR_BASE)
#define FLASH ((FLASH_TypeDef *)F4_FLASH_BASE)
#define GPIOA ((GPIO_TypeDef *)F4_GPIOA_BASE)
#define GPIOD ((GPIO_TypeDef *)F4_GPIOD_BASE)
#define USART2 ((USART_TypeDef *)F4_USART2_BASE)
#define CRC ((CRC_TypeDef *)F4_CRC_BASE)
#define SYSCFG ((SYSCFG_TypeDef *)F4_SYSCFG_BASE)
#define EXTI ((EXTI_TypeDef *)F4_EXTI_BASE)
#define DBGMCU ((DBGMCU_TypeDef *)F4_DBGMCU_BASE)

/* ---- Core intrinsics, as CMSIS names them (ARMv7-M ARM §B5.2) ---- */
static inline void __enable_irq(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void __disable_irq(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void __WFI(void) { __asm__ volatile("wfi"); }

#endif

/*
 * The few STM32F407 / Cortex-M4 registers f4emu's own firmware uses, written from the manuals
 * (PM0214 = STM32 Cortex-M4 programming manual, RM0090 = STM32F4 reference manual, ARM DDI 0403E =
 * ARMv7-M ARM). Block bases come from the generated stm32f407-device.h (that is, from
 * src/device/stm32f407.ts); only offsets and bit positions are written here.
 * This is not ST's CMSIS header and does not try to be: add registers as programs need them.
 */
#ifndef STM32F407_REGS_H
#define STM32F407_REGS_H

#include <stdint.h>
#include "stm32f407-device.h"

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define REG16(addr) (*(volatile uint16_t *)(uintptr_t)(addr))
#define REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))

/* ---- System control block (PM0214 §4.4) ---- */
#define SCB_CPUID REG32(F4_SCB_BASE + 0x00u)
#define SCB_ICSR REG32(F4_SCB_BASE + 0x04u)
#define SCB_VTOR REG32(F4_SCB_BASE + 0x08u)
#define SCB_AIRCR REG32(F4_SCB_BASE + 0x0Cu)
#define SCB_CCR REG32(F4_SCB_BASE + 0x14u)
#define SCB_SHPR(n) REG8(F4_SCB_BASE + 0x18u + (uint32_t)(n) - 4u) /* priority of system exception n (4..15) */
#define SCB_SHCSR REG32(F4_SCB_BASE + 0x24u)
#define SCB_CFSR REG32(F4_SCB_BASE + 0x28u)
#define SCB_HFSR REG32(F4_SCB_BASE + 0x2Cu)
#define SCB_MMFAR REG32(F4_SCB_BASE + 0x34u)
#define SCB_BFAR REG32(F4_SCB_BASE + 0x38u)
#define SCB_CPACR REG32(F4_SCB_BASE + 0x88u)

#define ICSR_VECTACTIVE_MASK 0x1FFu
#define ICSR_PENDSVSET (1u << 28)

#define CCR_UNALIGN_TRP (1u << 3)
#define CCR_DIV_0_TRP (1u << 4)

#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)

/* CFSR = UFSR[31:16] : BFSR[15:8] : MMFSR[7:0]; write 1 to clear (PM0214 §4.4.14). */
#define CFSR_PRECISERR (1u << 9)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_UNDEFINSTR (1u << 16)
#define CFSR_DIVBYZERO (1u << 25)

#define HFSR_FORCED (1u << 30)

/* CP10 and CP11 full access (PM0214 §4.6.1). */
#define CPACR_FPU_FULL_ACCESS (0xFu << 20)

/* System exception numbers whose priority lives in SHPR (PM0214 §2.3.2). */
#define EXC_SVCALL 11u
#define EXC_PENDSV 14u
#define EXC_SYSTICK 15u

/* ---- SysTick (PM0214 §4.5) ---- */
#define SYST_CSR REG32(F4_SYSTICK_BASE + 0x0u)
#define SYST_RVR REG32(F4_SYSTICK_BASE + 0x4u)
#define SYST_CVR REG32(F4_SYSTICK_BASE + 0x8u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* 1: processor clock; 0: HCLK/8 on STM32 (RM0090 §6.2) */

/* ---- NVIC (PM0214 §4.3) ---- */
#define NVIC_ISER(n) REG32(F4_NVIC_BASE + 0x000u + 4u * (uint32_t)(n))
#define NVIC_ICER(n) REG32(F4_NVIC_BASE + 0x080u + 4u * (uint32_t)(n))
#define NVIC_ISPR(n) REG32(F4_NVIC_BASE + 0x100u + 4u * (uint32_t)(n))
#define NVIC_ICPR(n) REG32(F4_NVIC_BASE + 0x180u + 4u * (uint32_t)(n))
#define NVIC_IABR(n) REG32(F4_NVIC_BASE + 0x200u + 4u * (uint32_t)(n))
#define NVIC_IPR(irq) REG8(F4_NVIC_BASE + 0x300u + (uint32_t)(irq))
#define NVIC_STIR REG32(F4_STIR_BASE)

/* ---- Debug support (RM0090 §38.6.1) and device signature (RM0090 §39.2) ---- */
#define DBGMCU_IDCODE_ADDR (F4_DBGMCU_BASE + 0x0u)
#define FLASH_SIZE_ADDR F4_MEM_FLASH_SIZE_BASE

/* ---- Barriers and special registers (ARMv7-M ARM §A7.7) ---- */
static inline void dsb(void) { __asm__ volatile("dsb" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }

static inline uint32_t get_sp(void)
{
  uint32_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

static inline uint32_t get_ipsr(void)
{
  uint32_t v;
  __asm__ volatile("mrs %0, ipsr" : "=r"(v));
  return v;
}

static inline uint32_t get_control(void)
{
  uint32_t v;
  __asm__ volatile("mrs %0, control" : "=r"(v));
  return v;
}

/* NVIC by IRQ number (PM0214 §4.3.2-4.3.6). */
static inline void nvic_enable(uint32_t irq) { NVIC_ISER(irq / 32u) = 1u << (irq % 32u); }
/** Pends an IRQ; DSB + ISB make sure it is taken (if it may be) before the next instruction. */
static inline void nvic_set_pending(uint32_t irq)
{
  NVIC_ISPR(irq / 32u) = 1u << (irq % 32u);
  dsb();
  isb();
}
static inline int nvic_is_pending(uint32_t irq) { return (NVIC_ISPR(irq / 32u) >> (irq % 32u)) & 1u; }
static inline int nvic_is_active(uint32_t irq) { return (NVIC_IABR(irq / 32u) >> (irq % 32u)) & 1u; }

#endif

/*
 * Cortex-M4F startup for the STM32F407 (PM0214 §2.3.4 vector table, §2.3.7-8 exception entry;
 * RM0090 §12.2 Table 61 interrupt lines).
 *
 * The vector table holds the initial main stack pointer, Reset, the 14 system exception slots and one
 * entry per IRQ line, named as CMSIS names them. Every handler but Reset is a weak alias of
 * Default_Handler: a program overrides one by defining a function with the same name.
 *
 * Reset_Handler: load SP, point VTOR at this table (so a program linked after a bootloader works),
 * enable the FPU when the program is built for it, copy .data from flash, zero .bss, open the
 * semihosting console, run static constructors (__libc_init_array), then exit(main()).
 */
#include <stdint.h>
#include <stdlib.h>
#include "stm32f407-regs.h"

/* Symbols from stm32f407-sections.ld. */
extern uint32_t _estack;
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;

int main(void);
void __libc_init_array(void);
/* newlib's rdimon opens the semihosting stdin/stdout/stderr here; weak so a program without
 * semihosting links without it. */
void initialise_monitor_handles(void) __attribute__((weak));

void Reset_Handler(void);
void start_program(void);
void Default_Handler(void);

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))

void NMI_Handler(void) WEAK_DEFAULT;
void HardFault_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;

#define DECLARE_IRQ_HANDLER(name, n) void name##_IRQHandler(void) WEAK_DEFAULT;
F4_FOR_EACH_IRQ(DECLARE_IRQ_HANDLER)

typedef void (*Vector)(void);

/** PM0214 §2.3.4 Table 17 layout. 16 system words + one per IRQ. */
typedef struct {
  uint32_t *initial_sp;
  Vector system[15]; /* exceptions 1 (Reset) to 15 (SysTick) */
  Vector irq[F4_IRQ_COUNT];
} VectorTable;

#define IRQ_ENTRY(name, n) [n] = name##_IRQHandler,

__attribute__((section(".isr_vector"), used)) const VectorTable g_pfnVectors = {
  .initial_sp = &_estack,
  .system = {
    Reset_Handler,      /* 1 */
    NMI_Handler,        /* 2 */
    HardFault_Handler,  /* 3 */
    MemManage_Handler,  /* 4 */
    BusFault_Handler,   /* 5 */
    UsageFault_Handler, /* 6 */
    0, 0, 0, 0,         /* 7-10 reserved */
    SVC_Handler,        /* 11 */
    DebugMon_Handler,   /* 12 */
    0,                  /* 13 reserved */
    PendSV_Handler,     /* 14 */
    SysTick_Handler,    /* 15 */
  },
  .irq = { F4_FOR_EACH_IRQ(IRQ_ENTRY) },
};

/** An exception nobody handles: stay here, so a debugger (or f4emu --exit-on-fault) sees where. */
void Default_Handler(void)
{
  for (;;) {
  }
}

/*
 * __libc_init_array calls _init() between .preinit_array and .init_array. Constructors live in
 * .init_array with this GCC, and we link without crti/crtn (-nostartfiles), so _init/_fini are empty.
 */
void _init(void) {}
void _fini(void) {}

/* Identifies this image to __cxa_atexit (normally from crtbegin.o, which -nostartfiles leaves out). */
void *__dso_handle __attribute__((weak)) = &__dso_handle;

static void copy_data_and_zero_bss(void)
{
  const uint32_t *src = &_sidata;
  for (uint32_t *dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t *dst = &_sbss; dst < &_ebss;) *dst++ = 0;
}

/*
 * The reset entry. It loads SP itself, so the image also starts correctly when a bootloader or a
 * debugger jumps to Reset_Handler without going through a reset (as ST's startup code does).
 */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
  __asm__ volatile("movw r0, #:lower16:_estack\n\t"
                   "movt r0, #:upper16:_estack\n\t"
                   "mov sp, r0\n\t"
                   "b start_program");
}

/* Runs before .data and .bss exist: touches only registers and its own stack. */
__attribute__((noreturn, used)) void start_program(void)
{
  SCB_VTOR = (uint32_t)(uintptr_t)&g_pfnVectors;
#if defined(__ARM_FP)
  /* CP10/CP11 full access, else every FP instruction raises NOCP (PM0214 §4.6.1). */
  SCB_CPACR |= CPACR_FPU_FULL_ACCESS;
  dsb();
  isb();
#endif
  copy_data_and_zero_bss();
  if (initialise_monitor_handles) initialise_monitor_handles();
  __libc_init_array();
  exit(main());
}

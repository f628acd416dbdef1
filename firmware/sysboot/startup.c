/*
 * sysboot's vector table and reset entry (PM0214 §2.3.4 vector table).
 *
 * The bootloader is entered two ways: by a reset with BOOT0 = 1, BOOT1 = 0 (the core loads SP and PC
 * from this table through the boot alias at 0), or by an application that loads MSP from 0x1FFF_0000
 * and branches to the address at 0x1FFF_0004 (AN2606 "jump to the bootloader from application code").
 * In the second case the chip is in whatever state the application left: interrupts may be enabled,
 * SysTick running, VTOR pointing at the application, SYSCLK on the PLL. Reset_Handler therefore masks
 * interrupts, takes VTOR, silences SysTick and the NVIC, and runs the chip from the HSI again before
 * anything else.
 *
 * Faults: the bootloader never expects one. If it happens anyway (a bug), the handler counts it in
 * `sysboot_faults` (bootloader RAM that no reset clears: tests and debuggers look at it) and resets
 * the chip, which brings the bootloader back waiting for 0x7F: a host sees a lost connection, not a
 * dead chip.
 */
#include <stdint.h>

#include "regs.h"
#include "watchdog.h"

extern uint32_t _estack;
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;

int main(void);
void Reset_Handler(void);
void Fault_Handler(void);
void start_bootloader(void);

typedef void (*Vector)(void);

/** Initial SP, Reset, and the 14 system exception slots (PM0214 §2.3.4 Table 17); no IRQ is ever enabled. */
__attribute__((section(".isr_vector"), used)) const struct {
  uint32_t *initial_sp;
  Vector system[15];
} sysboot_vectors = {
  .initial_sp = &_estack,
  .system = {
    Reset_Handler, /* 1 */
    Fault_Handler, /* 2 NMI */
    Fault_Handler, /* 3 HardFault */
    Fault_Handler, /* 4 MemManage */
    Fault_Handler, /* 5 BusFault */
    Fault_Handler, /* 6 UsageFault */
    0, 0, 0, 0,    /* 7-10 reserved */
    Fault_Handler, /* 11 SVCall */
    Fault_Handler, /* 12 DebugMonitor */
    0,             /* 13 reserved */
    Fault_Handler, /* 14 PendSV */
    Fault_Handler, /* 15 SysTick */
  },
};

/** The bootloader's version byte at 0x1FFF_77DE (AN2606 Table 3: 0x31 = V3.1 on STM32F40xxx/41xxx). */
__attribute__((section(".bootloader_id"), used)) const uint8_t bootloader_id = 0x31;

/** Faults taken since power-on (SRAM is not cleared by a system reset; f4emu powers on with zeros). */
__attribute__((section(".noinit"), used)) volatile uint32_t sysboot_faults;

void Fault_Handler(void)
{
  sysboot_faults++;
  dsb();
  SCB_AIRCR = AIRCR_SYSRESETREQ;
  dsb();
  for (;;) {
  }
}

/** Loads SP itself: an application jumping here may not have (PM0214 §2.1.3). */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
  __asm__ volatile("movw r0, #:lower16:_estack\n\t"
                   "movt r0, #:upper16:_estack\n\t"
                   "mov sp, r0\n\t"
                   "b start_bootloader");
}

/** Interrupts off and forgotten, SysTick stopped (PM0214 §4.3, §4.5). */
static void quiet_core(void)
{
  __asm__ volatile("cpsid i" ::: "memory");
  SCB_VTOR = (uint32_t)(uintptr_t)&sysboot_vectors;
  SYST_CSR = 0;
  for (uint32_t i = 0; i < NVIC_WORDS; i++) {
    NVIC_ICER(i) = 0xFFFFFFFFu;
    NVIC_ICPR(i) = 0xFFFFFFFFu;
  }
  dsb();
  isb();
}

/** SYSCLK = HSI, AHB and APB prescalers 1 (RCC_CFGR reset value; RM0090 §7.3.1, §7.3.3). */
static void run_from_hsi(void)
{
  RCC_CR |= RCC_CR_HSION;
  while ((RCC_CR & RCC_CR_HSIRDY) == 0) {
  }
  RCC_CFGR = 0;
  while ((RCC_CFGR & RCC_CFGR_SWS_MASK) != 0) {
  }
}

__attribute__((noreturn, used)) void start_bootloader(void)
{
  quiet_core();
  run_from_hsi();
  const uint32_t *src = &_sidata;
  for (uint32_t *dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t *dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  watchdog_start();
  main();
  for (;;) {
  }
}

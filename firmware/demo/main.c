/*
 * demo: prints the memory organization this program sees from inside the chip, then exits 0.
 *
 * Everything printed is a function of the ELF and of the chip model, never of time, so two runs
 * print the same bytes. Reads of words a model may lack (DBGMCU_IDCODE, F_SIZE) go through a
 * BusFault-guarded probe and print "bus fault" instead of dying.
 */
#include <stdint.h>
#include <stdio.h>
#include "crc32.h"
#include "probe.h"
#include "stm32f407-regs.h"

/* From the startup and stm32f407-sections.ld. */
extern const uint32_t g_pfnVectors[];
extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss, __image_end, end;
extern uint32_t __sram_start, __sram_size;
void Reset_Handler(void);

#define ADDR(symbol) ((unsigned long)(uintptr_t)&(symbol))

static const char *const vector_names[] = {"initial SP", "Reset", "NMI", "HardFault", "MemManage", "BusFault",
                                           "UsageFault"};

static void print_vector_table(void)
{
  printf("vector table     0x%08lx\n", (unsigned long)(uintptr_t)g_pfnVectors);
  for (unsigned i = 0; i < sizeof vector_names / sizeof vector_names[0]; i++)
    printf("  [%u] %-11s 0x%08lx\n", i, vector_names[i], (unsigned long)g_pfnVectors[i]);
  printf("  [15] SysTick    0x%08lx\n", (unsigned long)g_pfnVectors[15]);
  printf("  %u entries (16 system + %u IRQs)\n", 16u + F4_IRQ_COUNT, (unsigned)F4_IRQ_COUNT);
}

static void print_core(void)
{
  uint32_t cpuid = SCB_CPUID;
  printf("SCB_VTOR         0x%08lx\n", (unsigned long)SCB_VTOR);
  printf("Reset_Handler    0x%08lx\n", (unsigned long)(uintptr_t)Reset_Handler);
  printf("stack pointer    0x%08lx (in main; top of stack 0x%08lx)\n", (unsigned long)get_sp(), ADDR(_estack));
  printf("CPUID            0x%08lx (implementer 0x%02lx, part 0x%03lx, r%lup%lu)\n", (unsigned long)cpuid,
         (unsigned long)(cpuid >> 24), (unsigned long)((cpuid >> 4) & 0xFFFu), (unsigned long)((cpuid >> 20) & 0xFu),
         (unsigned long)(cpuid & 0xFu));
}

static void print_identification(void)
{
  uint32_t value;
  if (probe_read32(DBGMCU_IDCODE_ADDR, &value))
    printf("DBGMCU_IDCODE    0x%08lx (DEV_ID 0x%03lx, REV_ID 0x%04lx)\n", (unsigned long)value,
           (unsigned long)(value & 0xFFFu), (unsigned long)(value >> 16));
  else
    printf("DBGMCU_IDCODE    bus fault at 0x%08lx\n", (unsigned long)DBGMCU_IDCODE_ADDR);
  if (probe_read16(FLASH_SIZE_ADDR, &value))
    printf("F_SIZE           %lu KB (0x%04lx at 0x%08lx)\n", (unsigned long)value, (unsigned long)value,
           (unsigned long)FLASH_SIZE_ADDR);
  else
    printf("F_SIZE           bus fault at 0x%08lx\n", (unsigned long)FLASH_SIZE_ADDR);
}

static void print_image(void)
{
  uintptr_t start = (uintptr_t)g_pfnVectors;
  uintptr_t stop = (uintptr_t)&__image_end;
  uint32_t crc = crc32_update(0, (const uint8_t *)start, stop - start);
  printf("flash image      0x%08lx..0x%08lx, %lu bytes, CRC32 0x%08lx\n", (unsigned long)start, (unsigned long)stop - 1,
         (unsigned long)(stop - start), (unsigned long)crc);
  printf(".data            0x%08lx, %lu bytes, loaded from 0x%08lx\n", ADDR(_sdata), ADDR(_edata) - ADDR(_sdata),
         ADDR(_sidata));
  printf(".bss             0x%08lx, %lu bytes\n", ADDR(_sbss), ADDR(_ebss) - ADDR(_sbss));
  printf("heap             from 0x%08lx up to the stack\n", ADDR(end));
  printf("SRAM             0x%08lx, %lu KB\n", ADDR(__sram_start), ADDR(__sram_size) / 1024);
}

int main(void)
{
  printf("f4emu demo: the memory organization seen from inside\n");
  print_vector_table();
  print_core();
  print_identification();
  print_image();
  printf("done\n");
  return 0;
}

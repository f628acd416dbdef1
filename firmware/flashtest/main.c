/*
 * flashtest: the flash interface, OTP, option bytes, RDP/WRP and backup SRAM seen from firmware
 * (RM0090 §3 "Embedded flash memory interface", §3.9 registers; §5.1.2 backup SRAM).
 *
 * Runs on a factory-fresh chip (f4emu without a state file, or a new one). It uses sectors 10 and 11
 * and OTP block 15, far from its own code, and prints one line per check, then
 * "flashtest: N checks, M failed". The last part runs from SRAM: it sets read protection back from
 * level 1 to 0, which mass-erases the flash this program lives in, checks the erase and exits through
 * semihosting without touching flash again.
 *
 * Paths exercised: reset values; KEYR/OPTKEYR unlock; x8/x16/x32 programming (AND into flash); BSY
 * seen after a store; PGSERR, PGPERR, PGAERR; sector erase (a read during BSY waits for the end);
 * EOP and OPERR interrupts (EOPIE/ERRIE on IRQ 4); write protection through OPTCR (WRPERR on erase and
 * program, no reset needed); the option bytes in memory; OTP program and lock (WRPERR after);
 * ACR wait states and ICRST; backup SRAM after the RCC/PWR enable sequence; a wrong key is a BusFault
 * and locks FLASH_CR; RDP 0 → 1 → 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"
#include "fault.h"
#include "stm32f407-regs.h"

/* ---- FLASH interface (RM0090 §3.9): offsets from the generated base ---- */
#define FLASH_ACR REG32(F4_FLASH_BASE + 0x00u)
#define FLASH_KEYR REG32(F4_FLASH_BASE + 0x04u)
#define FLASH_OPTKEYR REG32(F4_FLASH_BASE + 0x08u)
#define FLASH_SR REG32(F4_FLASH_BASE + 0x0Cu)
#define FLASH_CR REG32(F4_FLASH_BASE + 0x10u)
#define FLASH_OPTCR REG32(F4_FLASH_BASE + 0x14u)
#define FLASH_OPTCR_BYTE1 REG8(F4_FLASH_BASE + 0x15u)

#define KEY1 0x45670123u
#define KEY2 0xCDEF89ABu
#define OPTKEY1 0x08192A3Bu
#define OPTKEY2 0x4C5D6E7Fu

#define SR_EOP (1u << 0)
#define SR_OPERR (1u << 1)
#define SR_WRPERR (1u << 4)
#define SR_PGAERR (1u << 5)
#define SR_PGPERR (1u << 6)
#define SR_PGSERR (1u << 7)
#define SR_ERRORS 0xF0u
#define SR_BSY (1u << 16)

#define CR_PG (1u << 0)
#define CR_SER (1u << 1)
#define CR_MER (1u << 2)
#define CR_SNB(n) ((uint32_t)(n) << 3)
#define CR_PSIZE_X8 (0u << 8)
#define CR_PSIZE_X16 (1u << 8)
#define CR_PSIZE_X32 (2u << 8)
#define CR_STRT (1u << 16)
#define CR_EOPIE (1u << 24)
#define CR_ERRIE (1u << 25)
#define CR_LOCK (1u << 31)

#define OPTCR_OPTLOCK (1u << 0)
#define OPTCR_OPTSTRT (1u << 1)
#define OPTCR_NWRP(n) (1u << (16 + (n)))

#define ACR_LATENCY_MASK 0x7u
#define ACR_ICEN (1u << 9)
#define ACR_ICRST (1u << 11)

/* ---- RCC / PWR for the backup SRAM (RM0090 §7.3.10, §7.3.13, §5.4.1) ---- */
#define RCC_AHB1ENR REG32(F4_RCC_BASE + 0x30u)
#define RCC_APB1ENR REG32(F4_RCC_BASE + 0x40u)
#define RCC_AHB1ENR_BKPSRAMEN (1u << 18)
#define RCC_APB1ENR_PWREN (1u << 28)
#define PWR_CR REG32(F4_PWR_BASE + 0x00u)
#define PWR_CR_DBP (1u << 8)

#define CFSR_IMPRECISERR (1u << 10)

/*
 * Functions that run from SRAM: an input section the linker script gathers into .data
 * (.gnu.linkonce.d.*) with its flags spelled out ("awx"); '@' (the ARM assembler's comment) hides
 * the flags GCC would append for code.
 */
#define RAM_FUNCTION __attribute__((section(".gnu.linkonce.d.ramfunc,\"awx\",%progbits @"), noinline, long_call))

#define OTP_BLOCK 15u
#define OTP_DATA(block) (F4_MEM_OTP_BASE + 32u * (block))
#define OTP_LOCK(block) (F4_MEM_OTP_LOCK_BASE + (block))

static void unlock(void)
{
  if (FLASH_CR & CR_LOCK) {
    FLASH_KEYR = KEY1;
    FLASH_KEYR = KEY2;
  }
}

static void unlock_options(void)
{
  if (FLASH_OPTCR & OPTCR_OPTLOCK) {
    FLASH_OPTKEYR = OPTKEY1;
    FLASH_OPTKEYR = OPTKEY2;
  }
}

static void wait_idle(void)
{
  while (FLASH_SR & SR_BSY) {
  }
}

/** SR with the error flags, then clears them. */
static uint32_t take_errors(void)
{
  uint32_t sr = FLASH_SR & (SR_ERRORS | SR_OPERR);
  FLASH_SR = SR_ERRORS | SR_OPERR | SR_EOP;
  return sr;
}

static uint32_t erase_sector(uint32_t sector)
{
  wait_idle();
  FLASH_CR = CR_SER | CR_SNB(sector) | CR_PSIZE_X32;
  FLASH_CR |= CR_STRT;
  wait_idle();
  FLASH_CR = 0;
  return take_errors();
}

static uint32_t program32(uint32_t address, uint32_t value)
{
  wait_idle();
  FLASH_CR = CR_PG | CR_PSIZE_X32;
  REG32(address) = value;
  wait_idle();
  FLASH_CR = 0;
  return take_errors();
}

static uint32_t program_options(uint32_t optcr)
{
  unlock_options();
  wait_idle();
  FLASH_OPTCR = optcr & ~(OPTCR_OPTLOCK | OPTCR_OPTSTRT);
  FLASH_OPTCR |= OPTCR_OPTSTRT;
  wait_idle();
  return take_errors();
}

static void registers_after_reset(void)
{
  check_u32("FLASH_ACR after reset", FLASH_ACR, 0u);
  check_u32("FLASH_SR after reset", FLASH_SR, 0u);
  check_u32("FLASH_CR after reset (LOCK)", FLASH_CR, CR_LOCK);
  check_u32("FLASH_OPTCR after reset (factory option bytes)", FLASH_OPTCR, 0x0FFFAAEDu);
}

/*
 * Code in flash cannot see BSY after a program store: its next instruction fetch from flash waits for
 * the end of the operation (RM0090 §3.6; with the caches off, as after reset). From SRAM it can.
 */
static RAM_FUNCTION uint32_t program_sampling_bsy(uint32_t address, uint32_t value)
{
  FLASH_CR = CR_PG | CR_PSIZE_X32;
  REG32(address) = value;
  uint32_t busy = FLASH_SR & SR_BSY;
  while (FLASH_SR & SR_BSY) {
  }
  FLASH_CR = 0;
  return busy;
}

static void programming(void)
{
  const uint32_t base = F4_FLASH_SECTOR11_BASE;
  unlock();
  check_u32("FLASH_CR unlocked by KEY1, KEY2", FLASH_CR & CR_LOCK, 0u);
  check_u32("erase sector 11", erase_sector(11), 0u);
  check_u32("sector 11 erased", REG32(base), 0xFFFFFFFFu);

  check_true("BSY seen right after a program store (from SRAM)", program_sampling_bsy(base, 0x12345678u) != 0);
  check_u32("word programmed", REG32(base), 0x12345678u);
  check_u32("program only clears bits", (program32(base, 0xFFFF00FFu), REG32(base)), 0x12340078u);

  FLASH_CR = CR_PG | CR_PSIZE_X8;
  REG8(base + 4u) = 0xA5u;
  wait_idle();
  FLASH_CR = CR_PG | CR_PSIZE_X16;
  REG16(base + 6u) = 0xBEEFu;
  wait_idle();
  FLASH_CR = 0;
  check_u32("x8 and x16 programs", REG32(base + 4u), 0xBEEFFFA5u);
  check_u32("no error flag", take_errors(), 0u);

  REG32(base + 8u) = 0;
  check_u32("store without PG: PGSERR", take_errors(), SR_PGSERR);
  FLASH_CR = CR_PG | CR_PSIZE_X32;
  REG8(base + 8u) = 0;
  FLASH_CR = 0;
  check_u32("byte store with PSIZE x32: PGPERR", take_errors(), SR_PGPERR);
  FLASH_CR = CR_PG | CR_PSIZE_X32;
  __asm__ volatile("str %0, [%1]" : : "r"(0u), "r"(base + 14u) : "memory"); /* crosses the row at +16 */
  FLASH_CR = 0;
  check_u32("word store across a 128-bit row: PGAERR", take_errors(), SR_PGAERR);
  check_u32("failed stores change nothing", REG32(base + 8u) & REG32(base + 12u) & REG32(base + 16u), 0xFFFFFFFFu);

  FLASH_CR = CR_SER | CR_SNB(11) | CR_PSIZE_X32;
  FLASH_CR |= CR_STRT;
  check_u32("a read during the erase waits for it", REG32(base), 0xFFFFFFFFu);
  check_u32("BSY clear after that read", FLASH_SR & SR_BSY, 0u);
  FLASH_CR = 0;
}

static volatile uint32_t flash_irqs, flash_irq_sr;

void FLASH_IRQHandler(void)
{
  flash_irqs++;
  flash_irq_sr = FLASH_SR;
  FLASH_SR = SR_EOP | SR_OPERR | SR_ERRORS;
}

static void interrupts(void)
{
  const uint32_t base = F4_FLASH_SECTOR11_BASE;
  nvic_enable(FLASH_IRQn);
  FLASH_CR = CR_PG | CR_PSIZE_X32 | CR_EOPIE;
  REG32(base + 32u) = 0x0u;
  wait_idle();
  dsb();
  isb();
  FLASH_CR = 0;
  check_u32("EOP interrupt taken once", flash_irqs, 1u);
  check_u32("SR in the EOP interrupt", flash_irq_sr, SR_EOP);

  FLASH_CR = CR_PG | CR_PSIZE_X32 | CR_ERRIE;
  REG8(base + 36u) = 0;
  dsb();
  isb();
  FLASH_CR = 0;
  check_u32("error interrupt taken", flash_irqs, 2u);
  check_u32("SR in the error interrupt (OPERR with ERRIE)", flash_irq_sr, SR_PGPERR | SR_OPERR);
}

static void write_protection(void)
{
  const uint32_t base = F4_FLASH_SECTOR10_BASE;
  check_u32("erase sector 10", erase_sector(10), 0u);
  check_u32("program sector 10", program32(base, 0x0000AAAAu), 0u);
  check_u32("protect sector 10 (nWRP10 = 0)", program_options(FLASH_OPTCR & ~OPTCR_NWRP(10)), 0u);
  check_u32("nWRP in OPTCR", (FLASH_OPTCR >> 16) & 0xFFFu, 0xBFFu);
  check_u32("nWRP in the option bytes at 0x1FFFC008", REG16(F4_MEM_OPTION_BYTES_BASE + 8u) & 0xFFFu, 0xBFFu);
  check_u32("complement of nWRP at 0x1FFFC00A", REG16(F4_MEM_OPTION_BYTES_BASE + 10u) & 0xFFFu, 0x400u);
  check_u32("erase of a protected sector: WRPERR", erase_sector(10), SR_WRPERR);
  check_u32("program of a protected sector: WRPERR", program32(base + 4u, 0u), SR_WRPERR);
  check_u32("protected sector unchanged", REG32(base) & REG32(base + 4u), 0x0000AAAAu);
  FLASH_CR = CR_MER | CR_PSIZE_X32;
  FLASH_CR |= CR_STRT;
  wait_idle();
  FLASH_CR = 0;
  check_u32("mass erase with a protected sector: WRPERR", take_errors(), SR_WRPERR);
  check_u32("unprotect sector 10", program_options(FLASH_OPTCR | OPTCR_NWRP(10)), 0u);
  check_u32("erase works again", erase_sector(10), 0u);
}

static void option_bytes_in_memory(void)
{
  uint32_t word = REG32(F4_MEM_OPTION_BYTES_BASE);
  check_u32("RDP byte at 0x1FFFC001 matches OPTCR", (word >> 8) & 0xFFu, (FLASH_OPTCR >> 8) & 0xFFu);
  check_u32("USER and RDP complements at 0x1FFFC002", word >> 16, ~word & 0xFFFFu);
}

static void otp(void)
{
  const uint32_t block = OTP_DATA(OTP_BLOCK);
  check_u32("OTP block 15 erased", REG32(block), 0xFFFFFFFFu);
  check_u32("program OTP", program32(block, 0xC0FFEE00u), 0u);
  check_u32("OTP programmed", REG32(block), 0xC0FFEE00u);
  FLASH_CR = CR_PG | CR_PSIZE_X8;
  REG8(OTP_LOCK(OTP_BLOCK)) = 0x00u;
  wait_idle();
  FLASH_CR = 0;
  check_u32("OTP lock byte 15", REG8(OTP_LOCK(OTP_BLOCK)), 0x00u);
  check_u32("program a locked OTP block: WRPERR", program32(block + 4u, 0u), SR_WRPERR);
  check_u32("locked OTP block unchanged", REG32(block + 4u), 0xFFFFFFFFu);
  check_u32("erase of sector 11 leaves OTP", (erase_sector(11), REG32(block)), 0xC0FFEE00u);
}

static void wait_states(void)
{
  FLASH_ACR = 5u | ACR_ICEN;
  check_u32("ACR.LATENCY stored", FLASH_ACR & ACR_LATENCY_MASK, 5u);
  FLASH_ACR = 5u | ACR_ICEN | ACR_ICRST;
  check_u32("ICRST ignored while ICEN", FLASH_ACR & ACR_ICRST, 0u);
  FLASH_ACR = 5u;
  FLASH_ACR = 5u | ACR_ICRST;
  check_u32("ICRST set with the cache off", FLASH_ACR & ACR_ICRST, ACR_ICRST);
  FLASH_ACR = 0u;
}

static void backup_sram(void)
{
  RCC_APB1ENR |= RCC_APB1ENR_PWREN;
  PWR_CR |= PWR_CR_DBP;
  (void)PWR_CR;
  RCC_AHB1ENR |= RCC_AHB1ENR_BKPSRAMEN;
  REG32(F4_MEM_BKPSRAM_BASE) = 0x600DF00Du;
  REG8(F4_MEM_BKPSRAM_BASE + F4_MEM_BKPSRAM_SIZE - 1u) = 0x5Au;
  check_u32("backup SRAM word", REG32(F4_MEM_BKPSRAM_BASE), 0x600DF00Du);
  check_u32("backup SRAM last byte", REG8(F4_MEM_BKPSRAM_BASE + F4_MEM_BKPSRAM_SIZE - 1u), 0x5Au);
}

static volatile uint32_t bus_faults, bus_fault_cfsr;

void bus_fault(ExceptionFrame *frame)
{
  (void)frame; /* imprecise: the store already retired, return to the next instruction */
  bus_faults++;
  bus_fault_cfsr = SCB_CFSR;
  SCB_CFSR = bus_fault_cfsr;
}
FRAME_HANDLER(BusFault_Handler, bus_fault)

static void wrong_key(void)
{
  FLASH_CR = CR_LOCK;
  SCB_SHCSR |= SHCSR_BUSFAULTENA;
  dsb();
  isb();
  FLASH_KEYR = KEY1;
  FLASH_KEYR = 0x11111111u;
  dsb();
  isb();
  check_u32("wrong key: one BusFault", bus_faults, 1u);
  check_true("wrong key: imprecise bus error", (bus_fault_cfsr & CFSR_IMPRECISERR) != 0);
  FLASH_KEYR = KEY1;
  dsb();
  isb();
  check_u32("keys after a wrong one fault again", bus_faults, 2u);
  check_u32("FLASH_CR stays locked until reset", FLASH_CR & CR_LOCK, CR_LOCK);
}

/*
 * RDP 1 → 0 mass-erases the flash holding this program: that part runs from SRAM (.data), talks
 * through semihosting with its own strings in SRAM, and exits without returning.
 */

static RAM_FUNCTION void ram_write0(const char *text)
{
  register uint32_t r0 __asm__("r0") = 0x04u; /* SYS_WRITE0 */
  register const char *r1 __asm__("r1") = text;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
}

static RAM_FUNCTION void ram_exit(uint32_t status)
{
  static uint32_t block[2] = {0x20026u, 0u}; /* ADP_Stopped_ApplicationExit, status */
  block[1] = status;
  register uint32_t r0 __asm__("r0") = 0x20u; /* SYS_EXIT_EXTENDED */
  register uint32_t *r1 __asm__("r1") = block;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  for (;;) {
  }
}

static char ok_erased[] = "ok   RDP 1 -> 0 erased the flash\n";
static char fail_erased[] = "FAIL RDP 1 -> 0 erased the flash\n";
static char ok_bkpsram[] = "ok   RDP 1 -> 0 erased the backup SRAM\n";
static char fail_bkpsram[] = "FAIL RDP 1 -> 0 erased the backup SRAM\n";
static char ok_level[] = "ok   RDP back at level 0\n";
static char fail_level[] = "FAIL RDP back at level 0\n";
static char done[] = "flashtest: RDP regression done\n";

static RAM_FUNCTION void regress_and_exit(uint32_t failures)
{
  __asm__ volatile("cpsid i" ::: "memory"); /* the vector table is about to be erased */
  FLASH_OPTCR_BYTE1 = 0xAAu;
  FLASH_OPTCR |= OPTCR_OPTSTRT;
  while (FLASH_SR & SR_BSY) {
  }
  uint32_t erased = REG32(F4_MEM_FLASH_BASE) == 0xFFFFFFFFu && REG32(F4_FLASH_SECTOR10_BASE) == 0xFFFFFFFFu;
  uint32_t bkpsram = REG32(F4_MEM_BKPSRAM_BASE) == 0u;
  uint32_t level = ((FLASH_OPTCR >> 8) & 0xFFu) == 0xAAu;
  ram_write0(erased ? ok_erased : fail_erased);
  ram_write0(bkpsram ? ok_bkpsram : fail_bkpsram);
  ram_write0(level ? ok_level : fail_level);
  ram_write0(done);
  ram_exit(failures + !erased + !bkpsram + !level != 0);
}

static uint32_t read_protection(void)
{
  check_u32("sector 10 programmed before RDP", program32(F4_FLASH_SECTOR10_BASE, 0x1234u), 0u);
  unlock_options();
  FLASH_OPTCR_BYTE1 = 0x55u;
  FLASH_OPTCR |= OPTCR_OPTSTRT;
  wait_idle();
  check_u32("RDP level 1 programmed", (FLASH_OPTCR >> 8) & 0xFFu, 0x55u);
  check_u32("booted from flash: flash still readable", REG32(F4_FLASH_SECTOR10_BASE), 0x1234u);
  check_u32("booted from flash: backup SRAM still readable", REG32(F4_MEM_BKPSRAM_BASE), 0x600DF00Du);
  return take_errors();
}

int main(void)
{
  registers_after_reset();
  programming();
  interrupts();
  write_protection();
  option_bytes_in_memory();
  otp();
  wait_states();
  backup_sram();
  check_u32("no stray error flags", read_protection(), 0u);
  wrong_key(); /* last: FLASH_CR stays locked until reset (OPTCR has its own lock) */
  int status = check_summary("flashtest");
  fflush(stdout);
  regress_and_exit((uint32_t)status);
  return status;
}

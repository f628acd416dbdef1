/*
 * The flash interface driver (RM0090 §3.6 "Erase and program operations", §3.7.2 "Option bytes",
 * §3.9 registers). Sequences as in RM0090 §3.6.3 and §3.6.4: wait for BSY = 0, unlock FLASH_CR with
 * KEY1/KEY2, set the operation with PSIZE = x8, start it, wait for BSY = 0, clear the error flags,
 * lock FLASH_CR again.
 */
#include "flash.h"

#include "regs.h"

static void wait_idle(void)
{
  while (FLASH_SR & FLASH_SR_BSY) {
  }
}

/** Unlocks FLASH_CR (the keys only while it is locked: a key to an unlocked register is an error). */
static void unlock(void)
{
  wait_idle();
  if (FLASH_CR & FLASH_CR_LOCK) {
    FLASH_KEYR = FLASH_KEY1;
    FLASH_KEYR = FLASH_KEY2;
  }
  FLASH_SR = FLASH_SR_ERRORS;
}

static void lock(void)
{
  FLASH_CR = FLASH_CR_PSIZE_X8;
  FLASH_SR = FLASH_SR_ERRORS;
  FLASH_CR = FLASH_CR_LOCK;
}

uint32_t flash_options(void)
{
  return FLASH_OPTCR & ~(FLASH_OPTCR_OPTLOCK | FLASH_OPTCR_OPTSTRT);
}

unsigned flash_rdp_level(void)
{
  uint32_t rdp = (FLASH_OPTCR >> FLASH_OPTCR_RDP_SHIFT) & 0xFFu;
  return rdp == RDP_LEVEL0 ? 0u : rdp == RDP_LEVEL2 ? 2u : 1u;
}

void flash_program(uint32_t address, const uint8_t *data, uint32_t length)
{
  unlock();
  FLASH_CR = FLASH_CR_PSIZE_X8 | FLASH_CR_PG;
  for (uint32_t i = 0; i < length; i++) {
    REG8(address + i) = data[i];
    wait_idle();
    if (FLASH_SR & FLASH_SR_ERRORS) break;
  }
  lock();
}

static void erase(uint32_t operation)
{
  FLASH_CR = FLASH_CR_PSIZE_X8 | operation;
  FLASH_CR = FLASH_CR_PSIZE_X8 | operation | FLASH_CR_STRT;
  wait_idle();
}

void flash_erase_sectors(uint32_t sectors)
{
  unlock();
  for (unsigned n = 0; sectors != 0; n++, sectors >>= 1) {
    if (sectors & 1u) erase(FLASH_CR_SER | FLASH_CR_SNB(n));
  }
  lock();
}

void flash_mass_erase(void)
{
  unlock();
  erase(FLASH_CR_MER);
  lock();
}

void flash_program_options(uint32_t optcr)
{
  /* PSIZE lives in FLASH_CR: x8, so that the user configuration sector is erased at x8 speed. */
  unlock();
  FLASH_CR = FLASH_CR_PSIZE_X8;
  if (FLASH_OPTCR & FLASH_OPTCR_OPTLOCK) {
    FLASH_OPTKEYR = FLASH_OPTKEY1;
    FLASH_OPTKEYR = FLASH_OPTKEY2;
  }
  optcr &= ~(FLASH_OPTCR_OPTLOCK | FLASH_OPTCR_OPTSTRT);
  FLASH_OPTCR = optcr;
  FLASH_OPTCR = optcr | FLASH_OPTCR_OPTSTRT;
  wait_idle();
  FLASH_OPTCR = optcr | FLASH_OPTCR_OPTLOCK;
  lock();
}

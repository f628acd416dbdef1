/* Flash interface driver of the sample bootloader (RM0090 §3.5 unlock, §3.6.3 erase, §3.6.4 program). */
#include "flash.h"
#include "stm32f4-mini.h"

static const uint32_t sector_start[F4_FLASH_SECTOR_COUNT + 1] = {
  F4_FLASH_SECTOR0_BASE, F4_FLASH_SECTOR1_BASE, F4_FLASH_SECTOR2_BASE,  F4_FLASH_SECTOR3_BASE,
  F4_FLASH_SECTOR4_BASE, F4_FLASH_SECTOR5_BASE, F4_FLASH_SECTOR6_BASE,  F4_FLASH_SECTOR7_BASE,
  F4_FLASH_SECTOR8_BASE, F4_FLASH_SECTOR9_BASE, F4_FLASH_SECTOR10_BASE, F4_FLASH_SECTOR11_BASE,
  F4_FLASH_SECTOR11_BASE + F4_FLASH_SECTOR11_SIZE,
};

int flash_sector_of(uint32_t address)
{
  for (int s = 0; s < F4_FLASH_SECTOR_COUNT; s++) {
    if (address >= sector_start[s] && address < sector_start[s + 1]) return s;
  }
  return -1;
}

uint32_t flash_sector_start(unsigned sector) { return sector_start[sector]; }

static void wait_not_busy(void)
{
  while (FLASH->SR & FLASH_SR_BSY) {
  }
}

/** KEY1 then KEY2 clears LOCK (RM0090 §3.5.1); a wrong sequence would lock FLASH_CR until reset. */
static void unlock(void)
{
  if (FLASH->CR & FLASH_CR_LOCK) {
    FLASH->KEYR = FLASH_KEY1;
    FLASH->KEYR = FLASH_KEY2;
  }
}

static void lock(void) { FLASH->CR |= FLASH_CR_LOCK; }

/** Waits for the end of the operation and returns (and clears) its error flags. */
static flash_status_t finish(void)
{
  wait_not_busy();
  flash_status_t errors = FLASH->SR & FLASH_SR_ERRORS;
  FLASH->SR = errors | FLASH_SR_EOP; /* write 1 to clear */
  return errors;
}

flash_status_t flash_erase_sector(unsigned sector)
{
  unlock();
  wait_not_busy();
  FLASH->SR = FLASH_SR_ERRORS | FLASH_SR_EOP; /* errors left over from an earlier operation */
  FLASH->CR = (FLASH->CR & ~(FLASH_CR_PSIZE_Msk | FLASH_CR_SNB_Msk)) | FLASH_CR_PSIZE_X32;
  FLASH->CR |= FLASH_CR_SER | (sector << FLASH_CR_SNB_Pos);
  FLASH->CR |= FLASH_CR_STRT;
  flash_status_t errors = finish();
  FLASH->CR &= ~(FLASH_CR_SER | FLASH_CR_SNB_Msk);
  lock();
  return errors;
}

flash_status_t flash_program_words(uint32_t address, const uint32_t *words, uint32_t count)
{
  flash_status_t errors = 0;
  unlock();
  wait_not_busy();
  FLASH->SR = FLASH_SR_ERRORS | FLASH_SR_EOP;
  FLASH->CR = (FLASH->CR & ~FLASH_CR_PSIZE_Msk) | FLASH_CR_PSIZE_X32;
  FLASH->CR |= FLASH_CR_PG;
  for (uint32_t i = 0; i < count && errors == 0; i++) {
    volatile uint32_t *target = (volatile uint32_t *)(address + 4u * i);
    *target = words[i];
    errors = finish();
    if (errors == 0 && *target != words[i]) errors = FLASH_STATUS_VERIFY;
  }
  FLASH->CR &= ~FLASH_CR_PG;
  lock();
  return errors;
}

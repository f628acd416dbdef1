/*
 * Erasing and programming main flash through the embedded flash interface (RM0090 §3.5-3.6), as
 * HAL's FLASH_Erase_Sector and FLASH_Program_Word do: unlock with the two keys, wait for BSY, x32
 * parallelism (2.7-3.6 V), check the error flags, lock again.
 */
#ifndef BOOT_FLASH_H
#define BOOT_FLASH_H

#include <stdint.h>

/** Result of a flash operation: 0, or the FLASH_SR error bits that were set. */
typedef uint32_t flash_status_t;

/** Sector number holding `address`, or -1 outside main flash (RM0090 §3.3 Table 5). */
int flash_sector_of(uint32_t address);
/** First address of sector `sector` (0-11). */
uint32_t flash_sector_start(unsigned sector);
/** Erases one sector (SER + SNB + STRT) and waits for it. */
flash_status_t flash_erase_sector(unsigned sector);
/** Programs `count` words at `address` (word-aligned) with x32 stores, checking each one. */
flash_status_t flash_program_words(uint32_t address, const uint32_t *words, uint32_t count);

/** A programmed word that did not read back as written (bits can only go from 1 to 0). */
#define FLASH_STATUS_VERIFY (1u << 31)

#endif

/*
 * Erasing and programming through the flash interface registers (RM0090 §3.6-3.7, §3.9), in byte
 * (x8) parallelism as ST's ROM does (AN2606: the bootloader sets the voltage range to 1.62-2.1 V).
 * Errors are the flash interface's business: write-protected sectors, RDP restrictions and locked
 * OTP blocks leave memory as it was, and the bootloader answers ACK all the same (AN3155 §3.6, §3.8).
 */
#ifndef SYSBOOT_FLASH_H
#define SYSBOOT_FLASH_H

#include <stdint.h>

/** Option bytes as FLASH_OPTCR holds them (RDP, nWRP, USER, BOR_LEV), without OPTLOCK/OPTSTRT. */
uint32_t flash_options(void);

/** RDP level in force: 0, 1 or 2 (FLASH_OPTCR byte 1, RM0090 §3.7.3). */
unsigned flash_rdp_level(void);

/** Programs bytes of main flash or OTP, one x8 access each; stops at the first error. */
void flash_program(uint32_t address, const uint8_t *data, uint32_t length);

/** Erases the sectors whose bit is set in `sectors` (SER + SNB + STRT each). */
void flash_erase_sectors(uint32_t sectors);

/** Erases all of main flash (MER + STRT). */
void flash_mass_erase(void);

/** Programs the option bytes from an OPTCR value (OPTSTRT); in force when this returns. */
void flash_program_options(uint32_t optcr);

#endif

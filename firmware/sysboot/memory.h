/*
 * What the host may read, write and jump to (AN3155 §3.4-3.6; AN2606 "STM32F40xxx/41xxx devices
 * bootloader": the V3.x bootloader keeps SRAM 0x2000_0000-0x2000_1FFF for itself and refuses it).
 */
#ifndef SYSBOOT_MEMORY_H
#define SYSBOOT_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  AREA_NONE,
  AREA_FLASH,   /* main flash: erase/program through the flash interface */
  AREA_RAM,     /* SRAM above the bootloader's own 8 KB */
  AREA_OTP,     /* OTP data and lock bytes: programmed like flash, never erased */
  AREA_OPTIONS, /* option bytes: written through FLASH_OPTCR, then a system reset */
  AREA_ROM,     /* system memory, unique ID, flash size: read only */
} AreaKind;

/** The area holding `address`, and (in *end, exclusive) where that area ends. */
AreaKind memory_area(uint32_t address, uint32_t *end);

/** Every byte of [address, address + length) can be read. */
bool memory_readable(uint32_t address, uint32_t length);

/** Every byte of [address, address + length) can be written (flash, RAM, OTP, option bytes). */
bool memory_writable(uint32_t address, uint32_t length);

/** Go may jump there: the vector pair at `address` lies in flash or in the host's RAM. */
bool memory_executable(uint32_t address);

/** Main flash size in bytes (F_SIZE, RM0090 §39.2) and the sectors it has. */
uint32_t memory_flash_size(void);
unsigned memory_sector_count(void);

/** Start of the SRAM the host may use (after the bootloader's own). */
uint32_t memory_host_ram(void);

#endif

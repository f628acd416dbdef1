/*
 * Reading an address that may not exist, without dying: a BusFault while probing is caught,
 * the load is skipped and the probe reports it. Defines BusFault_Handler.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdint.h>

/** 1 and *value = the word at address, or 0 when the read raised a BusFault. */
int probe_read32(uint32_t address, uint32_t *value);
/** 1 and *value = the halfword at address, or 0 when the read raised a BusFault. */
int probe_read16(uint32_t address, uint32_t *value);

#endif

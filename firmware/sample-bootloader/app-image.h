/*
 * The application image the sample bootloader starts: where it lives, the header the application
 * carries, and the CRC trailer the host tool (tools/update-app.ts) appends.
 *
 *   APP_START (flash sector 2, 0x0800_8000)
 *   +0x000  vector table: initial MSP, Reset_Handler, ... (16 + 82 = 98 words on the F407)
 *   +0x188  app_header_t, right after the vector table: magic "F4AP", header version, image length,
 *           application version
 *   ...     code, read-only data, .data initial values
 *   +length CRC trailer: one word, the CRC unit's result over the words [APP_START, APP_START+length)
 *
 * The application puts the header in the .isr_vector section, linked right after the startup's vector
 * table (firmware/sample-app/program.mk, app.ld checks the address), and lets the linker fill in
 * `length` (the image size rounded up to a word). The trailer is not in the ELF:
 * the host tool computes it, because only the final bytes can be checked. Without a valid trailer
 * (an image written by a debugger, an interrupted update, a flipped bit) the bootloader stays in its
 * command loop instead of jumping.
 *
 * The CRC is what the STM32 CRC unit computes when the words are written to CRC_DR in address order
 * after CRC_CR.RESET: CRC-32 polynomial 0x04C1_1DB7, initial value 0xFFFF_FFFF, each little-endian word
 * fed most significant bit first, no reflection, no final XOR (RM0090 §4.3).
 */
#ifndef APP_IMAGE_H
#define APP_IMAGE_H

#include <stdint.h>
#include "stm32f407-device.h"

/** First byte of the application: flash sector 2, after the bootloader's sectors 0 and 1. */
#define APP_START F4_FLASH_SECTOR2_BASE
/** First flash sector the application may occupy; sectors below belong to the bootloader. */
#define APP_FIRST_SECTOR 2u
/** End of main flash: the image and its trailer must end before it. */
#define APP_FLASH_END (F4_MEM_FLASH_BASE + F4_MEM_FLASH_SIZE)

/** Offset of app_header_t from APP_START: the word after the vector table (16 system + 82 IRQ words). */
#define APP_HEADER_OFFSET ((16u + F4_IRQ_COUNT) * 4u)
#define APP_HEADER_MAGIC 0x50413446u /* "F4AP" in memory order */
#define APP_HEADER_VERSION 1u

typedef struct {
  uint32_t magic;          /* APP_HEADER_MAGIC */
  uint32_t header_version; /* APP_HEADER_VERSION */
  uint32_t length;         /* bytes from APP_START to the CRC trailer; a multiple of 4 */
  uint32_t app_version;    /* the application's own version, 0xMMmmpppp (major, minor, patch) */
} app_header_t;

#endif

/* Is there an application the bootloader may start? (See app-image.h for the image layout.) */
#ifndef BOOT_APP_CHECK_H
#define BOOT_APP_CHECK_H

#include <stdint.h>

typedef enum {
  APP_VALID = 0,
  APP_ERASED,      /* the first word of the slot is 0xFFFF_FFFF: nothing was ever written */
  APP_BAD_HEADER,  /* no "F4AP" header after the vector table, or an unknown header version */
  APP_BAD_LENGTH,  /* the length is not a word multiple, or image + trailer do not fit in flash */
  APP_BAD_VECTORS, /* initial MSP not in SRAM, or Reset_Handler not a Thumb address inside the image */
  APP_BAD_CRC,     /* the trailer does not match the image: incomplete update or corrupted flash */
} app_status_t;

typedef struct {
  app_status_t status;
  uint32_t length;       /* from the header (0 if there is none) */
  uint32_t app_version;  /* from the header (0 if there is none) */
  uint32_t crc_computed; /* over [APP_START, APP_START + length), 0 if not computed */
  uint32_t crc_stored;   /* the trailer word, 0 if not read */
} app_check_t;

/** Checks the application slot; computes the CRC with the CRC unit (clock enabled, then stopped). */
app_check_t app_check(void);
/** One line of text for a status, e.g. "CRC mismatch". */
const char *app_status_text(app_status_t status);

#endif

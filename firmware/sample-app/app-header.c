/*
 * The header the sample bootloader looks for right after the vector table (app-image.h). It sits in
 * the .isr_vector section, after the startup's table because program.mk links the startup first;
 * app.ld checks the address and defines __app_length, the image size rounded up to a word.
 */
#include <stdint.h>
#include "app-image.h"
#include "app-version.h"

extern char __app_length[]; /* a linker-defined number, not an object: use its address */

__attribute__((section(".isr_vector"), used)) const app_header_t app_header = {
  .magic = APP_HEADER_MAGIC,
  .header_version = APP_HEADER_VERSION,
  .length = (uint32_t)(uintptr_t)__app_length,
  .app_version = APP_VERSION,
};

/*
 * Application validation: header, length, vector table, then the CRC trailer computed with the CRC
 * calculation unit (RM0090 §4): reset the unit, write every image word to CRC_DR, read the result.
 */
#include "app-check.h"
#include "app-image.h"
#include "stm32f4-mini.h"

#define SRAM_START F4_MEM_SRAM_BASE
#define SRAM_END (F4_MEM_SRAM_BASE + F4_MEM_SRAM_SIZE)

static uint32_t crc_unit(const uint32_t *words, uint32_t count)
{
  RCC->AHB1ENR |= RCC_AHB1ENR_CRCEN;
  (void)RCC->AHB1ENR;
  CRC->CR = CRC_CR_RESET;
  for (uint32_t i = 0; i < count; i++) CRC->DR = words[i];
  uint32_t crc = CRC->DR;
  RCC->AHB1RSTR |= RCC_AHB1RSTR_CRCRST;
  RCC->AHB1RSTR &= ~RCC_AHB1RSTR_CRCRST;
  RCC->AHB1ENR &= ~RCC_AHB1ENR_CRCEN;
  return crc;
}

/** The initial MSP may be the top of SRAM itself (the stack grows down from it). */
static int vectors_plausible(uint32_t length)
{
  const uint32_t *vectors = (const uint32_t *)APP_START;
  uint32_t sp = vectors[0], reset = vectors[1];
  if (sp <= SRAM_START || sp > SRAM_END || (sp & 3u) != 0) return 0;
  return (reset & 1u) != 0 && reset > APP_START && reset < APP_START + length;
}

app_check_t app_check(void)
{
  app_check_t r = { APP_VALID, 0, 0, 0, 0 };
  const app_header_t *h = (const app_header_t *)(APP_START + APP_HEADER_OFFSET);
  if (*(const uint32_t *)APP_START == 0xFFFFFFFFu) {
    r.status = APP_ERASED;
    return r;
  }
  if (h->magic != APP_HEADER_MAGIC || h->header_version != APP_HEADER_VERSION) {
    r.status = APP_BAD_HEADER;
    return r;
  }
  r.length = h->length;
  r.app_version = h->app_version;
  if ((r.length & 3u) != 0 || r.length < APP_HEADER_OFFSET + sizeof(app_header_t) ||
      r.length > APP_FLASH_END - APP_START - 4u) {
    r.status = APP_BAD_LENGTH;
    return r;
  }
  if (!vectors_plausible(r.length)) {
    r.status = APP_BAD_VECTORS;
    return r;
  }
  r.crc_computed = crc_unit((const uint32_t *)APP_START, r.length / 4u);
  r.crc_stored = *(const uint32_t *)(APP_START + r.length);
  if (r.crc_computed != r.crc_stored) r.status = APP_BAD_CRC;
  return r;
}

const char *app_status_text(app_status_t status)
{
  switch (status) {
  case APP_VALID: return "valid";
  case APP_ERASED: return "no application (slot erased)";
  case APP_BAD_HEADER: return "no application header";
  case APP_BAD_LENGTH: return "bad application length";
  case APP_BAD_VECTORS: return "bad application vector table";
  case APP_BAD_CRC: return "application CRC mismatch";
  }
  return "?";
}

/* The command loop: frame reception, CRC16, command dispatch, replies (protocol.h). */
#include "protocol.h"
#include "app-check.h"
#include "app-image.h"
#include "flash.h"
#include "jump.h"
#include "stm32f4-mini.h"
#include "uart.h"
#include "version.h"

/* Request payload, word-aligned so a WRITE's data (after its 4-byte address) can be programmed as words. */
static union {
  uint32_t words[PROTO_MAX_PAYLOAD / 4u];
  uint8_t bytes[PROTO_MAX_PAYLOAD];
} request;

/** CRC-16/CCITT-FALSE, one byte at a time. */
static uint16_t crc16_update(uint16_t crc, uint8_t byte)
{
  crc ^= (uint16_t)(byte << 8);
  for (int bit = 0; bit < 8; bit++) crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
  return crc;
}

static uint32_t get_u32(const uint8_t *p) { return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24); }
static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static void put_u32(uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- Replies ---------------------------------------------------------------------------------- */

static uint16_t send_tracked(uint16_t crc, uint8_t byte)
{
  uart_putc(byte);
  return crc16_update(crc, byte);
}

/** One reply frame: status, then `length` bytes of `data` (which may point into flash). */
static void reply(uint8_t command, uint8_t status, const uint8_t *data, uint32_t length)
{
  uint32_t payload = 1u + length;
  uint16_t crc = 0xFFFFu;
  uart_putc(PROTO_SOF);
  crc = send_tracked(crc, (uint8_t)(command | PROTO_REPLY));
  crc = send_tracked(crc, (uint8_t)payload);
  crc = send_tracked(crc, (uint8_t)(payload >> 8));
  crc = send_tracked(crc, status);
  for (uint32_t i = 0; i < length; i++) crc = send_tracked(crc, data[i]);
  uart_putc((uint8_t)crc);
  uart_putc((uint8_t)(crc >> 8));
}

static void reply_status(uint8_t command, uint8_t status) { reply(command, status, 0, 0); }

/* ---- Commands ---------------------------------------------------------------------------------- */

static void cmd_get_version(uint8_t command)
{
  uint8_t data[16] = { BOOT_VERSION_MAJOR, BOOT_VERSION_MINOR, PROTO_VERSION, 0,
                       (uint8_t)PROTO_MAX_DATA, (uint8_t)(PROTO_MAX_DATA >> 8) };
  put_u32(&data[6], APP_START);
  put_u32(&data[10], APP_FLASH_END);
  reply(command, STATUS_OK, data, 14);
}

static void cmd_get_id(uint8_t command)
{
  uint8_t data[4];
  put_u32(data, DBGMCU->IDCODE);
  reply(command, STATUS_OK, data, 4);
}

/** RDP byte from the live option register (RM0090 §3.9.9): 0xAA level 0, 0xCC level 2, else level 1. */
static void cmd_get_rdp(uint8_t command)
{
  uint8_t rdp = (uint8_t)((FLASH->OPTCR & FLASH_OPTCR_RDP_Msk) >> FLASH_OPTCR_RDP_Pos);
  uint8_t data[2] = { rdp, (uint8_t)(rdp == 0xAAu ? 0u : rdp == 0xCCu ? 2u : 1u) };
  reply(command, STATUS_OK, data, 2);
}

static void cmd_check_application(uint8_t command)
{
  app_check_t app = app_check();
  uint8_t data[17] = { (uint8_t)app.status };
  put_u32(&data[1], app.length);
  put_u32(&data[5], app.app_version);
  put_u32(&data[9], app.crc_computed);
  put_u32(&data[13], app.crc_stored);
  reply(command, STATUS_OK, data, sizeof data);
}

static void reply_flash_error(uint8_t command, flash_status_t errors)
{
  uint8_t data[4];
  put_u32(data, errors);
  reply(command, STATUS_FLASH_ERROR, data, 4);
}

static void cmd_erase(uint8_t command, uint32_t length)
{
  if (length != 2) return reply_status(command, STATUS_BAD_ARGUMENT);
  unsigned first = request.bytes[0], count = request.bytes[1];
  if (first < APP_FIRST_SECTOR || count == 0 || first + count > F4_FLASH_SECTOR_COUNT) {
    return reply_status(command, STATUS_BAD_ARGUMENT);
  }
  for (unsigned s = first; s < first + count; s++) {
    flash_status_t errors = flash_erase_sector(s);
    if (errors) return reply_flash_error(command, errors);
  }
  reply_status(command, STATUS_OK);
}

/** True if [address, address + length) lies inside [start, end). */
static int inside(uint32_t address, uint32_t length, uint32_t start, uint32_t end)
{
  return address >= start && address <= end && length <= end - address;
}

static void cmd_write(uint8_t command, uint32_t length)
{
  uint32_t address = get_u32(request.bytes);
  uint32_t bytes = length - 4u;
  if (length < 8u || (bytes & 3u) != 0 || (address & 3u) != 0 || !inside(address, bytes, APP_START, APP_FLASH_END)) {
    return reply_status(command, STATUS_BAD_ARGUMENT);
  }
  flash_status_t errors = flash_program_words(address, &request.words[1], bytes / 4u);
  if (errors) return reply_flash_error(command, errors);
  reply_status(command, STATUS_OK);
}

static void cmd_read(uint8_t command, uint32_t length)
{
  if (length != 6) return reply_status(command, STATUS_BAD_ARGUMENT);
  uint32_t address = get_u32(request.bytes);
  uint16_t count = get_u16(&request.bytes[4]);
  if (count == 0 || count > PROTO_MAX_DATA || !inside(address, count, F4_MEM_FLASH_BASE, APP_FLASH_END)) {
    return reply_status(command, STATUS_BAD_ARGUMENT);
  }
  reply(command, STATUS_OK, (const uint8_t *)address, count);
}

static void cmd_jump(uint8_t command)
{
  app_check_t app = app_check();
  if (app.status != APP_VALID) {
    uint8_t data[1] = { (uint8_t)app.status };
    return reply(command, STATUS_NO_APP, data, 1);
  }
  reply_status(command, STATUS_OK);
  uart_puts("f4boot: starting the application\r\n");
  jump_to_application();
}

static void cmd_reset(uint8_t command)
{
  reply_status(command, STATUS_OK);
  uart_flush();
  SCB_AIRCR = 0x05FA0004u; /* VECTKEY | SYSRESETREQ (PM0214 §4.4.5) */
  dsb();
  for (;;) {
  }
}

static void dispatch(uint8_t command, uint32_t length)
{
  switch (command) {
  case CMD_GET_VERSION: return cmd_get_version(command);
  case CMD_GET_ID: return cmd_get_id(command);
  case CMD_GET_RDP: return cmd_get_rdp(command);
  case CMD_CHECK_APP: return cmd_check_application(command);
  case CMD_ERASE: return cmd_erase(command, length);
  case CMD_WRITE: return cmd_write(command, length);
  case CMD_READ: return cmd_read(command, length);
  case CMD_JUMP: return cmd_jump(command);
  case CMD_RESET: return cmd_reset(command);
  default: return reply_status(command, STATUS_UNKNOWN);
  }
}

/* ---- Frames ------------------------------------------------------------------------------------ */

static uint8_t receive_tracked(uint16_t *crc)
{
  uint8_t byte = uart_getc();
  *crc = crc16_update(*crc, byte);
  return byte;
}

/** Receives one request after its start byte and answers it. */
static void serve_frame(void)
{
  uint16_t crc = 0xFFFFu;
  uint8_t command = receive_tracked(&crc);
  uint32_t length = receive_tracked(&crc);
  length |= (uint32_t)receive_tracked(&crc) << 8;
  if (length > PROTO_MAX_PAYLOAD) return reply_status(command, STATUS_BAD_ARGUMENT); /* resync on the next 0xA5 */
  for (uint32_t i = 0; i < length; i++) request.bytes[i] = receive_tracked(&crc);
  uint16_t sent = uart_getc();
  sent |= (uint16_t)(uart_getc() << 8);
  if (sent != crc) return reply_status(command, STATUS_BAD_CRC);
  dispatch(command, length);
}

void protocol_loop(void)
{
  for (;;) {
    if (uart_getc() == PROTO_SOF) serve_frame();
  }
}

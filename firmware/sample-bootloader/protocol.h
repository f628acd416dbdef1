/*
 * The sample bootloader's command protocol on USART2 (115200 8N1). Every message is a frame:
 *
 *   0xA5  CODE  LEN (2 bytes, little-endian)  PAYLOAD (LEN bytes)  CRC16 (2 bytes, little-endian)
 *
 * CRC16 is CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR) over
 * CODE, LEN and PAYLOAD. The host sends a request with CODE = the command; the bootloader answers
 * every request with one reply frame, CODE = command | 0x80, PAYLOAD = a status byte then the
 * command's data. Bytes before 0xA5 are skipped (the bootloader's text banner; line noise).
 * docs/bootloader-walkthrough.md has the table of commands; tools/update-app.ts is the host side.
 */
#ifndef BOOT_PROTOCOL_H
#define BOOT_PROTOCOL_H

#define PROTO_SOF 0xA5u
#define PROTO_REPLY 0x80u
#define PROTO_VERSION 1u
/** Most bytes a WRITE carries, and a READ returns. */
#define PROTO_MAX_DATA 1024u
/** Most payload bytes in a request: a WRITE's address and data. */
#define PROTO_MAX_PAYLOAD (4u + PROTO_MAX_DATA)

enum {
  CMD_GET_VERSION = 0x01, /* -> u8 major, u8 minor, u8 protocol, u8 0, u16 max data, u32 app start, u32 flash end */
  CMD_GET_ID = 0x02,      /* -> u32 DBGMCU_IDCODE */
  CMD_GET_RDP = 0x03,     /* -> u8 RDP byte of FLASH_OPTCR, u8 level (0, 1, 2) */
  CMD_CHECK_APP = 0x04,   /* -> u8 app status, u32 length, u32 app version, u32 CRC computed, u32 CRC stored */
  CMD_ERASE = 0x10,       /* u8 first sector, u8 count -> (nothing); sectors 0-1 are refused */
  CMD_WRITE = 0x11,       /* u32 address, data (4..1024 bytes, a multiple of 4) -> (nothing) */
  CMD_READ = 0x12,        /* u32 address, u16 length (1..1024) -> the bytes; main flash only */
  CMD_JUMP = 0x20,        /* -> (nothing), then the application starts; NO_APP + u8 app status if invalid */
  CMD_RESET = 0x21,       /* -> (nothing), then a system reset */
};

enum {
  STATUS_OK = 0x00,
  STATUS_BAD_CRC = 0x01,     /* the request's CRC16 did not match: send it again */
  STATUS_UNKNOWN = 0x02,     /* no such command */
  STATUS_BAD_ARGUMENT = 0x03,/* wrong length, alignment, or an address/sector outside the application */
  STATUS_FLASH_ERROR = 0x04, /* followed by u32 FLASH_SR error bits (bit 31: read-back mismatch) */
  STATUS_NO_APP = 0x05,      /* followed by u8 app status (app-check.h) */
};

/** Answers commands for ever (returns only through JUMP or RESET, which do not return). */
__attribute__((noreturn)) void protocol_loop(void);

#endif

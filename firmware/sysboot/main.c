/*
 * sysboot: f4emu's system-memory bootloader. It speaks ST's USART bootloader protocol v3.1 (AN3155)
 * as the STM32F40xxx/41xxx ROM bootloader V3.1 does (AN2606), and does everything through the chip's
 * own registers (USART, GPIO, RCC, FLASH, SCB), so the emulated peripherals, write protection, read
 * protection and flash timing apply to it exactly as to any firmware.
 *
 * Protocol (AN3155). After the 0x7F that picks the interface (link.c) every command is a code and its
 * complement; the answer is ACK 0x79 or NACK 0x1F. Commands: Get 00, Get Version 01, Get ID 02,
 * Read Memory 11, Go 21, Write Memory 31, Extended Erase 44, Write Protect 63, Write Unprotect 73,
 * Readout Protect 82, Readout Unprotect 92. Anything else (including the legacy Erase 43, which the
 * F40x bootloader does not have) is NACKed. A 0x7F after synchronisation is a command code like any
 * other: its complement is missing, so the next byte gets a NACK (stm32flash relies on this).
 *
 * Waiting. The bootloader waits for a command code and its complement for ever (a stray 0x7F waits
 * for the host's next byte however late it comes, as stm32flash's re-synchronisation needs). Once a
 * command is accepted, each further byte of it must come within the inactivity timeout (link.c, 2 s
 * of emulated time); otherwise the command is dropped unanswered and the bootloader waits for the
 * next one. Nothing is written before a frame is complete and its checksum good.
 *
 * Read protection (AN3155 Table 2 note 2; AN2606 §4.1, Tables 74/76):
 * - level 1: Get, Get Version, Get ID and Readout Unprotect only; Read Memory and Write Memory get
 *   two NACKs (V3.1's known behaviour), every other command one;
 * - level 2 (reachable only by a jump from an application, the boot pins are ignored): Get, Get
 *   Version and Get ID only.
 *
 * Details the application notes leave open, and what sysboot does:
 * - Addresses: a range must lie in readable (Read Memory) or writable (Write Memory) memory as a whole
 *   (memory.c); the first address is checked before the address ACK, the whole range once N is known.
 * - Write Memory: N + 1 must be a multiple of 4 (AN3155 §3.6), else NACK. Flash and OTP are
 *   programmed byte by byte; an error (write protection, locked OTP block) ends the programming and is
 *   not reported (AN3155: write-protected sectors are ACKed, nothing is written). A frame is written
 *   only once it arrived whole with a good checksum, so a host that vanishes mid-frame changes nothing.
 * - Writing the option bytes (any part of 0x1FFF_C000-0x1FFF_C00F) takes the bytes at their place in
 *   the 16-byte area (USER, RDP, nWRP; the complements are not checked), programs them through
 *   FLASH_OPTCR, ACKs and resets the chip (AN3155 §3.6).
 * - Extended Erase: 0xFFFF is a mass erase. 0xFFFE / 0xFFFD (bank 1 / bank 2 mass erase) came with the
 *   dual-bank parts' bootloaders; the single-bank F40x V3.1 bootloader predates them and sysboot NACKs
 *   them, like every other reserved 0xFFFx code (inferred: not checked on silicon). A sector number the
 *   chip does not have (F_SIZE decides: 12 or 8 sectors) NACKs the whole command, nothing erased.
 * - Write Protect: the listed sectors become the protected set (the others are unprotected); numbers
 *   beyond the chip's sectors are ignored, as AN3155 §3.9 says they are not checked.
 * - Readout Unprotect at level 0: the mass erase is done explicitly (at level 1 the flash interface
 *   does it when RDP goes back to 0xAA); then the host's RAM is zeroed (AN3155 §3.11).
 * - Go (AN3155 §3.5): USARTs, GPIOA-C and SysTick go back to their reset values, RCC_AHB1ENR is left 0
 *   (V3.1's documented limitation, AN2606), VTOR 0, then MSP = [address], PC = [address + 4].
 * - After Write Protect, Write Unprotect, Readout Protect, Readout Unprotect and an option-byte write
 *   the last ACK is sent out, then AIRCR.SYSRESETREQ resets the chip (the host must send 0x7F again).
 */
#include <stdbool.h>
#include <stdint.h>

#include "flash.h"
#include "link.h"
#include "memory.h"
#include "regs.h"

#define ACK 0x79u
#define NACK 0x1Fu
/** Protocol version reported by Get and Get Version (AN3155: v3.1). */
#define PROTOCOL_VERSION 0x31u

enum {
  CMD_GET = 0x00,
  CMD_GET_VERSION = 0x01,
  CMD_GET_ID = 0x02,
  CMD_READ_MEMORY = 0x11,
  CMD_GO = 0x21,
  CMD_WRITE_MEMORY = 0x31,
  CMD_EXTENDED_ERASE = 0x44,
  CMD_WRITE_PROTECT = 0x63,
  CMD_WRITE_UNPROTECT = 0x73,
  CMD_READOUT_PROTECT = 0x82,
  CMD_READOUT_UNPROTECT = 0x92,
};

static const uint8_t supported[] = {
  CMD_GET, CMD_GET_VERSION, CMD_GET_ID, CMD_READ_MEMORY, CMD_GO, CMD_WRITE_MEMORY,
  CMD_EXTENDED_ERASE, CMD_WRITE_PROTECT, CMD_WRITE_UNPROTECT, CMD_READOUT_PROTECT, CMD_READOUT_UNPROTECT,
};

/** Option byte offsets in the area at 0x1FFF_C000 (RM0090 §3.7.1 Table 16). */
#define OB_USER 0u
#define OB_RDP 1u
#define OB_NWRP_LOW 8u
#define OB_NWRP_HIGH 9u
#define NWRP_MASK 0xFFFu

/** Receives one frame byte into `var`, or ends the command silently when the host timed out. */
#define RECEIVE(var)                           \
  do {                                         \
    if (!link_get_timed(&(var))) return;       \
  } while (0)

static uint8_t frame[256];

__attribute__((noreturn)) static void system_reset(void)
{
  link_flush();
  dsb();
  SCB_AIRCR = AIRCR_SYSRESETREQ;
  dsb();
  for (;;) {
  }
}

/** Four address bytes, MSB first, and their XOR. A bad checksum is NACKed. False: the command ends. */
static bool receive_address(uint32_t *address)
{
  uint32_t value = 0;
  uint8_t sum = 0, byte;
  for (unsigned i = 0; i < 4u; i++) {
    if (!link_get_timed(&byte)) return false;
    value = (value << 8) | byte;
    sum ^= byte;
  }
  if (!link_get_timed(&byte)) return false;
  if (byte != sum) {
    link_put(NACK);
    return false;
  }
  *address = value;
  return true;
}

static void cmd_get(void)
{
  link_put(ACK);
  link_put(sizeof supported); /* N = bytes that follow - 1: the version and the codes */
  link_put(PROTOCOL_VERSION);
  for (unsigned i = 0; i < sizeof supported; i++) link_put(supported[i]);
  link_put(ACK);
}

static void cmd_get_version(void)
{
  link_put(ACK);
  link_put(PROTOCOL_VERSION);
  link_put(0x00); /* option byte 1 and 2: 0 for compatibility (AN3155 §3.2) */
  link_put(0x00);
  link_put(ACK);
}

/** The product ID is the chip's own DEV_ID (DBGMCU_IDCODE[11:0], RM0090 §38.6.1): 0x413. */
static void cmd_get_id(void)
{
  uint32_t pid = REG32(DBGMCU_IDCODE_ADDR) & 0xFFFu;
  link_put(ACK);
  link_put(1); /* N = 2 bytes - 1 */
  link_put((uint8_t)(pid >> 8));
  link_put((uint8_t)pid);
  link_put(ACK);
}

/** A check of where an address range lies (memory.h). */
typedef bool (*AddressCheck)(uint32_t address, uint32_t length);

/**
 * The start of Read Memory, Go and Write Memory: ACK the command, receive the address, ACK it when
 * `check` accepts its first byte, NACK it otherwise. False: the command ends here.
 */
static bool receive_checked_address(uint32_t *address, AddressCheck check)
{
  link_put(ACK);
  if (!receive_address(address)) return false;
  if (!check(*address, 1)) {
    link_put(NACK);
    return false;
  }
  link_put(ACK);
  return true;
}

static void cmd_read_memory(void)
{
  uint32_t address;
  uint8_t n, complement;
  if (!receive_checked_address(&address, memory_readable)) return;
  RECEIVE(n);
  RECEIVE(complement);
  if ((uint8_t)(n ^ complement) != 0xFFu || !memory_readable(address, n + 1u)) {
    link_put(NACK);
    return;
  }
  link_put(ACK);
  for (uint32_t i = 0; i <= n; i++) link_put(REG8(address + i));
}

__attribute__((noreturn)) static void go(uint32_t address)
{
  uint32_t sp = REG32(address);
  uint32_t pc = REG32(address + 4u);
  link_release();
  RCC_AHB1ENR = 0; /* what V3.1 leaves behind (AN2606 "known limitations") */
  SCB_VTOR = 0;
  dsb();
  isb();
  __asm__ volatile("msr msp, %0\n\t"
                   "cpsie i\n\t"
                   "bx %1" ::"r"(sp),
                   "r"(pc)
                   : "memory");
  __builtin_unreachable();
}

static bool go_target(uint32_t address, uint32_t length)
{
  (void)length;
  return memory_executable(address);
}

static void cmd_go(void)
{
  uint32_t address;
  if (!receive_checked_address(&address, go_target)) return;
  go(address);
}

/** The option bytes with `data` written over them at `address`, programmed through FLASH_OPTCR. */
static void write_option_bytes(uint32_t address, const uint8_t *data, uint32_t length)
{
  uint8_t ob[F4_MEM_OPTION_BYTES_SIZE];
  for (uint32_t i = 0; i < sizeof ob; i++) ob[i] = REG8(F4_MEM_OPTION_BYTES_BASE + i);
  for (uint32_t i = 0; i < length; i++) ob[address - F4_MEM_OPTION_BYTES_BASE + i] = data[i];
  uint32_t nwrp = (ob[OB_NWRP_LOW] | ((uint32_t)ob[OB_NWRP_HIGH] << 8)) & NWRP_MASK;
  flash_program_options((nwrp << FLASH_OPTCR_NWRP_SHIFT) | ((uint32_t)ob[OB_RDP] << FLASH_OPTCR_RDP_SHIFT) |
                        (ob[OB_USER] & FLASH_OPTCR_USER_MASK));
}

/** Writes a checked range area by area. Returns true when it reached the option bytes (a reset follows). */
static bool write_memory(uint32_t address, const uint8_t *data, uint32_t length)
{
  bool options = false;
  while (length > 0) {
    uint32_t end;
    AreaKind kind = memory_area(address, &end);
    uint32_t chunk = end - address < length ? end - address : length;
    switch (kind) {
      case AREA_RAM:
        for (uint32_t i = 0; i < chunk; i++) REG8(address + i) = data[i];
        break;
      case AREA_FLASH:
      case AREA_OTP:
        flash_program(address, data, chunk);
        break;
      case AREA_OPTIONS:
        write_option_bytes(address, data, chunk);
        options = true;
        break;
      default:
        break;
    }
    address += chunk;
    data += chunk;
    length -= chunk;
  }
  return options;
}

static void cmd_write_memory(void)
{
  uint32_t address;
  uint8_t n, checksum;
  if (!receive_checked_address(&address, memory_writable)) return;
  RECEIVE(n);
  uint8_t sum = n;
  for (uint32_t i = 0; i <= n; i++) {
    RECEIVE(frame[i]);
    sum ^= frame[i];
  }
  RECEIVE(checksum);
  uint32_t length = n + 1u;
  if (checksum != sum || length % 4u != 0 || !memory_writable(address, length)) {
    link_put(NACK);
    return;
  }
  bool reset = write_memory(address, frame, length);
  link_put(ACK);
  if (reset) system_reset();
}

static void cmd_extended_erase(void)
{
  uint8_t high, low, checksum;
  link_put(ACK);
  RECEIVE(high);
  RECEIVE(low);
  uint32_t n = ((uint32_t)high << 8) | low;
  uint8_t sum = high ^ low;
  if ((n & 0xFFF0u) == 0xFFF0u) {
    /* Special erase: only 0xFFFF (mass erase) on this single-bank chip (see the header). */
    RECEIVE(checksum);
    if (checksum != sum || n != 0xFFFFu) {
      link_put(NACK);
      return;
    }
    flash_mass_erase();
    link_put(ACK);
    return;
  }
  unsigned count = memory_sector_count();
  uint32_t sectors = 0;
  bool valid = true;
  for (uint32_t i = 0; i <= n; i++) {
    RECEIVE(high);
    RECEIVE(low);
    sum ^= high ^ low;
    uint32_t sector = ((uint32_t)high << 8) | low;
    if (sector < count) sectors |= 1u << sector;
    else valid = false;
  }
  RECEIVE(checksum);
  if (checksum != sum || !valid) {
    link_put(NACK);
    return;
  }
  flash_erase_sectors(sectors);
  link_put(ACK);
}

/** Programs a new nWRP (bit i = 1: sector i writable), ACKs, resets. */
__attribute__((noreturn)) static void set_write_protection(uint32_t nwrp)
{
  uint32_t optcr = flash_options() & ~(NWRP_MASK << FLASH_OPTCR_NWRP_SHIFT);
  flash_program_options(optcr | ((nwrp & NWRP_MASK) << FLASH_OPTCR_NWRP_SHIFT));
  link_put(ACK);
  system_reset();
}

/** Programs a new RDP byte, ACKs, resets. */
__attribute__((noreturn)) static void set_read_protection(uint8_t rdp)
{
  uint32_t optcr = flash_options() & ~(0xFFu << FLASH_OPTCR_RDP_SHIFT);
  flash_program_options(optcr | ((uint32_t)rdp << FLASH_OPTCR_RDP_SHIFT));
  link_put(ACK);
  system_reset();
}

static void cmd_write_protect(void)
{
  uint8_t n, sector, checksum;
  link_put(ACK);
  RECEIVE(n);
  uint8_t sum = n;
  uint32_t protect = 0;
  for (uint32_t i = 0; i <= n; i++) {
    RECEIVE(sector);
    sum ^= sector;
    if (sector < memory_sector_count()) protect |= 1u << sector;
  }
  RECEIVE(checksum);
  if (checksum != sum) {
    link_put(NACK);
    return;
  }
  set_write_protection(~protect);
}

static void cmd_write_unprotect(void)
{
  link_put(ACK);
  set_write_protection(NWRP_MASK);
}

static void cmd_readout_protect(void)
{
  link_put(ACK);
  set_read_protection(RDP_LEVEL1);
}

static void cmd_readout_unprotect(void)
{
  link_put(ACK);
  if (flash_rdp_level() == 0) flash_mass_erase();
  uint32_t optcr = flash_options() & ~(0xFFu << FLASH_OPTCR_RDP_SHIFT);
  flash_program_options(optcr | (RDP_LEVEL0 << FLASH_OPTCR_RDP_SHIFT));
  uint32_t ram = memory_host_ram();
  for (uint32_t a = ram; a < F4_MEM_SRAM_BASE + F4_MEM_SRAM_SIZE; a += 4u) REG32(a) = 0;
  link_put(ACK);
  system_reset();
}

/** Whether the read protection level lets a command through. */
static bool allowed(uint8_t code, unsigned level)
{
  if (code == CMD_GET || code == CMD_GET_VERSION || code == CMD_GET_ID) return true;
  if (level == 0) return true;
  return level == 1 && code == CMD_READOUT_UNPROTECT;
}

/** One command whose code and complement arrived; the inactivity timeout runs meanwhile. */
static void command(uint8_t code)
{
  if (!allowed(code, flash_rdp_level())) {
    link_put(NACK);
    if (code == CMD_READ_MEMORY || code == CMD_WRITE_MEMORY) link_put(NACK);
    return;
  }
  switch (code) {
    case CMD_GET: cmd_get(); break;
    case CMD_GET_VERSION: cmd_get_version(); break;
    case CMD_GET_ID: cmd_get_id(); break;
    case CMD_READ_MEMORY: cmd_read_memory(); break;
    case CMD_GO: cmd_go(); break;
    case CMD_WRITE_MEMORY: cmd_write_memory(); break;
    case CMD_EXTENDED_ERASE: cmd_extended_erase(); break;
    case CMD_WRITE_PROTECT: cmd_write_protect(); break;
    case CMD_WRITE_UNPROTECT: cmd_write_unprotect(); break;
    case CMD_READOUT_PROTECT: cmd_readout_protect(); break;
    case CMD_READOUT_UNPROTECT: cmd_readout_unprotect(); break;
    default: link_put(NACK); break;
  }
}

int main(void)
{
  link_connect();
  link_put(ACK);
  for (;;) {
    uint8_t code = link_get();
    uint8_t complement = link_get();
    if ((uint8_t)(code ^ complement) != 0xFFu) {
      link_put(NACK);
      continue;
    }
    link_timeout_start();
    command(code);
    link_timeout_stop();
  }
}

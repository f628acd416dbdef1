/*
 * The memory map as the host sees it through the bootloader. Everything comes from the generated
 * stm32f407-device.h; the flash size is the chip's own F_SIZE word, so the 512 KB STM32F407xE gets
 * 8 sectors and the 1 MB parts 12. Peripherals, CCM, backup SRAM and the bootloader's own RAM are
 * out of reach: an address there is NACKed (AN3155 "the address is not valid").
 */
#include "memory.h"

#include "regs.h"

typedef struct {
  uint32_t start;
  uint32_t size;
  AreaKind kind;
} Area;

/** Start of the host's RAM: the end of the bootloader's (sysboot.ld). */
extern uint32_t __host_ram_start;

static const Area fixed_areas[] = {
  { F4_MEM_SYSTEM_BASE, F4_MEM_SYSTEM_SIZE, AREA_ROM },
  { F4_MEM_OTP_BASE, F4_MEM_OTP_SIZE, AREA_OTP },
  { F4_MEM_OTP_LOCK_BASE, F4_MEM_OTP_LOCK_SIZE, AREA_OTP },
  { F4_MEM_UID_BASE, F4_MEM_UID_SIZE, AREA_ROM },
  { F4_MEM_FLASH_SIZE_BASE, F4_MEM_FLASH_SIZE_SIZE, AREA_ROM },
  { F4_MEM_OPTION_BYTES_BASE, F4_MEM_OPTION_BYTES_SIZE, AREA_OPTIONS },
};

static const uint32_t sector_base[F4_FLASH_SECTOR_COUNT] = {
  F4_FLASH_SECTOR0_BASE, F4_FLASH_SECTOR1_BASE, F4_FLASH_SECTOR2_BASE,  F4_FLASH_SECTOR3_BASE,
  F4_FLASH_SECTOR4_BASE, F4_FLASH_SECTOR5_BASE, F4_FLASH_SECTOR6_BASE,  F4_FLASH_SECTOR7_BASE,
  F4_FLASH_SECTOR8_BASE, F4_FLASH_SECTOR9_BASE, F4_FLASH_SECTOR10_BASE, F4_FLASH_SECTOR11_BASE,
};

uint32_t memory_flash_size(void)
{
  return (uint32_t)REG16(F4_MEM_FLASH_SIZE_BASE) * 1024u;
}

unsigned memory_sector_count(void)
{
  uint32_t end = F4_MEM_FLASH_BASE + memory_flash_size();
  unsigned n = 0;
  while (n < F4_FLASH_SECTOR_COUNT && sector_base[n] < end) n++;
  return n;
}

uint32_t memory_host_ram(void)
{
  return (uint32_t)(uintptr_t)&__host_ram_start;
}

static bool inside(uint32_t address, uint32_t start, uint32_t size)
{
  return address - start < size;
}

AreaKind memory_area(uint32_t address, uint32_t *end)
{
  uint32_t flash_size = memory_flash_size();
  uint32_t ram = memory_host_ram();
  uint32_t ram_size = F4_MEM_SRAM_BASE + F4_MEM_SRAM_SIZE - ram;
  if (inside(address, F4_MEM_FLASH_BASE, flash_size)) {
    *end = F4_MEM_FLASH_BASE + flash_size;
    return AREA_FLASH;
  }
  if (inside(address, ram, ram_size)) {
    *end = ram + ram_size;
    return AREA_RAM;
  }
  for (unsigned i = 0; i < sizeof fixed_areas / sizeof fixed_areas[0]; i++) {
    const Area *a = &fixed_areas[i];
    if (inside(address, a->start, a->size)) {
      *end = a->start + a->size;
      return a->kind;
    }
  }
  return AREA_NONE;
}

/** Walks [address, address + length) area by area: every byte readable (and writable when `writing`). */
static bool covered(uint32_t address, uint32_t length, bool writing)
{
  while (length > 0) {
    uint32_t end;
    AreaKind kind = memory_area(address, &end);
    if (kind == AREA_NONE || (writing && kind == AREA_ROM)) return false;
    uint32_t chunk = end - address;
    if (chunk >= length) return true;
    address = end;
    length -= chunk;
  }
  return true;
}

bool memory_readable(uint32_t address, uint32_t length)
{
  return covered(address, length, false);
}

bool memory_writable(uint32_t address, uint32_t length)
{
  return covered(address, length, true);
}

bool memory_executable(uint32_t address)
{
  uint32_t end;
  AreaKind kind = memory_area(address, &end);
  return (kind == AREA_FLASH || kind == AREA_RAM) && memory_readable(address, 8);
}

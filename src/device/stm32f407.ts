/**
 * THE memory organization of the STM32F405/407/415/417 (RM0090, DS8626, PM0214), as plain data.
 *
 * Every other part of f4emu (the bus, `f4emu map`, the GDB memory map, the state file, the web view)
 * is a function of this file. No other file may write down the address or size of a region, a flash
 * sector, a peripheral block or an IRQ number: import it from here.
 */

export type RegionKind =
  | 'alias' // the boot alias at 0x0000_0000 (BOOT pins / SYSCFG_MEMRMP)
  | 'flash' // main flash: read by plain loads, changed only through the flash interface
  | 'ram' // SRAM1/SRAM2/CCM: plain loads and stores
  | 'rom' // system memory (bootloader) and the read-only signature words
  | 'otp' // one-time-programmable bytes: program once through the flash interface
  | 'option-bytes' // user option bytes: changed only through FLASH_OPTCR
  | 'bitband' // word-per-bit alias of another region
  | 'peripheral' // memory-mapped registers
  | 'backup-ram' // battery-backed SRAM behind RCC/PWR gates
  | 'external' // FSMC banks (not populated on the Discovery board)
  | 'ppb'; // Cortex-M4 private peripheral bus

export interface Region {
  /** Stable identifier used on the CLI, in JSON and in GDB's memory map. */
  readonly name: string;
  readonly start: number;
  readonly size: number;
  readonly kind: RegionKind;
  /** Contents are lost at power-off (false: kept in the non-volatile store / by VBAT). */
  readonly volatile: boolean;
  /** The core may fetch instructions from it (PM0214 default memory map; XN regions are false). */
  readonly executable: boolean;
  /** Plain CPU stores change it (false for flash, ROM, OTP and option bytes). */
  readonly writable: boolean;
  /** For bit-band regions: the start of the region whose bits they alias. */
  readonly bitbandOf?: number;
  /** What it is for, in the reference manual's words. */
  readonly description: string;
  /** Section of the manual the facts come from. */
  readonly source: string;
}

/**
 * Memory types of the ARMv7-M default memory map (ARM ARM B3.1 Table B3-1, PM0214 §2.2.1 Table 13).
 * They decide the XN attribute the core applies with the MPU off, and for privileged accesses that hit
 * no MPU region when MPU_CTRL.PRIVDEFENA is set.
 */
export type MemoryType = 'normal' | 'device' | 'strongly-ordered';

/** One range of the Cortex-M4's default memory map: what the architecture says about an address, whatever the chip puts there. */
export interface AddressSpaceRange {
  readonly name: string;
  readonly start: number;
  readonly size: number;
  readonly memoryType: MemoryType;
  /** Execute-never in the default map: an instruction fetch is a MemManage fault (MMFSR.IACCVIOL). */
  readonly executeNever: boolean;
  /** Execute-never even where an MPU region says otherwise (the System space, ARM ARM B3.5.2 ValidateAddress). */
  readonly alwaysExecuteNever: boolean;
  /** The MPU never applies: accesses always use the default map (the PPB, ARM ARM B3.5.1). */
  readonly mpuExempt: boolean;
  readonly source: string;
}

export interface FlashSector {
  readonly index: number;
  readonly start: number;
  readonly size: number;
}

export interface PeripheralBlock {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly bus: 'APB1' | 'APB2' | 'AHB1' | 'AHB2' | 'AHB3' | 'PPB';
}

export type BootMode = 'flash' | 'system' | 'sram';

/** SYSCFG_MEMRMP.MEM_MODE values (RM0090 §9.2.1). */
export const MEM_MODE: Readonly<Record<BootMode | 'fsmc', number>> = { flash: 0, system: 1, fsmc: 2, sram: 3 };

/** RM0090 §2.4 Table 2: which memory BOOT1/BOOT0 put at 0x0000_0000. */
export function bootModeFromPins(boot0: 0 | 1, boot1: 0 | 1): BootMode {
  if (boot0 === 0) return 'flash';
  return boot1 === 0 ? 'system' : 'sram';
}

const KB = 1024;
const MB = 1024 * KB;

// ---- Region addresses (RM0090 Table 3 / §2.3, PM0214 §2.2) -------------------------------------------------
const ALIAS_BASE = 0x0000_0000;
const FLASH_BASE = 0x0800_0000;
const CCM_BASE = 0x1000_0000;
const SYSTEM_BASE = 0x1fff_0000;
const OTP_BASE = 0x1fff_7800;
const OTP_LOCK_BASE = 0x1fff_7a00;
const UID_BASE = 0x1fff_7a10;
const FLASH_SIZE_WORD = 0x1fff_7a22;
const OPTION_BYTES_BASE = 0x1fff_c000;
const SRAM1_BASE = 0x2000_0000;
const SRAM1_SIZE = 112 * KB;
const SRAM2_BASE = SRAM1_BASE + SRAM1_SIZE;
const SRAM2_SIZE = 16 * KB;
const SRAM_BITBAND_BASE = 0x2200_0000;
const PERIPH_BASE = 0x4000_0000;
const BKPSRAM_BASE = 0x4002_4000;
const PERIPH_BITBAND_BASE = 0x4200_0000;
const AHB2_BASE = 0x5000_0000;
const FSMC_BANKS_BASE = 0x6000_0000;
const FSMC_REGS_BASE = 0xa000_0000;
const PPB_BASE = 0xe000_0000;

/** OTP geometry (RM0090 §3.8). */
export const OTP_BLOCKS = 16;
export const OTP_BLOCK_SIZE = 32;

/** Flash sector sizes of the 1 MB part in order (RM0090 §3.3 Table 5). */
const SECTOR_SIZES_1MB = [16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128].map((k) => k * KB);

function sectorsFor(flashSize: number): FlashSector[] {
  const sectors: FlashSector[] = [];
  let start = FLASH_BASE;
  for (let index = 0; start < FLASH_BASE + flashSize; index++) {
    const size = SECTOR_SIZES_1MB[index];
    sectors.push({ index, start, size });
    start += size;
  }
  return sectors;
}

function regionsFor(flashSize: number): Region[] {
  return [
    { name: 'alias', start: ALIAS_BASE, size: 1 * MB, kind: 'alias', volatile: false, executable: true, writable: false,
      description: 'Boot alias: main flash, system memory or SRAM1 as chosen by BOOT0/BOOT1 and SYSCFG_MEMRMP', source: 'RM0090 §2.4' },
    { name: 'flash', start: FLASH_BASE, size: flashSize, kind: 'flash', volatile: false, executable: true, writable: false,
      description: `Main flash memory, ${flashSize / KB} KB in sectors; erased and programmed only through the flash interface`, source: 'RM0090 §3.3' },
    { name: 'ccm', start: CCM_BASE, size: 64 * KB, kind: 'ram', volatile: true, executable: false, writable: true,
      description: 'Core-coupled data RAM (D-bus only: no instruction fetch, no DMA)', source: 'RM0090 §2.3.1' },
    { name: 'system', start: SYSTEM_BASE, size: 30 * KB, kind: 'rom', volatile: false, executable: true, writable: false,
      description: 'System memory: the factory USART bootloader (AN2606, AN3155)', source: 'RM0090 §3.3 Table 5' },
    { name: 'otp', start: OTP_BASE, size: OTP_BLOCKS * OTP_BLOCK_SIZE, kind: 'otp', volatile: false, executable: false, writable: false,
      description: 'One-time-programmable area: 16 blocks of 32 bytes', source: 'RM0090 §3.8' },
    { name: 'otp-lock', start: OTP_LOCK_BASE, size: OTP_BLOCKS, kind: 'otp', volatile: false, executable: false, writable: false,
      description: 'OTP lock bytes: 0x00 in byte i locks OTP block i for ever', source: 'RM0090 §3.8' },
    { name: 'uid', start: UID_BASE, size: 12, kind: 'rom', volatile: false, executable: false, writable: false,
      description: '96-bit unique device ID', source: 'RM0090 §39.1' },
    { name: 'flash-size', start: FLASH_SIZE_WORD, size: 2, kind: 'rom', volatile: false, executable: false, writable: false,
      description: 'F_SIZE: flash size in KB', source: 'RM0090 §39.2' },
    { name: 'option-bytes', start: OPTION_BYTES_BASE, size: 16, kind: 'option-bytes', volatile: false, executable: false, writable: false,
      description: 'User option bytes: RDP, nWRP, BOR level, USER bits; changed through FLASH_OPTCR', source: 'RM0090 §3.7.1' },
    { name: 'sram1', start: SRAM1_BASE, size: SRAM1_SIZE, kind: 'ram', volatile: true, executable: true, writable: true,
      description: 'SRAM1, on all AHB masters; can be aliased at 0x0000_0000', source: 'RM0090 §2.3.1' },
    { name: 'sram2', start: SRAM2_BASE, size: SRAM2_SIZE, kind: 'ram', volatile: true, executable: true, writable: true,
      description: 'SRAM2, contiguous with SRAM1', source: 'RM0090 §2.3.1' },
    { name: 'sram-bitband', start: SRAM_BITBAND_BASE, size: (SRAM1_SIZE + SRAM2_SIZE) * 32, kind: 'bitband', volatile: true, executable: false, writable: true,
      bitbandOf: SRAM1_BASE, description: 'Bit-band alias of SRAM1 and SRAM2: one word per bit', source: 'PM0214 §2.2.5' },
    { name: 'periph', start: PERIPH_BASE, size: 0x8_0000, kind: 'peripheral', volatile: true, executable: false, writable: true,
      description: 'APB1, APB2 and AHB1 peripheral registers', source: 'RM0090 §2.3 Table 1' },
    { name: 'bkpsram', start: BKPSRAM_BASE, size: 4 * KB, kind: 'backup-ram', volatile: false, executable: false, writable: true,
      description: 'Backup SRAM: needs BKPSRAMEN and PWR_CR.DBP; kept by VBAT', source: 'RM0090 §5.1.2' },
    { name: 'periph-bitband', start: PERIPH_BITBAND_BASE, size: 0x10_0000 * 32, kind: 'bitband', volatile: true, executable: false, writable: true,
      bitbandOf: PERIPH_BASE, description: 'Bit-band alias of 0x4000_0000-0x400F_FFFF (peripherals, backup SRAM)', source: 'PM0214 §2.2.5' },
    { name: 'periph-ahb2', start: AHB2_BASE, size: 0x6_0c00, kind: 'peripheral', volatile: true, executable: false, writable: true,
      description: 'AHB2 peripherals: USB OTG FS, DCMI, CRYP, HASH, RNG', source: 'RM0090 §2.3 Table 1' },
    { name: 'fsmc-banks', start: FSMC_BANKS_BASE, size: 0x4000_0000, kind: 'external', volatile: true, executable: true, writable: true,
      description: 'FSMC external memory banks (nothing fitted: bus error)', source: 'RM0090 §36' },
    { name: 'fsmc-regs', start: FSMC_REGS_BASE, size: 0x1000, kind: 'peripheral', volatile: true, executable: false, writable: true,
      description: 'FSMC control registers', source: 'RM0090 §2.3 Table 1' },
    { name: 'ppb', start: PPB_BASE, size: 1 * MB, kind: 'ppb', volatile: true, executable: false, writable: true,
      description: 'Cortex-M4 private peripheral bus: ITM, DWT, FPB, SCS (NVIC, SCB, SysTick, MPU, FPU), TPIU, DBGMCU', source: 'PM0214 §2.2' },
  ];
}

// ---- The Cortex-M4's default memory map (ARM ARM B3.1 Table B3-1, PM0214 §2.2.1 Table 13) ---------------------
const CODE_SPACE = 0x0000_0000;
const SRAM_SPACE = 0x2000_0000;
const PERIPHERAL_SPACE = 0x4000_0000;
const RAM_SPACE = 0x6000_0000;
const DEVICE_SPACE = 0xa000_0000;
const SYSTEM_SPACE = PPB_BASE; // the PPB opens the System space
const PPB_SIZE = 1 * MB;
const VENDOR_SYSTEM_SPACE = SYSTEM_SPACE + PPB_SIZE;
const SPACE_END = 0x1_0000_0000;

function space(name: string, start: number, end: number, memoryType: MemoryType, executeNever: boolean, extra: Partial<AddressSpaceRange> = {}): AddressSpaceRange {
  return { name, start, size: end - start, memoryType, executeNever, alwaysExecuteNever: false, mpuExempt: false, source: 'ARM ARM B3.1 Table B3-1; PM0214 §2.2.1 Table 13', ...extra };
}

/** The default memory map of every ARMv7-M core, in address order, covering the 4 GB. */
const DEFAULT_MEMORY_MAP: readonly AddressSpaceRange[] = [
  space('code', CODE_SPACE, SRAM_SPACE, 'normal', false),
  space('sram', SRAM_SPACE, PERIPHERAL_SPACE, 'normal', false),
  space('peripheral', PERIPHERAL_SPACE, RAM_SPACE, 'device', true),
  space('external-ram', RAM_SPACE, DEVICE_SPACE, 'normal', false),
  space('external-device', DEVICE_SPACE, SYSTEM_SPACE, 'device', true),
  space('ppb', SYSTEM_SPACE, VENDOR_SYSTEM_SPACE, 'strongly-ordered', true, { alwaysExecuteNever: true, mpuExempt: true }),
  space('vendor-system', VENDOR_SYSTEM_SPACE, SPACE_END, 'device', true, { alwaysExecuteNever: true }),
];

/** Every peripheral block of the F407 (CMSIS stm32f407xx.h; RM0090 §2.3 Table 1). Sizes are the block's address span. */
const PERIPHERALS: readonly PeripheralBlock[] = [
  ...[2, 3, 4, 5, 6, 7, 12, 13, 14].map((n, i) => ({ name: `TIM${n}`, base: PERIPH_BASE + i * 0x400, size: 0x400, bus: 'APB1' as const })),
  { name: 'RTC', base: 0x4000_2800, size: 0x400, bus: 'APB1' },
  { name: 'WWDG', base: 0x4000_2c00, size: 0x400, bus: 'APB1' },
  { name: 'IWDG', base: 0x4000_3000, size: 0x400, bus: 'APB1' },
  { name: 'I2S2ext', base: 0x4000_3400, size: 0x400, bus: 'APB1' },
  { name: 'SPI2', base: 0x4000_3800, size: 0x400, bus: 'APB1' },
  { name: 'SPI3', base: 0x4000_3c00, size: 0x400, bus: 'APB1' },
  { name: 'I2S3ext', base: 0x4000_4000, size: 0x400, bus: 'APB1' },
  { name: 'USART2', base: 0x4000_4400, size: 0x400, bus: 'APB1' },
  { name: 'USART3', base: 0x4000_4800, size: 0x400, bus: 'APB1' },
  { name: 'UART4', base: 0x4000_4c00, size: 0x400, bus: 'APB1' },
  { name: 'UART5', base: 0x4000_5000, size: 0x400, bus: 'APB1' },
  { name: 'I2C1', base: 0x4000_5400, size: 0x400, bus: 'APB1' },
  { name: 'I2C2', base: 0x4000_5800, size: 0x400, bus: 'APB1' },
  { name: 'I2C3', base: 0x4000_5c00, size: 0x400, bus: 'APB1' },
  { name: 'CAN1', base: 0x4000_6400, size: 0x400, bus: 'APB1' },
  { name: 'CAN2', base: 0x4000_6800, size: 0x400, bus: 'APB1' },
  { name: 'PWR', base: 0x4000_7000, size: 0x400, bus: 'APB1' },
  { name: 'DAC', base: 0x4000_7400, size: 0x400, bus: 'APB1' },
  { name: 'TIM1', base: 0x4001_0000, size: 0x400, bus: 'APB2' },
  { name: 'TIM8', base: 0x4001_0400, size: 0x400, bus: 'APB2' },
  { name: 'USART1', base: 0x4001_1000, size: 0x400, bus: 'APB2' },
  { name: 'USART6', base: 0x4001_1400, size: 0x400, bus: 'APB2' },
  { name: 'ADC', base: 0x4001_2000, size: 0x400, bus: 'APB2' },
  { name: 'SDIO', base: 0x4001_2c00, size: 0x400, bus: 'APB2' },
  { name: 'SPI1', base: 0x4001_3000, size: 0x400, bus: 'APB2' },
  { name: 'SYSCFG', base: 0x4001_3800, size: 0x400, bus: 'APB2' },
  { name: 'EXTI', base: 0x4001_3c00, size: 0x400, bus: 'APB2' },
  { name: 'TIM9', base: 0x4001_4000, size: 0x400, bus: 'APB2' },
  { name: 'TIM10', base: 0x4001_4400, size: 0x400, bus: 'APB2' },
  { name: 'TIM11', base: 0x4001_4800, size: 0x400, bus: 'APB2' },
  ...'ABCDEFGHI'.split('').map((l, i) => ({ name: `GPIO${l}`, base: 0x4002_0000 + i * 0x400, size: 0x400, bus: 'AHB1' as const })),
  { name: 'CRC', base: 0x4002_3000, size: 0x400, bus: 'AHB1' },
  { name: 'RCC', base: 0x4002_3800, size: 0x400, bus: 'AHB1' },
  { name: 'FLASH', base: 0x4002_3c00, size: 0x400, bus: 'AHB1' },
  { name: 'BKPSRAM', base: BKPSRAM_BASE, size: 4 * KB, bus: 'AHB1' },
  { name: 'DMA1', base: 0x4002_6000, size: 0x400, bus: 'AHB1' },
  { name: 'DMA2', base: 0x4002_6400, size: 0x400, bus: 'AHB1' },
  { name: 'ETH', base: 0x4002_8000, size: 0x1400, bus: 'AHB1' },
  { name: 'USB_OTG_HS', base: 0x4004_0000, size: 0x4_0000, bus: 'AHB1' },
  { name: 'USB_OTG_FS', base: AHB2_BASE, size: 0x4_0000, bus: 'AHB2' },
  { name: 'DCMI', base: 0x5005_0000, size: 0x400, bus: 'AHB2' },
  { name: 'CRYP', base: 0x5006_0000, size: 0x400, bus: 'AHB2' },
  { name: 'HASH', base: 0x5006_0400, size: 0x400, bus: 'AHB2' },
  { name: 'RNG', base: 0x5006_0800, size: 0x400, bus: 'AHB2' },
  { name: 'FSMC', base: FSMC_REGS_BASE, size: 0x1000, bus: 'AHB3' },
  { name: 'DBGMCU', base: 0xe004_2000, size: 0x10, bus: 'PPB' },
];

/** Cortex-M4 core blocks on the PPB (CMSIS core_cm4.h). */
export const CORE_BLOCKS = {
  ITM: 0xe000_0000,
  DWT: 0xe000_1000,
  FPB: 0xe000_2000,
  SCS: 0xe000_e000,
  SysTick: 0xe000_e010,
  NVIC: 0xe000_e100,
  SCB: 0xe000_ed00,
  MPU: 0xe000_ed90,
  CoreDebug: 0xe000_edf0,
  STIR: 0xe000_ef00,
  FPU: 0xe000_ef30,
  TPIU: 0xe004_0000,
  ETM: 0xe004_1000,
  ROMTable: 0xe00f_f000,
} as const;

/** ITM, DWT, FPB, the SCS, TPIU, ETM and the ROM table each span one 4 KB block of the PPB (ARMv7-M ARM B3.1 Table B3-1). */
export const CORE_BLOCK_SIZE = 0x1000;

/** The 82 STM32F407 interrupt lines, by CMSIS IRQn (RM0090 §12.2 Table 61). */
export const IRQ_NAMES: readonly string[] = [
  'WWDG', 'PVD', 'TAMP_STAMP', 'RTC_WKUP', 'FLASH', 'RCC', 'EXTI0', 'EXTI1', 'EXTI2', 'EXTI3', 'EXTI4',
  'DMA1_Stream0', 'DMA1_Stream1', 'DMA1_Stream2', 'DMA1_Stream3', 'DMA1_Stream4', 'DMA1_Stream5', 'DMA1_Stream6',
  'ADC', 'CAN1_TX', 'CAN1_RX0', 'CAN1_RX1', 'CAN1_SCE', 'EXTI9_5', 'TIM1_BRK_TIM9', 'TIM1_UP_TIM10',
  'TIM1_TRG_COM_TIM11', 'TIM1_CC', 'TIM2', 'TIM3', 'TIM4', 'I2C1_EV', 'I2C1_ER', 'I2C2_EV', 'I2C2_ER', 'SPI1',
  'SPI2', 'USART1', 'USART2', 'USART3', 'EXTI15_10', 'RTC_Alarm', 'OTG_FS_WKUP', 'TIM8_BRK_TIM12',
  'TIM8_UP_TIM13', 'TIM8_TRG_COM_TIM14', 'TIM8_CC', 'DMA1_Stream7', 'FSMC', 'SDIO', 'TIM5', 'SPI3', 'UART4',
  'UART5', 'TIM6_DAC', 'TIM7', 'DMA2_Stream0', 'DMA2_Stream1', 'DMA2_Stream2', 'DMA2_Stream3', 'DMA2_Stream4',
  'ETH', 'ETH_WKUP', 'CAN2_TX', 'CAN2_RX0', 'CAN2_RX1', 'CAN2_SCE', 'OTG_FS', 'DMA2_Stream5', 'DMA2_Stream6',
  'DMA2_Stream7', 'USART6', 'I2C3_EV', 'I2C3_ER', 'OTG_HS_EP1_OUT', 'OTG_HS_EP1_IN', 'OTG_HS_WKUP', 'OTG_HS',
  'DCMI', 'CRYP', 'HASH_RNG', 'FPU',
];

/** IRQ number by name, e.g. IRQ.USART2 === 38. */
export const IRQ: Readonly<Record<string, number>> = Object.fromEntries(IRQ_NAMES.map((n, i) => [n, i]));

export interface DeviceDescription {
  /** Part name as printed by `map` (e.g. STM32F407VG). */
  readonly name: string;
  /** CLI identifier (`--device`). */
  readonly id: string;
  readonly regions: readonly Region[];
  /** The core's default memory map (memory types, XN, where the MPU never applies): the same on every part. */
  readonly addressSpace: readonly AddressSpaceRange[];
  readonly flashSectors: readonly FlashSector[];
  readonly peripherals: readonly PeripheralBlock[];
  readonly irqCount: number;
  /** NVIC priority bits implemented (CMSIS __NVIC_PRIO_BITS). */
  readonly nvicPriorityBits: number;
  /** Cortex-M4 r0p1 (RM0090 §38.6.3). */
  readonly cpuid: number;
  /** DBGMCU_IDCODE: REV_ID 0x1007 (rev 2), DEV_ID 0x413 (RM0090 §38.6.1). */
  readonly idcode: number;
  readonly devId: number;
  /** Row size for flash programming checks: a program access may not cross a 128-bit row (RM0090 §3.6.4). */
  readonly flashRowBytes: number;
  /** Default 96-bit unique ID (three little-endian words). Configurable per machine. */
  readonly defaultUid: readonly [number, number, number];
  /** Factory value of FLASH_OPTCR / the option bytes (RM0090 §3.9.9). */
  readonly factoryOptcr: number;
  /** Core clock after reset: HSI 16 MHz (RM0090 §6.2.2). */
  readonly resetClockHz: number;
  /** Has the hardware crypto (CRYP/HASH) — F415/F417. Affects nothing in the memory map. */
  readonly crypto: boolean;
}

function device(id: string, name: string, flashSize: number, crypto: boolean): DeviceDescription {
  return {
    name,
    id,
    regions: regionsFor(flashSize),
    addressSpace: DEFAULT_MEMORY_MAP,
    flashSectors: sectorsFor(flashSize),
    peripherals: crypto ? PERIPHERALS : PERIPHERALS.filter((p) => p.name !== 'CRYP' && p.name !== 'HASH'),
    irqCount: IRQ_NAMES.length,
    nvicPriorityBits: 4,
    cpuid: 0x410f_c241,
    idcode: 0x1007_6413,
    devId: 0x413,
    flashRowBytes: 16,
    defaultUid: [0x0030_0021, 0x3234_5117, 0x3837_3938],
    factoryOptcr: 0x0fff_aaed,
    resetClockHz: 16_000_000,
    crypto,
  };
}

/** The supported parts: all share the F40x/41x die (DEV_ID 0x413). */
export const DEVICES: Readonly<Record<string, DeviceDescription>> = {
  stm32f407: device('stm32f407', 'STM32F407VG', 1 * MB, false),
  stm32f407ve: device('stm32f407ve', 'STM32F407VE', 512 * KB, false),
  stm32f405: device('stm32f405', 'STM32F405RG', 1 * MB, false),
  stm32f415: device('stm32f415', 'STM32F415RG', 1 * MB, true),
  stm32f417: device('stm32f417', 'STM32F417VG', 1 * MB, true),
};

export const DEFAULT_DEVICE = DEVICES.stm32f407;

/** Looks up a region by name; throws if the description has no such region (a programming error). */
export function region(dev: DeviceDescription, name: string): Region {
  const r = dev.regions.find((x) => x.name === name);
  if (!r) throw new Error(`device ${dev.id} has no region ${name}`);
  return r;
}

/** Looks up a peripheral block by name. */
export function peripheral(dev: DeviceDescription, name: string): PeripheralBlock {
  const p = dev.peripherals.find((x) => x.name === name);
  if (!p) throw new Error(`device ${dev.id} has no peripheral ${name}`);
  return p;
}

/** Last byte's address of a region/sector/block. */
export function endOf(r: { start: number; size: number } | { base: number; size: number }): number {
  return ('start' in r ? r.start : r.base) + r.size - 1;
}

/** The most specific region containing an address (a region nested in another wins), or undefined. */
export function regionAt(dev: DeviceDescription, address: number): Region | undefined {
  let best: Region | undefined;
  for (const r of dev.regions) {
    if (address >= r.start && address - r.start < r.size && (!best || r.size < best.size)) best = r;
  }
  return best;
}

/** Sector containing an address in main flash, or undefined. */
export function sectorAt(dev: DeviceDescription, address: number): FlashSector | undefined {
  return dev.flashSectors.find((s) => address >= s.start && address - s.start < s.size);
}

/** The range of the default memory map (ARM ARM B3.1) that holds an address; every address has one. */
export function addressSpaceAt(dev: DeviceDescription, address: number): AddressSpaceRange {
  const a = address >>> 0;
  for (const r of dev.addressSpace) if (a >= r.start && a - r.start < r.size) return r;
  throw new Error(`device ${dev.id}: no default-map range holds 0x${a.toString(16)}`);
}

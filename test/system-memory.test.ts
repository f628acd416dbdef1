/**
 * src/system-memory.ts: every Machine's system memory holds the bootloader (sysboot), readable like
 * ROM and unchangeable; the boot pins select it unless read protection level 2 forbids it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createMachine } from '../src/boards/index.js';
import { DEVICES, region } from '../src/device/stm32f407.js';
import { CR, FLASH_KEY1, FLASH_KEY2, FLASH_REG, SR, flashInterfaceOf } from '../src/flash/interface.js';
import { FlashProgrammer } from '../src/flash/programmer.js';
import { loadImageFile } from '../src/loaders/load-file.js';
import { Machine } from '../src/machine.js';
import { BOOTLOADER_ID, BOOTLOADER_ID_OFFSET, BOOTLOADER_RAM_BYTES, systemMemoryImage } from '../src/system-memory.js';
import { SYSBOOT_ELF_PATH, SYSBOOT_MODULE_PATH, sysbootModule } from '../tools/gen-sysboot-image.js';

const machine = new Machine();
const SYSTEM = region(machine.device, 'system');
const SRAM = region(machine.device, 'sram1').start;

test('every new Machine has a vector table at 0x1FFF_0000: SP at the top of the bootloader RAM, a Thumb reset vector into system memory', () => {
  const bus = new Machine().bus;
  assert.equal(bus.read32(SYSTEM.start) >>> 0, SRAM + BOOTLOADER_RAM_BYTES);
  const reset = bus.read32(SYSTEM.start + 4) >>> 0;
  assert.equal(reset & 1, 1);
  assert.ok(reset - SYSTEM.start < SYSTEM.size, `0x${reset.toString(16)}`);
});

test('the bootloader ID byte 0x31 (V3.1) sits at 0x1FFF_77DE', () => {
  assert.equal(BOOTLOADER_ID, 0x31);
  assert.equal(machine.bus.read8(SYSTEM.start + BOOTLOADER_ID_OFFSET), 0x31);
});

test('system memory holds exactly the embedded image, for every device variant', () => {
  for (const id of ['stm32f407', 'stm32f407ve', 'stm32f417']) {
    const m = createMachine({ board: 'none', device: DEVICES[id] });
    assert.deepEqual(m.bus.view('system'), systemMemoryImage(m.device));
  }
  const elf = loadImageFile(SYSBOOT_ELF_PATH);
  for (const s of elf.segments) {
    assert.deepEqual(machine.bus.view('system').subarray(s.address - SYSTEM.start, s.address - SYSTEM.start + s.data.length), s.data);
  }
});

test('src/generated/sysboot-image.ts is current with firmware/build/sysboot.elf', () => {
  assert.equal(readFileSync(SYSBOOT_MODULE_PATH, 'utf8'), sysbootModule(loadImageFile(SYSBOOT_ELF_PATH)));
});

test('stores to system memory change nothing: plain stores and flash programming (WRPERR) alike', () => {
  const m = createMachine({ board: 'none' });
  const before = m.bus.read32(SYSTEM.start + 0x100);
  m.bus.write32(SYSTEM.start + 0x100, 0x1234_5678);
  m.bus.write8(SYSTEM.start + BOOTLOADER_ID_OFFSET, 0);
  const flash = m.device.peripherals.find((p) => p.name === 'FLASH')!.base;
  m.bus.write32(flash + FLASH_REG.KEYR, FLASH_KEY1);
  m.bus.write32(flash + FLASH_REG.KEYR, FLASH_KEY2);
  m.bus.write32(flash + FLASH_REG.CR, CR.PG);
  m.bus.write8(SYSTEM.start + 0x100, 0);
  assert.ok(m.bus.read32(flash + FLASH_REG.SR) & SR.WRPERR);
  assert.equal(m.bus.read32(SYSTEM.start + 0x100), before);
  assert.equal(m.bus.read8(SYSTEM.start + BOOTLOADER_ID_OFFSET), BOOTLOADER_ID);
});

test('BOOT0 = 1, BOOT1 = 0 puts system memory at address 0: the core starts in the bootloader', () => {
  const m = createMachine({ board: 'none', boot0: 1 });
  m.reset('power-on');
  assert.equal(m.bus.read32(0), m.bus.read32(SYSTEM.start));
  assert.equal(m.cpu.getMsp() >>> 0, SRAM + BOOTLOADER_RAM_BYTES);
  assert.equal(m.cpu.npc >>> 0, (m.bus.read32(SYSTEM.start + 4) >>> 0) & ~1);
});

test('at read protection level 2 the boot pins are ignored: BOOT0 = 1 boots from main flash', () => {
  const m = createMachine({ board: 'none', boot0: 1 });
  m.reset('power-on');
  const vectors = new Uint8Array(8);
  new DataView(vectors.buffer).setUint32(0, SRAM + 0x1000, true);
  new DataView(vectors.buffer).setUint32(4, 0x0800_0101, true);
  const programmer = new FlashProgrammer(m, { asDebugger: false });
  programmer.program(region(m.device, 'flash').start, vectors);
  programmer.programOptionBytes({ ...programmer.optionBytes, rdp: 0xcc });
  m.reset('system');
  assert.equal(flashInterfaceOf(m).rdpLevel, 2);
  assert.equal(m.bus.boot, 'flash');
  const rcc = m.device.peripherals.find((p) => p.name === 'RCC')!.base;
  const syscfg = m.device.peripherals.find((p) => p.name === 'SYSCFG')!.base;
  m.bus.write32(rcc + 0x44, 1 << 14); // RCC_APB2ENR.SYSCFGEN
  assert.equal(m.bus.read32(syscfg) & 3, 0, 'SYSCFG_MEMRMP.MEM_MODE says main flash too');
  assert.equal(m.cpu.getMsp() >>> 0, SRAM + 0x1000);
  assert.equal(m.cpu.npc >>> 0, 0x0800_0100);
  m.reset('power-on');
  assert.equal(m.bus.boot, 'flash', 'and after a power cycle too');
});

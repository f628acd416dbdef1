/**
 * sysboot, the system-memory bootloader (firmware/sysboot), command by command on a complete emulated
 * chip: USART bytes in, USART bytes out (AN3155 v3.1; AN2606 for the STM32F40xxx/41xxx V3.1
 * bootloader), with the flash interface, option bytes and resets all real.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_DEVICE, DEVICES, region } from '../../src/device/stm32f407.js';
import { OPTCR } from '../../src/flash/option-bytes.js';
import { loadImageFile } from '../../src/loaders/load-file.js';
import { createMachine } from '../../src/boards/index.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { USART_REG, usartOf } from '../../src/peripherals/usart.js';
import { BOOTLOADER_ID, BOOTLOADER_ID_OFFSET, BOOTLOADER_RAM_BYTES } from '../../src/system-memory.js';
import { ACK, An3155Client, CMD, NACK, NackError, addressFrame, commandFrame, dataFrame, eraseFrame } from '../e2e/an3155-client.js';
import { SysbootHarness, harnessLink } from './harness.js';

const BUILD = join(import.meta.dirname, '../../firmware/build');
const HELLO_BIN = readFileSync(join(BUILD, 'sysboot-apps-hello.bin'));
const DEV = DEFAULT_DEVICE;
const FLASH = region(DEV, 'flash').start;
const SRAM = region(DEV, 'sram1').start;
const SYSTEM = region(DEV, 'system').start;
const OTP = region(DEV, 'otp').start;
const OTP_LOCK = region(DEV, 'otp-lock').start;
const OPTION_BYTES = region(DEV, 'option-bytes').start;
const SECTOR = (n: number): number => DEV.flashSectors[n].start;
const RCC = DEV.peripherals.find((p) => p.name === 'RCC')!.base;
const USART = (name: string): number => DEV.peripherals.find((p) => p.name === name)!.base;

/** A chip booted into sysboot, with a client already synchronised on USART1. */
async function connected(options: ConstructorParameters<typeof SysbootHarness>[0] = {}): Promise<{ h: SysbootHarness; client: An3155Client }> {
  const h = new SysbootHarness(options);
  assert.equal(h.settle(), 'waiting');
  const client = new An3155Client(harnessLink(h));
  assert.equal(await client.connect(), 'ack');
  return { h, client };
}

function flashBytes(h: SysbootHarness, address: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => h.machine.bus.read8(address + i));
}

test('answers the 0x7F on USART1 with ACK, then Get, Get Version and Get ID as the F40x bootloader V3.1', async () => {
  const { h, client } = await connected();
  assert.deepEqual(await client.get(), { version: 0x31, commands: [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92] });
  assert.deepEqual(await client.getVersion(), { version: 0x31, option1: 0, option2: 0 });
  assert.equal(await client.getId(), 0x0413);
  assert.equal(h.faults, 0);
});

test('synchronises on USART3 just as well, and then leaves USART1 switched off', async () => {
  const h = new SysbootHarness({ interface: 'USART3' });
  h.settle();
  const client = new An3155Client(harnessLink(h));
  assert.equal(await client.connect(), 'ack');
  assert.equal(await client.getId(), 0x0413);
  assert.equal(h.machine.bus.read32(USART('USART1') + USART_REG.CR1), 0);
});

test('frames the bytes as 8 data bits + even parity (M = 1, PCE = 1) and ignores anything before the 0x7F', () => {
  const h = new SysbootHarness();
  h.settle();
  assert.deepEqual(h.exchange([0x00, 0x55, 0xff]), []);
  assert.deepEqual(h.exchange([0x7f]), [ACK]);
  const cr1 = h.machine.bus.read32(USART('USART1') + USART_REG.CR1);
  assert.equal(cr1 & ((1 << 12) | (1 << 10) | (1 << 9)), (1 << 12) | (1 << 10), 'M = 1, PCE = 1, PS = 0 (even)');
});

test('takes a 0x7F after synchronisation as a command code: it waits for the complement and NACKs the next byte', async () => {
  const { h, client } = await connected();
  assert.deepEqual(h.exchange([0x7f]), [], 'no answer: the bootloader waits for the complement');
  assert.deepEqual(h.exchange([0x7f]), [NACK]);
  assert.equal(await client.connect(), 'nack', "stm32flash's re-synchronisation (0x7F, silence, 0x7F → NACK) works");
  assert.equal(await client.getId(), 0x0413);
});

test('NACKs a wrong complement, the legacy Erase 0x43 and codes it does not have, and stays ready', async () => {
  const { h, client } = await connected();
  assert.deepEqual(h.exchange([0x00, 0x00]), [NACK]);
  assert.deepEqual(h.exchange(commandFrame(CMD.ERASE)), [NACK]);
  assert.deepEqual(h.exchange(commandFrame(0x32)), [NACK]);
  assert.deepEqual(h.exchange(commandFrame(0xa1)), [NACK]);
  assert.equal(await client.getId(), 0x0413);
});

test('reads its own system memory like ROM: the vector table and the bootloader ID 0x31 at 0x1FFF_77DE', async () => {
  const { h, client } = await connected();
  const vectors = await client.readMemory(SYSTEM, 8);
  const dv = new DataView(vectors.buffer);
  assert.equal(dv.getUint32(0, true), SRAM + BOOTLOADER_RAM_BYTES, 'initial SP: the top of its 8 KB');
  assert.equal(dv.getUint32(4, true) >>> 16, SYSTEM >>> 16, 'reset vector in system memory');
  assert.equal(dv.getUint32(4, true) & 1, 1, 'Thumb');
  assert.deepEqual([...(await client.readMemory(SYSTEM + BOOTLOADER_ID_OFFSET, 1))], [BOOTLOADER_ID]);
  assert.equal(h.machine.bus.read8(SYSTEM + BOOTLOADER_ID_OFFSET), 0x31);
});

test('keeps its own RAM (0x2000_0000-0x2000_1FFF), peripherals and holes out of reach: NACK after the address', async () => {
  const { h, client } = await connected();
  for (const address of [SRAM, SRAM + BOOTLOADER_RAM_BYTES - 4, RCC, 0x0810_0000, 0x1fff_7a1c, 0xe000_ed00]) {
    for (const code of [CMD.READ_MEMORY, CMD.WRITE_MEMORY, CMD.GO]) {
      assert.deepEqual(h.exchange([...commandFrame(code), ...addressFrame(address)]), [ACK, NACK], `0x${code.toString(16)} at 0x${address.toString(16)}`);
    }
  }
  await client.writeMemory(SRAM + BOOTLOADER_RAM_BYTES, [1, 2, 3, 4]);
  assert.deepEqual([...(await client.readMemory(SRAM + BOOTLOADER_RAM_BYTES, 4))], [1, 2, 3, 4]);
});

test('NACKs a read whose end leaves readable memory, and a bad address checksum or count complement', async () => {
  const { h } = await connected();
  const end = FLASH + 1024 * 1024;
  assert.deepEqual(h.exchange([...commandFrame(CMD.READ_MEMORY), ...addressFrame(end - 16), 0xff, 0x00]), [ACK, ACK, NACK]);
  const bad = addressFrame(FLASH);
  bad[4] ^= 1;
  assert.deepEqual(h.exchange([...commandFrame(CMD.READ_MEMORY), ...bad]), [ACK, NACK]);
  assert.deepEqual(h.exchange([...commandFrame(CMD.READ_MEMORY), ...addressFrame(FLASH), 0x03, 0x03]), [ACK, ACK, NACK]);
  assert.deepEqual(h.exchange([...commandFrame(CMD.READ_MEMORY), ...addressFrame(end - 16), 0x0f, 0xf0]).length, 3 + 16);
});

test('programs flash byte by byte (x8) through the flash interface: 16 µs of emulated time per byte', async () => {
  const { h, client } = await connected();
  await client.erase([0]);
  const data = Uint8Array.from({ length: 256 }, (_, i) => (i * 37) & 0xff);
  const t0 = h.machine.scheduler.nowNs();
  await client.writeMemory(FLASH, data);
  const spent = h.machine.scheduler.nowNs() - t0;
  assert.ok(spent >= 256 * 16_000, `${spent} ns for 256 x8 programs`);
  assert.deepEqual(flashBytes(h, FLASH, 256), data);
  assert.deepEqual(await client.readMemory(FLASH, 256), data);
});

test('refuses a Write Memory frame with a bad checksum or a length that is not a multiple of 4, writing nothing', async () => {
  const { h, client } = await connected();
  const frame = dataFrame([1, 2, 3, 4, 5, 6, 7, 8]);
  frame[frame.length - 1] ^= 0x80;
  assert.deepEqual(h.exchange([...commandFrame(CMD.WRITE_MEMORY), ...addressFrame(FLASH), ...frame]), [ACK, ACK, NACK]);
  assert.deepEqual(h.exchange([...commandFrame(CMD.WRITE_MEMORY), ...addressFrame(FLASH), ...dataFrame([1, 2, 3])]), [ACK, ACK, NACK]);
  assert.deepEqual(flashBytes(h, FLASH, 8), new Uint8Array(8).fill(0xff));
  await client.writeMemory(FLASH, [1, 2, 3, 4]);
  assert.deepEqual(flashBytes(h, FLASH, 4), Uint8Array.from([1, 2, 3, 4]));
});

test('Extended Erase: listed sectors at x8 speed, 0xFFFF mass erase; 0xFFFE/0xFFFD and sectors the chip lacks are NACKed', async () => {
  const { h, client } = await connected();
  await client.write(SECTOR(1), Uint8Array.of(1, 2, 3, 4));
  await client.write(SECTOR(5), Uint8Array.of(5, 6, 7, 8));
  const t0 = h.machine.scheduler.nowNs();
  await client.erase([1]);
  assert.ok(h.machine.scheduler.nowNs() - t0 >= 400e6, 'a 16 KB sector takes 400 ms at x8');
  assert.deepEqual(flashBytes(h, SECTOR(1), 4), new Uint8Array(4).fill(0xff));
  assert.deepEqual(flashBytes(h, SECTOR(5), 4), Uint8Array.of(5, 6, 7, 8));
  for (const special of [0xfffe, 0xfffd, 0xfff0]) {
    assert.deepEqual(h.exchange([...commandFrame(CMD.EXTENDED_ERASE), ...eraseFrame({ special })]), [ACK, NACK], special.toString(16));
  }
  assert.deepEqual(h.exchange([...commandFrame(CMD.EXTENDED_ERASE), ...eraseFrame([5, 12])]), [ACK, NACK]);
  assert.deepEqual(flashBytes(h, SECTOR(5), 4), Uint8Array.of(5, 6, 7, 8), 'a NACKed erase erases nothing');
  const t1 = h.machine.scheduler.nowNs();
  await client.erase('mass');
  assert.ok(h.machine.scheduler.nowNs() - t1 >= 16e9, 'mass erase at x8: 16 s');
  assert.deepEqual(flashBytes(h, SECTOR(5), 4), new Uint8Array(4).fill(0xff));
});

test('the 512 KB STM32F407xE has sectors 0-7 only: F_SIZE decides what Erase and Read accept', async () => {
  const { h, client } = await connected({ device: DEVICES.stm32f407ve });
  assert.deepEqual(h.exchange([...commandFrame(CMD.EXTENDED_ERASE), ...eraseFrame([8])]), [ACK, NACK]);
  await client.erase([7]);
  assert.deepEqual(h.exchange([...commandFrame(CMD.READ_MEMORY), ...addressFrame(FLASH + 512 * 1024)]), [ACK, NACK]);
});

test('Write Protect protects exactly the listed sectors and resets; writes there are ACKed and change nothing; Write Unprotect lifts it', async () => {
  const { h, client } = await connected();
  await client.writeProtect([0, 5]);
  assert.equal(h.flash.optionBytes.nWrp, 0xfff & ~0b10_0001);
  assert.equal(await client.connect(), 'ack', 'the chip reset: synchronise again');
  await client.writeMemory(FLASH, [1, 2, 3, 4]);
  assert.deepEqual(flashBytes(h, FLASH, 4), new Uint8Array(4).fill(0xff), 'write-protected: ACK, nothing written');
  await client.erase('mass');
  await client.writeMemory(SECTOR(1), [1, 2, 3, 4]);
  assert.deepEqual(flashBytes(h, SECTOR(1), 4), Uint8Array.of(1, 2, 3, 4), 'the mass erase was refused, sector 1 is writable');
  await client.writeProtect([2]);
  await client.connect();
  assert.equal(h.flash.optionBytes.nWrp, 0xfff & ~0b100, 'the new set replaces the old one');
  await client.writeUnprotect();
  await client.connect();
  assert.equal(h.flash.optionBytes.nWrp, 0xfff);
  await client.writeMemory(FLASH, [1, 2, 3, 4]);
  assert.deepEqual(flashBytes(h, FLASH, 4), Uint8Array.of(1, 2, 3, 4));
});

test('Readout Protect: level 1 after the reset; Read/Write Memory get two NACKs, Go and Erase one; Readout Unprotect mass-erases', async () => {
  const { h, client } = await connected();
  await client.write(FLASH, Uint8Array.from(HELLO_BIN));
  await client.writeMemory(SRAM + BOOTLOADER_RAM_BYTES, [9, 9, 9, 9]);
  await client.readoutProtect();
  assert.equal(h.flash.rdpLevel, 1);
  assert.equal(await client.connect(), 'ack');
  assert.deepEqual(await client.getVersion(), { version: 0x31, option1: 0, option2: 0 });
  assert.equal(await client.getId(), 0x0413);
  assert.deepEqual(h.exchange([...commandFrame(CMD.READ_MEMORY)]), [NACK, NACK]);
  assert.deepEqual(h.exchange([...commandFrame(CMD.WRITE_MEMORY)]), [NACK, NACK]);
  for (const code of [CMD.GO, CMD.EXTENDED_ERASE, CMD.WRITE_PROTECT, CMD.WRITE_UNPROTECT, CMD.READOUT_PROTECT]) {
    assert.deepEqual(h.exchange(commandFrame(code)), [NACK], `0x${code.toString(16)}`);
  }
  assert.equal(h.faults, 0, 'no read of protected flash was attempted');
  await client.readoutUnprotect();
  assert.equal(h.flash.rdpLevel, 0);
  assert.equal(await client.connect(), 'ack');
  assert.deepEqual(await client.readMemory(FLASH, 16), new Uint8Array(16).fill(0xff), 'flash mass-erased');
  assert.deepEqual([...(await client.readMemory(SRAM + BOOTLOADER_RAM_BYTES, 4))], [0, 0, 0, 0], 'RAM set to 0');
});

test('Write Memory of the option bytes programs them through FLASH_OPTCR, then resets the chip', async () => {
  const { h, client } = await connected();
  const ob = await client.readMemory(OPTION_BYTES, 16);
  assert.deepEqual([...ob.subarray(0, 2)], [0xff, 0xaa], 'factory USER and RDP');
  const next = Uint8Array.from(ob);
  next[0] = 0xff & ~(1 << 2); // BOR_LEV = 10: level 1
  next[8] = 0xff & ~(1 << 3); // nWRP3 = 0
  await client.writeMemory(OPTION_BYTES, next);
  assert.equal(h.flash.optionBytes.borLevel, 0b10);
  assert.equal(h.flash.optionBytes.nWrp, 0xfff & ~(1 << 3));
  assert.equal((h.machine.bus.read32(DEV.peripherals.find((p) => p.name === 'FLASH')!.base + 0x14) >>> OPTCR.nWRP_SHIFT) & 0xfff, 0xfff & ~(1 << 3));
  assert.equal(await client.connect(), 'ack', 'reset: synchronise again');
});

test('OTP: Write Memory programs the data and lock bytes; a locked block takes the ACK and keeps its bytes', async () => {
  const { h, client } = await connected();
  await client.writeMemory(OTP + 32, [0x12, 0x34, 0x56, 0x78]);
  assert.deepEqual([...(await client.readMemory(OTP + 32, 4))], [0x12, 0x34, 0x56, 0x78]);
  await client.writeMemory(OTP_LOCK, [0xff, 0x00, 0xff, 0xff]); // lock block 1
  await client.writeMemory(OTP + 36, [0, 0, 0, 0]);
  assert.deepEqual(flashBytes(h, OTP + 36, 4), new Uint8Array(4).fill(0xff));
});

test('Go loads MSP and PC from the vector pair, after putting USARTs, GPIOs, SysTick, VTOR and RCC_AHB1ENR back to reset', async () => {
  const { h, client } = await connected();
  const at = SRAM + BOOTLOADER_RAM_BYTES;
  const sp = SRAM + 0x1_f000;
  const words = new DataView(new ArrayBuffer(12));
  words.setUint32(0, sp, true);
  words.setUint32(4, at + 9, true); // Thumb code right after the vectors
  words.setUint16(8, 0xe7fe, true); // b .
  await client.writeMemory(at, new Uint8Array(words.buffer));
  await client.go(at);
  assert.equal(h.settle(), 'left');
  const bus = h.machine.bus;
  assert.equal(h.machine.cpu.pc >>> 0, at + 8);
  assert.equal(h.machine.cpu.getMsp() >>> 0, sp);
  assert.equal(bus.read32(RCC + RCC_REG.AHB1ENR), 0, 'V3.1 leaves RCC_AHB1ENR = 0 (AN2606)');
  assert.equal(bus.read32(RCC + RCC_REG.APB2ENR) & (1 << 4), 0, 'USART1 clock off');
  assert.equal(bus.read32(RCC + RCC_REG.APB1ENR) & (1 << 18), 0, 'USART3 clock off');
  assert.equal(bus.read32(0xe000_e010), 0, 'SysTick off');
  assert.equal(bus.read32(0xe000_ed08), 0, 'VTOR at its reset value');
  assert.equal(h.machine.cpu.primask, 0, 'interrupts enabled, as after a reset');
});

test('Go 0x0800_0000 starts the application written to flash', async () => {
  const { h, client } = await connected();
  await client.write(FLASH, Uint8Array.from(HELLO_BIN));
  await client.go(FLASH);
  assert.equal(h.settle(50_000_000, false), 'sleep', 'the application printed and sleeps');
  assert.equal(new TextDecoder().decode(await client.bytes(17, 'greeting')), 'hello from flash\n');
});

test('a command abandoned mid-frame is dropped after 2 s of emulated silence, writing nothing; the next one is answered', async () => {
  const { h, client } = await connected();
  assert.deepEqual(h.exchange([...commandFrame(CMD.WRITE_MEMORY), ...addressFrame(FLASH), 0x03, 1, 2]), [ACK, ACK]);
  const t0 = h.machine.scheduler.nowNs();
  h.expireTimeouts();
  const waited = h.machine.scheduler.nowNs() - t0;
  assert.ok(waited > 1.99e9 && waited < 2.6e9, `timed out after ${waited / 1e6} ms`);
  assert.deepEqual(flashBytes(h, FLASH, 4), new Uint8Array(4).fill(0xff));
  assert.equal(await client.getId(), 0x0413);
});

test('before a command is accepted nothing times out: a lone code waits for its complement however long', () => {
  const h = new SysbootHarness();
  h.settle();
  h.exchange([0x7f]);
  assert.deepEqual(h.exchange([CMD.GET_ID]), []);
  h.expireTimeouts();
  assert.deepEqual(h.exchange([~CMD.GET_ID & 0xff]), [ACK, 0x01, 0x04, 0x13, ACK]);
});

test('keeps a hardware-started IWDG (WDG_SW = 0) fed while it waits', async () => {
  const { h, client } = await connected();
  const ob = await client.readMemory(OPTION_BYTES, 16);
  const next = Uint8Array.from(ob);
  next[0] &= ~(1 << 5); // WDG_SW = 0
  await client.writeMemory(OPTION_BYTES, next);
  assert.equal(h.flash.wdgSw, false);
  const resets: string[] = [];
  h.machine.resetListeners.push((_kind, cause) => resets.push(cause));
  for (let i = 0; i < 40; i++) h.machine.run(1_000_000); // 2.5 s at 16 MHz, far past the 0.5 s reset-default IWDG period
  assert.deepEqual(resets, []);
  assert.equal(await client.connect(), 'ack');
  assert.equal(await client.getId(), 0x0413);
});

test('option bytes with RDP 0xCC (level 2): after the reset the chip boots from flash, not the bootloader', async () => {
  const { h, client } = await connected();
  await client.write(FLASH, Uint8Array.from(HELLO_BIN));
  const ob = Uint8Array.from(await client.readMemory(OPTION_BYTES, 16));
  ob[1] = 0xcc;
  await client.writeMemory(OPTION_BYTES, ob);
  assert.equal(h.flash.rdpLevel, 2);
  assert.equal(new TextDecoder().decode(await client.bytes(17, 'greeting')), 'hello from flash\n', 'the application in flash runs');
  assert.equal(h.inBootloader, false);
  h.machine.reset('system');
  assert.equal(h.machine.bus.read32(4) >>> 0, h.machine.bus.read32(FLASH + 4) >>> 0, 'address 0 is flash, whatever BOOT0 says');
});

test('an application that loads MSP from 0x1FFF_0000 and jumps to [0x1FFF_0004] lands in the bootloader, even at 168 MHz with SysTick on', async () => {
  const machine = createMachine({ board: 'none', boot0: 0 });
  machine.loadImage(loadImageFile(join(BUILD, 'sysboot-apps-enter-bootloader.elf')));
  const usart2: number[] = [];
  const h = new SysbootHarness({ machine });
  usartOf(machine, 'USART2').onTx = (b) => usart2.push(b);
  machine.reset('power-on');
  assert.equal(h.settle(50_000_000, false), 'waiting');
  assert.equal(String.fromCharCode(...usart2), 'enter-bootloader: jumping to the system bootloader\n');
  assert.ok(h.inBootloader);
  assert.equal(machine.scheduler.frequencyHz, 16_000_000, 'back on the HSI');
  const client = new An3155Client(harnessLink(h));
  assert.equal(await client.connect(), 'ack');
  assert.equal(await client.getId(), 0x0413);
  await assert.rejects(client.readMemory(SRAM, 4), NackError);
});

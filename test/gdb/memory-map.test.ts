import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICES, region } from '../../src/device/stm32f407.js';
import { memoryBlocks, memoryMapXml } from '../../src/gdb/memory-map.js';

const dev = DEVICES.stm32f407;

test('every flash sector is its own flash block with the sector size as blocksize', () => {
  const flash = memoryBlocks(dev).filter((b) => b.type === 'flash');
  assert.deepEqual(
    flash.map((b) => [b.start, b.length, b.blocksize]),
    dev.flashSectors.map((s) => [s.start, s.size, s.size]),
  );
});

test('the 512 KB part has 8 flash blocks', () => {
  assert.equal(memoryBlocks(DEVICES.stm32f407ve).filter((b) => b.type === 'flash').length, 8);
});

test('blocks are in address order and never overlap', () => {
  const blocks = memoryBlocks(dev);
  for (let i = 1; i < blocks.length; i++) assert.ok(blocks[i - 1].start + blocks[i - 1].length <= blocks[i].start, `block ${i}`);
});

test('SRAM, CCM and the peripherals are ram; system memory, OTP and option bytes are rom', () => {
  const typeAt = (address: number) => memoryBlocks(dev).find((b) => address >= b.start && address < b.start + b.length)?.type;
  for (const name of ['sram1', 'sram2', 'ccm', 'bkpsram', 'periph', 'ppb']) assert.equal(typeAt(region(dev, name).start), 'ram', name);
  for (const name of ['system', 'otp', 'option-bytes', 'uid', 'alias']) assert.equal(typeAt(region(dev, name).start), 'rom', name);
  assert.equal(typeAt(region(dev, 'fsmc-banks').start), undefined, 'nothing fitted on the FSMC');
  assert.equal(typeAt(0x3000_0000), undefined, 'a hole');
});

test('the XML follows GDB\'s memory-map DTD', () => {
  const xml = memoryMapXml(dev);
  assert.match(xml, /^<\?xml version="1.0"\?>\n<!DOCTYPE memory-map PUBLIC "\+\/\/IDN gnu.org\/\/DTD GDB Memory Map V1.0\/\/EN"/);
  assert.match(xml, /<memory type="flash" start="0x08020000" length="0x00020000">\n {4}<property name="blocksize">0x00020000<\/property>\n {2}<\/memory>/);
  assert.match(xml, /<memory type="ram" start="0x20000000" length="0x00020000"\/>/, 'SRAM1 and SRAM2 in one block');
  assert.equal((xml.match(/<memory /g) ?? []).length, memoryBlocks(dev).length);
});

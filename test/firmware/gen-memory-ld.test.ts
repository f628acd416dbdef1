// tools/gen-memory-ld.ts: the firmware's linker MEMORY blocks and C header come from the device description.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_DEVICE, DEVICES, IRQ_NAMES, region } from '../../src/device/stm32f407.js';
import { deviceHeader, generatedFiles, memoryLinkerScript } from '../../tools/gen-memory-ld.js';

/** MEMORY lines: name → [origin, length]. */
function memoryBlocks(script: string): Map<string, [number, number]> {
  const blocks = new Map<string, [number, number]>();
  for (const m of script.matchAll(/^\s*(\w+)\s+\(\w+\s*\)\s*:\s*ORIGIN = (0x[0-9A-F]+), LENGTH = (0x[0-9A-F]+)$/gm)) {
    blocks.set(m[1], [Number(m[2]), Number(m[3])]);
  }
  return blocks;
}

describe('gen-memory-ld', () => {
  test('the committed files are exactly what the generator writes from src/device/stm32f407.ts', () => {
    for (const [path, text] of generatedFiles()) {
      assert.equal(readFileSync(path, 'utf8'), text, `${path} is stale: run node --import tsx tools/gen-memory-ld.ts`);
    }
  });

  test('--check exits 0 on the committed tree', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/gen-memory-ld.ts', '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  test('MEMORY has FLASH, CCM, SYSTEM, BKPSRAM and SRAM as SRAM1 + SRAM2 in one 128 KB block', () => {
    const blocks = memoryBlocks(memoryLinkerScript(DEFAULT_DEVICE));
    const dev = DEFAULT_DEVICE;
    for (const [block, name] of [['FLASH', 'flash'], ['CCM', 'ccm'], ['SYSTEM', 'system'], ['BKPSRAM', 'bkpsram']]) {
      const r = region(dev, name);
      assert.deepEqual(blocks.get(block), [r.start, r.size], block);
    }
    assert.deepEqual(blocks.get('SRAM'), [region(dev, 'sram1').start, 128 * 1024]);
  });

  test('one FLASH_Sn block and one __flash_sn_start symbol per sector, for every device', () => {
    for (const dev of Object.values(DEVICES)) {
      const script = memoryLinkerScript(dev);
      const blocks = memoryBlocks(script);
      const sectors = [...blocks.keys()].filter((k) => k.startsWith('FLASH_S'));
      assert.equal(sectors.length, dev.flashSectors.length, dev.id);
      for (const s of dev.flashSectors) {
        assert.deepEqual(blocks.get(`FLASH_S${s.index}`), [s.start, s.size], `${dev.id} sector ${s.index}`);
        const symbol = new RegExp(`^__flash_s${s.index}_start = (0x[0-9A-F]+);$`, 'm').exec(script);
        assert.equal(Number(symbol?.[1]), s.start, `${dev.id} __flash_s${s.index}_start`);
      }
    }
  });

  test('the 512 KB F407VE ends after sector 7', () => {
    const blocks = memoryBlocks(memoryLinkerScript(DEVICES.stm32f407ve));
    assert.equal(blocks.get('FLASH')?.[1], 512 * 1024);
    assert.ok(blocks.has('FLASH_S7'));
    assert.ok(!blocks.has('FLASH_S8'));
  });

  test('the C header lists every IRQ line once, in IRQ number order', () => {
    const header = deviceHeader(DEFAULT_DEVICE);
    const lines = [...header.matchAll(/^ {2}X\((\w+), (\d+)\)/gm)].map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(lines, IRQ_NAMES.map((name, n) => [name, n]));
    assert.match(header, /^#define F4_IRQ_COUNT\s+82$/m);
  });

  test('the C header keeps the flash memory and the flash interface registers apart', () => {
    const header = deviceHeader(DEFAULT_DEVICE);
    assert.match(header, /^#define F4_MEM_FLASH_BASE\s+0x08000000u/m);
    assert.match(header, /^#define F4_FLASH_BASE\s+0x40023C00u/m);
    for (const dev of Object.values(DEVICES)) assert.doesNotThrow(() => deviceHeader(dev), dev.id);
  });
});

// `f4emu map`: the memory map as text and JSON, the placement report, exit statuses and error lines.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEVICES, endOf } from '../../src/device/stm32f407.js';
import { f4emu } from './spawn.js';

describe('f4emu map (no file)', () => {
  test('--json prints the device, every region and every sector as integers, end = last byte', async () => {
    const r = await f4emu(['map', '--json']);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    const map = JSON.parse(r.stdout);
    assert.equal(map.device, 'STM32F407VG');
    assert.deepEqual(Object.keys(map), ['device', 'regions', 'flashSectors']);
    const flash = map.regions.find((x: { name: string }) => x.name === 'flash');
    assert.deepEqual(flash, {
      name: 'flash', start: 134217728, end: 135266303, size: 1048576, kind: 'flash', volatile: false, executable: true, writable: false,
      description: DEVICES.stm32f407.regions.find((x) => x.name === 'flash')!.description,
    });
    assert.equal(map.regions.length, DEVICES.stm32f407.regions.length);
    assert.deepEqual(map.flashSectors[0], { index: 0, start: 134217728, end: 134234111, size: 16384 });
    assert.equal(map.flashSectors.length, 12);
    assert.match(r.stdout, /^\{"device":"STM32F407VG","regions":\[\{"name":"alias","start":0,"end":1048575,"size":1048576,"kind":"alias"/);
  });

  test('--device stm32f407ve has 512 KB of flash in 8 sectors', async () => {
    const map = JSON.parse((await f4emu(['map', '--json', '--device', 'stm32f407ve'])).stdout);
    assert.equal(map.device, 'STM32F407VE');
    assert.equal(map.flashSectors.length, 8);
    assert.equal(map.regions.find((x: { name: string }) => x.name === 'flash').end, 0x0807_ffff);
  });

  test('text output lists every region with its properties, then the sectors', async () => {
    const r = await f4emu(['map']);
    assert.equal(r.status, 0);
    for (const region of DEVICES.stm32f407.regions) {
      assert.match(r.stdout, new RegExp(`^${region.name} +0x${region.start.toString(16).toUpperCase().padStart(8, '0')} +0x${endOf(region).toString(16).toUpperCase().padStart(8, '0')} `, 'm'));
    }
    assert.match(r.stdout, /^ccm .* ram +yes +no +yes +Core-coupled/m);
    assert.match(r.stdout, /Flash sectors \(12\):\n/);
    assert.match(r.stdout, /^ +11 +0x080E0000 +0x080FFFFF +131072 \(128 KB\)$/m);
  });

  test('an unknown device is one error line and exit 2', async () => {
    const r = await f4emu(['map', '--device', 'stm32f103']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "f4emu: --device: unknown device 'stm32f103' (known: stm32f407, stm32f407ve, stm32f405, stm32f415, stm32f417)\n");
  });
});

describe('f4emu map FILE', () => {
  test('a fitting ELF: placement report on stdout, exit 0', async () => {
    const r = await f4emu(['map', 'test/fixtures/tiny.elf']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /loads 0x08000000-0x080000C3, entry 0x08000043/);
    assert.match(r.stdout, /^ +\.data +0x20000000 +20 +sram1 +0 +0x080000B0 in flash$/m);
    assert.match(r.stdout, /^ +0 +0x08000000-0x08003FFF +196 +16188 /m);
    assert.match(r.stdout, /fits: yes\n$/);
  });

  test('--json placement has segments, sections, regions, sectors, problems and fits', async () => {
    const r = await f4emu(['map', 'test/fixtures/tiny.hex', '--json']);
    assert.equal(r.status, 0);
    const p = JSON.parse(r.stdout);
    assert.equal(p.fits, true);
    assert.equal(p.format, 'ihex');
    assert.deepEqual(p.sectors.map((s: { index: number; used: number }) => [s.index, s.used]), [[0, 196]]);
  });

  test('a raw binary needs --base; with --base 0x0800_4100 it reports the misplaced vector table', async () => {
    const without = await f4emu(['map', 'test/fixtures/tiny.bin']);
    assert.equal(without.status, 2);
    assert.match(without.stderr, /^f4emu: test\/fixtures\/tiny\.bin: a raw binary holds no addresses: give its load address with --base/);
    const r = await f4emu(['map', 'test/fixtures/tiny.bin', '--base', '0x0800_4100']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /warning: vector table at 0x08004100 is not 512-byte aligned/);
    assert.match(r.stdout, /warning: image starts at 0x08004100, inside sector 1/);
  });

  test('an image that does not fit exits 1 and says where', async () => {
    const r = await f4emu(['map', 'test/fixtures/tiny.bin', '--base', '0x080FFF80']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /error: segment 0 at 0x080FFF80-0x08100043 runs past the end of flash \(0x080FFFFF\) into reserved space/);
    assert.match(r.stdout, /fits: NO\n$/);
  });

  test('an image outside every region exits 1', async () => {
    const r = await f4emu(['map', 'test/fixtures/tiny.bin', '--base', '0x30000000', '--json']);
    assert.equal(r.status, 1);
    assert.equal(JSON.parse(r.stdout).problems[0].kind, 'outside');
  });

  test('--with reports a sector shared with another image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'f4emu-map-'));
    const hex = join(dir, 'boot.hex');
    // 0x4800 bytes of a "bootloader" from 0x0800_0000: ends in sector 1.
    const lines = [':020000040800F2'];
    for (let a = 0; a < 0x4800; a += 16) {
      const bytes = [16, (a >> 8) & 0xff, a & 0xff, 0, ...new Array(16).fill(0)];
      const sum = bytes.reduce((x, y) => x + y, 0);
      lines.push(':' + [...bytes, -sum & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(''));
    }
    lines.push(':00000001FF');
    writeFileSync(hex, lines.join('\n'));
    const r = await f4emu(['map', 'test/fixtures/tiny.bin', '--base', '0x08005000', '--with', hex]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /warning: sector 1 \(0x08004000-0x08007FFF\) holds bytes of both test\/fixtures\/tiny\.bin and .*boot\.hex/);
  });

  test('unreadable and malformed files: one line on stderr, exit 2, nothing on stdout', async () => {
    const missing = await f4emu(['map', 'nope.elf']);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, 'f4emu: nope.elf: cannot read: no such file\n');
    assert.equal(missing.stdout, '');
    const dir = mkdtempSync(join(tmpdir(), 'f4emu-map-'));
    const bad = join(dir, 'bad.hex');
    writeFileSync(bad, ':0100000001FF\n:00000001FF\n');
    const r = await f4emu(['map', bad]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `f4emu: ${bad}: line 1: checksum mismatch: the record says 0xFF, its bytes give 0xFE\n`);
  });

  test('a bad --base value and an unknown option are one error line, exit 2', async () => {
    const base = await f4emu(['map', 'test/fixtures/tiny.bin', '--base', 'flash']);
    assert.equal(base.status, 2);
    assert.equal(base.stderr, "f4emu: --base: not a 32-bit address: 'flash' (write e.g. 0x08000000)\n");
    const option = await f4emu(['map', '--colour']);
    assert.equal(option.status, 2);
    assert.equal(option.stderr, "f4emu: unknown option '--colour'\n");
  });
});

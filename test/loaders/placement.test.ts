// Placement analysis: regions, sectors, usage, and the warnings for what breaks on silicon.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEVICES } from '../../src/device/stm32f407.js';
import type { Image, Section, Segment } from '../../src/loaders/image.js';
import { parseElf } from '../../src/loaders/elf.js';
import { analysePlacement, type ProblemKind } from '../../src/loaders/placement.js';
import { fixture } from './fixtures.js';

const dev = DEVICES.stm32f407;

/** A vector table: initial SP, reset vector (Thumb), then zeros. */
function vectors(sp = 0x2002_0000, reset = 0x0800_0101, length = 392): Uint8Array {
  const bytes = new Uint8Array(length);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, sp, true);
  v.setUint32(4, reset, true);
  return bytes;
}

function image(segments: Segment[], sections: Section[] = [], file = 'test.bin'): Image {
  return { file, format: 'bin', segments, sections, symbols: [] };
}

function kinds(img: Image, others: Image[] = []): ProblemKind[] {
  return analysePlacement(img, dev, { others }).problems.map((p) => p.kind);
}

describe('analysePlacement: a real executable', () => {
  const p = analysePlacement(parseElf(fixture('tiny.elf'), 'tiny.elf'), dev);

  test('fits with no warning', () => {
    assert.equal(p.fits, true);
    assert.deepEqual(p.problems, []);
  });

  test('reports first and last loaded byte, entry and device', () => {
    assert.equal(p.first, 0x0800_0000);
    assert.equal(p.last, 0x0800_00c3);
    assert.equal(p.entry, 0x0800_0043);
    assert.equal(p.device, 'STM32F407VG');
  });

  test('counts flash bytes by load address and SRAM bytes by run address (.data + .bss)', () => {
    const flash = p.regions.find((r) => r.name === 'flash')!;
    const sram1 = p.regions.find((r) => r.name === 'sram1')!;
    assert.equal(flash.used, 0xc4);
    assert.equal(flash.free, 1024 * 1024 - 0xc4);
    assert.equal(sram1.used, 0x18);
    assert.deepEqual(p.sectors.map((s) => [s.index, s.used, s.free]), [[0, 0xc4, 16384 - 0xc4]]);
  });

  test('places each segment and section in its region and sectors', () => {
    assert.deepEqual(p.segments.map((s) => [s.region, s.runRegion, s.sectors]), [['flash', 'flash', [0]], ['flash', 'sram1', [0]]]);
    const data = p.sections.find((s) => s.name === '.data')!;
    assert.equal(data.region, 'sram1');
    assert.equal(data.loadRegion, 'flash');
    assert.deepEqual(p.sections.find((s) => s.name === '.bss')!.sectors, []);
  });
});

describe('analysePlacement: what does not fit', () => {
  test('a segment outside every region is an error naming its address', () => {
    const p = analysePlacement(image([{ address: 0x0810_0000, data: new Uint8Array(4) }]), dev);
    assert.equal(p.fits, false);
    assert.equal(p.problems[0].kind, 'outside');
    assert.equal(p.problems[0].address, 0x0810_0000);
    assert.match(p.problems[0].message, /0x08100000 is outside every region of the STM32F407VG/);
  });

  test('a segment running past the end of flash is an overflow at the first byte outside', () => {
    const p = analysePlacement(image([{ address: 0x080f_fff0, data: new Uint8Array(32) }]), dev);
    assert.equal(p.fits, false);
    const overflow = p.problems.find((x) => x.kind === 'overflow')!;
    assert.equal(overflow.address, 0x0810_0000);
    assert.match(overflow.message, /runs past the end of flash \(0x080FFFFF\) into reserved space/);
  });

  test('flash that fits the F407VG overflows the 512 KB F407VE', () => {
    const img = image([{ address: 0x0800_0000, data: vectors() }, { address: 0x0808_0000, data: new Uint8Array(4) }]);
    assert.equal(analysePlacement(img, dev).fits, true);
    assert.equal(analysePlacement(img, DEVICES.stm32f407ve).fits, false);
  });

  test('bytes for system memory, peripherals or bit-band cannot be programmed', () => {
    for (const address of [0x1fff_0000, 0x4002_0000, 0x2200_0000, 0x6000_0000]) {
      assert.deepEqual(kinds(image([{ address, data: new Uint8Array(4) }])), ['not-loadable'], `0x${address.toString(16)}`);
    }
  });

  test('a run address (.bss) outside every region is an error', () => {
    const seg: Segment = { address: 0x0800_0000, data: vectors(), virtualAddress: 0x0800_0000 };
    const bss: Segment = { address: 0x3000_0000, data: new Uint8Array(0), memorySize: 64 };
    assert.deepEqual(kinds(image([seg, bss])), ['outside']);
  });
});

describe('analysePlacement: warnings for what breaks on silicon', () => {
  test('SRAM1 running into SRAM2 is one contiguous RAM, loaded there it warns it is volatile', () => {
    assert.deepEqual(kinds(image([{ address: 0x2001_bff0, data: new Uint8Array(32) }])), ['volatile-load']);
  });

  test('a writable section that runs in flash (.data not moved to RAM)', () => {
    const img = image(
      [{ address: 0x0800_0000, data: vectors(0x2002_0000, 0x0800_0101, 0x1100) }],
      [{ name: '.data', address: 0x0800_1000, loadAddress: 0x0800_1000, size: 0x100, nobits: false, write: true, exec: false }],
    );
    const p = analysePlacement(img, dev);
    assert.deepEqual(p.problems.map((x) => x.kind), ['writable-in-flash']);
    assert.match(p.problems[0].message, /writable section \.data runs at 0x08001000 in flash/);
    assert.equal(p.fits, true);
  });

  test('a vector table not 512-byte aligned cannot be used by VTOR', () => {
    const p = analysePlacement(image([{ address: 0x0800_4100, data: vectors() }]), dev);
    const k = p.problems.map((x) => x.kind);
    assert.ok(k.includes('vector-table-alignment'));
    assert.equal(p.problems.find((x) => x.kind === 'vector-table-alignment')!.address, 0x0800_4100);
  });

  test('an application at 0x0800_4000 is 512-aligned but needs a bootloader to set VTOR', () => {
    assert.deepEqual(kinds(image([{ address: 0x0800_4000, data: vectors() }])), ['vector-table-not-at-boot']);
  });

  test('the .isr_vector section is the vector table even when it is not the lowest segment', () => {
    const img = image(
      [{ address: 0x0800_0000, data: new Uint8Array(0x200) }, { address: 0x0800_0200, data: vectors() }],
      [{ name: '.isr_vector', address: 0x0800_0200, loadAddress: 0x0800_0200, size: 392, nobits: false, write: false, exec: false }],
    );
    assert.ok(kinds(img).includes('vector-table-not-at-boot'));
  });

  test('an initial SP outside RAM and a reset vector without the Thumb bit', () => {
    assert.deepEqual(kinds(image([{ address: 0x0800_0000, data: vectors(0x0800_1000, 0x0800_0101) }])), ['initial-sp']);
    const p = analysePlacement(image([{ address: 0x0800_0000, data: vectors(0x2002_0000, 0x0800_0100) }]), dev);
    assert.deepEqual(p.problems.map((x) => x.kind), ['reset-vector']);
    assert.match(p.problems[0].message, /bit 0 clear: the first instruction raises an INVSTATE UsageFault/);
  });

  test('a reset vector into CCM, which cannot hold code', () => {
    assert.deepEqual(kinds(image([{ address: 0x0800_0000, data: vectors(0x2002_0000, 0x1000_0001) }])), ['reset-vector']);
  });

  test('an image starting mid-sector shares that sector with whatever lies before it', () => {
    const p = analysePlacement(image([{ address: 0x0800_4100, data: vectors() }]), dev);
    const shared = p.problems.find((x) => x.kind === 'shared-sector')!;
    assert.match(shared.message, /inside sector 1 \(0x08004000-0x08007FFF\): erasing that sector .* also erases 0x08004000-0x080040FF/);
  });

  test('an application at 0x0800_4000 next to a bootloader that ends in sector 1 shares sector 1 with it', () => {
    const boot = image([{ address: 0x0800_0000, data: vectors(0x2002_0000, 0x0800_0101, 0x4800) }], [], 'boot.bin');
    const app = image([{ address: 0x0800_5000, data: vectors(0x2002_0000, 0x0800_5101) }], [], 'app.bin');
    const p = analysePlacement(app, dev, { others: [boot] });
    const shared = p.problems.find((x) => x.kind === 'shared-sector')!;
    assert.match(shared.message, /sector 1 \(0x08004000-0x08007FFF\) holds bytes of both app\.bin and boot\.bin/);
    assert.equal(p.fits, true);
  });

  test('two images writing the same flash bytes is an error', () => {
    const boot = image([{ address: 0x0800_0000, data: vectors(0x2002_0000, 0x0800_0101, 0x4800) }], [], 'boot.bin');
    const app = image([{ address: 0x0800_4000, data: vectors(0x2002_0000, 0x0800_4101) }], [], 'app.bin');
    const p = analysePlacement(app, dev, { others: [boot] });
    assert.equal(p.fits, false);
    assert.equal(p.problems.find((x) => x.kind === 'overlap')!.address, 0x0800_4000);
  });

  test('bytes per sector when an image spans sectors 0 and 1', () => {
    const p = analysePlacement(image([{ address: 0x0800_0000, data: vectors() }, { address: 0x0800_3ff0, data: new Uint8Array(32) }]), dev);
    assert.deepEqual(p.sectors.map((s) => [s.index, s.used]), [[0, 392 + 16], [1, 16]]);
    assert.deepEqual(p.segments[1].sectors, [0, 1]);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../src/errors.js';
import { flashFactory } from '../../src/flash/interface.js';
import { FlashProgrammer, programImage } from '../../src/flash/programmer.js';
import type { Image } from '../../src/loaders/image.js';
import { Machine } from '../../src/machine.js';
import { attachStore } from '../../src/nvstate/attach.js';
import { decodeFile } from '../../src/nvstate/format.js';
import { MemoryNvFile } from '../../src/nvstate/memory-file.js';
import { backupSramFactory } from '../../src/peripherals/bkpsram.js';
import { programOptions, rig } from './support.js';

function image(segments: Array<[number, number[]]>): Image {
  return { file: 'app.elf', format: 'elf', segments: segments.map(([address, data]) => ({ address, data: Uint8Array.from(data) })), sections: [], symbols: [] };
}

test('an image is programmed as a probe would: its sectors erased, its bytes written, other sectors kept', () => {
  const r = rig();
  const p = new FlashProgrammer(r.machine);
  p.program(0x0800_8000, Uint8Array.of(0, 0, 0, 0)); // sector 2, outside the image
  p.program(0x0800_0100, Uint8Array.of(0, 0, 0, 0)); // sector 0, inside: erased first
  const report = p.programImage(image([[0x0800_0001, [1, 2, 3, 4, 5]], [0x0800_4000, [9]]]));
  assert.deepEqual(report.erasedSectors, [0, 1]);
  assert.equal(report.flashBytes, 6);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((i) => r.bus.read8(0x0800_0000 + i)), [0xff, 1, 2, 3, 4, 5, 0xff]);
  assert.equal(r.bus.read32(0x0800_0100) >>> 0, 0xffff_ffff);
  assert.equal(r.bus.read8(0x0800_4000), 9);
  assert.equal(r.bus.read32(0x0800_8000), 0);
  assert.equal(r.flash.debuggerAttached, false, 'the probe detaches');
});

test('progress is reported up to the total', () => {
  const r = rig();
  const seen: Array<[number, number]> = [];
  new FlashProgrammer(r.machine, { onProgress: (d, t) => seen.push([d, t]) }).programImage(image([[0x0801_0000, new Array(10_000).fill(0)]]));
  assert.deepEqual(seen.at(-1), [10_000, 10_000]);
  assert.ok(seen.length > 3);
});

test('a write-protected sector is refused before anything is erased', () => {
  const r = rig();
  const p = new FlashProgrammer(r.machine, { target: 'chip.f4s' });
  p.program(0x0800_0000, Uint8Array.of(0));
  programOptions(r, 0x0fff_aaed & ~(1 << 17)); // protect sector 1
  assert.throws(() => p.programImage(image([[0x0800_0000, [1]], [0x0800_4000, [2]]])), (e) => e instanceof UserError && /^chip\.f4s: write-protected \(nWRP = 0\): sector 1 \(0x08004000\)/.test(e.message));
  assert.equal(r.bus.read8(0x0800_0000), 0, 'sector 0 was not erased');
});

test('at RDP level 1 the probe can neither erase nor program', () => {
  const r = rig();
  programOptions(r, (0x0fff_aaed & ~0xff00) | 0x5500);
  assert.throws(() => new FlashProgrammer(r.machine).eraseSectors([0]), /read-protected \(RDP level 1\)/);
});

test('segments outside flash and OTP are refused, or stored in RAM when asked', () => {
  const r = rig();
  const p = new FlashProgrammer(r.machine);
  assert.throws(() => p.programImage(image([[0x2000_0000, [1]]])), /app\.elf: segment 0x20000000–0x20000000 is in sram1, which is volatile/);
  assert.throws(() => p.programImage(image([[0x080f_fffe, [1, 2, 3]]])), /runs past the end of flash \(0x080FFFFF\)/);
  assert.throws(() => p.programImage(image([[0x3000_0000, [1]]])), /outside every memory region/);
  assert.equal(p.programImage(image([[0x2000_0010, [7]]]), { ram: 'load' }).ramBytes, 1);
  assert.equal(r.bus.read8(0x2000_0010), 7);
});

test('OTP segments are programmed; a locked block is refused', () => {
  const r = rig();
  const p = new FlashProgrammer(r.machine);
  p.programImage(image([[0x1fff_7800, [0x11, 0x22]]]));
  assert.equal(r.bus.read16(0x1fff_7800), 0x2211);
  p.programImage(image([[0x1fff_7a00, [0x00]]]));
  assert.throws(() => p.programImage(image([[0x1fff_7804, [0x33]]])), /OTP block 0 \(0x1FFF7800\) is locked/);
});

test('option bytes are programmed through OPTCR; at level 2 they are frozen', () => {
  const r = rig();
  const p = new FlashProgrammer(r.machine);
  p.programOptionBytes({ ...p.optionBytes, borLevel: 0 });
  assert.equal(r.flash.optionBytes.borLevel, 0);
  p.programOptionBytes({ ...p.optionBytes, rdp: 0xcc });
  assert.throws(() => p.programOptionBytes({ ...p.optionBytes, rdp: 0xaa }), /frozen at RDP level 2/);
});

test('programImage before a run loads flash through the interface as one change of the attached state file', () => {
  const m = new Machine({}, [flashFactory, backupSramFactory]);
  const file = new MemoryNvFile('run.f4s');
  attachStore(m, file);
  const report = programImage(m, image([[0x0800_0000, [1, 2, 3, 4]], [0x2000_0000, [5]]]));
  assert.deepEqual(report.erasedSectors, [0]);
  assert.equal(m.bus.read8(0x2000_0000), 5, 'RAM segments are stored directly');
  const d = decodeFile(file.bytes!, 'run.f4s');
  assert.equal(d.records, 1, 'erase and program are one journal record');
  assert.deepEqual([...d.image.sections.flash.subarray(0, 4)], [1, 2, 3, 4]);
});

// ELF32 reader: a real arm-none-eabi-gcc executable, and every kind of bad file made by mutating it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isElf, parseElf } from '../../src/loaders/elf.js';
import { fixture, userError } from './fixtures.js';

const good = fixture('tiny.elf');
const flashImage = fixture('tiny.bin'); // objcopy -O binary of the same program

function mutated(edit: (bytes: Uint8Array, view: DataView) => void): Uint8Array {
  const bytes = good.slice();
  edit(bytes, new DataView(bytes.buffer));
  return bytes;
}

describe('parseElf: a good executable', () => {
  const image = parseElf(good, 'tiny.elf');

  test('reads the entry point (Thumb bit set)', () => {
    assert.equal(image.entry, 0x0800_0043);
    assert.equal(image.format, 'elf');
  });

  test('places segments by physical address: .data is loaded in flash and runs in SRAM1', () => {
    assert.equal(image.segments.length, 2);
    const [text, data] = image.segments;
    assert.equal(text.address, 0x0800_0000);
    assert.equal(text.data.length, 0xb0);
    assert.equal(text.virtualAddress, undefined);
    assert.deepEqual(text.flags, { read: true, write: false, exec: true });
    assert.equal(data.address, 0x0800_00b0);
    assert.equal(data.virtualAddress, 0x2000_0000);
    assert.equal(data.data.length, 0x14);
    assert.equal(data.memorySize, 0x18);
    assert.deepEqual(data.flags, { read: true, write: true, exec: false });
  });

  test('the segments hold the same bytes objcopy puts in the raw binary', () => {
    const joined = new Uint8Array([...image.segments[0].data, ...image.segments[1].data]);
    assert.deepEqual(joined, flashImage);
  });

  test('lists allocated sections with run and load addresses', () => {
    const byName = Object.fromEntries(image.sections.map((s) => [s.name, s]));
    assert.deepEqual(Object.keys(byName), ['.isr_vector', '.text', '.data', '.bss']);
    assert.equal(byName['.isr_vector'].address, 0x0800_0000);
    assert.equal(byName['.text'].exec, true);
    assert.equal(byName['.data'].address, 0x2000_0000);
    assert.equal(byName['.data'].loadAddress, 0x0800_00b0);
    assert.equal(byName['.data'].write, true);
    assert.equal(byName['.bss'].nobits, true);
    assert.equal(byName['.bss'].loadAddress, byName['.bss'].address);
  });

  test('keeps the .symtab symbols with their types, without mapping symbols', () => {
    const byName = Object.fromEntries(image.symbols.map((s) => [s.name, s]));
    assert.equal(byName.main.type, 'func');
    assert.equal(byName.main.value & 1, 1);
    assert.ok(byName.main.size > 0);
    assert.equal(byName.message.type, 'object');
    assert.equal(byName.message.value, 0x2000_0000);
    assert.equal(byName._estack.value, 0x2002_0000);
    assert.equal(byName.end.value, 0x2000_0018);
    assert.ok(!image.symbols.some((s) => s.name.startsWith('$')));
  });

  test('isElf recognises the magic only', () => {
    assert.equal(isElf(good), true);
    assert.equal(isElf(new TextEncoder().encode(':00000001FF')), false);
  });
});

const demo = new URL('../../firmware/build/demo.elf', import.meta.url);
describe('parseElf: the project firmware', () => {
  test('reads firmware/build/demo.elf: vector table at the start of flash, entry in flash, main among the symbols', () => {
    assert.ok(existsSync(demo), 'firmware/build/demo.elf is committed with the firmware');
    const image = parseElf(new Uint8Array(readFileSync(demo)), 'demo.elf');
    const vectors = image.sections.find((s) => s.name === '.isr_vector');
    assert.equal(vectors?.address, 0x0800_0000);
    assert.ok(image.entry! >= 0x0800_0000 && image.entry! < 0x0810_0000);
    assert.ok(image.symbols.some((s) => s.name === 'main' && s.type === 'func'));
  });
});

describe('parseElf: bad files give one line naming the file and the offset', () => {
  test('bad magic', () => {
    assert.throws(() => parseElf(mutated((b) => (b[0] = 0)), 'x.elf'), userError(/^x\.elf: offset 0x0: bad magic/));
  });

  test('64-bit ELF', () => {
    assert.throws(() => parseElf(mutated((b) => (b[4] = 2)), 'x.elf'), userError(/^x\.elf: offset 0x4: 64-bit ELF/));
  });

  test('big-endian ELF', () => {
    assert.throws(() => parseElf(mutated((b) => (b[5] = 2)), 'x.elf'), userError(/^x\.elf: offset 0x5: big-endian/));
  });

  test('non-ARM machine', () => {
    assert.throws(() => parseElf(mutated((_, v) => v.setUint16(18, 62, true)), 'x.elf'), userError(/^x\.elf: offset 0x12: not an ARM executable \(e_machine 62/));
  });

  test('relocatable object instead of an executable', () => {
    assert.throws(() => parseElf(mutated((_, v) => v.setUint16(16, 1, true)), 'x.elf'), userError(/offset 0x10: relocatable object/));
  });

  test('file shorter than the ELF header', () => {
    assert.throws(() => parseElf(good.slice(0, 30), 'x.elf'), userError(/^x\.elf: offset 0x0: truncated ELF header: needs bytes up to 0x34, the file ends at 0x1E/));
  });

  test('truncated program header table', () => {
    assert.throws(() => parseElf(good.slice(0, 60), 'x.elf'), userError(/^x\.elf: offset 0x34: truncated program header table/));
  });

  test('truncated segment names the segment and its load address', () => {
    assert.throws(() => parseElf(good.slice(0, 0x1010), 'x.elf'), userError(/^x\.elf: offset 0x1000: truncated segment 0 \(LMA 0x08000000\): needs bytes up to 0x10B0, the file ends at 0x1010/));
  });

  test('truncated section header table', () => {
    const shoff = new DataView(good.buffer, good.byteOffset).getUint32(32, true);
    assert.throws(() => parseElf(good.slice(0, shoff + 10), 'x.elf'), userError(/truncated section header table/));
  });

  test('overlapping segments name both address ranges', () => {
    // Move segment 1's load address (p_paddr of the second program header) into segment 0.
    const bad = mutated((_, v) => v.setUint32(52 + 32 + 12, 0x0800_0010, true));
    assert.throws(() => parseElf(bad, 'x.elf'), userError(/^x\.elf: segment 1 at offset 0x2000: data at 0x08000010-0x08000023 overlaps segment 0 at offset 0x1000 at 0x08000000-0x080000AF/));
  });

  test('a segment whose file size exceeds its memory size', () => {
    const bad = mutated((_, v) => v.setUint32(52 + 20, 4, true)); // p_memsz of segment 0
    assert.throws(() => parseElf(bad, 'x.elf'), userError(/^x\.elf: offset 0x34: segment 0 \(LMA 0x08000000\): file size 176 exceeds memory size 4/));
  });

  test('no loadable segment', () => {
    const bad = mutated((_, v) => {
      v.setUint32(52, 0, true);
      v.setUint32(52 + 32, 0, true);
    });
    assert.throws(() => parseElf(bad, 'x.elf'), userError(/no loadable segment/));
  });
});

// The system bus: every region's edges, the sector boundaries, little-endian access of every width,
// read-only memories and the boot alias (RM0090 §2.3-§2.4, memory-map.md §1-§3).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUS_ERROR, Bus, PAGE_SIZE } from '../../src/bus/bus.js';
import { DEVICES, endOf, regionAt, type Region } from '../../src/device/stm32f407.js';
import { Machine } from '../../src/machine.js';

const dev = DEVICES.stm32f407;

function faults(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch (e) {
    if (e === BUS_ERROR) return true;
    throw e;
  }
}

/** What silicon does with a read at an address of a region (memory-map.md §1, §10, §14). */
function readable(bus: Bus, r: Region, address: number): boolean {
  if (r.kind === 'external') return false; // FSMC banks: nothing fitted
  if (r.kind === 'bitband') {
    const target = r.bitbandOf! + ((address - r.start) >>> 5);
    const t = regionAt(dev, target);
    return t !== undefined && readable(bus, t, target);
  }
  return true;
}

describe('Bus: region edges', () => {
  const machine = new Machine({ device: dev });
  const bus = machine.bus;

  for (const r of dev.regions) {
    // The PPB ends with the Cortex-M4 ROM table (0xE00F_F000-0xE00F_FFFF), which the core's system control space does not map yet.
    const todo = r.kind === 'ppb' ? 'needs the Cortex-M4 ROM table at 0xE00F_F000' : undefined;
    test(`${r.name}: first and last byte read as silicon does`, { todo }, () => {
      for (const a of [r.start, endOf(r)]) {
        assert.equal(faults(() => bus.read8(a)), !readable(bus, r, a), `read8 at 0x${a.toString(16)}`);
      }
    });

    const outside = [r.start - 1, endOf(r) + 1].filter((a) => a >= 0 && a <= 0xffff_ffff && regionAt(dev, a) === undefined);
    if (outside.length > 0) {
      test(`${r.name}: the byte just outside is a bus error`, () => {
        for (const a of outside) assert.ok(faults(() => bus.read8(a)), `read8 at 0x${a.toString(16)}`);
      });
    }
  }

  test('the first address past SRAM2 (0x2002_0000) is a bus error, as on a real F407 (BFAR=0x20020000)', () => {
    assert.ok(faults(() => bus.read32(0x2002_0000)));
    assert.ok(faults(() => bus.write32(0x2002_0000, 1)));
  });

  test('every flash sector boundary is readable on both sides', () => {
    for (const s of dev.flashSectors) {
      assert.ok(!faults(() => bus.read32(s.start)));
      assert.ok(!faults(() => bus.read32(endOf(s) - 3)));
    }
  });

  test('F407VE: flash ends at 0x0807_FFFF, the next byte is a bus error', () => {
    const ve = new Bus(DEVICES.stm32f407ve);
    assert.ok(!faults(() => ve.read8(0x0807_ffff)));
    assert.ok(faults(() => ve.read8(0x0808_0000)));
  });
});

describe('Bus: little-endian accesses', () => {
  test('a word reads back as its bytes in little-endian order, and as halfwords', () => {
    const bus = new Bus(dev);
    bus.write32(0x2000_0100, 0x1234_5678);
    assert.deepEqual([0, 1, 2, 3].map((i) => bus.read8(0x2000_0100 + i)), [0x78, 0x56, 0x34, 0x12]);
    assert.equal(bus.read16(0x2000_0100), 0x5678);
    assert.equal(bus.read16(0x2000_0102), 0x1234);
  });

  test('read32 returns a signed int32, read8/read16 unsigned', () => {
    const bus = new Bus(dev);
    bus.write32(0x2000_0000, 0xffff_fffe);
    assert.equal(bus.read32(0x2000_0000), -2);
    assert.equal(bus.read16(0x2000_0000), 0xfffe);
    assert.equal(bus.read8(0x2000_0003), 0xff);
  });

  test('unaligned halfword and word accesses read and write the right bytes', () => {
    const bus = new Bus(dev);
    bus.write32(0x2000_0201, 0xa1b2_c3d4);
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => bus.read8(0x2000_0200 + i)), [0, 0xd4, 0xc3, 0xb2, 0xa1, 0]);
    assert.equal(bus.read32(0x2000_0201) >>> 0, 0xa1b2_c3d4);
    bus.write16(0x2000_0213, 0xbeef);
    assert.equal(bus.read16(0x2000_0213), 0xbeef);
    assert.equal(bus.read8(0x2000_0213), 0xef);
    assert.equal(bus.read8(0x2000_0214), 0xbe);
  });

  test('accesses that cross a 4 KB page boundary reach both pages', () => {
    const bus = new Bus(dev);
    const edge = 0x2000_0000 + PAGE_SIZE;
    for (const [offset, value] of [[-1, 0x0102_0304], [-2, 0x0506_0708], [-3, 0x090a_0b0c]] as const) {
      bus.write32(edge + offset, value);
      assert.equal(bus.read32(edge + offset), value);
      assert.equal(bus.read8(edge + offset), value & 0xff);
      assert.equal(bus.read8(edge + offset + 3), value >>> 24);
    }
    bus.write16(edge - 1, 0x3344);
    assert.equal(bus.read16(edge - 1), 0x3344);
    assert.equal(bus.read8(edge), 0x33);
  });

  test('a word crossing from SRAM1 into SRAM2 is one contiguous access', () => {
    const bus = new Bus(dev);
    bus.write32(0x2001_bffe, 0xcafe_f00d);
    assert.equal(bus.read32(0x2001_bffe) >>> 0, 0xcafe_f00d);
    assert.equal(bus.read16(0x2001_c000), 0xcafe);
  });
});

describe('Bus: memories plain stores cannot change', () => {
  for (const name of ['flash', 'system', 'otp', 'otp-lock', 'option-bytes']) {
    test(`plain stores to ${name} leave it unchanged`, () => {
      const bus = new Bus(dev);
      const r = dev.regions.find((x) => x.name === name)!;
      const view = bus.view(name);
      view.fill(0xa5);
      for (const a of [r.start, endOf(r) - 3]) {
        bus.write32(a, 0);
        bus.write16(a, 0);
        bus.write8(a, 0);
        assert.equal(bus.read32(a) >>> 0, 0xa5a5_a5a5, `${name} at 0x${a.toString(16)}`);
      }
    });
  }
});

describe('Bus: the boot alias at 0x0000_0000 (RM0090 §2.4)', () => {
  test('flash boot: the alias shows main flash, the same bytes, not a copy', () => {
    const bus = new Bus(dev);
    bus.setBootMode('flash');
    bus.view('flash').set([1, 2, 3, 4], 0);
    assert.equal(bus.read32(0), 0x0403_0201);
    assert.equal(bus.memOffset(0), bus.memOffset(0x0800_0000));
    bus.view('flash')[0x1_0000] = 0x77; // later change, seen at once
    assert.equal(bus.read8(0x1_0000), 0x77);
    assert.equal(bus.read8(0xf_ffff), bus.read8(0x080f_ffff));
  });

  test('system boot: the alias shows system memory and faults past its 30 KB', () => {
    const bus = new Bus(dev);
    bus.setBootMode('system');
    bus.view('system')[0x77ff] = 0x31;
    assert.equal(bus.read8(0x77ff), 0x31);
    assert.equal(bus.memOffset(0), bus.memOffset(0x1fff_0000));
    assert.ok(faults(() => bus.read8(0x7800)));
    assert.ok(faults(() => bus.read32(0x7ffc)));
    assert.ok(faults(() => bus.read8(0x8000)));
  });

  test('SRAM boot: a store to SRAM1 is visible through the alias and a store through the alias reaches SRAM1', () => {
    const bus = new Bus(dev);
    bus.setBootMode('sram');
    bus.write32(0x2000_0004, 0x2000_0101);
    assert.equal(bus.read32(4), 0x2000_0101);
    bus.write32(0x8, 0x1234_5678);
    assert.equal(bus.read32(0x2000_0008), 0x1234_5678);
    assert.equal(bus.memOffset(0x100), bus.memOffset(0x2000_0100));
  });

  test('SRAM boot: the alias ends with SRAM1 (112 KB); SRAM2 is not aliased', () => {
    const bus = new Bus(dev);
    bus.setBootMode('sram');
    assert.ok(!faults(() => bus.read8(0x1_bfff)));
    assert.ok(faults(() => bus.read8(0x1_c000)));
  });

  test('switching the boot mode re-points the alias without copying', () => {
    const bus = new Bus(dev);
    bus.view('flash')[0] = 0x11;
    bus.view('system')[0] = 0x22;
    bus.view('sram1')[0] = 0x33;
    bus.setBootMode('system');
    assert.equal(bus.read8(0), 0x22);
    bus.setBootMode('sram');
    assert.equal(bus.read8(0), 0x33);
    bus.setBootMode('flash');
    assert.equal(bus.read8(0), 0x11);
    assert.equal(bus.boot, 'flash');
  });
});

describe('restricted fast-path tables and the access guard (for the MPU)', () => {
  const SRAM = 0x2000_0000;
  const BITBAND = 0x2200_0000;

  function restricted(): { bus: Bus; seen: string[] } {
    const m = new Machine();
    const bus = m.bus;
    const seen: string[] = [];
    const rd = new Int32Array(bus.rd.length).fill(-1);
    const wr = new Int32Array(bus.wr.length).fill(-1);
    const ex = new Int32Array(bus.ex.length).fill(-1);
    bus.useTables(rd, wr, ex, { check: (a, size, write) => void seen.push(`${write ? 'w' : 'r'}${size}@${(a >>> 0).toString(16)}`) });
    return { bus, seen };
  }

  test('an access to a page the tables leave out is checked once, then served from the map', () => {
    const { bus, seen } = restricted();
    bus.write32(SRAM, 0x1234_5678);
    assert.equal(bus.read16(SRAM + 2), 0x1234);
    assert.equal(bus.read8(SRAM + 1), 0x56);
    assert.deepEqual(seen, ['w4@20000000', 'r2@20000002', 'r1@20000001']);
    assert.equal(bus.read32(SRAM + 1) >>> 0, 0x0012_3456, 'unaligned: one check, bytes unchecked');
    assert.equal(seen.at(-1), 'r4@20000001');
    assert.equal(seen.length, 4);
  });

  test('a bit-band alias access is checked at the alias address only', () => {
    const { bus, seen } = restricted();
    bus.write32(BITBAND + 4, 1);
    assert.equal(bus.read32(SRAM) & 2, 2);
    assert.deepEqual(seen, ['w4@22000004', 'r4@20000000']);
  });

  test('a guard that throws stops the access; readUnchecked32 and useMap bypass it', () => {
    const { bus } = restricted();
    bus.write32(SRAM, 7);
    bus.guard = { check: () => { throw new Error('denied'); } };
    assert.throws(() => bus.read32(SRAM), /denied/);
    assert.throws(() => bus.write8(SRAM, 1), /denied/);
    assert.equal(bus.readUnchecked32(SRAM), 7, 'nothing was written');
    assert.notEqual(bus.guard, null, 'the guard is back after the unchecked read');
    bus.useMap();
    assert.equal(bus.fastRd, bus.rd);
    assert.equal(bus.read32(SRAM), 7);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICES, region } from '../../src/device/stm32f407.js';
import { UserError } from '../../src/errors.js';
import { CR, FLASH_KEY1, FLASH_KEY2, FLASH_REG, SR, flashFactory, flashInterfaceOf } from '../../src/flash/interface.js';
import { Machine } from '../../src/machine.js';
import { attachStore } from '../../src/nvstate/attach.js';
import { decodeFile } from '../../src/nvstate/format.js';
import { MemoryNvFile } from '../../src/nvstate/memory-file.js';
import { backupSramFactory } from '../../src/peripherals/bkpsram.js';

const FLASH_REGS = 0x4002_3c00;
const BKPSRAM = region(DEVICES.stm32f407, 'bkpsram').start;

function machine(device = DEVICES.stm32f407): Machine {
  return new Machine({ device }, [flashFactory, backupSramFactory]);
}

/** Programs one word the way firmware does (unlock, PG, store, poll BSY). */
function programWord(m: Machine, address: number, value: number): void {
  if (m.bus.read32(FLASH_REGS + FLASH_REG.CR) & CR.LOCK) {
    m.bus.write32(FLASH_REGS + FLASH_REG.KEYR, FLASH_KEY1);
    m.bus.write32(FLASH_REGS + FLASH_REG.KEYR, FLASH_KEY2);
  }
  m.bus.write32(FLASH_REGS + FLASH_REG.CR, CR.PG | (2 << CR.PSIZE_SHIFT));
  m.bus.write32(address, value);
  while (m.bus.read32(FLASH_REGS + FLASH_REG.SR) & SR.BSY) m.scheduler.fireDue();
}

test('attaching a missing file gives a factory-fresh chip and creates the file', () => {
  const file = new MemoryNvFile('new.f4s');
  const m = machine();
  const state = attachStore(m, file);
  assert.equal(state.created, true);
  assert.ok(file.bytes);
  assert.equal(m.bus.read32(0x0800_0000) >>> 0, 0xffff_ffff);
  assert.equal(m.bus.read32(region(DEVICES.stm32f407, 'uid').start), DEVICES.stm32f407.defaultUid[0], 'the UID comes from the file');
});

test('a word programmed by firmware is in the file at the next group commit, and in the next machine', () => {
  const file = new MemoryNvFile('chip.f4s');
  const first = machine();
  const state = attachStore(first, file);
  programWord(first, 0x0800_4000, 0x1234_5678);
  state.store.syncIfDirty(); // what the run loop does at the end of each slice, and before any output
  // No close: as if the process died right after.
  const second = machine();
  attachStore(second, new MemoryNvFile('chip.f4s', file.bytes));
  assert.equal(second.bus.read32(0x0800_4000), 0x1234_5678);
});

test('option bytes from the file are in force after attach: OPTCR and write protection', () => {
  const file = new MemoryNvFile('wrp.f4s');
  const first = machine();
  const s1 = attachStore(first, file);
  s1.store.image.sections['option-bytes'][8] &= ~1; // nWRP0 = 0, written straight into the bound memory
  s1.store.commit([{ section: 'option-bytes', offset: 8, length: 1 }]);
  s1.store.syncIfDirty();
  const second = machine();
  attachStore(second, new MemoryNvFile('wrp.f4s', file.bytes));
  assert.equal((second.bus.read32(FLASH_REGS + FLASH_REG.OPTCR) >>> 16) & 1, 0);
  assert.equal(flashInterfaceOf(second).optionBytes.nWrp & 1, 0);
});

test('backup SRAM survives between runs only with VBAT', () => {
  const file = new MemoryNvFile('vbat.f4s');
  const a = machine();
  const sa = attachStore(a, file, { vbat: true });
  a.bus.write32(BKPSRAM + 16, 0xfeed_beef);
  sa.rtcBackup[0] = 0x42;
  sa.close();
  const b = machine();
  const sb = attachStore(b, new MemoryNvFile('vbat.f4s', file.bytes), { vbat: true });
  assert.equal(b.bus.read32(BKPSRAM + 16) >>> 0, 0xfeed_beef);
  assert.equal(sb.rtcBackup[0], 0x42);
  const c = machine();
  const noBattery = new MemoryNvFile('vbat.f4s', file.bytes);
  attachStore(c, noBattery, { vbat: false }).close();
  assert.equal(c.bus.read32(BKPSRAM + 16), 0);
  assert.equal(decodeFile(noBattery.bytes!, 'vbat.f4s').image.sections.bkpsram[16], 0, 'a run without battery loses it for good');
});

test('a machine of another part refuses the file', () => {
  const file = new MemoryNvFile('f407.f4s');
  attachStore(machine(), file).close();
  assert.throws(() => attachStore(machine(DEVICES.stm32f407ve), new MemoryNvFile('f407.f4s', file.bytes)), (e) => e instanceof UserError && /belongs to STM32F407VG/.test(e.message));
});

test('checkpoint folds the journal into the image', () => {
  const file = new MemoryNvFile('cp.f4s');
  const m = machine();
  const state = attachStore(m, file);
  programWord(m, 0x0800_0000, 0);
  state.store.syncIfDirty();
  assert.ok(state.store.journalLength > 0);
  state.checkpoint();
  assert.equal(state.store.journalLength, 0);
  assert.equal(decodeFile(file.bytes!, 'cp.f4s').image.sections.flash[0], 0);
});

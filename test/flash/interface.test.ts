import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUS_ERROR } from '../../src/bus/bus.js';
import { DEVICES, IRQ, region } from '../../src/device/stm32f407.js';
import { ACR, CR, FLASH_KEY1, FLASH_KEY2, FLASH_OPTKEY1, SR } from '../../src/flash/interface.js';
import { OPTCR, RDP_LEVEL1, RDP_LEVEL2 } from '../../src/flash/option-bytes.js';
import type { NvChange } from '../../src/nvstate/change.js';
import {
  ACR_ADDR,
  CR_ADDR,
  KEYR_ADDR,
  OPTCR_ADDR,
  OPTKEYR_ADDR,
  PSIZE_X16,
  PSIZE_X32,
  PSIZE_X64,
  PSIZE_X8,
  SR_ADDR,
  eraseSector,
  program,
  programOptions,
  rig,
  unlock,
  unlockOptions,
  waitIdle,
} from './support.js';

const FLASH = 0x0800_0000;
const SECTOR1 = 0x0800_4000;
const OTP = region(DEVICES.stm32f407, 'otp').start;
const OTP_LOCK = region(DEVICES.stm32f407, 'otp-lock').start;
const BKPSRAM = region(DEVICES.stm32f407, 'bkpsram').start;
const FACTORY_OPTCR = 0x0fff_aaed;

function throwsBusError(fn: () => unknown, write: boolean): void {
  assert.throws(fn, (e) => e === BUS_ERROR && BUS_ERROR.write === write);
}

describe('FLASH registers after reset', () => {
  test('ACR, SR, CR and OPTCR hold their reset values (OPTCR loaded from factory option bytes)', () => {
    const r = rig();
    assert.equal(r.bus.read32(ACR_ADDR), 0);
    assert.equal(r.bus.read32(SR_ADDR), 0);
    assert.equal(r.bus.read32(CR_ADDR) >>> 0, 0x8000_0000);
    assert.equal(r.bus.read32(OPTCR_ADDR) >>> 0, FACTORY_OPTCR);
    assert.equal(r.bus.read32(KEYR_ADDR), 0, 'KEYR is write-only');
  });

  test('a fresh chip reads 0xFF in flash and OTP', () => {
    const r = rig();
    assert.equal(r.bus.read32(FLASH) >>> 0, 0xffff_ffff);
    assert.equal(r.bus.read32(0x080f_fffc) >>> 0, 0xffff_ffff);
    assert.equal(r.bus.read32(OTP) >>> 0, 0xffff_ffff);
    assert.equal(r.bus.read8(OTP_LOCK + 15), 0xff);
  });
});

describe('unlock sequences', () => {
  test('KEY1 then KEY2 clears CR.LOCK; writing LOCK sets it again', () => {
    const r = rig();
    unlock(r);
    assert.equal(r.bus.read32(CR_ADDR) & CR.LOCK, 0);
    r.bus.write32(CR_ADDR, CR.LOCK);
    assert.notEqual(r.bus.read32(CR_ADDR) & CR.LOCK, 0);
  });

  test('a wrong key is a bus error and keeps CR locked until the next reset', () => {
    const r = rig();
    r.bus.write32(KEYR_ADDR, FLASH_KEY1);
    throwsBusError(() => r.bus.write32(KEYR_ADDR, 0x1234_5678), true);
    throwsBusError(() => unlock(r), true);
    assert.notEqual(r.bus.read32(CR_ADDR) & CR.LOCK, 0);
    r.machine.reset('system');
    unlock(r);
    assert.equal(r.bus.read32(CR_ADDR) & CR.LOCK, 0);
  });

  test('KEY2 before KEY1 is a wrong sequence', () => {
    const r = rig();
    throwsBusError(() => r.bus.write32(KEYR_ADDR, FLASH_KEY2), true);
  });

  test('writing a key while already unlocked is a bus error that relocks', () => {
    const r = rig();
    unlock(r);
    assert.equal(r.bus.read32(CR_ADDR) & CR.LOCK, 0);
    throwsBusError(() => r.bus.write32(KEYR_ADDR, FLASH_KEY1), true);
    assert.notEqual(r.bus.read32(CR_ADDR) & CR.LOCK, 0);
  });

  test('a byte write to KEYR is a bus error (word access only)', () => {
    const r = rig();
    throwsBusError(() => r.bus.write8(KEYR_ADDR, 0x23), true);
  });

  test('OPTKEY1 then OPTKEY2 clears OPTLOCK; a wrong option key is a bus error and locks OPTCR until reset', () => {
    const r = rig();
    unlockOptions(r);
    assert.equal(r.bus.read32(OPTCR_ADDR) & OPTCR.OPTLOCK, 0);
    r.machine.reset('system');
    assert.notEqual(r.bus.read32(OPTCR_ADDR) & OPTCR.OPTLOCK, 0, 'OPTLOCK is set again at reset');
    r.bus.write32(OPTKEYR_ADDR, FLASH_OPTKEY1);
    throwsBusError(() => r.bus.write32(OPTKEYR_ADDR, FLASH_KEY2), true);
    throwsBusError(() => unlockOptions(r), true);
  });

  test('CR and OPTCR ignore writes while locked', () => {
    const r = rig();
    r.bus.write32(CR_ADDR, CR.PG | PSIZE_X32);
    assert.equal(r.bus.read32(CR_ADDR) >>> 0, CR.LOCK >>> 0);
    r.bus.write32(OPTCR_ADDR, 0);
    assert.equal(r.bus.read32(OPTCR_ADDR) >>> 0, FACTORY_OPTCR);
  });
});

describe('programming', () => {
  test('a word program ANDs into flash, with BSY set until the 16 µs program time has passed', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.PG | PSIZE_X32);
    const t0 = r.machine.scheduler.nowNs();
    r.bus.write32(FLASH, 0x1234_5678);
    assert.equal(r.flash.busy, true);
    assert.equal(waitIdle(r), 1, 'one poll sees BSY for a word program');
    assert.equal(r.machine.scheduler.nowNs() - t0, 16_000);
    assert.equal(r.bus.read32(FLASH) >>> 0, 0x1234_5678);
    r.bus.write32(FLASH, 0xffff_00ff);
    waitIdle(r);
    assert.equal(r.bus.read32(FLASH) >>> 0, 0x1234_0078, 'programming only clears bits');
    assert.equal(r.bus.read32(SR_ADDR), 0, 'no error and no EOP without EOPIE');
  });

  test('x8 and x16 programs take byte and half-word stores', () => {
    const r = rig();
    unlock(r);
    assert.equal(program(r, FLASH + 1, 0xa5, 1, PSIZE_X8), 0);
    assert.equal(program(r, FLASH + 2, 0x1234, 2, PSIZE_X16), 0);
    assert.equal(r.bus.read32(FLASH) >>> 0, 0x1234_a5ff);
  });

  test('x64 programs a double word from two word stores', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.PG | PSIZE_X64);
    r.bus.write32(FLASH + 8, 0x1111_1111);
    assert.equal(r.flash.busy, false, 'the first half only latches');
    r.bus.write32(FLASH + 12, 0x2222_2222);
    waitIdle(r);
    assert.equal(r.bus.read32(FLASH + 8), 0x1111_1111);
    assert.equal(r.bus.read32(FLASH + 12), 0x2222_2222);
  });

  test('an access whose width differs from PSIZE sets PGPERR and writes nothing', () => {
    const r = rig();
    unlock(r);
    assert.equal(program(r, FLASH, 0x00, 1, PSIZE_X32), SR.PGPERR);
    assert.equal(r.bus.read32(FLASH) >>> 0, 0xffff_ffff);
  });

  test('an access crossing a 128-bit row sets PGAERR and writes nothing', () => {
    const r = rig();
    unlock(r);
    assert.equal(program(r, FLASH + 14, 0, 4, PSIZE_X32), SR.PGAERR);
    assert.equal(r.bus.read32(FLASH + 12) >>> 0, 0xffff_ffff);
    assert.equal(r.bus.read32(FLASH + 16) >>> 0, 0xffff_ffff);
  });

  test('a store without PG, or while locked, sets PGSERR and writes nothing', () => {
    const r = rig();
    r.bus.write32(FLASH, 0);
    assert.equal(r.bus.read32(SR_ADDR), SR.PGSERR);
    r.bus.write32(SR_ADDR, SR.PGSERR);
    assert.equal(r.bus.read32(SR_ADDR), 0, 'error flags clear by writing 1');
    unlock(r);
    r.bus.write32(FLASH, 0);
    assert.equal(r.bus.read32(SR_ADDR), SR.PGSERR);
    assert.equal(r.bus.read32(FLASH) >>> 0, 0xffff_ffff);
  });

  test('a program of system memory, the option bytes or the unique ID sets WRPERR; without PG it is PGSERR', () => {
    const r = rig();
    unlock(r);
    for (const name of ['system', 'option-bytes', 'uid']) {
      const a = region(DEVICES.stm32f407, name).start;
      const before = r.bus.read32(a);
      assert.equal(program(r, a, 0, 4), SR.WRPERR, name);
      r.bus.write32(SR_ADDR, SR.ERRORS);
      assert.equal(r.bus.read32(a), before);
      r.bus.write32(a, 0);
      assert.equal(r.bus.read32(SR_ADDR), SR.PGSERR, `${name} without PG`);
      r.bus.write32(SR_ADDR, SR.ERRORS);
    }
  });

  test('a store through the boot alias at 0x0000_0000 programs flash', () => {
    const r = rig();
    unlock(r);
    program(r, 0x0000_0100, 0xcafe_f00d, 4);
    assert.equal(r.bus.read32(FLASH + 0x100) >>> 0, 0xcafe_f00d);
  });
});

describe('erasing', () => {
  test('a sector erase sets the sector to 0xFF, leaves its neighbours, and takes 250 ms at x32', () => {
    const r = rig();
    unlock(r);
    program(r, SECTOR1 - 4, 0, 4);
    program(r, SECTOR1, 0, 4);
    program(r, SECTOR1 + 0x4000, 0, 4);
    const t0 = r.machine.scheduler.nowNs();
    assert.equal(eraseSector(r, 1), 0);
    assert.equal(r.machine.scheduler.nowNs() - t0, 250e6);
    assert.equal(r.bus.read32(SECTOR1) >>> 0, 0xffff_ffff);
    assert.equal(r.bus.read32(SECTOR1 - 4), 0, 'sector 0 untouched');
    assert.equal(r.bus.read32(SECTOR1 + 0x4000), 0, 'sector 2 untouched');
  });

  test('STRT reads 1 while the erase runs and clears with BSY', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.SER | (2 << CR.SNB_SHIFT) | PSIZE_X32 | CR.STRT);
    assert.notEqual(r.bus.read32(CR_ADDR) & CR.STRT, 0);
    assert.notEqual(r.bus.read32(SR_ADDR) & SR.BSY, 0);
    waitIdle(r);
    assert.equal(r.bus.read32(CR_ADDR) & CR.STRT, 0);
  });

  test('a mass erase erases every sector and leaves OTP', () => {
    const r = rig();
    unlock(r);
    program(r, FLASH, 0, 4);
    program(r, 0x080e_0000, 0, 4);
    program(r, OTP, 0, 4);
    r.bus.write32(CR_ADDR, CR.MER | PSIZE_X32 | CR.STRT);
    waitIdle(r);
    assert.equal(r.bus.read32(FLASH) >>> 0, 0xffff_ffff);
    assert.equal(r.bus.read32(0x080e_0000) >>> 0, 0xffff_ffff);
    assert.equal(r.bus.read32(OTP), 0);
  });

  test('SNB beyond the last sector sets WRPERR (sector 8 on a 512 KB part)', () => {
    const r = rig({ device: DEVICES.stm32f407ve });
    unlock(r);
    assert.equal(eraseSector(r, 8), SR.WRPERR);
    const big = rig();
    unlock(big);
    assert.equal(eraseSector(big, 12), SR.WRPERR);
  });

  test('STRT with neither SER nor MER does nothing and sets no flag', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.STRT | PSIZE_X32);
    assert.equal(r.flash.busy, false);
    assert.equal(r.bus.read32(SR_ADDR), 0);
  });
});

describe('BSY stalls and polling', () => {
  test('a flash read during an erase waits for its end: emulated time jumps to it and the data is erased', () => {
    const r = rig();
    unlock(r);
    program(r, SECTOR1, 0, 4);
    r.bus.write32(CR_ADDR, CR.SER | (1 << CR.SNB_SHIFT) | PSIZE_X32 | CR.STRT);
    const t0 = r.machine.scheduler.nowNs();
    assert.equal(r.bus.read32(SECTOR1) >>> 0, 0xffff_ffff);
    assert.equal(r.machine.scheduler.nowNs() - t0, 250e6);
    assert.equal(r.flash.busy, false);
  });

  test('an instruction fetch from flash during BSY completes the operation first', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.PG | PSIZE_X32);
    r.bus.write32(FLASH, 0x4770_4770);
    assert.equal(r.flash.busy, true);
    const off = r.bus.fetchOffset(FLASH);
    assert.equal(r.flash.busy, false);
    assert.equal(r.bus.mem32[off >> 2] >>> 0, 0x4770_4770);
  });

  test('a read through the boot alias during BSY waits for the end; then flash and the alias are back on the fast path', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.PG | PSIZE_X32);
    r.bus.write32(FLASH + 0x100, 0x1234_5678);
    assert.equal(r.flash.busy, true);
    assert.equal(r.bus.rd[0], -1, 'the alias left the fast path with flash');
    assert.equal(r.bus.read32(0x0000_0100) >>> 0, 0x1234_5678);
    assert.equal(r.flash.busy, false);
    assert.equal(r.bus.rd[0], r.bus.offsetOf('flash'));
    assert.equal(r.bus.ex[FLASH >>> 12], r.bus.offsetOf('flash'));
  });

  test('a CR write during BSY completes the operation before it takes effect', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.SER | (1 << CR.SNB_SHIFT) | PSIZE_X32 | CR.STRT);
    r.bus.write32(CR_ADDR, CR.SER | (2 << CR.SNB_SHIFT) | PSIZE_X32 | CR.STRT);
    assert.equal(r.flash.busy, true, 'the second erase started after the first ended');
    waitIdle(r);
    assert.equal(r.machine.scheduler.nowNs(), 500e6);
  });

  test('each FLASH_SR read that sees BSY advances emulated time by at most 1 ms', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.SER | (4 << CR.SNB_SHIFT) | PSIZE_X32 | CR.STRT); // 64 KB: 550 ms
    assert.equal(waitIdle(r), 550);
    assert.equal(r.machine.scheduler.nowNs(), 550e6);
  });

  test('a poll stops at another alarm that falls due first, so that it fires in time', () => {
    const r = rig();
    const fired: number[] = [];
    const other = r.machine.scheduler.createAlarm('tick', () => fired.push(r.machine.scheduler.nowNs()));
    unlock(r);
    r.bus.write32(CR_ADDR, CR.SER | (1 << CR.SNB_SHIFT) | PSIZE_X32 | CR.STRT);
    other.scheduleNs(300_000);
    waitIdle(r);
    assert.deepEqual(fired, [300_000]);
  });

  test('a reset during an operation aborts it and leaves memory unchanged', () => {
    const r = rig();
    unlock(r);
    program(r, SECTOR1, 0, 4);
    r.bus.write32(CR_ADDR, CR.SER | (1 << CR.SNB_SHIFT) | PSIZE_X32 | CR.STRT);
    r.machine.reset('system');
    assert.equal(r.flash.busy, false);
    assert.equal(r.bus.read32(SECTOR1), 0);
  });
});

describe('status flags and interrupts', () => {
  test('EOP is set at the end of an operation only with EOPIE, and drives the FLASH interrupt', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.PG | PSIZE_X32 | CR.EOPIE);
    r.bus.write32(FLASH, 0);
    waitIdle(r);
    assert.equal(r.bus.read32(SR_ADDR), SR.EOP);
    assert.deepEqual(r.irqs.at(-1), [IRQ.FLASH, true]);
    r.bus.write32(SR_ADDR, SR.EOP);
    assert.deepEqual(r.irqs.at(-1), [IRQ.FLASH, false]);
  });

  test('with ERRIE an error also sets OPERR and raises the FLASH interrupt', () => {
    const r = rig();
    unlock(r);
    r.bus.write32(CR_ADDR, CR.PG | PSIZE_X32 | CR.ERRIE);
    r.bus.write8(FLASH, 0);
    assert.equal(r.bus.read32(SR_ADDR), SR.PGPERR | SR.OPERR);
    assert.deepEqual(r.irqs.at(-1), [IRQ.FLASH, true]);
  });

  test('errors are logged on the flash channel', () => {
    const r = rig();
    r.bus.write32(FLASH, 0);
    assert.ok(r.logs.some((l) => l.startsWith('flash: PGSERR')), r.logs.join('\n'));
  });
});

describe('write protection (nWRP)', () => {
  test('erase and program of a protected sector set WRPERR and change nothing; the change is in force without reset', () => {
    const r = rig();
    unlock(r);
    program(r, FLASH + 0x10, 0x55, 4);
    assert.equal(programOptions(r, FACTORY_OPTCR & ~(1 << 16)), 0);
    assert.equal(eraseSector(r, 0), SR.WRPERR);
    assert.equal(r.bus.read32(FLASH + 0x10), 0x55);
    r.bus.write32(SR_ADDR, SR.ERRORS);
    assert.equal(program(r, FLASH, 0, 4), SR.WRPERR);
    assert.equal(r.bus.read32(FLASH) >>> 0, 0xffff_ffff);
    r.bus.write32(SR_ADDR, SR.ERRORS);
    assert.equal(eraseSector(r, 1), 0, 'other sectors stay writable');
  });

  test('a mass erase with any protected sector sets WRPERR', () => {
    const r = rig();
    unlock(r);
    program(r, FLASH, 0, 4);
    programOptions(r, FACTORY_OPTCR & ~(1 << (16 + 11)));
    r.bus.write32(CR_ADDR, CR.MER | PSIZE_X32 | CR.STRT);
    assert.equal(r.bus.read32(SR_ADDR), SR.WRPERR);
    assert.equal(r.bus.read32(FLASH), 0);
  });
});

describe('option bytes', () => {
  test('the factory option bytes read at 0x1FFF_C000 with their complements', () => {
    const r = rig();
    const ob = region(DEVICES.stm32f407, 'option-bytes').start;
    assert.equal(r.bus.read32(ob) >>> 0, 0x5500_aaff);
    assert.equal(r.bus.read32(ob + 4) >>> 0, 0xffff_ffff);
    assert.equal(r.bus.read32(ob + 8) >>> 0, 0x0000_ffff);
  });

  test('OPTSTRT programs OPTCR into the option bytes, and every reset reloads OPTCR from them', () => {
    const r = rig();
    const value = 0x0ffe_aac0 | (1 << 2); // nWRP0 = 0, WDG_SW = 0, nRST_STOP = 1, nRST_STDBY = 1, BOR level 2
    assert.equal(programOptions(r, value), 0);
    const ob = region(DEVICES.stm32f407, 'option-bytes').start;
    assert.equal(r.bus.read8(ob), 0xc4 | 0x13);
    assert.equal(r.bus.read16(ob + 8), 0xfffe);
    assert.equal(r.bus.read16(ob + 10), 0x0001);
    r.bus.write32(OPTCR_ADDR, 0x0fff_aaec); // unlocked: a pending edit that is never started
    r.machine.reset('system');
    assert.equal(r.bus.read32(OPTCR_ADDR) >>> 0, value | OPTCR.OPTLOCK);
  });

  test('WDG_SW takes effect at the next reset', () => {
    const r = rig();
    assert.equal(r.flash.wdgSw, true);
    programOptions(r, FACTORY_OPTCR & ~OPTCR.WDG_SW);
    assert.equal(r.flash.wdgSw, true);
    r.machine.reset('system');
    assert.equal(r.flash.wdgSw, false);
  });

  test('HAL-style byte writes to OPTCR byte 1 change only RDP', () => {
    const r = rig();
    unlockOptions(r);
    r.bus.write8(OPTCR_ADDR + 1, RDP_LEVEL1);
    assert.equal(r.bus.read32(OPTCR_ADDR) >>> 0, (FACTORY_OPTCR & ~0xff01) | (RDP_LEVEL1 << 8));
  });
});

describe('read protection (RDP)', () => {
  function level1(): ReturnType<typeof rig> {
    const r = rig();
    programOptions(r, (FACTORY_OPTCR & ~0xff00) | (RDP_LEVEL1 << 8));
    assert.equal(r.flash.rdpLevel, 1);
    return r;
  }

  test('level 1 with a debugger attached: flash, OTP and backup SRAM reads are bus errors, flash programs WRPERR', () => {
    const r = level1();
    r.flash.debuggerAttached = true;
    throwsBusError(() => r.bus.read32(FLASH), false);
    throwsBusError(() => r.bus.read32(0x0000_0000), false);
    throwsBusError(() => r.bus.read8(OTP), false);
    throwsBusError(() => r.bus.read32(BKPSRAM), false);
    assert.equal(r.bus.fetchOffset(FLASH), -1, 'no instruction fetch either');
    unlock(r);
    assert.equal(program(r, FLASH, 0, 4), SR.WRPERR);
    assert.equal(r.bus.read8(region(DEVICES.stm32f407, 'option-bytes').start + 1), RDP_LEVEL1, 'option bytes stay readable');
  });

  test('level 1: the restriction outlives the debugger until a power-on reset', () => {
    const r = level1();
    r.flash.debuggerAttached = true;
    r.flash.debuggerAttached = false;
    // The interface's own resets: the core's reset would fetch its vectors from the blocked flash.
    r.flash.reset('system');
    throwsBusError(() => r.bus.read32(FLASH), false);
    r.flash.reset('power-on');
    assert.equal(r.bus.read32(FLASH) >>> 0, 0xffff_ffff);
  });

  test('level 1: booting from SRAM blocks flash; booting from flash allows everything', () => {
    const r = level1();
    r.machine.boot0 = 1;
    r.machine.boot1 = 1;
    r.machine.reset('system');
    throwsBusError(() => r.bus.read32(FLASH), false);
    r.machine.boot0 = 0;
    r.machine.reset('system');
    assert.equal(r.bus.read32(FLASH) >>> 0, 0xffff_ffff);
    unlock(r);
    assert.equal(program(r, FLASH, 0x1234, 4), 0);
  });

  test('level 1 → 0 mass-erases flash and backup SRAM, keeps OTP', () => {
    const r = level1();
    unlock(r);
    program(r, FLASH, 0, 4);
    program(r, OTP, 0, 4);
    r.bus.write32(BKPSRAM, 0xdead_beef);
    r.bus.write32(CR_ADDR, PSIZE_X32); // the parallelism of the erase comes from FLASH_CR.PSIZE
    const t0 = r.machine.scheduler.nowNs();
    assert.equal(programOptions(r, FACTORY_OPTCR), 0);
    assert.equal(r.machine.scheduler.nowNs() - t0, 250e6 + 8e9, 'option programming plus a mass erase');
    assert.equal(r.flash.rdpLevel, 0);
    assert.equal(r.bus.read32(FLASH) >>> 0, 0xffff_ffff);
    assert.equal(r.bus.read32(BKPSRAM), 0);
    assert.equal(r.bus.read32(OTP), 0);
  });

  test('level 2 freezes the option bytes, ignores the boot pins and closes the debug port', () => {
    const r = rig();
    programOptions(r, (FACTORY_OPTCR & ~0xff00) | (RDP_LEVEL2 << 8));
    assert.equal(r.flash.rdpLevel, 2);
    assert.equal(r.flash.debugPortEnabled, false);
    r.flash.debuggerAttached = true;
    assert.equal(r.flash.debuggerAttached, false);
    assert.equal(programOptions(r, FACTORY_OPTCR), SR.WRPERR);
    assert.equal(r.flash.rdpLevel, 2);
    r.machine.boot0 = 1;
    r.machine.reset('power-on');
    assert.equal(r.bus.boot, 'flash');
    assert.equal(r.bus.read32(FLASH) >>> 0, 0xffff_ffff, 'flash stays readable to code booted from flash');
  });
});

describe('OTP', () => {
  test('OTP programs like flash; after its lock byte is 0x00 a program sets WRPERR and writes nothing', () => {
    const r = rig();
    unlock(r);
    assert.equal(program(r, OTP + 32, 0x11, 1, PSIZE_X8), 0);
    assert.equal(program(r, OTP_LOCK + 1, 0x00, 1, PSIZE_X8), 0);
    assert.equal(program(r, OTP + 33, 0x22, 1, PSIZE_X8), SR.WRPERR);
    assert.equal(r.bus.read8(OTP + 33), 0xff);
    r.bus.write32(SR_ADDR, SR.ERRORS);
    assert.equal(program(r, OTP, 0x33, 1, PSIZE_X8), 0, 'block 0 is still open');
  });
});

describe('FLASH_ACR', () => {
  test('LATENCY, PRFTEN, ICEN and DCEN are stored; ICRST is ignored while ICEN is set', () => {
    const r = rig();
    r.bus.write32(ACR_ADDR, 5 | ACR.PRFTEN | ACR.ICEN | ACR.DCEN);
    assert.equal(r.bus.read32(ACR_ADDR), 5 | ACR.PRFTEN | ACR.ICEN | ACR.DCEN);
    r.bus.write32(ACR_ADDR, 5 | ACR.PRFTEN | ACR.ICEN | ACR.DCEN | ACR.ICRST | ACR.DCRST);
    assert.equal(r.bus.read32(ACR_ADDR) & (ACR.ICRST | ACR.DCRST), 0);
    r.bus.write32(ACR_ADDR, 5);
    r.bus.write32(ACR_ADDR, 5 | ACR.ICRST | ACR.DCRST);
    assert.equal(r.bus.read32(ACR_ADDR), 5 | ACR.ICRST | ACR.DCRST);
  });

  test('a clock too fast for LATENCY is reported on the flash channel', () => {
    const r = rig();
    r.machine.scheduler.setFrequency(168e6);
    assert.ok(r.logs.some((l) => l.includes('LATENCY = 0') && l.includes('needs 5')), r.logs.join('\n'));
    const n = r.logs.length;
    r.bus.write32(ACR_ADDR, 5);
    r.machine.scheduler.setFrequency(160e6);
    assert.equal(r.logs.length, n, 'no warning with enough wait states');
  });
});

describe('durability hook', () => {
  test('every completed operation is committed to the sink before BSY clears', () => {
    const r = rig();
    const seen: Array<{ changes: readonly NvChange[]; bsy: boolean }> = [];
    r.flash.sink = { commit: (changes) => void seen.push({ changes, bsy: (r.bus.read32(SR_ADDR) & SR.BSY) !== 0 }) };
    unlock(r);
    program(r, FLASH + 4, 0, 4);
    eraseSector(r, 3);
    assert.deepEqual(seen, [
      { changes: [{ section: 'flash', offset: 4, length: 4 }], bsy: true },
      { changes: [{ section: 'flash', offset: 0xc000, length: 0x4000, fill: 0xff }], bsy: true },
    ]);
  });
});

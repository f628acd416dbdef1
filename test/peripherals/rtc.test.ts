// The RTC (src/peripherals/rtc.ts): write protection, calendar, alarms, wakeup, tamper and the backup
// registers across every kind of reset, driven through the bus like firmware.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CORE_BLOCKS, IRQ, region } from '../../src/device/stm32f407.js';
import type { Image } from '../../src/loaders/image.js';
import type { Machine } from '../../src/machine.js';
import { attachStore } from '../../src/nvstate/attach.js';
import { MemoryNvFile } from '../../src/nvstate/memory-file.js';
import { extiOf, peripheralOf, pinOf, rccOf } from '../../src/peripherals/index.js';
import { BackupSram } from '../../src/peripherals/bkpsram.js';
import { PWR_CR, PWR_REG } from '../../src/peripherals/pwr.js';
import { BDCR, CSR, RCC_REG } from '../../src/peripherals/rcc.js';
import { RTC_CR, RTC_ISR, RTC_REG, RTC_TAFCR, Rtc } from '../../src/peripherals/rtc.js';
import { advanceNs, chip, clearBits, irqLevel, read, reg, setBits, write } from './support.js';

const EXTI_PR = 0x14;
const EXTI_IMR = 0x00;
const EXTI_RTSR = 0x08;
const PWREN = 1 << 28;
const BKP = (n: number) => RTC_REG.BKP0R + 4 * n;
/** PREDIV_A = 127, PREDIV_S = 249: 1 Hz from the 32 kHz LSI. */
const PRER_LSI = (127 << 16) | 249;
const SECOND = 1e9;

const rtcOf = (m: Machine): Rtc => peripheralOf(m, 'RTC', Rtc)!;

/** PWR clock on, DBP = 1. */
function openBackupDomain(m: Machine): void {
  setBits(m, 'RCC', RCC_REG.APB1ENR, PWREN);
  setBits(m, 'PWR', PWR_REG.CR, PWR_CR.DBP);
}

/** A chip whose RTC runs on the LSI (RTCSEL = 2, RTCEN = 1), backup domain writable. */
function rtcChip(): Machine {
  const m = chip();
  openBackupDomain(m);
  setBits(m, 'RCC', RCC_REG.CSR, CSR.LSION);
  advanceNs(m, 100_000);
  write(m, 'RCC', RCC_REG.BDCR, (2 << BDCR.RTCSEL_SHIFT) | BDCR.RTCEN);
  return m;
}

function unlock(m: Machine): void {
  write(m, 'RTC', RTC_REG.WPR, 0xca);
  write(m, 'RTC', RTC_REG.WPR, 0x53);
}

/** As HAL_RTC_SetTime/SetDate: unlock, INIT, wait INITF, PRER, TR, DR, leave INIT, wait RSF. */
function setCalendar(m: Machine, tr: number, dr: number, cr = 0): void {
  unlock(m);
  write(m, 'RTC', RTC_REG.ISR, RTC_ISR.INIT);
  advanceNs(m, 100_000);
  assert.ok(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.INITF, 'INITF');
  write(m, 'RTC', RTC_REG.CR, cr);
  write(m, 'RTC', RTC_REG.PRER, PRER_LSI);
  write(m, 'RTC', RTC_REG.TR, tr);
  write(m, 'RTC', RTC_REG.DR, dr);
  write(m, 'RTC', RTC_REG.ISR, 0);
  advanceNs(m, 200_000);
}

/** As HAL's __HAL_RTC_xxx_CLEAR_FLAG: rc_w0 flags, INIT written as 0. */
function clearFlag(m: Machine, flag: number): void {
  write(m, 'RTC', RTC_REG.ISR, ~(flag | RTC_ISR.INIT));
}

/** TR then DR, as firmware reads them (TR locks DR). */
function now(m: Machine): [number, number] {
  const tr = read(m, 'RTC', RTC_REG.TR);
  return [tr, read(m, 'RTC', RTC_REG.DR)];
}

const hex = (v: number) => '0x' + v.toString(16);

describe('RTC registers', () => {
  test('reset values of RM0090 §26.6: DR 0x2101, ISR 0x7, PRER 0x7F00FF, WUTR 0xFFFF', () => {
    const m = chip();
    assert.equal(read(m, 'RTC', RTC_REG.TR), 0);
    assert.equal(read(m, 'RTC', RTC_REG.DR), 0x2101);
    assert.equal(read(m, 'RTC', RTC_REG.ISR), 0x7);
    assert.equal(read(m, 'RTC', RTC_REG.PRER), 0x007f_00ff);
    assert.equal(read(m, 'RTC', RTC_REG.WUTR), 0xffff);
  });

  test('firmware touching the RTC no longer hits the unimplemented-register log', () => {
    const logged: string[] = [];
    const m = chip({ log: (ch, msg) => logged.push(`${ch}: ${msg}`) });
    openBackupDomain(m);
    unlock(m);
    const offsets = [RTC_REG.TR, RTC_REG.DR, RTC_REG.CR, RTC_REG.ISR, RTC_REG.PRER, RTC_REG.WUTR, RTC_REG.ALRMAR, RTC_REG.SSR];
    for (const off of [...offsets, RTC_REG.TAFCR, RTC_REG.TSTR, BKP(0), BKP(19)]) read(m, 'RTC', off);
    write(m, 'RTC', BKP(3), 1);
    assert.deepEqual(logged.filter((l) => l.includes('RTC')), []);
  });

  test('with DBP = 0 every write is ignored, backup registers and the key included', () => {
    const m = chip();
    write(m, 'RTC', BKP(0), 0x1234);
    unlock(m);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.FMT);
    assert.equal(read(m, 'RTC', BKP(0)), 0);
    assert.equal(read(m, 'RTC', RTC_REG.CR), 0);
  });

  test('backup registers need only DBP; CR needs the 0xCA, 0x53 key; a wrong key locks again', () => {
    const m = chip();
    openBackupDomain(m);
    write(m, 'RTC', BKP(0), 0xb007_10ad);
    write(m, 'RTC', BKP(19), 0x55aa);
    assert.equal(read(m, 'RTC', BKP(0)), 0xb007_10ad);
    assert.equal(read(m, 'RTC', BKP(19)), 0x55aa);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.FMT);
    assert.equal(read(m, 'RTC', RTC_REG.CR), 0, 'locked');
    write(m, 'RTC', RTC_REG.WPR, 0x53);
    write(m, 'RTC', RTC_REG.WPR, 0xca);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.FMT);
    assert.equal(read(m, 'RTC', RTC_REG.CR), 0, 'keys in the wrong order');
    unlock(m);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.FMT);
    assert.equal(read(m, 'RTC', RTC_REG.CR), RTC_CR.FMT);
    write(m, 'RTC', RTC_REG.WPR, 0xff);
    write(m, 'RTC', RTC_REG.CR, 0);
    assert.equal(read(m, 'RTC', RTC_REG.CR), RTC_CR.FMT, 'locked again');
  });

  test('with RTCEN = 0 registers read and write but INITF never rises', () => {
    const m = chip();
    openBackupDomain(m);
    unlock(m);
    write(m, 'RTC', RTC_REG.ISR, RTC_ISR.INIT);
    advanceNs(m, 10 * SECOND);
    assert.equal(read(m, 'RTC', RTC_REG.ISR) & (RTC_ISR.INIT | RTC_ISR.INITF), RTC_ISR.INIT);
  });

  test('TR, DR and PRER are written only in INIT mode, once INITF is set', () => {
    const m = rtcChip();
    unlock(m);
    write(m, 'RTC', RTC_REG.TR, 0x12_3456);
    assert.equal(read(m, 'RTC', RTC_REG.TR), 0);
    write(m, 'RTC', RTC_REG.ISR, RTC_ISR.INIT);
    write(m, 'RTC', RTC_REG.TR, 0x12_3456);
    assert.equal(read(m, 'RTC', RTC_REG.TR), 0, 'INITF not yet set');
    advanceNs(m, 100_000);
    write(m, 'RTC', RTC_REG.TR, 0x12_3456);
    write(m, 'RTC', RTC_REG.PRER, PRER_LSI);
    assert.equal(read(m, 'RTC', RTC_REG.TR), 0x12_3456);
    assert.equal(read(m, 'RTC', RTC_REG.PRER), PRER_LSI);
  });
});

describe('RTC calendar', () => {
  test('counts seconds from RTCCLK: 90 s after 23:59:00 on 31 Dec 2099 it is 00:00:30, 1 Jan 2000', () => {
    const m = rtcChip();
    setCalendar(m, 0x23_5900, 0x99_9231); // Thursday (4) 31.12.99
    advanceNs(m, 90.5 * SECOND);
    assert.deepEqual(now(m).map(hex), [hex(0x00_0030), hex(0x00_a101)]); // Friday 01.01.00
  });

  test('month lengths and leap years: 28 Feb 2023 + 1 day is 1 March, 28 Feb 2024 + 1 day is 29 Feb', () => {
    const m = rtcChip();
    setCalendar(m, 0x12_0000, 0x23_4228); // Tuesday 28.02.23
    advanceNs(m, 86_400.5 * SECOND);
    assert.deepEqual(now(m).map(hex), [hex(0x12_0000), hex(0x23_6301)]);
    setCalendar(m, 0x12_0000, 0x24_6228); // Wednesday 28.02.24
    advanceNs(m, 86_400.5 * SECOND);
    assert.deepEqual(now(m).map(hex), [hex(0x12_0000), hex(0x24_8229)]);
    setCalendar(m, 0x12_0000, 0x24_a430); // Friday 30.04.24
    advanceNs(m, 86_400.5 * SECOND);
    assert.equal(now(m)[1], 0x24_c501); // Saturday 01.05.24
  });

  test('the sub-second counter SSR counts down from PREDIV_S at ck_apre', () => {
    const m = rtcChip();
    setCalendar(m, 0, 0x2101);
    advanceNs(m, 0.5 * SECOND);
    const ss = read(m, 'RTC', RTC_REG.SSR);
    read(m, 'RTC', RTC_REG.DR);
    assert.ok(ss > 120 && ss < 130, `SSR ${ss}`);
  });

  test('on the LSE (RTCSEL = 1, 32.768 kHz) the reset prescalers (127, 255) give 1 Hz; with RTCEN = 0 it stands still', () => {
    const m = chip();
    rccOf(m)!.setExternalClocks({ lseHz: 32_768 });
    openBackupDomain(m);
    write(m, 'RCC', RCC_REG.BDCR, BDCR.LSEON);
    advanceNs(m, 2.1 * SECOND);
    write(m, 'RCC', RCC_REG.BDCR, BDCR.LSEON | (1 << BDCR.RTCSEL_SHIFT) | BDCR.RTCEN);
    read(m, 'RTC', RTC_REG.ISR);
    advanceNs(m, 10.01 * SECOND);
    assert.equal(now(m)[0], 0x10);
    clearBits(m, 'RCC', RCC_REG.BDCR, BDCR.RTCEN);
    read(m, 'RTC', RTC_REG.ISR);
    advanceNs(m, 10 * SECOND);
    assert.equal(now(m)[0], 0x10);
  });

  test('12-hour format: 11:59:59 AM becomes 12:00:00 PM', () => {
    const m = rtcChip();
    setCalendar(m, 0x11_5959, 0x2101, RTC_CR.FMT);
    advanceNs(m, 1.5 * SECOND);
    assert.equal(now(m)[0], (1 << 22) | 0x12_0000);
  });

  test('reading TR freezes DR until DR is read; with BYPSHAD the counters are read directly', () => {
    const m = rtcChip();
    setCalendar(m, 0x23_5959, 0x2101);
    const tr = read(m, 'RTC', RTC_REG.TR);
    advanceNs(m, 2 * SECOND);
    assert.equal(read(m, 'RTC', RTC_REG.DR), 0x2101, 'DR as it was when TR was read');
    assert.equal(tr, 0x23_5959);
    assert.equal(read(m, 'RTC', RTC_REG.DR), 0x4102, 'next read: fresh');
    unlock(m);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.BYPSHAD);
    read(m, 'RTC', RTC_REG.TR);
    advanceNs(m, 86_400 * SECOND);
    assert.equal(read(m, 'RTC', RTC_REG.DR), 0x6103);
  });

  test('RSF: cleared by software, it comes back after the next shadow copy; a system reset clears it', () => {
    const m = rtcChip();
    setCalendar(m, 0, 0x2101);
    assert.ok(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.RSF);
    clearFlag(m, RTC_ISR.RSF);
    assert.equal(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.RSF, 0);
    advanceNs(m, 100_000);
    assert.ok(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.RSF);
    m.reset('system');
    assert.equal(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.RSF, 0);
  });

  test('a system reset keeps the calendar running and the key state', () => {
    const m = rtcChip();
    setCalendar(m, 0x10_0000, 0x2101);
    m.reset('system');
    openBackupDomain(m);
    advanceNs(m, 5.5 * SECOND);
    assert.equal(now(m)[0], 0x10_0005);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.FMT);
    assert.equal(read(m, 'RTC', RTC_REG.CR), RTC_CR.FMT, 'still unlocked: "not affected by system reset"');
  });
});

describe('RTC alarms, wakeup and tamper', () => {
  function extiRising(m: Machine, line: number): void {
    setBits(m, 'EXTI', EXTI_IMR, 1 << line);
    setBits(m, 'EXTI', EXTI_RTSR, 1 << line);
  }

  test('alarm A at hh:mm:05 (hours and date masked) sets ALRAF and raises RTC_Alarm through EXTI 17', () => {
    const m = rtcChip();
    setCalendar(m, 0x08_0000, 0x2101);
    extiRising(m, 17);
    unlock(m);
    write(m, 'RTC', RTC_REG.ALRMAR, (1 << 31) | (1 << 23) | 0x00_0005);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.ALRAE | RTC_CR.ALRAIE);
    assert.equal(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.ALRAWF, 0);
    advanceNs(m, 4.9 * SECOND);
    assert.equal(irqLevel(m, IRQ.RTC_Alarm), false);
    advanceNs(m, 0.2 * SECOND); // no register access: the scheduler's alarm brings it
    assert.equal(irqLevel(m, IRQ.RTC_Alarm), true);
    assert.ok(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.ALRAF);
    clearFlag(m, RTC_ISR.ALRAF);
    write(m, 'EXTI', EXTI_PR, 1 << 17);
    assert.equal(irqLevel(m, IRQ.RTC_Alarm), false);
  });

  test('alarm B with weekday selection fires on the next Wednesday only', () => {
    const m = rtcChip();
    setCalendar(m, 0x23_5958, 0x2101); // Monday
    unlock(m);
    write(m, 'RTC', RTC_REG.ALRMBR, (1 << 30) | (3 << 24)); // WDSEL, Wednesday, 00:00:00
    write(m, 'RTC', RTC_REG.CR, RTC_CR.ALRBE);
    advanceNs(m, 3 * SECOND); // Tuesday 00:00:01
    assert.equal(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.ALRBF, 0);
    advanceNs(m, 86_400 * SECOND);
    assert.ok(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.ALRBF);
  });

  test('the wakeup timer on ck_spre with WUT = 2 sets WUTF every 3 s and raises RTC_WKUP through EXTI 22', () => {
    const m = rtcChip();
    setCalendar(m, 0, 0x2101);
    extiRising(m, 22);
    unlock(m);
    write(m, 'RTC', RTC_REG.WUTR, 2);
    write(m, 'RTC', RTC_REG.CR, 4 | RTC_CR.WUTE | RTC_CR.WUTIE);
    advanceNs(m, 2.9 * SECOND);
    assert.equal(extiOf(m)!.pending & (1 << 22), 0);
    advanceNs(m, 0.2 * SECOND);
    assert.ok(extiOf(m)!.pending & (1 << 22));
    assert.equal(irqLevel(m, IRQ.RTC_WKUP), true);
    clearFlag(m, RTC_ISR.WUTF);
    write(m, 'EXTI', EXTI_PR, 1 << 22);
    advanceNs(m, 3 * SECOND);
    assert.ok(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.WUTF);
  });

  test('WUTR is writable only while WUTE = 0', () => {
    const m = rtcChip();
    unlock(m);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.WUTE);
    write(m, 'RTC', RTC_REG.WUTR, 5);
    assert.equal(read(m, 'RTC', RTC_REG.WUTR), 0xffff);
    clearBits(m, 'RTC', RTC_REG.CR, RTC_CR.WUTE);
    write(m, 'RTC', RTC_REG.WUTR, 5);
    assert.equal(read(m, 'RTC', RTC_REG.WUTR), 5);
  });

  test('a rising edge on PC13 with TAMP1E sets TAMP1F, erases the backup registers and raises TAMP_STAMP', () => {
    const m = rtcChip();
    extiRising(m, 21);
    write(m, 'RTC', BKP(0), 0xdead_beef);
    write(m, 'RTC', BKP(7), 7);
    write(m, 'RTC', RTC_REG.TAFCR, RTC_TAFCR.TAMP1E | RTC_TAFCR.TAMPIE); // no key needed
    rtcOf(m).setPin('PI8', true); // not the selected pin
    assert.equal(read(m, 'RTC', BKP(0)), 0xdead_beef);
    rtcOf(m).setPin('PC13', true);
    assert.ok(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.TAMP1F);
    assert.equal(read(m, 'RTC', BKP(0)), 0);
    assert.equal(read(m, 'RTC', BKP(7)), 0);
    assert.equal(irqLevel(m, IRQ.TAMP_STAMP), true);
  });

  test('the tamper input is the PC13 pin itself: an outside part driving it high erases the backup registers', () => {
    const m = rtcChip();
    write(m, 'RTC', BKP(3), 0x1234_5678);
    write(m, 'RTC', RTC_REG.TAFCR, RTC_TAFCR.TAMP1E);
    pinOf(m, 'PC13').drive(0);
    assert.equal(read(m, 'RTC', BKP(3)), 0x1234_5678);
    pinOf(m, 'PC13').drive(1);
    assert.ok(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.TAMP1F);
    assert.equal(read(m, 'RTC', BKP(3)), 0);
  });

  test('with TSE a rising edge on PC13 time-stamps the calendar; a second one sets TSOVF and keeps the first', () => {
    const m = rtcChip();
    setCalendar(m, 0x09_3000, 0x24_6228);
    unlock(m);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.TSE | RTC_CR.TSIE);
    extiRising(m, 21);
    advanceNs(m, 2.5 * SECOND);
    rtcOf(m).setPin('PC13', true);
    assert.equal(read(m, 'RTC', RTC_REG.TSTR), 0x09_3002);
    assert.equal(read(m, 'RTC', RTC_REG.TSDR), 0x6228, 'date without the year');
    assert.equal(irqLevel(m, IRQ.TAMP_STAMP), true);
    rtcOf(m).setPin('PC13', false);
    advanceNs(m, SECOND);
    rtcOf(m).setPin('PC13', true);
    assert.equal(read(m, 'RTC', RTC_REG.ISR) & (RTC_ISR.TSF | RTC_ISR.TSOVF), RTC_ISR.TSF | RTC_ISR.TSOVF);
    assert.equal(read(m, 'RTC', RTC_REG.TSTR), 0x09_3002);
  });

  test('with a filter (TAMPFLT ≠ 0) and TAMP1TRG = 1 a high level on PI8 (TAMP1INSEL = 1) is the event', () => {
    const m = rtcChip();
    write(m, 'RTC', BKP(1), 1);
    rtcOf(m).setPin('PI8', true);
    assert.equal(read(m, 'RTC', BKP(1)), 1);
    write(m, 'RTC', RTC_REG.TAFCR, RTC_TAFCR.TAMP1E | RTC_TAFCR.TAMP1TRG | (1 << 11) | RTC_TAFCR.TAMP1INSEL);
    assert.equal(read(m, 'RTC', BKP(1)), 0, 'already high when enabled');
    assert.ok(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.TAMP1F);
  });

  test('without TAMP1E a tamper edge does nothing', () => {
    const m = rtcChip();
    write(m, 'RTC', BKP(0), 1);
    rtcOf(m).setPin('PC13', true);
    assert.equal(read(m, 'RTC', BKP(0)), 1);
    assert.equal(read(m, 'RTC', RTC_REG.ISR) & RTC_ISR.TAMP1F, 0);
  });
});

describe('RTC backup registers across resets', () => {
  const MAGIC = 0xb007_10ad;

  test('a system reset keeps them', () => {
    const m = rtcChip();
    write(m, 'RTC', BKP(0), MAGIC);
    m.reset('system');
    assert.equal(read(m, 'RTC', BKP(0)), MAGIC);
  });

  test('a power-on reset keeps them with VBAT and clears them without', () => {
    const m = rtcChip();
    const sram = peripheralOf(m, 'BKPSRAM', BackupSram)!;
    write(m, 'RTC', BKP(0), MAGIC);
    sram.vbat = true;
    m.reset('power-on');
    assert.equal(read(m, 'RTC', BKP(0)), MAGIC);
    sram.vbat = false;
    m.reset('power-on');
    assert.equal(read(m, 'RTC', BKP(0)), 0);
  });

  test('RCC_BDCR.BDRST clears them and every RTC register', () => {
    const m = rtcChip();
    setCalendar(m, 0x12_0000, 0x24_6228);
    write(m, 'RTC', BKP(5), MAGIC);
    setBits(m, 'RCC', RCC_REG.BDCR, BDCR.BDRST);
    clearBits(m, 'RCC', RCC_REG.BDCR, BDCR.BDRST);
    assert.equal(read(m, 'RTC', BKP(5)), 0);
    assert.deepEqual(now(m), [0, 0x2101]);
    write(m, 'RTC', RTC_REG.CR, RTC_CR.FMT);
    assert.equal(read(m, 'RTC', RTC_REG.CR), 0, 'write protection back on');
  });

  test('through a state file: BKP0R survives close and reopen with VBAT, not without', () => {
    const file = new MemoryNvFile();
    const run = (vbat: boolean, poke?: number): number => {
      const m = chip();
      const state = attachStore(m, file, { vbat });
      m.reset('power-on');
      openBackupDomain(m);
      const seen = read(m, 'RTC', BKP(0));
      if (poke !== undefined) write(m, 'RTC', BKP(0), poke);
      state.close();
      return seen;
    };
    run(true, MAGIC);
    assert.equal(run(true), MAGIC);
    assert.equal(run(false), 0, 'no battery: lost at power-on');
    assert.equal(run(true), 0, 'and gone from the file too');
  });
});

describe('RTC backup registers seen by firmware', () => {
  /**
   * Thumb code (assembled with arm-none-eabi-as, vector table and literal pool added below): enable
   * PWR, set DBP; if RTC_BKP0R holds the magic word, clear it and count one bootloader entry in SRAM,
   * else write the magic and reset through AIRCR.SYSRESETREQ — the application asking the bootloader
   * to stay in update mode.
   */
  const CODE =
    '0e48016841f0805101600d48016841f4807101600b4801680d4a914206d0026009480c490160bff34f8ffee7' +
    '002303600648036801330360fee700bf';
  const MAGIC = 0xb007_10ad;

  function image(flash: number, marker: number): Image {
    const code = Buffer.from(CODE, 'hex');
    const literals = [reg('RCC', RCC_REG.APB1ENR), reg('PWR', PWR_REG.CR), reg('RTC', BKP(0)), CORE_BLOCKS.SCB + 0x0c, marker, MAGIC, 0x05fa_0004];
    const data = new Uint8Array(8 + code.length + 4 * literals.length);
    const dv = new DataView(data.buffer);
    dv.setUint32(0, marker + 0x1000, true); // initial SP
    dv.setUint32(4, (flash + 8) | 1, true); // reset vector
    data.set(code, 8);
    literals.forEach((w, i) => dv.setUint32(8 + code.length + 4 * i, w >>> 0, true));
    return { file: 'bkp-handoff', format: 'bin', segments: [{ address: flash, data }], sections: [], symbols: [] };
  }

  test('the application writes a magic word to BKP0R and resets; the bootloader sees it once', () => {
    const m = chip();
    const flash = region(m.device, 'flash').start;
    const marker = region(m.device, 'sram1').start;
    m.loadImage(image(flash, marker));
    m.reset('power-on');
    m.run(200);
    assert.equal(m.bus.read32(marker), 1, 'bootloader entered once');
    assert.equal(read(m, 'RTC', BKP(0)), 0, 'request consumed');
    assert.ok(read(m, 'RCC', RCC_REG.CSR) & CSR.SFTRSTF, 'through a software reset');
  });
});

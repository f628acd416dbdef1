// PWR: reset values, backup-domain write protection (DBP), the backup regulator (BRE/BRR) and what
// survives which reset, VOSRDY (RM0090 §5.4).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { peripheral, DEFAULT_DEVICE } from '../../src/device/stm32f407.js';
import { BackupSram } from '../../src/peripherals/bkpsram.js';
import { peripheralOf, pwrOf } from '../../src/peripherals/index.js';
import { PWR_CR, PWR_CSR, PWR_REG as P, PWR_SETTLE_NS } from '../../src/peripherals/pwr.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { advanceNs, chip, hex, read, setBits, write } from './support.js';

const PWR = 'PWR';

/** A chip with the PWR interface clocked (RCC_APB1ENR.PWREN). */
function powered(options: Parameters<typeof chip>[0] = {}) {
  const m = chip(options);
  setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 28);
  return m;
}

describe('PWR reset values', () => {
  test('PWR_CR reads 0x0000_4000 (VOS scale 1) and PWR_CSR 0 right after reset', () => {
    const m = powered();
    assert.equal(hex(read(m, PWR, P.CR)), hex(0x4000));
    assert.equal(read(m, PWR, P.CSR), 0);
  });

  test('VOSRDY rises once the regulator settles after reset and again after a VOS change', () => {
    const m = powered();
    advanceNs(m, PWR_SETTLE_NS.VOSRDY);
    assert.equal(read(m, PWR, P.CSR), PWR_CSR.VOSRDY);
    write(m, PWR, P.CR, 0);
    assert.equal(read(m, PWR, P.CSR), 0);
    advanceNs(m, PWR_SETTLE_NS.VOSRDY);
    assert.equal(read(m, PWR, P.CSR), PWR_CSR.VOSRDY);
  });

  test('unclocked (PWREN = 0) the block reads 0 and ignores writes', () => {
    const m = chip();
    write(m, PWR, P.CR, PWR_CR.DBP);
    assert.equal(read(m, PWR, P.CR), 0);
    assert.equal(pwrOf(m)!.backupWritable(), false);
  });

  test('CWUF and CSBF read 0; the other control bits are stored', () => {
    const m = powered();
    write(m, PWR, P.CR, 0xffff_ffff);
    assert.equal(hex(read(m, PWR, P.CR)), hex(0x43f3));
  });
});

describe('PWR backup domain protection and regulator', () => {
  test('DBP opens the backup domain: backup SRAM ignores writes until it is set', () => {
    const m = powered();
    setBits(m, 'RCC', RCC_REG.AHB1ENR, 1 << 18); // BKPSRAMEN
    const bkp = peripheral(DEFAULT_DEVICE, 'BKPSRAM').base;
    m.bus.write32(bkp, 0x1234_5678);
    assert.equal(m.bus.read32(bkp), 0);
    setBits(m, PWR, P.CR, PWR_CR.DBP);
    assert.equal(pwrOf(m)!.backupWritable(), true);
    m.bus.write32(bkp, 0x1234_5678);
    assert.equal(hex(m.bus.read32(bkp)), hex(0x1234_5678));
  });

  test('BRE can be set only while DBP = 1; BRR rises after the regulator starts', () => {
    const m = powered();
    write(m, PWR, P.CSR, PWR_CSR.BRE);
    assert.equal(read(m, PWR, P.CSR) & PWR_CSR.BRE, 0);
    setBits(m, PWR, P.CR, PWR_CR.DBP);
    write(m, PWR, P.CSR, PWR_CSR.BRE);
    assert.equal(read(m, PWR, P.CSR) & (PWR_CSR.BRE | PWR_CSR.BRR), PWR_CSR.BRE);
    advanceNs(m, PWR_SETTLE_NS.BRR);
    assert.equal(read(m, PWR, P.CSR) & (PWR_CSR.BRE | PWR_CSR.BRR), PWR_CSR.BRE | PWR_CSR.BRR);
    write(m, PWR, P.CSR, 0);
    assert.equal(read(m, PWR, P.CSR) & (PWR_CSR.BRE | PWR_CSR.BRR), 0);
  });

  /** BRE on and ready. */
  function regulatorOn(m: ReturnType<typeof powered>): void {
    setBits(m, PWR, P.CR, PWR_CR.DBP);
    write(m, PWR, P.CSR, PWR_CSR.BRE);
    advanceNs(m, PWR_SETTLE_NS.BRR);
  }

  test('a system reset clears DBP but keeps BRE and BRR (backup domain)', () => {
    const m = powered();
    regulatorOn(m);
    m.reset('system', 'software');
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 28);
    assert.equal(read(m, PWR, P.CR) & PWR_CR.DBP, 0);
    assert.equal(read(m, PWR, P.CSR) & (PWR_CSR.BRE | PWR_CSR.BRR), PWR_CSR.BRE | PWR_CSR.BRR);
    assert.ok(pwrOf(m)!.backupRegulatorReady);
  });

  test('APB1RSTR.PWRRST resets PWR_CR but not BRE', () => {
    const m = powered();
    regulatorOn(m);
    setBits(m, 'RCC', RCC_REG.APB1RSTR, 1 << 28);
    write(m, 'RCC', RCC_REG.APB1RSTR, 0);
    assert.equal(read(m, PWR, P.CR) & PWR_CR.DBP, 0);
    assert.notEqual(read(m, PWR, P.CSR) & PWR_CSR.BRE, 0);
  });

  test('a power-on reset clears BRE unless a battery keeps the backup domain', () => {
    const m = powered();
    regulatorOn(m);
    m.reset('power-on');
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 28);
    assert.equal(read(m, PWR, P.CSR) & PWR_CSR.BRE, 0);
    const b = powered();
    peripheralOf(b, 'BKPSRAM', BackupSram)!.vbat = true;
    regulatorOn(b);
    b.reset('power-on');
    setBits(b, 'RCC', RCC_REG.APB1ENR, 1 << 28);
    assert.equal(read(b, PWR, P.CSR) & (PWR_CSR.BRE | PWR_CSR.BRR), PWR_CSR.BRE | PWR_CSR.BRR);
  });

  test('a backup-domain reset (RCC_BDCR.BDRST) switches the backup regulator off', () => {
    const m = powered();
    regulatorOn(m);
    write(m, 'RCC', RCC_REG.BDCR, 1 << 16);
    write(m, 'RCC', RCC_REG.BDCR, 0);
    assert.equal(read(m, PWR, P.CSR) & (PWR_CSR.BRE | PWR_CSR.BRR), 0);
  });
});

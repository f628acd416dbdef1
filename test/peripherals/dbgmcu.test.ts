// DBGMCU: the device ID and the debug freeze bits, reset only at power-on (RM0090 §38.16).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEVICES } from '../../src/device/stm32f407.js';
import { APB1_FZ, APB2_FZ, DBGMCU_REG as D } from '../../src/peripherals/dbgmcu.js';
import { dbgmcuOf } from '../../src/peripherals/index.js';
import { chip, hex, read, write } from './support.js';

const DBGMCU = 'DBGMCU';

describe('DBGMCU', () => {
  test('IDCODE at 0xE004_2000 reads 0x1007_6413 (rev 2, DEV_ID 0x413) and ignores writes', () => {
    const m = chip();
    assert.equal(hex(m.bus.read32(0xe004_2000)), hex(0x1007_6413));
    write(m, DBGMCU, D.IDCODE, 0);
    assert.equal(hex(read(m, DBGMCU, D.IDCODE)), hex(0x1007_6413));
    assert.equal(m.bus.read32(0xe004_2000) & 0xfff, DEVICES.stm32f405.devId);
  });

  test('every part of the family reads its own IDCODE from the device description', () => {
    const m = chip({ device: DEVICES.stm32f417 });
    assert.equal(hex(read(m, DBGMCU, D.IDCODE)), hex(DEVICES.stm32f417.idcode));
  });

  test('CR, APB1_FZ and APB2_FZ read 0 after power-on and keep only their defined bits', () => {
    const m = chip();
    for (const r of [D.CR, D.APB1_FZ, D.APB2_FZ]) assert.equal(read(m, DBGMCU, r), 0);
    write(m, DBGMCU, D.CR, 0xffff_ffff);
    write(m, DBGMCU, D.APB1_FZ, 0xffff_ffff);
    write(m, DBGMCU, D.APB2_FZ, 0xffff_ffff);
    assert.deepEqual([D.CR, D.APB1_FZ, D.APB2_FZ].map((r) => hex(read(m, DBGMCU, r))), [hex(0xe7), hex(0x06e0_1dff), hex(0x0007_0003)]);
  });

  test('frozenInDebug answers per block from the freeze bits (DBG_IWDG_STOP for the IWDG)', () => {
    const m = chip();
    const dbg = dbgmcuOf(m)!;
    assert.equal(dbg.frozenInDebug('IWDG'), false);
    write(m, DBGMCU, D.APB1_FZ, APB1_FZ.DBG_IWDG_STOP | APB1_FZ.DBG_TIM2_STOP);
    write(m, DBGMCU, D.APB2_FZ, APB2_FZ.DBG_TIM8_STOP);
    assert.deepEqual(['IWDG', 'TIM2', 'TIM3', 'WWDG', 'TIM8', 'TIM1', 'USART1'].map((n) => dbg.frozenInDebug(n)), [true, true, false, false, true, false, false]);
  });

  test('the debug registers survive a system reset; a power-on reset clears them', () => {
    const m = chip();
    write(m, DBGMCU, D.CR, 0x7);
    write(m, DBGMCU, D.APB1_FZ, APB1_FZ.DBG_IWDG_STOP);
    m.reset('system', 'software');
    assert.equal(read(m, DBGMCU, D.CR), 0x7);
    assert.equal(read(m, DBGMCU, D.APB1_FZ), APB1_FZ.DBG_IWDG_STOP);
    m.reset('power-on');
    assert.equal(read(m, DBGMCU, D.CR), 0);
    assert.equal(read(m, DBGMCU, D.APB1_FZ), 0);
  });
});

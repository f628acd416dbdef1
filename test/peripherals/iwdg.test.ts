import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLASH_OPTKEY1, FLASH_OPTKEY2, FLASH_REG, SR as FLASH_SR } from '../../src/flash/interface.js';
import { OPTCR } from '../../src/flash/option-bytes.js';
import type { Machine } from '../../src/machine.js';
import { APB1_FZ, DBGMCU_REG } from '../../src/peripherals/dbgmcu.js';
import { IWDG_KEY, IWDG_REG, IWDG_SR, IndependentWatchdog } from '../../src/peripherals/iwdg.js';
import { CSR, RCC_REG } from '../../src/peripherals/rcc.js';
import type { ResetCause } from '../../src/time/reset.js';
import { advanceNs, chip, read, setBits, write } from './support.js';

const { KR, PR, RLR, SR } = IWDG_REG;
const MS = 1_000_000;
const FLASH_SR_BSY = FLASH_SR.BSY;
/** One LSI cycle at 32 kHz. */
const LSI_NS = 31_250;

/** The chip, recording the causes of the resets that follow. */
function watched(): { m: Machine; causes: ResetCause[] } {
  const m = chip();
  const causes: ResetCause[] = [];
  m.resetListeners.push((_kind, cause) => causes.push(cause));
  return { m, causes };
}

/** Programs the option byte WDG_SW = 0 (hardware watchdog), in force from the next reset. */
function programHardwareMode(m: Machine): void {
  const flash = (offset: number, value: number) => write(m, 'FLASH', offset, value);
  flash(FLASH_REG.OPTKEYR, FLASH_OPTKEY1);
  flash(FLASH_REG.OPTKEYR, FLASH_OPTKEY2);
  flash(FLASH_REG.OPTCR, read(m, 'FLASH', FLASH_REG.OPTCR) & ~OPTCR.WDG_SW);
  flash(FLASH_REG.OPTCR, read(m, 'FLASH', FLASH_REG.OPTCR) | OPTCR.OPTSTRT);
  for (let i = 0; i < 1000 && read(m, 'FLASH', FLASH_REG.SR) & FLASH_SR_BSY; i++) advanceNs(m, 10 * MS);
}

function iwdg(m: Machine): IndependentWatchdog {
  const p = m.peripherals.get('IWDG');
  assert.ok(p instanceof IndependentWatchdog);
  return p;
}

describe('IWDG registers', () => {
  it('reset values: KR 0 (write-only), PR 0, RLR 0xFFF, SR 0; not running', () => {
    const { m } = watched();
    assert.deepEqual([KR, PR, RLR, SR].map((o) => read(m, 'IWDG', o)), [0, 0, 0xfff, 0]);
    assert.equal(iwdg(m).running, false);
  });

  it('PR and RLR ignore writes until 0x5555 is written to KR, and another key locks them again', () => {
    const { m } = watched();
    write(m, 'IWDG', KR, IWDG_KEY.START);
    write(m, 'IWDG', PR, 3);
    advanceNs(m, 10 * LSI_NS);
    assert.equal(read(m, 'IWDG', PR), 0);
    write(m, 'IWDG', KR, IWDG_KEY.UNLOCK);
    write(m, 'IWDG', KR, 0x1234);
    write(m, 'IWDG', RLR, 7);
    advanceNs(m, 10 * LSI_NS);
    assert.equal(read(m, 'IWDG', RLR), 0xfff);
  });

  it('PVU/RVU stay set for 5 LSI cycles while the old values remain in force', () => {
    const { m } = watched();
    write(m, 'IWDG', KR, IWDG_KEY.START);
    write(m, 'IWDG', KR, IWDG_KEY.UNLOCK);
    write(m, 'IWDG', PR, 4);
    write(m, 'IWDG', RLR, 100);
    assert.equal(read(m, 'IWDG', SR), IWDG_SR.PVU | IWDG_SR.RVU);
    assert.deepEqual([read(m, 'IWDG', PR), read(m, 'IWDG', RLR)], [0, 0xfff]);
    advanceNs(m, 5 * LSI_NS - 1000);
    assert.equal(read(m, 'IWDG', SR), IWDG_SR.PVU | IWDG_SR.RVU);
    advanceNs(m, 1000);
    assert.equal(read(m, 'IWDG', SR), 0);
    assert.deepEqual([read(m, 'IWDG', PR), read(m, 'IWDG', RLR)], [4, 100]);
  });

  it('an update written before the watchdog runs waits for the LSI (started by 0xCCCC or RCC LSION)', () => {
    const { m } = watched();
    write(m, 'IWDG', KR, IWDG_KEY.UNLOCK);
    write(m, 'IWDG', PR, 2);
    advanceNs(m, 100 * LSI_NS);
    assert.equal(read(m, 'IWDG', SR), IWDG_SR.PVU, 'no LSI: stuck, as on silicon');
    setBits(m, 'RCC', RCC_REG.CSR, CSR.LSION);
    advanceNs(m, 1 * MS); // LSI start-up
    read(m, 'IWDG', SR);
    advanceNs(m, 5 * LSI_NS);
    assert.equal(read(m, 'IWDG', SR), 0);
    assert.equal(read(m, 'IWDG', PR), 2);
  });
});

describe('IWDG timing and reset', () => {
  it('0xCCCC starts it from 0xFFF at LSI/4: the chip resets with cause iwdg after 512 ms', () => {
    const { m, causes } = watched();
    write(m, 'IWDG', KR, IWDG_KEY.START);
    assert.equal(iwdg(m).running, true);
    advanceNs(m, 512 * MS - 10_000);
    assert.deepEqual(causes, []);
    advanceNs(m, 20_000);
    assert.deepEqual(causes, ['iwdg']);
    assert.equal(read(m, 'RCC', RCC_REG.CSR) & CSR.IWDGRSTF, CSR.IWDGRSTF);
    assert.equal(iwdg(m).running, false, 'a reset stops a software-started watchdog');
  });

  it('0xAAAA reloads from RLR in time and the chip keeps running', () => {
    const { m, causes } = watched();
    write(m, 'IWDG', KR, IWDG_KEY.START);
    for (let i = 0; i < 10; i++) {
      advanceNs(m, 400 * MS);
      write(m, 'IWDG', KR, IWDG_KEY.RELOAD);
    }
    assert.deepEqual(causes, []);
  });

  it('timeout = (RLR + 1) × divider / 32 kHz: PR = 4, RLR = 100 → 202 ms', () => {
    const { m, causes } = watched();
    write(m, 'IWDG', KR, IWDG_KEY.START);
    write(m, 'IWDG', KR, IWDG_KEY.UNLOCK);
    write(m, 'IWDG', PR, 4);
    write(m, 'IWDG', RLR, 100);
    advanceNs(m, 5 * LSI_NS);
    write(m, 'IWDG', KR, IWDG_KEY.RELOAD);
    assert.equal(iwdg(m).counter, 100);
    advanceNs(m, 202 * MS - 10_000);
    assert.deepEqual(causes, []);
    advanceNs(m, 20_000);
    assert.deepEqual(causes, ['iwdg']);
  });

  it('hardware mode (option byte WDG_SW = 0) starts it at every reset', () => {
    const { m, causes } = watched();
    programHardwareMode(m);
    assert.equal(read(m, 'FLASH', FLASH_REG.SR) & FLASH_SR_BSY, 0);
    assert.equal(iwdg(m).running, false, 'takes effect at the next reset');
    m.reset('system');
    assert.equal(iwdg(m).running, true);
    advanceNs(m, 513 * MS);
    assert.deepEqual(causes, ['pin', 'iwdg']);
    assert.equal(iwdg(m).running, true, 'restarted after its own reset');
  });

  it('stands still while a debugger halts the core if DBG_IWDG_STOP is set', () => {
    const { m, causes } = watched();
    write(m, 'DBGMCU', DBGMCU_REG.APB1_FZ, APB1_FZ.DBG_IWDG_STOP);
    write(m, 'IWDG', KR, IWDG_KEY.START);
    advanceNs(m, 500 * MS);
    m.setDebugHalted(true);
    advanceNs(m, 10_000 * MS);
    m.setDebugHalted(false);
    assert.deepEqual(causes, []);
    advanceNs(m, 13 * MS);
    assert.deepEqual(causes, ['iwdg']);
  });

  it('keeps counting through a debugger halt without DBG_IWDG_STOP', () => {
    const { m, causes } = watched();
    write(m, 'IWDG', KR, IWDG_KEY.START);
    m.setDebugHalted(true);
    advanceNs(m, 600 * MS);
    assert.deepEqual(causes, ['iwdg']);
  });

  it('freezes when the debugger sets DBG_IWDG_STOP while it already holds the core, and thaws when it clears it', () => {
    const { m, causes } = watched();
    write(m, 'IWDG', KR, IWDG_KEY.START);
    advanceNs(m, 500 * MS);
    m.setDebugHalted(true);
    write(m, 'DBGMCU', DBGMCU_REG.APB1_FZ, APB1_FZ.DBG_IWDG_STOP);
    advanceNs(m, 10_000 * MS);
    assert.deepEqual(causes, []);
    write(m, 'DBGMCU', DBGMCU_REG.APB1_FZ, 0);
    advanceNs(m, 13 * MS);
    assert.deepEqual(causes, ['iwdg']);
  });

  it('a hardware watchdog restarted by its own reset during a halt stays frozen (DBGMCU survives the system reset)', () => {
    const { m, causes } = watched();
    programHardwareMode(m);
    m.reset('system');
    write(m, 'DBGMCU', DBGMCU_REG.APB1_FZ, APB1_FZ.DBG_IWDG_STOP);
    m.setDebugHalted(true);
    m.reset('system'); // e.g. `monitor reset halt`
    assert.equal(iwdg(m).running, true);
    advanceNs(m, 10_000 * MS);
    assert.deepEqual(causes, ['pin', 'pin']);
    m.setDebugHalted(false);
    advanceNs(m, 513 * MS);
    assert.deepEqual(causes, ['pin', 'pin', 'iwdg']);
  });
});

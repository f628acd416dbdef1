// The chip's peripheral list and its wiring: every block built, every gated block behind its RCC
// clock, lookups by name (src/peripherals/index.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_DEVICE, type PeripheralBlock } from '../../src/device/stm32f407.js';
import { FlashInterface } from '../../src/flash/interface.js';
import { Machine } from '../../src/machine.js';
import { BackupSram } from '../../src/peripherals/bkpsram.js';
import { Dbgmcu } from '../../src/peripherals/dbgmcu.js';
import { Exti } from '../../src/peripherals/exti.js';
import { GpioPort } from '../../src/peripherals/gpio.js';
import { IndependentWatchdog } from '../../src/peripherals/iwdg.js';
import { chipPeripherals, gpioOf, peripheralOf, pinOf, rccOf } from '../../src/peripherals/index.js';
import { type PeripheralContext, UnmodelledPeripheral } from '../../src/peripherals/peripheral.js';
import { Pwr } from '../../src/peripherals/pwr.js';
import { CLOCK_GATES, Rcc } from '../../src/peripherals/rcc.js';
import { Syscfg } from '../../src/peripherals/syscfg.js';
import { chip } from './support.js';

describe('chipPeripherals', () => {
  test('builds the modelled blocks with their models', () => {
    const m = new Machine({}, chipPeripherals());
    const expected: Array<[string, new (...args: never[]) => unknown]> = [
      ['RCC', Rcc], ['PWR', Pwr], ['SYSCFG', Syscfg], ['EXTI', Exti], ['GPIOA', GpioPort], ['GPIOI', GpioPort],
      ['DBGMCU', Dbgmcu], ['FLASH', FlashInterface], ['BKPSRAM', BackupSram], ['CAN1', UnmodelledPeripheral],
    ];
    for (const [name, type] of expected) assert.ok(m.peripherals.get(name) instanceof type, name);
  });

  test('every block with an RCC enable bit reads 0 and ignores writes until its clock is enabled', () => {
    const m = chip();
    const gated = DEFAULT_DEVICE.peripherals.filter((b) => CLOCK_GATES[b.name] && b.name !== 'BKPSRAM');
    assert.ok(gated.length > 40);
    // Offset 0x08 is a plain read/write register in most blocks (GPIO OSPEEDR, USART BRR, TIM SMCR...).
    for (const block of gated) {
      m.bus.write32(block.base + 0x08, 0x5);
      assert.equal(m.bus.read32(block.base + 0x08), 0, `${block.name} unclocked`);
    }
    for (const offset of [0x30, 0x34, 0x38, 0x40, 0x44]) m.bus.write32(0x4002_3800 + offset, 0xffff_ffff);
    for (const block of gated) assert.notEqual(m.bus.read32(block.base + 0x08), 0x5, `${block.name} kept the unclocked write`);
  });

  test('blocks without an enable bit (EXTI, RCC, DBGMCU) work from reset', () => {
    const m = chip();
    const exti = peripheralOf(m, 'EXTI', Exti)!;
    m.bus.write32(exti.base, 1);
    assert.equal(m.bus.read32(exti.base), 1);
    assert.notEqual(m.bus.read32(peripheralOf(m, 'RCC', Rcc)!.base), 0);
    assert.notEqual(m.bus.read32(peripheralOf(m, 'DBGMCU', Dbgmcu)!.base), 0);
  });

  test('a machine built without RCC leaves every block clocked', () => {
    const noRcc = (b: PeripheralBlock, ctx: PeripheralContext) => (b.name === 'RCC' ? new UnmodelledPeripheral(b, ctx) : undefined);
    const m = new Machine({}, [noRcc, ...chipPeripherals()]);
    m.reset('power-on');
    assert.equal(rccOf(m), undefined);
    m.bus.write32(gpioOf(m, 'D')!.base, 0x100);
    assert.equal(m.bus.read32(gpioOf(m, 'D')!.base), 0x100);
  });
});

describe('wires between blocks', () => {
  test('DBGMCU_APB1_FZ.DBG_IWDG_STOP reaches the IWDG: frozen only while the machine is debug-halted', () => {
    const m = chip();
    const iwdg = peripheralOf(m, 'IWDG', IndependentWatchdog)!;
    m.bus.write32(iwdg.base, 0xcccc); // start: 512 ms to the reset
    m.bus.write32(peripheralOf(m, 'DBGMCU', Dbgmcu)!.base + 0x08, 1 << 12);
    assert.ok(Number.isFinite(iwdg.nsToExpiry), 'running while the core runs');
    m.setDebugHalted(true);
    assert.equal(iwdg.nsToExpiry, Infinity, 'frozen');
    m.setDebugHalted(false);
    assert.ok(Number.isFinite(iwdg.nsToExpiry));
  });
});

describe('finding peripherals', () => {
  test('pinOf finds pins by name, any case; gpioOf by port letter', () => {
    const m = chip();
    assert.equal(pinOf(m, 'pd12').name, 'PD12');
    assert.equal(pinOf(m, 'PI15').port, gpioOf(m, 'i'));
  });

  test('pinOf refuses pins that do not exist', () => {
    const m = chip();
    for (const bad of ['PJ0', 'PA16', 'A0', 'PA']) assert.throws(() => pinOf(m, bad), /no GPIO pin/);
  });
});

// RCC: reset values, oscillator start-up in emulated time, PLL and prescalers, SYSCLK switching, clock
// gating and peripheral resets, reset flags, the backup-domain control register (RM0090 §7).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMachine } from '../../src/boards/index.js';
import { IRQ, peripheral, DEFAULT_DEVICE } from '../../src/device/stm32f407.js';
import { gpioOf, rccOf } from '../../src/peripherals/index.js';
import { PWR_CR, PWR_REG } from '../../src/peripherals/pwr.js';
import { BDCR, CFGR, CIR, CLOCK_GATES, CR, CSR, type Clocks, PLLCFGR, RCC_REG, STARTUP_NS, planPll } from '../../src/peripherals/rcc.js';
import { advanceNs, chip, clearBits, hex, irqLevel, irqPending, read, setBits, write } from './support.js';

const R = RCC_REG;
const RCC = 'RCC';

/** A Discovery board machine (8 MHz HSE crystal) after power-on. */
function discovery() {
  const machine = createMachine({ board: 'discovery' });
  machine.reset('power-on');
  return machine;
}

/** PLLCFGR for HSE 8 MHz → 168 MHz SYSCLK, 48 MHz USB: M=8, N=336, P=2, Q=7 (ST's Discovery setup). */
const PLL_168 = 8 | (336 << PLLCFGR.N_SHIFT) | (0 << PLLCFGR.P_SHIFT) | PLLCFGR.SRC_HSE | (7 << PLLCFGR.Q_SHIFT);

describe('RCC reset values (RM0090 §7.3)', () => {
  const expected: Array<[keyof typeof R, number]> = [
    ['CR', 0x0000_7883], // HSION, HSIRDY, HSITRIM=16, HSICAL=factory value
    ['PLLCFGR', 0x2400_3010],
    ['CFGR', 0],
    ['CIR', 0],
    ['AHB1RSTR', 0], ['AHB2RSTR', 0], ['AHB3RSTR', 0], ['APB1RSTR', 0], ['APB2RSTR', 0],
    ['AHB1ENR', 0x0010_0000], ['AHB2ENR', 0], ['AHB3ENR', 0], ['APB1ENR', 0], ['APB2ENR', 0],
    ['AHB1LPENR', 0x7e67_91ff], ['AHB2LPENR', 0x0000_00f1], ['AHB3LPENR', 0x0000_0001],
    ['APB1LPENR', 0x36fe_c9ff], ['APB2LPENR', 0x0007_5f33],
    ['BDCR', 0],
    ['CSR', 0x0e00_0000],
    ['SSCGR', 0],
    ['PLLI2SCFGR', 0x2000_3000],
  ];
  const machine = chip();
  for (const [name, value] of expected) {
    test(`${name} reads ${hex(value)} after power-on`, () => assert.equal(hex(read(machine, RCC, R[name])), hex(value)));
  }

  test('the chip runs on the 16 MHz HSI after reset', () => {
    assert.equal(rccOf(machine)!.clocks.sysclk, 16e6);
    assert.equal(machine.scheduler.frequencyHz, 16e6);
  });

  test('reserved bits keep their reset value (PLLCFGR bit 29 stays 1, LPENR holes stay 0)', () => {
    const m = chip();
    write(m, RCC, R.PLLCFGR, 0);
    assert.equal(hex(read(m, RCC, R.PLLCFGR)), hex(0x2000_0000));
    write(m, RCC, R.APB1LPENR, 0xffff_ffff);
    assert.equal(hex(read(m, RCC, R.APB1LPENR)), hex(0x36fe_c9ff));
  });
});

describe('RCC oscillators: ready flags after their start-up time (DS8626)', () => {
  test('HSERDY rises 2 ms after HSEON with the Discovery 8 MHz crystal, not before', () => {
    const m = discovery();
    setBits(m, RCC, R.CR, CR.HSEON);
    assert.equal(read(m, RCC, R.CR) & CR.HSERDY, 0);
    advanceNs(m, STARTUP_NS.HSE - 1000);
    assert.equal(read(m, RCC, R.CR) & CR.HSERDY, 0, 'not ready at 1.999 ms');
    advanceNs(m, 1000);
    assert.notEqual(read(m, RCC, R.CR) & CR.HSERDY, 0, 'ready at 2 ms');
  });

  test('on the bare chip (no crystal) HSERDY never rises', () => {
    const m = chip();
    setBits(m, RCC, R.CR, CR.HSEON);
    advanceNs(m, 1e9);
    assert.equal(read(m, RCC, R.CR) & CR.HSERDY, 0);
  });

  test('HSEBYP (external clock) is ready within microseconds; HSEBYP cannot change while HSE is on', () => {
    const m = discovery();
    setBits(m, RCC, R.CR, CR.HSEBYP);
    setBits(m, RCC, R.CR, CR.HSEON);
    advanceNs(m, STARTUP_NS.BYPASS);
    assert.notEqual(read(m, RCC, R.CR) & CR.HSERDY, 0);
    clearBits(m, RCC, R.CR, CR.HSEBYP);
    assert.notEqual(read(m, RCC, R.CR) & CR.HSEBYP, 0);
  });

  test('switching HSE off drops HSERDY at once', () => {
    const m = discovery();
    setBits(m, RCC, R.CR, CR.HSEON);
    advanceNs(m, STARTUP_NS.HSE);
    clearBits(m, RCC, R.CR, CR.HSEON);
    assert.equal(read(m, RCC, R.CR) & CR.HSERDY, 0);
  });

  test('LSIRDY rises 15 µs after LSION', () => {
    const m = chip();
    setBits(m, RCC, R.CSR, CSR.LSION);
    advanceNs(m, STARTUP_NS.LSI - 100);
    assert.equal(read(m, RCC, R.CSR) & CSR.LSIRDY, 0);
    advanceNs(m, 100);
    assert.notEqual(read(m, RCC, R.CSR) & CSR.LSIRDY, 0);
    assert.equal(rccOf(m)!.clocks.lsi, 32_000);
  });

  test('HSI switched off while the HSE runs SYSCLK comes back 2.2 µs after HSION', () => {
    const m = discovery();
    setBits(m, RCC, R.CR, CR.HSEON);
    advanceNs(m, STARTUP_NS.HSE);
    write(m, RCC, R.CFGR, 1); // SW = HSE
    clearBits(m, RCC, R.CR, CR.HSION);
    assert.equal(read(m, RCC, R.CR) & (CR.HSION | CR.HSIRDY), 0);
    setBits(m, RCC, R.CR, CR.HSION);
    advanceNs(m, 2000);
    assert.equal(read(m, RCC, R.CR) & CR.HSIRDY, 0);
    advanceNs(m, STARTUP_NS.HSI - 2000);
    assert.notEqual(read(m, RCC, R.CR) & CR.HSIRDY, 0);
  });
});

/** Runs the usual HAL/SPL clock setup: HSE on, PLL 168 MHz, prescalers /1 /4 /2, switch to the PLL. */
function setup168(m: ReturnType<typeof discovery>, pllOn: () => void): void {
  setBits(m, RCC, R.CR, CR.HSEON);
  while ((read(m, RCC, R.CR) & CR.HSERDY) === 0) advanceNs(m, 100_000);
  write(m, RCC, R.PLLCFGR, PLL_168);
  pllOn();
  while ((read(m, RCC, R.CR) & CR.PLLRDY) === 0) advanceNs(m, 10_000);
  write(m, RCC, R.CFGR, (5 << CFGR.PPRE1_SHIFT) | (4 << CFGR.PPRE2_SHIFT) | 2);
}

describe('RCC PLL and the clock tree', () => {
  test('HSE 8 MHz with M=8 N=336 P=2 Q=7 gives 168 MHz SYSCLK, 42/84 MHz APB, 48 MHz USB; HCLK drives the scheduler', () => {
    const m = discovery();
    const seen: Clocks[] = [];
    rccOf(m)!.clockListeners.push((c) => seen.push(c));
    setup168(m, () => setBits(m, RCC, R.CR, CR.PLLON));
    assert.equal((read(m, RCC, R.CFGR) & CFGR.SWS) >>> CFGR.SWS_SHIFT, 2, 'SWS = PLL');
    const c = rccOf(m)!.clocks;
    assert.deepEqual(
      [c.sysclk, c.hclk, c.pclk1, c.pclk2, c.timclk1, c.timclk2, c.pll48],
      [168e6, 168e6, 42e6, 84e6, 84e6, 168e6, 48e6],
    );
    assert.equal(m.scheduler.frequencyHz, 168e6);
    assert.equal(seen.at(-1)?.sysclk, 168e6, 'the clock listeners heard of the change');
  });

  test('HAL sets PLLON through the peripheral bit-band alias 0x4247_0060', () => {
    const m = discovery();
    setup168(m, () => m.bus.write32(0x4247_0060, 1));
    assert.notEqual(read(m, RCC, R.CR) & CR.PLLON, 0);
    assert.equal(m.bus.read32(0x4247_0064), 1, 'PLLRDY reads 1 through its alias');
    assert.equal(rccOf(m)!.clocks.sysclk, 168e6);
  });

  test('PLLRDY rises 100 µs after PLLON (lock time), not before', () => {
    const m = discovery();
    setBits(m, RCC, R.CR, CR.HSEON);
    advanceNs(m, STARTUP_NS.HSE);
    write(m, RCC, R.PLLCFGR, PLL_168);
    setBits(m, RCC, R.CR, CR.PLLON);
    advanceNs(m, STARTUP_NS.PLL - 1000);
    assert.equal(read(m, RCC, R.CR) & CR.PLLRDY, 0);
    advanceNs(m, 1000);
    assert.notEqual(read(m, RCC, R.CR) & CR.PLLRDY, 0);
  });

  test('SW = PLL before the PLL locks: SWS stays HSI and switches when it locks', () => {
    const m = chip(); // HSI as PLL input: 16 MHz / 16 * 336 / 2 = 168 MHz
    write(m, RCC, R.PLLCFGR, 16 | (336 << PLLCFGR.N_SHIFT) | (7 << PLLCFGR.Q_SHIFT));
    setBits(m, RCC, R.CR, CR.PLLON);
    write(m, RCC, R.CFGR, 2);
    assert.equal(hex(read(m, RCC, R.CFGR)), hex(2), 'SWS still HSI');
    assert.equal(m.scheduler.frequencyHz, 16e6);
    advanceNs(m, STARTUP_NS.PLL);
    assert.equal(hex(read(m, RCC, R.CFGR)), hex(0xa));
    assert.equal(m.scheduler.frequencyHz, 168e6);
  });

  test('a PLL with the HSE as input does not lock while the HSE is off', () => {
    const m = discovery();
    write(m, RCC, R.PLLCFGR, PLL_168);
    setBits(m, RCC, R.CR, CR.PLLON);
    advanceNs(m, 1e6);
    assert.equal(read(m, RCC, R.CR) & CR.PLLRDY, 0);
    setBits(m, RCC, R.CR, CR.HSEON);
    advanceNs(m, STARTUP_NS.HSE + STARTUP_NS.PLL);
    assert.notEqual(read(m, RCC, R.CR) & CR.PLLRDY, 0);
  });

  test('a PLL configured with a "wrong configuration" encoding (M = 1) never locks', () => {
    const m = chip();
    write(m, RCC, R.PLLCFGR, 1 | (192 << PLLCFGR.N_SHIFT));
    setBits(m, RCC, R.CR, CR.PLLON);
    advanceNs(m, 10e6);
    assert.equal(read(m, RCC, R.CR) & CR.PLLRDY, 0);
  });

  test('SW = 11 (not allowed) leaves SWS alone', () => {
    const m = chip();
    write(m, RCC, R.CFGR, 3);
    assert.equal(read(m, RCC, R.CFGR) & CFGR.SWS, 0);
  });

  test('the AHB prescaler divides HCLK and the scheduler follows (HPRE = 1000: /2, 1100: /64)', () => {
    const m = chip();
    write(m, RCC, R.CFGR, 0x8 << CFGR.HPRE_SHIFT);
    assert.equal(m.scheduler.frequencyHz, 8e6);
    write(m, RCC, R.CFGR, 0xc << CFGR.HPRE_SHIFT);
    assert.equal(rccOf(m)!.clocks.hclk, 16e6 / 64);
    assert.equal(m.scheduler.frequencyHz, 250_000);
  });

  test('timer clocks are PCLK with APB prescaler 1 and twice PCLK otherwise', () => {
    const m = chip();
    write(m, RCC, R.CFGR, (4 << CFGR.PPRE1_SHIFT) | (0 << CFGR.PPRE2_SHIFT)); // APB1 /2, APB2 /1
    const c = rccOf(m)!.clocks;
    assert.deepEqual([c.pclk1, c.timclk1, c.pclk2, c.timclk2], [8e6, 16e6, 16e6, 16e6]);
  });

  test('a source feeding SYSCLK cannot be switched off: HSION under HSI, PLLON and HSEON under the PLL', () => {
    const m = chip();
    clearBits(m, RCC, R.CR, CR.HSION);
    assert.notEqual(read(m, RCC, R.CR) & CR.HSIRDY, 0);
    const d = discovery();
    setup168(d, () => setBits(d, RCC, R.CR, CR.PLLON));
    clearBits(d, RCC, R.CR, CR.PLLON | CR.HSEON);
    assert.equal(read(d, RCC, R.CR) & (CR.PLLON | CR.HSEON | CR.PLLRDY), CR.PLLON | CR.HSEON | CR.PLLRDY);
    assert.equal(d.scheduler.frequencyHz, 168e6);
  });

  test('planPll flags out-of-specification settings but still locks them; forbidden encodings do not lock', () => {
    const ok = planPll(8e6, 8, 336, 2, 7, 168e6);
    assert.deepEqual([ok.lockable, ok.outHz, ok.qHz, ok.warnings.length], [true, 168e6, 48e6, 0]);
    const over = planPll(8e6, 4, 240, 2, 10, 168e6); // VCO input 2 MHz, VCO 480 MHz, 240 MHz out
    assert.equal(over.lockable, true);
    assert.equal(over.warnings.length, 2);
    assert.equal(planPll(8e6, 8, 49, 2, 7).lockable, false);
    assert.equal(planPll(8e6, 8, 433, 2, 7).lockable, false);
  });

  test('PLLI2S locks with N=192 R=2 from HSI/16 (1 MHz) giving 96 MHz', () => {
    const m = chip();
    setBits(m, RCC, R.CR, CR.PLLI2SON);
    advanceNs(m, STARTUP_NS.PLL);
    assert.notEqual(read(m, RCC, R.CR) & CR.PLLI2SRDY, 0);
    assert.equal(rccOf(m)!.clocks.plli2s, 96e6);
  });
});

describe('RCC ready interrupts (CIR)', () => {
  test('HSERDYIE: HSERDYF rises with HSERDY and drives the RCC interrupt; HSERDYC clears both', () => {
    const m = discovery();
    write(m, RCC, R.CIR, 1 << (CIR.IE_SHIFT + 3));
    setBits(m, RCC, R.CR, CR.HSEON);
    advanceNs(m, STARTUP_NS.HSE);
    assert.equal(hex(read(m, RCC, R.CIR)), hex((1 << 11) | (1 << 3)));
    assert.ok(irqPending(m, IRQ.RCC));
    write(m, RCC, R.CIR, (1 << 11) | (1 << (CIR.CLEAR_SHIFT + 3)));
    assert.equal(hex(read(m, RCC, R.CIR)), hex(1 << 11));
    assert.equal(irqLevel(m, IRQ.RCC), false);
  });

  test('without its enable bit a ready event sets no flag', () => {
    const m = discovery();
    setBits(m, RCC, R.CR, CR.HSEON);
    advanceNs(m, STARTUP_NS.HSE);
    assert.equal(read(m, RCC, R.CIR), 0);
    assert.equal(irqPending(m, IRQ.RCC), false);
  });
});

describe('RCC clock gating and peripheral resets', () => {
  const MODER = 0x00;
  const ODR = 0x14;

  test('a GPIO port ignores writes and reads 0 while its clock is off', () => {
    const m = chip();
    write(m, 'GPIOD', MODER, 0x5500_0000);
    assert.equal(read(m, 'GPIOD', MODER), 0);
    setBits(m, RCC, R.AHB1ENR, 1 << 3);
    assert.equal(read(m, 'GPIOD', MODER), 0, 'the earlier write was lost');
    write(m, 'GPIOD', MODER, 0x5500_0000);
    assert.equal(hex(read(m, 'GPIOD', MODER)), hex(0x5500_0000));
    clearBits(m, RCC, R.AHB1ENR, 1 << 3);
    assert.equal(read(m, 'GPIOD', MODER), 0, 'unclocked again: reads 0');
  });

  test('GPIOA keeps its reset configuration while unclocked (a register reads its value once clocked)', () => {
    const m = chip();
    assert.equal(read(m, 'GPIOA', MODER), 0);
    setBits(m, RCC, R.AHB1ENR, 1);
    assert.equal(hex(read(m, 'GPIOA', MODER)), hex(0xa800_0000));
  });

  test('every unclocked APB block ignores writes: USART2 registers without USART2EN', () => {
    const m = chip();
    const brr = peripheral(DEFAULT_DEVICE, 'USART2').base + 0x08;
    m.bus.write32(brr, 0x1234);
    assert.equal(m.bus.read32(brr), 0);
    assert.equal(rccOf(m)!.clockOn(CLOCK_GATES.USART2), false);
    setBits(m, RCC, R.APB1ENR, 1 << 17);
    assert.equal(rccOf(m)!.clockOn(CLOCK_GATES.USART2), true);
    m.bus.write32(brr, 0x1234);
    assert.equal(m.bus.read32(brr), 0x1234);
  });

  test('asserting GPIODRST resets the port and holds it until released', () => {
    const m = chip();
    setBits(m, RCC, R.AHB1ENR, 1 << 3);
    write(m, 'GPIOD', MODER, 0x5500_0000);
    write(m, 'GPIOD', ODR, 0xf000);
    assert.equal(gpioOf(m, 'D')!.pin(12).state, 1);
    setBits(m, RCC, R.AHB1RSTR, 1 << 3);
    assert.equal(gpioOf(m, 'D')!.pin(12).state, 'float', 'the port is back at its reset state');
    write(m, 'GPIOD', MODER, 0x5500_0000);
    clearBits(m, RCC, R.AHB1RSTR, 1 << 3);
    assert.equal(read(m, 'GPIOD', MODER), 0, 'writes while held in reset were ignored');
    write(m, 'GPIOD', MODER, 0x0100_0000);
    assert.equal(hex(read(m, 'GPIOD', MODER)), hex(0x0100_0000));
  });

  test('reset and enable registers keep only the bits that exist', () => {
    const m = chip();
    write(m, RCC, R.AHB1ENR, 0xffff_ffff);
    write(m, RCC, R.APB2RSTR, 0xffff_ffff);
    assert.equal(hex(read(m, RCC, R.AHB1ENR)), hex(0x7e74_11ff));
    assert.equal(hex(read(m, RCC, R.APB2RSTR)), hex(0x0007_5933));
  });
});

describe('RCC_CSR reset flags', () => {
  test('RMVF clears the flags; a pin reset then sets PINRSTF only', () => {
    const m = chip();
    setBits(m, RCC, R.CSR, CSR.RMVF);
    assert.equal(read(m, RCC, R.CSR), 0);
    m.reset('system', 'pin');
    assert.equal(hex(read(m, RCC, R.CSR)), hex(CSR.PINRSTF));
  });

  for (const [cause, flag] of [
    ['software', CSR.SFTRSTF], ['iwdg', CSR.IWDGRSTF], ['wwdg', CSR.WWDGRSTF], ['low-power', CSR.LPWRRSTF], ['brown-out', CSR.BORRSTF],
  ] as const) {
    test(`a ${cause} reset sets its flag with PINRSTF (internal resets pulse NRST)`, () => {
      const m = chip();
      write(m, RCC, R.CSR, CSR.RMVF);
      m.reset('system', cause);
      assert.equal(hex(read(m, RCC, R.CSR)), hex(flag | CSR.PINRSTF));
    });
  }

  test('flags accumulate over system resets and a power-on reset starts again from PORRSTF|PINRSTF|BORRSTF', () => {
    const m = chip();
    m.reset('system', 'software');
    m.reset('system', 'iwdg');
    assert.equal(hex(read(m, RCC, R.CSR)), hex(0x0e00_0000 | CSR.SFTRSTF | CSR.IWDGRSTF));
    m.reset('power-on');
    assert.equal(hex(read(m, RCC, R.CSR)), hex(0x0e00_0000));
  });

  test('AIRCR.SYSRESETREQ resets the chip with SFTRSTF', () => {
    const m = chip();
    write(m, RCC, R.CSR, CSR.RMVF);
    m.bus.write32(0xe000_ed0c, 0x05fa_0004);
    advanceNs(m, 1000);
    assert.equal(hex(read(m, RCC, R.CSR)), hex(CSR.SFTRSTF | CSR.PINRSTF));
  });

  test('a system reset switches the LSI off and the clocks back to HSI 16 MHz', () => {
    const m = discovery();
    setBits(m, RCC, R.CSR, CSR.LSION);
    setup168(m, () => setBits(m, RCC, R.CR, CR.PLLON));
    m.reset('system', 'pin');
    assert.equal(read(m, RCC, R.CSR) & (CSR.LSION | CSR.LSIRDY), 0);
    assert.equal(hex(read(m, RCC, R.CR)), hex(0x7883));
    assert.equal(m.scheduler.frequencyHz, 16e6);
  });
});

describe('RCC_BDCR (backup domain)', () => {
  /** PWREN and DBP: backup domain writes allowed. */
  function unlockBackup(m: ReturnType<typeof chip>): void {
    setBits(m, RCC, R.APB1ENR, 1 << 28);
    setBits(m, 'PWR', PWR_REG.CR, PWR_CR.DBP);
  }

  test('LSEON, RTCSEL and RTCEN are write-protected until PWR_CR.DBP is set', () => {
    const m = chip();
    write(m, RCC, R.BDCR, BDCR.RTCEN | (2 << BDCR.RTCSEL_SHIFT) | BDCR.LSEON);
    assert.equal(read(m, RCC, R.BDCR), 0);
    unlockBackup(m);
    write(m, RCC, R.BDCR, BDCR.RTCEN | (2 << BDCR.RTCSEL_SHIFT));
    assert.equal(hex(read(m, RCC, R.BDCR)), hex(BDCR.RTCEN | (2 << BDCR.RTCSEL_SHIFT)));
  });

  test('RTCSEL can be chosen once: changing it needs a backup-domain reset (BDRST)', () => {
    const m = chip();
    unlockBackup(m);
    write(m, RCC, R.BDCR, 2 << BDCR.RTCSEL_SHIFT);
    write(m, RCC, R.BDCR, 1 << BDCR.RTCSEL_SHIFT);
    assert.equal(read(m, RCC, R.BDCR) & BDCR.RTCSEL, 2 << BDCR.RTCSEL_SHIFT);
    write(m, RCC, R.BDCR, BDCR.BDRST);
    write(m, RCC, R.BDCR, 0);
    write(m, RCC, R.BDCR, 1 << BDCR.RTCSEL_SHIFT);
    assert.equal(read(m, RCC, R.BDCR) & BDCR.RTCSEL, 1 << BDCR.RTCSEL_SHIFT);
  });

  test('BDCR survives a system reset but not a power-on reset without a battery', () => {
    const m = chip();
    unlockBackup(m);
    write(m, RCC, R.BDCR, BDCR.RTCEN);
    m.reset('system', 'pin');
    assert.equal(read(m, RCC, R.BDCR), BDCR.RTCEN);
    m.reset('power-on');
    assert.equal(read(m, RCC, R.BDCR), 0);
  });

  test('the LSE starts (LSERDY after 2 s) only where a 32.768 kHz crystal is fitted; the Discovery has none', () => {
    const d = discovery();
    unlockBackup(d);
    write(d, RCC, R.BDCR, BDCR.LSEON);
    advanceNs(d, 3e9);
    assert.equal(read(d, RCC, R.BDCR) & BDCR.LSERDY, 0);
    const m = chip();
    rccOf(m)!.setExternalClocks({ lseHz: 32_768 });
    unlockBackup(m);
    write(m, RCC, R.BDCR, BDCR.LSEON | (1 << BDCR.RTCSEL_SHIFT));
    advanceNs(m, STARTUP_NS.LSE - 1e6);
    assert.equal(read(m, RCC, R.BDCR) & BDCR.LSERDY, 0);
    advanceNs(m, 1e6);
    assert.notEqual(read(m, RCC, R.BDCR) & BDCR.LSERDY, 0);
    assert.equal(rccOf(m)!.clocks.rtc, 32_768);
  });
});

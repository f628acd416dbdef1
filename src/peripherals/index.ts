/**
 * The chip's peripherals: which model serves each block of the device description, and how they are
 * wired to each other (the on-chip signals no single peripheral owns).
 *
 * `chipPeripherals()` gives the factory list for `new Machine(options, chipPeripherals())`. Every block
 * it builds, modelled or not, gets:
 * - its RCC clock gate (`CLOCK_GATES`): unclocked or held in reset by RCC, it reads 0 and ignores writes;
 * - its signals: GPIO inputs → SYSCFG EXTI multiplexer → EXTI → NVIC; EXTI events → the core's WFE;
 *   PWR_CR.DBP → RCC_BDCR, RTC and backup SRAM write protection; RTC → EXTI lines 17, 21, 22;
 *   RCC_BDCR.RTCEN/RTCSEL → RTCCLK; RCC_xxxRSTR → the block's reset; RCC_BDCR.BDRST → the backup domain's reset; boot pins → SYSCFG_MEMRMP; reset causes → RCC_CSR;
 *   DBGMCU's freeze bits → IWDG, WWDG, TIM2–TIM7 while a debugger halts the core (dbgmcu.ts);
 *   USART DMA requests → DMA1/DMA2 streams (dma.ts DMA_REQUEST_MAP).
 * Blocks are built in address order, so a wire to a block built later is resolved on first use.
 *
 * To model another block, add its factory to FACTORIES.
 */
import type { PeripheralBlock } from '../device/stm32f407.js';
import { flashFactory } from '../flash/interface.js';
import type { Machine, PeripheralFactory } from '../machine.js';
import { BackupSram, backupSramFactory } from './bkpsram.js';
import { crcFactory } from './crc.js';
import { Dbgmcu, dbgmcuFactory } from './dbgmcu.js';
import { DMA_REQUEST_MAP, Dma, dmaFactory } from './dma.js';
import { Exti } from './exti.js';
import { GpioPort, type Pin } from './gpio.js';
import { iwdgFactory } from './iwdg.js';
import { type Peripheral, type PeripheralContext, UnmodelledPeripheral } from './peripheral.js';
import { Pwr } from './pwr.js';
import { BDCR, CLOCK_GATES, RCC_REG, Rcc } from './rcc.js';
import { Rtc, rtcFactory } from './rtc.js';
import { Syscfg } from './syscfg.js';
import { timerFactory } from './tim.js';
import { Usart, usartFactory } from './usart.js';
import { wwdgFactory } from './wwdg.js';

type Build = (block: PeripheralBlock, ctx: PeripheralContext, machine: Machine) => Peripheral;

/** A factory for the blocks whose name matches. */
function blocks(match: string | RegExp, build: Build): PeripheralFactory {
  const test = typeof match === 'string' ? (name: string) => name === match : (name: string) => match.test(name);
  return (block, ctx, machine) => (test(block.name) ? build(block, ctx, machine) : undefined);
}

/** Every modelled block. */
const FACTORIES: readonly PeripheralFactory[] = [
  flashFactory,
  backupSramFactory,
  blocks('RCC', (b, ctx) => new Rcc(b, ctx)),
  blocks('PWR', (b, ctx) => new Pwr(b, ctx)),
  blocks('SYSCFG', (b, ctx, m) => new Syscfg(b, ctx, m.bus)),
  blocks('EXTI', (b, ctx) => new Exti(b, ctx)),
  blocks(/^GPIO[A-I]$/, (b, ctx) => new GpioPort(b, ctx)),
  dbgmcuFactory,
  usartFactory,
  dmaFactory,
  crcFactory,
  timerFactory,
  iwdgFactory,
  wwdgFactory,
  rtcFactory,
];

/** Last resort: a block nobody models still gets its clock gate. */
const unmodelled: PeripheralFactory = (block, ctx) => new UnmodelledPeripheral(block, ctx);

/** The factory list that builds and wires the whole chip. */
export function chipPeripherals(): PeripheralFactory[] {
  return [...FACTORIES, unmodelled].map(
    (factory): PeripheralFactory =>
      (block, ctx, machine) => {
        const p = factory(block, ctx, machine);
        if (p) wire(p, machine);
        return p;
      },
  );
}

// ---- Finding a machine's peripherals ----------------------------------------------------------------

type Class<T> = abstract new (...args: never[]) => T;

/** The machine's block `name` if it is modelled by `type`, else undefined. */
export function peripheralOf<T extends Peripheral>(machine: Machine, name: string, type: Class<T>): T | undefined {
  const p = machine.peripherals.get(name);
  return p instanceof type ? p : undefined;
}

/** Like `peripheralOf`, resolved on first successful use and remembered (for wires between blocks). */
function later<T extends Peripheral>(machine: Machine, name: string, type: Class<T>): () => T | undefined {
  let found: T | undefined;
  return () => (found ??= peripheralOf(machine, name, type));
}

export const rccOf = (machine: Machine): Rcc | undefined => peripheralOf(machine, 'RCC', Rcc);
export const pwrOf = (machine: Machine): Pwr | undefined => peripheralOf(machine, 'PWR', Pwr);
export const syscfgOf = (machine: Machine): Syscfg | undefined => peripheralOf(machine, 'SYSCFG', Syscfg);
export const extiOf = (machine: Machine): Exti | undefined => peripheralOf(machine, 'EXTI', Exti);
export const dbgmcuOf = (machine: Machine): Dbgmcu | undefined => peripheralOf(machine, 'DBGMCU', Dbgmcu);

/** GPIO port by letter ('A'..'I'). */
export function gpioOf(machine: Machine, letter: string): GpioPort | undefined {
  return peripheralOf(machine, `GPIO${letter.toUpperCase()}`, GpioPort);
}

/** A pin by name ("PA0", "pd12"); a programming error if the name or the port does not exist. */
export function pinOf(machine: Machine, name: string): Pin {
  const m = /^P([A-I])(\d{1,2})$/i.exec(name);
  const port = m ? gpioOf(machine, m[1]) : undefined;
  if (!m || !port || Number(m[2]) > 15) throw new Error(`no GPIO pin ${name} on this machine`);
  return port.pin(Number(m[2]));
}

// ---- Wiring -------------------------------------------------------------------------------------------

/** Blocks in the backup domain, reset by RCC_BDCR.BDRST (RM0090 §5.1.2; backup SRAM ignores it, §7.3.20). */
const BACKUP_DOMAIN_BLOCKS = ['RTC', 'PWR', 'BKPSRAM'];

function wire(p: Peripheral, machine: Machine): void {
  gateClock(p, machine);
  const pwr = later(machine, 'PWR', Pwr);
  const sram = later(machine, 'BKPSRAM', BackupSram);
  if (p instanceof Rcc) {
    p.onPeripheralReset = (name) => machine.peripherals.get(name)?.reset('system');
    p.onBackupDomainReset = () => BACKUP_DOMAIN_BLOCKS.forEach((n) => machine.peripherals.get(n)?.reset('backup-domain'));
    p.backupWritable = () => pwr()?.backupWritable() ?? true;
    p.batteryPresent = () => sram()?.vbat ?? false;
    machine.resetListeners.push((_kind, cause) => p.recordResetCause(cause));
  } else if (p instanceof Pwr) {
    p.batteryPresent = () => sram()?.vbat ?? false;
  } else if (p instanceof Rtc) {
    const rcc = later(machine, 'RCC', Rcc);
    const exti = later(machine, 'EXTI', Exti);
    p.backupWritable = () => pwr()?.backupWritable() ?? true;
    p.batteryPresent = () => sram()?.vbat ?? false;
    p.extiLine = (line, level) => exti()?.setLine(line, level);
    // RTCCLK runs once RCC_BDCR.RTCEN = 1, from the source RTCSEL picks (RM0090 §7.3.20).
    p.rtcClockHz = () => {
      const r = rcc();
      if (!r) return 32_768;
      return (r.readRegister(RCC_REG.BDCR) & BDCR.RTCEN) !== 0 ? r.clocks.rtc : 0;
    };
  } else if (p instanceof BackupSram) {
    p.writeEnabled = () => pwr()?.backupWritable() ?? true;
  } else if (p instanceof GpioPort) {
    const syscfg = later(machine, 'SYSCFG', Syscfg);
    p.onInput = (pin, level) => syscfg()?.gpioInput(p.portIndex, pin, level);
    // The RTC's tamper/time-stamp inputs RTC_AF1 (PC13) and RTC_AF2 (PI8) see the pin's level.
    const rtcPin = p.letter === 'C' ? ('PC13' as const) : p.letter === 'I' ? ('PI8' as const) : null;
    if (rtcPin !== null) {
      const rtc = later(machine, 'RTC', Rtc);
      p.pin(rtcPin === 'PC13' ? 13 : 8).onChange((state) => rtc()?.setPin(rtcPin, state === 1));
    }
  } else if (p instanceof Syscfg) {
    const exti = later(machine, 'EXTI', Exti);
    p.bootPins = () => machine.bootMode;
    p.extiLine = (line, level) => exti()?.setLine(line, level);
    p.gpioLevel = (port, pin) => gpioOf(machine, String.fromCharCode(65 + port))?.inputLevel(pin) ?? false;
  } else if (p instanceof Usart) {
    p.onDmaRequest = dmaRequestLines(machine, p.name);
  } else if (p instanceof Exti) {
    // An EXTI event sets the core's event register: a WFE wakes (PM0214 §2.5.3 "wakeup from WFE").
    p.onEvent = () => {
      machine.cpu.eventRegister = 1;
      machine.cpu.attention();
    };
  }
}

/**
 * A peripheral's DMA request lines ('tx', 'rx', ...): each drives the streams RM0090 Tables 42/43 give
 * for `<block>_<LINE>` (DMA_REQUEST_MAP). Another peripheral's requests are wired the same way.
 */
function dmaRequestLines(machine: Machine, block: string): (line: string, level: boolean) => void {
  const dma = { DMA1: later(machine, 'DMA1', Dma), DMA2: later(machine, 'DMA2', Dma) };
  return (line, level) => {
    for (const r of DMA_REQUEST_MAP[`${block}_${line.toUpperCase()}`] ?? []) dma[r.dma]()?.request(r.stream, r.channel, level);
  };
}

/** Makes the block unclocked while RCC's enable bit for it is clear or its reset bit set. */
function gateClock(p: Peripheral, machine: Machine): void {
  const g = CLOCK_GATES[p.name];
  if (!g) return;
  const rcc = later(machine, 'RCC', Rcc);
  const bus = Rcc.busIndex(g.bus);
  p.clockEnabled = () => {
    const r = rcc();
    return r === undefined || r.gateOpen(bus, g.enable, g.reset);
  };
}

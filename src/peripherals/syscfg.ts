/**
 * SYSCFG — system configuration controller of the STM32F405/407 (RM0090 §9).
 *
 * - SYSCFG_MEMRMP.MEM_MODE chooses the memory at 0x0000_0000. Its reset value is the mode the boot pins
 *   latched (RM0090 §2.4, §9.2.1); writes switch the boot alias at once (f4emu points the bus's alias
 *   pages elsewhere; nothing is copied). MEM_MODE = 10 (FSMC bank 1) leaves the alias empty: no external
 *   memory is fitted, so accesses there are bus errors.
 * - SYSCFG_EXTICR1-4 select, for EXTI lines 0-15, which port's pin n feeds line n (A = 0 ... I = 8).
 *   Switching the multiplexer presents the newly selected pin's level to the line, which is an edge if
 *   the levels differ (as the multiplexer output would be on silicon).
 * - SYSCFG_PMC (MII_RMII_SEL) is stored; SYSCFG_CMPCR: setting CMP_PD powers the I/O compensation cell,
 *   READY rises after its settling time.
 */
import { type Bus, UNMAPPED } from '../bus/bus.js';
import { MEM_MODE, type BootMode, type PeripheralBlock, region } from '../device/stm32f407.js';
import type { ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

/** Register offsets (RM0090 §9.2.9 Table 40). */
export const SYSCFG_REG = { MEMRMP: 0x00, PMC: 0x04, EXTICR1: 0x08, EXTICR2: 0x0c, EXTICR3: 0x10, EXTICR4: 0x14, CMPCR: 0x20 } as const;

export const MEMRMP_MEM_MODE = 0x3;
export const PMC_MII_RMII_SEL = 1 << 23;
export const CMPCR = { CMP_PD: 1 << 0, READY: 1 << 8 } as const;

/** I/O compensation cell settling time in emulated ns (not given by RM0090/DS8626: unverified). */
export const COMPENSATION_CELL_NS = 10_000;

const BOOT_MODES: Readonly<Record<number, BootMode>> = Object.fromEntries(
  (Object.entries(MEM_MODE) as Array<[BootMode | 'fsmc', number]>).filter(([m]) => m !== 'fsmc').map(([m, v]) => [v, m as BootMode]),
);

export class Syscfg extends Peripheral {
  /** The mode BOOT0/BOOT1 select, latched at every reset. */
  bootPins: () => BootMode = () => 'flash';
  /** Drives EXTI line n (wired to the EXTI controller). */
  extiLine: (line: number, level: boolean) => void = () => {};
  /** The input level of a pin of a port (wired to the GPIO ports). */
  gpioLevel: (port: number, pin: number) => boolean = () => false;

  private memrmp = 0;
  private pmc = 0;
  private readonly exticr = new Uint16Array(4);
  private cmpPd = false;
  private cmpReady = false;
  private readonly cmpAlarm: Alarm;

  constructor(
    block: PeripheralBlock,
    ctx: PeripheralContext,
    private readonly bus: Bus,
  ) {
    super(block, ctx);
    this.cmpAlarm = ctx.scheduler.createAlarm('SYSCFG compensation cell ready', () => (this.cmpReady = true));
  }

  /** The port whose pin `line` feeds EXTI line `line` (0-15). */
  extiPort(line: number): number {
    return (this.exticr[line >>> 2] >>> (4 * (line & 3))) & 0xf;
  }

  /** A GPIO pin's input level changed: forwards it if the multiplexer selects that port for the pin's line. */
  gpioInput(port: number, pin: number, level: boolean): void {
    if (this.extiPort(pin) === port) this.extiLine(pin, level);
  }

  readRegister(offset: number): number {
    switch (offset) {
      case SYSCFG_REG.MEMRMP:
        return this.memrmp;
      case SYSCFG_REG.PMC:
        return this.pmc;
      case SYSCFG_REG.CMPCR:
        return (this.cmpPd ? CMPCR.CMP_PD : 0) | (this.cmpReady ? CMPCR.READY : 0);
    }
    const i = exticrIndex(offset);
    return i >= 0 ? this.exticr[i] : 0;
  }

  writeRegister(offset: number, value: number): void {
    switch (offset) {
      case SYSCFG_REG.MEMRMP:
        return this.remap(value & MEMRMP_MEM_MODE);
      case SYSCFG_REG.PMC:
        this.pmc = value & PMC_MII_RMII_SEL;
        return;
      case SYSCFG_REG.CMPCR:
        return this.powerCompensationCell((value & CMPCR.CMP_PD) !== 0);
    }
    const i = exticrIndex(offset);
    if (i >= 0) this.selectExtiPorts(i, value & 0xffff);
  }

  /** Puts the chosen memory at 0x0000_0000 (RM0090 §9.2.1). */
  private remap(memMode: number): void {
    this.memrmp = memMode;
    const mode = BOOT_MODES[memMode];
    if (mode) this.bus.setBootMode(mode);
    else {
      const alias = region(this.bus.device, 'alias');
      this.bus.mapHandler(alias.start, alias.size, UNMAPPED);
    }
  }

  private selectExtiPorts(index: number, value: number): void {
    const old = this.exticr[index];
    this.exticr[index] = value;
    for (let k = 0; k < 4; k++) {
      if (((old ^ value) >>> (4 * k)) & 0xf) this.resyncLine(4 * index + k);
    }
  }

  /** Presents the selected pin's level to its EXTI line. */
  private resyncLine(line: number): void {
    this.extiLine(line, this.gpioLevel(this.extiPort(line), line));
  }

  private powerCompensationCell(on: boolean): void {
    if (on === this.cmpPd) return;
    this.cmpPd = on;
    this.cmpReady = false;
    if (on) this.cmpAlarm.scheduleNs(COMPENSATION_CELL_NS);
    else this.cmpAlarm.cancel();
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    this.remap(MEM_MODE[this.bootPins()]);
    this.pmc = 0;
    this.exticr.fill(0);
    for (let line = 0; line < 16; line++) this.resyncLine(line);
    this.powerCompensationCell(false);
  }
}

function exticrIndex(offset: number): number {
  return offset >= SYSCFG_REG.EXTICR1 && offset <= SYSCFG_REG.EXTICR4 ? (offset - SYSCFG_REG.EXTICR1) >>> 2 : -1;
}

/**
 * f4emu's public API for a web page: everything in src/index.ts that needs no Node module.
 *
 *   import { createMachine, discoveryOf, parseImage, usartOf, Semihosting } from 'f4emu/browser';
 *   const machine = createMachine({ board: 'discovery' });
 *   machine.loadImage(parseImage(new Uint8Array(await file.arrayBuffer()), file.name));
 *   new Semihosting(machine.cpu, { write: (fd, bytes) => show(bytes), read: () => null }).install();
 *   discoveryOf(machine)!.leds.green.onChange((on) => paint(on));
 *   usartOf(machine, 'USART2').onTx = (byte) => print(byte);
 *   machine.reset('power-on');
 *   machine.run(1_000_000);
 *
 * Left out (Node only): `loadImageFile` (read the bytes yourself and call `parseImage`),
 * `NodeSemihostingHost`/`RootedFiles` (implement `SemihostingHost`), `attachState`/`openStateFile`
 * (use `attachStore` with a `MemoryNvFile` and keep its `bytes` where you like), `connectSerial`
 * (wire `Usart.feedRx`/`onTx` to the page). test/web/build.test.ts bundles this file for the
 * browser and fails if anything it reaches imports a Node builtin. src/index.ts (Node) re-exports all
 * of this and adds those.
 */
export { Machine, type MachineOptions, type PeripheralFactory } from './machine.js';
export {
  DEVICES,
  DEFAULT_DEVICE,
  IRQ,
  IRQ_NAMES,
  CORE_BLOCKS,
  bootModeFromPins,
  endOf,
  peripheral,
  region,
  regionAt,
  sectorAt,
  type BootMode,
  type DeviceDescription,
  type FlashSector,
  type PeripheralBlock,
  type Region,
  type RegionKind,
} from './device/stm32f407.js';
export { Bus, BUS_ERROR, BusError, type AccessSize, type BusHandler } from './bus/bus.js';
export { CortexM4, type StopReason } from './core/cpu.js';
export { Scheduler, Alarm } from './time/scheduler.js';
export type { ResetCause, ResetKind } from './time/reset.js';
export { Peripheral, type PeripheralContext } from './peripherals/peripheral.js';
export { UserError, hex32 } from './errors.js';

// Images
export type { Image, ImageFormat, ImageSymbol, Section, Segment } from './loaders/image.js';
export { parseImage, detectFormat, type LoadOptions } from './loaders/load.js';
export { parseElf } from './loaders/elf.js';
export { parseIntelHex } from './loaders/ihex.js';
export { parseSrec } from './loaders/srec.js';
export { parseBinary } from './loaders/bin.js';
export {
  analysePlacement,
  type Placement,
  type PlacementOptions,
  type Problem,
  type ProblemKind,
  type RegionUsage,
  type SectorUsage,
  type SectionPlacement,
  type SegmentPlacement,
} from './loaders/placement.js';

// Semihosting (the page implements SemihostingHost)
export {
  Semihosting,
  SemihostingError,
  SYS,
  ERRNO,
  ADP_STOPPED_APPLICATION_EXIT,
  type OpenMode,
  type SemihostingFile,
  type SemihostingFiles,
  type SemihostingHost,
  type SemihostingOptions,
} from './core/semihosting.js';

// A whole chip on a board
export {
  createMachine,
  attachBoard,
  discoveryOf,
  boardOf,
  BOARD_NAMES,
  type CreateMachineOptions,
  DiscoveryBoard,
  BareChip,
  Button,
  Led,
  type LedColour,
  type Board,
  type BoardName,
} from './boards/index.js';
export { chipPeripherals, peripheralOf, pinOf, rccOf, pwrOf, syscfgOf, extiOf } from './peripherals/index.js';
export type { Pin, PinState } from './peripherals/gpio.js';
export { Usart, usartOf } from './peripherals/usart.js';

// Flash, non-volatile state kept by the page (MemoryNvFile: read `bytes`, save them where you like)
export { FlashProgrammer, programImage } from './flash/programmer.js';
export { attachStore, type AttachOptions, type AttachedState } from './nvstate/attach.js';
export { MemoryNvFile } from './nvstate/memory-file.js';
export { NvStore, type NvFile } from './nvstate/store.js';

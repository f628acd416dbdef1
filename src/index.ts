/**
 * f4emu's public TypeScript API: build a Machine, load an image, reset, run.
 *
 *   import { Machine, loadImageFile, Semihosting, NodeSemihostingHost } from 'f4emu';
 *   const machine = new Machine();
 *   machine.loadImage(loadImageFile('firmware.elf'));
 *   new Semihosting(machine.cpu, new NodeSemihostingHost()).install();
 *   machine.reset('power-on');
 *   machine.run(1_000_000);
 *
 * Everything but `loadImageFile` and `NodeSemihostingHost`/`RootedFiles` (Node only) also runs in a
 * browser: use `parseImage(bytes, name)` there and implement `SemihostingHost` yourself.
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
export { loadImageFile } from './loaders/load-file.js';
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

// Semihosting
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
export { NodeSemihostingHost, RootedFiles, type NodeHostOptions } from './host/semihosting-node.js';

// A whole chip on a board, with every modelled peripheral
export { createMachine, attachBoard, discoveryOf, type CreateMachineOptions, DiscoveryBoard, BareChip, Button, Led, type Board, type BoardName } from './boards/index.js';
export { chipPeripherals, peripheralOf, rccOf, pwrOf, syscfgOf, extiOf } from './peripherals/index.js';
export { Usart, usartOf } from './peripherals/usart.js';

// Flash, non-volatile state
export { FlashProgrammer, programImage } from './flash/programmer.js';
export { attachState, openStateFile } from './host/nvstore-node.js';
export type { AttachOptions, AttachedState } from './nvstate/attach.js';

// Host connections
export { connectSerial, parseSerialSpec, type SerialHandle, type SerialSpec } from './host/serial-port.js';

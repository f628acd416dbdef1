/**
 * Wall time of erasing and programming main flash through the emulated flash interface
 * (RM0090 §3.6: unlock FLASH_KEYR, SER + SNB + STRT per sector, PG with x32 word stores, polling
 * BSY in FLASH_SR). API-driven: src/flash/programmer.ts plays the part of a debug probe's flash
 * algorithm; there is no firmware flash program in firmware/ to drive it from the core yet.
 *
 * The emulated durations come from the flash interface's timing model (datasheet tERASE/tPROG); they
 * pass in emulated time only, so the wall time is what the emulator spends on the register sequence.
 */
import { createMachine } from '../src/boards/index.js';
import { region } from '../src/device/stm32f407.js';
import { hex32 } from '../src/errors.js';
import { FlashProgrammer } from '../src/flash/programmer.js';
import { sectorsSpanned } from '../src/flash/sectors.js';
import { testPattern } from './pattern.js';
import { BenchFailure } from './result-line.js';

export const FLASH_DRIVER = 'API-driven (FlashProgrammer: SER+STRT per sector, PG x32, BSY polled)';

export interface FlashMeasurement {
  readonly bytes: number;
  readonly sectors: number;
  readonly eraseSeconds: number;
  readonly programSeconds: number;
  /** Emulated time the erase and the programming took on the chip's clock. */
  readonly emulatedEraseSeconds: number;
  readonly emulatedProgramSeconds: number;
}

/** Erases the sectors under the first `bytes` of flash (default: all of it), programs a pattern, verifies it. */
export function measureFlash(bytes?: number): FlashMeasurement {
  const machine = createMachine();
  machine.reset('power-on');
  const flash = region(machine.device, 'flash');
  const length = bytes ?? flash.size;
  const sectors = sectorsSpanned(machine.device, flash.start, length).map((s) => s.index);
  const programmer = new FlashProgrammer(machine);
  const data = testPattern(length);
  const clock = machine.scheduler;

  const t0 = performance.now();
  const ns0 = clock.nowNs();
  programmer.eraseSectors(sectors);
  const t1 = performance.now();
  const ns1 = clock.nowNs();
  programmer.program(flash.start, data);
  const t2 = performance.now();
  const ns2 = clock.nowNs();

  const stored = machine.bus.view('flash');
  for (let i = 0; i < length; i++) {
    if (stored[i] !== data[i]) throw new BenchFailure(`flash: verify failed at ${hex32(flash.start + i)}: wrote 0x${data[i].toString(16)}, reads 0x${stored[i].toString(16)}`);
  }
  return {
    bytes: length,
    sectors: sectors.length,
    eraseSeconds: (t1 - t0) / 1000,
    programSeconds: (t2 - t1) / 1000,
    emulatedEraseSeconds: (ns1 - ns0) / 1e9,
    emulatedProgramSeconds: (ns2 - ns1) / 1e9,
  };
}

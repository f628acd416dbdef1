/**
 * Puts a state file into a Machine: the file's flash, OTP, option bytes, unique ID and (with VBAT) backup
 * SRAM and RTC backup registers become the chip's memory, and from then on every completed flash
 * operation is journaled to the file, durably before anything leaves the emulator (group commit,
 * store.ts). Call it before the power-on reset that starts the run.
 */
import type { Machine } from '../machine.js';
import { flashInterfaceOf } from '../flash/interface.js';
import { BackupSram } from '../peripherals/bkpsram.js';
import { Rtc } from '../peripherals/rtc.js';
import type { NvSectionName } from './change.js';
import { type NvFile, NvStore } from './store.js';

export interface AttachOptions {
  /**
   * A battery keeps the backup domain (backup SRAM, RTC backup registers) between runs. Omitted: keep
   * whatever the file says (the `state` tools use this).
   */
  readonly vbat?: boolean;
  /** Journal bytes before a compaction (default 1 MiB). */
  readonly compactAt?: number;
}

export interface AttachedState {
  readonly store: NvStore;
  /** The file did not exist: the chip is factory-fresh. */
  readonly created: boolean;
  readonly vbat: boolean;
  /** RTC_BKP0R–BKP19R backing (80 bytes, little-endian words) for the RTC model; saved with VBAT. */
  readonly rtcBackup: Uint8Array;
  /** Saves the backup domain and folds the journal into the image now (close does it too). */
  checkpoint(): void;
  /** Saves and closes the file; the machine keeps running without persistence. */
  close(): void;
}

/** Sections that live in the bus's memory. */
const BUS_SECTIONS = ['flash', 'otp', 'otp-lock', 'option-bytes', 'bkpsram'] as const satisfies readonly NvSectionName[];

export function attachStore(machine: Machine, file: NvFile, options: AttachOptions = {}): AttachedState {
  const flash = flashInterfaceOf(machine);
  const store = NvStore.open(file, { device: machine.device, create: true, compactAt: options.compactAt });
  const vbat = options.vbat ?? store.backupDomainSaved;
  store.backupDomainSaved = vbat;
  const bus = machine.bus;
  const sections = store.image.sections;
  if (!vbat) {
    sections.bkpsram.fill(0);
    sections['rtc-backup'].fill(0);
  }
  for (const name of BUS_SECTIONS) bus.poke(bus.offsetOf(name), sections[name]);
  bus.poke(bus.offsetOf('uid'), uidBytes(store.identity.uid));
  store.bind(Object.fromEntries(BUS_SECTIONS.map((name) => [name, bus.view(name)])));
  flash.sink = store;
  flash.reloadOptionBytes();
  const sram = machine.peripherals.get('BKPSRAM');
  if (sram instanceof BackupSram) sram.vbat = vbat;
  // The RTC keeps RTC_BKPxR in the section itself, so every save writes what firmware last wrote.
  const rtc = machine.peripherals.get('RTC');
  if (rtc instanceof Rtc) rtc.useBackupMemory(sections['rtc-backup']);
  return {
    store,
    created: store.created,
    vbat,
    rtcBackup: sections['rtc-backup'],
    checkpoint: () => store.compact(),
    close: () => {
      if (flash.sink === store) flash.sink = null;
      store.close();
    },
  };
}

function uidBytes(uid: readonly number[]): Uint8Array {
  const out = new Uint8Array(12);
  const dv = new DataView(out.buffer);
  uid.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
  return out;
}

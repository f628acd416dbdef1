/**
 * Child process of state-crash.test.ts: opens a state file into a Machine and, from operation number
 * START on, erases and programs through the flash interface registers (as firmware would) for ever.
 * It reports the way the emulator reports to a host: after a group of 1–MAX_GROUP operations (each seen
 * complete by EOP, as the bootloader sees its 256 byte programs before it ACKs), it passes the output
 * barrier (src/host/output-barrier.ts: the state file syncs) and only then prints "done K" for each.
 * The parent, the host, kills it with SIGKILL at a random instant. The operations are a pure function of
 * K (`operationAt`), so the parent can compute the memory that any number of them must leave.
 *
 * MODE `kill` uses the real state file: SIGKILL of the emulator. MODE `power-loss` keeps every append in
 * this process until the store syncs it (then writes it): a SIGKILL then loses exactly what a power cut
 * may lose of a real file — everything not yet fdatasynced.
 *
 * Usage: node --import tsx test/e2e/state-crash-child.ts STATE START COMPACT_AT MODE
 */
import { pathToFileURL } from 'node:url';
import { DEFAULT_DEVICE, peripheral, region } from '../../src/device/stm32f407.js';
import { CR, FLASH_KEY1, FLASH_KEY2, FLASH_OPTKEY1, FLASH_OPTKEY2, FLASH_REG, SR, flashFactory } from '../../src/flash/interface.js';
import { OPTCR, encodeOptionBytes, factoryOptionBytes, optcrFromOptionBytes } from '../../src/flash/option-bytes.js';
import { NodeNvFile } from '../../src/host/nvstore-node.js';
import { addOutputBarrier, beforeOutput } from '../../src/host/output-barrier.js';
import { attachStore } from '../../src/nvstate/attach.js';
import type { NvFile } from '../../src/nvstate/store.js';
import { Machine } from '../../src/machine.js';
import { backupSramFactory } from '../../src/peripherals/bkpsram.js';

export type Operation =
  | { kind: 'program'; address: number; value: number }
  | { kind: 'erase'; sector: number }
  | { kind: 'otp'; address: number; value: number }
  | { kind: 'options'; borLevel: number };

const FLASH = region(DEFAULT_DEVICE, 'flash');
const OTP = region(DEFAULT_DEVICE, 'otp');
const SECTORS = [1, 2, 3];
/** The most operations done between two reports. */
export const MAX_GROUP = 8;

/** A small deterministic hash of K (xorshift-multiply), so operations depend on K only. */
function hash(k: number, salt: number): number {
  let x = (Math.imul(k + 1, 0x9e37_79b1) ^ Math.imul(salt + 7, 0x85eb_ca6b)) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b_3c6d) >>> 0;
  x ^= x >>> 12;
  return x >>> 0;
}

export function operationAt(k: number): Operation {
  const choice = hash(k, 0) % 100;
  if (choice < 72) {
    const sector = DEFAULT_DEVICE.flashSectors[SECTORS[hash(k, 1) % SECTORS.length]];
    return { kind: 'program', address: sector.start + (hash(k, 2) % (sector.size / 4)) * 4, value: hash(k, 3) };
  }
  if (choice < 92) return { kind: 'erase', sector: SECTORS[hash(k, 4) % SECTORS.length] };
  if (choice < 96) return { kind: 'otp', address: OTP.start + (hash(k, 5) % (OTP.size / 4)) * 4, value: hash(k, 6) };
  return { kind: 'options', borLevel: hash(k, 7) % 4 };
}

/** The memories the test compares, as silicon defines the operations. */
export interface Model {
  flash: Uint8Array;
  otp: Uint8Array;
  optionBytes: Uint8Array;
}

export function factoryModel(): Model {
  return {
    flash: new Uint8Array(FLASH.size).fill(0xff),
    otp: new Uint8Array(OTP.size).fill(0xff),
    optionBytes: encodeOptionBytes(factoryOptionBytes(DEFAULT_DEVICE)),
  };
}

export function applyOperation(m: Model, op: Operation): void {
  switch (op.kind) {
    case 'program':
    case 'otp': {
      const bytes = op.kind === 'program' ? m.flash : m.otp;
      const at = op.address - (op.kind === 'program' ? FLASH.start : OTP.start);
      for (let i = 0; i < 4; i++) bytes[at + i] &= (op.value >>> (8 * i)) & 0xff;
      return;
    }
    case 'erase': {
      const s = DEFAULT_DEVICE.flashSectors[op.sector];
      m.flash.fill(0xff, s.start - FLASH.start, s.start - FLASH.start + s.size);
      return;
    }
    case 'options':
      m.optionBytes = encodeOptionBytes({ ...factoryOptionBytes(DEFAULT_DEVICE), borLevel: op.borLevel });
  }
}

/** A state file whose appends reach the disk only when synced: what survives a power cut, in the worst case. */
class PowerLossFile implements NvFile {
  private held: Uint8Array[] = [];
  constructor(private readonly real: NodeNvFile) {}
  get name(): string {
    return this.real.name;
  }
  read(): Uint8Array | null {
    return this.real.read();
  }
  append(bytes: Uint8Array): void {
    this.held.push(bytes.slice());
  }
  sync(): void {
    for (const bytes of this.held) this.real.append(bytes);
    this.held = [];
    this.real.sync();
  }
  truncate(length: number): void {
    this.real.truncate(length);
  }
  replace(bytes: Uint8Array): void {
    this.held = []; // the new image holds them
    this.real.replace(bytes);
  }
  close(): void {
    this.real.close();
  }
}

function main(): void {
  const [path, start, compactAt, mode] = process.argv.slice(2);
  const machine = new Machine({}, [flashFactory, backupSramFactory]);
  const real = new NodeNvFile(path);
  const state = attachStore(machine, mode === 'power-loss' ? new PowerLossFile(real) : real, { compactAt: Number(compactAt) });
  addOutputBarrier(() => state.store.syncIfDirty());
  const bus = machine.bus;
  const base = peripheral(DEFAULT_DEVICE, 'FLASH').base;
  const reg = (name: keyof typeof FLASH_REG) => base + FLASH_REG[name];
  const waitForEop = () => {
    let sr: number;
    while (!((sr = bus.read32(reg('SR'))) & SR.EOP)) {
      machine.scheduler.fireDue();
      if (sr & SR.ERRORS) throw new Error(`flash error SR=0x${sr.toString(16)}`);
    }
    bus.write32(reg('SR'), SR.EOP);
  };
  bus.write32(reg('KEYR'), FLASH_KEY1);
  bus.write32(reg('KEYR'), FLASH_KEY2);
  bus.write32(reg('OPTKEYR'), FLASH_OPTKEY1);
  bus.write32(reg('OPTKEYR'), FLASH_OPTKEY2);
  const x32 = 2 << CR.PSIZE_SHIFT;
  process.stdout.write('ready\n');
  let reported = Number(start);
  for (let k = Number(start); ; k++) {
    const op = operationAt(k);
    switch (op.kind) {
      case 'program':
      case 'otp':
        bus.write32(reg('CR'), CR.PG | x32 | CR.EOPIE);
        bus.write32(op.address, op.value);
        break;
      case 'erase':
        bus.write32(reg('CR'), CR.SER | (op.sector << CR.SNB_SHIFT) | x32 | CR.EOPIE);
        bus.write32(reg('CR'), CR.SER | (op.sector << CR.SNB_SHIFT) | x32 | CR.EOPIE | CR.STRT);
        break;
      case 'options': {
        bus.write32(reg('CR'), x32 | CR.EOPIE);
        const optcr = optcrFromOptionBytes({ ...factoryOptionBytes(DEFAULT_DEVICE), borLevel: op.borLevel });
        bus.write32(reg('OPTCR'), optcr);
        bus.write32(reg('OPTCR'), optcr | OPTCR.OPTSTRT);
      }
    }
    waitForEop();
    if (k + 1 - reported < 1 + ((reported * 7919) % MAX_GROUP)) continue; // the group is not complete yet
    beforeOutput();
    let lines = '';
    for (; reported <= k; reported++) lines += `done ${reported}\n`;
    process.stdout.write(lines);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();

/**
 * The integer workload built for a Cortex-M0+ (bench-int-m0plus.bin, Thumb-1) on rp2040js, the
 * RP2040 emulator of wokwi, as the nearest JavaScript peer of f4emu.
 *
 * Protocol (firmware/bench/README.md): the flat image goes at the start of the RP2040's SRAM; a
 * mailbox at SRAM offset 0xC0 holds magic, iterations (in), checksum (out) and status (out); the
 * firmware ends with BKPT #0 (done) or BKPT #1 (fault). The core is stepped bare —
 * `core.executeInstruction()` in a loop, counting, with no clock ticks — which is rp2040js's fastest
 * path (its Simulator also advances a clock per instruction). The count includes the final BKPT.
 */
import { readFileSync } from 'node:fs';
import { RP2040 } from 'rp2040js';
import { UserError } from '../src/errors.js';
import { BenchFailure, type WorkloadResult } from './result-line.js';

/** Mailbox layout (firmware/bench/int-m0plus/mailbox.h): byte offsets in SRAM. */
const MAILBOX = { magic: 0xc0, iterations: 0xc4, checksum: 0xc8, status: 0xcc } as const;
const MAILBOX_MAGIC = 0x4e42_3446; // "F4BN"
const STATUS_DONE = 2;
/** Where the RP2040's SRAM starts (RP2040 datasheet §2.6.2); the image's vector table is there. */
const RP2040_SRAM_BASE = 0x2000_0000;
/** Instructions between two looks at the clock for the timeout. */
const CHECK_EVERY = 1 << 20;

export interface Rp2040Run extends WorkloadResult {
  readonly instructions: number;
  readonly seconds: number;
}

/** Loads the flat image into a fresh RP2040, checks its mailbox, sets the iterations. */
function prepare(binPath: string, iterations: number): { mcu: RP2040; mailbox: DataView } {
  let bin: Uint8Array;
  try {
    bin = readFileSync(binPath);
  } catch {
    throw new UserError(`${binPath}: cannot read the M0+ benchmark image (make -C firmware builds it)`);
  }
  const mcu = new RP2040();
  if (bin.length > mcu.sram.length) throw new UserError(`${binPath}: ${bin.length} bytes do not fit the RP2040's ${mcu.sram.length} bytes of SRAM`);
  mcu.sram.set(bin, 0);
  const mailbox = new DataView(mcu.sram.buffer, mcu.sram.byteOffset, mcu.sram.byteLength);
  if (bin.length < MAILBOX.status + 4 || mailbox.getUint32(MAILBOX.magic, true) !== MAILBOX_MAGIC) {
    throw new UserError(`${binPath}: offset 0x${MAILBOX.magic.toString(16)}: no bench mailbox (magic 0x${MAILBOX_MAGIC.toString(16)})`);
  }
  mailbox.setUint32(MAILBOX.iterations, iterations, true);
  mcu.core.VTOR = RP2040_SRAM_BASE;
  mcu.core.reset(); // SP and PC from the image's vector table
  return { mcu, mailbox };
}

/** Runs bench-int-m0plus for `iterations` rounds; throws BenchFailure unless it ends with BKPT #0 and status done. */
export function runOnRp2040js(binPath: string, iterations: number, timeoutSeconds = 600): Rp2040Run {
  const { mcu, mailbox } = prepare(binPath, iterations);
  const core = mcu.core;
  let breakCode = -1;
  mcu.onBreak = (code) => {
    breakCode = code;
  };
  const where = `bench-int-m0plus ${iterations} on rp2040js`;
  let instructions = 0;
  const start = performance.now();
  const deadline = start + timeoutSeconds * 1000;
  while (breakCode < 0) {
    core.executeInstruction();
    instructions++;
    if ((instructions & (CHECK_EVERY - 1)) === 0 && performance.now() > deadline) {
      throw new BenchFailure(`${where}: no BKPT after ${timeoutSeconds} s (${instructions} instructions)`);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const status = mailbox.getUint32(MAILBOX.status, true);
  if (breakCode !== 0 || status !== STATUS_DONE) throw new BenchFailure(`${where}: stopped at BKPT #${breakCode} with status ${status} (PC 0x${(core.PC >>> 0).toString(16)})`);
  return {
    iterations: mailbox.getUint32(MAILBOX.iterations, true),
    checksum: mailbox.getUint32(MAILBOX.checksum, true),
    instructions,
    seconds,
  };
}

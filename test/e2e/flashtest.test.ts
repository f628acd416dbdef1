/**
 * firmware/flashtest (C, built into firmware/build/flashtest.elf) on the emulated chip: the flash
 * interface, OTP, option bytes, RDP/WRP and backup SRAM exercised from inside by the CPU core, with
 * semihosting for its report. Every check line must read "ok", and the program must exit 0 after its
 * RAM-resident RDP 1 → 0 regression has mass-erased the flash it was running from.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Semihosting, type SemihostingHost } from '../../src/core/semihosting.js';
import { flashFactory } from '../../src/flash/interface.js';
import { loadImageFile } from '../../src/loaders/load-file.js';
import { Machine } from '../../src/machine.js';
import { backupSramFactory } from '../../src/peripherals/bkpsram.js';

const ELF = join(import.meta.dirname, '../../firmware/build/flashtest.elf');
const BUDGET = 50_000_000;

test('firmware/flashtest passes every check on the emulated flash interface and exits 0', () => {
  const machine = new Machine({}, [flashFactory, backupSramFactory]);
  let out = '';
  const host: SemihostingHost = { write: (_fd, bytes) => void (out += new TextDecoder().decode(bytes)), read: () => new Uint8Array(0) };
  const image = loadImageFile(ELF);
  machine.loadImage(image);
  const semihosting = new Semihosting(machine.cpu, host, { symbols: image.symbols });
  semihosting.install();
  machine.reset('power-on');
  while (semihosting.exitCode === null && machine.cpu.instructions < BUDGET) {
    const why = machine.run(1_000_000);
    if (why === 'halted' || why === 'lockup' || why === 'sleep') break;
  }
  const failures = out.split('\n').filter((l) => l.startsWith('FAIL'));
  assert.deepEqual(failures, [], out);
  assert.match(out, /flashtest: \d+ checks, 0 failed\n/);
  assert.match(out, /ok   RDP 1 -> 0 erased the flash\n/);
  assert.match(out, /flashtest: RDP regression done\n/);
  assert.equal(semihosting.exitCode, 0, `exit status; PC 0x${machine.cpu.pc.toString(16)}\n${out}`);
});

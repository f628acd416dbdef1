/**
 * Fuzzing sysboot (the system-memory bootloader) through its USART: random byte strings and mutated
 * valid AN3155 frames (flipped bits, wrong checksums, bytes dropped, added or cut off), fed to an
 * emulated chip and to An3155Model, the protocol written down in TypeScript. After every frame:
 * - the chip answered exactly what the model answers, and changed exactly the memory it changes
 *   (flash, OTP, option bytes, host RAM: nothing is written by a broken frame);
 * - the bootloader is still there: a command left half-way times out, stm32flash's re-synchronisation
 *   (0x7F, and 0x7F again if nothing came back) gets its ACK/NACK, and Get Version is answered;
 * - sysboot took no fault, the emulator threw nothing.
 * A frame that really is Go, or that sets RDP level 2, ends the chip's time in the bootloader; the test
 * then goes on with a fresh chip.
 *
 * Quick mode (npm test): 100,000 frames. F4EMU_FUZZ_FRAMES=n and F4EMU_FUZZ_SEED=s for other runs; a
 * failure names the seed and the frame, and the same seed replays the same frames.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { region } from '../../src/device/stm32f407.js';
import type { NvChange } from '../../src/nvstate/change.js';
import { BOOTLOADER_RAM_BYTES } from '../../src/system-memory.js';
import { Rng } from '../core/differential/prng.js';
import { ACK, CMD, NACK, addressFrame, commandFrame, countFrame, dataFrame, eraseFrame, protectFrame } from '../e2e/an3155-client.js';
import { An3155Model, type Touched } from './an3155-model.js';
import { SysbootHarness } from './harness.js';

const FRAMES = Number(process.env.F4EMU_FUZZ_FRAMES ?? 100_000);
const SEED = Number(process.env.F4EMU_FUZZ_SEED ?? 0x5b00_7001);
/** Every this many frames, all of flash, OTP and host RAM are compared, not only what changed. */
const FULL_CHECK_EVERY = 5_000;

/** One chip in the bootloader, its model, and the flash operations the chip completed. */
class Session {
  readonly h = new SysbootHarness();
  readonly model: An3155Model;
  readonly changes: NvChange[] = [];

  constructor() {
    assert.equal(this.h.settle(), 'waiting');
    this.h.flash.sink = { commit: (changes) => void this.changes.push(...changes) };
    this.model = new An3155Model(this.h.machine.device, this.h.machine, this.h.flash.optionBytes);
  }
}

// ---- Frames -------------------------------------------------------------------------------------------

function bytes(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.int(256));
}

/** Addresses worth trying: memory edges, the bootloader's RAM, peripherals, holes, random ones. */
function someAddress(rng: Rng, s: Session): number {
  const d = s.h.machine.device;
  const r = (name: string): { start: number; size: number } => region(d, name);
  const flash = r('flash');
  const ram = r('sram1').start + BOOTLOADER_RAM_BYTES;
  const edges = [
    flash.start, flash.start + flash.size - 4, flash.start + flash.size, r('sram1').start, ram - 4, ram, r('sram2').start + r('sram2').size - 4,
    r('system').start, r('system').start + r('system').size - 4, r('otp').start, r('otp-lock').start, r('uid').start, r('uid').start + 12,
    r('flash-size').start, r('option-bytes').start, r('option-bytes').start + 12, r('ccm').start, 0x4002_3c00, 0xe000_ed00, 0, 0xffff_fffc,
  ];
  switch (rng.int(4)) {
    case 0:
      return rng.pick(edges);
    case 1:
      return flash.start + (rng.int(flash.size) & ~3);
    case 2:
      return ram + (rng.int(0x1_0000) & ~3);
    default:
      return rng.u32();
  }
}

/** A well-formed frame of some command, with plausible arguments. */
function validFrame(rng: Rng, s: Session): number[] {
  const k = rng.int(1000);
  const d = s.h.machine.device;
  if (k < 200) return commandFrame(rng.pick([CMD.GET, CMD.GET_VERSION, CMD.GET_ID]));
  if (k < 450) return [...commandFrame(CMD.READ_MEMORY), ...addressFrame(someAddress(rng, s)), ...countFrame(rng.chance(0.2) ? 256 : rng.range(1, 32))];
  if (k < 600) {
    const ram = region(d, 'sram1').start + BOOTLOADER_RAM_BYTES + (rng.int(0x1_0000) & ~3);
    return [...commandFrame(CMD.WRITE_MEMORY), ...addressFrame(rng.chance(0.8) ? ram : someAddress(rng, s)), ...dataFrame(bytes(rng, 4 * rng.range(1, 16)))];
  }
  if (k < 700) {
    const otp = region(d, 'otp');
    const at = rng.chance(0.7) ? region(d, 'flash').start + (rng.int(region(d, 'flash').size) & ~3) : otp.start + (rng.int(otp.size + 16) & ~3);
    return [...commandFrame(CMD.WRITE_MEMORY), ...addressFrame(at), ...dataFrame(bytes(rng, 4 * rng.range(1, rng.chance(0.05) ? 64 : 4)))];
  }
  if (k < 780) return [...commandFrame(CMD.GO), ...addressFrame(someAddress(rng, s) | (rng.chance(0.98) ? 0x0c00_0000 : 0))];
  if (k < 812) return [...commandFrame(CMD.EXTENDED_ERASE), ...eraseFrame(Array.from({ length: rng.range(1, 3) }, () => rng.pick([0, 1, 2, 3, 12, 13, 255])))];
  if (k < 820) return [...commandFrame(CMD.EXTENDED_ERASE), ...eraseFrame({ special: rng.pick([0xffff, 0xfffe, 0xfffd, 0xfff0]) })];
  if (k < 830) return [...commandFrame(CMD.WRITE_PROTECT), ...protectFrame(Array.from({ length: rng.range(1, 3) }, () => rng.int(16)))];
  if (k < 838) return commandFrame(CMD.WRITE_UNPROTECT);
  if (k < 846) return commandFrame(CMD.READOUT_PROTECT);
  if (k < 852) return commandFrame(CMD.READOUT_UNPROTECT);
  if (k < 862) {
    const ob = Array.from(s.h.machine.bus.view('option-bytes'));
    ob[0] ^= rng.pick([0x04, 0x08, 0x40, 0x80, 0]);
    ob[8] ^= 1 << rng.int(12);
    if (rng.chance(0.2)) ob[1] = rng.pick([0x55, 0x00, 0xaa, 0xcc]);
    return [...commandFrame(CMD.WRITE_MEMORY), ...addressFrame(region(d, 'option-bytes').start), ...dataFrame(ob)];
  }
  return commandFrame(rng.pick([CMD.ERASE, 0x32, 0x45, 0xa1, 0x7f, rng.int(256)]));
}

/** Flips, replaces, drops, inserts, cuts: what a bad line or a confused host does to a frame. */
function mutate(rng: Rng, frame: number[]): number[] {
  const f = [...frame];
  for (let n = rng.range(1, 3); n > 0 && f.length > 0; n--) {
    const i = rng.int(f.length);
    switch (rng.int(6)) {
      case 0:
        f[i] ^= 1 << rng.int(8);
        break;
      case 1:
        f[i] = rng.int(256);
        break;
      case 2:
        f.splice(i, 1);
        break;
      case 3:
        f.splice(i, 0, rng.int(256));
        break;
      case 4:
        f.length = i;
        break;
      default:
        f.push(...bytes(rng, rng.range(1, 4)));
    }
  }
  return f;
}

function frameFor(rng: Rng, s: Session): number[] {
  if (rng.chance(0.4)) return bytes(rng, rng.range(1, 16)).map((b) => (rng.chance(0.05) ? 0x7f : b));
  const frame = validFrame(rng, s);
  return rng.chance(0.4) ? frame : mutate(rng, frame);
}

// ---- Checks ---------------------------------------------------------------------------------------------

function hex(b: readonly number[]): string {
  return b.map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** The model's answer to bytes, across the resets they cause (a reset loses the byte sitting in USART_DR). */
function modelAnswer(model: An3155Model, input: readonly number[]): number[] {
  const answer: number[] = [];
  let rest = input;
  for (;;) {
    const r = model.feed(rest);
    answer.push(...r.answer);
    rest = rest.slice(r.consumed);
    if (model.ended !== 'reset') return answer;
    model.restart();
    rest = rest.slice(1);
  }
}

/** Merges the chip's flash operations and the model's writes into ranges to compare, per memory. */
function rangesToCompare(changes: readonly NvChange[], touched: Touched): Map<string, Array<[number, number]>> {
  const out = new Map<string, Array<[number, number]>>();
  const add = (memory: string, offset: number, length: number): void => {
    const list = out.get(memory) ?? [];
    list.push([offset, length]);
    out.set(memory, list);
  };
  for (const c of changes) if (c.section !== 'bkpsram' && c.section !== 'option-bytes') add(c.section, c.offset, c.length);
  for (const [memory, list] of touched) for (const [o, l] of list) add(memory, o, l);
  return out;
}

function compareMemory(s: Session, full: boolean, where: string): void {
  const { h, model } = s;
  const bus = h.machine.bus;
  const ramStart = region(h.machine.device, 'sram1').start + BOOTLOADER_RAM_BYTES;
  const memories: Record<string, { chip: (o: number) => number; model: Uint8Array }> = {
    flash: { chip: (o) => bus.view('flash')[o], model: model.flash },
    otp: { chip: (o) => bus.view('otp')[o], model: model.otp },
    'otp-lock': { chip: (o) => bus.view('otp-lock')[o], model: model.otpLock },
    ram: { chip: (o) => bus.read8(ramStart + o), model: model.ram },
  };
  const ranges = full
    ? new Map(Object.entries(memories).map(([name, m]) => [name, [[0, m.model.length] as [number, number]]]))
    : rangesToCompare(s.changes.splice(0), model.takeTouched());
  if (full) {
    s.changes.length = 0;
    model.takeTouched();
  }
  for (const [name, list] of ranges) {
    const m = memories[name];
    for (const [offset, length] of list) {
      for (let o = offset; o < offset + length; o++) {
        if (m.chip(o) !== m.model[o]) assert.fail(`${where}: ${name} +0x${o.toString(16)} is 0x${m.chip(o).toString(16)}, the model says 0x${m.model[o].toString(16)}`);
      }
    }
  }
  assert.deepEqual(h.flash.optionBytes, model.ob, `${where}: option bytes`);
}

/** Feeds the same bytes to chip and model; their answers must match. */
function both(s: Session, input: readonly number[], where: string): number[] {
  s.h.send(input);
  const chip = s.h.take();
  const expected = modelAnswer(s.model, input);
  assert.equal(hex(chip), hex(expected), `${where}: answer to ${hex([...input])}`);
  return chip;
}

test(`sysboot answers ${FRAMES} random and mutated frames as the protocol model does, and stays ready for the next command`, (t) => {
  const rng = new Rng(SEED);
  let s = new Session();
  both(s, [0x7f], 'first synchronisation');
  const stats = { frames: 0, fresh: 0, resets: 0, timeouts: 0 };
  for (let i = 0; i < FRAMES; i++) {
    const where = `seed 0x${SEED.toString(16)} frame ${i}`;
    const frame = frameFor(rng, s);
    const settled = s.h.send(frame);
    const chip = s.h.take();
    const expected = modelAnswer(s.model, frame);
    stats.frames++;
    if (s.model.ended === 'go' || s.model.rdp === 2) {
      // Go ran an application, or RDP level 2 now boots from flash: the bootloader is gone.
      // (What the application does next is its business: erased flash faults, and with VTOR = 0 and
      // BOOT0 = 1 even its HardFault vector is sysboot's.)
      assert.equal(hex(chip), hex(expected), `${where}: answer to ${hex(frame)}`);
      s = new Session();
      both(s, [0x7f], `${where}, fresh chip`);
      stats.fresh++;
      continue;
    }
    assert.equal(settled, 'waiting', `${where}: the chip ${settled} after ${hex(frame)}`);
    assert.equal(hex(chip), hex(expected), `${where}: answer to ${hex(frame)}`);

    const inCommand = (s.h.machine.bus.read32(0xe000_e010) & 1) !== 0;
    s.h.expireTimeouts();
    s.model.expireTimeouts();
    if (inCommand) stats.timeouts++;
    assert.deepEqual(s.h.take(), [], `${where}: a timeout answers nothing`);

    // Re-synchronise as stm32flash does, then the probe.
    const first = both(s, [0x7f], `${where}, resync`);
    if (first.length === 0) assert.deepEqual(both(s, [0x7f], `${where}, second resync`), [NACK]);
    else {
      assert.ok(first[0] === ACK || first[0] === NACK, `${where}: resync answered ${hex(first)}`);
      if (first[0] === ACK) stats.resets++;
    }
    assert.deepEqual(both(s, [CMD.GET_VERSION, ~CMD.GET_VERSION & 0xff], `${where}, probe`), [ACK, 0x31, 0, 0, ACK]);
    assert.equal(s.h.faults, 0, `${where}: sysboot took a fault`);
    compareMemory(s, (i + 1) % FULL_CHECK_EVERY === 0, where);
  }
  assert.equal(stats.frames, FRAMES);
  t.diagnostic(`frames ${stats.frames}, fresh chips ${stats.fresh}, resets ${stats.resets}, timeouts ${stats.timeouts}`);
  assert.ok(stats.timeouts > FRAMES / 100 && stats.resets > FRAMES / 1000 && stats.fresh > 0, `coverage: ${JSON.stringify(stats)}`);
});

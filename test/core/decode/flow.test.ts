import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessSize, BusHandler } from '../../../src/bus/bus.js';
import { BusError } from '../../../src/bus/bus.js';
import { decodeThumb, isThumb32 } from '../../../src/core/decode.js';
import { FlowClass, REGISTERS_MAX_CYCLES, directBranch, flowClass } from '../../../src/core/decode/flow.js';
import { CoreFault } from '../../../src/core/faults.js';
import { Machine } from '../../../src/machine.js';

const PC = 0x2000_1000;
const NO_EVENT = 1e9;

/** xorshift32: the same instructions and states on every run. */
function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
}

/**
 * A core whose every bus access lands in a recording handler (all pages unmapped from the fast path),
 * with the FPU enabled, to run single ops on and see what they touched.
 */
function probe() {
  const m = new Machine();
  const accesses = { count: 0 };
  const recorder: BusHandler = {
    read: (_a: number, _s: AccessSize) => {
      accesses.count++;
      return 0x2000_0101;
    },
    write: () => {
      accesses.count++;
    },
  };
  m.bus.rd.fill(-1);
  m.bus.wr.fill(-1);
  m.bus.handler.fill(recorder);
  m.cpu.exc.cpacr = 0xf << 20;
  return { m, cpu: m.cpu, accesses };
}

interface Observed {
  faulted: boolean;
  accesses: number;
  npc: number;
  itstate: number;
  cycles: number;
  nextEventAt: number;
  sideEffects: boolean;
}

/** Runs the instruction's op once from a random state; what it did. */
function execute(p: ReturnType<typeof probe>, hw1: number, hw2: number, size: number, random: () => number): Observed {
  const { cpu, m, accesses } = p;
  for (let i = 0; i < 13; i++) cpu.r[i] = random();
  cpu.r[13] = 0x2000_8000;
  cpu.r[14] = random();
  cpu.apsr = random();
  cpu.itstate = 0;
  cpu.itInstruction = 0;
  cpu.pendingInvState = false;
  cpu.sleeping = false;
  cpu.stopRequest = null;
  cpu.pc = PC;
  cpu.npc = PC + size;
  m.scheduler.cycles = 0;
  m.scheduler.nextEventAt = NO_EVENT;
  accesses.count = 0;
  let faulted = false;
  try {
    decodeThumb(hw1, hw2)(cpu);
  } catch (e) {
    if (!(e instanceof CoreFault) && !(e instanceof BusError)) throw e;
    faulted = true;
  }
  return {
    faulted,
    accesses: accesses.count,
    npc: cpu.npc,
    itstate: cpu.itstate,
    cycles: m.scheduler.cycles,
    nextEventAt: m.scheduler.nextEventAt,
    sideEffects: cpu.pendingInvState || cpu.sleeping || cpu.stopRequest !== null,
  };
}

function describe(hw1: number, hw2: number, is32: boolean): string {
  return is32 ? `${hw1.toString(16)} ${hw2.toString(16).padStart(4, '0')}` : hw1.toString(16);
}

/** Checks that what an op did stays within what its class promises. */
function checkClass(hw1: number, hw2: number, is32: boolean, o: Observed): void {
  const cls = flowClass(hw1, hw2, is32);
  const size = is32 ? 4 : 2;
  const what = describe(hw1, hw2, is32);
  if (cls === FlowClass.CONTROL || o.faulted) return;
  assert.equal(o.itstate, 0, `${what}: changed ITSTATE`);
  assert.ok(!o.sideEffects, `${what}: requested sleep, a stop or INVSTATE`);
  if (cls === FlowClass.MEMORY) {
    assert.equal(o.npc, PC + size, `${what}: MEMORY instruction wrote the PC`);
    return;
  }
  // FP: REGISTERS as long as no lazy FP context is pending (the probe's FPCCR.LSPACT is clear).
  assert.equal(o.accesses, 0, `${what}: accessed the bus`);
  assert.equal(o.nextEventAt, NO_EVENT, `${what}: asked for the loop's attention`);
  assert.ok(o.cycles < REGISTERS_MAX_CYCLES, `${what}: took ${o.cycles + 1} cycles`);
  if (cls === FlowClass.REGISTERS || cls === FlowClass.FP) {
    assert.equal(o.npc, PC + size, `${what}: REGISTERS or FP instruction wrote the PC`);
  } else {
    const b = directBranch(hw1, hw2, is32);
    assert.ok(b !== null, `${what}: BRANCH without a target`);
    assert.ok(o.npc === PC + size || o.npc === PC + b.offset, `${what}: branched to ${o.npc.toString(16)}, not to ${(PC + b.offset).toString(16)}`);
    if (!b.conditional) assert.equal(o.npc, PC + b.offset, `${what}: unconditional branch not taken`);
  }
}

test('every 16-bit instruction stays within what its flow class allows', () => {
  const p = probe();
  const random = prng(0x1234_5678);
  const seen = new Set<FlowClass>();
  for (let hw = 0; hw < 0x10000; hw++) {
    if (isThumb32(hw)) continue;
    seen.add(flowClass(hw, 0, false));
    for (let k = 0; k < 3; k++) checkClass(hw, 0, false, execute(p, hw, 0, 2, random));
  }
  assert.equal(seen.size, 4); // no FP instruction is 16 bits
});

test('32-bit instructions across the whole encoding space stay within what their flow class allows', () => {
  const p = probe();
  const random = prng(0x9e37_79b9);
  const counts = [0, 0, 0, 0, 0];
  for (let hw1 = 0xe800; hw1 < 0x10000; hw1++) {
    for (let k = 0; k < 24; k++) {
      const hw2 = random() & 0xffff;
      counts[flowClass(hw1, hw2, true)]++;
      checkClass(hw1, hw2, true, execute(p, hw1, hw2, 4, random));
    }
  }
  for (const [cls, c] of counts.entries()) assert.ok(c > 500, `class ${cls} seen ${c} times`);
});

test('common compiler output gets the classes the block translator relies on', () => {
  const cases: ReadonlyArray<[string, number, number, FlowClass]> = [
    ['adds r0, #1', 0x3001, 0, FlowClass.REGISTERS],
    ['cmp.w r1, ip, lsl #1', 0xebb1, 0x0f4c, FlowClass.REGISTERS],
    ['cmp.w r9, #-1', 0xf1b9, 0x3fff, FlowClass.REGISTERS],
    ['udiv r7, r2, ip', 0xfbb2, 0xf7fc, FlowClass.REGISTERS],
    ['mla lr, r9, r3, lr', 0xfb09, 0xee03, FlowClass.REGISTERS],
    ['ldr.w r3, [r1], #4', 0xf851, 0x3b04, FlowClass.MEMORY],
    ['push {r4-r7, lr}', 0xb5f0, 0, FlowClass.MEMORY],
    ['vadd.f32 s10, s14, s12', 0xee37, 0x5a06, FlowClass.FP],
    ['vmrs APSR_nzcv, fpscr', 0xeef1, 0xfa10, FlowClass.FP],
    ['vmov s11, r3', 0xee05, 0x3a90, FlowClass.FP],
    ['vldr s2, [pc, #752]', 0xed9f, 0x1abc, FlowClass.MEMORY],
    ['vpush {d8-d12}', 0xed2d, 0x8b0a, FlowClass.MEMORY],
    ['bne.n -12', 0xd1f3, 0, FlowClass.BRANCH],
    ['cbz r0, +8', 0xb120, 0, FlowClass.BRANCH],
    ['beq.w +0x1b6', 0xf000, 0x80db, FlowClass.BRANCH],
    ['bne.w -0x1a2', 0xf47f, 0xaf2d, FlowClass.BRANCH],
    ['b.w .', 0xf7ff, 0xbffe, FlowClass.BRANCH],
    ['pop {r4-r7, pc}', 0xbdf0, 0, FlowClass.CONTROL],
    ['ldmia.w sp!, {r4-r11, pc}', 0xe8bd, 0x8ff0, FlowClass.CONTROL],
    ['bl', 0xf7ff, 0xff4f, FlowClass.BRANCH],
    ['bx lr', 0x4770, 0, FlowClass.CONTROL],
    ['ite pl', 0xbf54, 0, FlowClass.CONTROL],
    ['mov pc, r1', 0x468f, 0, FlowClass.CONTROL],
    ['ldr.w pc, [sp], #4', 0xf85d, 0xfb04, FlowClass.CONTROL],
    ['tbb [pc, r0]', 0xe8df, 0xf000, FlowClass.CONTROL],
  ];
  for (const [asm, hw1, hw2, cls] of cases) assert.equal(flowClass(hw1, hw2, isThumb32(hw1)), cls, asm);
});

test('direct branch targets are the encoded offsets plus 4', () => {
  // Offsets from arm-none-eabi-objdump of firmware/build/bench-int.elf.
  assert.deepEqual(directBranch(0xd1f3, 0, false), { offset: 0x8000312 - 0x8000328, conditional: true }); // bne.n 8000312 at 8000328
  assert.deepEqual(directBranch(0xe7dc, 0, false), { offset: 0x80002c4 - 0x8000308, conditional: false }); // b.n 80002c4 at 8000308
  assert.deepEqual(directBranch(0xf000, 0x80db, true), { offset: 0x8000436 - 0x800027c, conditional: true }); // beq.w 8000436 at 800027c
  assert.deepEqual(directBranch(0xf47f, 0xaf2d, true), { offset: 0x8000290 - 0x8000432, conditional: true }); // bne.w 8000290 at 8000432
  assert.deepEqual(directBranch(0xb120, 0, false), { offset: 12, conditional: true }); // cbz r0, .+12
  // From arm-none-eabi-as: b.w to itself, b.w forward 0xbc2, cbnz r3 to .+4.
  assert.deepEqual(directBranch(0xf7ff, 0xbffe, true), { offset: 0, conditional: false });
  assert.deepEqual(directBranch(0xf000, 0xbddf, true), { offset: 0xbc6 - 4, conditional: false });
  assert.deepEqual(directBranch(0xb903, 0, false), { offset: 4, conditional: true });
  assert.deepEqual(directBranch(0xf7ff, 0xff4f, true), { offset: 0x80001e0 - 0x800033e, conditional: false }); // bl 80001e0 at 800033e
  assert.equal(directBranch(0x3001, 0, false), null);
});

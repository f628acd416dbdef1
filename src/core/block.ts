/**
 * Block translation: a hot straight-line run of decoded instructions becomes one generated JS
 * function that calls their ops in order, so that the run loop does one lookup and one indirect call
 * per block instead of per instruction, and V8 sees each op called from a call site of its own
 * (monomorphic: it can inline the op into the block).
 *
 * A block is the interpreter's inner loop unrolled over known instructions, with the same contract
 * (core/cpu.ts): before each op `cpu.pc` is its address and `cpu.npc` the next one, the loop's one
 * cycle is added after it, ops add their extra cycles themselves. It holds:
 *
 * - consecutive instructions of one 4 KB page, none carrying a debugger breakpoint marker; the loop
 *   enters blocks with ITSTATE = 0 only, and an IT instruction in a block makes the instructions of
 *   its IT block conditional in the generated code, as the loop's executeInItBlock would run them;
 * - REGISTERS, MEMORY, FP and conditional BRANCH instructions (decode/flow.ts), the last one possibly
 *   an unconditional BRANCH (B, BL) or a CONTROL instruction. The translator gives FP instructions
 *   the class they act with (MEMORY for the first after the start or a MEMORY instruction, else
 *   REGISTERS); one left FP is treated as MEMORY.
 *
 * A taken conditional branch leaves the block (the loop goes on at its target), except one back to
 * the block's first instruction: the block runs again by itself, as the loop would run it, so a tight
 * loop costs the loop nothing.
 *
 * The loop's per-instruction test (`scheduler.cycles < scheduler.nextEventAt`) is kept exactly: it can
 * only change through a MEMORY or CONTROL instruction (a handler, an exception, attention()) or by
 * time passing. So the loop enters a block only if the time up to the first MEMORY/CONTROL
 * instruction (`headroom`, from REGISTERS_MAX_CYCLES) cannot reach the next event, and after every
 * MEMORY instruction the block tests the same for the instructions up to the next one, returning early
 * (the loop goes on instruction by instruction) when it cannot tell. A block returns the number of
 * instructions of its last pass; an op that faults unwinds through it, and `indexOf`/`cyclesOwedAt`
 * tell the loop how many instructions before the faulting one had run and what they still owed.
 *
 * Where the host forbids generating code (a browser page whose Content-Security-Policy lacks
 * 'unsafe-eval'), `compileBlock` returns null and the core stays an interpreter.
 */
import type { Scheduler } from '../time/scheduler.js';
import type { CortexM4, Op } from './cpu.js';
import { FlowClass, REGISTERS_MAX_CYCLES } from './decode/flow.js';
import { CONDITION_MASKS, itAdvance } from './execute/conditions.js';

/**
 * Runs the block at `pc` (its first instruction's address) and returns how many instructions of its
 * last pass ran; a block that loops adds its earlier passes to `cpu.instructions` itself, and loops
 * only while `limit - cpu.instructions` leaves room for a whole pass.
 */
export type BlockCode = (cpu: CortexM4, scheduler: Scheduler, pc: number, limit: number) => number;

/** Most instructions in a block (keeps generated functions within V8's inlining budget). */
export const MAX_BLOCK_INSTRUCTIONS = 32;

/** One instruction as the translator sees it: its op, size in bytes and flow class. */
export interface BlockInstruction {
  readonly op: Op;
  readonly size: number;
  readonly flow: FlowClass;
  /** For a BRANCH: its target relative to the block's first instruction. */
  readonly target?: number;
  /** Inside an IT block: the ITSTATE it runs under (non-zero). */
  readonly itstate?: number;
}

export class Block {
  /** Instructions in the block. */
  readonly length: number;
  /** Cycles that may pass before the block's first test: enter only if now + headroom < next event. */
  readonly headroom: number;

  constructor(
    /** Halfword index in `bus.mem` of the first instruction (the block's key). */
    readonly first: number,
    /** Halfword index just past the last instruction. */
    readonly end: number,
    /** Byte offset of each instruction from the first, then the offset just past the last. */
    private readonly offsets: Int32Array,
    /** Loop cycles of the instructions before each one that the block had not yet added (see blockSource). */
    private readonly owed: Int32Array,
    headroom: number,
    readonly run: BlockCode,
  ) {
    this.length = offsets.length - 1;
    this.headroom = headroom;
  }

  /** Instructions of the block before the one at byte offset `delta` from its start (the faulting one). */
  indexOf(delta: number): number {
    const i = this.offsets.indexOf(delta);
    return i < 0 ? 0 : i;
  }

  /** The one-per-instruction cycles the block still owed when instruction `index` faulted. */
  cyclesOwedAt(index: number): number {
    return this.owed[index];
  }
}

/**
 * Cycles that may pass, from instruction `k` of `code` on, before the block's next test: the
 * REGISTERS and BRANCH instructions from `k` up to the next other one (whose own cycles are tested
 * after it).
 */
function headroomAt(code: readonly BlockInstruction[], k: number): number {
  let cycles = 0;
  for (let i = k; i < code.length - 1 && isLocal(code[i]); i++) cycles += REGISTERS_MAX_CYCLES;
  return cycles;
}

/** REGISTERS and BRANCH instructions: neither looks at the time nor changes when the next event is. */
function isLocal(x: BlockInstruction): boolean {
  return x.flow === FlowClass.REGISTERS || x.flow === FlowClass.BRANCH;
}

/**
 * The body of the generated function and, per instruction, the cycles owed before it (see the header
 * comment for what each line keeps).
 *
 * The loop's one cycle per instruction is added in sums: before a MEMORY or CONTROL instruction (a
 * handler or the exception unit may read the time), before each test and each way out. REGISTERS and
 * BRANCH ops only ever add to `scheduler.cycles`, so the order of the additions does not matter; if one
 * of them faults, the loop adds what was owed (`Block.cyclesOwedAt`).
 *
 * A taken BRANCH leaves the block, or, when it goes back to the block's start, runs it again if the
 * loop would: room in the instruction budget for a whole pass and no event within its headroom.
 */
function blockSource(code: readonly BlockInstruction[], owed: Int32Array): string {
  const n = code.length;
  const lines: string[] = [];
  let pending = 0;
  const pay = (): string => (pending === 0 ? '' : `s.cycles += ${pending}; `);
  const again = (ran: number): string =>
    `${pay()}c.instructions += ${ran}; if (limit - c.instructions < ${n} || s.cycles + ${headroomAt(code, 0)} >= s.nextEventAt) return 0; continue;`;
  let loops = false;
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const x = code[i];
    const next = offset + x.size;
    if (!isLocal(x) && pending !== 0) {
      lines.push(pay());
      pending = 0;
    }
    owed[i] = pending;
    lines.push(`c.pc = pc + ${offset}; c.npc = pc + ${next}; ${x.itstate === undefined ? `o${i}(c);` : conditional(i, x.itstate)}`);
    pending++;
    if (x.flow === FlowClass.BRANCH && x.target !== undefined && x.target !== next) {
      const taken = x.target === 0 ? again(i + 1) : `${pay()}return ${i + 1};`;
      loops ||= x.target === 0;
      lines.push(`if (c.npc !== pc + ${next}) { ${taken} }`);
    } else if (!isLocal(x) && x.flow !== FlowClass.CONTROL && i < n - 1) {
      lines.push(`if (s.cycles + ${pending + headroomAt(code, i + 1)} >= s.nextEventAt) { ${pay()}return ${i + 1}; }`);
    }
    offset = next;
  }
  lines.push(`${pay()}return ${n};`);
  return loops ? `for (;;) {\n${lines.join('\n')}\n}` : lines.join('\n');
}

/**
 * An instruction of an IT block, as the loop's executeInItBlock runs it: ITSTATE advanced first, the
 * op only if the condition passes, with `itInstruction` (InITBlock()) set meanwhile.
 */
function conditional(i: number, itstate: number): string {
  const mask = CONDITION_MASKS[itstate >> 4];
  return `c.itstate = ${itAdvance(itstate)}; if (((${mask} >> ((c.n << 3) | (c.z << 2) | (c.c << 1) | c.v)) & 1) !== 0) { c.itInstruction = ${itstate}; o${i}(c); c.itInstruction = 0; }`;
}

let codeGenerationAllowed = true;

/**
 * Translates `code` (the instructions from halfword `first` of `bus.mem` on, decoded at address
 * `address`) into a Block, or returns null when the host does not allow generated code.
 */
export function compileBlock(first: number, address: number, code: readonly BlockInstruction[]): Block | null {
  if (!codeGenerationAllowed) return null;
  const names = code.map((_, i) => `o${i}`);
  const name = `block_${(address >>> 0).toString(16).padStart(8, '0')}`;
  const owed = new Int32Array(code.length);
  const source = blockSource(code, owed);
  let run: BlockCode;
  try {
    const factory = new Function(...names, `"use strict";\nreturn function ${name}(c, s, pc, limit) {\n${source}\n};`) as (...ops: Op[]) => BlockCode;
    run = factory(...code.map((x) => x.op));
  } catch {
    codeGenerationAllowed = false; // EvalError under a Content-Security-Policy: stay an interpreter
    return null;
  }
  const offsets = new Int32Array(code.length + 1);
  for (let i = 0; i < code.length; i++) offsets[i + 1] = offsets[i] + code[i].size;
  return new Block(first, first + (offsets[code.length] >> 1), offsets, owed, headroomAt(code, 0), run);
}

/**
 * The translated blocks of a core, by the halfword index of their first instruction, with what the
 * run loop needs to decide when to translate and what to drop when code is rewritten.
 */
export class BlockCache {
  /** Block starting at each halfword of `bus.mem`, or null. */
  readonly blocks: (Block | null)[];
  /** Interpreted executions of each halfword as a possible block start (wraps at 256: a retry). */
  readonly heat: Uint8Array;
  /** Number of blocks covering each halfword. */
  private readonly cover: Uint8Array;
  private readonly live = new Set<Block>();

  constructor(halfwords: number) {
    this.blocks = new Array<Block | null>(halfwords).fill(null);
    this.heat = new Uint8Array(halfwords);
    this.cover = new Uint8Array(halfwords);
  }

  add(block: Block): void {
    this.blocks[block.first] = block;
    for (let h = block.first; h < block.end; h++) this.cover[h]++;
    this.live.add(block);
  }

  /** Drops every block with an instruction in halfwords [first, last]; true if there was one. */
  drop(first: number, last: number): boolean {
    let covered = false;
    for (let h = Math.max(0, first); h <= last && h < this.cover.length; h++) {
      if (this.cover[h] !== 0) {
        covered = true;
        break;
      }
    }
    if (!covered) return false;
    for (const b of this.live) {
      if (b.first <= last && b.end > first) this.remove(b);
    }
    return true;
  }

  /** Drops every block. */
  clear(): void {
    for (const b of this.live) this.remove(b);
  }

  get size(): number {
    return this.live.size;
  }

  private remove(b: Block): void {
    this.live.delete(b);
    this.blocks[b.first] = null;
    this.heat[b.first] = 0;
    for (let h = b.first; h < b.end; h++) this.cover[h]--;
  }
}

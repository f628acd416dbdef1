/**
 * The rules for R13 and R15 as operands (ARM ARM DDI 0403E A5.1.1 "Use of 0b1101 and 0b1111 as a
 * register specifier", B1.4.1 "The ARM core registers"), applied once at decode by wrapping an op,
 * so the common ops never test a register number at run time:
 *
 * - R15 read as an operand is the instruction's address + 4 (literal forms use Align(PC,4) themselves).
 * - A data-processing result written to R15 is ALUWritePC = BranchWritePC in ARMv7-M (no interworking).
 * - Bits [1:0] of SP_main and SP_process are always zero: a write to R13 clears them.
 *
 * UNPREDICTABLE choices for the whole instruction set (documented once, here):
 * - Anything the manual makes UNPREDICTABLE from the encoding alone (SP/PC where not allowed, Rt = Rn
 *   with writeback, RdLo = RdHi, empty or one-register lists where forbidden, out-of-range bitfields,
 *   zero replicated immediates...) executes as UNDEFINED: a UsageFault with CFSR.UNDEFINSTR, the same
 *   choice as the DSP table. Bits printed as (0)/(1) ("should be") are ignored.
 * - IT-dependent cases (a branch not last in its IT block, B<cond>/CBZ/CBNZ or MOVS Rd,Rm inside an
 *   IT block) execute under the IT condition as written; an IT instruction inside an IT block is UNDEFINED.
 * - A word load to the PC from an address with bits [1:0] ≠ 0 raises UNALIGNED.
 * - MRS of a reserved SYSm reads 0; MSR to one is ignored.
 */
import type { CortexM4, Op } from '../cpu.js';
import { undefinedInstruction } from '../faults.js';
import { BRANCH_CYCLES } from './cycles.js';

/** The op for encodings the manual calls UNPREDICTABLE: UsageFault UNDEFINSTR (see above). */
export const UNPREDICTABLE: Op = () => undefinedInstruction();

/** Wraps an op that reads R15 as an operand: r[15] holds PC + 4 while it runs. */
export function readingPc(op: Op): Op {
  return (cpu) => {
    cpu.r[15] = cpu.pc + 4;
    op(cpu);
  };
}

/** Wraps an op whose result goes to r[15]: a plain branch there (ALUWritePC, A2.3.1). */
export function writingPc(op: Op): Op {
  return (cpu) => {
    op(cpu);
    takeBranch(cpu, cpu.r[15]);
  };
}

/** Wraps an op that writes r[13]: the stack pointer's bits [1:0] read as zero. */
export function writingSp(op: Op): Op {
  return (cpu) => {
    op(cpu);
    cpu.r[13] &= ~3;
  };
}

/** Applies the rules above for an op writing `d` (-1: none) and reading `sources`. */
export function withRegisterRules(op: Op, d: number, ...sources: number[]): Op {
  let wrapped = op;
  if (d === 15) wrapped = writingPc(wrapped);
  else if (d === 13) wrapped = writingSp(wrapped);
  if (sources.includes(15)) wrapped = readingPc(wrapped);
  return wrapped;
}

/** BranchWritePC (A2.3.1) plus the pipeline refill. */
export function takeBranch(cpu: CortexM4, address: number): void {
  cpu.branchTo(address);
  cpu.scheduler.cycles += BRANCH_CYCLES;
}

/** BLXWritePC (A2.3.1): like BXWritePC but never an exception return; bit 0 = 0 faults INVSTATE at the target. */
export function blxWritePc(cpu: CortexM4, address: number): void {
  cpu.npc = address & ~1;
  if ((address & 1) === 0) {
    cpu.pendingInvState = true;
    cpu.attention();
  }
  cpu.scheduler.cycles += BRANCH_CYCLES;
}

/** BadReg(n) (A5.1.1): SP or PC, UNPREDICTABLE in most 32-bit encodings. */
export function badReg(n: number): boolean {
  return n === 13 || n === 15;
}

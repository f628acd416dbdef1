/**
 * Branches (ARM ARM DDI 0403E A4.1 "Branch instructions"): B, B<cond>, BL, BX, BLX (register),
 * CBZ/CBNZ, TBB/TBH. Targets are relative to the PC value an instruction reads (its address + 4).
 * Writes go through the PC write rules of cpu.ts (A2.3.1): B/BL/CBZ/TBB are BranchWritePC, BX is
 * BXWritePC (interworking, EXC_RETURN in handler mode), BLX is BLXWritePC.
 */
import type { Op } from '../cpu.js';
import { BRANCH_CYCLES, LOAD_CYCLES } from './cycles.js';
import { conditionMask } from './conditions.js';
import { checkUnaligned } from './loadstore.js';
import { blxWritePc, takeBranch } from './registers.js';

/** B label (T2, T4): `offset` is the sign-extended immediate. */
export function branch(offset: number): Op {
  const delta = offset + 4;
  return (cpu) => {
    cpu.npc = (cpu.pc + delta) & ~1;
    cpu.scheduler.cycles += BRANCH_CYCLES;
  };
}

/** B<cond> label (T1, T3): taken when the condition passes (its mask tested against NZCV, see conditions.ts). */
export function branchConditional(cond: number, offset: number): Op {
  const delta = offset + 4;
  const mask = conditionMask(cond);
  return (cpu) => {
    if (((mask >> ((cpu.n << 3) | (cpu.z << 2) | (cpu.c << 1) | cpu.v)) & 1) !== 0) {
      cpu.npc = (cpu.pc + delta) & ~1;
      cpu.scheduler.cycles += BRANCH_CYCLES;
    }
  };
}

/** BL label: LR = return address with bit 0 set (Thumb). */
export function branchWithLink(offset: number): Op {
  const delta = offset + 4;
  return (cpu) => {
    const pc = cpu.pc;
    cpu.r[14] = (pc + 4) | 1;
    cpu.npc = (pc + delta) & ~1;
    cpu.scheduler.cycles += BRANCH_CYCLES;
  };
}

/** BX Rm: interworking branch; in handler mode a value 0xFxxxxxxx is an exception return. */
export function branchExchange(m: number): Op {
  if (m === 15) {
    // BX PC: the target has bit 0 = 0, so this faults with INVSTATE at the target (as on silicon).
    return (cpu) => {
      cpu.bxWritePc(cpu.pc + 4);
      cpu.scheduler.cycles += BRANCH_CYCLES;
    };
  }
  return (cpu) => {
    cpu.bxWritePc(cpu.r[m]);
    cpu.scheduler.cycles += BRANCH_CYCLES;
  };
}

/** BLX Rm: LR = address of the next instruction | 1, then BLXWritePC. */
export function branchLinkExchange(m: number): Op {
  return (cpu) => {
    const target = cpu.r[m];
    cpu.r[14] = (cpu.pc + 2) | 1;
    blxWritePc(cpu, target);
  };
}

/** CBZ/CBNZ Rn, label: compare with zero and branch forward; flags unchanged. */
export function compareBranchZero(nonZero: boolean, n: number, offset: number): Op {
  const delta = offset + 4;
  return nonZero
    ? (cpu) => {
        if (cpu.r[n] !== 0) takeBranch(cpu, cpu.pc + delta);
      }
    : (cpu) => {
        if (cpu.r[n] === 0) takeBranch(cpu, cpu.pc + delta);
      };
}

/**
 * TBB [Rn, Rm] / TBH [Rn, Rm, LSL #1]: branch forward by twice the byte/halfword read from the table.
 * Rn may be the PC (reads address + 4). TBH's halfword may be unaligned unless CCR.UNALIGN_TRP.
 */
export function tableBranch(half: boolean, n: number, m: number): Op {
  return (cpu) => {
    const pc = cpu.pc + 4;
    const base = n === 15 ? pc : cpu.r[n];
    let entry: number;
    if (half) {
      const address = (base + (cpu.r[m] << 1)) | 0;
      if ((address & 1) !== 0) checkUnaligned(cpu);
      entry = cpu.bus.read16(address);
    } else {
      entry = cpu.bus.read8((base + cpu.r[m]) | 0);
    }
    cpu.scheduler.cycles += LOAD_CYCLES;
    takeBranch(cpu, pc + entry * 2);
  };
}

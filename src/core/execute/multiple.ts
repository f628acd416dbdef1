/**
 * Load and store multiple (ARM ARM DDI 0403E A5.3.5, A7.7.40–42, A7.7.98–101, A7.7.159–160):
 * LDM/LDMIA/LDMFD, LDMDB/LDMEA, STM/STMIA/STMEA, STMDB/STMFD, and PUSH/POP (STMDB SP! / LDMIA SP!).
 *
 * Registers transfer lowest-numbered at the lowest address. The start address must be word aligned
 * (else UsageFault UNALIGNED, before any access). A load collects all words first and then commits
 * them, so a bus fault part-way leaves every register (and the base) unchanged; a store that faults
 * part-way has written the words before it, as on silicon. Writeback happens after the transfer; a
 * load to the PC is LoadWritePC (interworking, EXC_RETURN) after the other registers are written.
 */
import type { Op } from '../cpu.js';
import { CFSR, fault } from '../faults.js';
import { BRANCH_CYCLES, REGISTER_CYCLES } from './cycles.js';

/** Words of the load in progress (no allocation per instruction). */
const LOADED = new Int32Array(16);

/** The register numbers in a register-list bitmask, ascending. */
export function registerList(mask: number): number[] {
  const regs: number[] = [];
  for (let i = 0; i < 16; i++) if ((mask >> i) & 1) regs.push(i);
  return regs;
}

/** The lowest address transferred: Rn for IA, Rn − 4×count for DB; faults UNALIGNED unless word aligned. */
function startAddress(base: number, increment: boolean, bytes: number): number {
  const start = increment ? base : (base - bytes) | 0;
  if ((start & 3) !== 0) fault(CFSR.UNALIGNED);
  return start;
}

/**
 * LDMIA Rn{!}, {list} (increment = true) or LDMDB Rn{!}, {list}. Writeback is skipped when Rn is
 * in the list (the 16-bit LDM's rule; the 32-bit forms with both are UNPREDICTABLE and not built).
 */
export function loadMultiple(n: number, mask: number, increment: boolean, wback: boolean): Op {
  const regs = Int8Array.from(registerList(mask));
  const count = regs.length;
  const bytes = 4 * count;
  const loadsPc = (mask & 0x8000) !== 0;
  const last = loadsPc ? count - 1 : count;
  const writeBase = wback && ((mask >> n) & 1) === 0;
  return (cpu) => {
    const r = cpu.r;
    const bus = cpu.bus;
    const base = r[n];
    const start = startAddress(base, increment, bytes);
    for (let i = 0; i < count; i++) LOADED[i] = bus.read32(start + 4 * i);
    for (let i = 0; i < last; i++) r[regs[i]] = LOADED[i];
    if (writeBase) r[n] = increment ? base + bytes : start;
    cpu.scheduler.cycles += count * REGISTER_CYCLES;
    if (loadsPc) {
      cpu.loadWritePc(LOADED[count - 1]);
      cpu.scheduler.cycles += BRANCH_CYCLES;
    }
  };
}

/** STMIA Rn{!}, {list} (increment = true) or STMDB Rn{!}, {list}; a base in the list stores its original value. */
export function storeMultiple(n: number, mask: number, increment: boolean, wback: boolean): Op {
  const regs = Int8Array.from(registerList(mask));
  const count = regs.length;
  const bytes = 4 * count;
  return (cpu) => {
    const r = cpu.r;
    const bus = cpu.bus;
    const base = r[n];
    const start = startAddress(base, increment, bytes);
    for (let i = 0; i < count; i++) bus.write32(start + 4 * i, r[regs[i]]);
    if (wback) r[n] = increment ? base + bytes : start;
    cpu.scheduler.cycles += count * REGISTER_CYCLES;
  };
}

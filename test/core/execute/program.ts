/**
 * Test helper for the instruction specs: runs a few Thumb halfwords on a Machine booted from SRAM1
 * (test/core/harness.ts: vector table at 0, every handler `B .`), so faults go through the real
 * exception unit and show up as the handler entered and the CFSR bit set.
 */
import type { CortexM4 } from '../../../src/core/cpu.js';
import type { Machine } from '../../../src/machine.js';
import { STACK_TOP, THREAD_CODE, bootMachine, handlerAddress } from '../harness.js';

export { STACK_TOP, THREAD_CODE };

/** Scratch data area for loads and stores (SRAM1, away from code, vectors and stack). */
export const DATA = THREAD_CODE + 0x3000;

export interface Setup {
  /** Register values by number (r13 sets the active SP). */
  readonly r?: Readonly<Record<number, number>>;
  /** APSR as a word (N Z C V Q in [31:27]). */
  readonly apsr?: number;
  /** Called after registers are set, before running. */
  readonly before?: (m: Machine) => void;
}

/** Writes `code` at THREAD_CODE; returns the address after it. */
export function place(m: Machine, code: readonly number[], at = THREAD_CODE): number {
  for (let i = 0; i < code.length; i++) m.bus.write16(at + 2 * i, code[i]);
  return at + 2 * code.length;
}

/**
 * Runs `code` from THREAD_CODE until the PC reaches its end, an exception is entered, or `limit`
 * instructions have run. Returns the machine for inspection.
 */
export function run(code: readonly number[], setup: Setup = {}, limit = 100): Machine {
  const m = bootMachine();
  const end = place(m, code);
  const cpu = m.cpu;
  for (const [k, v] of Object.entries(setup.r ?? {})) cpu.r[Number(k)] = v;
  if (setup.apsr !== undefined) cpu.apsr = setup.apsr;
  setup.before?.(m);
  for (let i = 0; i < limit && cpu.npc !== end && cpu.ipsr === 0 && !cpu.halted; i++) cpu.step();
  return m;
}

/** r[n] as an unsigned number. */
export function reg(m: Machine, n: number): number {
  return m.cpu.r[n] >>> 0;
}

/** The flags as a string "NZCV" with '-' for clear bits, e.g. "-ZC-". */
export function flags(cpu: CortexM4): string {
  return (cpu.n ? 'N' : '-') + (cpu.z ? 'Z' : '-') + (cpu.c ? 'C' : '-') + (cpu.v ? 'V' : '-');
}

/** The APSR word for flags given as "NZCV" letters. */
export function apsrOf(nzcv: string): number {
  let v = 0;
  if (nzcv.includes('N')) v |= 1 << 31;
  if (nzcv.includes('Z')) v |= 1 << 30;
  if (nzcv.includes('C')) v |= 1 << 29;
  if (nzcv.includes('V')) v |= 1 << 28;
  return v >>> 0;
}

/** True when the core entered exception `n`'s handler (it spins there on `B .`). */
export function inHandler(m: Machine, n: number): boolean {
  return m.cpu.ipsr === n && m.cpu.npc === handlerAddress(n);
}

/**
 * The cycle model of the integer executors (an approximation of the Cortex-M4 TRM's "Instruction
 * timing" table, kept simple and deterministic):
 *
 *   every instruction                      1  (added by the run loop, also when an IT condition fails)
 *   a load (LDR, LDRB/H/SB/SH, LDREX, TBB/TBH) +1
 *   LDRD +2, STRD +1                      (the second word)
 *   LDM/STM/PUSH/POP                      +1 per register transferred
 *   a taken branch (any write to the PC)  +2 pipeline refill
 *   SMULL/UMULL/SMLAL/UMLAL               +1
 *   SDIV/UDIV                             +2..+12 (early termination: by the number of quotient bits)
 *
 * Ops add their extra cycles with `cpu.scheduler.cycles += k`.
 */

/** A load's data phase. */
export const LOAD_CYCLES = 1;
/** Per register of a multiple load/store. */
export const REGISTER_CYCLES = 1;
/** Pipeline refill after a taken branch. */
export const BRANCH_CYCLES = 2;
/** The extra cycle of a 64-bit multiply. */
export const LONG_MULTIPLY_CYCLES = 1;

/**
 * Extra cycles of SDIV/UDIV: 2 plus up to 10 more as the quotient grows, from the operands'
 * magnitudes (the divider stops early when the divisor is large relative to the dividend).
 */
export function divideCycles(dividend: number, divisor: number): number {
  const quotientBits = Math.clz32(divisor) - Math.clz32(dividend) + 1;
  if (quotientBits <= 0) return 2;
  return 2 + Math.ceil((quotientBits * 10) / 32);
}

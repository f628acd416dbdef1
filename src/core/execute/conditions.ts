/**
 * Conditional execution (ARM ARM DDI 0403E A7.3). Condition codes (A7.3.1, the ConditionPassed()
 * pseudocode) as data: for each cond, a 16-bit mask with bit NZCV (N = bit 3 ... V = bit 0 of the
 * index) set when the condition passes with those flags. Testing a condition is then one shift of a
 * constant, with no branch on the condition code: B<cond> and the IT-block check use it. And the IT
 * block's state machine (A7.3.3, ITAdvance()).
 */

/** Whether `cond` passes with flags n, z, c, v (each 0 or 1): the table of A7.3.1. */
function holds(cond: number, n: number, z: number, c: number, v: number): boolean {
  switch (cond) {
    case 0x0: return z === 1; // EQ
    case 0x1: return z === 0; // NE
    case 0x2: return c === 1; // CS
    case 0x3: return c === 0; // CC
    case 0x4: return n === 1; // MI
    case 0x5: return n === 0; // PL
    case 0x6: return v === 1; // VS
    case 0x7: return v === 0; // VC
    case 0x8: return c === 1 && z === 0; // HI
    case 0x9: return c === 0 || z === 1; // LS
    case 0xa: return n === v; // GE
    case 0xb: return n !== v; // LT
    case 0xc: return z === 0 && n === v; // GT
    case 0xd: return z === 1 || n !== v; // LE
    default: return true; // AL (and 1111, "always" in the IT/branch forms that allow it)
  }
}

function maskOf(cond: number): number {
  let mask = 0;
  for (let nzcv = 0; nzcv < 16; nzcv++) {
    if (holds(cond, (nzcv >> 3) & 1, (nzcv >> 2) & 1, (nzcv >> 1) & 1, nzcv & 1)) mask |= 1 << nzcv;
  }
  return mask;
}

/** CONDITION_MASKS[cond] >> NZCV & 1: whether cond passes. */
export const CONDITION_MASKS: Uint16Array = Uint16Array.from({ length: 16 }, (_, cond) => maskOf(cond));

/** The mask of one condition, for ops that fix it at decode time. */
export function conditionMask(cond: number): number {
  return CONDITION_MASKS[cond];
}

/**
 * ITAdvance() (A7.3.3): the ITSTATE after an instruction of an IT block that ran under `itstate`
 * (cond[7:4] + mask[3:0]): 0 after the last one (IT<2:0> = 000), else IT<4:0> shifted left.
 */
export function itAdvance(itstate: number): number {
  return (itstate & 0x7) === 0 ? 0 : (itstate & 0xe0) | ((itstate << 1) & 0x1f);
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONDITION_MASKS, conditionMask, itAdvance } from '../../../src/core/execute/conditions.js';

/** ConditionPassed() as the ARM ARM pseudocode writes it (A7.3.1): cond<3:1> picks a test, cond<0> inverts it. */
function pseudocode(cond: number, n: number, z: number, c: number, v: number): boolean {
  let result: boolean;
  switch (cond >> 1) {
    case 0b000: result = z === 1; break;
    case 0b001: result = c === 1; break;
    case 0b010: result = n === 1; break;
    case 0b011: result = v === 1; break;
    case 0b100: result = c === 1 && z === 0; break;
    case 0b101: result = n === v; break;
    case 0b110: result = n === v && z === 0; break;
    default: result = true;
  }
  return (cond & 1) === 1 && cond !== 0b1111 ? !result : result;
}

test('each condition mask passes exactly for the flag combinations of the ARM ARM pseudocode', () => {
  for (let cond = 0; cond < 16; cond++) {
    for (let nzcv = 0; nzcv < 16; nzcv++) {
      const expected = pseudocode(cond, nzcv >> 3, (nzcv >> 2) & 1, (nzcv >> 1) & 1, nzcv & 1);
      assert.equal(((CONDITION_MASKS[cond] >> nzcv) & 1) === 1, expected, `cond ${cond}, NZCV ${nzcv.toString(2).padStart(4, '0')}`);
    }
  }
});

test('a few masks read as expected: EQ is every flag set with Z, AL and 1111 always pass', () => {
  assert.equal(conditionMask(0x0), 0b1111_0000_1111_0000); // Z = bit 2 of the index
  assert.equal(conditionMask(0xe), 0xffff);
  assert.equal(conditionMask(0xf), 0xffff);
});

test('ITAdvance shifts the mask through the block and ends it after the last instruction', () => {
  // ITTE EQ: firstcond 0000, mask 0110 -> ITSTATE 0x06; then 0x0c (EQ, 2 left), 0x18 (NE: 1 left), then 0.
  assert.equal(itAdvance(0x06), 0x0c);
  assert.equal(itAdvance(0x0c), 0x18);
  assert.equal(itAdvance(0x18), 0);
  // IT GT (single): 0xc8 -> 0.
  assert.equal(itAdvance(0xc8), 0);
  // ITEE NE: firstcond 0001, mask 0010 -> ITSTATE 0x12 (NE), then 0x04 and 0x08 (EQ: the else
  // instructions), then 0: the mask's top bit becomes the condition's low bit.
  assert.equal(itAdvance(0x12), 0x04);
  assert.equal(itAdvance(0x04), 0x08);
  assert.equal(itAdvance(0x08), 0);
});

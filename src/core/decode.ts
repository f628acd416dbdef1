/**
 * PLACEHOLDER CONTRACT — the Thumb/Thumb-2 decoder (owner: the integer-core work item).
 * decodeThumb(hw1, hw2) returns the Op for one instruction; hw2 is 0 for 16-bit encodings.
 */
import type { Op } from './cpu.js';
import { undefinedInstruction } from './faults.js';

export function decodeThumb(hw1: number, hw2: number): Op {
  void hw1;
  void hw2;
  return () => undefinedInstruction();
}

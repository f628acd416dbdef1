/**
 * The Thumb/Thumb-2 decoder of the Cortex-M4F, built from the encoding tables:
 * integer (decode/thumb16.ts, decode/thumb32.ts), DSP/SIMD (decode/dsp.ts), FPv4-SP (decode/fpu.ts).
 * Anything no table matches is UNDEFINED: the op raises a UsageFault (UNDEFINSTR).
 */
import type { Op } from './cpu.js';
import { DSP_ENCODINGS } from './decode/dsp.js';
import { Decoder } from './decode/encoding.js';
import { FPU_ENCODINGS } from './decode/fpu.js';
import { THUMB16_ENCODINGS } from './decode/thumb16.js';
import { THUMB32_ENCODINGS } from './decode/thumb32.js';
import { undefinedInstruction } from './faults.js';

let decoder: Decoder | null = null;

function getDecoder(): Decoder {
  decoder ??= new Decoder([...THUMB16_ENCODINGS, ...THUMB32_ENCODINGS, ...DSP_ENCODINGS, ...FPU_ENCODINGS]);
  return decoder;
}

const UNDEFINED: Op = () => undefinedInstruction();

/** True when hw1 is the first halfword of a 32-bit instruction (ARM ARM A5.1). */
export function isThumb32(hw1: number): boolean {
  return (hw1 & 0xe000) === 0xe000 && (hw1 & 0x1800) !== 0;
}

export function decodeThumb(hw1: number, hw2: number): Op {
  return getDecoder().decode(hw1, hw2, isThumb32(hw1)) ?? UNDEFINED;
}

/** Name of the encoding an instruction decodes as (diagnostics, tests). */
export function encodingName(hw1: number, hw2: number): string | undefined {
  return getDecoder().nameOf(hw1, hw2, isThumb32(hw1));
}

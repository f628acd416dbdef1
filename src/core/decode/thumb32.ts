/** 32-bit Thumb-2 integer encodings (ARM ARM A5.3). PLACEHOLDER: filled by its owner. */
import type { Encoding } from './encoding.js';

export const THUMB32_ENCODINGS: readonly Encoding[] = [];

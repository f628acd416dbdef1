/** 16-bit Thumb encodings (ARM ARM A5.2). PLACEHOLDER: filled by its owner. */
import type { Encoding } from './encoding.js';

export const THUMB16_ENCODINGS: readonly Encoding[] = [];

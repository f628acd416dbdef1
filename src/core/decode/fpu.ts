/** FPv4-SP encodings (ARM ARM A5.3.18 / A6 floating-point). PLACEHOLDER: filled by its owner. */
import type { Encoding } from './encoding.js';

export const FPU_ENCODINGS: readonly Encoding[] = [];

/** DSP, SIMD and saturating encodings (ARM ARM A5.3.x parallel add/sub, A7 SSAT/USAT/SMLAxy...). PLACEHOLDER: filled by its owner. */
import type { Encoding } from './encoding.js';

export const DSP_ENCODINGS: readonly Encoding[] = [];

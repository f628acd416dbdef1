/**
 * Where a case lives in memory, on both sides: code at the start of SRAM1 and the scratch data after
 * it, all inside one window that is restored before every case.
 */
import { DEFAULT_DEVICE, region } from '../../../src/device/stm32f407.js';
import type { Layout } from './gen.js';

const SRAM1 = region(DEFAULT_DEVICE, 'sram1');

/** Bytes restored before each case: [SRAM1 start, + WINDOW_SIZE). */
export const WINDOW_SIZE = 0x2000;
/** Code (at most 8 instructions of 4 bytes) and room for literal loads before the data. */
const CODE_AREA = 0x400;

export const WINDOW_BASE = SRAM1.start;

export const DIFF_LAYOUT: Layout = {
  codeBase: SRAM1.start,
  dataLo: SRAM1.start + CODE_AREA,
  dataHi: SRAM1.start + WINDOW_SIZE,
};

/**
 * The flash patch and breakpoint unit (ARM ARM C1.11, Cortex-M4 TRM §8.4): FP_CTRL, FP_REMAP and the
 * eight comparators (six code, two literal) are stored and read back. Breakpoints and remapping are
 * the debugger's business and are not acted on here.
 */
import { CORE_BLOCKS } from '../device/stm32f407.js';
import { merge, type RegisterBlock } from './scs.js';

/** Offsets from 0xE000_2000. */
const CTRL = 0x0;
const REMAP = 0x4;
const COMP0 = 0x8;
const NUM_CODE = 6;
const NUM_LIT = 2;
const COMPARATORS = NUM_CODE + NUM_LIT;

/** FP_CTRL (C1.11.3): ENABLE b0, KEY b1 (a write without it is ignored), NUM_CODE[3:0] in [7:4], NUM_LIT in [11:8]. */
export const FP_CTRL = { ENABLE: 1 << 0, KEY: 1 << 1 } as const;
const CTRL_CONFIG = (NUM_LIT << 8) | ((NUM_CODE & 0xf) << 4) | ((NUM_CODE >> 4) << 12);
/** FP_REMAP: RMPSPT (b29) = remapping supported; REMAP in [28:5]. */
const REMAP_SUPPORTED = 1 << 29;
const REMAP_WRITABLE = 0x1fff_ffe0;
/** FP_COMPn: REPLACE [31:30], COMP [28:2], ENABLE b0. */
const COMP_WRITABLE = 0xdfff_fffd;

export class Fpb implements RegisterBlock {
  private enabled = 0;
  private remap = 0;
  private readonly comp = new Uint32Array(COMPARATORS);

  /** A system reset keeps the FPB: it is debug logic, reset by a power-on reset only (ARM ARM C1.2; PM0214 §4.4.5). */
  reset(): void {}

  powerOnReset(): void {
    this.enabled = 0;
    this.remap = 0;
    this.comp.fill(0);
  }

  readWord(address: number): number {
    const offset = address - CORE_BLOCKS.FPB;
    if (offset >= COMP0 && offset < COMP0 + 4 * COMPARATORS) return this.comp[(offset - COMP0) >> 2];
    if (offset === CTRL) return CTRL_CONFIG | this.enabled;
    if (offset === REMAP) return (REMAP_SUPPORTED | this.remap) >>> 0;
    return 0;
  }

  writeWord(address: number, value: number, mask: number): void {
    const offset = address - CORE_BLOCKS.FPB;
    if (offset >= COMP0 && offset < COMP0 + 4 * COMPARATORS) {
      const i = (offset - COMP0) >> 2;
      this.comp[i] = merge(this.comp[i], value, mask) & COMP_WRITABLE;
    } else if (offset === CTRL) {
      if ((value & mask & FP_CTRL.KEY) !== 0) this.enabled = value & FP_CTRL.ENABLE;
    } else if (offset === REMAP) {
      this.remap = merge(this.remap, value, mask) & REMAP_WRITABLE;
    }
  }
}

/**
 * The memory protection unit's registers (PM0214 §4.2, ARM ARM B3.5): MPU_TYPE (8 unified regions),
 * MPU_CTRL, MPU_RNR, MPU_RBAR and MPU_RASR with their three aliases, stored and read back.
 *
 * Enforcement is not modelled: the bus's fast path has no per-access permission check, and adding one
 * would cost every load and store. With the MPU enabled, f4emu behaves as if every access were allowed
 * (the default memory map's execute-never rule for fetches is still applied by the core).
 */
import { CORE_BLOCKS } from '../device/stm32f407.js';
import { merge, type RegisterBlock } from './scs.js';

/** Offsets from 0xE000_ED90. */
const TYPE = 0x00;
const CTRL = 0x04;
const RNR = 0x08;
const RBAR = 0x0c;
const RASR = 0x10;
const ALIASES_END = 0x2c; // RBAR_A1 0x14, RASR_A1 0x18 … RASR_A3 0x28
const REGIONS = 8;

/** MPU_TYPE: DREGION = 8 in [15:8], SEPARATE = 0 (unified). */
export const MPU_TYPE_VALUE = REGIONS << 8;
const CTRL_WRITABLE = 0x7; // ENABLE, HFNMIENA, PRIVDEFENA
const RBAR_ADDR = 0xffff_ffe0;
const RBAR_VALID = 1 << 4;
/** RASR: XN b28, AP [26:24], TEX [21:19], S C B [18:16], SRD [15:8], SIZE [5:1], ENABLE b0. */
const RASR_WRITABLE = 0x173f_ff3f;

export class Mpu implements RegisterBlock {
  private ctrl = 0;
  private rnr = 0;
  private readonly base = new Uint32Array(REGIONS);
  private readonly attributes = new Uint32Array(REGIONS);

  reset(): void {
    this.ctrl = 0;
    this.rnr = 0;
    this.base.fill(0);
    this.attributes.fill(0);
  }

  readWord(address: number): number {
    const offset = address - CORE_BLOCKS.MPU;
    switch (offset) {
      case TYPE: return MPU_TYPE_VALUE;
      case CTRL: return this.ctrl;
      case RNR: return this.rnr;
      default:
        if (offset < RBAR || offset >= ALIASES_END) return 0;
        // RBAR reads show the selected region number in REGION[3:0]; VALID reads as zero.
        return (offset - RBAR) % 8 === 0 ? (this.base[this.region] | this.region) >>> 0 : this.attributes[this.region];
    }
  }

  writeWord(address: number, value: number, mask: number): void {
    const offset = address - CORE_BLOCKS.MPU;
    switch (offset) {
      case CTRL: this.ctrl = merge(this.ctrl, value, mask) & CTRL_WRITABLE; return;
      case RNR: this.rnr = merge(this.rnr, value, mask) & 0xff; return;
      default:
        if (offset < RBAR || offset >= ALIASES_END) return;
        if ((offset - RBAR) % 8 === 0) this.writeRbar(merge(this.base[this.region] | this.region, value, mask));
        else this.attributes[this.region] = merge(this.attributes[this.region], value, mask) & RASR_WRITABLE;
    }
  }

  /** RBAR with VALID selects the region in REGION[3:0] (and updates RNR) before writing its base. */
  private writeRbar(value: number): void {
    if ((value & RBAR_VALID) !== 0) this.rnr = value & 0xf;
    this.base[this.region] = value & RBAR_ADDR;
  }

  /** The region RNR selects; RNR values past the last region are UNPREDICTABLE: they wrap. */
  private get region(): number {
    return this.rnr % REGIONS;
  }
}

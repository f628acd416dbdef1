/**
 * The data watchpoint and trace unit (ARM ARM C1.8, Cortex-M4 TRM §8.2): CYCCNT counts core cycles
 * (computed from the scheduler) while DEMCR.TRCENA and DWT_CTRL.CYCCNTENA are both set; the four
 * comparators' COMP/MASK/FUNCTION are stored and read back (watchpoints are the debugger's business);
 * the 8-bit profiling counters are stored; PCSR samples the PC.
 *
 * The DWT is debug logic: a system reset keeps its registers (CYCCNT counts on through SYSRESETREQ),
 * only a power-on reset clears them (`powerOnReset`; PM0214 §4.4.5: SYSRESETREQ resets everything but the
 * debug logic). CYCCNT counts processor cycles: not while a debugger halts the core (`debugHalt`).
 */
import { CORE_BLOCKS } from '../device/stm32f407.js';
import type { CortexM4 } from './cpu.js';
import { merge, type RegisterBlock } from './scs.js';

/** Offsets from 0xE000_1000. */
const CTRL = 0x000;
const CYCCNT = 0x004;
const CPICNT = 0x008;
const FOLDCNT = 0x018;
const PCSR = 0x01c;
const COMP0 = 0x020;
const COMPARATOR_STRIDE = 0x10;
const COMPARATORS = 4;

/** DWT_CTRL: NUMCOMP = 4 in [31:28]; trace packets, external triggers, CYCCNT and profiling counters all present. */
const CTRL_RESET = (COMPARATORS << 28) >>> 0;
export const DWT_CTRL = { CYCCNTENA: 1 << 0 } as const;
const CTRL_WRITABLE = 0x007f_1fff;
const MASK_WRITABLE = 0x1f;
/** FUNCTION: FUNCTION, EMITRANGE, CYCMATCH, DATAVMATCH, DATAVSIZE, DATAVADDR0/1; MATCHED (b24) is read-only. */
const FUNCTION_WRITABLE = 0x000f_fdaf;

export class Dwt implements RegisterBlock {
  private ctrl = CTRL_RESET;
  /** CYCCNT value at `anchor` cycles; it advances with the scheduler only while `counting`. */
  private base = 0;
  private anchor = 0;
  private counting = false;
  /** A debugger holds the core halted: CYCCNT stands still. */
  private halted = false;
  /** CPICNT, EXCCNT, SLEEPCNT, LSUCNT, FOLDCNT (8-bit, stored). */
  private readonly profile = new Uint8Array(5);
  private readonly comp = new Uint32Array(COMPARATORS);
  private readonly mask = new Uint32Array(COMPARATORS);
  private readonly func = new Uint32Array(COMPARATORS);

  constructor(
    private readonly cpu: CortexM4,
    /** DEMCR.TRCENA: the global enable of DWT and ITM. */
    private readonly traceEnabled: () => boolean,
  ) {}

  /** A system reset: the DWT keeps everything (see the header). */
  reset(): void {}

  powerOnReset(): void {
    this.ctrl = CTRL_RESET;
    this.base = 0;
    this.anchor = this.cpu.scheduler.cycles;
    this.counting = false;
    this.profile.fill(0);
    this.comp.fill(0);
    this.mask.fill(0);
    this.func.fill(0);
  }

  /** CYCCNT now. */
  get cyccnt(): number {
    return this.counting ? (this.base + (this.cpu.scheduler.cycles - this.anchor)) >>> 0 : this.base;
  }

  /** Re-evaluates whether CYCCNT counts (after DWT_CTRL or DEMCR changed). */
  update(): void {
    this.base = this.cyccnt;
    this.anchor = this.cpu.scheduler.cycles;
    this.counting = this.traceEnabled() && (this.ctrl & DWT_CTRL.CYCCNTENA) !== 0 && !this.halted;
  }

  debugHalt(halted: boolean): void {
    this.halted = halted;
    this.update();
  }

  readWord(address: number): number {
    const offset = address - CORE_BLOCKS.DWT;
    if (offset >= COMP0 && offset < COMP0 + COMPARATORS * COMPARATOR_STRIDE) return this.readComparator(offset - COMP0);
    switch (offset) {
      case CTRL: return this.ctrl;
      case CYCCNT: return this.cyccnt;
      case PCSR: return this.cpu.pc >>> 0;
      default:
        return offset >= CPICNT && offset <= FOLDCNT ? this.profile[(offset - CPICNT) >> 2] : 0;
    }
  }

  writeWord(address: number, value: number, mask: number): void {
    const offset = address - CORE_BLOCKS.DWT;
    if (offset >= COMP0 && offset < COMP0 + COMPARATORS * COMPARATOR_STRIDE) return this.writeComparator(offset - COMP0, value, mask);
    switch (offset) {
      case CTRL:
        this.ctrl = ((merge(this.ctrl, value, mask) & CTRL_WRITABLE) | CTRL_RESET) >>> 0;
        this.update();
        return;
      case CYCCNT:
        this.base = merge(this.cyccnt, value, mask);
        this.anchor = this.cpu.scheduler.cycles;
        return;
      default:
        if (offset >= CPICNT && offset <= FOLDCNT) {
          const i = (offset - CPICNT) >> 2;
          this.profile[i] = merge(this.profile[i], value, mask);
        }
    }
  }

  private readComparator(offset: number): number {
    const i = Math.floor(offset / COMPARATOR_STRIDE);
    switch (offset % COMPARATOR_STRIDE) {
      case 0x0: return this.comp[i];
      case 0x4: return this.mask[i];
      case 0x8: return this.func[i];
      default: return 0;
    }
  }

  private writeComparator(offset: number, value: number, mask: number): void {
    const i = Math.floor(offset / COMPARATOR_STRIDE);
    switch (offset % COMPARATOR_STRIDE) {
      case 0x0: this.comp[i] = merge(this.comp[i], value, mask); break;
      case 0x4: this.mask[i] = merge(this.mask[i], value, mask) & MASK_WRITABLE; break;
      case 0x8: this.func[i] = merge(this.func[i], value, mask) & FUNCTION_WRITABLE; break;
      default: break;
    }
  }
}

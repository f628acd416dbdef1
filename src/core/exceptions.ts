/**
 * PLACEHOLDER CONTRACT — to be implemented in full (owner: the exceptions work item).
 *
 * The exception model of ARMv7-M (DDI 0403E B1.5): reset, entry (stacking of the basic and the
 * extended FP frame, lazy FP stacking per FPCCR), EXC_RETURN, tail-chaining, priorities (PRIGROUP,
 * PRIMASK, FAULTMASK, BASEPRI), fault escalation and lockup. The NVIC, SCB, SysTick registers live
 * in nvic.ts / scb.ts / systick.ts; this class holds the state they share.
 */
import type { CortexM4 } from './cpu.js';

export class ExceptionUnit {
  /** SCB_CCR (PM0214 §4.4.7): UNALIGN_TRP b3, DIV_0_TRP b4, STKALIGN b9 (reset 0x200). Read by the core. */
  ccr = 0x200;
  /** SCB_CPACR (PM0214 §4.6.1): CP10/CP11 in [23:20]; FP instructions raise NOCP unless full access. */
  cpacr = 0;

  constructor(readonly cpu: CortexM4) {}

  /** Power-on or system reset of the exception state (NVIC, SCB, SysTick registers to reset values). */
  reset(): void {}

  /** A fault raised by the instruction at cpu.pc (kind = one CFSR bit, address for BFAR/MMFAR). */
  takeFault(kind: number, address: number): void {
    void kind;
    void address;
    this.cpu.halted = true;
  }

  /** SVC instruction executed (cpu.npc is the return address). */
  svc(): void {}

  /** BKPT not consumed by semihosting or a debugger: escalates to HardFault (HFSR.DEBUGEVT). */
  bkpt(imm: number): void {
    void imm;
    this.cpu.halted = true;
  }

  /** A branch wrote an EXC_RETURN value to the PC in handler mode. */
  exceptionReturn(excReturn: number): void {
    void excReturn;
  }

  /** Takes the highest-priority pending exception if it may preempt. Returns true if one was taken. */
  checkPending(): boolean {
    return false;
  }

  /** Whether an interrupt is pending that would wake WFI (even if masked by PRIMASK). */
  wakeupPending(): boolean {
    return false;
  }

  /** Sets/clears the level of an external interrupt line (peripherals call this through the machine). */
  setIrqLevel(irq: number, level: boolean): void {
    void irq;
    void level;
  }
}

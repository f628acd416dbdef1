/**
 * System and control instructions (ARM ARM DDI 0403E B5.2 "ARMv7-M system instructions", A7.7):
 * MRS, MSR, CPS; IT; the hints NOP, YIELD, WFE, WFI, SEV, DBG; the barriers DSB, DMB, ISB; CLREX;
 * SVC, BKPT, UDF.
 *
 * Special registers by SYSm (B5.1.1): 0 APSR, 1 IAPSR, 2 EAPSR, 3 XPSR, 5 IPSR, 6 EPSR, 7 IEPSR,
 * 8 MSP, 9 PSP, 16 PRIMASK, 17 BASEPRI, 18 BASEPRI_MAX, 19 FAULTMASK, 20 CONTROL. Other values are
 * reserved (MRS reads 0, MSR is ignored).
 */
import type { CortexM4, Op } from '../cpu.js';
import { undefinedInstruction } from '../faults.js';

export const SYSM = {
  APSR: 0, IAPSR: 1, EAPSR: 2, XPSR: 3, IPSR: 5, EPSR: 6, IEPSR: 7, MSP: 8, PSP: 9,
  PRIMASK: 16, BASEPRI: 17, BASEPRI_MAX: 18, FAULTMASK: 19, CONTROL: 20,
} as const;

/**
 * BASEPRI implements priority bits [7:4] on the STM32F4 (4 priority bits, PM0214 §2.1.3); the
 * other bits read as zero.
 */
const BASEPRI_BITS = 0xf0;

/** CONTROL bits (B1.4.4): nPRIV, SPSEL, FPCA. */
const CONTROL_NPRIV = 1;
const CONTROL_SPSEL = 2;
const CONTROL_FPCA = 4;

/**
 * ExecutionPriority() > -1 (B1.5.4), which setting FAULTMASK requires (MSR, CPSID f): false in the
 * NMI and HardFault handlers and while FAULTMASK is already set.
 */
function priorityAboveMinusOne(cpu: CortexM4): boolean {
  return cpu.exc.executionPriority() > -1;
}

/** The value MRS Rd, <spec_reg> reads (B5.2.2). EPSR (T, IT/ICI) reads as zero. */
export function readSpecial(cpu: CortexM4, sysm: number): number {
  if (sysm < 8) {
    if (sysm === 4) return 0;
    let value = 0;
    if ((sysm & 1) !== 0) value |= cpu.ipsr & 0x1ff;
    if ((sysm & 4) === 0) value |= cpu.apsr & 0xf80f_0000;
    return value | 0;
  }
  switch (sysm) {
    case SYSM.MSP:
      return cpu.privileged ? cpu.getMsp() : 0;
    case SYSM.PSP:
      return cpu.privileged ? cpu.getPsp() : 0;
    case SYSM.PRIMASK:
      return cpu.primask & 1;
    case SYSM.BASEPRI:
    case SYSM.BASEPRI_MAX:
      return cpu.basepri & 0xff;
    case SYSM.FAULTMASK:
      return cpu.faultmask & 1;
    case SYSM.CONTROL:
      return cpu.control & (CONTROL_NPRIV | CONTROL_SPSEL | CONTROL_FPCA);
    default:
      return 0;
  }
}

/**
 * MSR <spec_reg>, Rn (B5.2.3). `mask` is the encoding's mask<1:0>: bit 1 writes N Z C V Q, bit 0
 * the GE bits (APSR forms only). Everything but the APSR needs privilege (ignored otherwise).
 * A write that may unmask an interrupt calls cpu.attention().
 */
export function writeSpecial(cpu: CortexM4, sysm: number, mask: number, value: number): void {
  if (sysm < 8) {
    if ((sysm & 4) !== 0) return;
    const apsr = cpu.apsr;
    let next = apsr;
    if ((mask & 2) !== 0) next = (next & ~0xf800_0000) | (value & 0xf800_0000);
    if ((mask & 1) !== 0) next = (next & ~0x000f_0000) | (value & 0x000f_0000);
    cpu.apsr = next;
    return;
  }
  if (!cpu.privileged) return;
  switch (sysm) {
    case SYSM.MSP:
      cpu.setMsp(value);
      return;
    case SYSM.PSP:
      cpu.setPsp(value);
      return;
    case SYSM.PRIMASK:
      cpu.primask = value & 1;
      break;
    case SYSM.BASEPRI:
      cpu.basepri = value & BASEPRI_BITS;
      break;
    case SYSM.BASEPRI_MAX: {
      const v = value & BASEPRI_BITS;
      if (v !== 0 && (v < cpu.basepri || cpu.basepri === 0)) cpu.basepri = v;
      break;
    }
    case SYSM.FAULTMASK:
      if ((value & 1) === 0) cpu.faultmask = 0;
      else if (priorityAboveMinusOne(cpu)) cpu.faultmask = 1;
      break;
    case SYSM.CONTROL:
      writeControl(cpu, value);
      return;
    default:
      return;
  }
  cpu.attention();
  cpu.updateMemoryView(); // FAULTMASK turns the MPU off or on when MPU_CTRL.HFNMIENA = 0
}

/** CONTROL: nPRIV always; SPSEL only in thread mode (it switches the active SP); FPCA kept as written. */
function writeControl(cpu: CortexM4, value: number): void {
  const wasPsp = cpu.usingPsp;
  let control = (cpu.control & ~(CONTROL_NPRIV | CONTROL_FPCA)) | (value & (CONTROL_NPRIV | CONTROL_FPCA));
  if (cpu.ipsr === 0) control = (control & ~CONTROL_SPSEL) | (value & CONTROL_SPSEL);
  cpu.control = control;
  cpu.swapStack(wasPsp);
  cpu.updateMemoryView(); // nPRIV: the MPU checks what follows as (un)privileged
}

/** MRS Rd, <spec_reg>. */
export function moveFromSpecial(d: number, sysm: number): Op {
  return (cpu) => {
    cpu.r[d] = readSpecial(cpu, sysm);
  };
}

/** MSR <spec_reg>, Rn. */
export function moveToSpecial(n: number, sysm: number, mask: number): Op {
  return (cpu) => writeSpecial(cpu, sysm, mask, cpu.r[n]);
}

/**
 * CPSIE/CPSID i/f (B5.2.1): privileged only (a NOP otherwise). CPSID f needs ExecutionPriority > -1.
 * Enabling calls cpu.attention() so a pending interrupt is taken before the next instruction.
 */
export function changeProcessorState(disable: boolean, affectI: boolean, affectF: boolean): Op {
  return (cpu) => {
    if (!cpu.privileged) return;
    if (disable) {
      if (affectI) cpu.primask = 1;
      if (affectF && priorityAboveMinusOne(cpu)) cpu.faultmask = 1;
    } else {
      if (affectI) cpu.primask = 0;
      if (affectF) cpu.faultmask = 0;
      cpu.attention();
    }
    if (affectF) cpu.updateMemoryView();
  };
}

/** IT{x{y{z}}} firstcond (A7.7.38): ITSTATE = firstcond:mask. Inside an IT block it is UNDEFINED (see registers.ts). */
export function ifThen(firstcond: number, mask: number): Op {
  const itstate = (firstcond << 4) | mask;
  return (cpu) => {
    if (cpu.itInstruction !== 0) undefinedInstruction();
    cpu.itstate = itstate;
  };
}

/** NOP, YIELD, DBG, the barriers DSB/DMB/ISB (memory is sequentially consistent here) and unallocated hints. */
export const NOP: Op = () => {};

/** WFI (A7.7.262): sleep until an interrupt is pending; the run loop skips time meanwhile. */
export const WFI: Op = (cpu) => {
  cpu.sleeping = true;
  cpu.attention();
};

/** WFE (A7.7.261): if the event register is set, clear it and go on; else sleep until an event. */
export const WFE: Op = (cpu) => {
  if (cpu.eventRegister !== 0) {
    cpu.eventRegister = 0;
    return;
  }
  cpu.sleeping = true;
  cpu.attention();
};

/** SEV (A7.7.129): sets the event register (single core: the only one it signals is this one). */
export const SEV: Op = (cpu) => {
  cpu.eventRegister = 1;
};

/** CLREX (A7.7.23): clears the local exclusive monitor. */
export const CLREX: Op = (cpu) => {
  cpu.exclusiveAddress = -1;
};

/** SVC #imm (A7.7.175): the exception unit takes SVCall (the immediate is read by the handler). */
export const SVC: Op = (cpu) => {
  cpu.exc.svc();
};

/** BKPT #imm (A7.7.17): semihosting or a debugger may consume it; otherwise it escalates. */
export function breakpoint(imm: number): Op {
  return (cpu) => {
    if (cpu.hostBkpt(imm)) return;
    // The exception returns to the BKPT itself, which must run again under its own IT condition.
    if (cpu.itInstruction !== 0) cpu.itstate = cpu.itInstruction;
    cpu.exc.bkpt(imm);
  };
}

/** UDF #imm (A7.7.194) and every encoding no table claims: UsageFault UNDEFINSTR. */
export const UDF: Op = () => undefinedInstruction();

/**
 * How an instruction reports a fault: it throws the one preallocated CORE_FAULT (no allocation), the
 * run loop catches it and hands it to the exception unit, which stacks with the faulting
 * instruction's address as the return address. Nothing after the throw point is committed.
 *
 * `kind` is the CFSR bit the fault sets (PM0214 §4.3.10), so the exception unit knows both the
 * status bit and (from its byte) whether it is a MemManage, BusFault or UsageFault.
 */
export const CFSR = {
  // MMFSR [7:0]
  IACCVIOL: 1 << 0,
  DACCVIOL: 1 << 1,
  MUNSTKERR: 1 << 3,
  MSTKERR: 1 << 4,
  MLSPERR: 1 << 5,
  MMARVALID: 1 << 7,
  // BFSR [15:8]
  IBUSERR: 1 << 8,
  PRECISERR: 1 << 9,
  IMPRECISERR: 1 << 10,
  UNSTKERR: 1 << 11,
  STKERR: 1 << 12,
  LSPERR: 1 << 13,
  BFARVALID: 1 << 15,
  // UFSR [31:16]
  UNDEFINSTR: 1 << 16,
  INVSTATE: 1 << 17,
  INVPC: 1 << 18,
  NOCP: 1 << 19,
  UNALIGNED: 1 << 24,
  DIVBYZERO: 1 << 25,
} as const;

export class CoreFault {
  /** One CFSR bit (see CFSR). */
  kind = 0;
  /** Faulting data address for DACCVIOL/PRECISERR (MMFAR/BFAR), else -1. */
  address = -1;
}
export const CORE_FAULT = new CoreFault();

export function fault(kind: number, address = -1): never {
  CORE_FAULT.kind = kind;
  CORE_FAULT.address = address;
  throw CORE_FAULT;
}

export function undefinedInstruction(): never {
  return fault(CFSR.UNDEFINSTR);
}

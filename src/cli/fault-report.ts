/**
 * What `f4emu run --exit-on-fault` prints when the firmware dies: the core registers, the exception
 * frame the core stacked, and the fault status registers decoded into words (PM0214 §4.4.10-§4.4.13:
 * CFSR = MMFSR|BFSR|UFSR, HFSR, MMFAR, BFAR). The fault registers are read through the bus, as a
 * debugger reads them; when the system control space is not mapped they are reported as unreadable.
 */
import { BusError } from '../bus/bus.js';
import type { CortexM4 } from '../core/cpu.js';
import { CFSR } from '../core/faults.js';
import { CORE_BLOCKS } from '../device/stm32f407.js';
import { hex32 } from '../errors.js';
import type { ImageSymbol } from '../loaders/image.js';

/** SCB register offsets (PM0214 §4.4 Table 51). */
const SCB_CFSR = CORE_BLOCKS.SCB + 0x28;
const SCB_HFSR = CORE_BLOCKS.SCB + 0x2c;
const SCB_MMFAR = CORE_BLOCKS.SCB + 0x34;
const SCB_BFAR = CORE_BLOCKS.SCB + 0x38;

const HFSR_VECTTBL = 1 << 1;
const HFSR_FORCED = 1 << 30;
const HFSR_DEBUGEVT = 1 << 31;

/** Exception numbers of the faults (ARMv7-M B1.5.2). */
export const FAULT_EXCEPTIONS: ReadonlySet<number> = new Set([3, 4, 5, 6]);
const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'thread mode', 1: 'Reset', 2: 'NMI', 3: 'HardFault', 4: 'MemManage', 5: 'BusFault', 6: 'UsageFault',
  11: 'SVCall', 12: 'DebugMonitor', 14: 'PendSV', 15: 'SysTick',
};

export function exceptionName(ipsr: number): string {
  return EXCEPTION_NAMES[ipsr] ?? `IRQ ${ipsr - 16}`;
}

/** "main+0x12" for an address inside a function symbol, else "". */
export function symbolize(address: number, symbols: readonly ImageSymbol[]): string {
  const a = (address & ~1) >>> 0;
  let best: ImageSymbol | undefined;
  for (const s of symbols) {
    const start = s.type === 'func' ? (s.value & ~1) >>> 0 : s.value >>> 0;
    if (s.type !== 'func' || a < start || a >= start + Math.max(s.size, 1)) continue;
    if (!best || start > ((best.value & ~1) >>> 0)) best = s;
  }
  if (!best) return '';
  const offset = a - ((best.value & ~1) >>> 0);
  return offset === 0 ? best.name : `${best.name}+0x${offset.toString(16)}`;
}

/** An address with its symbol when known: "0x08000412 (main+0x12)". */
export function where(address: number, symbols: readonly ImageSymbol[]): string {
  const s = symbolize(address, symbols);
  return s ? `${hex32(address)} (${s})` : hex32(address);
}

function readWord(cpu: CortexM4, address: number): number | undefined {
  try {
    return cpu.bus.read32(address) >>> 0;
  } catch (e) {
    if (e instanceof BusError) return undefined;
    throw e;
  }
}

/** The fault status registers, or undefined when they cannot be read. */
interface FaultStatus {
  cfsr: number;
  hfsr: number;
  mmfar: number;
  bfar: number;
}

function readFaultStatus(cpu: CortexM4): FaultStatus | undefined {
  const cfsr = readWord(cpu, SCB_CFSR);
  const hfsr = readWord(cpu, SCB_HFSR);
  const mmfar = readWord(cpu, SCB_MMFAR);
  const bfar = readWord(cpu, SCB_BFAR);
  if (cfsr === undefined || hfsr === undefined || mmfar === undefined || bfar === undefined) return undefined;
  return { cfsr, hfsr, mmfar, bfar };
}

/**
 * CFSR and HFSR in words, one line per bit set. `pc` is the stacked PC (the faulting instruction
 * for precise faults).
 */
export function decodeFaultStatus(status: FaultStatus, pc: number | undefined): string[] {
  const { cfsr, hfsr, mmfar, bfar } = status;
  const at = pc === undefined ? '' : ` at ${hex32(pc)}`;
  const mmAddress = cfsr & CFSR.MMARVALID ? ` at ${hex32(mmfar)}` : '';
  const bfAddress = cfsr & CFSR.BFARVALID ? ` at ${hex32(bfar)}` : '';
  const by = pc === undefined ? '' : ` (instruction at ${hex32(pc)})`;
  const bits: Array<[number, string]> = [
    [CFSR.IACCVIOL, `IACCVIOL: instruction fetch from execute-never or no-access memory${at}`],
    [CFSR.DACCVIOL, `DACCVIOL: data access violation${mmAddress}${by}`],
    [CFSR.MUNSTKERR, 'MUNSTKERR: MemManage fault while unstacking on exception return'],
    [CFSR.MSTKERR, 'MSTKERR: MemManage fault while stacking on exception entry'],
    [CFSR.MLSPERR, 'MLSPERR: MemManage fault during lazy floating-point state preservation'],
    [CFSR.IBUSERR, `IBUSERR: instruction bus error${at}`],
    [CFSR.PRECISERR, `PRECISERR: data bus error${bfAddress}${by}`],
    [CFSR.IMPRECISERR, `IMPRECISERR: imprecise data bus error (a buffered store; the stacked PC${at} is past it)`],
    [CFSR.UNSTKERR, 'UNSTKERR: bus error while unstacking on exception return'],
    [CFSR.STKERR, 'STKERR: bus error while stacking on exception entry'],
    [CFSR.LSPERR, 'LSPERR: bus error during lazy floating-point state preservation'],
    [CFSR.UNDEFINSTR, `UNDEFINSTR${at}: undefined instruction`],
    [CFSR.INVSTATE, `INVSTATE${at}: execution with the Thumb bit clear (EPSR.T = 0)`],
    [CFSR.INVPC, `INVPC${at}: bad EXC_RETURN value on exception return`],
    [CFSR.NOCP, `NOCP${at}: coprocessor (FPU) instruction with CP10/CP11 disabled in CPACR`],
    [CFSR.UNALIGNED, `UNALIGNED${at}: unaligned access not allowed for this instruction (or CCR.UNALIGN_TRP)`],
    [CFSR.DIVBYZERO, `DIVBYZERO${at}: division by zero with CCR.DIV_0_TRP set`],
  ];
  const lines = bits.filter(([bit]) => (cfsr & bit) !== 0).map(([, text]) => text);
  if (hfsr & HFSR_VECTTBL) lines.push('VECTTBL: bus fault reading the vector table');
  if (hfsr & HFSR_FORCED) lines.push('FORCED: a configurable fault escalated to HardFault');
  if (hfsr & HFSR_DEBUGEVT) lines.push('DEBUGEVT: breakpoint (BKPT) with no debugger attached');
  return lines;
}

/** The eight words of a basic exception frame (PM0214 §2.3.7): R0-R3, R12, LR, PC, xPSR. */
function stackedFrame(cpu: CortexM4): { sp: number; words: (number | undefined)[] } {
  const lr = cpu.r[14] >>> 0;
  const sp = (lr >>> 28) === 0xf ? ((lr & 4) !== 0 ? cpu.getPsp() : cpu.getMsp()) >>> 0 : cpu.r[13] >>> 0;
  const words = Array.from({ length: 8 }, (_, i) => readWord(cpu, sp + 4 * i));
  return { sp, words };
}

/** The report: registers, stacked frame and decoded fault status, as lines (no trailing newline). */
export function faultReport(cpu: CortexM4, headline: string, symbols: readonly ImageSymbol[] = []): string[] {
  const r = (i: number): string => hex32(cpu.r[i]);
  const lines = [headline];
  lines.push(`  in ${exceptionName(cpu.ipsr)}, PC ${where(cpu.pc, symbols)}, ${cpu.instructions} instructions executed`);
  for (let i = 0; i < 12; i += 4) lines.push(`  R${i}=${r(i)} R${i + 1}=${r(i + 1)} R${i + 2}=${r(i + 2)} R${i + 3}=${r(i + 3)}`);
  lines.push(`  R12=${r(12)} SP=${r(13)} LR=${r(14)} xPSR=${hex32(cpu.xpsr)}`);
  lines.push(`  MSP=${hex32(cpu.getMsp())} PSP=${hex32(cpu.getPsp())} CONTROL=${cpu.control} PRIMASK=${cpu.primask} FAULTMASK=${cpu.faultmask} BASEPRI=${cpu.basepri}`);
  if (cpu.ipsr === 0) {
    lines.push('  no exception frame (the core is in thread mode)');
    return [...lines, ...faultStatusLines(cpu, undefined)];
  }
  const frame = stackedFrame(cpu);
  const names = ['R0', 'R1', 'R2', 'R3', 'R12', 'LR', 'PC', 'xPSR'];
  const stacked = frame.words.map((w, i) => `${names[i]}=${w === undefined ? 'unreadable' : hex32(w)}`);
  lines.push(`  stacked frame at ${hex32(frame.sp)}: ${stacked.slice(0, 4).join(' ')}`);
  lines.push(`    ${stacked.slice(4).join(' ')}`);
  const stackedPc = frame.words[6];
  if (stackedPc !== undefined) lines.push(`  faulting instruction (stacked PC): ${where(stackedPc, symbols)}`);
  return [...lines, ...faultStatusLines(cpu, stackedPc)];
}

/** CFSR/HFSR/MMFAR/BFAR and their decoding, indented. */
function faultStatusLines(cpu: CortexM4, stackedPc: number | undefined): string[] {
  const status = readFaultStatus(cpu);
  if (!status) return ['  CFSR/HFSR: not readable (the system control space is not mapped)'];
  return [
    `  CFSR=${hex32(status.cfsr)} HFSR=${hex32(status.hfsr)} MMFAR=${hex32(status.mmfar)} BFAR=${hex32(status.bfar)}`,
    ...decodeFaultStatus(status, stackedPc).map((l) => `  ${l}`),
  ];
}

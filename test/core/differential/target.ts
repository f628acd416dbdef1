/**
 * The f4emu side of the differential tester: one Machine reused for every case. Per case the memory
 * window is restored and the code poked in (the bus drops stale decodes), the state set, and the
 * core run for exactly the case's instruction count; faults are intercepted at the exception unit so
 * the case stops where the fault happened instead of running a handler.
 */
import { Machine } from '../../../src/machine.js';
import { newState, type CpuState } from './generator.js';

/** CPACR with CP10/CP11 full access (PM0214 §4.6.1): FP instructions execute. */
const CPACR_FP_ON = 0xf << 20;
/** CONTROL.FPCA (PM0214 §2.1.3). */
const CONTROL_FPCA = 1 << 2;
/** CCR reset value: STKALIGN only, so UNALIGN_TRP = DIV_0_TRP = 0 (PM0214 §4.4.7). */
const CCR_DEFAULT = 0x200;

export interface TargetRun {
  readonly code: Uint16Array;
  /** Instructions to execute (IT and skipped instructions count). */
  readonly instructions: number;
  readonly stopOffset: number;
  readonly init: CpuState;
}

export interface TargetResult {
  /** 'ok', or why the case did not reach its end. */
  readonly status: 'ok' | 'fault' | 'crash' | 'elsewhere';
  /** Fault kind (one CFSR bit name) or the JS error for 'crash'. */
  readonly detail: string;
  readonly pc: number;
  readonly state: CpuState;
  readonly crc: number;
}

const CFSR_NAMES: ReadonlyArray<[number, string]> = [
  [1 << 0, 'IACCVIOL'], [1 << 1, 'DACCVIOL'], [1 << 8, 'IBUSERR'], [1 << 9, 'PRECISERR'], [1 << 10, 'IMPRECISERR'],
  [1 << 16, 'UNDEFINSTR'], [1 << 17, 'INVSTATE'], [1 << 18, 'INVPC'], [1 << 19, 'NOCP'], [1 << 24, 'UNALIGNED'], [1 << 25, 'DIVBYZERO'],
];

export function faultName(kind: number): string {
  return CFSR_NAMES.find(([bit]) => bit === kind)?.[1] ?? `CFSR 0x${kind.toString(16)}`;
}

export class F4emuTarget {
  readonly machine = new Machine();
  private readonly windowOffset: number;
  private fault: { kind: number; address: number } | null = null;

  constructor(
    readonly windowBase: number,
    readonly windowSize: number,
  ) {
    const off = this.machine.bus.memOffset(windowBase);
    if (off < 0 || this.machine.bus.memOffset(windowBase + windowSize - 1) !== off + windowSize - 1) {
      throw new Error('differential window is not plain memory in f4emu');
    }
    this.windowOffset = off;
    const cpu = this.machine.cpu;
    // Stop at the first fault and remember it: the tester compares straight-line code only.
    cpu.exc.takeFault = (kind: number, address: number) => {
      this.fault = { kind, address };
      cpu.halted = true;
    };
  }

  /** The window's current bytes (shares memory with the bus). */
  get window(): Uint8Array {
    return this.machine.bus.mem.subarray(this.windowOffset, this.windowOffset + this.windowSize);
  }

  run(c: TargetRun, window: Uint8Array): TargetResult {
    const { bus, cpu } = this.machine;
    bus.poke(this.windowOffset, window);
    bus.poke(this.windowOffset, new Uint8Array(c.code.buffer, c.code.byteOffset, c.code.byteLength));
    this.setState(c.init);
    this.fault = null;
    const start = this.windowBase;
    cpu.npc = start;
    cpu.pc = start;
    let status: TargetResult['status'] = 'ok';
    let detail = '';
    try {
      cpu.run(c.instructions);
    } catch (e) {
      status = 'crash';
      detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const fault = this.fault as { kind: number; address: number } | null; // set by the takeFault hook during run
    if (status === 'ok' && fault) {
      status = 'fault';
      detail = faultName(fault.kind);
    } else if (status === 'ok' && (cpu.npc >>> 0) !== ((start + c.stopOffset) >>> 0)) {
      status = 'elsewhere';
    }
    return { status, detail, pc: (status === 'fault' ? cpu.pc : cpu.npc) >>> 0, state: this.getState(), crc: crc32(this.window) };
  }

  private setState(s: CpuState): void {
    const cpu = this.machine.cpu;
    for (let i = 0; i < 15; i++) cpu.r[i] = s.r[i] | 0;
    cpu.msp = cpu.r[13];
    cpu.apsr = s.apsr;
    cpu.fpscr = s.fpscr | 0;
    for (let i = 0; i < 32; i++) cpu.sw[i] = s.s[i] | 0;
    cpu.itstate = 0;
    cpu.ipsr = 0;
    // FPCA = 1: an FP context is active, so the first FP instruction does not reload FPSCR's mode
    // bits from FPDSCR (ExecuteFPCheck, ARM ARM B1.5.7); the oracle is in the same state.
    cpu.control = CONTROL_FPCA;
    cpu.primask = cpu.faultmask = cpu.basepri = 0;
    cpu.exclusiveAddress = -1;
    cpu.halted = false;
    cpu.sleeping = false;
    cpu.pendingInvState = false;
    cpu.stopRequest = null;
    cpu.exc.cpacr = CPACR_FP_ON;
    cpu.exc.ccr = CCR_DEFAULT;
  }

  private getState(): CpuState {
    const cpu = this.machine.cpu;
    const s = newState();
    for (let i = 0; i < 15; i++) s.r[i] = cpu.r[i] >>> 0;
    s.apsr = cpu.apsr >>> 0;
    s.fpscr = cpu.fpscr >>> 0;
    for (let i = 0; i < 32; i++) s.s[i] = cpu.sw[i] >>> 0;
    return s;
  }
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as Python's zlib.crc32) of the window, to compare memory cheaply. */
export function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

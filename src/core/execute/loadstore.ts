/**
 * Single, dual and exclusive loads and stores (ARM ARM DDI 0403E A5.2.4, A5.3.7–A5.3.10, A3.4):
 * LDR/LDRH/LDRSH/LDRB/LDRSB and STR/STRH/STRB with an immediate offset, pre/post-indexed writeback,
 * a register offset (LSL #0–3) or a literal; their unprivileged T forms; LDRD/STRD; LDREX, LDREXB, LDREXH and the STREX forms.
 *
 * Alignment (A3.2, PM0214 §2.2.5): word and halfword LDR/STR may be unaligned unless CCR.UNALIGN_TRP;
 * LDRD/STRD and the exclusives always fault (UsageFault UNALIGNED). The fault comes before any access.
 *
 * Every access goes through the bus (fast typed-array path inside it). A fault (UNALIGNED, or the bus
 * throwing BUS_ERROR) leaves the registers untouched: writeback and Rt are written after the access.
 *
 * The T forms (LDRT, STRBT...) access memory as unprivileged (A7.7 MemU_unpriv): the MPU checks them
 * as unprivileged accesses in any mode; otherwise they are the plain access.
 *
 * The offset forms get one closure per width on purpose: they are the hot loads and stores of
 * compiled code. Writeback, literal and PC/SP forms share the generic closures.
 */
import type { CortexM4, Op } from '../cpu.js';
import { CFSR, fault } from '../faults.js';
import { BRANCH_CYCLES, LOAD_CYCLES } from './cycles.js';
import { writingSp } from './registers.js';

/** Access widths: word, halfword, signed halfword, byte, signed byte. Stores use W, H, B. */
export type Width = 'W' | 'H' | 'SH' | 'B' | 'SB';

/** CCR.UNALIGN_TRP (PM0214 §4.4.7). */
const UNALIGN_TRP = 1 << 3;

/** An unaligned access that is allowed unless CCR.UNALIGN_TRP is set: faults UNALIGNED if it is. */
export function checkUnaligned(cpu: CortexM4): void {
  if ((cpu.exc.ccr & UNALIGN_TRP) !== 0) fault(CFSR.UNALIGNED);
}

/** A word address, after the alignment check of checkUnaligned (for the specialized word closures). */
function wordAddress(cpu: CortexM4, address: number): number {
  if ((address & 3) !== 0) checkUnaligned(cpu);
  return address;
}

/** MemU[address, size] with the sign/zero extension of `w`, after the alignment check. */
function read(cpu: CortexM4, w: Width, address: number): number {
  switch (w) {
    case 'W':
      if ((address & 3) !== 0) checkUnaligned(cpu);
      return cpu.bus.read32(address);
    case 'H':
      if ((address & 1) !== 0) checkUnaligned(cpu);
      return cpu.bus.read16(address);
    case 'SH':
      if ((address & 1) !== 0) checkUnaligned(cpu);
      return (cpu.bus.read16(address) << 16) >> 16;
    case 'B':
      return cpu.bus.read8(address);
    default:
      return (cpu.bus.read8(address) << 24) >> 24;
  }
}

function write(cpu: CortexM4, w: Width, address: number, value: number): void {
  switch (w) {
    case 'W':
      if ((address & 3) !== 0) checkUnaligned(cpu);
      cpu.bus.write32(address, value);
      return;
    case 'H':
      if ((address & 1) !== 0) checkUnaligned(cpu);
      cpu.bus.write16(address, value & 0xffff);
      return;
    default:
      cpu.bus.write8(address, value & 0xff);
  }
}

/** LoadWritePC (A2.3.1) for LDR PC: the address must be word aligned (else UNALIGNED, see registers.ts). */
function loadPc(cpu: CortexM4, address: number): number {
  if ((address & 3) !== 0) fault(CFSR.UNALIGNED);
  return cpu.bus.read32(address);
}

function writePc(cpu: CortexM4, value: number): void {
  cpu.loadWritePc(value);
  cpu.scheduler.cycles += BRANCH_CYCLES;
}

// ---- Offset addressing: [Rn, #±imm] and [Rn, Rm, LSL #s] -------------------------------------

/** LDR<w> Rt, [Rn, #offset] (offset signed). Rt = 15 is a load to the PC. */
export function loadImmediate(w: Width, t: number, n: number, offset: number): Op {
  if (t === 15 || t === 13) return loadGeneric(w, t, n, -1, 0, offset, false, false);
  switch (w) {
    case 'W':
      return (cpu) => {
        const r = cpu.r;
        const a = (r[n] + offset) | 0;
        if ((a & 3) !== 0) checkUnaligned(cpu);
        r[t] = cpu.bus.read32(a);
        cpu.scheduler.cycles += LOAD_CYCLES;
      };
    case 'H':
      return (cpu) => {
        const r = cpu.r;
        const a = (r[n] + offset) | 0;
        if ((a & 1) !== 0) checkUnaligned(cpu);
        r[t] = cpu.bus.read16(a);
        cpu.scheduler.cycles += LOAD_CYCLES;
      };
    case 'B':
      return (cpu) => {
        const r = cpu.r;
        r[t] = cpu.bus.read8((r[n] + offset) | 0);
        cpu.scheduler.cycles += LOAD_CYCLES;
      };
    default:
      return loadGeneric(w, t, n, -1, 0, offset, false, false);
  }
}

/** Bytes an access of width `w` touches. */
function widthBytes(w: Width): number {
  return w === 'W' ? 4 : w === 'H' || w === 'SH' ? 2 : 1;
}

/** The alignment check, then the MPU's check as unprivileged (A7.7.MemU_unpriv: alignment faults first). */
function checkUnprivileged(cpu: CortexM4, w: Width, address: number, write: boolean): void {
  const size = widthBytes(w);
  if ((address & (size - 1)) !== 0) checkUnaligned(cpu);
  cpu.mpu?.checkUnprivileged(address, size, write);
}

/** LDR<w>T Rt, [Rn, #imm8] (A7.7.49 LDRT and the B/H/SB/SH forms): an unprivileged load. */
export function loadUnprivileged(w: Width, t: number, n: number, offset: number): Op {
  return (cpu) => {
    const address = (cpu.r[n] + offset) | 0;
    checkUnprivileged(cpu, w, address, false);
    cpu.r[t] = read(cpu, w, address);
    cpu.scheduler.cycles += LOAD_CYCLES;
  };
}

/** STR<w>T Rt, [Rn, #imm8] (A7.7.166 STRT, STRBT, STRHT): an unprivileged store. */
export function storeUnprivileged(w: Width, t: number, n: number, offset: number): Op {
  return (cpu) => {
    const address = (cpu.r[n] + offset) | 0;
    checkUnprivileged(cpu, w, address, true);
    write(cpu, w, address, cpu.r[t]);
  };
}

/** LDR<w> Rt, [Rn, Rm, LSL #s]. */
export function loadRegister(w: Width, t: number, n: number, m: number, s: number): Op {
  if (t === 15 || t === 13) return loadGeneric(w, t, n, m, s, 0, false, false);
  switch (w) {
    case 'W':
      return (cpu) => {
        const r = cpu.r;
        const a = (r[n] + (r[m] << s)) | 0;
        if ((a & 3) !== 0) checkUnaligned(cpu);
        r[t] = cpu.bus.read32(a);
        cpu.scheduler.cycles += LOAD_CYCLES;
      };
    case 'B':
      return (cpu) => {
        const r = cpu.r;
        r[t] = cpu.bus.read8((r[n] + (r[m] << s)) | 0);
        cpu.scheduler.cycles += LOAD_CYCLES;
      };
    default:
      return loadGeneric(w, t, n, m, s, 0, false, false);
  }
}

/** STR<w> Rt, [Rn, #offset]. */
export function storeImmediate(w: Width, t: number, n: number, offset: number): Op {
  switch (w) {
    case 'W':
      return (cpu) => {
        const r = cpu.r;
        const a = (r[n] + offset) | 0;
        if ((a & 3) !== 0) checkUnaligned(cpu);
        cpu.bus.write32(a, r[t]);
      };
    case 'H':
      return (cpu) => {
        const r = cpu.r;
        const a = (r[n] + offset) | 0;
        if ((a & 1) !== 0) checkUnaligned(cpu);
        cpu.bus.write16(a, r[t] & 0xffff);
      };
    default:
      return (cpu) => {
        const r = cpu.r;
        cpu.bus.write8((r[n] + offset) | 0, r[t] & 0xff);
      };
  }
}

/** STR<w> Rt, [Rn, Rm, LSL #s]. */
export function storeRegister(w: Width, t: number, n: number, m: number, s: number): Op {
  switch (w) {
    case 'W':
      return (cpu) => {
        const r = cpu.r;
        cpu.bus.write32(wordAddress(cpu, (r[n] + (r[m] << s)) | 0), r[t]);
      };
    case 'B':
      return (cpu) => {
        const r = cpu.r;
        cpu.bus.write8((r[n] + (r[m] << s)) | 0, r[t] & 0xff);
      };
    default:
      return (cpu) => {
        const r = cpu.r;
        write(cpu, w, (r[n] + (r[m] << s)) | 0, r[t]);
      };
  }
}

// ---- Indexed addressing with writeback, literals, loads to PC/SP -------------------------------

/** LDR<w> Rt, [Rn, #offset]! (preIndex) or LDR<w> Rt, [Rn], #offset: Rn is written back. */
export function loadIndexed(w: Width, t: number, n: number, offset: number, preIndex: boolean): Op {
  if (t < 13 && n < 13) {
    // The array walks of compiled loops: word and byte, pre- and post-indexed.
    const pre = preIndex ? offset : 0;
    if (w === 'W') {
      return (cpu) => {
        const r = cpu.r;
        const base = r[n];
        const value = cpu.bus.read32(wordAddress(cpu, (base + pre) | 0));
        cpu.scheduler.cycles += LOAD_CYCLES;
        r[n] = base + offset;
        r[t] = value;
      };
    }
    if (w === 'B') {
      return (cpu) => {
        const r = cpu.r;
        const base = r[n];
        const value = cpu.bus.read8((base + pre) | 0);
        cpu.scheduler.cycles += LOAD_CYCLES;
        r[n] = base + offset;
        r[t] = value;
      };
    }
  }
  return loadGeneric(w, t, n, -1, 0, offset, preIndex, true);
}

/**
 * Every load shape: address = Rn + (m ≥ 0 ? Rm << s : offset), or Rn itself for post-indexing;
 * optional writeback; Rt = 15 branches (LoadWritePC), Rt = 13 keeps SP aligned.
 */
function loadGeneric(w: Width, t: number, n: number, m: number, s: number, offset: number, preIndex: boolean, wback: boolean): Op {
  const post = wback && !preIndex;
  const op: Op = (cpu) => {
    const r = cpu.r;
    const base = r[n];
    const a = post ? base : (base + (m >= 0 ? r[m] << s : offset)) | 0;
    const value = t === 15 ? loadPc(cpu, a) : read(cpu, w, a);
    cpu.scheduler.cycles += LOAD_CYCLES;
    if (wback) r[n] = base + offset;
    if (t === 15) writePc(cpu, value);
    else r[t] = value;
  };
  return t === 13 || (wback && n === 13 && (offset & 3) !== 0) ? writingSp(op) : op;
}

/** STR<w> Rt, [Rn, #offset]! or STR<w> Rt, [Rn], #offset. */
export function storeIndexed(w: Width, t: number, n: number, offset: number, preIndex: boolean): Op {
  if (n < 13 && (w === 'W' || w === 'B')) {
    const pre = preIndex ? offset : 0;
    return w === 'W'
      ? (cpu) => {
          const r = cpu.r;
          const base = r[n];
          cpu.bus.write32(wordAddress(cpu, (base + pre) | 0), r[t]);
          r[n] = base + offset;
        }
      : (cpu) => {
          const r = cpu.r;
          const base = r[n];
          cpu.bus.write8((base + pre) | 0, r[t] & 0xff);
          r[n] = base + offset;
        };
  }
  const op: Op = (cpu) => {
    const r = cpu.r;
    const base = r[n];
    write(cpu, w, preIndex ? (base + offset) | 0 : base, r[t]);
    r[n] = base + offset;
  };
  return n === 13 && (offset & 3) !== 0 ? writingSp(op) : op;
}

/** LDR<w> Rt, [PC, #offset]: address = Align(PC, 4) + offset. */
export function loadLiteral(w: Width, t: number, offset: number): Op {
  if (w === 'W' && t < 13) {
    return (cpu) => {
      const a = (((cpu.pc + 4) & ~3) + offset) | 0;
      if ((a & 3) !== 0) checkUnaligned(cpu);
      cpu.r[t] = cpu.bus.read32(a);
      cpu.scheduler.cycles += LOAD_CYCLES;
    };
  }
  const op: Op = (cpu) => {
    const a = (((cpu.pc + 4) & ~3) + offset) | 0;
    const value = t === 15 ? loadPc(cpu, a) : read(cpu, w, a);
    cpu.scheduler.cycles += LOAD_CYCLES;
    if (t === 15) writePc(cpu, value);
    else cpu.r[t] = value;
  };
  return t === 13 ? writingSp(op) : op;
}

// ---- Dual (A7.7.50, A7.7.51, A7.7.163) -------------------------------------------------------

function checkWordAligned(address: number): void {
  if ((address & 3) !== 0) fault(CFSR.UNALIGNED);
}

/**
 * LDRD Rt, Rt2, [Rn, #±imm]{!} / [Rn], #±imm; with n = 15 the literal form [Align(PC,4) ± imm].
 * `index` = P, `wback` = W.
 */
export function loadDual(t: number, t2: number, n: number, offset: number, index: boolean, wback: boolean): Op {
  if (n === 15) {
    return (cpu) => {
      const a = ((cpu.pc + 4) & ~3) + offset;
      checkWordAligned(a);
      const lo = cpu.bus.read32(a);
      const hi = cpu.bus.read32(a + 4);
      cpu.r[t] = lo;
      cpu.r[t2] = hi;
      cpu.scheduler.cycles += 2 * LOAD_CYCLES;
    };
  }
  const op: Op = (cpu) => {
    const r = cpu.r;
    const base = r[n];
    const a = index ? (base + offset) | 0 : base;
    checkWordAligned(a);
    const lo = cpu.bus.read32(a);
    const hi = cpu.bus.read32(a + 4);
    if (wback) r[n] = base + offset;
    r[t] = lo;
    r[t2] = hi;
    cpu.scheduler.cycles += 2 * LOAD_CYCLES;
  };
  return wback && n === 13 ? writingSp(op) : op;
}

/** STRD Rt, Rt2, [Rn, #±imm]{!} / [Rn], #±imm. */
export function storeDual(t: number, t2: number, n: number, offset: number, index: boolean, wback: boolean): Op {
  const op: Op = (cpu) => {
    const r = cpu.r;
    const base = r[n];
    const a = index ? (base + offset) | 0 : base;
    checkWordAligned(a);
    cpu.bus.write32(a, r[t]);
    cpu.bus.write32(a + 4, r[t2]);
    if (wback) r[n] = base + offset;
    cpu.scheduler.cycles += LOAD_CYCLES;
  };
  return wback && n === 13 ? writingSp(op) : op;
}

// ---- Exclusive (A3.4, A7.7.52–54, A7.7.167–169) ----------------------------------------------

/** The address (unsigned) tagged by the local monitor: ExclusiveMonitorsPass compares it. */
function tag(address: number): number {
  return address >>> 0;
}

/** LDREX/LDREXH/LDREXB Rt, [Rn, #offset]: loads and marks the address exclusive. Always aligned. */
export function loadExclusive(size: 1 | 2 | 4, t: number, n: number, offset: number): Op {
  return (cpu) => {
    const a = (cpu.r[n] + offset) | 0;
    if ((a & (size - 1)) !== 0) fault(CFSR.UNALIGNED);
    const value = size === 4 ? cpu.bus.read32(a) : size === 2 ? cpu.bus.read16(a) : cpu.bus.read8(a);
    cpu.exclusiveAddress = tag(a);
    cpu.r[t] = value;
    cpu.scheduler.cycles += LOAD_CYCLES;
  };
}

/**
 * STREX/STREXH/STREXB Rd, Rt, [Rn, #offset]: stores only if the monitor holds this address
 * (then Rd = 0), else Rd = 1; the monitor is cleared either way. Alignment is checked first.
 */
export function storeExclusive(size: 1 | 2 | 4, d: number, t: number, n: number, offset: number): Op {
  return (cpu) => {
    const r = cpu.r;
    const a = (r[n] + offset) | 0;
    if ((a & (size - 1)) !== 0) fault(CFSR.UNALIGNED);
    if (cpu.exclusiveAddress === tag(a)) {
      if (size === 4) cpu.bus.write32(a, r[t]);
      else if (size === 2) cpu.bus.write16(a, r[t] & 0xffff);
      else cpu.bus.write8(a, r[t] & 0xff);
      cpu.exclusiveAddress = -1;
      r[d] = 0;
    } else {
      cpu.exclusiveAddress = -1;
      r[d] = 1;
    }
  };
}

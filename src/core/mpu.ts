/**
 * The memory protection unit (PMSAv7: ARM ARM DDI 0403E B3.5, PM0214 §4.2): its registers MPU_TYPE
 * (8 unified regions), MPU_CTRL, MPU_RNR, MPU_RBAR and MPU_RASR with their three aliases, and the
 * checks it makes on the core's accesses while MPU_CTRL.ENABLE is set.
 *
 * What an access may do (ValidateAddress, B3.5): the PPB always uses the default memory map; so does
 * everything while HFNMIENA = 0 and the core runs at priority < 0 (HardFault, NMI, FAULTMASK). Otherwise
 * the highest-numbered enabled region holding the address, in a subregion SRD leaves enabled, gives
 * the permissions (AP for privileged and unprivileged reads and writes; a fetch needs read permission
 * and XN = 0; the System space 0xE000_0000+ never executes); with no region, privileged accesses get
 * the default map when PRIVDEFENA is set and everything else faults. A forbidden data access is a
 * MemManage DACCVIOL (MMFAR = the address), a forbidden fetch IACCVIOL; the exception unit makes
 * MSTKERR, MUNSTKERR and MLSPERR of what stacking, unstacking and lazy FP stacking hit.
 *
 * Cost: nothing while the MPU is off. While it enforces, the bus's fast path uses page tables made
 * here, one set per privilege level: a 4 KB page keeps its fast-path entry for reads, writes or fetches
 * only if the whole page allows that access; every other access reaches the bus's slow path, where
 * the guard of the current privilege checks it. The core tells the MPU whenever privilege or the
 * execution priority may have changed (`CortexM4.updateMemoryView`); the tables are rebuilt lazily
 * after a register write or a change of the bus's map. They are installed only while the core runs
 * (`startRun`/`stopRun`): debugger, loader and semihosting accesses are not the core's and are not
 * checked.
 *
 * UNPREDICTABLE cases, as QEMU's model does: a region with SIZE < 4 matches nothing; AP = 100 allows
 * nothing. A base address not aligned to the region size has its low bits ignored.
 */
import { PAGE_SHIFT, type AccessGuard, type AccessSize } from '../bus/bus.js';
import { type AddressSpaceRange, CORE_BLOCKS, addressSpaceAt, region as regionNamed } from '../device/stm32f407.js';
import type { CortexM4 } from './cpu.js';
import { EXC } from './exceptions.js';
import { CFSR, fault } from './faults.js';
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
/** MPU_CTRL bits (PM0214 §4.2.2). */
export const MPU_CTRL = { ENABLE: 1 << 0, HFNMIENA: 1 << 1, PRIVDEFENA: 1 << 2 } as const;
const CTRL_WRITABLE = 0x7;
const RBAR_ADDR = 0xffff_ffe0;
const RBAR_VALID = 1 << 4;
/** RASR: XN b28, AP [26:24], TEX [21:19], S C B [18:16], SRD [15:8], SIZE [5:1], ENABLE b0. */
const RASR_WRITABLE = 0x173f_ff3f;

/** Permission bits an access needs: read, write, execute (instruction fetch). */
export const PERM = { R: 1, W: 2, X: 4 } as const;
const R = PERM.R;
const W = PERM.W;
const X = PERM.X;
const RW = R | W;
/** AP[2:0] → privileged and unprivileged read/write permission (PM0214 §4.2.9 Table 41; 100 is reserved). */
const AP_PRIVILEGED = [0, RW, RW, RW, 0, R, R, R];
const AP_UNPRIVILEGED = [0, 0, R, RW, 0, 0, R, R];

const PAGE_BYTES = 1 << PAGE_SHIFT;
const PAGES = 1 << (32 - PAGE_SHIFT);

/** Fast-path tables for one privilege level: `rd`/`wr`/`ex` of the bus, restricted to pages the MPU allows wholly. */
class PageTables {
  readonly rd = new Int32Array(PAGES).fill(-1);
  readonly wr = new Int32Array(PAGES).fill(-1);
  readonly ex = new Int32Array(PAGES).fill(-1);
  stale = true;
}

/** Checks what reaches the bus's slow path, for one privilege level. */
class MpuGuard implements AccessGuard {
  constructor(
    private readonly mpu: Mpu,
    readonly privileged: boolean,
  ) {}
  check(address: number, size: AccessSize, write: boolean): void {
    this.mpu.checkData(address, size, write, this.privileged);
  }
}

export class Mpu implements RegisterBlock {
  private ctrl = 0;
  private rnr = 0;
  private readonly base = new Uint32Array(REGIONS);
  private readonly attributes = new Uint32Array(REGIONS);

  // Each region decoded from RBAR/RASR (decode()).
  private readonly regionOn = new Uint8Array(REGIONS);
  private readonly regionBase = new Int32Array(REGIONS);
  /** Address bits that must equal the base's: -1 << log2(size), 0 for 4 GB. */
  private readonly regionMask = new Int32Array(REGIONS);
  private readonly regionLog2 = new Uint8Array(REGIONS);
  /** SRD, or 0 for regions under 256 bytes (no subregions). */
  private readonly subregionsOff = new Uint8Array(REGIONS);
  private readonly subregionShift = new Uint8Array(REGIONS);
  private readonly privilegedPerm = new Uint8Array(REGIONS);
  private readonly unprivilegedPerm = new Uint8Array(REGIONS);

  /** True while the core runs with MPU_CTRL.ENABLE set: the core must call `select()` on privilege changes. */
  live = false;
  private running = false;
  /** Page tables by privilege (0 unprivileged, 1 privileged), made at the first enable. */
  private tables: [PageTables, PageTables] | null = null;
  /** The tables installed on the bus, or null (the bus uses its map). */
  private installed: PageTables | null = null;
  private readonly guards: readonly [MpuGuard, MpuGuard];
  /** Pages the bus can map to memory (backed regions and the boot alias): the only ones tables need. */
  private candidatePages: Int32Array | null = null;
  private readonly addressSpace: readonly AddressSpaceRange[];

  constructor(private readonly cpu: CortexM4) {
    cpu.mpu = this;
    this.guards = [new MpuGuard(this, false), new MpuGuard(this, true)];
    this.addressSpace = cpu.bus.device.addressSpace;
  }

  reset(): void {
    this.ctrl = 0;
    this.rnr = 0;
    this.base.fill(0);
    this.attributes.fill(0);
    for (let r = 0; r < REGIONS; r++) this.decode(r);
    this.changed();
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
      case CTRL: this.ctrl = merge(this.ctrl, value, mask) & CTRL_WRITABLE; break;
      case RNR: this.rnr = merge(this.rnr, value, mask) & 0xff; return;
      default:
        if (offset < RBAR || offset >= ALIASES_END) return;
        if ((offset - RBAR) % 8 === 0) this.writeRbar(merge(this.base[this.region] | this.region, value, mask));
        else this.attributes[this.region] = merge(this.attributes[this.region], value, mask) & RASR_WRITABLE;
        this.decode(this.region);
    }
    this.changed();
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

  /** Precomputes region r's match and permissions from its RBAR and RASR. */
  private decode(r: number): void {
    const rasr = this.attributes[r];
    const sizeField = (rasr >>> 1) & 0x1f;
    const log2 = sizeField + 1;
    const mask = log2 >= 32 ? 0 : -1 << log2;
    this.regionOn[r] = (rasr & 1) !== 0 && sizeField >= 4 ? 1 : 0;
    this.regionLog2[r] = log2;
    this.regionMask[r] = mask;
    this.regionBase[r] = this.base[r] & mask;
    this.subregionsOff[r] = log2 >= 8 ? (rasr >>> 8) & 0xff : 0;
    this.subregionShift[r] = log2 >= 8 ? log2 - 3 : 0;
    const ap = (rasr >>> 24) & 7;
    const xn = (rasr >>> 28) & 1;
    const exec = (p: number): number => ((p & R) !== 0 && xn === 0 ? p | X : p);
    this.privilegedPerm[r] = exec(AP_PRIVILEGED[ap]);
    this.unprivilegedPerm[r] = exec(AP_UNPRIVILEGED[ap]);
  }

  // ---- Permissions (ARM ARM B3.5 ValidateAddress) ---------------------------------------------

  private spaceAt(address: number): AddressSpaceRange {
    const a = address >>> 0;
    for (const s of this.addressSpace) if (a - s.start < s.size && a >= s.start) return s;
    return addressSpaceAt(this.cpu.bus.device, a);
  }

  /** The default map's permissions: everything but fetches from execute-never space. */
  private static defaultPerm(space: AddressSpaceRange): number {
    return space.executeNever ? RW : RW | X;
  }

  /** The highest-numbered enabled region whose enabled part holds `address`, or -1. */
  regionAt(address: number): number {
    const a = address | 0;
    for (let r = REGIONS - 1; r >= 0; r--) {
      if (this.regionOn[r] === 0 || ((a ^ this.regionBase[r]) & this.regionMask[r]) !== 0) continue;
      if (((this.subregionsOff[r] >> ((a >>> this.subregionShift[r]) & 7)) & 1) !== 0) continue;
      return r;
    }
    return -1;
  }

  /** PERM bits an access at `address` has while the MPU enforces. */
  permissions(address: number, privileged: boolean): number {
    const space = this.spaceAt(address);
    if (space.mpuExempt) return Mpu.defaultPerm(space);
    const r = this.regionAt(address);
    if (r >= 0) {
      const p = privileged ? this.privilegedPerm[r] : this.unprivilegedPerm[r];
      return space.alwaysExecuteNever ? p & ~X : p;
    }
    return privileged && (this.ctrl & MPU_CTRL.PRIVDEFENA) !== 0 ? Mpu.defaultPerm(space) : 0;
  }

  /** A data access of `size` bytes: DACCVIOL at the first byte not allowed (regions are ≥ 32-byte aligned). */
  checkData(address: number, size: number, write: boolean, privileged: boolean): void {
    const need = write ? W : R;
    if ((this.permissions(address, privileged) & need) === 0) fault(CFSR.DACCVIOL, address >>> 0);
    const last = (address + size - 1) | 0;
    if (((address ^ last) & ~31) !== 0 && (this.permissions(last, privileged) & need) === 0) fault(CFSR.DACCVIOL, (last & ~31) >>> 0);
  }

  /** An instruction fetch of the core (while the bus has a guard): IACCVIOL unless allowed. */
  checkFetch(address: number): void {
    if ((this.permissions(address, this.cpu.privileged) & X) === 0) fault(CFSR.IACCVIOL);
  }

  /** LDRT/STRT and the other T forms: checked as unprivileged whatever the mode (ARM ARM A7.7 "unprivileged"). */
  checkUnprivileged(address: number, size: number, write: boolean): void {
    if (this.cpu.bus.guard !== null) this.checkData(address, size, write, false);
  }

  // ---- Which checks apply now ------------------------------------------------------------------

  /** The MPU is on for the core's accesses now: ENABLE, unless HFNMIENA = 0 at priority < 0 (HardFault, NMI, FAULTMASK). */
  private enforcing(): boolean {
    if ((this.ctrl & MPU_CTRL.ENABLE) === 0) return false;
    if ((this.ctrl & MPU_CTRL.HFNMIENA) !== 0) return true;
    const exc = this.cpu.exc;
    return (exc.active[EXC.HardFault] | exc.active[EXC.NMI] | this.cpu.faultmask) === 0;
  }

  /** The core starts running: its accesses are checked from now on. */
  startRun(): void {
    this.running = true;
    this.changed();
  }

  /** The core stopped: the bus goes back to its map, unchecked (tables are rebuilt next time: the map may change meanwhile). */
  stopRun(): void {
    this.running = false;
    this.live = false;
    this.uninstall();
    if (this.tables !== null) for (const t of this.tables) t.stale = true;
  }

  /** The bus's map changed (the flash interface, the boot alias): tables are made again. */
  mapChanged(): void {
    if (this.tables === null) return;
    for (const t of this.tables) t.stale = true;
    if (this.installed !== null) {
      this.installed = null;
      this.select();
    }
  }

  /** After a register write or reset: tables are made again, and the bus told. */
  private changed(): void {
    this.live = this.running && (this.ctrl & MPU_CTRL.ENABLE) !== 0;
    if (this.tables !== null) for (const t of this.tables) t.stale = true;
    this.installed = null;
    if (this.running) this.select();
  }

  /**
   * Installs on the bus what applies to the core's accesses now (privilege, HFNMIENA and priority,
   * ENABLE). Asks the core's run loop to look again when it changed (it keeps the fetch table in a local).
   */
  select(): void {
    if (!this.running) return;
    if (!this.enforcing()) return this.uninstall();
    this.selectFor(this.cpu.privileged);
  }

  /** Installs the view of one privilege level (unstacking to unprivileged thread mode, lazy FP stacking). */
  selectFor(privileged: boolean): void {
    if (!this.running || !this.enforcing()) return this.uninstall();
    const level = privileged ? 1 : 0;
    this.tables ??= [new PageTables(), new PageTables()];
    const t = this.tables[level];
    if (t.stale) this.build(t, privileged);
    const bus = this.cpu.bus;
    const guard = this.guards[level];
    if (this.installed === t && bus.guard === guard) return;
    this.installed = t;
    bus.useTables(t.rd, t.wr, t.ex, guard);
    this.cpu.attention();
  }

  private uninstall(): void {
    const bus = this.cpu.bus;
    if (this.installed === null && bus.guard === null && bus.fastRd === bus.rd) return;
    this.installed = null;
    bus.useMap();
    this.cpu.attention();
  }

  // ---- Page tables ------------------------------------------------------------------------------

  /** Fills `t` from the bus's map: a page keeps its entry for an access only if the MPU allows it on the whole page. */
  private build(t: PageTables, privileged: boolean): void {
    const bus = this.cpu.bus;
    const pages = (this.candidatePages ??= this.findCandidatePages());
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i];
      const perm = this.pagePermissions(p, privileged);
      t.rd[p] = (perm & R) !== 0 ? bus.rd[p] : -1;
      t.wr[p] = (perm & W) !== 0 ? bus.wr[p] : -1;
      t.ex[p] = (perm & X) !== 0 ? bus.ex[p] : -1;
    }
    t.stale = false;
  }

  /**
   * PERM bits that hold for every byte of a page, or 0 when they differ inside it (a region or
   * subregion boundary in the page: its accesses take the checked slow path).
   */
  private pagePermissions(page: number, privileged: boolean): number {
    const start = (page << PAGE_SHIFT) | 0;
    const space = this.spaceAt(start);
    for (let r = REGIONS - 1; r >= 0; r--) {
      if (this.regionOn[r] === 0) continue;
      if (this.regionLog2[r] < PAGE_SHIFT) {
        if (((start ^ this.regionBase[r]) & ~(PAGE_BYTES - 1)) === 0) return 0; // a small region inside the page
        continue;
      }
      if (((start ^ this.regionBase[r]) & this.regionMask[r]) !== 0) continue;
      const off = this.subregionsOff[r];
      if (off !== 0) {
        const shift = this.subregionShift[r];
        const count = shift >= PAGE_SHIFT ? 1 : 1 << (PAGE_SHIFT - shift);
        const bits = (off >> ((start >>> shift) & 7)) & ((1 << count) - 1);
        if (bits === (1 << count) - 1) continue; // the page lies in disabled subregions: lower regions decide
        if (bits !== 0) return 0;
      }
      const p = privileged ? this.privilegedPerm[r] : this.unprivilegedPerm[r];
      return space.alwaysExecuteNever ? p & ~X : p;
    }
    return privileged && (this.ctrl & MPU_CTRL.PRIVDEFENA) !== 0 ? Mpu.defaultPerm(space) : 0;
  }

  /** Every page of the backed regions and of the boot alias: no other page is ever on the bus's fast path. */
  private findCandidatePages(): Int32Array {
    const bus = this.cpu.bus;
    const pages = new Set<number>();
    const add = (start: number, size: number): void => {
      for (let p = start >>> PAGE_SHIFT; p <= (start + size - 1) >>> PAGE_SHIFT; p++) pages.add(p);
    };
    for (const b of bus.backing.values()) add(b.region.start, b.region.size);
    const alias = regionNamed(bus.device, 'alias');
    add(alias.start, alias.size);
    return Int32Array.from([...pages].sort((a, b) => a - b));
  }
}

/**
 * The embedded flash memory interface (RM0090 §3, registers §3.9; PM0081): FLASH_ACR, KEYR, OPTKEYR,
 * SR, CR and OPTCR at 0x4002_3C00, and the only path by which flash, OTP and the option bytes change.
 *
 * - Unlock: KEY1 then KEY2 to KEYR clears CR.LOCK; OPTKEY1 then OPTKEY2 to OPTKEYR clears OPTCR.OPTLOCK.
 *   A wrong key, a key out of order, a key written while already unlocked, or a sub-word access to a key
 *   register locks the register until the next reset and answers with a bus error (§3.6.1, §3.7.2; the
 *   last two cases are inferred from ST's HAL, which never writes keys to an unlocked register).
 * - Erase: CR.SER + SNB or CR.MER, then CR.STRT. Erased bytes read 0xFF. MER and SER both set: RM0090
 *   §3.6.3 says a mass erase is performed while §3.7.4 lists it as a WRPERR case; f4emu performs the mass
 *   erase (the operational section). STRT with neither bit: nothing happens, no flag (§3.6.3).
 * - Program: CR.PG, then a store of the PSIZE width to flash or OTP. The new value is ANDed into the old
 *   one (bits only go 1 → 0; §3.6.4 note). x64 (PSIZE = 11) takes two word stores to the two halves of a
 *   double word, the first at an 8-byte-aligned address (inferred: the CPU has no 64-bit store).
 * - Option bytes: write OPTCR's fields, then OPTSTRT; nWRP and RDP are in force when it completes.
 *   RDP 1 → 0 mass-erases flash and backup SRAM first; at RDP level 2 the option bytes are frozen (an
 *   OPTSTRT then sets WRPERR and changes nothing — the flag is inferred).
 * - Errors (SR, §3.9.5) are set when the request is made, and the request is dropped: PGSERR (store
 *   without PG or while locked), PGPERR (width ≠ PSIZE, or a misaligned access the bus would split),
 *   PGAERR (access crossing a 128-bit row), WRPERR (write-protected sector, RDP restriction, locked OTP
 *   block, SNB beyond the last sector, a program of system memory, option bytes or the ID words). OPERR is
 *   set with any of them when ERRIE = 1; EOP is set at the end of an operation only when EOPIE = 1. The
 *   FLASH interrupt is (EOPIE ∧ EOP) ∨ (ERRIE ∧ OPERR).
 * - Timing and stalls: see timing.ts. While BSY the flash pages leave the bus fast path so that any read,
 *   fetch or store of them finds this interface and waits for the end of the operation first.
 * - RDP level ≥ 1 with a debugger attached since the last power-on reset, or after booting from system
 *   memory or SRAM: main flash, OTP and backup SRAM cannot be read (bus error, fetch too), programmed or
 *   erased (WRPERR) (§3.7.3, Table 18). At level 2 the boot pins are ignored (flash boot) and no debugger
 *   may attach (`debugPortEnabled`).
 * - Every completed operation goes to `sink` (the NV store) before BSY clears; the store writes it to
 *   the file and makes it durable before anything leaves the emulator (group commit,
 *   src/host/output-barrier.ts).
 * - Option bytes are reloaded into OPTCR at every reset; WDG_SW takes effect at reset (`wdgSw`).
 */
import { type AccessSize, type Bus, type MemoryHandler, PAGE_SHIFT, PAGE_SIZE, busError } from '../bus/bus.js';
import { type BootMode, type DeviceDescription, type FlashSector, type PeripheralBlock, IRQ, region, regionAt, sectorAt } from '../device/stm32f407.js';
import { hex32 } from '../errors.js';
import type { Machine, PeripheralFactory } from '../machine.js';
import type { NvChange, NvSink } from '../nvstate/change.js';
import { Peripheral, type PeripheralContext } from '../peripherals/peripheral.js';
import type { ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import {
  type OptionBytes,
  type RdpLevel,
  OPTCR,
  OPTCR_OPTION_BITS,
  decodeOptionBytes,
  encodeOptionBytes,
  factoryOptionBytes,
  optcrFromOptionBytes,
  optionBytesFromOptcr,
  protectedSectors,
  rdpLevel,
} from './option-bytes.js';
import { isOtpBlockLocked, otpBlockOf } from './otp.js';
import { ERASED } from './sectors.js';
import { type Psize, PROGRAM_NS, POLL_QUANTUM_NS, PSIZE_BYTES, massEraseNs, optionProgramNs, requiredWaitStates, sectorEraseNs } from './timing.js';

/** Register offsets (RM0090 §3.9.10). */
export const FLASH_REG = { ACR: 0x00, KEYR: 0x04, OPTKEYR: 0x08, SR: 0x0c, CR: 0x10, OPTCR: 0x14 } as const;

/** Unlock keys (RM0090 §3.9.3, §3.9.4). */
export const FLASH_KEY1 = 0x4567_0123;
export const FLASH_KEY2 = 0xcdef_89ab;
export const FLASH_OPTKEY1 = 0x0819_2a3b;
export const FLASH_OPTKEY2 = 0x4c5d_6e7f;

/** FLASH_ACR bits (RM0090 §3.9.1). */
export const ACR = { LATENCY: 0x7, PRFTEN: 1 << 8, ICEN: 1 << 9, DCEN: 1 << 10, ICRST: 1 << 11, DCRST: 1 << 12 } as const;

/** FLASH_SR bits (RM0090 §3.9.5). ERRORS = the four program/erase error flags pyOCD and HAL clear with 0xF0. */
export const SR = {
  EOP: 1 << 0,
  OPERR: 1 << 1,
  WRPERR: 1 << 4,
  PGAERR: 1 << 5,
  PGPERR: 1 << 6,
  PGSERR: 1 << 7,
  BSY: 1 << 16,
  ERRORS: 0xf0,
} as const;

/** FLASH_CR bits (RM0090 §3.9.7). */
export const CR = {
  PG: 1 << 0,
  SER: 1 << 1,
  MER: 1 << 2,
  SNB_SHIFT: 3,
  SNB_MASK: 0xf << 3,
  PSIZE_SHIFT: 8,
  PSIZE_MASK: 3 << 8,
  STRT: 1 << 16,
  EOPIE: 1 << 24,
  ERRIE: 1 << 25,
  LOCK: 1 << 31,
} as const;

const ACR_WRITABLE = ACR.LATENCY | ACR.PRFTEN | ACR.ICEN | ACR.DCEN | ACR.ICRST | ACR.DCRST;
const SR_W1C = SR.EOP | SR.OPERR | SR.ERRORS;
const CR_FIELDS = CR.PG | CR.SER | CR.MER | CR.SNB_MASK | CR.PSIZE_MASK | CR.EOPIE | CR.ERRIE;
const ERROR_NAMES: ReadonlyArray<[number, string]> = [
  [SR.WRPERR, 'WRPERR'],
  [SR.PGAERR, 'PGAERR'],
  [SR.PGPERR, 'PGPERR'],
  [SR.PGSERR, 'PGSERR'],
];
/** A program access may not cross a 128-bit row (RM0090 §3.6.4). */
const ROW_BYTES = 16;

type Operation =
  | { readonly kind: 'program'; readonly section: 'flash' | 'otp' | 'otp-lock'; readonly offset: number; readonly data: Uint8Array }
  | { readonly kind: 'sector-erase'; readonly sector: FlashSector }
  | { readonly kind: 'mass-erase' }
  | { readonly kind: 'option-bytes'; readonly ob: OptionBytes; readonly regression: boolean };

type PlaceName = 'flash' | 'otp' | 'otp-lock' | 'option-bytes' | 'bkpsram';

/** Where a bus region lives in `bus.mem`. */
interface Place {
  readonly start: number;
  readonly size: number;
  readonly offset: number;
}

export class FlashInterface extends Peripheral {
  /** Where completed operations are made durable (the NV store); null: nothing persists. */
  sink: NvSink | null = null;

  private readonly bus: Bus;
  private readonly device: DeviceDescription;
  private readonly alarm: Alarm;
  private readonly places: Record<PlaceName, Place>;

  private acr = 0;
  private sr = 0;
  private cr: number = CR.LOCK;
  private optcr = 0;
  private readonly crKeys = new KeySequence(FLASH_KEY1, FLASH_KEY2);
  private readonly optKeys = new KeySequence(FLASH_OPTKEY1, FLASH_OPTKEY2);
  private op: Operation | null = null;
  /** PSIZE x64: the first word of a double word, waiting for the second. */
  private x64Low: { address: number; value: number } | null = null;

  /** The option bytes in force (as last programmed / loaded at reset). */
  private ob: OptionBytes;
  private level: RdpLevel = 0;
  private wdgSwAtReset = true;
  private attached = false;
  /** A debugger has been attached since the last power-on reset (RM0090 §3.7.3 note). */
  private intrusion = false;
  private bootLatched: BootMode = 'flash';
  private flashUnmapped = false;
  /** Offset in `bus.mem` of each 4 KB page of main flash (its fast-path page-table entry). */
  private readonly flashPages: Int32Array;
  /** Whole pages of the boot alias (those that can show flash pages). */
  private readonly aliasPages: number;
  private latencyWarning = '';

  constructor(block: PeripheralBlock, ctx: PeripheralContext, bus: Bus) {
    super(block, ctx);
    this.bus = bus;
    this.device = bus.device;
    this.alarm = ctx.scheduler.createAlarm('flash operation', () => this.complete());
    const place = (name: string): Place => {
      const r = region(this.device, name);
      return { start: r.start, size: r.size, offset: bus.offsetOf(name) };
    };
    this.places = { flash: place('flash'), otp: place('otp'), 'otp-lock': place('otp-lock'), 'option-bytes': place('option-bytes'), bkpsram: place('bkpsram') };
    const flash = this.places.flash;
    this.flashPages = Int32Array.from({ length: flash.size / PAGE_SIZE }, (_, i) => flash.offset + i * PAGE_SIZE);
    this.aliasPages = Math.floor(region(this.device, 'alias').size / PAGE_SIZE);
    this.ob = factoryOptionBytes(this.device);
    this.fillFactoryContents();
    this.mapPorts();
    ctx.scheduler.frequencyListeners.push(() => this.checkLatency());
    this.reset('power-on');
  }

  // ---- State for other parts of f4emu ------------------------------------------------------------

  /** An operation is in progress (SR.BSY). */
  get busy(): boolean {
    return this.op !== null;
  }

  /** The option bytes in force. */
  get optionBytes(): OptionBytes {
    return this.ob;
  }

  get rdpLevel(): RdpLevel {
    return this.level;
  }

  /** WDG_SW as loaded at the last reset (the IWDG starts by hardware at reset when false). */
  get wdgSw(): boolean {
    return this.wdgSwAtReset;
  }

  /** RDP level 2 disables the debug port: the GDB stub must refuse to attach. */
  get debugPortEnabled(): boolean {
    return this.level < 2;
  }

  /**
   * Set by the GDB stub while a debugger is connected. Attaching latches an "intrusion" that only a
   * power-on reset without a debugger clears; at RDP level ≥ 1 it blocks flash, OTP and backup SRAM.
   * Ignored at RDP level 2 (no debug port).
   */
  get debuggerAttached(): boolean {
    return this.attached;
  }

  set debuggerAttached(value: boolean) {
    if (value && !this.debugPortEnabled) return;
    this.attached = value;
    if (value) this.intrusion = true;
    this.updateMapping();
  }

  /** Flash, OTP and backup SRAM are out of reach (RDP ≥ 1 with a debugger seen or a non-flash boot). */
  get accessRestricted(): boolean {
    return this.level >= 1 && (this.intrusion || this.bootLatched !== 'flash');
  }

  /** Re-reads the option bytes from memory (after the NV store replaced it) as a reset would. */
  reloadOptionBytes(): void {
    this.loadOptionBytes();
    this.updateMapping();
  }

  // ---- Registers ---------------------------------------------------------------------------------

  override write(address: number, value: number, size: AccessSize): void {
    const offset = ((address >>> 0) - this.base) & ~3;
    if (size !== 4 && (offset === FLASH_REG.KEYR || offset === FLASH_REG.OPTKEYR)) {
      // Key registers are word-access only (§3.9.3–3.9.4): anything else breaks the key sequence.
      return this.writeKey(offset === FLASH_REG.KEYR ? 'KEYR' : 'OPTKEYR', null, address);
    }
    // CR/OPTCR writes stall while BSY; finish first so a sub-word merge does not see STRT/OPTSTRT still set.
    if (this.op && (offset === FLASH_REG.CR || offset === FLASH_REG.OPTCR)) this.finishNow();
    super.write(address, value, size);
  }

  readRegister(offset: number): number {
    if (offset === FLASH_REG.SR) {
      const value = this.sr;
      if (this.op) this.pollWhileBusy();
      return value;
    }
    return this.peekRegister(offset);
  }

  protected override peekRegister(offset: number): number {
    switch (offset) {
      case FLASH_REG.ACR:
        return this.acr;
      case FLASH_REG.SR:
        return this.sr;
      case FLASH_REG.CR:
        return this.cr >>> 0;
      case FLASH_REG.OPTCR:
        return this.optcr;
      default:
        return 0; // KEYR/OPTKEYR are write-only; the rest of the block is reserved
    }
  }

  writeRegister(offset: number, value: number): void {
    switch (offset) {
      case FLASH_REG.ACR:
        return this.writeAcr(value);
      case FLASH_REG.KEYR:
        return this.writeKey('KEYR', value, this.base + offset);
      case FLASH_REG.OPTKEYR:
        return this.writeKey('OPTKEYR', value, this.base + offset);
      case FLASH_REG.SR:
        this.sr &= ~(value & SR_W1C);
        return this.updateIrq();
      case FLASH_REG.CR:
        return this.writeCr(value);
      case FLASH_REG.OPTCR:
        return this.writeOptcr(value);
      default:
        return; // reserved: ignored
    }
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    // A reset during an operation aborts it; silicon leaves the target undefined, f4emu leaves it unchanged.
    if (this.op) this.alarm.cancel();
    this.op = null;
    this.acr = 0;
    this.sr = 0;
    this.cr = CR.LOCK;
    this.crKeys.reset();
    this.optKeys.reset();
    this.x64Low = null;
    if (kind === 'power-on') this.intrusion = this.attached;
    this.loadOptionBytes();
    // RDP level 2 ignores the boot pins: the chip boots from flash (§3.7.3).
    if (this.level === 2 && this.bus.boot !== 'flash') this.bus.setBootMode('flash');
    this.bootLatched = this.bus.boot;
    this.updateMapping();
    this.updateIrq();
  }

  private get psize(): Psize {
    return ((this.cr & CR.PSIZE_MASK) >>> CR.PSIZE_SHIFT) as Psize;
  }

  private writeAcr(value: number): void {
    let next = value & ACR_WRITABLE;
    // ICRST/DCRST can be written only while the matching cache is disabled (§3.9.1).
    if (this.acr & ACR.ICEN) next = (next & ~ACR.ICRST) | (this.acr & ACR.ICRST);
    if (this.acr & ACR.DCEN) next = (next & ~ACR.DCRST) | (this.acr & ACR.DCRST);
    this.acr = next;
    this.checkLatency();
  }

  /** A write to KEYR or OPTKEYR (`value` null: a sub-word access, which breaks the sequence). */
  private writeKey(register: 'KEYR' | 'OPTKEYR', value: number | null, address: number): void {
    const cr = register === 'KEYR';
    const locked = cr ? (this.cr & CR.LOCK) !== 0 : (this.optcr & OPTCR.OPTLOCK) !== 0;
    const result = (cr ? this.crKeys : this.optKeys).feed(value, locked);
    if (result === 'next') return;
    const lockBit = cr ? CR.LOCK : OPTCR.OPTLOCK;
    const set = (v: number) => (result === 'unlock' ? v & ~lockBit : v | lockBit) >>> 0;
    if (cr) this.cr = set(this.cr);
    else this.optcr = set(this.optcr);
    if (result === 'wrong') {
      this.ctx.log('flash', `wrong FLASH_${register} sequence: FLASH_${cr ? 'CR' : 'OPTCR'} locked until reset, bus error at ${hex32(address)}`);
      busError(address, true);
    }
  }

  private writeCr(value: number): void {
    if (this.op) this.finishNow(); // a CR write while BSY stalls until BSY clears (§3.6.1 note)
    if (this.cr & CR.LOCK) return; // locked: writes ignored; LOCK clears only by the key sequence
    const oldPsize = this.psize;
    this.cr = ((value & CR_FIELDS) | (value & CR.LOCK)) >>> 0;
    if (this.psize !== oldPsize || !(this.cr & CR.PG)) this.x64Low = null;
    if (value & CR.STRT) this.startErase();
  }

  private writeOptcr(value: number): void {
    if (this.op) this.finishNow(); // inferred: OPTCR sits behind the same busy interface as CR
    if (this.optcr & OPTCR.OPTLOCK) return;
    this.optcr = ((value & OPTCR_OPTION_BITS) | (value & OPTCR.OPTLOCK)) >>> 0;
    if (value & OPTCR.OPTSTRT) this.startOptionProgramming();
  }

  // ---- Operations --------------------------------------------------------------------------------

  private startErase(): void {
    if (this.cr & CR.MER) {
      const locked = protectedSectors(this.ob, this.device.flashSectors.length);
      if (this.accessRestricted) return this.fail(SR.WRPERR, `mass erase refused: ${this.restrictionReason()}`);
      if (locked.length > 0) return this.fail(SR.WRPERR, `mass erase refused: sector(s) ${locked.join(', ')} write-protected`);
      return this.start({ kind: 'mass-erase' }, massEraseNs(this.psize), CR.STRT);
    }
    if (this.cr & CR.SER) {
      const snb = (this.cr & CR.SNB_MASK) >>> CR.SNB_SHIFT;
      const sector = this.device.flashSectors[snb];
      if (!sector) return this.fail(SR.WRPERR, `sector erase refused: SNB = ${snb}, the ${this.device.name} has sectors 0–${this.device.flashSectors.length - 1}`);
      const why = this.flashRefusal(snb);
      if (why) return this.fail(SR.WRPERR, `erase of sector ${snb} refused: ${why}`);
      return this.start({ kind: 'sector-erase', sector }, sectorEraseNs(sector.size, this.psize), CR.STRT);
    }
    // STRT without SER or MER: "unpredictable … without generating any error flag" (§3.6.3): nothing.
  }

  private startOptionProgramming(): void {
    if (this.level === 2) return this.fail(SR.WRPERR, 'option bytes are frozen at RDP level 2');
    const next = optionBytesFromOptcr(this.optcr);
    const regression = this.level === 1 && rdpLevel(next.rdp) === 0;
    this.start({ kind: 'option-bytes', ob: next, regression }, optionProgramNs(this.psize, regression), 0);
    this.optcr |= OPTCR.OPTSTRT;
  }

  /** A store to flash, OTP or another non-volatile region (from the bus ports). */
  store(address: number, value: number, size: AccessSize): void {
    if (this.op) this.finishNow(); // the store waits for BSY to clear
    const a = address >>> 0;
    if (this.cr & CR.LOCK) return this.fail(SR.PGSERR, `store to ${hex32(a)} while FLASH_CR is locked`);
    if (!(this.cr & CR.PG)) return this.fail(SR.PGSERR, `store to ${hex32(a)} without FLASH_CR.PG`);
    const r = regionAt(this.device, a);
    const section = r?.name === 'flash' || r?.name === 'otp' || r?.name === 'otp-lock' ? r.name : null;
    if (!section || !r) return this.fail(SR.WRPERR, `program of ${hex32(a)} refused: ${r ? r.description : 'reserved'} cannot be programmed`);
    let start = a;
    let data: Uint8Array;
    if (this.psize === 3) {
      const pair = this.pairDoubleWord(a, value, size);
      if (!pair) return;
      start = pair.address;
      data = pair.data;
    } else {
      const width = PSIZE_BYTES[this.psize];
      const crossesRow = (a % ROW_BYTES) + size > ROW_BYTES;
      const flags = (crossesRow ? SR.PGAERR : 0) | (size !== width || (!crossesRow && a % size !== 0) ? SR.PGPERR : 0);
      if (flags) return this.fail(flags, `${size * 8}-bit store to ${hex32(a)} with PSIZE x${width * 8}`);
      data = littleEndian(value, size);
    }
    const offset = start - r.start;
    const why = section === 'flash' ? this.flashRefusal(sectorAt(this.device, start)!.index) : this.otpRefusal(section, offset);
    if (why) return this.fail(SR.WRPERR, `program of ${hex32(start)} refused: ${why}`);
    this.start({ kind: 'program', section, offset, data }, PROGRAM_NS, 0);
  }

  /** PSIZE x64: latches the low word, programs on the high word. Returns the double word when complete. */
  private pairDoubleWord(a: number, value: number, size: AccessSize): { address: number; data: Uint8Array } | null {
    const low = this.x64Low;
    this.x64Low = null;
    if (size !== 4) {
      this.fail(SR.PGPERR, `${size * 8}-bit store to ${hex32(a)} with PSIZE x64`);
      return null;
    }
    if (!low) {
      if (a % 8 !== 0) this.fail(SR.PGAERR, `x64 program must start at a double-word boundary, not ${hex32(a)}`);
      else this.x64Low = { address: a, value };
      return null;
    }
    if (a !== low.address + 4) {
      this.fail(SR.PGPERR, `x64 program: second word at ${hex32(a)}, expected ${hex32(low.address + 4)}`);
      return null;
    }
    const data = new Uint8Array(8);
    data.set(littleEndian(low.value, 4), 0);
    data.set(littleEndian(value, 4), 4);
    return { address: low.address, data };
  }

  /** Why erasing/programming this sector is refused now, or '' when allowed. */
  private flashRefusal(sector: number): string {
    if (this.accessRestricted) return this.restrictionReason();
    if ((this.ob.nWrp & (1 << sector)) === 0) return `sector ${sector} is write-protected (nWRP${sector} = 0)`;
    return '';
  }

  private otpRefusal(section: 'otp' | 'otp-lock', offset: number): string {
    if (this.accessRestricted) return this.restrictionReason();
    if (section === 'otp') {
      const block = otpBlockOf(offset);
      if (isOtpBlockLocked(this.view('otp-lock'), block)) return `OTP block ${block} is locked`;
    }
    return '';
  }

  private restrictionReason(): string {
    const why = this.intrusion ? 'a debugger has been attached since power-on' : `the chip booted from ${this.bootLatched === 'system' ? 'system memory' : 'SRAM'}`;
    return `read protection level ${this.level} and ${why}`;
  }

  private fail(flags: number, message: string): void {
    this.sr |= flags;
    if (this.cr & CR.ERRIE) this.sr |= SR.OPERR;
    this.ctx.log('flash', `${errorFlagNames(flags).join('+')}: ${message}`);
    this.updateIrq();
  }

  private start(op: Operation, ns: number, crBits: number): void {
    this.op = op;
    this.sr |= SR.BSY;
    this.cr |= crBits;
    this.alarm.scheduleNs(ns);
    this.updateMapping();
  }

  /** The end of an operation: memory, then the durable commit, then BSY clears and EOP/IRQ. */
  private complete(): void {
    const op = this.op;
    if (!op) return;
    this.op = null;
    const changes = this.apply(op);
    this.sink?.commit(changes);
    this.sr &= ~SR.BSY;
    this.cr &= ~CR.STRT;
    this.optcr &= ~OPTCR.OPTSTRT;
    if (this.cr & CR.EOPIE) this.sr |= SR.EOP;
    this.updateMapping();
    this.updateIrq();
  }

  private apply(op: Operation): NvChange[] {
    switch (op.kind) {
      case 'program': {
        const place = this.places[op.section];
        const at = place.offset + op.offset;
        const merged = op.data.map((b, i) => this.bus.mem[at + i] & b);
        this.bus.poke(at, merged);
        return [{ section: op.section, offset: op.offset, length: merged.length }];
      }
      case 'sector-erase':
        return [this.fill('flash', op.sector.start - this.places.flash.start, op.sector.size, ERASED)];
      case 'mass-erase':
        return [this.fill('flash', 0, this.places.flash.size, ERASED)];
      case 'option-bytes': {
        const changes: NvChange[] = [];
        if (op.regression) {
          // RDP 1 → 0: flash and backup SRAM are mass-erased before the option bytes change (§3.7.3).
          changes.push(this.fill('flash', 0, this.places.flash.size, ERASED));
          changes.push(this.fill('bkpsram', 0, this.places.bkpsram.size, 0));
        }
        this.bus.poke(this.places['option-bytes'].offset, encodeOptionBytes(op.ob));
        changes.push({ section: 'option-bytes', offset: 0, length: this.places['option-bytes'].size });
        this.ob = op.ob;
        this.level = rdpLevel(op.ob.rdp);
        return changes;
      }
    }
  }

  private fill(section: 'flash' | 'bkpsram', offset: number, length: number, value: number): NvChange {
    this.bus.poke(this.places[section].offset + offset, new Uint8Array(length).fill(value));
    return { section, offset, length, fill: value };
  }

  /** The access waited for BSY: emulated time moves to the end of the operation, which completes. */
  finishNow(): void {
    const s = this.ctx.scheduler;
    if (this.alarm.at > s.cycles && this.alarm.at !== Infinity) s.cycles = this.alarm.at;
    this.alarm.cancel();
    this.complete();
  }

  /** A read of FLASH_SR saw BSY: one turn of a polling loop (timing.ts). */
  private pollWhileBusy(): void {
    const s = this.ctx.scheduler;
    if (s.nextEventAt <= s.cycles) return; // something is due: let the run loop fire it first
    const end = this.alarm.at;
    const target = Math.min(end, s.cycles + s.nsToCycles(POLL_QUANTUM_NS), s.nextEventAt);
    if (target >= end) this.finishNow();
    else s.cycles = target;
  }

  private updateIrq(): void {
    const level = ((this.cr & CR.EOPIE) !== 0 && (this.sr & SR.EOP) !== 0) || ((this.cr & CR.ERRIE) !== 0 && (this.sr & SR.OPERR) !== 0);
    this.ctx.setIrq(IRQ.FLASH, level);
  }

  private checkLatency(): void {
    const hz = this.ctx.scheduler.frequencyHz;
    const have = this.acr & ACR.LATENCY;
    const need = requiredWaitStates(hz);
    const key = `${have}@${hz}`;
    if (have >= need) {
      this.latencyWarning = '';
    } else if (this.latencyWarning !== key) {
      this.latencyWarning = key;
      this.ctx.log('flash', `FLASH_ACR.LATENCY = ${have} wait states is too few for HCLK ${hz / 1e6} MHz (needs ${need} at 2.7–3.6 V): silicon would read wrong data from flash`);
    }
  }

  // ---- Memory ------------------------------------------------------------------------------------

  private view(name: PlaceName): Uint8Array {
    const p = this.places[name];
    return this.bus.mem.subarray(p.offset, p.offset + p.size);
  }

  private loadOptionBytes(): void {
    this.ob = decodeOptionBytes(this.view('option-bytes'));
    this.level = rdpLevel(this.ob.rdp);
    this.wdgSwAtReset = this.ob.wdgSw;
    this.optcr = optcrFromOptionBytes(this.ob) | OPTCR.OPTLOCK;
  }

  /** A new chip: flash and OTP erased, factory option bytes (RM0090 §3.9.9). */
  private fillFactoryContents(): void {
    for (const name of ['flash', 'otp', 'otp-lock'] as const) this.bus.poke(this.places[name].offset, new Uint8Array(this.places[name].size).fill(ERASED));
    this.bus.poke(this.places['option-bytes'].offset, encodeOptionBytes(factoryOptionBytes(this.device)));
  }

  /** Routes stores to every non-volatile region here; flash, OTP reads are gated (RDP, BSY). */
  private mapPorts(): void {
    const flash = this.places.flash;
    this.bus.mapWriteHandler(flash.start, flash.size, new NvPort(this, this.bus, flash, true, true));
    for (const name of ['otp', 'otp-lock'] as const) {
      const p = this.places[name];
      this.bus.mapHandler(p.start, p.size, new NvPort(this, this.bus, p, true, false));
    }
    for (const name of ['system', 'uid', 'flash-size', 'option-bytes']) {
      const r = region(this.device, name);
      this.bus.mapWriteHandler(r.start, r.size, new NvPort(this, this.bus, { start: r.start, size: r.size, offset: this.bus.offsetOf(name) }, false, false));
    }
  }

  /** Called by the ports before a read or fetch of flash/OTP: waits for BSY, faults under RDP. */
  beforeRead(address: number): void {
    if (this.op) this.finishNow();
    if (this.accessRestricted) busError(address, false);
  }

  /**
   * Main flash leaves the fast path while BSY or read-protected, so that its port sees every access.
   * This runs twice per program operation (a byte, with ST's bootloader), so it is a few block copies
   * of the page table rather than a rebuild: the flash pages' entries are set to -1 or copied back from
   * `flashPages`, and, when the boot alias shows flash, its pages are copied from the flash pages, as
   * `Bus.setBootMode` maps them (the alias' handlers forward to flash either way, so they stay).
   */
  private updateMapping(): void {
    const unmap = this.op !== null || this.accessRestricted;
    if (unmap === this.flashUnmapped) return;
    this.flashUnmapped = unmap;
    const { rd, ex } = this.bus;
    const first = this.places.flash.start >>> PAGE_SHIFT;
    const pages = this.flashPages;
    if (unmap) {
      rd.fill(-1, first, first + pages.length);
      ex.fill(-1, first, first + pages.length);
    } else {
      rd.set(pages, first);
      ex.set(pages, first);
    }
    if (this.bus.boot === 'flash') {
      const n = Math.min(pages.length, this.aliasPages);
      rd.copyWithin(0, first, first + n);
      ex.copyWithin(0, first, first + n);
    }
    this.bus.onMappingChange();
  }
}

/** The two-key unlock of FLASH_CR or FLASH_OPTCR; any wrong write locks it out until reset (RM0090 §3.6.1, §3.7.2). */
class KeySequence {
  private stage = 0;
  private lockedOut = false;

  constructor(
    private readonly key1: number,
    private readonly key2: number,
  ) {}

  /** One write to the key register while the register is `locked`: KEY1 → 'next', KEY2 after it → 'unlock'. */
  feed(value: number | null, locked: boolean): 'next' | 'unlock' | 'wrong' {
    if (!this.lockedOut && locked && value !== null) {
      if (this.stage === 0 && value >>> 0 === this.key1) {
        this.stage = 1;
        return 'next';
      }
      if (this.stage === 1 && value >>> 0 === this.key2) {
        this.stage = 0;
        return 'unlock';
      }
    }
    this.stage = 0;
    this.lockedOut = true;
    return 'wrong';
  }

  reset(): void {
    this.stage = 0;
    this.lockedOut = false;
  }
}

/** The bus side of a non-volatile region: stores go to the interface; gated reads wait for BSY / obey RDP. */
class NvPort implements MemoryHandler {
  constructor(
    private readonly iface: FlashInterface,
    private readonly bus: Bus,
    private readonly place: Place,
    private readonly gated: boolean,
    private readonly executable: boolean,
  ) {}

  read(address: number, size: AccessSize): number {
    if (this.gated) this.iface.beforeRead(address);
    const m = this.bus.mem;
    const a = this.offsetOf(address);
    if (size === 1) return m[a];
    if (size === 2) return m[a] | (m[a + 1] << 8);
    return m[a] | (m[a + 1] << 8) | (m[a + 2] << 16) | (m[a + 3] << 24);
  }

  write(address: number, value: number, size: AccessSize): void {
    this.iface.store(address, value, size);
  }

  memOffset(address: number): number {
    return this.gated && this.iface.accessRestricted ? -1 : this.offsetOf(address);
  }

  fetchOffset(address: number): number {
    if (!this.executable) return -1;
    if (this.iface.busy) this.iface.finishNow();
    return this.memOffset(address);
  }

  private offsetOf(address: number): number {
    return this.place.offset + ((address >>> 0) - this.place.start);
  }
}

/** Names of the program/erase error flags set in an SR value. */
export function errorFlagNames(sr: number): string[] {
  return ERROR_NAMES.filter(([bit]) => sr & bit).map(([, n]) => n);
}

function littleEndian(value: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (value >>> (8 * i)) & 0xff;
  return out;
}

/** Builds the flash interface for the FLASH block (add to the Machine's factories). */
export const flashFactory: PeripheralFactory = (block, ctx, machine) => (block.name === 'FLASH' ? new FlashInterface(block, ctx, machine.bus) : undefined);

/** The machine's flash interface; a programming error if the Machine was built without `flashFactory`. */
export function flashInterfaceOf(machine: Machine): FlashInterface {
  const p = machine.peripherals.get('FLASH');
  if (!(p instanceof FlashInterface)) throw new Error('this Machine has no flash interface model: build it with flashFactory');
  return p;
}

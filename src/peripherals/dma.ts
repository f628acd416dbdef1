/**
 * DMA1/DMA2 — the stream-based DMA controller (RM0090 §10; registers §10.5). One class, two instances.
 *
 * Registers: LISR/HISR (flags, read-only), LIFCR/HIFCR (write 1 to clear), and per stream x (0..7) at
 * 0x10 + 0x18·x: SxCR, SxNDTR, SxPAR, SxM0AR, SxM1AR, SxFCR (reset 0x21, everything else 0).
 * While EN = 1 only EN and the interrupt enables of SxCR (and FEIE of SxFCR) can be written; NDTR, PAR
 * and FCR's FTH/DMDIS are frozen; in double-buffer mode the memory address register the stream is not
 * using (M1AR while CT = 0, M0AR while CT = 1) stays writable (§10.3.9, §10.5.5–10.5.10).
 *
 * Transfers (§10.3): each stream moves NDTR items of PSIZE between its peripheral port (PAR) and its
 * memory port (M0AR/M1AR, CT chooses), in the direction DIR gives: peripheral-to-memory,
 * memory-to-peripheral, or memory-to-memory (DMA2 only; PAR is the source, no request needed). The
 * memory side moves MSIZE items; direct mode (DMDIS = 0) forces MSIZE = PSIZE. In FIFO mode the model
 * keeps a byte FIFO between the ports, so packing/unpacking gives silicon's data (§10.3.11), but the
 * FIFO threshold only affects when memory beats happen on silicon, not what they write, and is not
 * timed here. PINC/MINC increment by the item size (PINCOS: the peripheral by 4). SxPAR/SxMxAR are
 * not changed by the transfer (internal pointers). Circular mode and double-buffer mode (CIRC forced
 * on) reload NDTR and the pointers at the end; DBM also toggles CT. Otherwise EN clears at the end.
 * Writing EN = 0 stops the stream after the current item (items are atomic here): TCIF rises, NDTR
 * keeps what was left (§10.3.17).
 *
 * Flags (§10.5.1): TCIF at the end of each block, HTIF once half the block has gone, TEIF on a bus
 * error of either port (the stream is disabled: EN = 0), DMEIF/FEIF exist as registers but no modelled
 * configuration raises them (a direct-mode request can not be missed: the model serves each request
 * before the peripheral can raise the next). The stream's interrupt line (IRQ DMAn_Streamx) is high
 * while an enabled flag is set.
 *
 * Arbitration (§10.3.3): streams with a request (memory-to-memory: always) are served one item at a
 * time; the next one served is the highest PL, then the lowest stream number. Each item takes
 * ITEM_CYCLES HCLK cycles of emulated time (not the exact AHB beats).
 *
 * Requests (§10.3.4, Tables 42/43): a peripheral drives a request line (`request(stream, channel,
 * level)`); the stream serves it when its CHSEL is that channel. `DMA_REQUEST_MAP` names the lines of
 * the modelled peripherals (USARTs); index.ts wires them — another peripheral's requests are one more
 * entry there plus a call of `request`.
 *
 * Not modelled: bursts (PBURST/MBURST are stored; single transfers are done), PFCTRL (peripheral flow
 * control, SDIO only: stored, NDTR used as usual), FIFO error configurations of §10.3.14 (FEIF),
 * FS reads "empty" except while a FIFO-mode transfer holds bytes, the AHB priority between DMA1,
 * DMA2 and the core. What silicon does when EN is set with the stream's flags still set (RM: "must be
 * cleared") is not known; the stream starts.
 */
import { IRQ, type PeripheralBlock, region } from '../device/stm32f407.js';
import { type Bus, BusError, busError } from '../bus/bus.js';
import type { PeripheralFactory } from '../machine.js';
import type { ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

/** Controller register offsets (RM0090 §10.5.11). */
export const DMA_REG = { LISR: 0x00, HISR: 0x04, LIFCR: 0x08, HIFCR: 0x0c } as const;
/** Offsets inside a stream's block of registers; the block of stream x starts at `streamOffset(x)`. */
export const STREAM_REG = { CR: 0x00, NDTR: 0x04, PAR: 0x08, M0AR: 0x0c, M1AR: 0x10, FCR: 0x14 } as const;
export const STREAMS = 8;
export const streamOffset = (stream: number): number => 0x10 + 0x18 * stream;

/** Per-stream flags (RM0090 §10.5.1), shifted by `flagShift(stream)` in LISR/HISR/LIFCR/HIFCR. */
export const FLAG = { FEIF: 1 << 0, DMEIF: 1 << 2, TEIF: 1 << 3, HTIF: 1 << 4, TCIF: 1 << 5 } as const;
const FLAGS_ALL = 0x3d;
/** Bit position of stream x's flags in its ISR/IFCR (streams 0-3 in LISR, 4-7 in HISR). */
export const flagShift = (stream: number): number => [0, 6, 16, 22][stream & 3];

/** SxCR (RM0090 §10.5.5). */
export const SCR = {
  EN: 1 << 0, DMEIE: 1 << 1, TEIE: 1 << 2, HTIE: 1 << 3, TCIE: 1 << 4, PFCTRL: 1 << 5,
  DIR_SHIFT: 6, DIR: 3 << 6, CIRC: 1 << 8, PINC: 1 << 9, MINC: 1 << 10,
  PSIZE_SHIFT: 11, PSIZE: 3 << 11, MSIZE_SHIFT: 13, MSIZE: 3 << 13, PINCOS: 1 << 15,
  PL_SHIFT: 16, PL: 3 << 16, DBM: 1 << 18, CT: 1 << 19, PBURST: 3 << 21, MBURST: 3 << 23, CHSEL_SHIFT: 25, CHSEL: 7 << 25,
} as const;
/** DIR values. */
export const DIR = { P2M: 0, M2P: 1, M2M: 2 } as const;
/** Implemented SxCR bits (bit 20 and 31:28 reserved). */
const SCR_WRITABLE = 0x0fef_ffff;
/** SxCR bits writable while EN = 1: EN itself and the interrupt enables (the rest are protected). */
const SCR_WHILE_ENABLED = SCR.EN | SCR.DMEIE | SCR.TEIE | SCR.HTIE | SCR.TCIE;

/** SxFCR (RM0090 §10.5.10). */
export const SFCR = { FTH: 3, DMDIS: 1 << 2, FS_SHIFT: 3, FS: 7 << 3, FEIE: 1 << 7 } as const;
const SFCR_RESET = 0x21; // FS = 100 (empty), FTH = 01 (half full)
const FS_EMPTY = 4;

/** Emulated HCLK cycles one item takes (arbitration + one read + one write on the AHB; not beat-exact). */
export const ITEM_CYCLES = 4;

/** A DMA request line: controller, stream, channel (RM0090 Tables 42 and 43). */
export interface DmaRoute {
  readonly dma: 'DMA1' | 'DMA2';
  readonly stream: number;
  readonly channel: number;
}

/**
 * The request lines of the modelled peripherals, by request name (RM0090 Table 42: DMA1, Table 43:
 * DMA2). A request name is `<block>_<TX|RX|...>`; some go to two streams.
 */
export const DMA_REQUEST_MAP: Readonly<Record<string, readonly DmaRoute[]>> = {
  USART1_RX: [{ dma: 'DMA2', stream: 2, channel: 4 }, { dma: 'DMA2', stream: 5, channel: 4 }],
  USART1_TX: [{ dma: 'DMA2', stream: 7, channel: 4 }],
  USART2_RX: [{ dma: 'DMA1', stream: 5, channel: 4 }],
  USART2_TX: [{ dma: 'DMA1', stream: 6, channel: 4 }],
  USART3_RX: [{ dma: 'DMA1', stream: 1, channel: 4 }],
  USART3_TX: [{ dma: 'DMA1', stream: 3, channel: 4 }, { dma: 'DMA1', stream: 4, channel: 7 }],
  UART4_RX: [{ dma: 'DMA1', stream: 2, channel: 4 }],
  UART4_TX: [{ dma: 'DMA1', stream: 4, channel: 4 }],
  UART5_RX: [{ dma: 'DMA1', stream: 0, channel: 4 }],
  UART5_TX: [{ dma: 'DMA1', stream: 7, channel: 4 }],
  USART6_RX: [{ dma: 'DMA2', stream: 1, channel: 5 }, { dma: 'DMA2', stream: 2, channel: 5 }],
  USART6_TX: [{ dma: 'DMA2', stream: 6, channel: 5 }, { dma: 'DMA2', stream: 7, channel: 5 }],
};

/** One stream's registers and its transfer state. */
class Stream {
  cr = 0;
  ndtr = 0;
  par = 0;
  m0ar = 0;
  m1ar = 0;
  fcr = SFCR_RESET;
  /** Request lines raised for this stream, one bit per channel. */
  requests = 0;
  // Transfer state, latched when EN rises.
  initialNdtr = 0;
  pAddr = 0;
  mAddr = 0;
  /** Memory-side bytes still to move in this block (NDTR counts peripheral items). */
  memBytesLeft = 0;
  halfSignalled = false;
  /** FIFO mode: bytes between the ports (oldest first). */
  readonly fifo: number[] = [];

  constructor(readonly index: number) {}

  get enabled(): boolean {
    return (this.cr & SCR.EN) !== 0;
  }
  get dir(): number {
    return (this.cr & SCR.DIR) >>> SCR.DIR_SHIFT;
  }
  get priority(): number {
    return (this.cr & SCR.PL) >>> SCR.PL_SHIFT;
  }
  get channel(): number {
    return (this.cr & SCR.CHSEL) >>> SCR.CHSEL_SHIFT;
  }
  /** Peripheral item size in bytes (PSIZE; 11 is reserved: taken as a word). */
  get pSize(): number {
    return Math.min(4, 1 << ((this.cr & SCR.PSIZE) >>> SCR.PSIZE_SHIFT));
  }
  /** Memory item size in bytes: MSIZE in FIFO mode, PSIZE in direct mode (§10.5.5 MSIZE). */
  get mSize(): number {
    if (!this.fifoMode) return this.pSize;
    return Math.min(4, 1 << ((this.cr & SCR.MSIZE) >>> SCR.MSIZE_SHIFT));
  }
  get fifoMode(): boolean {
    return (this.fcr & SFCR.DMDIS) !== 0;
  }
  get circular(): boolean {
    return (this.cr & (SCR.CIRC | SCR.DBM)) !== 0;
  }
  get memoryBase(): number {
    return (this.cr & SCR.CT) !== 0 ? this.m1ar : this.m0ar;
  }
}

export class Dma extends Peripheral {
  private readonly streams: Stream[] = [];
  /** LISR (streams 0-3) and HISR (4-7). */
  private readonly isr = [0, 0];
  private readonly irqs: number[] = [];
  private readonly alarm: Alarm;
  private readonly isDma2: boolean;
  /** Address ranges no DMA port reaches: CCM data RAM (RM0090 §2.1) and the bit-band aliases (§2.3.3). */
  private readonly unreachable: Array<[number, number]>;

  constructor(block: PeripheralBlock, ctx: PeripheralContext, private readonly bus: Bus) {
    super(block, ctx);
    this.isDma2 = block.name === 'DMA2';
    for (let i = 0; i < STREAMS; i++) {
      this.streams.push(new Stream(i));
      this.irqs.push(IRQ[`${block.name}_Stream${i}`]);
    }
    const dev = bus.device;
    this.unreachable = dev.regions
      .filter((r) => r.kind === 'bitband' || r === region(dev, 'ccm'))
      .map((r) => [r.start >>> 0, (r.start >>> 0) + r.size]);
    this.alarm = ctx.scheduler.createAlarm(`${block.name} transfer`, () => this.serve());
    this.reset('power-on');
  }

  // ---- Request lines -------------------------------------------------------------------------------

  /** A peripheral raises (true) or drops (false) its request on `channel` of `stream` (Tables 42/43). */
  request(stream: number, channel: number, level: boolean): void {
    const s = this.streams[stream];
    const bit = 1 << channel;
    s.requests = level ? s.requests | bit : s.requests & ~bit;
    if (level) this.schedule();
  }

  // ---- Registers -----------------------------------------------------------------------------------

  readRegister(offset: number): number {
    if (offset === DMA_REG.LISR) return this.isr[0];
    if (offset === DMA_REG.HISR) return this.isr[1];
    if (offset < 0x10 || offset >= streamOffset(STREAMS)) return 0; // IFCRs read 0; reserved
    const s = this.streams[Math.floor((offset - 0x10) / 0x18)];
    switch ((offset - 0x10) % 0x18) {
      case STREAM_REG.CR:
        return s.cr;
      case STREAM_REG.NDTR:
        return s.ndtr;
      case STREAM_REG.PAR:
        return s.par;
      case STREAM_REG.M0AR:
        return s.m0ar;
      case STREAM_REG.M1AR:
        return s.m1ar;
      default: {
        const fs = s.fifo.length === 0 ? FS_EMPTY : Math.min(3, Math.floor((s.fifo.length * 4) / 16));
        return (s.fcr & ~SFCR.FS) | (fs << SFCR.FS_SHIFT);
      }
    }
  }

  writeRegister(offset: number, value: number): void {
    if (offset === DMA_REG.LIFCR || offset === DMA_REG.HIFCR) {
      const half = offset === DMA_REG.LIFCR ? 0 : 1;
      this.isr[half] &= ~(value & 0x0f7d_0f7d);
      for (let i = 0; i < 4; i++) this.updateIrq(this.streams[half * 4 + i]);
      return;
    }
    if (offset < 0x10 || offset >= streamOffset(STREAMS)) return; // ISRs are read-only; reserved
    const s = this.streams[Math.floor((offset - 0x10) / 0x18)];
    const on = s.enabled;
    const dbm = (s.cr & SCR.DBM) !== 0;
    switch ((offset - 0x10) % 0x18) {
      case STREAM_REG.CR:
        return this.writeCr(s, value);
      case STREAM_REG.NDTR:
        if (!on) s.ndtr = value & 0xffff;
        return;
      case STREAM_REG.PAR:
        if (!on) s.par = value >>> 0;
        return;
      case STREAM_REG.M0AR:
        // Double-buffer mode: the buffer not in use may be written while the stream runs (§10.3.9).
        if (!on || (dbm && (s.cr & SCR.CT) !== 0)) s.m0ar = value >>> 0;
        return;
      case STREAM_REG.M1AR:
        if (!on || (dbm && (s.cr & SCR.CT) === 0)) s.m1ar = value >>> 0;
        return;
      default: {
        const writable = on ? SFCR.FEIE : SFCR.FEIE | SFCR.DMDIS | SFCR.FTH;
        s.fcr = (s.fcr & ~writable) | (value & writable);
        this.updateIrq(s);
      }
    }
  }

  private writeCr(s: Stream, value: number): void {
    const v = value & SCR_WRITABLE;
    if (s.enabled) {
      s.cr = (s.cr & ~SCR_WHILE_ENABLED) | (v & SCR_WHILE_ENABLED);
      // EN written 0: the stream stops after the current item (atomic here), as at a block's end.
      if (!s.enabled) this.stop(s, FLAG.TCIF);
    } else {
      s.cr = v;
      if (s.enabled) this.start(s);
    }
    this.updateIrq(s);
  }

  // ---- Stream life ---------------------------------------------------------------------------------

  /** EN rose: hardware-forced bits, then latch the block (§10.3.17 "Stream configuration procedure"). */
  private start(s: Stream): void {
    const dir = s.dir;
    if (dir === 3 || (dir === DIR.M2M && !this.isDma2)) {
      // DIR = 11 is reserved; DMA1's peripheral port only reaches APB1, so it has no memory-to-memory
      // mode (§10.3.6). Unverified on silicon: taken as a transfer error.
      this.ctx.log('dma', `${this.name} stream ${s.index}: DIR = ${dir} is not allowed on this controller: transfer error`);
      this.setFlags(s, FLAG.TEIF);
      s.cr &= ~SCR.EN;
      return;
    }
    if (dir === DIR.M2M) {
      // Memory-to-memory: no circular, double-buffer or direct mode (§10.5.5 CIRC, DBM; §10.5.10 DMDIS).
      s.cr &= ~(SCR.CIRC | SCR.DBM);
      s.fcr |= SFCR.DMDIS;
    }
    if ((s.cr & SCR.PFCTRL) !== 0) {
      s.cr &= ~SCR.CIRC;
      this.ctx.log('dma', `${this.name} stream ${s.index}: peripheral flow control is not modelled (NDTR is used)`);
    }
    if ((s.cr & SCR.DBM) !== 0) s.cr |= SCR.CIRC;
    s.initialNdtr = s.ndtr;
    this.beginBlock(s);
    if (s.ndtr === 0) {
      // Nothing to move: the stream ends at once (NDTR = 0 when enabled, §10.5.6).
      this.stop(s, FLAG.TCIF);
      return;
    }
    this.schedule();
  }

  /** A new block (first, or after a circular reload): pointers at the base addresses. */
  private beginBlock(s: Stream): void {
    s.ndtr = s.initialNdtr;
    s.pAddr = s.par;
    s.mAddr = s.memoryBase;
    s.memBytesLeft = s.ndtr * s.pSize;
    s.halfSignalled = false;
    s.fifo.length = 0;
  }

  /** Disables the stream (end of block, EN written 0, or error) with the given flags. */
  private stop(s: Stream, flags: number): void {
    if ((flags & FLAG.TEIF) === 0) this.flushFifo(s);
    s.fifo.length = 0;
    s.cr &= ~SCR.EN;
    this.setFlags(s, flags);
  }

  /** Peripheral-to-memory FIFO mode: bytes still in the FIFO are written out when the stream stops. */
  private flushFifo(s: Stream): void {
    try {
      while (s.fifo.length > 0 && s.dir !== DIR.M2P) this.memWrite(s, s.fifo.length >= s.mSize ? s.mSize : 1);
    } catch (e) {
      if (!(e instanceof BusError)) throw e;
      s.fifo.length = 0;
      this.setFlags(s, FLAG.TEIF);
    }
  }

  // ---- Arbiter and transfers -----------------------------------------------------------------------

  private schedule(): void {
    if (!this.alarm.scheduled && this.next() !== undefined) this.alarm.scheduleCycles(ITEM_CYCLES);
  }

  /** The stream the arbiter serves next: a request and the highest PL, then the lowest number. */
  private next(): Stream | undefined {
    let best: Stream | undefined;
    for (const s of this.streams) {
      if (!s.enabled) continue;
      const requested = s.dir === DIR.M2M || (s.requests & (1 << s.channel)) !== 0;
      if (requested && (best === undefined || s.priority > best.priority)) best = s;
    }
    return best;
  }

  /** One item for the stream the arbiter picks, then the next in ITEM_CYCLES. */
  private serve(): void {
    if (!this.clockEnabled()) return; // unclocked: the streams wait (served again when a request rises)
    const s = this.next();
    if (!s) return;
    this.bus.unchecked(() => this.transferItem(s));
    this.updateIrq(s);
    this.schedule();
  }

  /** Moves one peripheral-side item (and the memory-side items it packs into or out of). */
  private transferItem(s: Stream): void {
    try {
      if (s.dir === DIR.M2P) {
        while (s.fifo.length < s.pSize && s.memBytesLeft > 0) this.memRead(s);
        this.peripheralWrite(s);
      } else {
        this.peripheralRead(s);
        while (s.fifo.length >= s.mSize) this.memWrite(s);
      }
    } catch (e) {
      if (!(e instanceof BusError)) throw e;
      this.ctx.log('dma', `${this.name} stream ${s.index}: bus error at 0x${e.address.toString(16).padStart(8, '0')}: TEIF, stream disabled`);
      this.stop(s, FLAG.TEIF);
      return;
    }
    s.ndtr--;
    if (!s.halfSignalled && (s.initialNdtr - s.ndtr) * 2 >= s.initialNdtr) {
      s.halfSignalled = true;
      this.setFlags(s, FLAG.HTIF);
    }
    if (s.ndtr === 0) this.endOfBlock(s);
  }

  private endOfBlock(s: Stream): void {
    if (!s.circular) return this.stop(s, FLAG.TCIF);
    this.flushFifo(s);
    if ((s.cr & SCR.DBM) !== 0) s.cr ^= SCR.CT; // the other buffer next (§10.3.9)
    this.beginBlock(s);
    this.setFlags(s, FLAG.TCIF);
  }

  private peripheralRead(s: Stream): void {
    const value = this.access(s.pAddr, s.pSize, false, 0);
    for (let i = 0; i < s.pSize; i++) s.fifo.push((value >>> (8 * i)) & 0xff);
    this.advancePeripheral(s);
  }

  private peripheralWrite(s: Stream): void {
    let value = 0;
    for (let i = 0; i < s.pSize; i++) value |= (s.fifo.shift() ?? 0) << (8 * i);
    this.access(s.pAddr, s.pSize, true, value >>> 0);
    this.advancePeripheral(s);
  }

  private advancePeripheral(s: Stream): void {
    if ((s.cr & SCR.PINC) !== 0) s.pAddr = (s.pAddr + ((s.cr & SCR.PINCOS) !== 0 ? 4 : s.pSize)) >>> 0;
  }

  private memRead(s: Stream): void {
    const size = Math.min(s.mSize, s.memBytesLeft);
    const value = this.access(s.mAddr, size, false, 0);
    for (let i = 0; i < size; i++) s.fifo.push((value >>> (8 * i)) & 0xff);
    this.advanceMemory(s, size);
  }

  /** Writes `size` bytes from the FIFO to memory. */
  private memWrite(s: Stream, size = s.mSize): void {
    let value = 0;
    for (let i = 0; i < size; i++) value |= (s.fifo.shift() ?? 0) << (8 * i);
    this.access(s.mAddr, size, true, value >>> 0);
    this.advanceMemory(s, size);
  }

  private advanceMemory(s: Stream, size: number): void {
    s.memBytesLeft -= size;
    if ((s.cr & SCR.MINC) !== 0) s.mAddr = (s.mAddr + size) >>> 0;
  }

  /** One access through the bus; throws BusError for what no DMA port reaches. */
  private access(address: number, size: number, write: boolean, value: number): number {
    for (const [start, end] of this.unreachable) {
      if (address >= start && address < end) busError(address, write);
    }
    const sz = size === 3 ? 4 : (size as 1 | 2 | 4);
    if (write) {
      this.bus.write(address, value, sz);
      return 0;
    }
    return this.bus.read(address, sz);
  }

  // ---- Flags and interrupts ------------------------------------------------------------------------

  private setFlags(s: Stream, flags: number): void {
    this.isr[s.index >> 2] |= (flags & FLAGS_ALL) << flagShift(s.index);
    this.updateIrq(s);
  }

  private updateIrq(s: Stream): void {
    const flags = (this.isr[s.index >> 2] >>> flagShift(s.index)) & FLAGS_ALL;
    const enabled =
      ((s.cr & SCR.TCIE) !== 0 ? FLAG.TCIF : 0) |
      ((s.cr & SCR.HTIE) !== 0 ? FLAG.HTIF : 0) |
      ((s.cr & SCR.TEIE) !== 0 ? FLAG.TEIF : 0) |
      ((s.cr & SCR.DMEIE) !== 0 ? FLAG.DMEIF : 0) |
      ((s.fcr & SFCR.FEIE) !== 0 ? FLAG.FEIF : 0);
    this.ctx.setIrq(this.irqs[s.index], (flags & enabled) !== 0);
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    this.alarm.cancel();
    this.isr[0] = this.isr[1] = 0;
    for (const s of this.streams) {
      s.cr = s.ndtr = s.par = s.m0ar = s.m1ar = 0;
      s.fcr = SFCR_RESET;
      s.fifo.length = 0;
      // Request lines are the peripherals' state: they keep them (their reset re-drives them).
      this.updateIrq(s);
    }
  }
}

/** Builds DMA1 and DMA2, their ports on the machine's bus. */
export const dmaFactory: PeripheralFactory = (block, ctx, machine) =>
  block.name === 'DMA1' || block.name === 'DMA2' ? new Dma(block, ctx, machine.bus) : undefined;

/**
 * USART1/2/3/6 and UART4/5 — universal synchronous asynchronous receiver transmitter (RM0090 §30,
 * registers §30.6). Asynchronous mode as the ST bootloader, HAL and printf-over-UART firmware use it.
 *
 * Registers: SR (reset 0x00C0: TXE, TC), DR, BRR, CR1, CR2, CR3, GTPR. UART4/5 lack the synchronous
 * clock (CR2 bits 11:8), smartcard and hardware flow control bits and GTPR (RM0090 §30.6).
 *
 * Timing, in emulated time: one character takes (start + M data/parity + stop bits) bit times, a bit
 * time being BRR's divider over the APB clock: baud = fCK / BRR with OVER8 = 0, fCK / (8·DIV_Mantissa
 * + DIV_Fraction[2:0]) with OVER8 = 1 (RM0090 §30.3.4). A BRR of 0 stops the baud generator: nothing
 * is sent or received (unverified on silicon).
 *
 * Transmit (§30.3.2): DR → TDR (TXE = 0); TDR moves to the shift register at once when it is free
 * (TXE = 1 again); the character reaches the host one character time later (`onTx`), then TC = 1 if
 * TDR is empty. Setting TE first sends an idle frame (one character time). A write to DR while TXE = 0
 * overwrites TDR (the previous value is lost). TC clears by SR read then DR write, or by writing 0.
 * Nothing connected: characters still take their time and are dropped.
 *
 * Receive (§30.3.3): host bytes wait in a queue (`feedRx`, `rxQueueLength`) and go onto the line one
 * character time apart while UE and RE are set. A character completes into DR: RXNE, and PE/FE/NF if
 * the test injected them. IDLE rises once the line stayed idle for a character time after a
 * character (re-armed by RXNE). RXNE clears by DR read or writing 0; PE, FE, NF, ORE and IDLE clear by
 * SR read then DR read (the flags that SR read saw).
 * Host flow: the host never loses bytes. By default (`hostFlowControl` true) the host waits for the
 * firmware like a sender paced by RTS: a character that completes while RXNE is still set stays in the
 * receive shift register and moves to DR as soon as DR is read. With `hostFlowControl = false` the host
 * sends at line rate regardless and a character completing while RXNE is set is lost with ORE = 1
 * (RDR keeps the old one, RM0090 §30.3.3 "Overrun error").
 *
 * Frames and the host's 8-bit bytes: M = 1 with PCE = 1 is 8 data bits + parity (the ST bootloader's
 * 8E1); M = 0 with PCE = 1 is 7 data bits + parity: the host sees bits 6:0 (bit 7 = 0) and its bytes'
 * bit 7 is not sent. M = 1 without parity has a 9th data bit the host does not see (sent: dropped;
 * received: 0). In DR, the parity bit reads as the received one (§30.6.2).
 *
 * Mute mode (RWU; WAKE = 0 idle line, 1 address mark with CR2.ADD) drops characters without flags
 * until the wake-up condition. Not modelled: synchronous, LIN, IrDA, smartcard, half-duplex single
 * wire (the registers are stored), CTS input (CTS flag never rises), break reception.
 *
 * DMA requests (§30.3.13): with CR3.DMAT the transmitter requests while TXE = 1, with CR3.DMAR the
 * receiver while RXNE = 1 (`onDmaRequest`, wired to DMA1/DMA2 in index.ts). The DMA then accesses DR
 * through the bus, which clears TXE/RXNE like a firmware access.
 *
 * Idle skipping: see `idle`, `onIdle` and `whenRxQueued()`.
 *
 * Poll skipping: a firmware loop that reads SR again and again while a character is on the line (in
 * either direction) sees the same value each time until that character's alarm. A read of SR within
 * POLL_SKIP_MAX_CYCLES of the previous one that finds it unchanged is one turn of such a loop: it
 * returns SR as it is, then emulated time moves on to the next scheduled event (the character's end,
 * or anything due before it), as the flash interface does for BSY polls. Only the number of loop turns
 * differs from silicon; the loop sees the character at the same emulated time.
 */
import { IRQ, type PeripheralBlock } from '../device/stm32f407.js';
import type { PeripheralFactory } from '../machine.js';
import type { ResetKind } from '../time/reset.js';
import type { Alarm } from '../time/scheduler.js';
import { type ClockInput, busClock, fixedClock, rccClock } from './clock-input.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

/** Register offsets (RM0090 §30.6.8). */
export const USART_REG = { SR: 0x00, DR: 0x04, BRR: 0x08, CR1: 0x0c, CR2: 0x10, CR3: 0x14, GTPR: 0x18 } as const;

/** USART_SR (RM0090 §30.6.1). */
export const SR = {
  PE: 1 << 0, FE: 1 << 1, NF: 1 << 2, ORE: 1 << 3, IDLE: 1 << 4, RXNE: 1 << 5, TC: 1 << 6, TXE: 1 << 7, LBD: 1 << 8, CTS: 1 << 9,
} as const;

/** USART_CR1 (RM0090 §30.6.4). */
export const CR1 = {
  SBK: 1 << 0, RWU: 1 << 1, RE: 1 << 2, TE: 1 << 3, IDLEIE: 1 << 4, RXNEIE: 1 << 5, TCIE: 1 << 6, TXEIE: 1 << 7,
  PEIE: 1 << 8, PS: 1 << 9, PCE: 1 << 10, WAKE: 1 << 11, M: 1 << 12, UE: 1 << 13, OVER8: 1 << 15,
} as const;

/** USART_CR2 (RM0090 §30.6.5). */
export const CR2 = { ADD: 0xf, LBDIE: 1 << 6, STOP_SHIFT: 12, STOP: 3 << 12 } as const;

/** USART_CR3 (RM0090 §30.6.6). */
export const CR3 = { EIE: 1 << 0, DMAR: 1 << 6, DMAT: 1 << 7, CTSIE: 1 << 10 } as const;

const SR_RESET = SR.TXE | SR.TC;
/** SR bits software clears by writing 0 (rc_w0); the others are read-only. */
const SR_W0C = SR.RXNE | SR.TC | SR.LBD | SR.CTS;
/** SR bits cleared by the sequence "read SR, then read DR". */
const SR_READ_CLEARED = SR.PE | SR.FE | SR.NF | SR.ORE | SR.IDLE;
const CR1_WRITABLE = 0xbfff;
/** Writable bits of CR2/CR3/GTPR: USART, then UART4/5 (no clock output, smartcard, CTS/RTS, guard time). */
const CR2_WRITABLE = { usart: 0x7f6f, uart: 0x706f } as const;
const CR3_WRITABLE = { usart: 0x0fff, uart: 0x08cf } as const;
const GTPR_WRITABLE = { usart: 0xffff, uart: 0 } as const;

/** Stop bits per CR2.STOP encoding: 1, 0.5, 2, 1.5. */
const STOP_BITS = [1, 0.5, 2, 1.5];

/** Error flags a host byte can carry into SR (test injection): bits above the 8 data bits in the queue. */
const RX_FE = 1 << 8;
const RX_PE = 1 << 9;
const RX_NF = 1 << 10;

/**
 * Idle detection works on windows of this many consecutive fruitless SR polls: after each window in
 * which the firmware did little else (see IDLE_MAX_CYCLES_PER_POLL) it counts as waiting for input.
 */
export const IDLE_POLLS = 256;
/**
 * A polling loop that spends more core cycles than this per SR read (on average over a window) does
 * other work between its polls, and is not merely waiting. A HAL receive loop with its timeout check
 * takes some 30-60 cycles a turn.
 */
export const IDLE_MAX_CYCLES_PER_POLL = 256;
/** Two SR reads at most this many core cycles apart belong to one polling loop (see "Poll skipping"). */
export const POLL_SKIP_MAX_CYCLES = 64;

/** Reception errors to inject with `feedRx` (tests; a noisy line). */
export interface RxErrors {
  /** Framing error: FE (the stop bit was low). */
  framing?: boolean;
  /** Wrong parity bit: PE when parity is enabled, and DR's parity bit reads inverted. */
  parity?: boolean;
  /** Noise detected while sampling: NF. */
  noise?: boolean;
}

function parityOf(bits: number): number {
  let p = 0;
  for (let v = bits; v !== 0; v &= v - 1) p ^= 1;
  return p;
}

export class Usart extends Peripheral {
  /** Called with each byte the firmware sent, one character time after it went onto the line. */
  onTx: (byte: number) => void = () => {};
  /** Called when a break character (CR1.SBK) has been sent. */
  onBreak: () => void = () => {};
  /**
   * Called after each window of IDLE_POLLS tight, fruitless SR polls: the firmware is waiting for
   * input, with nothing received and nothing queued (see `idle`). A run loop may stop the core here
   * (cpu.stopRequest) and sleep the host until `whenRxQueued()` resolves or the next alarm is due;
   * when the firmware goes on waiting after that, it is called again a window later.
   */
  onIdle: (() => void) | null = null;
  /** The DMA request lines changed (see the header): 'tx' = TXE with DMAT, 'rx' = RXNE with DMAR. */
  onDmaRequest: ((line: 'tx' | 'rx', level: boolean) => void) | null = null;
  /** See the header: true = the host waits for the firmware (never an overrun); false = line rate (ORE). */
  hostFlowControl = true;

  private readonly irq: number;
  private readonly isUart: boolean;
  private readonly clock: ClockInput;
  private readonly txAlarm: Alarm;
  private readonly rxAlarm: Alarm;
  private readonly idleAlarm: Alarm;

  private sr = SR_RESET;
  private brr = 0;
  private cr1 = 0;
  private cr2 = 0;
  private cr3 = 0;
  private gtpr = 0;
  private rdr = 0;
  private tdr = 0;
  /** What the transmit shift register is sending: a character, the idle preamble, a break, or nothing. */
  private txState: 'idle' | 'char' | 'preamble' | 'break' = 'idle';
  private txShift = 0;
  /** SR as the last SR read returned it (for the read-SR-then-DR clearing sequences). */
  private srSeen = 0;
  /** A character completed while RXNE was set and waits for DR to be read (host flow control). */
  private rxHeld = false;
  /** IDLE may rise: a character was received since the last IDLE. */
  private idleArmed = false;
  private readonly rxQueue: number[] = [];
  private rxHead = 0;
  /** Consecutive fruitless SR polls, and the core cycle of the first poll of the current window. */
  private polls = 0;
  private windowStart = 0;
  /** The last complete window of polls was tight: the firmware only waits for input. */
  private waiting = false;
  /** Cycle of the last SR read and the value it returned (poll skipping). */
  private lastPollAt = -Infinity;
  private lastPollSr = -1;
  /** The pending `whenRxQueued()` promise and its resolver (one shared by every caller). */
  private rxWaiter: { promise: Promise<void>; resolve: () => void } | null = null;
  private stallLogged = false;
  /** The DMA request levels last reported (bit 0 tx, bit 1 rx). */
  private dmaRequests = 0;

  constructor(block: PeripheralBlock, ctx: PeripheralContext, clock: ClockInput = fixedClock(16_000_000)) {
    super(block, ctx);
    this.irq = IRQ[block.name];
    this.isUart = block.name.startsWith('UART');
    this.clock = clock;
    const s = ctx.scheduler;
    this.txAlarm = s.createAlarm(`${block.name} transmit`, () => this.txComplete());
    this.rxAlarm = s.createAlarm(`${block.name} receive`, () => this.rxComplete());
    this.idleAlarm = s.createAlarm(`${block.name} idle line`, () => this.idleLine());
    this.reset('power-on');
  }

  // ---- Host side ------------------------------------------------------------------------------

  /** Queues bytes from the host; they reach DR one character time apart (see the header). */
  feedRx(bytes: ArrayLike<number>, errors: RxErrors = {}): void {
    if (bytes.length === 0) return;
    const flags = (errors.framing ? RX_FE : 0) | (errors.parity ? RX_PE : 0) | (errors.noise ? RX_NF : 0);
    for (let i = 0; i < bytes.length; i++) this.rxQueue.push((bytes[i] & 0xff) | flags);
    this.polls = 0;
    this.waiting = false;
    this.scheduleRx();
    const waiter = this.rxWaiter;
    this.rxWaiter = null;
    waiter?.resolve();
  }

  /** Host bytes not yet delivered into DR. */
  get rxQueueLength(): number {
    return this.rxQueue.length - this.rxHead;
  }

  /**
   * True while the firmware is only waiting for input on this USART: it has read SR at least
   * IDLE_POLLS times in a row with RXNE clear, nothing queued and the transmitter idle. Emulated time
   * then does not need to run ahead of the wall clock; the scheduler may still hold alarms (timeouts,
   * other peripherals), which a run loop should let happen in real time.
   */
  get idle(): boolean {
    return this.waiting && this.rxQueueLength === 0 && (this.sr & SR.RXNE) === 0;
  }

  /** Resolves at the next `feedRx` (at once if bytes are already queued). */
  whenRxQueued(): Promise<void> {
    if (this.rxQueueLength > 0) return Promise.resolve();
    if (!this.rxWaiter) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      this.rxWaiter = { promise, resolve };
    }
    return this.rxWaiter.promise;
  }

  /** The baud rate BRR and the APB clock give (0 while the baud generator is stopped). */
  get baudRate(): number {
    const divider = this.divider();
    return divider === 0 ? 0 : this.clock.hz() / divider;
  }

  // ---- Registers ------------------------------------------------------------------------------

  readRegister(offset: number): number {
    switch (offset) {
      case USART_REG.SR:
        return this.readSr();
      case USART_REG.DR:
        return this.readDr();
      default:
        return this.peekRegister(offset);
    }
  }

  protected override peekRegister(offset: number): number {
    switch (offset) {
      case USART_REG.SR:
        return this.sr;
      case USART_REG.DR:
        return this.rdr;
      case USART_REG.BRR:
        return this.brr;
      case USART_REG.CR1:
        return this.cr1;
      case USART_REG.CR2:
        return this.cr2;
      case USART_REG.CR3:
        return this.cr3;
      case USART_REG.GTPR:
        return this.gtpr;
      default:
        return 0; // reserved
    }
  }

  writeRegister(offset: number, value: number): void {
    const kind = this.isUart ? 'uart' : 'usart';
    switch (offset) {
      case USART_REG.SR:
        return this.writeSr(value);
      case USART_REG.DR:
        return this.writeDr(value);
      case USART_REG.BRR:
        this.brr = value & 0xffff;
        // A stalled baud generator (BRR was 0) starts now.
        this.startTx();
        return this.scheduleRx();
      case USART_REG.CR1:
        return this.writeCr1(value & CR1_WRITABLE);
      case USART_REG.CR2:
        this.cr2 = value & CR2_WRITABLE[kind];
        return this.updateIrq();
      case USART_REG.CR3:
        this.cr3 = value & CR3_WRITABLE[kind];
        return this.updateIrq();
      case USART_REG.GTPR:
        this.gtpr = value & GTPR_WRITABLE[kind];
        return;
    }
  }

  private readSr(): number {
    const sr = this.sr;
    this.srSeen = sr;
    this.countPoll();
    this.skipWhilePolling(sr);
    return sr;
  }

  /** One more turn of a loop polling SR while a character is on the line: on to the next event. */
  private skipWhilePolling(sr: number): void {
    const s = this.ctx.scheduler;
    const now = s.cycles;
    const polling = sr === this.lastPollSr && now - this.lastPollAt <= POLL_SKIP_MAX_CYCLES;
    this.lastPollSr = sr;
    if (polling && (this.rxAlarm.scheduled || this.txAlarm.scheduled) && s.nextEventAt > now) s.cycles = s.nextEventAt;
    this.lastPollAt = s.cycles;
  }

  /** Idle detection: a poll that finds nothing to receive and nothing being sent. */
  private countPoll(): void {
    const waiting = (this.sr & SR.RXNE) === 0 && this.rxQueueLength === 0 && this.txState === 'idle' && (this.sr & SR.TXE) !== 0;
    if (!waiting || (this.cr1 & (CR1.UE | CR1.RE)) !== (CR1.UE | CR1.RE)) {
      this.polls = 0;
      this.waiting = false;
      return;
    }
    // The window runs from its first poll to its last, so time a run loop spends (or skips) while the
    // core is stopped after a window does not count against the next one.
    const now = this.ctx.scheduler.cycles;
    if (this.polls % IDLE_POLLS === 0) this.windowStart = now;
    if (++this.polls % IDLE_POLLS !== 0) return;
    this.waiting = now - this.windowStart <= IDLE_POLLS * IDLE_MAX_CYCLES_PER_POLL;
    if (this.waiting) this.onIdle?.();
  }

  private readDr(): number {
    const value = this.rdr;
    this.sr &= ~(SR.RXNE | (this.srSeen & SR_READ_CLEARED));
    this.srSeen = 0;
    this.polls = 0;
    this.waiting = false;
    this.receiveHeld();
    this.updateIrq();
    return value;
  }

  private writeSr(value: number): void {
    this.sr &= value | ~SR_W0C;
    this.receiveHeld();
    this.updateIrq();
  }

  private writeDr(value: number): void {
    // TC clears by the sequence "read SR (TC = 1), then write DR".
    if ((this.srSeen & SR.TC) !== 0) this.sr &= ~SR.TC;
    this.srSeen = 0;
    this.polls = 0;
    this.waiting = false;
    this.tdr = value & 0x1ff;
    this.sr &= ~SR.TXE;
    this.startTx();
    this.updateIrq();
  }

  private writeCr1(value: number): void {
    const old = this.cr1;
    this.cr1 = value;
    this.polls = 0;
    this.waiting = false;
    const on = (bits: number) => (value & bits) === bits;
    const rose = (bits: number) => on(bits) && (old & bits) !== bits;
    // Setting TE (with UE) first sends an idle frame (RM0090 §30.3.2).
    if (rose(CR1.UE | CR1.TE) && this.txState === 'idle') this.beginTx('preamble', 0);
    else this.startTx();
    if (on(CR1.UE | CR1.RE)) {
      this.scheduleRx();
    } else {
      // Receiver off: the character on the line is abandoned; the host's bytes stay queued.
      this.rxAlarm.cancel();
      this.rxHeld = false;
      this.idleAlarm.cancel();
    }
    this.updateIrq();
  }

  // ---- Transmitter ----------------------------------------------------------------------------

  private get transmitterOn(): boolean {
    return (this.cr1 & (CR1.UE | CR1.TE)) === (CR1.UE | CR1.TE);
  }

  /** Starts the next thing the shift register should send, if it is free: a break, or TDR's character. */
  private startTx(): void {
    if (this.txState !== 'idle' || !this.transmitterOn) return;
    if ((this.cr1 & CR1.SBK) !== 0) {
      this.beginTx('break', 0);
    } else if ((this.sr & SR.TXE) === 0 && this.beginTx('char', this.tdr)) {
      this.sr |= SR.TXE; // TDR → shift register
    }
  }

  /** Puts something on the line for one character time; false while the baud generator is stopped. */
  private beginTx(state: 'char' | 'preamble' | 'break', value: number): boolean {
    const ns = this.characterNs();
    if (!Number.isFinite(ns)) {
      this.logStall();
      return false;
    }
    this.txState = state;
    this.txShift = value;
    this.txAlarm.scheduleNs(ns);
    return true;
  }

  private txComplete(): void {
    const state = this.txState;
    this.txState = 'idle';
    if (state === 'char') {
      this.onTx(this.hostByte(this.txShift));
      if ((this.sr & SR.TXE) !== 0) this.sr |= SR.TC;
    } else if (state === 'break') {
      this.cr1 &= ~CR1.SBK; // cleared by hardware during the break's stop bit (RM0090 §30.6.4)
      this.onBreak();
    }
    this.startTx();
    this.updateIrq();
  }

  /** The 8 bits the host sees of a transmitted DR value (see the header). */
  private hostByte(value: number): number {
    const sevenBits = (this.cr1 & (CR1.M | CR1.PCE)) === CR1.PCE;
    return value & (sevenBits ? 0x7f : 0xff);
  }

  // ---- Receiver -------------------------------------------------------------------------------

  /** Puts the next queued host byte on the line if the receiver is on and the line is free. */
  private scheduleRx(): void {
    if (this.rxQueueLength === 0 || this.rxHeld || this.rxAlarm.scheduled) return;
    if ((this.cr1 & (CR1.UE | CR1.RE)) !== (CR1.UE | CR1.RE)) return;
    const ns = this.characterNs();
    if (!Number.isFinite(ns)) return this.logStall();
    this.idleAlarm.cancel();
    this.rxAlarm.scheduleNs(ns);
  }

  /** A character finished arriving: into DR, lost (overrun), held (flow control) or dropped (mute). */
  private rxComplete(): void {
    const entry = this.rxQueue[this.rxHead];
    if ((this.cr1 & CR1.RWU) !== 0 && !this.wakesFromMute(entry)) {
      this.dequeue();
    } else if ((this.sr & SR.RXNE) !== 0) {
      if (this.hostFlowControl) {
        this.rxHeld = true;
        return;
      }
      this.sr |= SR.ORE; // the shift register is overwritten; RDR keeps the unread character
      this.dequeue();
    } else {
      this.deliver(entry);
      this.dequeue();
    }
    this.afterCharacter();
  }

  /** DR was read: a character held by flow control moves into it. */
  private receiveHeld(): void {
    if (!this.rxHeld || (this.sr & SR.RXNE) !== 0) return;
    this.rxHeld = false;
    this.deliver(this.rxQueue[this.rxHead]);
    this.dequeue();
    this.afterCharacter();
  }

  private deliver(entry: number): void {
    this.rdr = this.dataRegisterValue(entry);
    let flags = SR.RXNE;
    if ((entry & RX_PE) !== 0 && (this.cr1 & CR1.PCE) !== 0) flags |= SR.PE;
    if ((entry & RX_FE) !== 0) flags |= SR.FE;
    if ((entry & RX_NF) !== 0) flags |= SR.NF;
    this.sr |= flags;
    this.idleArmed = true;
  }

  private dequeue(): void {
    this.rxHead++;
    if (this.rxHead === this.rxQueue.length) {
      this.rxQueue.length = 0;
      this.rxHead = 0;
    } else if (this.rxHead > 1024) {
      this.rxQueue.splice(0, this.rxHead);
      this.rxHead = 0;
    }
  }

  /** Next character, or the idle-line watch when the host has nothing more to send. */
  private afterCharacter(): void {
    if (this.rxQueueLength > 0) {
      this.scheduleRx();
    } else {
      const ns = this.characterNs();
      if (Number.isFinite(ns)) this.idleAlarm.scheduleNs(ns);
    }
    this.updateIrq();
  }

  /** The line stayed idle for a character time: IDLE (once per received character), mute wake-up. */
  private idleLine(): void {
    if ((this.cr1 & CR1.RWU) !== 0) {
      if ((this.cr1 & CR1.WAKE) === 0) this.cr1 &= ~CR1.RWU; // idle-line wake-up (§30.3.7)
    } else if (this.idleArmed) {
      this.sr |= SR.IDLE;
      this.idleArmed = false;
    }
    this.updateIrq();
  }

  /** Address-mark wake-up (WAKE = 1): a character with its MSB set and CR2.ADD in its low 4 bits. */
  private wakesFromMute(entry: number): boolean {
    if ((this.cr1 & CR1.WAKE) === 0) return false;
    const data = this.dataRegisterValue(entry);
    const msb = (this.cr1 & CR1.M) !== 0 ? 0x100 : 0x80;
    if ((data & msb) === 0 || (data & 0xf) !== (this.cr2 & CR2.ADD)) return false;
    this.cr1 &= ~CR1.RWU;
    return true;
  }

  /** DR's value for a host byte under the frame format (parity bit in the MSB when PCE = 1). */
  private dataRegisterValue(entry: number): number {
    const byte = entry & 0xff;
    const nineBits = (this.cr1 & CR1.M) !== 0;
    if ((this.cr1 & CR1.PCE) === 0) return byte;
    const data = nineBits ? byte : byte & 0x7f;
    const odd = (this.cr1 & CR1.PS) !== 0 ? 1 : 0;
    const wrong = (entry & RX_PE) !== 0 ? 1 : 0;
    const parity = parityOf(data) ^ odd ^ wrong;
    return data | (parity << (nineBits ? 8 : 7));
  }

  // ---- Timing ----------------------------------------------------------------------------------

  /** BRR as a divider of fCK (RM0090 §30.3.4); 0 stops the baud generator. */
  private divider(): number {
    if ((this.cr1 & CR1.OVER8) === 0) return this.brr;
    return ((this.brr >>> 4) << 3) | (this.brr & 7);
  }

  /** One character (start, data/parity, stop bits) in emulated nanoseconds; Infinity while stopped. */
  private characterNs(): number {
    const divider = this.divider();
    const hz = this.clock.hz();
    if (divider === 0 || hz <= 0) return Infinity;
    const bits = 1 + ((this.cr1 & CR1.M) !== 0 ? 9 : 8) + STOP_BITS[(this.cr2 & CR2.STOP) >>> CR2.STOP_SHIFT];
    return (bits * divider * 1e9) / hz;
  }

  private logStall(): void {
    if (this.stallLogged) return;
    this.stallLogged = true;
    this.ctx.log('usart', `${this.name}: BRR = 0 (or no clock): the baud rate generator is stopped, nothing is sent or received`);
  }

  // ---- Interrupt and reset ---------------------------------------------------------------------

  /** The USART line: any enabled event flag (RM0090 §30.4 Table 146, Figure 320). */
  private updateIrq(): void {
    const sr = this.sr;
    const cr1 = this.cr1;
    const level =
      ((cr1 & CR1.TXEIE) !== 0 && (sr & SR.TXE) !== 0) ||
      ((cr1 & CR1.TCIE) !== 0 && (sr & SR.TC) !== 0) ||
      ((cr1 & CR1.RXNEIE) !== 0 && (sr & (SR.RXNE | SR.ORE)) !== 0) ||
      ((cr1 & CR1.IDLEIE) !== 0 && (sr & SR.IDLE) !== 0) ||
      ((cr1 & CR1.PEIE) !== 0 && (sr & SR.PE) !== 0) ||
      ((this.cr2 & CR2.LBDIE) !== 0 && (sr & SR.LBD) !== 0) ||
      ((this.cr3 & CR3.CTSIE) !== 0 && (sr & SR.CTS) !== 0) ||
      ((this.cr3 & (CR3.EIE | CR3.DMAR)) === (CR3.EIE | CR3.DMAR) && (sr & (SR.FE | SR.ORE | SR.NF)) !== 0);
    this.ctx.setIrq(this.irq, level);
    this.updateDmaRequests();
  }

  /** TXE with DMAT, RXNE with DMAR: the request lines to the DMA controllers (RM0090 §30.3.13). */
  private updateDmaRequests(): void {
    const tx = (this.cr3 & CR3.DMAT) !== 0 && (this.sr & SR.TXE) !== 0 ? 1 : 0;
    const rx = (this.cr3 & CR3.DMAR) !== 0 && (this.sr & SR.RXNE) !== 0 ? 2 : 0;
    const changed = (tx | rx) ^ this.dmaRequests;
    if (changed === 0) return;
    this.dmaRequests = tx | rx;
    if ((changed & 1) !== 0) this.onDmaRequest?.('tx', tx !== 0);
    if ((changed & 2) !== 0) this.onDmaRequest?.('rx', rx !== 0);
  }

  /** Every reset: registers to their reset values; a character on the line is lost; queued host bytes stay. */
  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    this.txAlarm.cancel();
    this.rxAlarm.cancel();
    this.idleAlarm.cancel();
    this.sr = SR_RESET;
    this.brr = this.cr1 = this.cr2 = this.cr3 = this.gtpr = 0;
    this.rdr = this.tdr = this.txShift = 0;
    this.txState = 'idle';
    this.srSeen = 0;
    this.rxHeld = false;
    this.idleArmed = false;
    this.polls = 0;
    this.waiting = false;
    this.updateIrq();
  }
}

/** The USART/UART blocks of the F407. */
export const USART_NAMES: readonly string[] = ['USART1', 'USART2', 'USART3', 'UART4', 'UART5', 'USART6'];

/** Builds USART1/2/3/6 and UART4/5, each on its APB clock from RCC (PCLK2 for USART1/6, PCLK1 otherwise). */
export const usartFactory: PeripheralFactory = (block, ctx, machine) =>
  USART_NAMES.includes(block.name) ? new Usart(block, ctx, rccClock(machine, busClock(block.bus, 'pclk'))) : undefined;

/** The machine's USART/UART by name (e.g. 'USART2'); a programming error if it was built without usartFactory. */
export function usartOf(machine: { peripherals: Map<string, Peripheral> }, name: string): Usart {
  const p = machine.peripherals.get(name.toUpperCase());
  if (!(p instanceof Usart)) throw new Error(`this Machine has no ${name} model: build it with usartFactory`);
  return p;
}

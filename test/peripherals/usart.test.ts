import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IRQ } from '../../src/device/stm32f407.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { CR1, CR2, IDLE_MAX_CYCLES_PER_POLL, IDLE_POLLS, POLL_SKIP_MAX_CYCLES, SR, USART_REG, type Usart, usartOf } from '../../src/peripherals/usart.js';
import { advanceNs, chip, irqLevel, irqPending, read, reg, setBits, write } from './support.js';
import type { Machine } from '../../src/machine.js';

const { SR: SR_, DR, BRR, CR1: CR1_, CR2: CR2_, CR3, GTPR } = USART_REG;
/** 16 MHz / 139 ≈ 115 108 baud: one bit is 139 / 16 MHz = 8 687.5 ns, an 8N1 character 10 bits. */
const BRR_115200 = 0x8b;
const BIT_NS = (139 * 1e9) / 16e6;
const CHAR_NS = 10 * BIT_NS;

/** The chip with USARTn clocked and configured: BRR for 115200, UE plus the given CR1 bits. */
function usartChip(name = 'USART2', cr1 = CR1.TE | CR1.RE): { m: Machine; u: Usart; sent: number[] } {
  const m = chip();
  const apb2 = name === 'USART1' || name === 'USART6';
  const bit = { USART1: 4, USART6: 5, USART2: 17, USART3: 18, UART4: 19, UART5: 20 }[name]!;
  setBits(m, 'RCC', apb2 ? RCC_REG.APB2ENR : RCC_REG.APB1ENR, 1 << bit);
  const u = usartOf(m, name);
  const sent: number[] = [];
  u.onTx = (b) => sent.push(b);
  write(m, name, BRR, BRR_115200);
  write(m, name, CR1_, CR1.UE | cr1);
  return { m, u, sent };
}

/** Lets the idle frame that follows TE = 1 go by. */
function skipPreamble(m: Machine): void {
  advanceNs(m, CHAR_NS);
}

describe('USART registers', () => {
  it('reset values: SR = 0x00C0 (TXE, TC), everything else 0', () => {
    const m = chip();
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 17);
    for (const [offset, value] of [[SR_, 0xc0], [DR, 0], [BRR, 0], [CR1_, 0], [CR2_, 0], [CR3, 0], [GTPR, 0]]) {
      assert.equal(read(m, 'USART2', offset), value, `offset ${offset}`);
    }
  });

  it('keeps only the implemented bits of CR1/CR2/CR3/GTPR, fewer on UART4', () => {
    const { m } = usartChip('USART3');
    write(m, 'USART3', CR2_, 0xffff_ffff);
    write(m, 'USART3', CR3, 0xffff_ffff);
    write(m, 'USART3', GTPR, 0xffff_ffff);
    assert.deepEqual([read(m, 'USART3', CR2_), read(m, 'USART3', CR3), read(m, 'USART3', GTPR)], [0x7f6f, 0x0fff, 0xffff]);
    const u4 = usartChip('UART4').m;
    write(u4, 'UART4', CR2_, 0xffff_ffff);
    write(u4, 'UART4', CR3, 0xffff_ffff);
    write(u4, 'UART4', GTPR, 0xffff_ffff);
    assert.deepEqual([read(u4, 'UART4', CR2_), read(u4, 'UART4', CR3), read(u4, 'UART4', GTPR)], [0x706f, 0x08cf, 0]);
  });

  it('writing 0 clears RXNE and TC; writing 0 to the read-only flags changes nothing', () => {
    const { m, u } = usartChip();
    u.feedRx([0x55]);
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', SR_) & (SR.RXNE | SR.TC | SR.TXE), SR.RXNE | SR.TC | SR.TXE);
    write(m, 'USART2', SR_, 0);
    assert.equal(read(m, 'USART2', SR_), SR.TXE);
  });

  it('ignores writes and reads 0 while RCC gates its clock off', () => {
    const m = chip();
    write(m, 'USART2', BRR, 0x1234);
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 17);
    assert.equal(read(m, 'USART2', BRR), 0);
  });
});

describe('USART transmitter', () => {
  it('sends an idle frame when TE is set, then each character one character time after it leaves TDR', () => {
    const { m, sent } = usartChip('USART2', CR1.TE);
    write(m, 'USART2', DR, 0x41);
    assert.equal(read(m, 'USART2', SR_) & SR.TXE, 0, 'TDR waits behind the idle frame');
    skipPreamble(m);
    assert.equal(read(m, 'USART2', SR_) & SR.TXE, SR.TXE, 'TDR moved to the shift register');
    advanceNs(m, CHAR_NS - 200);
    assert.deepEqual(sent, []);
    advanceNs(m, 200);
    assert.deepEqual(sent, [0x41]);
  });

  it('TC clears by SR read then DR write, and rises when the last character is out with TDR empty', () => {
    const { m, sent } = usartChip('USART2', CR1.TE);
    skipPreamble(m);
    assert.ok(read(m, 'USART2', SR_) & SR.TC);
    write(m, 'USART2', DR, 0x31);
    write(m, 'USART2', DR, 0x32); // into TDR while the first is on the line
    assert.equal(read(m, 'USART2', SR_) & (SR.TC | SR.TXE), 0);
    advanceNs(m, CHAR_NS);
    assert.deepEqual(sent, [0x31]);
    assert.equal(read(m, 'USART2', SR_) & (SR.TC | SR.TXE), SR.TXE, 'second character on the line');
    advanceNs(m, CHAR_NS);
    assert.deepEqual(sent, [0x31, 0x32]);
    assert.equal(read(m, 'USART2', SR_) & (SR.TC | SR.TXE), SR.TC | SR.TXE);
  });

  it('a DR write without a preceding SR read leaves TC set', () => {
    const { m } = usartChip('USART2', CR1.TE);
    skipPreamble(m);
    write(m, 'USART2', SR_, 0xffff_ffff); // a write is not the read the sequence needs
    write(m, 'USART2', DR, 0x31);
    assert.ok(m.bus.read32(reg('USART2', SR_)) & SR.TC);
  });

  it('with nothing connected, characters still take their time and TC rises', () => {
    const m = chip();
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 17);
    write(m, 'USART2', BRR, BRR_115200);
    write(m, 'USART2', CR1_, CR1.UE | CR1.TE);
    skipPreamble(m);
    read(m, 'USART2', SR_);
    write(m, 'USART2', DR, 0x7e);
    assert.equal(read(m, 'USART2', SR_) & SR.TC, 0);
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', SR_) & SR.TC, SR.TC);
  });

  it('sends 7 data bits under M = 0 with parity, 8 under M = 1 with parity', () => {
    const seven = usartChip('USART2', CR1.TE | CR1.PCE);
    skipPreamble(seven.m);
    write(seven.m, 'USART2', DR, 0xc1);
    advanceNs(seven.m, CHAR_NS);
    assert.deepEqual(seven.sent, [0x41]);
    const eight = usartChip('USART2', CR1.TE | CR1.PCE | CR1.M);
    advanceNs(eight.m, 11 * BIT_NS);
    write(eight.m, 'USART2', DR, 0xc1);
    advanceNs(eight.m, 11 * BIT_NS);
    assert.deepEqual(eight.sent, [0xc1]);
  });

  it('character time follows M, STOP and OVER8: 9 data bits + 2 stop bits at OVER8 = 1', () => {
    const { m, u, sent } = usartChip('USART2', CR1.TE | CR1.M | CR1.OVER8);
    write(m, 'USART2', CR2_, 2 << CR2.STOP_SHIFT);
    // OVER8: divider = 8 × mantissa + fraction[2:0] = 8 × 0x45 + 5 = 557
    write(m, 'USART2', BRR, (0x45 << 4) | 5);
    assert.equal(Math.round(u.baudRate), Math.round(16e6 / 557));
    const charNs = (12 * 557 * 1e9) / 16e6;
    advanceNs(m, charNs); // idle frame
    write(m, 'USART2', DR, 0x5a);
    advanceNs(m, charNs - 100);
    assert.deepEqual(sent, []);
    advanceNs(m, 100);
    assert.deepEqual(sent, [0x5a]);
  });

  it('BRR = 0 stops the baud generator: nothing leaves until BRR is set', () => {
    const m = chip();
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 17);
    const u = usartOf(m, 'USART2');
    const sent: number[] = [];
    u.onTx = (b) => sent.push(b);
    write(m, 'USART2', CR1_, CR1.UE | CR1.TE);
    write(m, 'USART2', DR, 0x33);
    advanceNs(m, 10_000_000);
    assert.deepEqual(sent, []);
    write(m, 'USART2', BRR, BRR_115200);
    advanceNs(m, CHAR_NS);
    assert.deepEqual(sent, [0x33]);
  });

  it('SBK sends a break after the current character and clears itself', () => {
    const { m, u } = usartChip('USART2', CR1.TE);
    let breaks = 0;
    u.onBreak = () => breaks++;
    skipPreamble(m);
    setBits(m, 'USART2', CR1_, CR1.SBK);
    advanceNs(m, CHAR_NS);
    assert.equal(breaks, 1);
    assert.equal(read(m, 'USART2', CR1_) & CR1.SBK, 0);
  });
});

describe('USART receiver', () => {
  it('delivers host bytes one character time apart into DR, RXNE cleared by reading DR', () => {
    const { m, u } = usartChip();
    u.feedRx([0x68, 0x69]);
    advanceNs(m, CHAR_NS - 200);
    assert.equal(read(m, 'USART2', SR_) & SR.RXNE, 0);
    advanceNs(m, 200);
    assert.equal(read(m, 'USART2', SR_) & SR.RXNE, SR.RXNE);
    assert.equal(read(m, 'USART2', DR), 0x68);
    assert.equal(read(m, 'USART2', SR_) & SR.RXNE, 0);
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', DR), 0x69);
    assert.equal(u.rxQueueLength, 0);
  });

  it('keeps host bytes queued while the receiver is off and delivers them once RE is set', () => {
    const { m, u } = usartChip('USART2', CR1.TE);
    u.feedRx([1, 2, 3]);
    advanceNs(m, 10 * CHAR_NS);
    assert.equal(u.rxQueueLength, 3);
    setBits(m, 'USART2', CR1_, CR1.RE);
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', DR), 1);
    assert.equal(u.rxQueueLength, 2);
  });

  it('host flow control (default): a slow firmware loses nothing and sees no overrun', () => {
    const { m, u } = usartChip();
    u.feedRx([10, 20, 30]);
    advanceNs(m, 20 * CHAR_NS);
    assert.equal(read(m, 'USART2', SR_) & (SR.RXNE | SR.ORE), SR.RXNE);
    const got = [read(m, 'USART2', DR)];
    // The character that completed meanwhile moves into DR as soon as DR is read.
    assert.ok(read(m, 'USART2', SR_) & SR.RXNE);
    got.push(read(m, 'USART2', DR));
    advanceNs(m, CHAR_NS);
    got.push(read(m, 'USART2', DR));
    assert.deepEqual(got, [10, 20, 30]);
    assert.equal(read(m, 'USART2', SR_) & SR.ORE, 0);
  });

  it('at line rate a character completing while RXNE is set is lost with ORE, cleared by SR then DR read', () => {
    const { m, u } = usartChip();
    u.hostFlowControl = false;
    u.feedRx([10, 20, 30]);
    advanceNs(m, 2 * CHAR_NS);
    const sr = read(m, 'USART2', SR_);
    assert.equal(sr & (SR.RXNE | SR.ORE), SR.RXNE | SR.ORE);
    assert.equal(read(m, 'USART2', DR), 10, 'RDR keeps the unread character');
    assert.equal(read(m, 'USART2', SR_) & SR.ORE, 0);
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', DR), 30);
  });

  it('ORE stays set when DR is read without reading SR first', () => {
    const { m, u } = usartChip();
    u.hostFlowControl = false;
    u.feedRx([1, 2]);
    advanceNs(m, 2 * CHAR_NS);
    read(m, 'USART2', DR);
    assert.ok(read(m, 'USART2', SR_) & SR.ORE);
  });

  it('9-bit frames with even parity: DR bit 8 is the parity bit; a parity error sets PE and inverts it', () => {
    const { m, u } = usartChip('USART2', CR1.RE | CR1.M | CR1.PCE);
    const char = 11 * BIT_NS;
    u.feedRx([0x03, 0x01]);
    advanceNs(m, char);
    assert.equal(read(m, 'USART2', DR), 0x003);
    advanceNs(m, char);
    assert.equal(read(m, 'USART2', DR), 0x101);
    u.feedRx([0x01], { parity: true });
    advanceNs(m, char);
    assert.equal(read(m, 'USART2', SR_) & SR.PE, SR.PE);
    assert.equal(read(m, 'USART2', DR), 0x001);
    assert.equal(read(m, 'USART2', SR_) & SR.PE, 0, 'cleared by the SR read then DR read');
  });

  it('odd parity on 7 data bits puts the parity bit in DR bit 7', () => {
    const { m, u } = usartChip('USART2', CR1.RE | CR1.PCE | CR1.PS);
    u.feedRx([0x83]); // bit 7 of the host byte is not sent
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', DR), 0x83); // 0x03 has two ones: odd parity bit = 1
  });

  it('injected framing and noise errors set FE and NF with RXNE', () => {
    const { m, u } = usartChip();
    u.feedRx([0x00], { framing: true, noise: true });
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', SR_) & (SR.FE | SR.NF | SR.RXNE), SR.FE | SR.NF | SR.RXNE);
    read(m, 'USART2', DR);
    assert.equal(read(m, 'USART2', SR_) & (SR.FE | SR.NF), 0);
  });

  it('IDLE rises one character time after the last character, once per reception', () => {
    const { m, u } = usartChip();
    u.feedRx([0x11]);
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', SR_) & SR.IDLE, 0);
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', SR_) & SR.IDLE, SR.IDLE);
    read(m, 'USART2', DR);
    assert.equal(read(m, 'USART2', SR_) & SR.IDLE, 0);
    advanceNs(m, 10 * CHAR_NS);
    assert.equal(read(m, 'USART2', SR_) & SR.IDLE, 0, 'not again without a new character');
  });

  it('mute mode with address-mark wake-up drops characters until its address arrives', () => {
    const { m, u } = usartChip('USART2', CR1.RE | CR1.WAKE | CR1.RWU);
    write(m, 'USART2', CR2_, 0x5);
    u.feedRx([0x11, 0x83, 0x85, 0x22]);
    advanceNs(m, 3 * CHAR_NS);
    assert.equal(read(m, 'USART2', CR1_) & CR1.RWU, 0, 'woken by 0x85');
    assert.equal(read(m, 'USART2', DR), 0x85);
    advanceNs(m, CHAR_NS);
    assert.equal(read(m, 'USART2', DR), 0x22);
  });

  it('a system reset restores the registers but keeps the host bytes not yet delivered', () => {
    const { m, u } = usartChip();
    u.feedRx([1, 2, 3]);
    advanceNs(m, CHAR_NS);
    m.reset('system');
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 17);
    assert.equal(read(m, 'USART2', SR_), 0xc0);
    assert.equal(u.rxQueueLength, 2);
  });
});

describe('USART interrupts', () => {
  it('RXNEIE pends USART2 in the NVIC when a character arrives; reading DR drops the line', () => {
    const { m, u } = usartChip('USART2', CR1.RE | CR1.RXNEIE);
    u.feedRx([0x42]);
    assert.equal(irqPending(m, IRQ.USART2), false);
    advanceNs(m, CHAR_NS);
    assert.equal(irqPending(m, IRQ.USART2), true);
    assert.equal(irqLevel(m, IRQ.USART2), true);
    read(m, 'USART2', DR);
    assert.equal(irqLevel(m, IRQ.USART2), false);
  });

  it('TXEIE holds the line while TDR is empty; TCIE fires at the end of the transmission', () => {
    const { m } = usartChip('USART6', CR1.TE | CR1.TXEIE);
    assert.equal(irqLevel(m, IRQ.USART6), true);
    write(m, 'USART6', CR1_, CR1.UE | CR1.TE | CR1.TCIE);
    skipPreamble(m);
    read(m, 'USART6', SR_);
    write(m, 'USART6', DR, 0x20);
    assert.equal(irqLevel(m, IRQ.USART6), false);
    advanceNs(m, CHAR_NS);
    assert.equal(irqLevel(m, IRQ.USART6), true);
    assert.equal(irqPending(m, IRQ.USART6), true);
  });

  it('IDLEIE and PEIE raise the line on IDLE and PE', () => {
    const { m, u } = usartChip('UART5', CR1.RE | CR1.IDLEIE | CR1.PEIE | CR1.PCE | CR1.M);
    u.feedRx([0x01], { parity: true });
    advanceNs(m, 11 * BIT_NS);
    assert.equal(irqLevel(m, IRQ.UART5), true, 'PE');
    read(m, 'UART5', SR_);
    read(m, 'UART5', DR);
    assert.equal(irqLevel(m, IRQ.UART5), false);
    advanceNs(m, 11 * BIT_NS);
    assert.equal(irqLevel(m, IRQ.UART5), true, 'IDLE');
  });
});

describe('USART clock', () => {
  it('USART1 runs on PCLK2: the APB2 prescaler changes its baud rate, not USART2s', () => {
    const one = usartChip('USART1');
    setBits(one.m, 'RCC', RCC_REG.APB1ENR, 1 << 17);
    write(one.m, 'USART2', BRR, BRR_115200);
    const two = usartOf(one.m, 'USART2');
    assert.equal(one.u.baudRate, 16e6 / 139);
    write(one.m, 'RCC', RCC_REG.CFGR, 4 << 13); // PPRE2 = /2
    assert.equal(one.u.baudRate, 8e6 / 139);
    assert.equal(two.baudRate, 16e6 / 139);
  });
});

describe('USART idle detection for the run loop', () => {
  it('becomes idle after IDLE_POLLS fruitless SR reads, calls onIdle once, and wakes on feedRx', async () => {
    const { m, u } = usartChip();
    skipPreamble(m);
    let calls = 0;
    u.onIdle = () => calls++;
    for (let i = 0; i < IDLE_POLLS - 1; i++) read(m, 'USART2', SR_);
    assert.equal(u.idle, false);
    read(m, 'USART2', SR_);
    read(m, 'USART2', SR_);
    assert.equal(u.idle, true);
    assert.equal(calls, 1);
    const woken = u.whenRxQueued();
    u.feedRx([0x0d]);
    await woken;
    assert.equal(u.idle, false);
  });

  it('calls onIdle again after each further window of IDLE_POLLS polls while the firmware keeps waiting', () => {
    const { m, u } = usartChip();
    skipPreamble(m);
    let calls = 0;
    u.onIdle = () => calls++;
    for (let i = 0; i < 3 * IDLE_POLLS; i++) read(m, 'USART2', SR_);
    assert.equal(calls, 3);
    assert.equal(u.idle, true);
  });

  it('a loop doing other work between its polls (more than IDLE_MAX_CYCLES_PER_POLL cycles a turn) is not idle', () => {
    const { m, u } = usartChip();
    skipPreamble(m);
    let calls = 0;
    u.onIdle = () => calls++;
    for (let i = 0; i < 2 * IDLE_POLLS; i++) {
      read(m, 'USART2', SR_);
      m.scheduler.cycles += IDLE_MAX_CYCLES_PER_POLL + 2;
    }
    assert.equal(calls, 0);
    assert.equal(u.idle, false);
  });

  it('polling while a character is being sent is not idle', () => {
    const { m, u } = usartChip();
    skipPreamble(m);
    write(m, 'USART2', DR, 0x41);
    for (let i = 0; i < 2 * IDLE_POLLS; i++) read(m, 'USART2', SR_);
    assert.equal(u.idle, false);
  });
});

describe('USART poll skipping', () => {
  it('a second SR read soon after the first, unchanged, while a character arrives, moves time to its arrival', () => {
    const { m, u } = usartChip();
    skipPreamble(m);
    const s = m.scheduler;
    u.feedRx([0x41]);
    const arrival = s.nextAlarmAt;
    assert.ok(arrival > s.cycles + POLL_SKIP_MAX_CYCLES, 'one character time is many cycles');
    assert.equal(read(m, 'USART2', SR_) & SR.RXNE, 0);
    s.cycles += 5; // one turn of a `while (!(SR & RXNE))` loop
    assert.equal(read(m, 'USART2', SR_) & SR.RXNE, 0, 'the read returns SR as it is');
    assert.equal(s.cycles, arrival, 'then time moves on to the character');
    s.fireDue();
    assert.equal(read(m, 'USART2', SR_) & SR.RXNE, SR.RXNE);
    assert.equal(read(m, 'USART2', DR), 0x41);
  });

  it('waiting for TXE skips to the end of the character on the line, which the host receives then', () => {
    const { m, u, sent } = usartChip();
    skipPreamble(m);
    const s = m.scheduler;
    write(m, 'USART2', DR, 0x31); // into the shift register at once: TXE = 1 again
    write(m, 'USART2', DR, 0x32); // waits in TDR: TXE = 0
    const end = s.nextAlarmAt;
    read(m, 'USART2', SR_);
    read(m, 'USART2', SR_);
    assert.equal(s.cycles, end);
    s.fireDue();
    assert.deepEqual(sent, [0x31]);
    assert.equal(read(m, 'USART2', SR_) & SR.TXE, SR.TXE);
    assert.equal(u.idle, false);
  });

  it('reads further apart than POLL_SKIP_MAX_CYCLES, or with nothing on the line, leave time alone', () => {
    const { m, u } = usartChip();
    skipPreamble(m);
    const s = m.scheduler;
    read(m, 'USART2', SR_);
    const idleLine = s.cycles;
    read(m, 'USART2', SR_);
    assert.equal(s.cycles, idleLine, 'nothing on the line: nothing to skip to');
    u.feedRx([0x41]);
    for (let i = 0; i < 4; i++) {
      const before = s.cycles + POLL_SKIP_MAX_CYCLES + 1;
      s.cycles = before;
      read(m, 'USART2', SR_);
      assert.equal(s.cycles, before);
    }
  });
});

describe('USART with the core', () => {
  it('an echo program polling SR echoes host bytes, and its wait for input is seen as idle', () => {
    const m = chip({ boot0: 1, boot1: 1 });
    // Vector table at SRAM (aliased at 0): SP, reset → 0x2000_1000.
    m.bus.write32(0x2000_0000, 0x2000_8000);
    m.bus.write32(0x2000_0004, 0x2000_1001);
    // echo: r0 = USART2; loop: wait RXNE; r2 = DR; wait TXE; DR = r2; b loop (arm-none-eabi-as output)
    const code = [0x4805, 0x6801, 0xf011, 0x0f20, 0xd0fb, 0x6842, 0x6801, 0xf011, 0x0f80, 0xd0fb, 0x6042, 0xe7f4, 0x4400, 0x4000];
    code.forEach((h, i) => m.bus.write16(0x2000_1000 + 2 * i, h));
    m.reset('power-on');
    setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 17);
    const u = usartOf(m, 'USART2');
    const sent: number[] = [];
    u.onTx = (b) => sent.push(b);
    let idle = 0;
    u.onIdle = () => {
      idle++;
      m.cpu.stopRequest = 'stop';
      m.cpu.attention();
    };
    write(m, 'USART2', BRR, BRR_115200);
    write(m, 'USART2', CR1_, CR1.UE | CR1.TE | CR1.RE);
    u.feedRx(Buffer.from('hi'));
    assert.equal(m.run(1_000_000), 'stop');
    assert.equal(Buffer.from(sent).toString(), 'hi');
    assert.equal(idle, 1);
    assert.ok(m.cpu.instructions < 10_000, `stopped soon after the echo (${m.cpu.instructions} instructions)`);
  });
});

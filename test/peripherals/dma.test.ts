import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IRQ } from '../../src/device/stm32f407.js';
import type { Machine } from '../../src/machine.js';
import { DIR, DMA_REG, FLAG, ITEM_CYCLES, SCR, SFCR, STREAM_REG, flagShift, streamOffset } from '../../src/peripherals/dma.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { CR1, CR3, SR, USART_REG, usartOf } from '../../src/peripherals/usart.js';
import { advanceNs, chip, irqLevel, read, setBits, write } from './support.js';

const SRAM = 0x2000_0000;
const SRC = SRAM + 0x1000;
const DST = SRAM + 0x8000;

/** The chip with DMA1 and DMA2 clocked (RCC_AHB1ENR DMA1EN, DMA2EN). */
function dmaChip(): Machine {
  const m = chip();
  setBits(m, 'RCC', RCC_REG.AHB1ENR, (1 << 21) | (1 << 22));
  return m;
}

const sreg = (stream: number, r: number): number => streamOffset(stream) + r;

/** Flags of `stream` from LISR/HISR. */
function flags(m: Machine, dma: string, stream: number): number {
  const isr = read(m, dma, stream < 4 ? DMA_REG.LISR : DMA_REG.HISR);
  return (isr >>> flagShift(stream)) & 0x3d;
}

function clearFlags(m: Machine, dma: string, stream: number): void {
  write(m, dma, stream < 4 ? DMA_REG.LIFCR : DMA_REG.HIFCR, 0x3d << flagShift(stream));
}

/** Programs a stream (EN = 0) and enables it with `cr | EN`. */
function startStream(
  m: Machine, dma: string, stream: number,
  o: { cr: number; ndtr: number; par: number; m0ar: number; m1ar?: number; fcr?: number },
): void {
  write(m, dma, sreg(stream, STREAM_REG.PAR), o.par);
  write(m, dma, sreg(stream, STREAM_REG.M0AR), o.m0ar);
  if (o.m1ar !== undefined) write(m, dma, sreg(stream, STREAM_REG.M1AR), o.m1ar);
  write(m, dma, sreg(stream, STREAM_REG.NDTR), o.ndtr);
  if (o.fcr !== undefined) write(m, dma, sreg(stream, STREAM_REG.FCR), o.fcr);
  write(m, dma, sreg(stream, STREAM_REG.CR), o.cr | SCR.EN);
}

/** Runs emulated time (with its alarms) for `cycles` HCLK cycles. */
function runCycles(m: Machine, cycles: number): void {
  advanceNs(m, (cycles * 1e9) / m.scheduler.frequencyHz);
}

const size = (bytes: number): number => ({ 1: 0, 2: 1, 4: 2 })[bytes as 1 | 2 | 4];
const m2m = (psize: number, msize: number, extra = 0): number =>
  (DIR.M2M << SCR.DIR_SHIFT) | (size(psize) << SCR.PSIZE_SHIFT) | (size(msize) << SCR.MSIZE_SHIFT) | extra;

function fillSource(m: Machine, n: number): void {
  for (let i = 0; i < n; i++) m.bus.write8(SRC + i, (i * 7 + 3) & 0xff);
}
const sourceByte = (i: number): number => (i * 7 + 3) & 0xff;

describe('DMA registers', () => {
  it('reset values: flags, CR, NDTR, PAR, M0AR, M1AR are 0 and FCR is 0x21', () => {
    const m = dmaChip();
    for (const dma of ['DMA1', 'DMA2']) {
      assert.equal(read(m, dma, DMA_REG.LISR), 0);
      assert.equal(read(m, dma, DMA_REG.HISR), 0);
      for (let s = 0; s < 8; s++) {
        for (const r of [STREAM_REG.CR, STREAM_REG.NDTR, STREAM_REG.PAR, STREAM_REG.M0AR, STREAM_REG.M1AR]) {
          assert.equal(read(m, dma, sreg(s, r)), 0);
        }
        assert.equal(read(m, dma, sreg(s, STREAM_REG.FCR)), 0x21);
      }
    }
  });

  it('ignores writes and reads 0 while RCC gates DMA2 off', () => {
    const m = chip();
    write(m, 'DMA2', sreg(0, STREAM_REG.PAR), 0x1234);
    assert.equal(read(m, 'DMA2', sreg(0, STREAM_REG.PAR)), 0);
    setBits(m, 'RCC', RCC_REG.AHB1ENR, 1 << 22);
    write(m, 'DMA2', sreg(0, STREAM_REG.PAR), 0x1234);
    assert.equal(read(m, 'DMA2', sreg(0, STREAM_REG.PAR)), 0x1234);
  });

  it('keeps only the implemented bits of CR and NDTR, and FS of FCR is read-only', () => {
    const m = dmaChip();
    write(m, 'DMA2', sreg(3, STREAM_REG.CR), 0xffff_fffe);
    assert.equal(read(m, 'DMA2', sreg(3, STREAM_REG.CR)), 0x0fef_fffe);
    write(m, 'DMA2', sreg(3, STREAM_REG.NDTR), 0xffff_ffff);
    assert.equal(read(m, 'DMA2', sreg(3, STREAM_REG.NDTR)), 0xffff);
    write(m, 'DMA2', sreg(3, STREAM_REG.FCR), 0xffff_ffff);
    assert.equal(read(m, 'DMA2', sreg(3, STREAM_REG.FCR)), 0xa7);
  });

  it('while EN = 1 only EN and the interrupt enables can change; NDTR, PAR, M0AR and FTH stay', () => {
    const m = dmaChip();
    // A peripheral-to-memory stream with no request: it stays enabled.
    startStream(m, 'DMA1', 5, { cr: (4 << SCR.CHSEL_SHIFT) | SCR.MINC, ndtr: 10, par: 0x4000_4404, m0ar: DST });
    write(m, 'DMA1', sreg(5, STREAM_REG.NDTR), 99);
    write(m, 'DMA1', sreg(5, STREAM_REG.PAR), 0x1111);
    write(m, 'DMA1', sreg(5, STREAM_REG.M0AR), 0x2222);
    write(m, 'DMA1', sreg(5, STREAM_REG.M1AR), 0x3333);
    write(m, 'DMA1', sreg(5, STREAM_REG.FCR), SFCR.FEIE | SFCR.DMDIS | 3);
    write(m, 'DMA1', sreg(5, STREAM_REG.CR), SCR.EN | SCR.TCIE | SCR.PINC | SCR.CIRC);
    assert.deepEqual(
      [STREAM_REG.NDTR, STREAM_REG.PAR, STREAM_REG.M0AR, STREAM_REG.M1AR, STREAM_REG.FCR, STREAM_REG.CR].map((r) => read(m, 'DMA1', sreg(5, r))),
      [10, 0x4000_4404, DST, 0, 0xa1, (4 << SCR.CHSEL_SHIFT) | SCR.MINC | SCR.TCIE | SCR.EN],
    );
  });

  it('in double-buffer mode the memory address register not in use stays writable while enabled', () => {
    const m = dmaChip();
    startStream(m, 'DMA1', 5, { cr: (4 << SCR.CHSEL_SHIFT) | SCR.MINC | SCR.DBM, ndtr: 4, par: 0x4000_4404, m0ar: DST, m1ar: DST + 0x100 });
    write(m, 'DMA1', sreg(5, STREAM_REG.M1AR), DST + 0x200);
    write(m, 'DMA1', sreg(5, STREAM_REG.M0AR), DST + 0x300);
    assert.equal(read(m, 'DMA1', sreg(5, STREAM_REG.M1AR)), DST + 0x200, 'CT = 0: M1AR writable');
    assert.equal(read(m, 'DMA1', sreg(5, STREAM_REG.M0AR)), DST, 'CT = 0: M0AR in use');
    assert.notEqual(read(m, 'DMA1', sreg(5, STREAM_REG.CR)) & SCR.CIRC, 0, 'DBM forces CIRC');
  });

  it('LIFCR/HIFCR clear only the flags written 1, and read 0', () => {
    const m = dmaChip();
    fillSource(m, 4);
    startStream(m, 'DMA2', 1, { cr: m2m(1, 1, SCR.PINC | SCR.MINC), ndtr: 4, par: SRC, m0ar: DST });
    startStream(m, 'DMA2', 4, { cr: m2m(1, 1, SCR.PINC | SCR.MINC), ndtr: 4, par: SRC, m0ar: DST + 16 });
    runCycles(m, 100);
    assert.equal(flags(m, 'DMA2', 1), FLAG.TCIF | FLAG.HTIF);
    assert.equal(flags(m, 'DMA2', 4), FLAG.TCIF | FLAG.HTIF);
    write(m, 'DMA2', DMA_REG.LIFCR, FLAG.HTIF << flagShift(1));
    write(m, 'DMA2', DMA_REG.HIFCR, FLAG.TCIF << flagShift(4));
    assert.equal(flags(m, 'DMA2', 1), FLAG.TCIF);
    assert.equal(flags(m, 'DMA2', 4), FLAG.HTIF);
    assert.equal(read(m, 'DMA2', DMA_REG.LIFCR), 0);
    write(m, 'DMA2', DMA_REG.LISR, 0);
    assert.equal(flags(m, 'DMA2', 1), FLAG.TCIF, 'LISR is read-only');
  });
});

describe('DMA memory-to-memory', () => {
  for (const [psize, msize] of [[1, 1], [2, 2], [4, 4], [1, 4], [4, 1], [2, 4], [1, 2]]) {
    it(`copies with PSIZE ${psize * 8} / MSIZE ${msize * 8} bits, NDTR counting peripheral items`, () => {
      const m = dmaChip();
      fillSource(m, 64);
      const items = 32 / psize;
      startStream(m, 'DMA2', 0, { cr: m2m(psize, msize, SCR.PINC | SCR.MINC), ndtr: items, par: SRC, m0ar: DST });
      runCycles(m, items * ITEM_CYCLES + 10);
      for (let i = 0; i < 32; i++) assert.equal(m.bus.read8(DST + i), sourceByte(i), `byte ${i}`);
      assert.equal(m.bus.read8(DST + 32), 0, 'nothing past the block');
      assert.equal(read(m, 'DMA2', sreg(0, STREAM_REG.NDTR)), 0);
      assert.equal(read(m, 'DMA2', sreg(0, STREAM_REG.CR)) & SCR.EN, 0, 'EN cleared at the end');
      assert.equal(flags(m, 'DMA2', 0), FLAG.TCIF | FLAG.HTIF);
    });
  }

  it('without PINC reads the same source item each time; without MINC writes the same destination', () => {
    const m = dmaChip();
    fillSource(m, 8);
    startStream(m, 'DMA2', 0, { cr: m2m(2, 2, SCR.MINC), ndtr: 4, par: SRC, m0ar: DST });
    runCycles(m, 100);
    assert.deepEqual([0, 1, 2, 3].map((i) => m.bus.read16(DST + 2 * i)), Array(4).fill(m.bus.read16(SRC)));
    startStream(m, 'DMA2', 1, { cr: m2m(4, 4, SCR.PINC), ndtr: 3, par: SRC, m0ar: DST + 0x40 });
    runCycles(m, 100);
    assert.equal(m.bus.read32(DST + 0x40), m.bus.read32(SRC + 8));
    assert.equal(m.bus.read32(DST + 0x44), 0);
  });

  it('takes emulated time: a 64 KB copy is not done at once, NDTR counts down, then it completes', () => {
    const m = dmaChip();
    for (let i = 0; i < 0x4000; i++) m.bus.write32(SRAM + 4 * i, i * 0x01010101);
    const dst = 0x2001_0000;
    startStream(m, 'DMA2', 7, { cr: m2m(4, 4, SCR.PINC | SCR.MINC), ndtr: 0x4000, par: SRAM, m0ar: dst });
    runCycles(m, 1000);
    const left = read(m, 'DMA2', sreg(7, STREAM_REG.NDTR));
    assert.ok(left > 0 && left < 0x4000, `NDTR ${left}`);
    assert.equal(read(m, 'DMA2', sreg(7, STREAM_REG.CR)) & SCR.EN, SCR.EN);
    runCycles(m, 0x4000 * ITEM_CYCLES);
    assert.equal(read(m, 'DMA2', sreg(7, STREAM_REG.NDTR)), 0);
    for (const i of [0, 1, 0x1234, 0x3fff]) assert.equal(m.bus.read32(dst + 4 * i) >>> 0, (i * 0x01010101) >>> 0);
  });

  it('is not available on DMA1: enabling DIR = memory-to-memory there gives TEIF and EN = 0', () => {
    const m = dmaChip();
    startStream(m, 'DMA1', 0, { cr: m2m(1, 1, SCR.PINC | SCR.MINC), ndtr: 4, par: SRC, m0ar: DST });
    assert.equal(read(m, 'DMA1', sreg(0, STREAM_REG.CR)) & SCR.EN, 0);
    assert.equal(flags(m, 'DMA1', 0), FLAG.TEIF);
  });

  it('forces FIFO mode and no circular mode when enabled', () => {
    const m = dmaChip();
    startStream(m, 'DMA2', 0, { cr: m2m(1, 1, SCR.CIRC), ndtr: 1000, par: SRC, m0ar: DST, fcr: 0 });
    assert.equal(read(m, 'DMA2', sreg(0, STREAM_REG.CR)) & SCR.CIRC, 0);
    assert.equal(read(m, 'DMA2', sreg(0, STREAM_REG.FCR)) & SFCR.DMDIS, SFCR.DMDIS);
  });

  it('writing EN = 0 stops the stream after the current item with TCIF; NDTR keeps what was left', () => {
    const m = dmaChip();
    startStream(m, 'DMA2', 2, { cr: m2m(1, 1, SCR.PINC | SCR.MINC), ndtr: 1000, par: SRC, m0ar: DST });
    runCycles(m, 10 * ITEM_CYCLES);
    write(m, 'DMA2', sreg(2, STREAM_REG.CR), 0);
    const left = read(m, 'DMA2', sreg(2, STREAM_REG.NDTR));
    assert.ok(left > 980 && left < 1000, `NDTR ${left}`);
    assert.equal(flags(m, 'DMA2', 2) & FLAG.TCIF, FLAG.TCIF);
    runCycles(m, 1000);
    assert.equal(read(m, 'DMA2', sreg(2, STREAM_REG.NDTR)), left, 'nothing more moves');
  });
});

describe('DMA flags and interrupts', () => {
  it('raises HTIF at half the block and TCIF at its end, each on its stream interrupt line when enabled', () => {
    const m = dmaChip();
    const irq = IRQ.DMA2_Stream3;
    startStream(m, 'DMA2', 3, { cr: m2m(1, 1, SCR.PINC | SCR.MINC | SCR.HTIE | SCR.TCIE), ndtr: 10, par: SRC, m0ar: DST });
    runCycles(m, 5 * ITEM_CYCLES);
    assert.equal(flags(m, 'DMA2', 3), FLAG.HTIF);
    assert.equal(read(m, 'DMA2', sreg(3, STREAM_REG.NDTR)), 5);
    assert.ok(irqLevel(m, irq), 'HTIE + HTIF');
    clearFlags(m, 'DMA2', 3);
    assert.ok(!irqLevel(m, irq));
    runCycles(m, 5 * ITEM_CYCLES);
    assert.equal(flags(m, 'DMA2', 3), FLAG.TCIF);
    assert.ok(irqLevel(m, irq), 'TCIE + TCIF');
  });

  it('keeps the line low for a flag whose interrupt is not enabled', () => {
    const m = dmaChip();
    startStream(m, 'DMA2', 6, { cr: m2m(1, 1, SCR.PINC | SCR.MINC | SCR.TEIE), ndtr: 4, par: SRC, m0ar: DST });
    runCycles(m, 100);
    assert.equal(flags(m, 'DMA2', 6), FLAG.TCIF | FLAG.HTIF);
    assert.ok(!irqLevel(m, IRQ.DMA2_Stream6));
  });

  it('a bus error on an unmapped address sets TEIF, disables the stream and raises the TEIE line', () => {
    const m = dmaChip();
    startStream(m, 'DMA2', 0, { cr: m2m(4, 4, SCR.PINC | SCR.MINC | SCR.TEIE), ndtr: 8, par: SRC, m0ar: 0x2002_0000 - 8 });
    runCycles(m, 100);
    assert.equal(flags(m, 'DMA2', 0), FLAG.TEIF);
    assert.equal(read(m, 'DMA2', sreg(0, STREAM_REG.CR)) & SCR.EN, 0);
    assert.equal(m.bus.read32(0x2002_0000 - 8), m.bus.read32(SRC), 'the items before the reserved 0x2002_0000 went');
    assert.ok(irqLevel(m, IRQ.DMA2_Stream0));
  });

  it('CCM data RAM is out of the DMA reach: a copy from it ends in TEIF', () => {
    const m = dmaChip();
    startStream(m, 'DMA2', 0, { cr: m2m(4, 4, SCR.PINC | SCR.MINC), ndtr: 2, par: 0x1000_0000, m0ar: DST });
    runCycles(m, 100);
    assert.equal(flags(m, 'DMA2', 0), FLAG.TEIF);
  });

  it('serves the highest priority first, then the lowest stream number', () => {
    const m = dmaChip();
    fillSource(m, 16);
    // Stream 5 (PL high) and stream 1 (PL low) both copy 1 item into the same byte: the later wins.
    write(m, 'DMA2', sreg(1, STREAM_REG.CR), 0);
    startStream(m, 'DMA2', 5, { cr: m2m(1, 1, 2 << SCR.PL_SHIFT), ndtr: 1, par: SRC, m0ar: DST });
    startStream(m, 'DMA2', 1, { cr: m2m(1, 1, 0), ndtr: 1, par: SRC + 1, m0ar: DST });
    runCycles(m, ITEM_CYCLES);
    assert.equal(flags(m, 'DMA2', 5), FLAG.TCIF | FLAG.HTIF, 'PL high first');
    assert.equal(flags(m, 'DMA2', 1), 0);
    startStream(m, 'DMA2', 2, { cr: m2m(1, 1, 0), ndtr: 1, par: SRC + 2, m0ar: DST });
    runCycles(m, ITEM_CYCLES);
    assert.equal(flags(m, 'DMA2', 1), FLAG.TCIF | FLAG.HTIF, 'equal PL: stream 1 before stream 2');
    assert.equal(flags(m, 'DMA2', 2), 0);
  });
});

// ---- USART2 through DMA1 (TX: stream 6 channel 4; RX: stream 5 channel 4; RM0090 Table 42) ----

const USART2_DR = 0x4000_4404;
/** 16 MHz / 139 ≈ 115 108 baud, 10 bits a character. */
const CHAR_NS = (10 * 139 * 1e9) / 16e6;

function usart2(m: Machine, cr3: number): number[] {
  setBits(m, 'RCC', RCC_REG.APB1ENR, 1 << 17);
  const u = usartOf(m, 'USART2');
  const sent: number[] = [];
  u.onTx = (b) => sent.push(b);
  write(m, 'USART2', USART_REG.BRR, 0x8b);
  write(m, 'USART2', USART_REG.CR3, cr3);
  write(m, 'USART2', USART_REG.CR1, CR1.UE | CR1.TE | CR1.RE);
  return sent;
}

describe('DMA with USART requests', () => {
  it('USART2 TX by DMA1 stream 6: the bytes reach onTx in order, then TCIF, then the USART TC', () => {
    const m = dmaChip();
    const sent = usart2(m, CR3.DMAT);
    const text = [...'Hello, DMA!'].map((c) => c.charCodeAt(0));
    text.forEach((b, i) => m.bus.write8(SRC + i, b));
    write(m, 'USART2', USART_REG.SR, ~SR.TC); // HAL clears TC before starting
    const m2p = (DIR.M2P << SCR.DIR_SHIFT) | SCR.MINC | (4 << SCR.CHSEL_SHIFT) | SCR.TCIE;
    startStream(m, 'DMA1', 6, { cr: m2p, ndtr: text.length, par: USART2_DR, m0ar: SRC });
    advanceNs(m, CHAR_NS * (text.length - 1));
    assert.ok(sent.length < text.length, 'the line paces the transfer');
    advanceNs(m, CHAR_NS * 3);
    assert.deepEqual(sent, text);
    assert.equal(flags(m, 'DMA1', 6), FLAG.TCIF | FLAG.HTIF);
    assert.ok(irqLevel(m, IRQ.DMA1_Stream6));
    assert.equal(read(m, 'USART2', USART_REG.SR) & (SR.TC | SR.TXE), SR.TC | SR.TXE);
  });

  it('ignores the USART request on a stream whose CHSEL is another channel', () => {
    const m = dmaChip();
    const sent = usart2(m, CR3.DMAT);
    startStream(m, 'DMA1', 6, { cr: (DIR.M2P << SCR.DIR_SHIFT) | SCR.MINC | (3 << SCR.CHSEL_SHIFT), ndtr: 2, par: USART2_DR, m0ar: SRC });
    advanceNs(m, CHAR_NS * 5);
    assert.deepEqual(sent, []);
    assert.equal(read(m, 'DMA1', sreg(6, STREAM_REG.NDTR)), 2);
  });

  it('USART2 RX by DMA1 stream 5 into a circular buffer: HTIF, TCIF, wrap-around, RXNE consumed', () => {
    const m = dmaChip();
    usart2(m, CR3.DMAR);
    const p2m = (DIR.P2M << SCR.DIR_SHIFT) | SCR.MINC | SCR.CIRC | (4 << SCR.CHSEL_SHIFT) | SCR.HTIE | SCR.TCIE;
    startStream(m, 'DMA1', 5, { cr: p2m, ndtr: 8, par: USART2_DR, m0ar: DST });
    const u = usartOf(m, 'USART2');
    u.feedRx([1, 2, 3, 4]);
    advanceNs(m, CHAR_NS * 4 + 1000);
    assert.equal(flags(m, 'DMA1', 5), FLAG.HTIF);
    assert.ok(irqLevel(m, IRQ.DMA1_Stream5));
    assert.equal(read(m, 'DMA1', sreg(5, STREAM_REG.NDTR)), 4);
    assert.equal(read(m, 'USART2', USART_REG.SR) & SR.RXNE, 0, 'the DMA read DR');
    clearFlags(m, 'DMA1', 5);
    u.feedRx([5, 6, 7, 8, 9, 10]);
    advanceNs(m, CHAR_NS * 6 + 1000);
    assert.equal(flags(m, 'DMA1', 5) & FLAG.TCIF, FLAG.TCIF);
    assert.equal(read(m, 'DMA1', sreg(5, STREAM_REG.NDTR)), 6, 'reloaded, two more received');
    assert.equal(read(m, 'DMA1', sreg(5, STREAM_REG.CR)) & SCR.EN, SCR.EN, 'circular: still enabled');
    assert.deepEqual([...Array(8).keys()].map((i) => m.bus.read8(DST + i)), [9, 10, 3, 4, 5, 6, 7, 8]);
  });

  it('double-buffer mode alternates M0AR and M1AR, toggling CT at each block end', () => {
    const m = dmaChip();
    usart2(m, CR3.DMAR);
    const p2m = (DIR.P2M << SCR.DIR_SHIFT) | SCR.MINC | SCR.DBM | (4 << SCR.CHSEL_SHIFT);
    startStream(m, 'DMA1', 5, { cr: p2m, ndtr: 2, par: USART2_DR, m0ar: DST, m1ar: DST + 0x10 });
    const u = usartOf(m, 'USART2');
    u.feedRx([0xa1, 0xa2, 0xb1, 0xb2, 0xc1]);
    advanceNs(m, CHAR_NS * 2 + 1000);
    assert.equal(read(m, 'DMA1', sreg(5, STREAM_REG.CR)) & SCR.CT, SCR.CT, 'M1 next');
    write(m, 'DMA1', sreg(5, STREAM_REG.M0AR), DST + 0x20); // M0 not in use: writable
    advanceNs(m, CHAR_NS * 3 + 1000);
    assert.equal(read(m, 'DMA1', sreg(5, STREAM_REG.CR)) & SCR.CT, 0);
    assert.deepEqual([m.bus.read8(DST), m.bus.read8(DST + 1)], [0xa1, 0xa2]);
    assert.deepEqual([m.bus.read8(DST + 0x10), m.bus.read8(DST + 0x11)], [0xb1, 0xb2]);
    assert.equal(m.bus.read8(DST + 0x20), 0xc1, 'the new M0AR');
  });

  it('a 16-bit peripheral item packs into 32-bit memory words in FIFO mode (RX, PSIZE 8 → MSIZE 32)', () => {
    const m = dmaChip();
    usart2(m, CR3.DMAR);
    const p2m = (DIR.P2M << SCR.DIR_SHIFT) | SCR.MINC | (2 << SCR.MSIZE_SHIFT) | (4 << SCR.CHSEL_SHIFT);
    startStream(m, 'DMA1', 5, { cr: p2m, ndtr: 8, par: USART2_DR, m0ar: DST, fcr: SFCR.DMDIS | 1 });
    usartOf(m, 'USART2').feedRx([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
    advanceNs(m, CHAR_NS * 3 + 1000);
    assert.equal(m.bus.read32(DST), 0, 'three bytes wait in the FIFO');
    advanceNs(m, CHAR_NS * 5 + 1000);
    assert.deepEqual([m.bus.read32(DST) >>> 0, m.bus.read32(DST + 4) >>> 0], [0x4433_2211, 0x8877_6655]);
  });
});

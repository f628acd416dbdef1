import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CRC_REG, crcFeedWord } from '../../src/peripherals/crc.js';
import { RCC_REG } from '../../src/peripherals/rcc.js';
import { chip, read, reg, setBits, write } from './support.js';

const { DR, IDR, CR } = CRC_REG;
const CRCEN = 1 << 12; // RCC_AHB1ENR

function crcChip() {
  const m = chip();
  setBits(m, 'RCC', RCC_REG.AHB1ENR, CRCEN);
  return m;
}

describe('CRC calculation unit', () => {
  it('reset values: DR = 0xFFFF_FFFF, IDR = 0, CR reads 0', () => {
    const m = crcChip();
    assert.equal(read(m, 'CRC', DR), 0xffff_ffff);
    assert.equal(read(m, 'CRC', IDR), 0);
    assert.equal(read(m, 'CRC', CR), 0);
  });

  it('computes CRC-32 MSB first without reflection or final XOR: 0x12345678 → 0xDF8A8A2B', () => {
    const m = crcChip();
    write(m, 'CRC', DR, 0x1234_5678);
    assert.equal(read(m, 'CRC', DR), 0xdf8a_8a2b);
  });

  it('chains words: 0x12345678, 0x9ABCDEF0 gives CRC-32/MPEG-2 of their big-endian bytes', () => {
    const m = crcChip();
    write(m, 'CRC', DR, 0x1234_5678);
    write(m, 'CRC', DR, 0x9abc_def0);
    assert.equal(read(m, 'CRC', DR), 0x7d24_a31b);
  });

  it('agrees with the CRC-32/MPEG-2 check value for "123456789" fed byte-wise through the table', () => {
    // Feeding a word w continues the CRC over w's four bytes, most significant first.
    let crc = 0xffff_ffff;
    const bytes = Buffer.from('12345678');
    crc = crcFeedWord(crc, bytes.readUInt32BE(0));
    crc = crcFeedWord(crc, bytes.readUInt32BE(4));
    // The ninth byte, bit by bit from the polynomial's definition (the unit itself only takes words).
    let c = crc;
    c ^= 0x39 << 24;
    for (let k = 0; k < 8; k++) c = (c & 0x8000_0000 ? (c << 1) ^ 0x04c1_1db7 : c << 1) >>> 0;
    assert.equal(c >>> 0, 0x0376_e6e7);
  });

  it('CR.RESET reloads 0xFFFF_FFFF and leaves IDR alone', () => {
    const m = crcChip();
    write(m, 'CRC', IDR, 0x1a5);
    write(m, 'CRC', DR, 0xdead_beef);
    write(m, 'CRC', CR, 1);
    assert.equal(read(m, 'CRC', DR), 0xffff_ffff);
    assert.equal(read(m, 'CRC', IDR), 0xa5, 'IDR keeps 8 bits');
  });

  it('a byte store feeds the byte replicated over the word, a half-word store the half-word replicated', () => {
    const m = crcChip();
    m.bus.write8(reg('CRC', DR), 0xc1);
    assert.equal(read(m, 'CRC', DR), 0xbfa1_dc65); // = CRC of 0xC1C1C1C1
    write(m, 'CRC', CR, 1);
    m.bus.write16(reg('CRC', DR), 0x00c1);
    assert.equal(read(m, 'CRC', DR), 0x05ea_9e92); // = CRC of 0x00C100C1
    write(m, 'CRC', CR, 1);
    write(m, 'CRC', DR, 0x0000_00c1);
    assert.equal(read(m, 'CRC', DR), 0x9e4f_5055);
  });

  it('a system reset restores DR and IDR', () => {
    const m = crcChip();
    write(m, 'CRC', DR, 1);
    write(m, 'CRC', IDR, 7);
    m.reset('system');
    setBits(m, 'RCC', RCC_REG.AHB1ENR, CRCEN);
    assert.equal(read(m, 'CRC', DR), 0xffff_ffff);
    assert.equal(read(m, 'CRC', IDR), 0);
  });

  it('is unclocked until RCC_AHB1ENR.CRCEN is set', () => {
    const m = chip();
    write(m, 'CRC', DR, 0x1234_5678);
    assert.equal(read(m, 'CRC', DR), 0);
    setBits(m, 'RCC', RCC_REG.AHB1ENR, CRCEN);
    assert.equal(read(m, 'CRC', DR), 0xffff_ffff);
  });
});

// Option values shared by the commands: addresses, devices, pins, counts, seconds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAddress, parseCount, parseDevice, parsePin, parseSeconds } from '../../src/cli/args.js';
import { UserError } from '../../src/errors.js';

const rejects = (f: () => unknown, message: string): void => assert.throws(f, (e) => e instanceof UserError && e.message === message);

describe('CLI option values', () => {
  test('addresses: hex with or without underscores, decimal; nothing past 32 bits', () => {
    assert.equal(parseAddress('0x08000000', '--base'), 0x0800_0000);
    assert.equal(parseAddress('0x0800_4000', '--base'), 0x0800_4000);
    assert.equal(parseAddress('0XFFFFFFFF', '--base'), 0xffff_ffff);
    assert.equal(parseAddress('4096', '--base'), 4096);
    rejects(() => parseAddress('0x100000000', '--base'), "--base: not a 32-bit address: '0x100000000' (write e.g. 0x08000000)");
    rejects(() => parseAddress('0x', '--base'), "--base: not a 32-bit address: '0x' (write e.g. 0x08000000)");
    rejects(() => parseAddress('-1', '--base'), "--base: not a 32-bit address: '-1' (write e.g. 0x08000000)");
  });

  test('a decimal address with a leading zero is refused as ambiguous (hex that lost its 0x?)', () => {
    rejects(() => parseAddress('08000000', '--base'), "--base: '08000000' is ambiguous: write hex with 0x (0x08000000) or decimal without leading zeros");
    assert.equal(parseAddress('0', '--base'), 0);
  });

  test('devices by id, case-insensitive, default stm32f407', () => {
    assert.equal(parseDevice(undefined).name, 'STM32F407VG');
    assert.equal(parseDevice('STM32F407VE').name, 'STM32F407VE');
    rejects(() => parseDevice('x'), "--device: unknown device 'x' (known: stm32f407, stm32f407ve, stm32f405, stm32f415, stm32f417)");
  });

  test('pins are 0 or 1, default 0', () => {
    assert.equal(parsePin(undefined, '--boot0'), 0);
    assert.equal(parsePin('1', '--boot0'), 1);
    rejects(() => parsePin('high', '--boot1'), "--boot1: must be 0 or 1, not 'high'");
  });

  test('counts are positive whole numbers; seconds positive numbers', () => {
    assert.equal(parseCount('1_000_000', '-n'), 1_000_000);
    assert.equal(parseCount('1e6', '-n'), 1_000_000);
    rejects(() => parseCount('1.5', '-n'), "-n: must be a positive whole number, not '1.5'");
    assert.equal(parseSeconds('0.25', '-t'), 0.25);
    rejects(() => parseSeconds('0', '-t'), "-t: must be a positive number of seconds, not '0'");
  });
});

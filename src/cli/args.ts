/**
 * Parsing of the option values several commands share (--device, --base, pins, counts). Each bad
 * value is a UserError naming the option and the value, so the CLI prints one line and exits 2.
 */
import { DEVICES, type DeviceDescription } from '../device/stm32f407.js';
import { UserError } from '../errors.js';
import { TYPICAL_BASE } from '../loaders/bin.js';

/**
 * An address: 0x-prefixed hex (underscores allowed, as the reference manual writes 0x0800_0000) or
 * decimal. A decimal number with a leading zero (08000000) is refused: it is hex missing its 0x more
 * often than it is decimal.
 */
export function parseAddress(text: string, option: string): number {
  const t = text.trim().replace(/_/g, '');
  if (/^0[0-9]+$/.test(t)) throw new UserError(`${option}: '${text}' is ambiguous: write hex with 0x (0x${t}) or decimal without leading zeros`);
  let value = NaN;
  if (/^0x[0-9a-f]+$/i.test(t)) value = parseInt(t.slice(2), 16);
  else if (/^[0-9]+$/.test(t)) value = parseInt(t, 10);
  if (!Number.isSafeInteger(value) || value > 0xffff_ffff) throw new UserError(`${option}: not a 32-bit address: '${text}' (write e.g. ${TYPICAL_BASE})`);
  return value;
}

/** A device id from DEVICES (case-insensitive). */
export function parseDevice(id: string | undefined): DeviceDescription {
  const dev = DEVICES[(id ?? 'stm32f407').toLowerCase()];
  if (!dev) throw new UserError(`--device: unknown device '${id}' (known: ${Object.keys(DEVICES).join(', ')})`);
  return dev;
}

/** A BOOT pin level. */
export function parsePin(text: string | undefined, option: string): 0 | 1 {
  if (text === undefined || text === '0') return 0;
  if (text === '1') return 1;
  throw new UserError(`${option}: must be 0 or 1, not '${text}'`);
}

/** A positive whole number (1000000, 1_000_000 or 1e6). */
export function parseCount(text: string, option: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value <= 0) throw new UserError(`${option}: must be a positive whole number, not '${text}'`);
  return value;
}

/** A positive number of seconds. */
export function parseSeconds(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UserError(`${option}: must be a positive number of seconds, not '${text}'`);
  return value;
}

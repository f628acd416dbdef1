/**
 * `f4emu state dump`: a region of a state file as bytes, and those bytes as raw binary or Intel HEX.
 */
import { type DeviceDescription, region } from '../device/stm32f407.js';
import { UserError } from '../errors.js';
import type { NvImage } from './format.js';

export const DUMP_REGIONS = ['flash', 'otp', 'option-bytes', 'bkpsram', 'sector:N'] as const;

export interface DumpedRegion {
  readonly name: string;
  readonly address: number;
  readonly bytes: Uint8Array;
}

/** The bytes of `spec` (flash, otp — data and lock bytes —, option-bytes, bkpsram, sector:N). */
export function dumpRegion(image: NvImage, device: DeviceDescription, spec: string): DumpedRegion {
  const s = image.sections;
  switch (spec) {
    case 'flash':
    case 'option-bytes':
    case 'bkpsram':
      return { name: spec, address: region(device, spec).start, bytes: s[spec] };
    case 'otp': {
      const bytes = new Uint8Array(s.otp.length + s['otp-lock'].length);
      bytes.set(s.otp);
      bytes.set(s['otp-lock'], s.otp.length);
      return { name: 'otp', address: region(device, 'otp').start, bytes };
    }
  }
  const m = /^sector:(\d+)$/.exec(spec);
  if (!m) throw new UserError(`--region: '${spec}' is not one of ${DUMP_REGIONS.join(', ')}`);
  const sector = device.flashSectors[Number(m[1])];
  if (!sector) throw new UserError(`--region: the ${device.name} has sectors 0–${device.flashSectors.length - 1}, not ${m[1]}`);
  const offset = sector.start - region(device, 'flash').start;
  return { name: `sector ${sector.index}`, address: sector.start, bytes: s.flash.subarray(offset, offset + sector.size) };
}

/** Intel HEX: extended linear address (04) records, 16 data bytes per line, start-less EOF. */
export function encodeIntelHex(address: number, bytes: Uint8Array): string {
  const lines: string[] = [];
  let upper = -1;
  for (let i = 0; i < bytes.length; ) {
    const a = (address + i) >>> 0;
    if (a >>> 16 !== upper) {
      upper = a >>> 16;
      lines.push(record(0, 0x04, [upper >>> 8, upper & 0xff]));
    }
    const n = Math.min(16, bytes.length - i, 0x1_0000 - (a & 0xffff)); // a record never crosses 64 KB
    lines.push(record(a & 0xffff, 0x00, [...bytes.subarray(i, i + n)]));
    i += n;
  }
  lines.push(record(0, 0x01, []));
  return lines.join('\n') + '\n';
}

function record(offset: number, type: number, data: number[]): string {
  const body = [data.length, offset >>> 8, offset & 0xff, type, ...data];
  const sum = (-body.reduce((a, b) => a + b, 0)) & 0xff;
  return ':' + [...body, sum].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/**
 * What a state file says about its chip, for `f4emu state show`: read protection, write protection per
 * sector, BOR level and USER bits, OTP blocks and their locks, which sectors are erased or programmed,
 * and whether the backup domain was saved.
 */
import { type DeviceDescription, OTP_BLOCK_SIZE, OTP_BLOCKS, region } from '../device/stm32f407.js';
import { hex32 } from '../errors.js';
import { type RdpLevel, borLevelName, decodeOptionBytes, rdpLevel } from '../flash/option-bytes.js';
import { isOtpBlockLocked } from '../flash/otp.js';
import { isErased } from '../flash/sectors.js';
import { FLAG_BACKUP_DOMAIN, type NvImage } from './format.js';

export interface SectorReport {
  readonly index: number;
  readonly start: number;
  readonly size: number;
  readonly writeProtected: boolean;
  readonly erased: boolean;
  /** Bytes that differ from 0xFF. */
  readonly programmedBytes: number;
}

export interface OtpBlockReport {
  readonly block: number;
  readonly address: number;
  readonly locked: boolean;
  readonly erased: boolean;
}

export interface StateReport {
  readonly file: string;
  readonly device: { readonly id: string; readonly name: string };
  readonly uid: string;
  readonly rdp: { readonly level: RdpLevel; readonly value: number };
  readonly bor: { readonly value: number; readonly name: string };
  readonly user: { readonly wdgSw: boolean; readonly nRstStop: boolean; readonly nRstStdby: boolean };
  readonly sectors: readonly SectorReport[];
  readonly otp: readonly OtpBlockReport[];
  readonly backupDomainSaved: boolean;
  readonly journal: { readonly bytes: number; readonly sequence: number };
}

export function describeState(file: string, image: NvImage, device: DeviceDescription, journalBytes: number): StateReport {
  const ob = decodeOptionBytes(image.sections['option-bytes']);
  const flashStart = region(device, 'flash').start;
  const otpStart = region(device, 'otp').start;
  const sectors = device.flashSectors.map((s) => {
    const bytes = image.sections.flash.subarray(s.start - flashStart, s.start - flashStart + s.size);
    let programmedBytes = 0;
    for (const b of bytes) if (b !== 0xff) programmedBytes++;
    return { index: s.index, start: s.start, size: s.size, writeProtected: (ob.nWrp & (1 << s.index)) === 0, erased: programmedBytes === 0, programmedBytes };
  });
  const otp = Array.from({ length: OTP_BLOCKS }, (_, block) => ({
    block,
    address: otpStart + block * OTP_BLOCK_SIZE,
    locked: isOtpBlockLocked(image.sections['otp-lock'], block),
    erased: isErased(image.sections.otp.subarray(block * OTP_BLOCK_SIZE, (block + 1) * OTP_BLOCK_SIZE)),
  }));
  return {
    file,
    device: { id: device.id, name: device.name },
    uid: image.identity.uid.map((w) => (w >>> 0).toString(16).padStart(8, '0')).join(''),
    rdp: { level: rdpLevel(ob.rdp), value: ob.rdp },
    bor: { value: ob.borLevel, name: borLevelName(ob.borLevel) },
    user: { wdgSw: ob.wdgSw, nRstStop: ob.nRstStop, nRstStdby: ob.nRstStdby },
    sectors,
    otp,
    backupDomainSaved: (image.flags & FLAG_BACKUP_DOMAIN) !== 0,
    journal: { bytes: journalBytes, sequence: image.seq },
  };
}

const RDP_WORDS: Readonly<Record<RdpLevel, string>> = { 0: 'no protection', 1: 'flash, OTP and backup SRAM closed to debuggers and non-flash boots', 2: 'permanent: debug port off, option bytes frozen' };

/** The report as text lines. */
export function formatReport(r: StateReport): string {
  const lines = [
    `state file    ${r.file}`,
    `device        ${r.device.name} (--device ${r.device.id}), UID ${r.uid}`,
    `RDP           level ${r.rdp.level} (0x${r.rdp.value.toString(16).toUpperCase().padStart(2, '0')}): ${RDP_WORDS[r.rdp.level]}`,
    `BOR           ${r.bor.name} (BOR_LEV = ${r.bor.value.toString(2).padStart(2, '0')})`,
    `USER          WDG_SW = ${+r.user.wdgSw} (${r.user.wdgSw ? 'software' : 'hardware'} watchdog), nRST_STOP = ${+r.user.nRstStop}, nRST_STDBY = ${+r.user.nRstStdby}`,
    `backup domain ${r.backupDomainSaved ? 'saved with VBAT' : 'not saved (no VBAT)'}`,
    `journal       ${r.journal.bytes} bytes after the image; ${r.journal.sequence} operations since the file was created`,
    '',
    'sector  start       size    nWRP       content',
  ];
  for (const s of r.sectors) {
    const content = s.erased ? 'erased' : `programmed (${s.programmedBytes} bytes not 0xFF)`;
    lines.push(`${String(s.index).padStart(6)}  ${hex32(s.start)}  ${`${s.size / 1024} KB`.padEnd(6)}  ${s.writeProtected ? 'protected ' : 'writable  '} ${content}`);
  }
  lines.push('', 'OTP     start       lock      content');
  for (const b of r.otp) lines.push(`${String(b.block).padStart(6)}  ${hex32(b.address)}  ${b.locked ? 'locked  ' : 'unlocked'}  ${b.erased ? 'erased' : 'programmed'}`);
  return lines.join('\n') + '\n';
}

/**
 * The state file (`.f4s`) byte by byte: one chip's non-volatile memories as a checksummed image,
 * followed by an append-only journal of the operations completed since the image was written.
 * (The guarantees built on it are in README.md next to this file.) All numbers are little-endian.
 *
 * Image header (64 bytes), then the section table, then a CRC:
 *
 *   0x00  8   magic "F4EMU-NV"
 *   0x08  2   format version (1)
 *   0x0A  2   header length = 64 + 16 × sections + 4
 *   0x0C  4   flags: bit 0 = backup SRAM and RTC backup registers were saved with VBAT
 *   0x10  16  device id as on the CLI (--device), ASCII, NUL-padded
 *   0x20  4   DEV_ID (0x413)
 *   0x24  4   main flash size in bytes
 *   0x28  12  96-bit unique device ID (three words)
 *   0x34  4   number of sections
 *   0x38  8   sequence number of the last journal record folded into this image
 *   0x40  16×n section table: section id, offset in the file, length, CRC-32 of the bytes
 *   …     4   CRC-32 of everything before it
 *
 * Sections (ids in SECTION_ORDER): flash, otp, otp-lock, option-bytes, bkpsram, rtc-backup, each at an
 * 8-byte-aligned offset. The journal starts 8-aligned after the last section. A journal record:
 *
 *   0x00  4   magic "NVJR"
 *   0x04  4   length of the whole record (multiple of 4)
 *   0x08  8   sequence number (the image's + 1 for the first record, then + 1 each)
 *   0x10  4   number of changes
 *   0x14  …   changes: section id (u8), kind (u8: 0 bytes, 1 fill), fill value (u8), 0 (u8),
 *             offset (u32), length (u32), then for kind 0 the bytes padded to 4
 *   end-4 4   CRC-32 of the record before it
 */
import { type DeviceDescription, DEVICES, region } from '../device/stm32f407.js';
import { UserError } from '../errors.js';
import { encodeOptionBytes, factoryOptionBytes } from '../flash/option-bytes.js';
import type { NvSectionName } from './change.js';
import { crc32 } from './crc32.js';

export const FORMAT_VERSION = 1;
const MAGIC = 'F4EMU-NV';
const RECORD_MAGIC = 0x524a_564e; // "NVJR"
const FIXED_HEADER = 0x40;
const TABLE_ENTRY = 16;
const DEVICE_ID_BYTES = 16;
const RECORD_HEADER = 0x14;
const CHANGE_HEADER = 12;

/** Flag: the backup domain (backup SRAM, RTC backup registers) was saved with VBAT. */
export const FLAG_BACKUP_DOMAIN = 1;

/** RTC_BKP0R–BKP19R: 20 words (RM0090 §26.6.20), kept for the RTC model. */
export const RTC_BACKUP_SIZE = 80;

export const SECTION_ORDER: readonly NvSectionName[] = ['flash', 'otp', 'otp-lock', 'option-bytes', 'bkpsram', 'rtc-backup'];

/** Which chip a state file belongs to. */
export interface NvIdentity {
  readonly deviceId: string;
  readonly devId: number;
  readonly flashSize: number;
  readonly uid: readonly [number, number, number];
}

export interface NvImage {
  identity: NvIdentity;
  /** Sequence number of the last operation contained. */
  seq: number;
  flags: number;
  sections: Record<NvSectionName, Uint8Array>;
}

/** One journal change as read back: new bytes, or a fill. */
export interface NvRecordChange {
  readonly section: NvSectionName;
  readonly offset: number;
  readonly length: number;
  readonly fill?: number;
  readonly data?: Uint8Array;
}

export interface NvRecord {
  readonly seq: number;
  readonly changes: readonly NvRecordChange[];
}

/** Size of every section for a device. */
export function sectionSizes(device: DeviceDescription): Record<NvSectionName, number> {
  return {
    flash: region(device, 'flash').size,
    otp: region(device, 'otp').size,
    'otp-lock': region(device, 'otp-lock').size,
    'option-bytes': region(device, 'option-bytes').size,
    bkpsram: region(device, 'bkpsram').size,
    'rtc-backup': RTC_BACKUP_SIZE,
  };
}

export function identityOf(device: DeviceDescription): NvIdentity {
  return { deviceId: device.id, devId: device.devId, flashSize: region(device, 'flash').size, uid: device.defaultUid };
}

/** A new chip as it leaves the factory: flash and OTP erased, factory option bytes, nothing saved. */
export function factoryImage(device: DeviceDescription): NvImage {
  const sizes = sectionSizes(device);
  const sections = {} as Record<NvSectionName, Uint8Array>;
  for (const name of SECTION_ORDER) sections[name] = new Uint8Array(sizes[name]);
  sections.flash.fill(0xff);
  sections.otp.fill(0xff);
  sections['otp-lock'].fill(0xff);
  sections['option-bytes'].set(encodeOptionBytes(factoryOptionBytes(device)));
  return { identity: identityOf(device), seq: 0, flags: 0, sections };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function headerLength(sectionCount: number): number {
  return FIXED_HEADER + TABLE_ENTRY * sectionCount + 4;
}

/** The image as file bytes (with an empty journal). */
export function encodeImage(image: NvImage): Uint8Array {
  const hdr = headerLength(SECTION_ORDER.length);
  let offset = align8(hdr);
  const placed = SECTION_ORDER.map((name) => {
    const at = offset;
    offset = align8(offset + image.sections[name].length);
    return { name, at, bytes: image.sections[name] };
  });
  const out = new Uint8Array(offset);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  dv.setUint16(0x08, FORMAT_VERSION, true);
  dv.setUint16(0x0a, hdr, true);
  dv.setUint32(0x0c, image.flags, true);
  for (let i = 0; i < Math.min(DEVICE_ID_BYTES, image.identity.deviceId.length); i++) out[0x10 + i] = image.identity.deviceId.charCodeAt(i);
  dv.setUint32(0x20, image.identity.devId, true);
  dv.setUint32(0x24, image.identity.flashSize, true);
  image.identity.uid.forEach((w, i) => dv.setUint32(0x28 + 4 * i, w >>> 0, true));
  dv.setUint32(0x34, SECTION_ORDER.length, true);
  setSeq(dv, 0x38, image.seq);
  placed.forEach((p, i) => {
    const e = FIXED_HEADER + TABLE_ENTRY * i;
    dv.setUint32(e, SECTION_ORDER.indexOf(p.name), true);
    dv.setUint32(e + 4, p.at, true);
    dv.setUint32(e + 8, p.bytes.length, true);
    dv.setUint32(e + 12, crc32(p.bytes), true);
    out.set(p.bytes, p.at);
  });
  dv.setUint32(hdr - 4, crc32(out.subarray(0, hdr - 4)), true);
  return out;
}

function setSeq(dv: DataView, at: number, seq: number): void {
  dv.setUint32(at, seq % 0x1_0000_0000, true);
  dv.setUint32(at + 4, Math.floor(seq / 0x1_0000_0000), true);
}

function getSeq(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 0x1_0000_0000;
}

/** A journal record for `changes` (non-fill changes carry their new bytes in `data`). */
export function encodeRecord(seq: number, changes: readonly NvRecordChange[]): Uint8Array {
  let length = RECORD_HEADER + 4;
  for (const c of changes) length += CHANGE_HEADER + (c.fill === undefined ? (c.length + 3) & ~3 : 0);
  const out = new Uint8Array(length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, RECORD_MAGIC, true);
  dv.setUint32(4, length, true);
  setSeq(dv, 8, seq);
  dv.setUint32(0x10, changes.length, true);
  let at = RECORD_HEADER;
  for (const c of changes) {
    out[at] = SECTION_ORDER.indexOf(c.section);
    out[at + 1] = c.fill === undefined ? 0 : 1;
    out[at + 2] = c.fill ?? 0;
    dv.setUint32(at + 4, c.offset, true);
    dv.setUint32(at + 8, c.length, true);
    at += CHANGE_HEADER;
    if (c.fill === undefined) {
      if (!c.data || c.data.length !== c.length) throw new Error('journal change without its bytes');
      out.set(c.data, at);
      at += (c.length + 3) & ~3;
    }
  }
  dv.setUint32(length - 4, crc32(out.subarray(0, length - 4)), true);
  return out;
}

/** Applies a record's changes to sections (replay). */
export function applyRecord(sections: Record<NvSectionName, Uint8Array>, record: NvRecord): void {
  for (const c of record.changes) {
    const target = sections[c.section];
    if (c.fill !== undefined) target.fill(c.fill, c.offset, c.offset + c.length);
    else target.set(c.data!, c.offset);
  }
}

/** What a state file holds once read: its image with the journal replayed. */
export interface DecodedFile {
  readonly image: NvImage;
  /** Records replayed on top of the image. */
  readonly records: number;
  /** File length up to the end of the last good record. */
  readonly validLength: number;
  /** Bytes after it: an append that a crash interrupted (never reported complete), to be cut. */
  readonly tornBytes: number;
  /** Where the journal starts. */
  readonly journalStart: number;
}

function damaged(name: string, what: string): UserError {
  return new UserError(`${name}: state file is damaged: ${what}; f4emu will not guess (restore a copy or delete the file to start from a factory-fresh chip)`);
}

/** Reads a state file: checks every checksum, replays the journal, tells where a torn tail starts. */
export function decodeFile(bytes: Uint8Array, name: string): DecodedFile {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length === 0) throw new UserError(`${name}: offset 0x0: empty file (0 bytes), not an f4emu state file`);
  const magic = String.fromCharCode(...bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC.slice(0, magic.length)) throw new UserError(`${name}: offset 0x0: not an f4emu state file (no "${MAGIC}" magic)`);
  if (bytes.length < FIXED_HEADER) throw damaged(name, `truncated: the header needs ${hex(FIXED_HEADER)} bytes, the file ends at ${hex(bytes.length)}`);
  const version = dv.getUint16(0x08, true);
  if (version !== FORMAT_VERSION) throw new UserError(`${name}: offset 0x8: state file format version ${version}, this f4emu reads version ${FORMAT_VERSION}`);
  const count = dv.getUint32(0x34, true);
  const hdr = dv.getUint16(0x0a, true);
  if (count !== SECTION_ORDER.length || hdr !== headerLength(count)) throw damaged(name, 'header at offset 0x0 has an impossible layout');
  if (hdr > bytes.length) throw damaged(name, `truncated: the header needs ${hex(hdr)} bytes, the file ends at ${hex(bytes.length)}`);
  if (dv.getUint32(hdr - 4, true) !== crc32(bytes.subarray(0, hdr - 4))) throw damaged(name, `header checksum mismatch at offset ${hex(hdr - 4)}`);
  const identity = readIdentity(bytes, dv);
  const device = DEVICES[identity.deviceId];
  if (!device) throw new UserError(`${name}: offset 0x10: state file is for device "${identity.deviceId}", which this f4emu does not know`);
  const sizes = sectionSizes(device);
  const sections = {} as Record<NvSectionName, Uint8Array>;
  let journalStart = align8(hdr);
  for (let i = 0; i < count; i++) {
    const e = FIXED_HEADER + TABLE_ENTRY * i;
    const section = SECTION_ORDER[dv.getUint32(e, true)];
    const at = dv.getUint32(e + 4, true);
    const length = dv.getUint32(e + 8, true);
    if (!section || sections[section] || length !== sizes[section]) throw damaged(name, `section table entry ${i} at offset ${hex(e)} is invalid`);
    if (at + length > bytes.length) throw damaged(name, `truncated: section ${section} needs bytes up to ${hex(at + length)}, the file ends at ${hex(bytes.length)}`);
    const data = bytes.slice(at, at + length);
    if (crc32(data) !== dv.getUint32(e + 12, true)) throw damaged(name, `section ${section} (offset ${hex(at)}, ${length} bytes) checksum mismatch`);
    sections[section] = data;
    journalStart = Math.max(journalStart, align8(at + length));
  }
  const image: NvImage = { identity, seq: getSeq(dv, 0x38), flags: dv.getUint32(0x0c, true), sections };
  return replayJournal(bytes, journalStart, image, sizes, name);
}

function readIdentity(bytes: Uint8Array, dv: DataView): NvIdentity {
  let deviceId = '';
  for (let i = 0; i < DEVICE_ID_BYTES && bytes[0x10 + i] !== 0; i++) deviceId += String.fromCharCode(bytes[0x10 + i]);
  return {
    deviceId,
    devId: dv.getUint32(0x20, true),
    flashSize: dv.getUint32(0x24, true),
    uid: [dv.getUint32(0x28, true), dv.getUint32(0x2c, true), dv.getUint32(0x30, true)],
  };
}

function replayJournal(bytes: Uint8Array, start: number, image: NvImage, sizes: Record<NvSectionName, number>, name: string): DecodedFile {
  let at = start;
  let records = 0;
  while (at < bytes.length) {
    const record = readRecord(bytes, at, sizes);
    if (!record) {
      // A record that does not check out is a crash's torn append only if nothing valid follows it.
      for (let q = at + 4; q + RECORD_HEADER + 4 <= bytes.length; q += 4) {
        if (readRecord(bytes, q, sizes)) throw damaged(name, `journal record at offset ${hex(at)} is corrupt and valid records follow it`);
      }
      break;
    }
    if (record.seq !== image.seq + 1) throw damaged(name, `journal record at offset ${hex(at)} has sequence number ${record.seq}, expected ${image.seq + 1}`);
    applyRecord(image.sections, record);
    image.seq = record.seq;
    records++;
    at += record.length;
  }
  return { image, records, validLength: at, tornBytes: bytes.length - at, journalStart: start };
}

/** Decodes the record at `at`, or null when it is incomplete or fails its checksum or bounds. */
function readRecord(bytes: Uint8Array, at: number, sizes: Record<NvSectionName, number>): (NvRecord & { length: number }) | null {
  if (at + RECORD_HEADER + 4 > bytes.length) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, bytes.length - at);
  const length = dv.getUint32(4, true);
  if (dv.getUint32(0, true) !== RECORD_MAGIC || length % 4 !== 0 || length < RECORD_HEADER + 4 || length > bytes.length - at) return null;
  if (dv.getUint32(length - 4, true) !== crc32(bytes.subarray(at, at + length - 4))) return null;
  const changes: NvRecordChange[] = [];
  let p = RECORD_HEADER;
  for (let n = dv.getUint32(0x10, true); n > 0; n--) {
    if (p + CHANGE_HEADER > length - 4) return null;
    const section = SECTION_ORDER[dv.getUint8(p)];
    const kind = dv.getUint8(p + 1);
    const offset = dv.getUint32(p + 4, true);
    const len = dv.getUint32(p + 8, true);
    p += CHANGE_HEADER;
    if (!section || kind > 1 || offset + len > sizes[section]) return null;
    if (kind === 1) changes.push({ section, offset, length: len, fill: dv.getUint8(p - CHANGE_HEADER + 2) });
    else {
      if (p + len > length - 4) return null;
      changes.push({ section, offset, length: len, data: bytes.subarray(at + p, at + p + len) });
      p += (len + 3) & ~3;
    }
  }
  return { seq: getSeq(dv, 8), changes, length };
}

function hex(n: number): string {
  return '0x' + n.toString(16).toUpperCase();
}

/** Refuses a state file made for another part (never silently reused). */
export function checkIdentity(identity: NvIdentity, device: DeviceDescription, name: string): void {
  if (identity.deviceId === device.id && identity.devId === device.devId && identity.flashSize === region(device, 'flash').size) return;
  const theirs = DEVICES[identity.deviceId];
  const what = theirs ? `${theirs.name} (--device ${theirs.id})` : `"${identity.deviceId}"`;
  throw new UserError(`${name}: state file belongs to ${what}, not ${device.name} (--device ${device.id}); use that --device or another state file`);
}

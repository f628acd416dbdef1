/**
 * The non-volatile store: one chip's flash, OTP, option bytes and backup domain in a state file
 * (format.ts), kept crash-safe like a database (guarantees in README.md):
 *
 * - Completed flash operations gather in an open group in memory (contiguous programs merge into one
 *   change); `syncIfDirty()` appends the group as one journal record (`NvFile.append`) and makes it
 *   durable (`NvFile.sync`, fdatasync). The host calls it before anything leaves the emulator
 *   (src/host/output-barrier.ts: serial bytes, semihosting output, GDB replies), at the end of each run
 *   slice and at close (group commit). So an operation is on the disk before the outside world can
 *   learn that it completed; the 256 byte programs of one bootloader Write Memory cost one write and
 *   one fdatasync. A kill of the emulator leaves the file as the chip was at the last group: an instant
 *   before the kill that nothing outside could tell from the kill itself.
 * - A batch (`batch`) — a programmer erasing and programming a whole image — becomes one record at its
 *   end: all of it or none of it survives a crash.
 * - Compaction writes a new image (journal folded in) to a temporary file, fsyncs it, renames it over
 *   the state file and fsyncs the directory (`NvFile.replace`): at every instant the path names either
 *   the old file or the new one, both complete.
 * - On open, a record that fails its checksum at the very end is an append a crash cut short (never
 *   reported complete): it is ignored and cut off. Damage anywhere else is an error, never a guess.
 *
 * The chip side holds no Node code: the disk is reached through `NvFile` (src/host/nvstore-node.ts for
 * Node, an in-memory one in memory-file.ts for tests and browsers).
 */
import { type DeviceDescription, DEVICES } from '../device/stm32f407.js';
import { UserError } from '../errors.js';
import type { NvChange, NvSectionName, NvSink } from './change.js';
import {
  type NvIdentity,
  type NvImage,
  type NvRecordChange,
  FLAG_BACKUP_DOMAIN,
  SECTION_ORDER,
  checkIdentity,
  decodeFile,
  encodeImage,
  encodeRecord,
  factoryImage,
} from './format.js';

/**
 * The disk seam: one state file. `truncate` and `replace` return once the change is durable; `append`
 * returns once the bytes are in the operating system (they survive the process being killed) and `sync`
 * makes them durable (they survive power loss).
 */
export interface NvFile {
  /** Names the file in messages (its path). */
  readonly name: string;
  /** The whole file, or null when it does not exist. */
  read(): Uint8Array | null;
  /** Appends at the end of the file (a write(), no fsync). */
  append(bytes: Uint8Array): void;
  /** Makes every append so far durable (fdatasync). */
  sync(): void;
  /** Cuts the file to `length` bytes. */
  truncate(length: number): void;
  /** Replaces the whole file atomically: the path names the old or the new content, never a mix. */
  replace(bytes: Uint8Array): void;
  close(): void;
}

export interface NvOpenOptions {
  /** The part the caller emulates: a file made for another part is refused. Omit to accept the file's own part. */
  readonly device?: DeviceDescription;
  /** A missing file becomes a factory-fresh chip of `device`. */
  readonly create?: boolean;
  /** Only read: never repair, append or compact. */
  readonly readOnly?: boolean;
  /** Compact once the journal holds more than this many bytes (default 1 MiB). */
  readonly compactAt?: number;
}

const DEFAULT_COMPACT_AT = 1 << 20;
/** The open group (or a batch) is written early, as its own record, once its bytes grow past this. */
const GROUP_FLUSH_AT = 16 << 20;

export class NvStore implements NvSink {
  readonly file: NvFile;
  readonly device: DeviceDescription;
  /** The contents. After `bind`, its sections are the bus memory itself. */
  readonly image: NvImage;
  /** The file did not exist and was created factory-fresh. */
  readonly created: boolean;
  /** Save backup SRAM and the RTC backup registers (the chip has VBAT). */
  backupDomainSaved: boolean;

  private readonly readOnly: boolean;
  private readonly compactAt: number;
  private journalBytes: number;
  /** Operations not yet in the file (the open group, or the batch in progress), and their size. */
  private pending: NvChange[] = [];
  private pendingBytes = 0;
  private inBatch = false;
  private outOfSync = false;
  private closed = false;
  /** Records appended since the last sync or compaction. */
  private dirty = false;

  private constructor(file: NvFile, device: DeviceDescription, image: NvImage, journalBytes: number, created: boolean, options: NvOpenOptions) {
    this.file = file;
    this.device = device;
    this.image = image;
    this.created = created;
    this.journalBytes = journalBytes;
    this.readOnly = options.readOnly ?? false;
    this.compactAt = options.compactAt ?? DEFAULT_COMPACT_AT;
    this.backupDomainSaved = (image.flags & FLAG_BACKUP_DOMAIN) !== 0;
  }

  /** Opens (or, with `create`, creates) a state file. Bad or foreign files → UserError. */
  static open(file: NvFile, options: NvOpenOptions = {}): NvStore {
    const bytes = file.read();
    if (!bytes) {
      if (!options.create || !options.device || options.readOnly) throw new UserError(`${file.name}: no such state file`);
      const image = factoryImage(options.device);
      file.replace(encodeImage(image));
      return new NvStore(file, options.device, image, 0, true, options);
    }
    const decoded = decodeFile(bytes, file.name);
    if (options.device) checkIdentity(decoded.image.identity, options.device, file.name);
    if (decoded.tornBytes > 0 && !options.readOnly) file.truncate(decoded.validLength);
    const device = DEVICES[decoded.image.identity.deviceId];
    return new NvStore(file, device, decoded.image, decoded.validLength - decoded.journalStart, false, options);
  }

  get identity(): NvIdentity {
    return this.image.identity;
  }

  /** Bytes of journal after the image. */
  get journalLength(): number {
    return this.journalBytes;
  }

  /**
   * Makes `views` (e.g. the bus memory, already holding the image's bytes) the store's sections, so that
   * commits and compactions read the live memory.
   */
  bind(views: Partial<Record<NvSectionName, Uint8Array>>): void {
    for (const name of SECTION_ORDER) {
      const v = views[name];
      if (!v) continue;
      if (v.length !== this.image.sections[name].length) throw new Error(`section ${name}: ${v.length} bytes bound, ${this.image.sections[name].length} expected`);
      this.image.sections[name] = v;
    }
  }

  /** Operations completed since the last `syncIfDirty` that are not yet durable. */
  get unsynced(): boolean {
    return this.dirty || (!this.inBatch && this.pending.length > 0);
  }

  /**
   * Writes the open group as one record and makes everything written durable against power loss;
   * cheap when there is nothing new. A batch in progress is left for its end.
   */
  syncIfDirty(): void {
    if (this.closed) return;
    if (!this.inBatch && !this.outOfSync) this.flushPending();
    if (!this.dirty) return;
    this.file.sync();
    this.dirty = false;
  }

  /**
   * Records a completed operation (its bytes are read from memory when the group is written): in the
   * file and durable at the next `syncIfDirty`; inside a batch, written when the batch ends.
   */
  commit(changes: readonly NvChange[]): void {
    this.checkWritable();
    for (const c of changes) this.addPending(c);
    if (this.pendingBytes > GROUP_FLUSH_AT) this.flushPending();
  }

  /**
   * Runs `fn` with its commits gathered into one record written when it returns. If `fn` throws, nothing
   * of it is written and the store refuses further writes (memory no longer matches the file).
   */
  batch<T>(fn: () => T): T {
    if (this.inBatch) return fn();
    this.checkWritable();
    this.flushPending(); // the open group stays apart: the batch is a record of its own
    this.inBatch = true;
    try {
      const result = fn();
      this.flushPending();
      return result;
    } catch (e) {
      this.outOfSync = true;
      this.pending = [];
      this.pendingBytes = 0;
      throw e;
    } finally {
      this.inBatch = false;
    }
  }

  /** Writes a fresh image with the journal folded in (and the backup domain as it is now). */
  compact(): void {
    this.checkWritable();
    this.flushPending();
    const image = this.snapshot();
    this.file.replace(encodeImage(image));
    this.image.flags = image.flags;
    this.journalBytes = 0;
    this.dirty = false; // the new file, journal folded in, is synced
  }

  /** Saves everything (a compaction when there is anything to save) and closes the file. */
  close(): void {
    if (this.closed) return;
    try {
      const backupDomainInFile = (this.image.flags & FLAG_BACKUP_DOMAIN) !== 0;
      if (!this.readOnly && !this.outOfSync) this.flushPending();
      if (!this.readOnly && !this.outOfSync && (this.journalBytes > 0 || this.backupDomainSaved || backupDomainInFile)) this.compact();
      else this.syncIfDirty();
    } finally {
      this.closed = true;
      this.file.close();
    }
  }

  private snapshot(): NvImage {
    const saved = this.backupDomainSaved;
    const sections = { ...this.image.sections };
    if (!saved) {
      sections.bkpsram = new Uint8Array(sections.bkpsram.length);
      sections['rtc-backup'] = new Uint8Array(sections['rtc-backup'].length);
    }
    return { identity: this.image.identity, seq: this.image.seq, flags: saved ? FLAG_BACKUP_DOMAIN : 0, sections };
  }

  private append(changes: readonly NvChange[]): void {
    if (changes.length === 0) return;
    const seq = this.image.seq + 1;
    const record = encodeRecord(seq, changes.map((c) => this.withBytes(c)));
    this.file.append(record);
    this.dirty = true;
    this.image.seq = seq;
    this.journalBytes += record.length;
    if (this.journalBytes > this.compactAt) this.compact();
  }

  private withBytes(c: NvChange): NvRecordChange {
    if (c.fill !== undefined) return c;
    return { ...c, data: this.image.sections[c.section].subarray(c.offset, c.offset + c.length) };
  }

  /** Adds to the group or batch, extending the last change when this one continues it (bytes are read at flush). */
  private addPending(c: NvChange): void {
    const pending = this.pending;
    const last = pending[pending.length - 1];
    if (last && last.fill === undefined && c.fill === undefined && last.section === c.section && last.offset + last.length === c.offset) {
      pending[pending.length - 1] = { section: c.section, offset: last.offset, length: last.length + c.length };
    } else {
      pending.push(c);
    }
    this.pendingBytes += c.fill === undefined ? c.length : 16;
  }

  /**
   * Writes the group or batch so far as one record. Each change's bytes are read now, at their final value: for
   * every byte the last change touching it in list order is the last operation on it, so replaying the
   * record in order gives exactly the memory as it is.
   */
  private flushPending(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    this.append(pending);
  }

  private checkWritable(): void {
    if (this.readOnly) throw new Error(`${this.file.name}: opened read-only`);
    if (this.closed) throw new Error(`${this.file.name}: state file already closed`);
    if (this.outOfSync) throw new UserError(`${this.file.name}: an operation failed half-way; the state file keeps its content from before it`);
  }
}

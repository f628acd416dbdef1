/**
 * update-app: puts an application into flash through f4emu's sample bootloader
 * (firmware/sample-bootloader), over its USART2 command protocol — on a real board's serial port or
 * on the port `f4emu run ... --usart2 pty|tcp:PORT` prints.
 *
 *   node --import tsx tools/update-app.ts --port /dev/pts/5 firmware/build/sample-app.bin
 *   node --import tsx tools/update-app.ts --port tcp:127.0.0.1:4000 app.elf --monitor 2
 *   node --import tsx tools/update-app.ts --write-image app-crc.bin firmware/build/sample-app.elf
 *
 * Steps: check the image (linked at flash sector 2 with the "F4AP" header after its vector table),
 * append the CRC trailer (the STM32 CRC unit's CRC-32 over the image words), then on the port: read
 * the bootloader's version, the chip ID and the RDP level, erase the sectors the image needs, write it
 * in 1 KB blocks, read everything back and compare, ask the bootloader to check the CRC, and start the
 * application (or reset the chip, or leave the bootloader waiting).
 *
 * The image format is firmware/sample-bootloader/app-image.h; the protocol is
 * firmware/sample-bootloader/protocol.h; docs/bootloader-walkthrough.md tells the whole story.
 *
 * Exit status: 0 done; 1 the bootloader refused or did not answer; 2 bad arguments or a bad image.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tty from 'node:tty';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_DEVICE, type FlashSector } from '../src/device/stm32f407.js';
import { UserError, hex32 } from '../src/errors.js';
import type { Image } from '../src/loaders/image.js';
import { detectFormat, parseImage } from '../src/loaders/load.js';
import { CRC_INITIAL, crcFeedWord } from '../src/peripherals/crc.js';

// ---- The image (app-image.h) ---------------------------------------------------------------------

/** The application slot starts at flash sector 2; sectors 0-1 hold the bootloader. */
export const APP_FIRST_SECTOR = 2;
const SECTORS = DEFAULT_DEVICE.flashSectors;
export const APP_START = SECTORS[APP_FIRST_SECTOR].start;
const FLASH_END = SECTORS[SECTORS.length - 1].start + SECTORS[SECTORS.length - 1].size;
/** The header follows the vector table: 16 system words and one word per IRQ. */
export const APP_HEADER_OFFSET = (16 + DEFAULT_DEVICE.irqCount) * 4;
const APP_HEADER_MAGIC = 0x5041_3446; // "F4AP"
const APP_HEADER_VERSION = 1;

export interface AppImage {
  /** Image bytes from APP_START, padded with 0xFF to `length`, then the 4-byte CRC trailer. */
  readonly bytes: Uint8Array;
  /** Bytes covered by the CRC (the header's length field). */
  readonly length: number;
  readonly crc: number;
  readonly appVersion: number;
}

/** The STM32 CRC unit's result after CR.RESET and one DR write per little-endian word (RM0090 §4.3). */
export function crcUnit(bytes: Uint8Array, length: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  let crc = CRC_INITIAL;
  for (let i = 0; i < length; i += 4) crc = crcFeedWord(crc, view.getUint32(i, true));
  return crc;
}

/** Loads an ELF, Intel HEX or S-record image, or a raw binary placed at APP_START. */
export function loadAppFile(path: string): Image {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(path));
  } catch (e) {
    throw new UserError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const format = detectFormat(bytes, path, { base: APP_START });
  return parseImage(bytes, path, format === 'bin' ? { format, base: APP_START } : { format });
}

/** Flattens an image linked for the application slot and appends its CRC trailer. */
export function buildAppImage(image: Image): AppImage {
  const file = image.file;
  let end = APP_START;
  for (const seg of image.segments) {
    if (seg.data.length === 0) continue;
    const segEnd = seg.address + seg.data.length;
    if (seg.address < APP_START || segEnd > FLASH_END) {
      throw new UserError(`${file}: bytes at ${hex32(seg.address)}-${hex32(segEnd - 1)} are outside the application slot ${hex32(APP_START)}-${hex32(FLASH_END - 1)} (link it with firmware/sample-app/app.ld)`);
    }
    end = Math.max(end, segEnd);
  }
  const flat = new Uint8Array(end - APP_START).fill(0xff);
  for (const seg of image.segments) flat.set(seg.data, seg.address - APP_START);

  const headerAt = APP_HEADER_OFFSET;
  const view = new DataView(flat.buffer);
  if (flat.length < headerAt + 16 || view.getUint32(headerAt, true) !== APP_HEADER_MAGIC) {
    throw new UserError(`${file}: no "F4AP" application header at ${hex32(APP_START + headerAt)} (right after the vector table; see firmware/sample-bootloader/app-image.h)`);
  }
  const headerVersion = view.getUint32(headerAt + 4, true);
  if (headerVersion !== APP_HEADER_VERSION) throw new UserError(`${file}: application header version ${headerVersion} at ${hex32(APP_START + headerAt + 4)}; this tool knows version ${APP_HEADER_VERSION}`);
  const length = view.getUint32(headerAt + 8, true);
  if (length % 4 !== 0 || length < flat.length || APP_START + length + 4 > FLASH_END) {
    throw new UserError(`${file}: header length ${length} at ${hex32(APP_START + headerAt + 8)} does not fit the image (${flat.length} bytes, a multiple of 4, trailer inside flash)`);
  }
  const bytes = new Uint8Array(length + 4).fill(0xff);
  bytes.set(flat);
  const crc = crcUnit(bytes, length);
  new DataView(bytes.buffer).setUint32(length, crc, true);
  return { bytes, length, crc, appVersion: view.getUint32(headerAt + 12, true) };
}

/** Flash sectors holding any of [start, start + size). */
export function sectorsFor(start: number, size: number): FlashSector[] {
  return SECTORS.filter((s) => s.start < start + size && start < s.start + s.size);
}

// ---- The protocol (protocol.h) -------------------------------------------------------------------

const SOF = 0xa5;
const REPLY = 0x80;
export const CMD = { GET_VERSION: 0x01, GET_ID: 0x02, GET_RDP: 0x03, CHECK_APP: 0x04, ERASE: 0x10, WRITE: 0x11, READ: 0x12, JUMP: 0x20, RESET: 0x21 } as const;
const STATUS_TEXT: Readonly<Record<number, string>> = {
  0x01: 'the request arrived damaged (CRC16)',
  0x02: 'unknown command',
  0x03: 'bad argument',
  0x04: 'flash error',
  0x05: 'no valid application',
};
const APP_STATUS_TEXT = ['valid', 'slot erased', 'no header', 'bad length', 'bad vector table', 'CRC mismatch'];

/** CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF. */
export function crc16(bytes: ArrayLike<number>): number {
  let crc = 0xffff;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i] << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** 0xA5, code, length (LE), payload, CRC16 (LE) over code..payload. */
export function encodeFrame(code: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const frame = new Uint8Array(6 + payload.length);
  frame[0] = SOF;
  frame[1] = code;
  frame[2] = payload.length & 0xff;
  frame[3] = payload.length >> 8;
  frame.set(payload, 4);
  const crc = crc16(frame.subarray(1, 4 + payload.length));
  frame[4 + payload.length] = crc & 0xff;
  frame[5 + payload.length] = crc >> 8;
  return frame;
}

/** Something the bootloader said that the tool cannot go on from. */
class BootloaderError extends Error {}

/** A byte link to the bootloader: a serial device or PTY path, or tcp:[HOST:]PORT. */
interface Link {
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Buffer) => void): void;
  close(): void;
}

async function openLink(port: string): Promise<Link> {
  const tcp = /^tcp:(?:(.*):)?(\d+)$/.exec(port);
  if (tcp) {
    const host = tcp[1] || '127.0.0.1';
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host, port: Number(tcp[2]) }, () => resolve(s));
      s.once('error', (e) => reject(new UserError(`--port ${port}: cannot connect: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    });
    socket.setNoDelay(true);
    return { write: (b) => void socket.write(b), onData: (l) => void socket.on('data', l), close: () => socket.destroy() };
  }
  let fd: number;
  try {
    fd = fs.openSync(port, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  } catch (e) {
    throw new UserError(`--port ${port}: cannot open: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!tty.isatty(fd)) {
    fs.closeSync(fd);
    throw new UserError(`--port ${port}: not a terminal (give a serial device, a PTY path, or tcp:HOST:PORT)`);
  }
  // f4emu's PTY carries bytes at whatever rate; a real port would also need 115200 8N1 set (stty).
  const input = new tty.ReadStream(fd);
  input.setRawMode(true);
  return {
    // One frame (at most ~1 KB) at a time, each after the previous reply: the terminal's buffer has room.
    // The fd is non-blocking once the read stream owns it, so a full buffer (EAGAIN) is tried again.
    write: (b) => {
      for (let done = 0; done < b.length; ) {
        try {
          done += fs.writeSync(fd, b, done);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
      }
    },
    onData: (l) => void input.on('data', l),
    close: () => input.destroy(),
  };
}

interface Reply {
  readonly status: number;
  readonly data: Uint8Array;
}

/** Request/reply over a link; text the bootloader prints between frames goes to `onText`. */
class BootloaderClient {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;

  constructor(
    private readonly link: Link,
    private readonly timeoutMs: number,
    private readonly onText: (text: string) => void,
  ) {
    link.onData((bytes) => {
      this.buffer = Buffer.concat([this.buffer, bytes]);
      this.wake?.();
    });
  }

  async request(command: number, payload?: Uint8Array): Promise<Reply> {
    this.link.write(encodeFrame(command, payload));
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const reply = this.takeFrame(command);
      if (reply) return reply;
      const left = deadline - Date.now();
      if (left <= 0) throw new BootloaderError(`no reply to command 0x${command.toString(16).padStart(2, '0')} within ${this.timeoutMs / 1000} s (is the bootloader in its command loop? hold the button at reset)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Like `request`, but anything other than STATUS_OK is an error naming `what`. */
  async expectOk(what: string, command: number, payload?: Uint8Array): Promise<Uint8Array> {
    const r = await this.request(command, payload);
    if (r.status === 0) return r.data;
    let detail = STATUS_TEXT[r.status] ?? `status 0x${r.status.toString(16)}`;
    if (r.status === 0x04 && r.data.length >= 4) detail += ` (FLASH_SR bits ${hex32(u32(r.data, 0))})`;
    if (r.status === 0x05 && r.data.length >= 1) detail += ` (${APP_STATUS_TEXT[r.data[0]] ?? r.data[0]})`;
    throw new BootloaderError(`${what}: the bootloader says: ${detail}`);
  }

  /** Text received so far that is not part of a frame (e.g. the application's output after a jump). */
  drainText(): void {
    const sof = this.buffer.indexOf(SOF);
    const text = sof < 0 ? this.buffer : this.buffer.subarray(0, sof);
    if (text.length > 0) this.onText(text.toString('latin1'));
    this.buffer = sof < 0 ? Buffer.alloc(0) : this.buffer.subarray(sof);
  }

  /** One complete reply frame from the buffer, skipping text before it; null if incomplete. */
  private takeFrame(command: number): Reply | null {
    this.drainText();
    const b = this.buffer;
    if (b.length < 4) return null;
    const length = b[2] | (b[3] << 8);
    if (b.length < 6 + length) return null;
    const frame = b.subarray(0, 6 + length);
    this.buffer = b.subarray(6 + length);
    const crc = frame[4 + length] | (frame[5 + length] << 8);
    if (crc !== crc16(frame.subarray(1, 4 + length))) throw new BootloaderError(`reply to command 0x${command.toString(16)} arrived damaged (CRC16)`);
    if (frame[1] !== (command | REPLY) || length < 1) throw new BootloaderError(`unexpected reply 0x${frame[1].toString(16)} to command 0x${command.toString(16)}`);
    return { status: frame[4], data: new Uint8Array(frame.subarray(5, 4 + length)) };
  }
}

const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

function le32(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return b;
}

// ---- The update ------------------------------------------------------------------------------------

export interface UpdateOptions {
  readonly port: string;
  readonly after: 'jump' | 'reset' | 'stay';
  readonly timeoutMs: number;
  /** Keep printing what the chip sends for this long after the update (ms). */
  readonly monitorMs: number;
  readonly say: (line: string) => void;
  readonly output: (text: string) => void;
}

function versionText(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${v & 0xffff}`;
}

async function identify(client: BootloaderClient, say: (line: string) => void): Promise<number> {
  const v = await client.expectOk('GET_VERSION', CMD.GET_VERSION);
  const maxData = v[4] | (v[5] << 8);
  const appStart = u32(v, 6);
  say(`bootloader ${v[0]}.${v[1]} (protocol ${v[2]}), application slot ${hex32(appStart)}-${hex32(u32(v, 10) - 1)}`);
  if (appStart !== APP_START) throw new BootloaderError(`the bootloader's application slot starts at ${hex32(appStart)}, not ${hex32(APP_START)}`);
  const id = u32(await client.expectOk('GET_ID', CMD.GET_ID), 0);
  say(`chip: DBGMCU_IDCODE ${hex32(id)} (DEV_ID 0x${(id & 0xfff).toString(16)}, REV_ID 0x${(id >>> 16).toString(16)})`);
  const rdp = await client.expectOk('GET_RDP', CMD.GET_RDP);
  say(`read protection: level ${rdp[1]} (RDP byte 0x${rdp[0].toString(16).toUpperCase()})`);
  return maxData;
}

async function program(client: BootloaderClient, app: AppImage, maxData: number, say: (line: string) => void): Promise<void> {
  const sectors = sectorsFor(APP_START, app.bytes.length);
  say(`erasing sector${sectors.length > 1 ? 's' : ''} ${sectors.map((s) => s.index).join(', ')}`);
  await client.expectOk('ERASE', CMD.ERASE, Uint8Array.of(sectors[0].index, sectors.length));
  say(`writing ${app.bytes.length} bytes at ${hex32(APP_START)} (image ${app.length} + CRC trailer ${hex32(app.crc)})`);
  for (let at = 0; at < app.bytes.length; at += maxData) {
    const chunk = app.bytes.subarray(at, Math.min(at + maxData, app.bytes.length));
    const payload = new Uint8Array(4 + chunk.length);
    payload.set(le32(APP_START + at));
    payload.set(chunk, 4);
    await client.expectOk(`WRITE at ${hex32(APP_START + at)}`, CMD.WRITE, payload);
  }
}

async function verify(client: BootloaderClient, app: AppImage, maxData: number, say: (line: string) => void): Promise<void> {
  for (let at = 0; at < app.bytes.length; at += maxData) {
    const count = Math.min(maxData, app.bytes.length - at);
    const request = new Uint8Array(6);
    request.set(le32(APP_START + at));
    request[4] = count & 0xff;
    request[5] = count >> 8;
    const back = await client.expectOk(`READ at ${hex32(APP_START + at)}`, CMD.READ, request);
    const bad = app.bytes.subarray(at, at + count).findIndex((byte, i) => back[i] !== byte);
    if (back.length !== count || bad >= 0) throw new BootloaderError(`verify: flash at ${hex32(APP_START + at + Math.max(bad, 0))} differs from the image`);
  }
  const check = await client.expectOk('CHECK_APP', CMD.CHECK_APP);
  if (check[0] !== 0) throw new BootloaderError(`verify: the bootloader finds the application invalid (${APP_STATUS_TEXT[check[0]] ?? check[0]})`);
  say(`verified: ${app.bytes.length} bytes read back, the bootloader's CRC unit gives ${hex32(u32(check, 9))}`);
}

export async function update(app: AppImage, options: UpdateOptions): Promise<void> {
  const link = await openLink(options.port);
  const client = new BootloaderClient(link, options.timeoutMs, (text) => options.output(text));
  try {
    const maxData = await identify(client, options.say);
    await program(client, app, maxData, options.say);
    await verify(client, app, maxData, options.say);
    if (options.after === 'jump') {
      await client.expectOk('JUMP', CMD.JUMP);
      options.say(`started application ${versionText(app.appVersion)}`);
    } else if (options.after === 'reset') {
      await client.expectOk('RESET', CMD.RESET);
      options.say('chip reset');
    } else {
      options.say('left the bootloader in its command loop');
    }
    if (options.monitorMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, options.monitorMs));
      client.drainText();
    }
  } finally {
    link.close();
  }
}

// ---- Command line ------------------------------------------------------------------------------------

const USAGE = `usage: update-app --port PORT [--reset | --no-jump] [--timeout S] [--monitor S] IMAGE
       update-app --write-image OUT.bin IMAGE
  IMAGE                 the application: ELF, Intel HEX, S-record or raw .bin (raw: linked at ${hex32(APP_START)})
  --port PORT           the bootloader's USART2: a serial device or PTY path (/dev/pts/N), or tcp:[HOST:]PORT
  --reset               reset the chip after the update (default: ask the bootloader to jump to the application)
  --no-jump             leave the bootloader in its command loop
  --timeout S           seconds to wait for each reply (default 5)
  --monitor S           print what the chip sends for S seconds after the update
  --write-image OUT.bin write the image with its CRC trailer, for \`f4emu state program STATE OUT.bin --base ${hex32(APP_START)}\``;

function seconds(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+(\.\d*)?$/.test(text) || !(n >= 0)) throw new UserError(`${option}: not a number of seconds: '${text}'`);
  return n * 1000;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      reset: { type: 'boolean' },
      'no-jump': { type: 'boolean' },
      timeout: { type: 'string' },
      monitor: { type: 'string' },
      'write-image': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError('give exactly one image file (--help shows the usage)');
  if (values.reset && values['no-jump']) throw new UserError('--reset and --no-jump exclude each other');
  const app = buildAppImage(loadAppFile(positionals[0]));
  const say = (line: string) => process.stderr.write(`update-app: ${line}\n`);
  say(`${positionals[0]}: application ${versionText(app.appVersion)}, ${app.length} bytes, CRC ${hex32(app.crc)}`);
  if (values['write-image'] !== undefined) {
    fs.writeFileSync(values['write-image'], app.bytes);
    say(`wrote ${app.bytes.length} bytes (image + CRC trailer) to ${values['write-image']}; load it at ${hex32(APP_START)}`);
    return 0;
  }
  if (values.port === undefined) throw new UserError('--port is needed, or --write-image (--help shows the usage)');
  await update(app, {
    port: values.port,
    after: values.reset ? 'reset' : values['no-jump'] ? 'stay' : 'jump',
    timeoutMs: seconds(values.timeout, '--timeout', 5000),
    monitorMs: seconds(values.monitor, '--monitor', 0),
    say,
    output: (text) => process.stdout.write(text),
  });
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (status) => (process.exitCode = status),
    (e: unknown) => {
      const first = (e instanceof Error ? e.message : String(e)).split('\n');
      process.stderr.write(`update-app: ${first[0]}\n`);
      process.exitCode = e instanceof UserError ? 2 : 1;
    },
  );
}

/**
 * `f4emu state`: look at and change a chip's state file (.f4s) the way a programmer would.
 *
 *   f4emu state show FILE [--json]
 *   f4emu state dump FILE --region flash|otp|option-bytes|bkpsram|sector:N -o OUT.bin|OUT.hex|- [--format bin|hex]
 *   f4emu state erase FILE --sector N[,N...] | --mass
 *   f4emu state program FILE IMAGE [--base ADDR]
 *   f4emu state option-bytes FILE [--rdp 0|1|2 [--permanent]] [--wrp N,N...|none] [--bor off|1|2|3]
 *                                 [--wdg-sw 0|1] [--nrst-stop 0|1] [--nrst-stdby 0|1]
 *
 * Every subcommand takes --device ID: a file made for another part is refused; without it the file's
 * own part is used (and stm32f407 for a file that does not exist yet, which erase/program/option-bytes
 * create factory-fresh). Changes go through the emulated flash interface with the programmer acting as
 * a debug probe, so write protection, read protection and OTP locks apply. Every argument is checked
 * before the file is opened for writing; a change is written as one journal record, all or nothing.
 * Results go to stdout (show, dump -o -); what f4emu says about its work goes to stderr.
 */
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import type { DeviceDescription } from '../device/stm32f407.js';
import { UserError, fsErrorText, hex32 } from '../errors.js';
import { flashFactory } from '../flash/interface.js';
import { type OptionBytes, RDP_LEVEL0, RDP_LEVEL2, borLevelName, rdpByteFor, rdpLevel } from '../flash/option-bytes.js';
import { FlashProgrammer } from '../flash/programmer.js';
import { attachState, openStateFile } from '../host/nvstore-node.js';
import { loadImageFile } from '../loaders/load-file.js';
import { Machine } from '../machine.js';
import { DUMP_REGIONS, dumpRegion, encodeIntelHex } from '../nvstate/dump.js';
import { describeState, formatReport } from '../nvstate/report.js';
import { backupSramFactory } from '../peripherals/bkpsram.js';
import { parseAddress, parseDevice, parsePin } from './args.js';

interface DeviceOption {
  device?: string;
}

export function register(program: Command): void {
  const state = program.command('state').description("inspect or change a chip's state file (.f4s): flash, OTP, option bytes, backup SRAM");

  state
    .command('show')
    .description('print RDP, write protection, BOR and USER bits, OTP blocks and which sectors hold data')
    .argument('<file>', 'state file')
    .option('--device <id>', 'refuse a file made for another part')
    .option('--json', 'print the report as JSON')
    .action((file: string, opts: DeviceOption & { json?: boolean }) => {
      const store = openStateFile(file, deviceOption(opts));
      const report = describeState(file, store.image, store.device, store.journalLength);
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    });

  state
    .command('dump')
    .description('write a region of the state file to a file (or stdout with -o -)')
    .argument('<file>', 'state file')
    .requiredOption('--region <region>', DUMP_REGIONS.join(' | '))
    .requiredOption('-o, --output <file>', 'OUT.bin, OUT.hex, or - for stdout')
    .option('--format <format>', 'bin | hex (default: from the output extension; bin for -)')
    .option('--device <id>', 'refuse a file made for another part')
    .action((file: string, opts: DeviceOption & { region: string; output: string; format?: string }) => {
      const format = outputFormat(opts.output, opts.format);
      if (opts.output !== '-' && sameFile(opts.output, file)) throw new UserError(`-o: ${opts.output} is the state file itself; write the dump to another file`);
      const store = openStateFile(file, deviceOption(opts));
      const region = dumpRegion(store.image, store.device, opts.region);
      const data = format === 'hex' ? encodeIntelHex(region.address, region.bytes) : region.bytes;
      if (opts.output === '-') process.stdout.write(data);
      else writeOutput(opts.output, data);
      if (opts.output !== '-') process.stderr.write(`${region.name}: ${region.bytes.length} bytes from ${hex32(region.address)} written to ${opts.output}\n`);
    });

  state
    .command('erase')
    .description('erase flash sectors (or all of flash) through the flash interface')
    .argument('<file>', 'state file (created factory-fresh if missing)')
    .option('--sector <list>', 'sector numbers, e.g. 1 or 1,2,5')
    .option('--mass', 'erase all of main flash')
    .option('--device <id>', 'the part (default: the file’s, or stm32f407 for a new file)')
    .action((file: string, opts: DeviceOption & { sector?: string; mass?: boolean }) => {
      const device = deviceFor(file, opts);
      if ((opts.mass === true) === (opts.sector !== undefined)) throw new UserError('state erase: give exactly one of --sector LIST and --mass');
      const sectors = opts.sector === undefined ? null : parseSectorList(opts.sector, '--sector', device);
      withChip(file, device, (programmer) => {
        if (sectors) programmer.eraseSectors(sectors);
        else programmer.massErase();
      });
      process.stderr.write(`${file}: ${sectors ? `erased sector${sectors.length > 1 ? 's' : ''} ${sectors.join(', ')}` : 'mass-erased flash'}\n`);
    });

  state
    .command('program')
    .description('erase the sectors an image touches and program it (ELF, Intel HEX, S-record, or .bin with --base)')
    .argument('<file>', 'state file (created factory-fresh if missing)')
    .argument('<image>', 'image file')
    .option('--base <addr>', 'load address of a raw binary')
    .option('--device <id>', 'the part (default: the file’s, or stm32f407 for a new file)')
    .action((file: string, imagePath: string, opts: DeviceOption & { base?: string }) => {
      const device = deviceFor(file, opts);
      const image = loadImageFile(imagePath, { base: opts.base === undefined ? undefined : parseAddress(opts.base, '--base') });
      const bar = progressBar();
      const report = withChip(file, device, (programmer) => programmer.programImage(image, { ram: 'reject' }), bar.update);
      bar.done();
      const erased = report.erasedSectors.length > 0 ? `erased sector${report.erasedSectors.length > 1 ? 's' : ''} ${report.erasedSectors.join(', ')}, ` : '';
      process.stderr.write(`${file}: ${erased}programmed ${report.flashBytes} bytes of flash${report.otpBytes ? ` and ${report.otpBytes} bytes of OTP` : ''} from ${imagePath}\n`);
    });

  state
    .command('option-bytes')
    .description('change the option bytes through FLASH_OPTCR (options not given keep their value)')
    .argument('<file>', 'state file (created factory-fresh if missing)')
    .option('--rdp <level>', 'read protection 0, 1 or 2 (1 → 0 mass-erases flash and backup SRAM)')
    .option('--permanent', 'confirm --rdp 2, which can never be undone')
    .option('--wrp <sectors>', 'sectors to write-protect, e.g. 0,1; "none" protects none')
    .option('--bor <level>', 'brown-out reset level: off, 1, 2 or 3')
    .option('--wdg-sw <0|1>', '1 = software watchdog, 0 = IWDG started by hardware')
    .option('--nrst-stop <0|1>', '0 = reset when entering Stop mode')
    .option('--nrst-stdby <0|1>', '0 = reset when entering Standby mode')
    .option('--device <id>', 'the part (default: the file’s, or stm32f407 for a new file)')
    .action((file: string, opts: DeviceOption & OptionByteOptions) => {
      const device = deviceFor(file, opts);
      const change = parseOptionByteChanges(opts, device);
      let result: OptionBytes | undefined;
      let regression = false;
      withChip(file, device, (programmer, current) => {
        result = { ...current, ...change };
        regression = rdpLevel(current.rdp) === 1 && result.rdp === RDP_LEVEL0;
        programmer.programOptionBytes(result);
      });
      if (regression) process.stderr.write(`${file}: RDP 1 → 0: flash and backup SRAM were mass-erased\n`);
      process.stderr.write(`${file}: option bytes now ${describeOptionBytes(result!, device)}\n`);
    });
}

interface OptionByteOptions {
  rdp?: string;
  permanent?: boolean;
  wrp?: string;
  bor?: string;
  wdgSw?: string;
  nrstStop?: string;
  nrstStdby?: string;
}

function deviceOption(opts: DeviceOption): DeviceDescription | undefined {
  return opts.device === undefined ? undefined : parseDevice(opts.device);
}

/** The part for a command that may create the file: --device, else the file's, else the default. */
function deviceFor(file: string, opts: DeviceOption): DeviceDescription {
  const given = deviceOption(opts);
  if (!existsSync(file)) return given ?? parseDevice(undefined);
  return openStateFile(file, given).device;
}

/**
 * Opens the state file into a Machine, runs `fn` with a programmer as one all-or-nothing change and
 * saves. On any error nothing of the change is written, and a file this command created is removed.
 */
function withChip<T>(file: string, device: DeviceDescription, fn: (programmer: FlashProgrammer, current: OptionBytes) => T, onProgress?: (done: number, total: number, what: string) => void): T {
  const machine = new Machine({ device }, [flashFactory, backupSramFactory]);
  const state = attachState(machine, file);
  let done = false;
  try {
    const programmer = new FlashProgrammer(machine, { target: file, onProgress });
    const result = state.store.batch(() => fn(programmer, programmer.optionBytes));
    done = true;
    return result;
  } finally {
    state.close();
    if (!done && state.created) rmSync(file, { force: true });
  }
}

function parseSectorList(text: string, option: string, device: DeviceDescription): number[] {
  const items = text.split(',').map((s) => s.trim());
  const last = device.flashSectors.length - 1;
  const out: number[] = [];
  for (const item of items) {
    if (item === '') throw new UserError(`${option}: ${text.trim() === '' ? 'no sector given' : `'${text}' has an empty item`} (write e.g. 1 or 1,2,5)`);
    if (!/^\d+$/.test(item) || Number(item) > last) throw new UserError(`${option}: '${item}' is not a sector of the ${device.name} (0–${last})`);
    if (!out.includes(Number(item))) out.push(Number(item));
  }
  return out.sort((a, b) => a - b);
}

function parseOptionByteChanges(opts: OptionByteOptions, device: DeviceDescription): Partial<OptionBytes> {
  const change: { -readonly [K in keyof OptionBytes]?: OptionBytes[K] } = {};
  if (opts.permanent && opts.rdp !== '2') throw new UserError('--permanent confirms --rdp 2 and goes with it only');
  if (opts.rdp !== undefined) {
    if (!['0', '1', '2'].includes(opts.rdp)) throw new UserError(`--rdp: must be 0, 1 or 2, not '${opts.rdp}'`);
    const level = Number(opts.rdp) as 0 | 1 | 2;
    if (level === 2 && !opts.permanent) throw new UserError('--rdp 2 can never be undone (option bytes frozen, debug port off); add --permanent to confirm');
    change.rdp = rdpByteFor(level);
  }
  if (opts.wrp !== undefined) {
    const protect = opts.wrp.trim() === 'none' ? [] : parseSectorList(opts.wrp, '--wrp', device);
    change.nWrp = protect.reduce((mask, i) => mask & ~(1 << i), 0xfff);
  }
  if (opts.bor !== undefined) {
    const levels: Record<string, number> = { off: 3, '1': 2, '2': 1, '3': 0 };
    if (!(opts.bor in levels)) throw new UserError(`--bor: must be off, 1, 2 or 3, not '${opts.bor}'`);
    change.borLevel = levels[opts.bor];
  }
  if (opts.wdgSw !== undefined) change.wdgSw = parsePin(opts.wdgSw, '--wdg-sw') === 1;
  if (opts.nrstStop !== undefined) change.nRstStop = parsePin(opts.nrstStop, '--nrst-stop') === 1;
  if (opts.nrstStdby !== undefined) change.nRstStdby = parsePin(opts.nrstStdby, '--nrst-stdby') === 1;
  if (Object.keys(change).length === 0) throw new UserError('state option-bytes: nothing to change; give --rdp, --wrp, --bor, --wdg-sw, --nrst-stop or --nrst-stdby');
  return change;
}

function describeOptionBytes(ob: OptionBytes, device: DeviceDescription): string {
  const protectedList = device.flashSectors.filter((s) => (ob.nWrp & (1 << s.index)) === 0).map((s) => s.index);
  const level = ob.rdp === RDP_LEVEL2 ? 2 : rdpLevel(ob.rdp);
  return (
    `RDP level ${level}, write-protected: ${protectedList.length ? protectedList.join(',') : 'none'}, BOR ${borLevelName(ob.borLevel)}, ` +
    `WDG_SW ${+ob.wdgSw}, nRST_STOP ${+ob.nRstStop}, nRST_STDBY ${+ob.nRstStdby}`
  );
}

function outputFormat(output: string, format: string | undefined): 'bin' | 'hex' {
  if (format !== undefined) {
    if (format !== 'bin' && format !== 'hex') throw new UserError(`--format: must be bin or hex, not '${format}'`);
    return format;
  }
  if (output === '-') return 'bin';
  const ext = output.slice(output.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'bin') return 'bin';
  if (ext === 'hex' || ext === 'ihex') return 'hex';
  throw new UserError(`-o: cannot tell the format of '${output}' from its extension; name it .bin or .hex, or give --format`);
}

/** True when both paths name one existing file (links included). */
function sameFile(a: string, b: string): boolean {
  const [sa, sb] = [statSync(a, { throwIfNoEntry: false }), statSync(b, { throwIfNoEntry: false })];
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

function writeOutput(path: string, data: Uint8Array | string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? `no such directory ${dirname(path)}` : fsErrorText(e);
    throw new UserError(`${path}: cannot write: ${why}`);
  }
}

/** A one-line progress bar on stderr when it is a terminal; silent otherwise. */
function progressBar(): { update: (done: number, total: number, what: string) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    update: (done, total, what) => {
      if (!tty || total === 0) return;
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round((done / total) * 100)).padStart(3)}% ${what}\x1b[K`);
      shown = true;
    },
    done: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

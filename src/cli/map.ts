/**
 * `f4emu map`: the device's memory map (regions, then flash sectors), or with a FILE where that
 * image lands (src/loaders/placement.ts). Exit status: 0 the image fits, 1 it does not (bytes outside
 * every region, past a region's end, or in memory that cannot be programmed), 2 bad input.
 */
import type { Command } from 'commander';
import { endOf, type DeviceDescription } from '../device/stm32f407.js';
import { UserError, hex32 } from '../errors.js';
import { TYPICAL_BASE } from '../loaders/bin.js';
import { loadImageFile } from '../loaders/load-file.js';
import { analysePlacement, type Placement } from '../loaders/placement.js';
import { parseAddress, parseDevice } from './args.js';
import { formatSize, formatTable } from './table.js';

interface MapOptions {
  device?: string;
  json?: boolean;
  base?: string;
  with?: string[];
}

/** The memory map as JSON-ready data: numbers are integers, `end` is the last byte. */
export function memoryMapData(dev: DeviceDescription): object {
  return {
    device: dev.name,
    regions: dev.regions.map((r) => ({
      name: r.name,
      start: r.start,
      end: endOf(r),
      size: r.size,
      kind: r.kind,
      volatile: r.volatile,
      executable: r.executable,
      writable: r.writable,
      description: r.description,
    })),
    flashSectors: dev.flashSectors.map((s) => ({ index: s.index, start: s.start, end: endOf(s), size: s.size })),
  };
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** The memory map as text: a table of regions, then one of flash sectors. */
export function memoryMapText(dev: DeviceDescription): string {
  const regions = formatTable(
    [
      ['region', 'start', 'end', 'size', 'kind', 'volatile', 'exec', 'stores', 'description'],
      ...dev.regions.map((r) => [r.name, hex32(r.start), hex32(endOf(r)), formatSize(r.size), r.kind, yesNo(r.volatile), yesNo(r.executable), yesNo(r.writable), r.description]),
    ],
    new Set([3]),
  );
  const sectors = formatTable(
    [['sector', 'start', 'end', 'size'], ...dev.flashSectors.map((s) => [String(s.index), hex32(s.start), hex32(endOf(s)), formatSize(s.size)])],
    new Set([0, 3]),
  );
  return [
    `${dev.name} memory map (stores = changed by plain CPU stores)`,
    '',
    ...regions,
    '',
    `Flash sectors (${dev.flashSectors.length}):`,
    ...sectors,
    '',
  ].join('\n');
}

function range(start: number, last: number): string {
  return `${hex32(start)}-${hex32(last)}`;
}

/** The placement report as text. */
export function placementText(p: Placement): string {
  const lines: string[] = [];
  const span = p.first !== null && p.last !== null ? `${range(p.first, p.last)}` : 'nothing';
  lines.push(`${p.file} (${p.format}) on ${p.device}: loads ${span}${p.entry !== null ? `, entry ${hex32(p.entry)}` : ''}`);
  lines.push('', 'Segments (load address = where a programmer writes):');
  lines.push(
    ...formatTable(
      [
        ['#', 'load', 'bytes', 'region', 'sectors', 'runs at'],
        ...p.segments.map((s) => [
          String(s.index),
          s.size > 0 ? range(s.address, s.last) : hex32(s.address),
          String(s.size),
          s.region ?? 'NONE',
          s.sectors.join(',') || '-',
          s.runAddress !== s.address || s.memorySize !== s.size ? `${hex32(s.runAddress)} in ${s.runRegion ?? 'NONE'} (${s.memorySize} bytes)` : '',
        ]),
      ],
      new Set([0, 2]),
    ).map((l) => '  ' + l),
  );
  if (p.sections.length > 0) {
    lines.push('', 'Sections:');
    lines.push(
      ...formatTable(
        [
          ['name', 'address', 'bytes', 'region', 'sectors', 'loaded at'],
          ...p.sections.map((s) => [
            s.name,
            hex32(s.address),
            String(s.size),
            s.region ?? 'NONE',
            s.sectors.join(',') || '-',
            s.nobits ? '(zero-filled at run time)' : s.loadAddress !== s.address ? `${hex32(s.loadAddress)} in ${s.loadRegion ?? 'NONE'}` : '',
          ]),
        ],
        new Set([2]),
      ).map((l) => '  ' + l),
    );
  }
  lines.push('', 'Regions used:');
  lines.push(
    ...formatTable(
      [['region', 'range', 'used', 'free', 'size'], ...p.regions.map((r) => [r.name, range(r.start, r.end), String(r.used), String(r.free), formatSize(r.size)])],
      new Set([2, 3, 4]),
    ).map((l) => '  ' + l),
  );
  if (p.sectors.length > 0) {
    lines.push('', 'Flash sectors used:');
    lines.push(
      ...formatTable(
        [['sector', 'range', 'used', 'free', 'size'], ...p.sectors.map((s) => [String(s.index), range(s.start, s.end), String(s.used), String(s.free), formatSize(s.size)])],
        new Set([0, 2, 3, 4]),
      ).map((l) => '  ' + l),
    );
  }
  lines.push('');
  for (const problem of p.problems) lines.push(`${problem.severity}: ${problem.message}`);
  lines.push(p.fits ? 'fits: yes' : 'fits: NO', '');
  return lines.join('\n');
}

/** Runs `map`; returns the exit status. */
export function mapCommand(file: string | undefined, options: MapOptions): number {
  const dev = parseDevice(options.device);
  if (file === undefined) {
    if (options.base !== undefined) throw new UserError('map: --base needs a FILE (the raw binary it places)');
    if (options.with !== undefined) throw new UserError('map: --with needs a FILE (the image to compare the others with)');
    process.stdout.write(options.json ? JSON.stringify(memoryMapData(dev)) + '\n' : memoryMapText(dev));
    return 0;
  }
  const base = options.base !== undefined ? parseAddress(options.base, '--base') : undefined;
  const image = loadImageFile(file, { base });
  const others = (options.with ?? []).map((f) => loadImageFile(f));
  const placement = analysePlacement(image, dev, { others });
  process.stdout.write(options.json ? JSON.stringify(placement) + '\n' : placementText(placement));
  return placement.fits ? 0 : 1;
}

export function register(program: Command): void {
  program
    .command('map')
    .description('print the memory map, or where an image (ELF, Intel HEX, S-record, raw binary) lands in it')
    .argument('[file]', 'image to place (without it: the device memory map)')
    .option('--device <id>', 'stm32f407 (default), stm32f407ve, stm32f405, stm32f415, stm32f417')
    .option('--base <address>', `load address of a raw binary (e.g. ${TYPICAL_BASE})`)
    .option('--with <files...>', 'other images on the same chip (e.g. the bootloader next to an application): report shared sectors and overlaps')
    .option('--json', 'print JSON instead of text')
    .addHelpText('after', '\nExit status: 0 the image fits; 1 it does not (outside every region, overflow, not programmable); 2 bad input.')
    .action((file: string | undefined, options: MapOptions) => {
      process.exitCode = mapCommand(file, options);
    });
}

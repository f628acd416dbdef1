/**
 * The memory map GDB reads with qXfer:memory-map:read (GDB manual, "Memory Map Format"), derived
 * from the device description:
 *
 * - each main-flash sector is its own `flash` block whose blocksize is the sector size, so GDB's
 *   `load` erases exactly the sectors an image touches (vFlashErase) and uses hardware breakpoints
 *   there;
 * - SRAM, CCM, backup SRAM, peripherals, bit-band aliases and the private peripheral bus are `ram`
 *   (GDB reads and writes them with m/M/X);
 * - system memory, OTP, the option bytes, the ID words and the boot alias at 0 are `rom`: readable,
 *   never written by GDB (the alias mirrors flash, system memory or SRAM1 as the boot pins choose).
 *
 * Nested regions (backup SRAM inside the peripheral space) are cut out of the region that contains
 * them: GDB wants blocks that do not overlap. Space no region covers, and the FSMC banks (nothing is
 * fitted), are left out, so GDB refuses to touch them.
 */
import { type DeviceDescription, type Region, regionAt } from '../device/stm32f407.js';

export type MemoryType = 'ram' | 'rom' | 'flash';

export interface MemoryBlock {
  readonly type: MemoryType;
  readonly start: number;
  readonly length: number;
  /** Erase unit, for flash blocks. */
  readonly blocksize?: number;
}

function memoryType(r: Region): MemoryType | null {
  switch (r.kind) {
    case 'flash':
      return 'flash';
    case 'ram':
    case 'backup-ram':
    case 'peripheral':
    case 'bitband':
    case 'ppb':
      return 'ram';
    case 'rom':
    case 'otp':
    case 'option-bytes':
    case 'alias':
      return 'rom';
    case 'external':
      return null;
  }
}

/** The blocks of the map, in address order, none overlapping. */
export function memoryBlocks(device: DeviceDescription): MemoryBlock[] {
  const cuts = new Set<number>();
  for (const r of device.regions) cuts.add(r.start).add(r.start + r.size);
  for (const s of device.flashSectors) cuts.add(s.start).add(s.start + s.size);
  const edges = [...cuts].sort((a, b) => a - b);
  const blocks: MemoryBlock[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const start = edges[i];
    const r = regionAt(device, start);
    const type = r ? memoryType(r) : null;
    if (!type) continue;
    const length = edges[i + 1] - start;
    const last = blocks[blocks.length - 1];
    if (type === 'flash') blocks.push({ type, start, length, blocksize: length });
    else if (last && last.type === type && last.start + last.length === start) blocks[blocks.length - 1] = { type, start: last.start, length: last.length + length };
    else blocks.push({ type, start, length });
  }
  return blocks;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** The memory-map document. */
export function memoryMapXml(device: DeviceDescription): string {
  const lines = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE memory-map PUBLIC "+//IDN gnu.org//DTD GDB Memory Map V1.0//EN" "http://sourceware.org/gdb/gdb-memory-map.dtd">',
    '<memory-map>',
  ];
  for (const b of memoryBlocks(device)) {
    const open = `  <memory type="${b.type}" start="${hex(b.start)}" length="${hex(b.length)}"`;
    if (b.blocksize === undefined) lines.push(`${open}/>`);
    else lines.push(`${open}>`, `    <property name="blocksize">${hex(b.blocksize)}</property>`, '  </memory>');
  }
  lines.push('</memory-map>');
  return lines.join('\n') + '\n';
}

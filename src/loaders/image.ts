/**
 * What every loader produces: the bytes to place (by physical/load address), the sections and
 * symbols when the format has them, and the entry point. Formats: ELF32 ARM, Intel HEX, S-record, raw.
 */
export interface Segment {
  /** Physical (load) address: where a programmer puts the bytes. */
  readonly address: number;
  readonly data: Uint8Array;
  /** Virtual (run) address when it differs (e.g. .data loaded in flash, run in SRAM). ELF only. */
  readonly virtualAddress?: number;
  /** Memory size when larger than the file bytes (the rest is zero-filled at run time: .bss). */
  readonly memorySize?: number;
  readonly flags?: { readonly read: boolean; readonly write: boolean; readonly exec: boolean };
}

export interface Section {
  readonly name: string;
  /** Run address. */
  readonly address: number;
  /** Load address (LMA) when it differs from the run address. */
  readonly loadAddress: number;
  readonly size: number;
  /** NOBITS sections (.bss) occupy no file/flash bytes. */
  readonly nobits: boolean;
  readonly write: boolean;
  readonly exec: boolean;
}

export interface ImageSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly type: 'func' | 'object' | 'other';
}

export type ImageFormat = 'elf' | 'ihex' | 'srec' | 'bin';

export interface Image {
  readonly file: string;
  readonly format: ImageFormat;
  readonly segments: readonly Segment[];
  readonly sections: readonly Section[];
  readonly symbols: readonly ImageSymbol[];
  readonly entry?: number;
}

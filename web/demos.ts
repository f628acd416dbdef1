/**
 * The firmware the page offers without a file: built into the bundle by web/build.ts (which defines
 * `__F4EMU_DEMOS__`), so dist-web/index.html works opened straight from disk, with no server to fetch from.
 */
import type { FirmwareFile } from './session.js';

/** One file as web/build.ts embeds it: bytes in base64. */
export interface EmbeddedFile {
  readonly name: string;
  readonly base64: string;
  readonly base?: number;
}

export interface EmbeddedDemo {
  readonly id: string;
  readonly title: string;
  readonly files: readonly EmbeddedFile[];
}

export interface Demo {
  readonly id: string;
  readonly title: string;
  readonly files: readonly FirmwareFile[];
}

declare const __F4EMU_DEMOS__: readonly EmbeddedDemo[] | undefined;

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The embedded demos, first = default (empty when the bundle was built without them). */
export function demos(): Demo[] {
  const embedded = typeof __F4EMU_DEMOS__ === 'undefined' ? [] : __F4EMU_DEMOS__;
  return embedded.map((d) => ({
    id: d.id,
    title: d.title,
    files: d.files.map((f) => ({ name: f.name, bytes: decodeBase64(f.base64), base: f.base })),
  }));
}

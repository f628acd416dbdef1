/**
 * Builds the web view: `npm run build:web` writes dist-web/index.html and dist-web/main.js (one
 * classic script, so the page also works opened from disk), with the demo firmware embedded.
 *
 * Bundling is for the browser (esbuild `platform: 'browser'`): any module the page reaches that
 * imports a Node builtin fails the build, naming the importer. test/web/build.test.ts holds it to that.
 */
import { builtinModules } from 'node:module';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Plugin, build } from 'esbuild';
import { APP_START, buildAppImage, loadAppFile } from '../tools/update-app.js';
import type { EmbeddedDemo, EmbeddedFile } from './demos.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'dist-web');
const FIRMWARE = join(ROOT, 'firmware', 'build');

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Refuses every import of a Node builtin (`node:fs`, `fs`, `path`…), naming the module that asked. */
const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (!NODE_BUILTINS.has(args.path)) return undefined;
      return { errors: [{ text: `${relative(ROOT, args.importer)} imports the Node builtin "${args.path}", which no browser has` }] };
    });
  },
};

export interface BundleOptions {
  /** An entry file, or module source (resolved from the repository root). */
  readonly entry: string | { readonly contents: string };
  /** IIFE global the entry's exports go to (none: the script only runs). */
  readonly globalName?: string;
  /** Embed the demo firmware (`__F4EMU_DEMOS__`). */
  readonly withDemos?: boolean;
  readonly minify?: boolean;
}

export interface Bundle {
  readonly code: string;
  /** The source files in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
}

/** Bundles for the browser; rejects (esbuild's error, listing each problem) if anything needs Node. */
export async function bundleForBrowser(options: BundleOptions): Promise<Bundle> {
  const entry = options.entry;
  const result = await build({
    ...(typeof entry === 'string' ? { entryPoints: [join(ROOT, entry)] } : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts' } }),
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: options.globalName,
    target: 'es2022',
    minify: options.minify ?? false,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
    define: options.withDemos ? { __F4EMU_DEMOS__: JSON.stringify(embeddedDemos()) } : {},
  });
  // With write: false and metafile: true, esbuild always returns both.
  return { code: result.outputFiles![0].text, inputs: Object.keys(result.metafile!.inputs) };
}

function embed(file: string, base?: number): EmbeddedFile {
  return { name: relative(ROOT, file), base64: Buffer.from(readFileSync(file)).toString('base64'), base };
}

/**
 * The demos: the sample bootloader + application pair (LED chase, USART2, button; the application
 * with the CRC trailer the bootloader checks, as tools/update-app.ts writes it) and demo.elf (the
 * memory organization seen from inside, on the semihosting console).
 */
export function embeddedDemos(): EmbeddedDemo[] {
  const app = buildAppImage(loadAppFile(join(FIRMWARE, 'sample-app.elf')));
  return [
    {
      id: 'sample',
      title: 'sample bootloader + application (LEDs, USART2, button)',
      files: [
        embed(join(FIRMWARE, 'sample-bootloader.elf')),
        { name: 'firmware/build/sample-app.bin (+ CRC trailer)', base64: Buffer.from(app.bytes).toString('base64'), base: APP_START },
      ],
    },
    { id: 'demo', title: 'demo.elf (memory organization, semihosting console)', files: [embed(join(FIRMWARE, 'demo.elf'))] },
  ];
}

/** Writes dist-web/: index.html and main.js; returns a line saying so. */
export async function buildWeb(outDir = OUT_DIR): Promise<string> {
  const bundle = await bundleForBrowser({ entry: 'web/main.ts', withDemos: true, minify: true });
  mkdirSync(outDir, { recursive: true });
  copyFileSync(join(ROOT, 'web', 'index.html'), join(outDir, 'index.html'));
  writeFileSync(join(outDir, 'main.js'), bundle.code);
  return `build:web: wrote ${relative(ROOT, outDir)}/index.html and main.js (${Math.round(bundle.code.length / 1024)} KB)`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildWeb().then(
    (line) => void process.stderr.write(line + '\n'),
    (e: unknown) => {
      const errors = (e as { errors?: { text: string }[] }).errors;
      process.stderr.write(`build:web: ${errors ? errors.map((x) => x.text).join('\n') : String(e)}\n`);
      process.exit(1);
    },
  );
}

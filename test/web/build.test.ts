import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bundleForBrowser, buildWeb, embeddedDemos } from '../../web/build.js';

describe('web/build.ts', () => {
  it('bundles src/browser.ts for the browser: nothing it reaches imports a Node builtin', async () => {
    const bundle = await bundleForBrowser({ entry: 'src/browser.ts', globalName: 'f4emu' });
    assert.ok(bundle.inputs.includes('src/machine.ts'), 'the bundle holds the Machine');
    assert.ok(bundle.inputs.includes('src/boards/discovery.ts'), 'the bundle holds the Discovery board');
    assert.ok(!bundle.inputs.some((f) => f.startsWith('src/host/') || f.startsWith('node:')), bundle.inputs.join(', '));
  });

  it('bundles the page (web/main.ts) for the browser', async () => {
    const bundle = await bundleForBrowser({ entry: 'web/main.ts' });
    assert.ok(bundle.inputs.includes('web/session.ts'));
  });

  it('refuses an entry that reaches a Node builtin, naming the importer (src/index.ts reaches node:fs)', async () => {
    await assert.rejects(bundleForBrowser({ entry: 'src/index.ts' }), (e: { errors?: { text: string }[] }) => {
      const texts = (e.errors ?? []).map((x) => x.text);
      assert.ok(texts.some((t) => /^src\/loaders\/load-file\.ts imports the Node builtin "node:fs"/.test(t)), texts.join('\n'));
      return true;
    });
  });

  it('refuses a bare builtin name too ("fs" without node:)', async () => {
    await assert.rejects(bundleForBrowser({ entry: { contents: "import { readFileSync } from 'fs'; console.log(readFileSync);" } }), /Node builtin "fs"/);
  });

  it('embeds the sample bootloader, the application with its CRC trailer at the slot, and demo.elf', () => {
    const [sample, demo] = embeddedDemos();
    assert.deepEqual(sample.files.map((f) => f.name), ['firmware/build/sample-bootloader.elf', 'firmware/build/sample-app.bin (+ CRC trailer)']);
    const app = Buffer.from(sample.files[1].base64, 'base64');
    const bin = readFileSync('firmware/build/sample-app.bin');
    assert.equal(app.length, bin.length + 4, 'the image plus one trailer word');
    assert.deepEqual(app.subarray(0, bin.length), bin);
    assert.deepEqual(demo.files.map((f) => f.name), ['firmware/build/demo.elf']);
  });

  it('writes index.html and main.js into the output folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'f4emu-web-'));
    try {
      await buildWeb(dir);
      const html = readFileSync(join(dir, 'index.html'), 'utf8');
      assert.match(html, /<script src="main\.js"><\/script>/);
      for (const id of ['leds', 'button', 'usart', 'console', 'reset', 'power', 'regions', 'sectors']) assert.match(html, new RegExp(`id="${id}"`));
      assert.ok(existsSync(join(dir, 'main.js')));
      assert.match(readFileSync(join(dir, 'main.js'), 'utf8'), /sample-bootloader\.elf/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

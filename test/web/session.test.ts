/**
 * The web view's emulation (web/session.ts) as the browser gets it: bundled for the browser with the
 * demo firmware embedded, then run in a node:vm context that has none of Node (no process, require,
 * Buffer or modules), only what a browser also has. What it shows must match `f4emu run`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it, before } from 'node:test';
import vm from 'node:vm';
import { bundleForBrowser, embeddedDemos } from '../../web/build.js';
import { Session } from '../../web/session.js';

interface Observed {
  /** [emulated ms, colour, on] per LED change. */
  readonly leds: Array<[number, string, boolean]>;
  readonly usart: string;
  readonly console: string;
  readonly status: { kind: string; status?: number };
  readonly emulatedMs: number;
}

/** A context with only browser globals the bundle may use. */
function browserLikeContext(): vm.Context {
  return vm.createContext({ TextDecoder, TextEncoder, atob, performance, console, setTimeout, clearTimeout });
}

let context: vm.Context;

before(async () => {
  const bundle = await bundleForBrowser({
    entry: { contents: "export { Session } from './web/session.ts'; export { demos } from './web/demos.ts';" },
    globalName: 'f4web',
    withDemos: true,
  });
  context = browserLikeContext();
  vm.runInContext(bundle.code, context, { filename: 'f4web.js' });
});

/** Runs demo `id` in the context for `frames` animation frames of `frameMs`, pressing B1 over [pressAt, releaseAt). */
function runDemo(id: string, frames: number, frameMs: number, pressAt = Infinity, releaseAt = Infinity): Observed {
  const script = `(() => {
    const out = { leds: [], usart: [], console: [] };
    const demo = f4web.demos().find((d) => d.id === ${JSON.stringify(id)});
    let s = null;
    s = new f4web.Session(demo.files, {
      led: (colour, on) => out.leds.push([s === null ? 0 : s.emulatedMs, colour, on]),
      usart: (byte) => out.usart.push(byte),
      console: (bytes) => out.console.push(...bytes),
    });
    for (let i = 0; i < ${frames}; i++) {
      if (s.emulatedMs >= ${pressAt} && s.emulatedMs < ${releaseAt} && !s.button.pressed) s.button.press();
      if (s.emulatedMs >= ${releaseAt} && s.button.pressed) s.button.release();
      s.advance(${frameMs}, 1e9);
    }
    const text = (bytes) => new TextDecoder().decode(new Uint8Array(bytes));
    return JSON.stringify({ leds: out.leds, usart: text(out.usart), console: text(out.console), status: s.status, emulatedMs: s.emulatedMs });
  })()`;
  return JSON.parse(vm.runInContext(script, context) as string) as Observed;
}

describe('web/session.ts in a browser-like context', () => {
  it('has no Node globals to lean on', () => {
    for (const name of ['process', 'require', 'Buffer', 'module', 'global', 'setImmediate']) {
      assert.equal(vm.runInContext(`typeof ${name}`, context), 'undefined', name);
    }
  });

  it('runs the sample bootloader + application in real time: LEDs round the board 250 ms apart, banner, ticks and the button on USART2, as `f4emu run` shows them', () => {
    // 130 frames of 16 ms = 2.08 s; B1 held from 1.5 s for 100 ms (--press-button-at 1500ms).
    const o = runDemo('sample', 130, 16, 1500, 1600);
    assert.ok(Math.abs(o.emulatedMs - 130 * 16) < 0.01, `emulated time follows the frames: ${o.emulatedMs} ms`);
    // `f4emu run --state board.f4s --usart2 stdio --log gpio --press-button-at 1500ms`, board.f4s holding
    // the same two images (`f4emu state program`), printed these on stdout and, to the µs, on stderr.
    assert.equal(
      o.usart,
      'f4boot 1.0: starting the application, version 0x01000000\r\n\r\n' +
        'sample-app 1.0.0: SYSCLK 168 MHz from HSE, LEDs PD12-PD15, button PA0\r\n' +
        'tick 1\r\nbutton\r\ntick 2\r\n',
    );
    const expected: Array<[number, string, boolean]> = [
      [13.858, 'green', true],
      [263.601, 'green', false],
      [263.601, 'orange', true],
      [513.601, 'orange', false],
      [513.601, 'red', true],
      [763.601, 'red', false],
      [763.601, 'blue', true],
      [1013.601, 'green', true],
      [1013.601, 'blue', false],
      [1263.601, 'green', false],
      [1263.601, 'orange', true],
      [1513.601, 'orange', false],
      [1513.601, 'red', true],
      [1763.601, 'red', false],
      [1763.601, 'blue', true],
      [2013.601, 'green', true],
      [2013.601, 'blue', false],
    ];
    assert.deepEqual(
      o.leds.map(([ms, colour, on]) => [colour, on]),
      expected.map(([, colour, on]) => [colour, on]),
    );
    o.leds.forEach(([ms], i) => assert.ok(Math.abs(ms - expected[i][0]) < 0.01, `change ${i} at ${ms} ms, f4emu run: ${expected[i][0]} ms`));
    assert.equal(o.status.kind, 'running');
  });

  it('runs demo.elf to its exit: the semihosting console shows what `f4emu run firmware/build/demo.elf` prints, status 0', () => {
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', 'firmware/build/demo.elf'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const o = runDemo('demo', 10, 16);
    assert.match(o.console, /^f4emu demo: the memory organization seen from inside\n/);
    assert.equal(o.console, cli.stdout);
    assert.deepEqual(o.status, { kind: 'exited', status: 0 });
    assert.deepEqual(o.leds, [], 'demo.elf leaves the LEDs alone');
  });

  it('Reset and Power cycle start a run that had ended: demo.elf prints its report again', () => {
    const text: string[] = [];
    const s = new Session(nodeDemo('demo'), { console: (bytes) => text.push(Buffer.from(bytes).toString()) });
    const runToExit = (): void => {
      for (let i = 0; i < 20 && s.status.kind === 'running'; i++) s.advance(16, 1e9);
    };
    runToExit();
    assert.deepEqual(s.status, { kind: 'exited', status: 0 });
    const once = text.join('');
    s.advance(16, 1e9);
    assert.equal(text.join(''), once, 'an ended run stays ended');
    for (const kind of ['system', 'power-on'] as const) {
      s.reset(kind);
      assert.equal(s.status.kind, 'running');
      runToExit();
      assert.deepEqual(s.status, { kind: 'exited', status: 0 }, kind);
    }
    assert.equal(text.join(''), once.repeat(3));
  });

  it('on a host too slow for real time, emulated time falls behind instead of piling up a debt', () => {
    // demo.elf computes a CRC at 16 MHz: busy all along. A zero budget gives up after one slice.
    const s = new Session(nodeDemo('demo'));
    s.advance(100, 0);
    const behind = s.emulatedMs;
    assert.ok(behind > 0 && behind < 100, `${behind} ms`);
    s.advance(16, 1e9);
    assert.ok(Math.abs(s.emulatedMs - (behind + 16)) <= 1, `the next frame covers its own 16 ms only: ${behind} -> ${s.emulatedMs}`);
  });
});

/** A demo's files, decoded in Node (the browser path is covered above). */
function nodeDemo(id: string): { name: string; bytes: Uint8Array; base?: number }[] {
  const demo = embeddedDemos().find((d) => d.id === id)!;
  return demo.files.map((f) => ({ name: f.name, bytes: new Uint8Array(Buffer.from(f.base64, 'base64')), base: f.base }));
}

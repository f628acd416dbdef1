/**
 * The CLI's conventions, checked as a user meets them: the real `f4emu` (src/cli/main.ts) in a child
 * process, on the project's firmware (firmware/build) and on copies of it that are truncated, corrupted
 * or empty.
 *
 * - Bad input is ONE line on stderr, `f4emu: ` then the file and the byte, line or address at fault;
 *   exit status 2; nothing on stdout; never a stack trace, never a hang.
 * - A command that fails writes nothing to a state file (same bytes, no new file, no lock left).
 * - stdout carries only what the firmware prints or what the command exists for (`map`, `state show`,
 *   `state dump -o -`); f4emu's own messages go to stderr.
 * - `--help` works for every command and subcommand and says what the command really accepts.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BOARD_NAMES } from '../../src/boards/index.js';
import { DEVICES } from '../../src/device/stm32f407.js';
import { DUMP_REGIONS } from '../../src/nvstate/dump.js';
import { type Result, ROOT, f4emu } from './spawn.js';

const BUILD = join(ROOT, 'firmware/build');
const DEMO_ELF = join(BUILD, 'demo.elf');
const DEMO_HEX = join(BUILD, 'demo.hex');
const DEMO_BIN = join(BUILD, 'demo.bin');
const TINY_SREC = join(ROOT, 'test/fixtures/tiny.srec');

const dir = mkdtempSync(join(tmpdir(), 'f4emu-conventions-'));
chmodSync(dir, 0o755); // the unreadable-file case runs the CLI as another user when we are root
after(() => rmSync(dir, { recursive: true, force: true }));

/** Root reads and writes anything: permission cases then run the CLI as "nobody", as an ordinary user would. */
const AS_USER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/** Runs independent spawned commands side by side. */
const CONCURRENT = { concurrency: 4 };

function path(name: string): string {
  return join(dir, name);
}

function write(name: string, bytes: Uint8Array | string): string {
  writeFileSync(path(name), bytes);
  return path(name);
}

/** The one-line error every bad input gets: exit 2, nothing on stdout, no stack trace. */
function expectOneLineError(r: Result, message: RegExp): void {
  assert.equal(r.status, 2, `exit status 2 (stderr: ${r.stderr})`);
  assert.equal(r.stdout, '', 'nothing on stdout');
  assert.match(r.stderr, /^f4emu: [^\n]+\n$/, `exactly one line on stderr, got: ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at |Error:/, 'no stack trace, no internal error');
  assert.match(r.stderr, message);
}

// ---- Corrupted copies of the real firmware ------------------------------------------------------

const demoElf = readFileSync(DEMO_ELF);
const demoHexLines = readFileSync(DEMO_HEX, 'latin1').split(/\r?\n/).filter((l) => l !== '');
const tinySrecLines = readFileSync(TINY_SREC, 'latin1').split(/\r?\n/).filter((l) => l !== '');

/** An Intel HEX record with a correct checksum. */
function hexRecord(type: number, offset: number, data: number[]): string {
  const body = [data.length, offset >> 8, offset & 0xff, type, ...data];
  const sum = -body.reduce((a, b) => a + b, 0) & 0xff;
  return ':' + [...body, sum].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** Replaces line `n` (1-based) of a text image. */
function withLine(lines: readonly string[], n: number, replacement: string): string {
  return lines.map((l, i) => (i === n - 1 ? replacement : l)).join('\n') + '\n';
}

function patched(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[offset] = value;
  return copy;
}

/** Deterministic noise (no Math.random in tests). */
function noise(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const line2 = demoHexLines[1];

/** Bad image files: [name, content, what the error must say]. */
const BAD_IMAGES: ReadonlyArray<readonly [string, Uint8Array | string, RegExp]> = [
  ['empty.elf', new Uint8Array(0), /empty\.elf: offset 0x0: empty file/],
  ['header-cut.elf', demoElf.subarray(0, 100), /header-cut\.elf: offset 0x34: truncated program header table/],
  ['segment-cut.elf', demoElf.subarray(0, 3000), /segment-cut\.elf: offset 0xBB8: truncated segment 0 \(LMA 0x08000000\)/],
  ['garbage.elf', noise(4096), /garbage\.elf: offset 0x0: bad magic: not an ELF file/],
  ['class64.elf', patched(demoElf, 4, 2), /class64\.elf: offset 0x4: 64-bit ELF/],
  ['big-endian.elf', patched(demoElf, 5, 2), /big-endian\.elf: offset 0x5: big-endian ELF/],
  ['x86.elf', patched(demoElf, 18, 3), /x86\.elf: offset 0x12: not an ARM executable/],
  ['bad-checksum.hex', withLine(demoHexLines, 2, line2.slice(0, -2) + (line2.endsWith('00') ? '01' : '00')), /bad-checksum\.hex: line 2: checksum mismatch/],
  ['bad-type.hex', withLine(demoHexLines, 2, hexRecord(0x07, 0, [1, 2, 3, 4])), /bad-type\.hex: line 2: unknown record type 0x07/],
  ['odd-length.hex', withLine(demoHexLines, 2, line2.slice(0, -1)), /odd-length\.hex: line 2: bad record: odd number of hex digits/],
  ['junk.hex', withLine(demoHexLines, 2, line2.replace(/[0-9A-F]$/, 'G')), /junk\.hex: line 2: bad record: not a hex digit: 'G'/],
  ['bad-count.hex', withLine(demoHexLines, 2, ':11' + line2.slice(3)), /bad-count\.hex: line 2: bad record: byte count says 17 data bytes/],
  ['no-eof.hex', demoHexLines.slice(0, 5).join('\n') + '\n', /no-eof\.hex: line 5: no end-of-file record/],
  ['only-eof.hex', hexRecord(0x01, 0, []) + '\n', /only-eof\.hex: no data records: nothing to load/],
  ['blank.hex', '\n\n', /blank\.hex: line 1: only blank lines/],
  ['past-4gb.hex', [hexRecord(0x04, 0, [0xff, 0xff]), hexRecord(0x00, 0xfff8, new Array(16).fill(0)), hexRecord(0x01, 0, [])].join('\n') + '\n', /past-4gb\.hex: line 2: data runs past the end of the 32-bit address space/],
  ['bad-checksum.srec', withLine(tinySrecLines, 2, tinySrecLines[1].slice(0, -2) + '00'), /bad-checksum\.srec: line 2: checksum mismatch/],
  ['no-end.srec', tinySrecLines.slice(0, 3).join('\n') + '\n', /no-end\.srec: line 3: no termination record \(S7, S8 or S9\)/],
  ['s4.srec', withLine(tinySrecLines, 2, 'S4030000FC'), /s4\.srec: line 2: unknown record type 'S4'/],
  ['empty.bin', new Uint8Array(0), /empty\.bin: offset 0x0: empty file/],
];

before(() => {
  for (const [name, content] of BAD_IMAGES) write(name, content);
  mkdirSync(path('a-directory.elf'));
});

describe('bad image files: one line naming the file and the byte or line at fault, exit 2', CONCURRENT, () => {
  for (const [name, , message] of BAD_IMAGES) {
    test(`map ${name}`, async () => {
      const r = await f4emu(['map', path(name), ...(name.endsWith('.bin') ? ['--base', '0x08000000'] : [])]);
      expectOneLineError(r, message);
    });
  }

  test('run and state program refuse a bad image the same way as map', async () => {
    const state = path('untouched-by-bad-image.f4s');
    expectOneLineError(await f4emu(['run', path('segment-cut.elf')]), /segment-cut\.elf: offset 0xBB8: truncated/);
    expectOneLineError(await f4emu(['state', 'program', state, path('bad-checksum.hex')]), /bad-checksum\.hex: line 2: checksum mismatch/);
    assert.equal(existsSync(state), false, 'no state file was created');
  });

  test('a directory instead of a file', async () => {
    expectOneLineError(await f4emu(['map', path('a-directory.elf')]), /a-directory\.elf: cannot read: is a directory/);
    expectOneLineError(await f4emu(['run', path('a-directory.elf')]), /a-directory\.elf: cannot read: is a directory/);
  });

  test('a file that does not exist', async () => {
    expectOneLineError(await f4emu(['map', path('nope.elf')]), /nope\.elf: cannot read: no such file/);
  });

  test('a file the user may not read (chmod 000)', async () => {
    const file = path('unreadable.elf');
    copyFileSync(DEMO_ELF, file);
    chmodSync(file, 0o000);
    expectOneLineError(await f4emu(['map', file], AS_USER), /unreadable\.elf: cannot read: permission denied/);
  });

  test('an endless device (/dev/zero) is read only so far: no hang', async () => {
    expectOneLineError(await f4emu(['map', '/dev/zero', '--base', '0x08000000'], { timeoutMs: 20_000 }), /\/dev\/zero: more than 256 MiB from a pipe or device: not an image/);
  });

  test('a raw binary without --base says how to give one', async () => {
    expectOneLineError(await f4emu(['map', DEMO_BIN]), /demo\.bin: a raw binary holds no addresses: give its load address with --base \(e\.g\. --base 0x08000000\)/);
  });
});

describe('bad --base values: one line naming the option and the value, exit 2', CONCURRENT, () => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ['0x100000000', /--base: not a 32-bit address: '0x100000000'/],
    ['99999999999999999999', /--base: not a 32-bit address/],
    ['-1', /--base: not a 32-bit address: '-1'/],
    ['-0x10', /--base: not a 32-bit address: '-0x10'/],
    ['0x08000000junk', /--base: not a 32-bit address: '0x08000000junk'/],
    ['0xG', /--base: not a 32-bit address: '0xG'/],
    ['', /--base: not a 32-bit address: ''/],
    ['08000000', /--base: '08000000' is ambiguous: write hex with 0x \(0x08000000\)/],
    ['0xFFFFFFFF', /demo\.bin: offset 0x0: 11920 bytes from --base 0xFFFFFFFF run past the end of the 32-bit address space/],
  ];
  for (const [value, message] of cases) {
    test(`--base '${value}'`, async () => {
      expectOneLineError(await f4emu(['map', DEMO_BIN, '--base', value]), message);
    });
  }

  test('--base on an ELF, which carries its own addresses', async () => {
    expectOneLineError(await f4emu(['map', DEMO_ELF, '--base', '0x08000000']), /--base applies to raw binaries only; this is an ELF file/);
  });

  test('map options that need a FILE, without one', async () => {
    expectOneLineError(await f4emu(['map', '--base', '0x08000000']), /map: --base needs a FILE/);
    expectOneLineError(await f4emu(['map', '--with', DEMO_ELF]), /map: --with needs a FILE/);
  });

  test('an unknown --device lists the known ones', async () => {
    expectOneLineError(await f4emu(['map', '--device', 'stm32f103']), new RegExp(`unknown device 'stm32f103' \\(known: ${Object.keys(DEVICES).join(', ')}\\)`));
  });
});

// ---- State files ----------------------------------------------------------------------------------

/** A good state file holding demo.elf (made once by `state program`), copied for each test. */
const GOOD = path('good.f4s');
/** A state file of the STM32F407VE (512 KB, sectors 0-7). */
const VE = path('ve.f4s');

before(async () => {
  const made = await f4emu(['state', 'program', GOOD, DEMO_ELF]);
  assert.equal(made.status, 0, made.stderr);
  const ve = await f4emu(['state', 'erase', VE, '--device', 'stm32f407ve', '--sector', '7']);
  assert.equal(ve.status, 0, ve.stderr);
});

let copies = 0;
/** A fresh copy of a state file (tests run side by side and must not share one). */
function copyOf(source: string, bytes?: Uint8Array): string {
  const file = path(`copy-${++copies}-${basename(source)}`);
  if (bytes) writeFileSync(file, bytes);
  else copyFileSync(source, file);
  return file;
}

/** Files next to a state file: its lock or a temporary file left behind would show here. */
function companions(file: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(basename(file)) && n !== basename(file));
}

/** Runs a command that must fail, and checks that the state file is byte for byte as it was. */
async function expectRefusedUnchanged(file: string, args: string[], message: RegExp): Promise<void> {
  const before = readFileSync(file);
  expectOneLineError(await f4emu(args), message);
  assert.ok(readFileSync(file).equals(before), `${basename(file)} was changed by a command that failed`);
  assert.deepEqual(companions(file), [], 'no lock or temporary file left');
}

describe('bad state files: one line, exit 2, the file left as it was, whatever the command', CONCURRENT, () => {
  const good = (): Uint8Array => readFileSync(GOOD);
  const damaged: ReadonlyArray<readonly [string, () => Uint8Array, RegExp]> = [
    ['zero-length', () => new Uint8Array(0), /offset 0x0: empty file \(0 bytes\), not an f4emu state file/],
    ['garbage', () => noise(5000), /offset 0x0: not an f4emu state file \(no "F4EMU-NV" magic\)/],
    ['cut inside the header', () => good().subarray(0, 30), /state file is damaged: truncated: the header needs 0x40 bytes, the file ends at 0x1E/],
    ['cut in half', () => good().subarray(0, 500_000), /state file is damaged: truncated: section flash needs bytes up to 0x[0-9A-F]+, the file ends at 0x7A120/],
    ['a flipped flash byte', () => patched(good(), 5000, good()[5000] ^ 0xff), /state file is damaged: section flash \(offset 0x[0-9A-F]+, 1048576 bytes\) checksum mismatch/],
    ['a corrupted header', () => patched(good(), 0x10, 0x58), /state file is damaged: header checksum mismatch at offset 0x[0-9A-F]+/],
    ['a newer format version', () => patched(good(), 8, 2), /offset 0x8: state file format version 2, this f4emu reads version 1/],
  ];
  const commands = (file: string): string[][] => [
    ['state', 'show', file],
    ['state', 'dump', file, '--region', 'flash', '-o', '-'],
    ['state', 'erase', file, '--sector', '1'],
    ['state', 'program', file, DEMO_ELF],
    ['state', 'option-bytes', file, '--bor', 'off'],
    ['run', '--state', file, '--no-load', '--max-instructions', '1000'],
    ['run', DEMO_ELF, '--state', file, '--max-instructions', '1000'],
  ];
  for (const [what, bytes, message] of damaged) {
    test(`a state file with ${what}`, async () => {
      const file = copyOf(path(`${what.replace(/\W+/g, '-')}.f4s`), bytes());
      // Every command reads the file the same way: all of them on two kinds of damage, three on the rest.
      const all = commands(file);
      const some = what === 'zero-length' || what === 'cut in half' ? all : [all[0], all[2], all[6]];
      for (const args of some) await expectRefusedUnchanged(file, args, message);
    });
  }

  test('a directory or a device instead of a state file: refused before any lock or read (no hang on /dev/zero)', async () => {
    expectOneLineError(await f4emu(['state', 'show', path('a-directory.elf')]), /a-directory\.elf: cannot read the state file: is a directory/);
    expectOneLineError(await f4emu(['state', 'erase', '/dev/zero', '--sector', '1'], { timeoutMs: 20_000 }), /\/dev\/zero: cannot read the state file: not a regular file/);
    expectOneLineError(await f4emu(['run', DEMO_ELF, '--state', '/dev/null']), /\/dev\/null: cannot read the state file: not a regular file/);
    assert.deepEqual(companions(path('a-directory.elf')), []);
  });

  test('a state file in a directory that does not exist', async () => {
    expectOneLineError(await f4emu(['state', 'erase', path('missing/chip.f4s'), '--sector', '1']), /chip\.f4s: no such directory .*missing/);
  });

  test('a state file the user may not write (chmod 444) is refused before the run and keeps its bytes and mode', async () => {
    const sub = path('read-only');
    mkdirSync(sub);
    const file = join(sub, 'ro.f4s');
    copyFileSync(GOOD, file);
    if (AS_USER.uid !== undefined) {
      chownSync(sub, AS_USER.uid, AS_USER.gid);
      chownSync(file, AS_USER.uid, AS_USER.gid);
    }
    chmodSync(file, 0o444);
    const before = readFileSync(file);
    for (const args of [['run', '--state', file, '--no-load', '--max-instructions', '1000'], ['state', 'erase', file, '--sector', '1']]) {
      expectOneLineError(await f4emu(args, AS_USER), /ro\.f4s: cannot open the state file: permission denied/);
    }
    assert.ok(readFileSync(file).equals(before));
    assert.equal(statSync(file).mode & 0o777, 0o444);
    assert.deepEqual(readdirSync(sub), ['ro.f4s']);
  });

  test('a state file of another part is refused, never reused', async () => {
    const file = copyOf(VE);
    const other = /state file belongs to STM32F407VE \(--device stm32f407ve\), not STM32F407VG \(--device stm32f407\)/;
    await expectRefusedUnchanged(file, ['state', 'show', file, '--device', 'stm32f407'], other);
    await expectRefusedUnchanged(file, ['state', 'erase', file, '--device', 'stm32f407', '--sector', '1'], other);
    await expectRefusedUnchanged(file, ['run', DEMO_ELF, '--state', file, '--max-instructions', '1000'], other);
  });
});

describe('state subcommands with bad arguments: one line, exit 2, nothing written', CONCURRENT, () => {
  const cases: ReadonlyArray<readonly [string, (file: string) => string[], RegExp]> = [
    ['erase --sector 12 on a 1 MB part', (f) => ['erase', f, '--sector', '12'], /--sector: '12' is not a sector of the STM32F407VG \(0–11\)/],
    ['erase --sector -1', (f) => ['erase', f, '--sector', '-1'], /--sector: '-1' is not a sector/],
    ['erase --sector 1,,2', (f) => ['erase', f, '--sector', '1,,2'], /--sector: '1,,2' has an empty item/],
    ['erase --sector 0x1', (f) => ['erase', f, '--sector', '0x1'], /--sector: '0x1' is not a sector/],
    ['erase with neither --sector nor --mass', (f) => ['erase', f], /give exactly one of --sector LIST and --mass/],
    ['erase with both --sector and --mass', (f) => ['erase', f, '--sector', '1', '--mass'], /give exactly one of --sector LIST and --mass/],
    ['option-bytes --rdp 3', (f) => ['option-bytes', f, '--rdp', '3'], /--rdp: must be 0, 1 or 2, not '3'/],
    ['option-bytes --rdp 2 without --permanent', (f) => ['option-bytes', f, '--rdp', '2'], /--rdp 2 can never be undone.*--permanent/],
    ['option-bytes --permanent without --rdp 2', (f) => ['option-bytes', f, '--permanent', '--wrp', '1'], /--permanent confirms --rdp 2/],
    ['option-bytes --wrp 0,,1', (f) => ['option-bytes', f, '--wrp', '0,,1'], /--wrp: '0,,1' has an empty item/],
    ['option-bytes --wrp 99', (f) => ['option-bytes', f, '--wrp', '99'], /--wrp: '99' is not a sector of the STM32F407VG \(0–11\)/],
    ['option-bytes --wrp ""', (f) => ['option-bytes', f, '--wrp', ''], /--wrp: no sector given/],
    ['option-bytes --bor 4', (f) => ['option-bytes', f, '--bor', '4'], /--bor: must be off, 1, 2 or 3, not '4'/],
    ['option-bytes --wdg-sw 2', (f) => ['option-bytes', f, '--wdg-sw', '2'], /--wdg-sw: must be 0 or 1, not '2'/],
    ['option-bytes with nothing to change', (f) => ['option-bytes', f], /nothing to change/],
    ['dump -o into a missing directory', (f) => ['dump', f, '--region', 'flash', '-o', path('missing/dir/flash.bin')], /missing\/dir\/flash\.bin: cannot write: no such directory .*missing\/dir/],
    ['dump -o a directory', (f) => ['dump', f, '--region', 'flash', '-o', path('a-directory.elf'), '--format', 'bin'], /a-directory\.elf: cannot write: is a directory/],
    ['dump -o the state file itself (it would be lost)', (f) => ['dump', f, '--region', 'flash', '-o', f, '--format', 'bin'], /-o: .*\.f4s is the state file itself/],
    ['dump --region sector:12', (f) => ['dump', f, '--region', 'sector:12', '-o', '-'], /--region: the STM32F407VG has sectors 0–11, not 12/],
    ['dump --region nowhere', (f) => ['dump', f, '--region', 'nowhere', '-o', '-'], /--region: 'nowhere' is not one of flash, otp/],
    ['dump -o with an unknown extension', (f) => ['dump', f, '--region', 'flash', '-o', path('flash.txt')], /cannot tell the format of '.*flash\.txt'/],
    ['dump --format elf', (f) => ['dump', f, '--region', 'flash', '-o', '-', '--format', 'elf'], /--format: must be bin or hex, not 'elf'/],
    ['program --base on a raw binary past 4 GB', (f) => ['program', f, DEMO_BIN, '--base', '0xFFFFFF00'], /run past the end of the 32-bit address space/],
    ['program a raw binary into SRAM', (f) => ['program', f, DEMO_BIN, '--base', '0x20000000'], /segment 0x20000000–0x20002E8F is in sram1, which is volatile and not kept in a state file/],
    ['program a raw binary past the end of flash', (f) => ['program', f, DEMO_BIN, '--base', '0x080FFFF0'], /runs past the end of flash \(0x080FFFFF\)/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const file = copyOf(GOOD);
      await expectRefusedUnchanged(file, ['state', ...args(file)], message);
    });
  }

  test('erase --sector 8 on an stm32f407ve (sectors 0-7)', async () => {
    const file = copyOf(VE);
    await expectRefusedUnchanged(file, ['state', 'erase', file, '--sector', '8'], /--sector: '8' is not a sector of the STM32F407VE \(0–7\)/);
    await expectRefusedUnchanged(file, ['state', 'dump', file, '--region', 'sector:8', '-o', '-'], /--region: the STM32F407VE has sectors 0–7, not 8/);
  });

  test('programming an image over write-protected sectors is refused before anything is erased', async () => {
    const file = copyOf(GOOD);
    assert.equal((await f4emu(['state', 'option-bytes', file, '--wrp', '0'])).status, 0);
    const refusal = /write-protected \(nWRP = 0\): sector 0 \(0x08000000\); `f4emu state option-bytes .* --wrp none` removes the protection/;
    await expectRefusedUnchanged(file, ['state', 'program', file, DEMO_ELF], refusal);
    await expectRefusedUnchanged(file, ['state', 'erase', file, '--mass'], refusal);
    await expectRefusedUnchanged(file, ['run', DEMO_ELF, '--state', file, '--max-instructions', '1000'], refusal);
  });

  test('at RDP level 1 the probe can neither program nor erase', async () => {
    const file = copyOf(GOOD);
    assert.equal((await f4emu(['state', 'option-bytes', file, '--rdp', '1'])).status, 0);
    const refusal = /flash is read-protected \(RDP level 1\): a debug probe can neither erase nor program it; `f4emu state option-bytes .*\.f4s --rdp 0`/;
    await expectRefusedUnchanged(file, ['state', 'program', file, DEMO_ELF], refusal);
    await expectRefusedUnchanged(file, ['state', 'erase', file, '--sector', '3'], refusal);
    await expectRefusedUnchanged(file, ['run', DEMO_ELF, '--state', file, '--max-instructions', '1000'], refusal);
  });

  test('a command that fails on a state file that did not exist leaves no file behind', async () => {
    const file = path('never-created.f4s');
    expectOneLineError(await f4emu(['state', 'program', file, DEMO_BIN, '--base', '0x30000000']), /demo\.bin: segment 0x30000000–0x30002E8F is outside every memory region/);
    expectOneLineError(await f4emu(['state', 'option-bytes', file, '--rdp', '3']), /--rdp/);
    expectOneLineError(await f4emu(['state', 'erase', file, '--device', 'stm32f407ve', '--sector', '8']), /STM32F407VE/);
    assert.equal(existsSync(file), false);
    assert.deepEqual(companions(file), []);
  });
});

describe('run with bad option combinations: one line, exit 2, before the state file is touched', CONCURRENT, () => {
  const cases: ReadonlyArray<readonly [string, string[], RegExp]> = [
    ['--no-load without --state', ['--no-load'], /--no-load needs --state FILE/],
    ['--halt without --gdb', [DEMO_ELF, '--halt'], /--halt needs --gdb PORT/],
    ['--gdb-host without --gdb', [DEMO_ELF, '--gdb-host', '0.0.0.0'], /--gdb-host needs --gdb PORT/],
    ['--gdb that is no port', [DEMO_ELF, '--gdb', '70000'], /--gdb: not a TCP port: '70000'/],
    ['two USARTs on stdio', [DEMO_ELF, '--usart1', 'stdio', '--usart3', 'stdio'], /--usart3: stdio is already used by --usart1/],
    ['--usart1 tcp:notaport', [DEMO_ELF, '--usart1', 'tcp:notaport'], /--usart1: 'tcp:notaport' is not tcp:PORT or tcp:HOST:PORT/],
    ['an unknown --log channel', [DEMO_ELF, '--log', 'gpio,everything'], /--log: unknown channel 'everything' \(known: /],
    ['--button on the bare chip', [DEMO_ELF, '--board', 'none', '--button', 'held'], /the none board has no user button/],
    ['a --press-button-at that is no time', [DEMO_ELF, '--press-button-at', '5xs'], /--press-button-at: not a time: '5xs'/],
    ['--timeout 0', [DEMO_ELF, '--timeout', '0'], /--timeout: must be a positive number of seconds, not '0'/],
    ['--max-instructions 1.5', [DEMO_ELF, '--max-instructions', '1.5'], /--max-instructions: must be a positive whole number, not '1.5'/],
    ['--boot0 2', [DEMO_ELF, '--boot0', '2'], /--boot0: must be 0 or 1, not '2'/],
    ['an image that places bytes outside every region', [DEMO_BIN, '--base', '0x30000000'], /demo\.bin: segment 0 at 0x30000000-0x30002E8F: 0x30000000 is outside every region/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      expectOneLineError(await f4emu(['run', ...args]), message);
    });
    if (what !== '--no-load without --state') {
      test(`${what}, with --state: the state file is left as it was`, async () => {
        const file = copyOf(GOOD);
        await expectRefusedUnchanged(file, ['run', ...args, '--state', file], message);
        const fresh = path(`fresh-${++copies}.f4s`);
        expectOneLineError(await f4emu(['run', ...args, '--state', fresh]), message);
        assert.equal(existsSync(fresh), false, 'no state file was created');
      });
    }
  }

  test('nothing to run: no image, no --state, and not the ROM bootloader', async () => {
    expectOneLineError(await f4emu(['run']), /run: nothing to run: name an image, or give --state FILE .* or --boot0 1 --boot1 0/);
    expectOneLineError(await f4emu(['run', '--boot0', '1', '--boot1', '1']), /nothing to run/);
  });

  test('--no-load with an image as well', async () => {
    const file = copyOf(GOOD);
    await expectRefusedUnchanged(file, ['run', DEMO_ELF, '--state', file, '--no-load'], /--no-load: do not also name an image/);
  });

  test('an unknown option or command, and too many arguments', async () => {
    expectOneLineError(await f4emu(['run', DEMO_ELF, '--bogus']), /unknown option '--bogus'/);
    expectOneLineError(await f4emu(['flash', DEMO_ELF]), /unknown command 'flash'/);
    expectOneLineError(await f4emu(['run', DEMO_ELF, DEMO_HEX]), /too many arguments for 'run'/);
  });
});

// ---- stdout and stderr ------------------------------------------------------------------------------

describe('stdout carries only the firmware\'s output or the command\'s result; f4emu\'s messages go to stderr', CONCURRENT, () => {
  test('map prints the memory map on stdout and nothing on stderr', async () => {
    const r = await f4emu(['map']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^STM32F407VG memory map/);
    assert.equal(r.stderr, '');
  });

  test('map FILE --json prints one JSON document on stdout', async () => {
    const r = await f4emu(['map', DEMO_ELF, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).fits, true);
    assert.equal(r.stderr, '');
  });

  test('state show prints the report on stdout only', async () => {
    const r = await f4emu(['state', 'show', GOOD]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^state file +.*good\.f4s\n/);
    assert.equal(r.stderr, '');
  });

  test('state dump -o - writes exactly the region\'s bytes to stdout and nothing to stderr', async () => {
    const r = await f4emu(['state', 'dump', GOOD, '--region', 'sector:0', '-o', '-']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdoutBytes.length, 16 * 1024);
    const image = readFileSync(DEMO_BIN);
    assert.ok(r.stdoutBytes.subarray(0, image.length).equals(image), 'the programmed image');
    assert.ok(r.stdoutBytes.subarray(image.length).every((b) => b === 0xff), 'then erased flash');
  });

  test('state dump -o FILE, erase, program and option-bytes say what they did on stderr, nothing on stdout', async () => {
    const file = copyOf(GOOD);
    const runs = [
      await f4emu(['state', 'dump', file, '--region', 'otp', '-o', path('otp.hex')]),
      await f4emu(['state', 'erase', file, '--sector', '2']),
      await f4emu(['state', 'program', file, DEMO_HEX]),
      await f4emu(['state', 'option-bytes', file, '--bor', '2']),
    ];
    for (const r of runs) {
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^[^\n]+\n$/, 'one line on stderr');
    }
  });

  test('run: stdout is the firmware\'s semihosting output and nothing else', async () => {
    const r = await f4emu(['run', DEMO_ELF]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^f4emu demo: the memory organization seen from inside\n/);
    assert.doesNotMatch(r.stdout, /^f4emu: /m);
    assert.equal(r.stderr, '');
  });

  test('run: f4emu\'s own stop message goes to stderr', async () => {
    const r = await f4emu(['run', DEMO_ELF, '--max-instructions', '50']);
    assert.equal(r.status, 124);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^f4emu: --max-instructions 50 reached: stopped at PC 0x[0-9A-F]{8}/);
  });

  test('a reader that goes away (| head -c 1) ends the command quietly, as SIGPIPE would: no trace', async () => {
    const r = await f4emu(['state', 'dump', GOOD, '--region', 'flash', '-o', '-'], { closeStdoutAfter: 1 });
    assert.equal(r.status, 141);
    assert.equal(r.stderr, '');
  });
});

// ---- --help -----------------------------------------------------------------------------------------

describe('--help works for every command and subcommand and is accurate', CONCURRENT, () => {
  const commands = [[], ['map'], ['run'], ['state'], ...['show', 'dump', 'erase', 'program', 'option-bytes'].map((c) => ['state', c])];
  for (const command of commands) {
    test(`f4emu ${[...command, '--help'].join(' ')} prints its usage on stdout, exit 0`, async () => {
      const r = await f4emu([...command, '--help']);
      assert.equal(r.status, 0);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, new RegExp(`^Usage: ${['f4emu', ...command].join(' ')} `));
    });
  }

  test('f4emu help state dump is the same as f4emu state dump --help', async () => {
    const [viaHelp, viaOption] = [await f4emu(['state', 'help', 'dump']), await f4emu(['state', 'dump', '--help'])];
    assert.equal(viaHelp.status, 0);
    assert.equal(viaHelp.stdout, viaOption.stdout);
  });

  test('f4emu (or f4emu state) without a command is a usage error: the usage on stderr, exit 2', async () => {
    for (const command of [[], ['state']]) {
      const r = await f4emu(command);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^Usage: f4emu /);
    }
  });

  test('the top-level help lists every command', async () => {
    const r = await f4emu(['--help']);
    for (const c of ['map', 'run', 'state']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
  });

  test('--device lists every supported part (map and run)', async () => {
    for (const command of ['map', 'run']) {
      const help = (await f4emu([command, '--help'])).stdout.replace(/\s+/g, ' ');
      for (const id of Object.keys(DEVICES)) assert.match(help, new RegExp(`--device <id> [^-]*\\b${id}\\b`), `${command} --help names ${id}`);
    }
  });

  test('run --help names every board and every log channel the machine logs under', async () => {
    const help = (await f4emu(['run', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const board of BOARD_NAMES) assert.match(help, new RegExp(`--board <name> .*\\b${board}\\b`));
    const logText = /--log <channels> (.*?) --/.exec(help)?.[1] ?? '';
    for (const channel of loggedChannels()) assert.match(logText, new RegExp(`\\b${channel}\\b`), `--log help names '${channel}'`);
  });

  test('state dump --help names every region it accepts', async () => {
    const help = (await f4emu(['state', 'dump', '--help'])).stdout;
    for (const region of DUMP_REGIONS) assert.ok(help.includes(region), region);
  });
});

/** The channels the source logs under: machine.log('x', …) / ctx.log('x', …), and the board's gpio log. */
function loggedChannels(): string[] {
  const found = new Set<string>(['gpio', 'all']);
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/\blog\('([a-z]+)'/g)) found.add(m[1]);
    }
  };
  walk(join(ROOT, 'src'));
  return [...found];
}

/**
 * `f4emu state …` as a user runs it: a child process per command, checking stdout, stderr, the exit
 * status and the state file. The child registers src/cli/state.ts on a commander program and reports
 * errors the way src/cli/main.ts does (one line `f4emu: …`, status 2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseImage } from '../../src/loaders/load.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TINY_ELF = join(ROOT, 'test/fixtures/tiny.elf');
const TINY_BIN = join(ROOT, 'test/fixtures/tiny.bin');
const dir = mkdtempSync(join(tmpdir(), 'f4emu-state-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HARNESS = `
import { Command, CommanderError } from 'commander';
import { UserError } from './src/errors.ts';
const { register } = await import('./src/cli/state.ts');
const program = new Command('f4emu').exitOverride().configureOutput({ outputError: () => {} });
register(program);
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (e) {
  process.stderr.write('f4emu: ' + (e instanceof Error ? e.message.replace(/^error: /, '') : String(e)).split('\\n')[0] + '\\n');
  process.exitCode = e instanceof UserError || e instanceof CommanderError ? 2 : 70;
}
`;

interface Result {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

function f4emu(...args: string[]): Result {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', HARNESS, 'state', ...args], { cwd: ROOT });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

function expectError(r: Result, message: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout.length, 0);
  assert.match(r.stderr, /^f4emu: [^\n]+\n$/, 'exactly one line');
  assert.match(r.stderr, message);
}

describe('state program, show and dump', () => {
  const file = join(dir, 'board.f4s');

  test('program creates a factory chip, erases sector 0 and programs the ELF into it', () => {
    const r = f4emu('program', file, TINY_ELF);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /board\.f4s: erased sector 0, programmed \d+ bytes of flash from .*tiny\.elf\n$/);
    assert.equal(r.stdout.length, 0, 'nothing on stdout');
    assert.equal(existsSync(`${file}.lock`), false);
  });

  test('show reports the programmed sector and the protections', () => {
    const r = f4emu('show', file);
    assert.equal(r.status, 0, r.stderr);
    const text = r.stdout.toString();
    assert.match(text, /RDP +level 0 \(0xAA\)/);
    assert.match(text, /\n +0 +0x08000000 +16 KB +writable +programmed/);
    assert.match(text, /\n +1 +0x08004000 +16 KB +writable +erased/);
    const json = JSON.parse(f4emu('show', file, '--json').stdout.toString());
    assert.equal(json.sectors[0].erased, false);
    assert.equal(json.device.id, 'stm32f407');
  });

  test('dump -o - writes the sector to stdout: the image bytes, then erased flash', () => {
    const r = f4emu('dump', file, '--region', 'sector:0', '-o', '-');
    assert.equal(r.status, 0, r.stderr);
    const bin = readFileSync(TINY_BIN);
    assert.equal(r.stdout.length, 16 * 1024);
    assert.deepEqual(r.stdout.subarray(0, bin.length), bin);
    assert.ok(r.stdout.subarray(bin.length).every((b) => b === 0xff));
  });

  test('dump -o FILE.hex writes Intel HEX that the loaders read back at the OTP address', () => {
    const out = join(dir, 'otp.hex');
    const r = f4emu('dump', file, '--region', 'otp', '-o', out);
    assert.equal(r.status, 0, r.stderr);
    const image = parseImage(readFileSync(out), out);
    assert.equal(image.segments[0].address, 0x1fff_7800);
    assert.equal(image.segments.reduce((n, s) => n + s.data.length, 0), 528);
  });

  test('erase --sector 0 erases it', () => {
    assert.equal(f4emu('erase', file, '--sector', '0').status, 0);
    assert.match(f4emu('show', file).stdout.toString(), /\n +0 +0x08000000 +16 KB +writable +erased/);
  });
});

describe('protections apply to the state tools', () => {
  const file = join(dir, 'locked.f4s');

  test('a write-protected sector cannot be erased, and the file is left as it was', () => {
    assert.equal(f4emu('program', file, TINY_ELF).status, 0);
    const r = f4emu('option-bytes', file, '--wrp', '0,1', '--bor', '2');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /write-protected: 0,1, BOR level 2/);
    const before = readFileSync(file);
    expectError(f4emu('erase', file, '--sector', '0'), /locked\.f4s: write-protected \(nWRP = 0\): sector 0 \(0x08000000\)/);
    assert.deepEqual(readFileSync(file), before);
  });

  test('at RDP level 1 the probe cannot program; going back to level 0 mass-erases flash', () => {
    assert.equal(f4emu('option-bytes', file, '--rdp', '1', '--wrp', 'none').status, 0);
    expectError(f4emu('program', file, TINY_ELF), /read-protected \(RDP level 1\)/);
    const r = f4emu('option-bytes', file, '--rdp', '0');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /RDP 1 → 0: flash and backup SRAM were mass-erased/);
    assert.match(f4emu('show', file).stdout.toString(), /\n +0 +0x08000000 +16 KB +writable +erased/);
  });
});

describe('argument checking', () => {
  const file = join(dir, 'args.f4s');

  test('bad arguments are one-line errors that write nothing', () => {
    assert.equal(f4emu('erase', file, '--mass').status, 0);
    const before = readFileSync(file);
    expectError(f4emu('erase', file, '--sector', '12'), /--sector: '12' is not a sector of the STM32F407VG \(0–11\)/);
    expectError(f4emu('erase', file, '--sector', '1', '--mass'), /exactly one of --sector LIST and --mass/);
    expectError(f4emu('erase', file), /exactly one of/);
    expectError(f4emu('option-bytes', file, '--rdp', '3'), /--rdp: must be 0, 1 or 2, not '3'/);
    expectError(f4emu('option-bytes', file, '--rdp', '2'), /--rdp 2 can never be undone.*--permanent/);
    expectError(f4emu('option-bytes', file, '--bor', '4'), /--bor: must be off, 1, 2 or 3/);
    expectError(f4emu('option-bytes', file, '--wdg-sw', 'yes'), /--wdg-sw: must be 0 or 1/);
    expectError(f4emu('option-bytes', file), /nothing to change/);
    expectError(f4emu('dump', file, '--region', 'sram', '-o', '-'), /--region: 'sram' is not one of/);
    expectError(f4emu('dump', file, '--region', 'flash', '-o', join(dir, 'x.txt')), /cannot tell the format/);
    expectError(f4emu('dump', file, '--region', 'flash'), /required option '-o, --output <file>'/);
    expectError(f4emu('program', file, TINY_BIN), /tiny\.bin: a raw binary holds no addresses/);
    expectError(f4emu('program', file, TINY_BIN, '--base', '0x20000000'), /is in sram1, which is volatile/);
    expectError(f4emu('show', file, '--device', 'stm32f407ve'), /belongs to STM32F407VG \(--device stm32f407\), not STM32F407VE/);
    expectError(f4emu('show', file, '--device', 'nope'), /--device: unknown device 'nope'/);
    expectError(f4emu('show', join(dir, 'missing.f4s')), /missing\.f4s: no such state file/);
    assert.deepEqual(readFileSync(file), before);
  });

  test('--device chooses the part of a new file', () => {
    const ve = join(dir, 've.f4s');
    assert.equal(f4emu('erase', ve, '--sector', '7', '--device', 'stm32f407ve').status, 0);
    const json = JSON.parse(f4emu('show', ve, '--json').stdout.toString());
    assert.equal(json.device.id, 'stm32f407ve');
    assert.equal(json.sectors.length, 8);
  });

  test('a damaged file is refused in one line', () => {
    const bad = join(dir, 'args.f4s');
    const bytes = readFileSync(bad);
    bytes[0x2000] ^= 0xff;
    const copy = join(dir, 'damaged.f4s');
    writeFileSync(copy, bytes);
    expectError(f4emu('show', copy), /damaged\.f4s: state file is damaged: section flash .* checksum mismatch/);
  });
});

/**
 * Crash safety of the state file with group commit: a child process erases and programs through the
 * flash interface in a loop (state-crash-child.ts) and reports groups of completed operations to this
 * process the way the emulator tells a host (through the output barrier, as the bootloader's ACK); it is
 * SIGKILLed at a random instant, again and again on the same file. After every kill the file must open,
 * hold every operation this process received a report of, and be exactly the memory left by the first
 * N operations for some N (nothing half-done, nothing out of order) — at most MAX_GROUP more than were
 * reported (completed, not reported yet). Kills alternate between the real file (the emulator killed)
 * and a file whose unsynced appends die with the process (a power cut, worst case).
 *
 * F4EMU_CRASH_ITERATIONS sets the number of kills (10 by default; `npm run test:crash` runs 50).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_DEVICE } from '../../src/device/stm32f407.js';
import { openStateFile } from '../../src/host/nvstore-node.js';
import { MAX_GROUP, type Model, applyOperation, factoryModel, operationAt } from './state-crash-child.js';

const ITERATIONS = Number(process.env.F4EMU_CRASH_ITERATIONS ?? 10);
/** A small journal limit so that kills also land in compactions. */
const COMPACT_AT = 6 * 1024;
const CHILD = join(import.meta.dirname, 'state-crash-child.ts');

interface ChildRun {
  lastDone: number | null;
  operations: number;
}

/** Starts the child at operation `start`, kills it at a random instant, returns what it reported. */
function runAndKill(path: string, start: number, delayMs: number, afterReady: boolean, mode: 'kill' | 'power-loss'): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(start), String(COMPACT_AT), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    if (!afterReady) timer = setTimeout(kill, delayMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (afterReady && timer === undefined && out.includes('ready\n')) timer = setTimeout(kill, delayMs);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`child ended by itself (code ${code}): ${err}`));
      const done = [...out.matchAll(/^done (\d+)$/gm)].map((m) => Number(m[1]));
      done.forEach((k, i) => assert.equal(k, start + i, 'operations are reported in order'));
      resolve({ lastDone: done.length ? done[done.length - 1] : null, operations: done.length });
    });
  });
}

function copyModel(m: Model): Model {
  return { flash: m.flash.slice(), otp: m.otp.slice(), optionBytes: m.optionBytes.slice() };
}

function matches(path: string, m: Model): boolean {
  const store = openStateFile(path, DEFAULT_DEVICE);
  const s = store.image.sections;
  return Buffer.compare(s.flash, m.flash) === 0 && Buffer.compare(s.otp, m.otp) === 0 && Buffer.compare(s['option-bytes'], m.optionBytes) === 0;
}

test(`a state file SIGKILLed ${ITERATIONS} times at random instants keeps every operation reported complete`, { timeout: 60_000 + ITERATIONS * 15_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'f4emu-crash-'));
  const path = join(dir, 'chip.f4s');
  try {
    let model = factoryModel(); // the memory after operations 0 … next-1
    let next = 0;
    let total = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const afterReady = i % 4 !== 3; // one kill in four may land while the child opens or repairs the file
      const mode = i % 2 === 0 ? 'kill' : 'power-loss';
      const run = await runAndKill(path, next, afterReady ? 5 + Math.random() * 250 : Math.random() * 900, afterReady, mode);
      total += run.operations;
      const reported = copyModel(model);
      for (let k = next; run.lastDone !== null && k <= run.lastDone; k++) applyOperation(reported, operationAt(k));
      // The file holds the reported operations and up to MAX_GROUP more, in order.
      let n = (run.lastDone ?? next - 1) + 1;
      while (!matches(path, reported)) {
        assert.ok(n - (run.lastDone ?? next - 1) <= MAX_GROUP, `after kill ${i + 1} (${mode}): the file lacks operations reported complete (up to ${run.lastDone}), or holds them out of order`);
        applyOperation(reported, operationAt(n));
        n++;
      }
      model = reported;
      next = n;
    }
    assert.ok(total > ITERATIONS, `the children completed ${total} operations in ${ITERATIONS} runs: too few to mean anything`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

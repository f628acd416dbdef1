/**
 * Crash safety of the state file: a child process erases and programs through the flash interface in a
 * loop (state-crash-child.ts) and is SIGKILLed at a random instant, again and again on the same file.
 * After every kill the file must open, and hold exactly the memory left by the operations the child
 * reported complete (it prints after seeing EOP) — or by one more, which completed but was not printed.
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
import { type Model, applyOperation, factoryModel, operationAt } from './state-crash-child.js';

const ITERATIONS = Number(process.env.F4EMU_CRASH_ITERATIONS ?? 10);
/** A small journal limit so that kills also land in compactions. */
const COMPACT_AT = 6 * 1024;
const CHILD = join(import.meta.dirname, 'state-crash-child.ts');

interface ChildRun {
  lastDone: number | null;
  operations: number;
}

/** Starts the child at operation `start`, kills it at a random instant, returns what it reported. */
function runAndKill(path: string, start: number, delayMs: number, afterReady: boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(start), String(COMPACT_AT)], { stdio: ['ignore', 'pipe', 'pipe'] });
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
      const run = await runAndKill(path, next, afterReady ? 5 + Math.random() * 250 : Math.random() * 900, afterReady);
      total += run.operations;
      const reported = copyModel(model);
      for (let k = next; run.lastDone !== null && k <= run.lastDone; k++) applyOperation(reported, operationAt(k));
      const following = run.lastDone ?? next - 1;
      const oneMore = copyModel(reported);
      applyOperation(oneMore, operationAt(following + 1));
      if (matches(path, reported)) {
        model = reported;
        next = following + 1;
      } else {
        assert.ok(matches(path, oneMore), `after kill ${i + 1}: the file holds neither the ${following + 1} reported operations nor one more`);
        model = oneMore;
        next = following + 2;
      }
    }
    assert.ok(total > ITERATIONS, `the children completed ${total} operations in ${ITERATIONS} runs: too few to mean anything`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

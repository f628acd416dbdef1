import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LAG_WARNING_NS, QUANTUM_NS, RealtimePacer } from '../../src/host/realtime.js';
import { Machine } from '../../src/machine.js';

/** A core without peripherals (no alarms of their own) and a pacer on a wall clock the test moves (`clock.ms`). */
function paced(): { m: Machine; pacer: RealtimePacer; clock: { ms: number }; warnings: string[] } {
  const m = new Machine();
  m.reset('power-on');
  const clock = { ms: 1000 };
  const warnings: string[] = [];
  const pacer = new RealtimePacer(m, (l) => warnings.push(l), () => clock.ms);
  return { m, pacer, clock, warnings };
}

/** Lets emulated time reach `cycles` the way the core does: alarms fire on the way. */
function runTo(m: Machine, cycles: number): void {
  const s = m.scheduler;
  while (s.nextAlarmAt <= cycles) {
    s.cycles = s.nextAlarmAt;
    s.fireDue();
  }
  s.cycles = cycles;
}

describe('RealtimePacer', () => {
  test('a slice ends (stop request) once emulated time is QUANTUM_NS ahead of the wall clock', () => {
    const { m, pacer } = paced();
    const s = m.scheduler;
    assert.equal(pacer.beforeSlice(), 0);
    const bound = s.nextAlarmAt;
    assert.equal(bound, s.nsToCycles(QUANTUM_NS));
    runTo(m, bound - 1);
    assert.equal(m.cpu.stopRequest, null);
    runTo(m, bound + 1); // the stop is seen one cycle later (the scheduler hides attention() from its own alarms)
    assert.equal(m.cpu.stopRequest, 'stop');
    assert.equal(pacer.afterSlice(), true);
    assert.equal(s.nextAlarmAt, Infinity, 'waits between slices see only the firmware\'s alarms');
  });

  test('ahead of the wall clock: no slice, but the time to sleep (at most 100 ms at a time)', () => {
    const { m, pacer, clock } = paced();
    runTo(m, m.scheduler.nsToCycles(30e6));
    clock.ms += 10;
    assert.ok(Math.abs(pacer.beforeSlice() - 20) < 0.01);
    assert.equal(m.scheduler.nextAlarmAt, Infinity);
    runTo(m, m.scheduler.nsToCycles(10e9));
    assert.equal(pacer.beforeSlice(), 100);
    clock.ms += 10_000;
    assert.equal(pacer.beforeSlice(), 0);
  });

  test('falling more than a second behind: one warning, then the lag is forgiven (no rush to catch up)', () => {
    const { pacer, clock, warnings } = paced();
    clock.ms += LAG_WARNING_NS / 1e6 + 500;
    assert.equal(pacer.beforeSlice(), 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^f4emu: --realtime: the host is too slow: emulated time fell 1\.5 s behind the wall clock/);
    pacer.afterSlice();
    assert.ok(Math.abs(pacer.leadNs()) < 1e6);
    clock.ms += 5000;
    pacer.beforeSlice();
    assert.equal(warnings.length, 1, 'said once');
  });

  test('restart: time the core stood still (a debugger, semihosting input) is not lag', () => {
    const { pacer, clock, warnings } = paced();
    clock.ms += 5000;
    pacer.restart();
    assert.equal(pacer.beforeSlice(), 0);
    assert.equal(warnings.length, 0);
  });

  test('idle: emulated time catches up with the wall clock, not past the next alarm, which fires', async () => {
    const { m, pacer, clock } = paced();
    const s = m.scheduler;
    let fired = 0;
    s.createAlarm('test', () => fired++).scheduleNs(50e6);
    clock.ms += 20;
    await pacer.idle(Promise.resolve());
    assert.ok(Math.abs(s.nowNs() - 20e6) < 1e3, `${s.nowNs()} ns`);
    assert.equal(fired, 0);
    clock.ms += 200;
    await pacer.idle(Promise.resolve());
    assert.equal(fired, 1);
    assert.ok(Math.abs(s.nowNs() - 50e6) < 1e3, `${s.nowNs()} ns`);
  });
});

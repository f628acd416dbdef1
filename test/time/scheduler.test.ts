import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Scheduler } from '../../src/time/scheduler.js';

describe('Scheduler', () => {
  test('fireDue fires the alarms whose cycle has come, in time order, and keeps nextEventAt on the next one', () => {
    const s = new Scheduler(16e6);
    const fired: string[] = [];
    const late = s.createAlarm('late', () => fired.push('late'));
    const early = s.createAlarm('early', () => fired.push('early'));
    late.scheduleCycles(100);
    early.scheduleCycles(10);
    assert.equal(s.nextEventAt, 10);
    s.cycles = 50;
    s.fireDue();
    assert.deepEqual(fired, ['early']);
    assert.equal(early.scheduled, false);
    assert.equal(s.nextEventAt, 100);
  });

  test('an alarm in nanoseconds keeps its deadline when the clock changes; one in cycles keeps its cycle count', () => {
    const s = new Scheduler(16e6);
    const ns = s.createAlarm('ns', () => {});
    const cycles = s.createAlarm('cycles', () => {});
    ns.scheduleNs(1000); // 16 cycles at 16 MHz
    cycles.scheduleCycles(16);
    s.setFrequency(168e6);
    assert.equal(ns.at, 168);
    assert.equal(cycles.at, 16);
  });

  test('skipToNextEvent jumps to the earliest alarm, and says false when nothing is scheduled', () => {
    const s = new Scheduler(16e6);
    assert.equal(s.skipToNextEvent(), false);
    s.createAlarm('a', () => {}).scheduleCycles(1234);
    assert.equal(s.skipToNextEvent(), true);
    assert.equal(s.cycles, 1234);
  });

  test('nextAlarmAt is the earliest alarm even after the core lowered nextEventAt to get attention', () => {
    const s = new Scheduler(16e6);
    assert.equal(s.nextAlarmAt, Infinity);
    s.createAlarm('a', () => {}).scheduleCycles(500);
    s.nextEventAt = 0; // what cpu.attention() does
    assert.equal(s.nextAlarmAt, 500);
  });
});

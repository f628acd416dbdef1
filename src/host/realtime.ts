/**
 * Real-time pacing (`f4emu run --realtime`): emulated time never runs ahead of wall-clock time, so a
 * blinking LED or a once-a-second message comes at the rate a Discovery board shows it.
 *
 * Emulated nanoseconds (Scheduler.nowNs) are anchored to a wall-clock instant. Before each slice the
 * pacer schedules an alarm at the emulated instant QUANTUM_NS past "now" on the wall clock; when it
 * fires, the core stops (`cpu.stopRequest = 'stop'`) and the run loop sleeps off the lead. Because the
 * bound is an alarm, it also stops the core's idle skip: a WFI with a SysTick due advances emulated time
 * at most to the alarm instead of far ahead. Only the slicing changes; the firmware sees the same
 * cycles (the alarm touches no machine state).
 *
 * Emulated time may fall behind (a host too slow for the firmware): the first time it is more than
 * LAG_WARNING_NS behind, one line goes to stderr; the lag is then forgiven (re-anchored), so a host that
 * speeds up again does not rush to catch up. Where emulated time stands still on purpose — a debugger
 * holds the core, the firmware waits for semihosting input — the run loop calls `restart()`.
 */
import type { Machine } from '../machine.js';
import type { Alarm } from '../time/scheduler.js';

/** How far emulated time may run ahead of the wall clock before the core stops: the pacing granularity. */
export const QUANTUM_NS = 5e6;
/** Lag behind the wall clock that earns the one warning. */
export const LAG_WARNING_NS = 1e9;
/** Longest single sleep: the run loop looks at signals, timeouts and debuggers at least this often. */
const MAX_SLEEP_MS = 100;

export class RealtimePacer {
  private wallAnchorMs = 0;
  private emulatedAnchorNs = 0;
  private warned = false;
  private fired = false;
  private readonly alarm: Alarm;

  /**
   * @param warn receives the one line about falling behind
   * @param now the wall clock in milliseconds (tests substitute their own)
   */
  constructor(
    private readonly machine: Machine,
    private readonly warn: (line: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.alarm = machine.scheduler.createAlarm('realtime pacing', () => this.fire());
    this.restart();
  }

  /** Emulated time from now on keeps pace with the wall clock from now on (forgets any lead or lag). */
  restart(): void {
    this.wallAnchorMs = this.now();
    this.emulatedAnchorNs = this.machine.scheduler.nowNs();
  }

  /** Emulated time ahead of the wall clock since the anchor, in ns (negative: behind). */
  leadNs(): number {
    return this.machine.scheduler.nowNs() - this.emulatedAnchorNs - (this.now() - this.wallAnchorMs) * 1e6;
  }

  /**
   * Before a slice: how many milliseconds to sleep instead of running it (emulated time is ahead), or 0
   * after arming the alarm that ends the slice QUANTUM_NS ahead of the wall clock.
   */
  beforeSlice(): number {
    let lead = this.leadNs();
    if (lead < -LAG_WARNING_NS) {
      if (!this.warned) {
        this.warned = true;
        this.warn(`f4emu: --realtime: the host is too slow: emulated time fell ${(-lead / 1e9).toFixed(1)} s behind the wall clock (it goes on, slower than real time)`);
      }
      this.restart();
      lead = 0;
    }
    if (lead > 0) return Math.min(MAX_SLEEP_MS, lead / 1e6);
    this.fired = false;
    this.alarm.scheduleNs(QUANTUM_NS - lead);
    return 0;
  }

  /** After a slice: true when it ended at the pacing alarm. The alarm is cancelled (waits between slices see only the firmware's alarms). */
  afterSlice(): boolean {
    this.alarm.cancel();
    return this.fired;
  }

  /**
   * The core only waits (WFI, or polls a USART for input that has not come): sleeps until `input`
   * resolves or the firmware's next alarm is due on the wall clock (at most MAX_SLEEP_MS), then brings
   * emulated time up to the wall clock, not past that alarm, and fires what is due.
   */
  async idle(input: Promise<unknown>): Promise<void> {
    const s = this.machine.scheduler;
    const next = s.nextAlarmAt;
    const nextInNs = next === Infinity ? Infinity : ((next - s.cycles) * 1e9) / s.frequencyHz;
    const waitMs = Math.max(0, Math.min(MAX_SLEEP_MS, (nextInNs + this.leadNs()) / 1e6));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([input, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    const behind = -this.leadNs();
    if (behind > 0) s.cycles = Math.min(s.cycles + s.nsToCycles(behind), next);
    s.fireDue();
  }

  /** The alarm: stop the core. It runs inside the scheduler, whose bookkeeping hides `attention()`; a second alarm one cycle later makes the loop look. */
  private fire(): void {
    if (this.fired) return;
    this.fired = true;
    const cpu = this.machine.cpu;
    cpu.stopRequest ??= 'stop';
    this.alarm.scheduleCycles(1);
  }
}

/**
 * Emulated time. One counter of core clock cycles (HCLK); everything that happens later than "now"
 * is an Alarm at a cycle number. The core runs straight until `nextEventAt`, then calls `fireDue()`.
 *
 * Alarms scheduled in nanoseconds (UART characters, flash erase times, RC oscillator start-up) keep
 * their emulated-time deadline when RCC changes the core clock: `setFrequency` re-converts them.
 * Alarms scheduled in cycles (SysTick, DWT) stay in cycles.
 *
 * Idle skipping: when the core sleeps (WFI) or is recognised as polling, it calls `skipToNextEvent()`,
 * which jumps `cycles` to the next alarm: waiting costs no wall time. Everything is deterministic:
 * the same inputs give the same cycle counts.
 */
export class Alarm {
  /** Absolute cycle at which it fires, or Infinity when not scheduled. */
  at = Infinity;
  /** Emulated-time deadline for alarms scheduled in nanoseconds (NaN for cycle alarms). */
  atNs = NaN;
  constructor(
    private readonly scheduler: Scheduler,
    readonly name: string,
    readonly fire: () => void,
  ) {}

  get scheduled(): boolean {
    return this.at !== Infinity;
  }

  /** Fires `cycles` core cycles from now (at least one). */
  scheduleCycles(cycles: number): void {
    this.atNs = NaN;
    this.scheduler.insert(this, this.scheduler.cycles + Math.max(1, Math.ceil(cycles)));
  }

  /** Fires `ns` nanoseconds of emulated time from now, whatever the clock does meanwhile. */
  scheduleNs(ns: number): void {
    const s = this.scheduler;
    this.atNs = s.nowNs() + ns;
    s.insert(this, s.cycles + Math.max(1, Math.ceil((ns * s.frequencyHz) / 1e9)));
  }

  cancel(): void {
    this.scheduler.remove(this);
  }
}

export class Scheduler {
  /** Core cycles since power-on. */
  cycles = 0;
  /** Cycle of the earliest alarm (Infinity if none): the core may run until then without looking. */
  nextEventAt = Infinity;
  /** Current HCLK frequency. */
  frequencyHz: number;
  /** Called after HCLK changed (e.g. the flash interface checks its wait states). */
  readonly frequencyListeners: Array<(hz: number) => void> = [];
  private readonly queue: Alarm[] = [];
  private baseCycles = 0;
  private baseNs = 0;

  constructor(frequencyHz: number) {
    this.frequencyHz = frequencyHz;
  }

  createAlarm(name: string, fire: () => void): Alarm {
    return new Alarm(this, name, fire);
  }

  /** Emulated nanoseconds since power-on. */
  nowNs(): number {
    return this.baseNs + ((this.cycles - this.baseCycles) * 1e9) / this.frequencyHz;
  }

  /** Converts a duration at the current clock. */
  nsToCycles(ns: number): number {
    return Math.ceil((ns * this.frequencyHz) / 1e9);
  }

  /** RCC changed HCLK: later time-based alarms keep their deadline in nanoseconds. */
  setFrequency(hz: number): void {
    if (hz === this.frequencyHz) return;
    this.baseNs = this.nowNs();
    this.baseCycles = this.cycles;
    this.frequencyHz = hz;
    for (const a of [...this.queue]) {
      if (!Number.isNaN(a.atNs)) this.insert(a, this.cycles + Math.max(1, Math.ceil(((a.atNs - this.baseNs) * hz) / 1e9)));
    }
    for (const l of this.frequencyListeners) l(hz);
  }

  /** Cycle of the earliest scheduled alarm (Infinity if none); unlike `nextEventAt`, never lowered by `cpu.attention()`. */
  get nextAlarmAt(): number {
    return this.queue.length > 0 ? this.queue[0].at : Infinity;
  }

  /** Fires every alarm whose time has come, in time order (an alarm may schedule others). */
  fireDue(): void {
    const q = this.queue;
    while (q.length > 0 && q[0].at <= this.cycles) {
      const a = q.shift()!;
      a.at = Infinity;
      a.fire();
    }
    this.nextEventAt = q.length > 0 ? q[0].at : Infinity;
  }

  /** Jumps emulated time to the next alarm (idle skip). Returns false when nothing is scheduled. */
  skipToNextEvent(): boolean {
    if (this.queue.length === 0) return false;
    if (this.queue[0].at > this.cycles) this.cycles = this.queue[0].at;
    return true;
  }

  /** @internal */
  insert(alarm: Alarm, at: number): void {
    const q = this.queue;
    if (alarm.at !== Infinity) this.removeFromQueue(alarm);
    alarm.at = at;
    let i = q.length;
    while (i > 0 && q[i - 1].at > at) i--;
    q.splice(i, 0, alarm);
    this.nextEventAt = q[0].at;
  }

  /** @internal */
  remove(alarm: Alarm): void {
    if (alarm.at === Infinity) return;
    this.removeFromQueue(alarm);
    alarm.at = Infinity;
    alarm.atNs = NaN;
    this.nextEventAt = this.queue.length > 0 ? this.queue[0].at : Infinity;
  }

  private removeFromQueue(alarm: Alarm): void {
    const i = this.queue.indexOf(alarm);
    if (i >= 0) this.queue.splice(i, 1);
  }
}

/**
 * One run of firmware on an emulated STM32F4-Discovery, for the web view: no DOM here, so the page
 * (web/main.ts) and test/web/session.test.ts drive the same code.
 *
 * Pacing: the page calls `advance(ms)` once per animation frame with the wall-clock time since the
 * previous frame. The session runs the core until emulated time has moved on by as much (an alarm
 * stops it), so emulated time follows real time and the LEDs blink at their real rate. If the host is
 * too slow to keep up, it gives up at a wall-clock budget and emulated time falls behind instead of
 * freezing the page. A core asleep (WFI) or only polling USART2 for input skips ahead to its next
 * event, as on the CLI: waiting costs no host CPU.
 */
import {
  type Alarm,
  type Image,
  type LedColour,
  type Machine,
  type StopReason,
  type Usart,
  Semihosting,
  UserError,
  analysePlacement,
  createMachine,
  detectFormat,
  discoveryOf,
  parseImage,
  usartOf,
} from '../src/browser.js';

/** A firmware file as the page has it: bytes, a name, and where a raw binary goes. */
export interface FirmwareFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Load address of a raw binary; ignored for ELF, HEX and S-record (they carry their addresses). */
  readonly base?: number;
}

export interface SessionEvents {
  /** A Discovery LED went on or off. */
  led?(colour: LedColour, on: boolean): void;
  /** A byte USART2 transmitted (it reaches the host one character time after firmware wrote DR). */
  usart?(byte: number): void;
  /** Semihosting console output (printf through BKPT 0xAB), fd 1 or 2. */
  console?(bytes: Uint8Array, fd: 1 | 2): void;
}

/** Where the session is: running, or stopped for good until a reset (exit, lockup, halt). */
export type SessionState = { readonly kind: 'running' } | { readonly kind: 'exited'; readonly status: number } | { readonly kind: 'stopped'; readonly reason: StopReason };

/** Longest stretch of emulated time one frame may cover (a tab in the background gets no frames). */
export const MAX_FRAME_MS = 100;
/** Instructions between two looks at the wall-clock budget. */
const CHUNK = 200_000;

export class Session {
  readonly machine: Machine;
  readonly images: readonly Image[];
  readonly usart2: Usart;
  private readonly semihosting: Semihosting;
  /** Console input typed while the firmware waits in SYS_READ/SYS_READC. */
  private readonly stdin: number[] = [];
  private readonly frameEnd: Alarm;
  private frameOver = false;
  /** Emulated time (ns) the frames so far asked for. */
  private targetNs: number;
  private state: SessionState = { kind: 'running' };

  /** Loads `files` into a new Discovery board and powers it on. Bad files throw UserError. */
  constructor(files: readonly FirmwareFile[], events: SessionEvents = {}) {
    this.machine = createMachine({ board: 'discovery' });
    this.images = files.map((f) => {
      const format = detectFormat(f.bytes, f.name, { base: f.base });
      return parseImage(f.bytes, f.name, format === 'bin' ? { format, base: f.base } : { format });
    });
    for (const image of this.images) {
      const error = analysePlacement(image, this.machine.device).problems.find((p) => p.severity === 'error');
      if (error) throw new UserError(`${image.file}: ${error.message}`);
      this.machine.loadImage(image);
    }
    const board = discoveryOf(this.machine)!;
    for (const led of Object.values(board.leds)) led.onChange((on) => events.led?.(led.colour, on));
    this.usart2 = usartOf(this.machine, 'USART2');
    this.usart2.onTx = (byte) => events.usart?.(byte);
    this.usart2.onIdle = () => this.stopCore();
    this.semihosting = new Semihosting(
      this.machine.cpu,
      {
        write: (fd, bytes) => events.console?.(bytes, fd),
        read: (max) => (this.stdin.length === 0 ? null : Uint8Array.from(this.stdin.splice(0, max))),
        time: () => Math.floor(Date.now() / 1000),
      },
      { symbols: this.images.flatMap((i) => i.symbols), commandLine: this.images.map((i) => i.file).join(' ') },
    );
    this.semihosting.install();
    this.frameEnd = this.machine.scheduler.createAlarm('web frame end', () => {
      this.frameOver = true;
      this.stopCore();
    });
    this.machine.reset('power-on');
    this.targetNs = this.machine.scheduler.nowNs();
  }

  get status(): SessionState {
    return this.state;
  }

  /** The core locked up (a fault while handling a fault): it runs nothing, but a watchdog may still reset it. */
  get lockedUp(): boolean {
    return this.machine.cpu.exc.lockedUp;
  }

  /** Emulated milliseconds since the session began. */
  get emulatedMs(): number {
    return this.machine.scheduler.nowNs() / 1e6;
  }

  get button(): { press(): void; release(): void; readonly pressed: boolean } {
    return discoveryOf(this.machine)!.button;
  }

  /** Typed keys: to the semihosting console while firmware waits there, else onto USART2's RX line. */
  type(bytes: ArrayLike<number>): void {
    if (this.semihosting.waitingForInput) this.stdin.push(...Array.from(bytes));
    else this.usart2.feedRx(bytes);
  }

  /** Reset button (NRST: 'system') or power cycle ('power-on'); a run that had ended starts again. */
  reset(kind: 'system' | 'power-on'): void {
    this.semihosting.exitCode = null;
    this.state = { kind: 'running' };
    this.machine.reset(kind);
  }

  /**
   * Runs the chip for `wallMs` of emulated time (capped at MAX_FRAME_MS), spending at most
   * `budgetMs` of host time; returns the state afterwards.
   */
  advance(wallMs: number, budgetMs = 12): SessionState {
    if (this.state.kind !== 'running' || !(wallMs > 0)) return this.state;
    const s = this.machine.scheduler;
    // Paced to an absolute target: a frame ends at an instruction boundary, a little past its alarm;
    // the next one is that much shorter, so emulated time does not drift from wall time.
    this.targetNs += Math.min(wallMs, MAX_FRAME_MS) * 1e6;
    const ahead = this.targetNs - s.nowNs();
    if (ahead <= 0) return this.state;
    this.frameOver = false;
    this.frameEnd.scheduleNs(ahead);
    const started = performance.now();
    /** Emulated time stopped short of the target: host too slow, or firmware halted in SYS_READC. */
    let late = false;
    try {
      while (!this.frameOver && this.state.kind === 'running') {
        const reason = this.machine.run(CHUNK);
        if (this.semihosting.exitCode !== null) this.state = { kind: 'exited', status: this.semihosting.exitCode };
        else if (reason === 'halted' || reason === 'breakpoint') this.state = { kind: 'stopped', reason };
        else if (reason === 'lockup' || (reason === 'stop' && !this.frameOver && this.usart2.idle)) {
          // Nothing to run until the next event (a locked-up core still sees its watchdog's reset).
          s.skipToNextEvent();
          s.fireDue();
        } else if (reason === 'stop' && this.semihosting.waitingForInput) {
          late = true;
          break;
        }
        if (performance.now() - started > budgetMs) {
          late = true;
          break;
        }
      }
    } finally {
      this.frameEnd.cancel();
    }
    // Emulated time falls behind for good rather than owing the host a burst later.
    if (late) this.targetNs = s.nowNs();
    return this.state;
  }

  private stopCore(): void {
    this.machine.cpu.stopRequest = 'stop';
    this.machine.cpu.attention();
  }
}

/**
 * GPIO ports A-I of the STM32F405/407 (RM0090 §8), and their pins as the outside world sees them.
 *
 * Registers: MODER, OTYPER, OSPEEDR, PUPDR, IDR, ODR, BSRR (write-only; set wins over reset), LCKR with
 * its key sequence, AFRL/AFRH. Ports A and B reset with the debug pins (JTAG/SWD) in alternate-function
 * mode with their pulls (RM0090 §8.4.1-§8.4.4).
 *
 * Each pin's state is resolved from what drives it, strongest first (RM0090 §8.3, Figure 26):
 * 1. the port's output driver: output mode, push-pull → ODR; open-drain → low when ODR = 0, else off;
 * 2. an external part (`pin.drive(0 | 1)`; `'float'` lets go) — a board's button, a test;
 * 3. the internal pull-up/pull-down (not in analog mode);
 * 4. nothing: the pin floats (`'float'`; its input buffer reads 0).
 * Alternate-function pins are driven by their peripheral; f4emu's peripherals do not drive pins yet, so an
 * AF pin resolves as in input mode. IDR is the Schmitt trigger's output (0 in analog mode, where it is
 * off); changes of it go to the EXTI multiplexer (`onInput`) and to `pin.onChange` listeners.
 */
import type { PeripheralBlock } from '../device/stm32f407.js';
import type { ResetKind } from '../time/reset.js';
import { Peripheral, type PeripheralContext } from './peripheral.js';

/** Register offsets (RM0090 §8.4.11 Table 39). */
export const GPIO_REG = {
  MODER: 0x00, OTYPER: 0x04, OSPEEDR: 0x08, PUPDR: 0x0c, IDR: 0x10, ODR: 0x14, BSRR: 0x18, LCKR: 0x1c, AFRL: 0x20, AFRH: 0x24,
} as const;

/** MODER encodings. */
export const MODE = { INPUT: 0, OUTPUT: 1, ALTERNATE: 2, ANALOG: 3 } as const;
/** PUPDR encodings (3 is reserved: no pull). */
export const PULL = { NONE: 0, UP: 1, DOWN: 2 } as const;
/** GPIOx_LCKR.LCKK. */
export const LCKK = 1 << 16;

export type PinMode = 'input' | 'output' | 'alternate' | 'analog';
const MODE_NAMES: readonly PinMode[] = ['input', 'output', 'alternate', 'analog'];

/** A pin's electrical state: driven/pulled low or high, or floating. */
export type PinState = 0 | 1 | 'float';
const FLOAT = 2;

/**
 * Reset values by port letter (RM0090 §8.4.1-§8.4.4): PA13/PA14/PA15 (SWDIO, SWCLK, JTDI) and PB3/PB4
 * (JTDO/SWO, NJTRST) in AF0. Chip wins for OSPEEDR of port A: RM0090 gives 0 but silicon (and ST's SVD)
 * reads 0x0C00_0000 (PA13 at very high speed).
 */
const RESET: Readonly<Record<string, { moder: number; ospeedr: number; pupdr: number }>> = {
  A: { moder: 0xa800_0000, ospeedr: 0x0c00_0000, pupdr: 0x6400_0000 },
  B: { moder: 0x0000_0280, ospeedr: 0x0000_00c0, pupdr: 0x0000_0100 },
};
const RESET_OTHER = { moder: 0, ospeedr: 0, pupdr: 0 };

/** One pin of a port: what a board, a test or another peripheral holds on to. */
export class Pin {
  private readonly listeners: Array<(state: PinState, pin: Pin) => void> = [];

  constructor(
    readonly port: GpioPort,
    readonly index: number,
  ) {}

  /** E.g. "PA0". */
  get name(): string {
    return `P${this.port.letter}${this.index}`;
  }

  /** Drives the pin from outside the chip: 0 or 1, or 'float' to let go. */
  drive(state: PinState): void {
    this.port.driveExternal(this.index, state);
  }

  /** The pin's state: 0, 1 or 'float'. */
  get state(): PinState {
    return this.port.pinState(this.index);
  }

  /** The logic level the pin presents (a floating pin reads 0). */
  get level(): 0 | 1 {
    return this.state === 1 ? 1 : 0;
  }

  get mode(): PinMode {
    return this.port.mode(this.index);
  }

  /** Calls `listener` whenever the pin's state changes; returns a function that unsubscribes. */
  onChange(listener: (state: PinState, pin: Pin) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** @internal */
  notify(state: PinState): void {
    for (const l of [...this.listeners]) l(state, this);
  }
}

export class GpioPort extends Peripheral {
  /** Port letter, 'A'..'I'. */
  readonly letter: string;
  /** Port number as SYSCFG_EXTICR encodes it (A = 0 ... I = 8). */
  readonly portIndex: number;
  readonly pins: readonly Pin[];
  /** The Schmitt trigger output of a pin changed (IDR bit): the EXTI multiplexer listens. */
  onInput: (pin: number, level: boolean) => void = () => {};

  private moder = 0;
  private otyper = 0;
  private ospeedr = 0;
  private pupdr = 0;
  private odr = 0;
  private afrl = 0;
  private afrh = 0;
  /** LCKR[15:0] as written; `locked` holds the pins frozen by a completed key sequence. */
  private lckr = 0;
  private locked = 0;
  /** Lock key sequence: number of correct writes so far (0-2). */
  private lockStep = 0;
  private idr = 0;
  /** Per pin: what outside parts drive (-1 nothing, 0, 1) and the resolved state (0, 1, FLOAT). */
  private readonly external = new Int8Array(16).fill(-1);
  private readonly states = new Uint8Array(16).fill(FLOAT);
  private readonly resetValues: { moder: number; ospeedr: number; pupdr: number };

  constructor(block: PeripheralBlock, ctx: PeripheralContext) {
    super(block, ctx);
    this.letter = block.name.slice(-1);
    this.portIndex = this.letter.charCodeAt(0) - 'A'.charCodeAt(0);
    this.resetValues = RESET[this.letter] ?? RESET_OTHER;
    this.pins = Array.from({ length: 16 }, (_, i) => new Pin(this, i));
    this.reset('power-on');
  }

  pin(n: number): Pin {
    const p = this.pins[n];
    if (!p) throw new RangeError(`GPIO${this.letter} has pins 0-15, not ${n}`);
    return p;
  }

  mode(pin: number): PinMode {
    return MODE_NAMES[(this.moder >>> (2 * pin)) & 3];
  }

  /** The alternate function number (AF0-AF15) of a pin in alternate-function mode, else undefined. */
  alternateFunction(pin: number): number | undefined {
    if (this.mode(pin) !== 'alternate') return undefined;
    const afr = pin < 8 ? this.afrl : this.afrh;
    return (afr >>> (4 * (pin & 7))) & 0xf;
  }

  /** Whether the pin's output stage is open-drain (OTYPER). */
  openDrain(pin: number): boolean {
    return ((this.otyper >>> pin) & 1) !== 0;
  }

  /** The pin's input data bit (IDR): what the EXTI multiplexer and firmware see. */
  inputLevel(pin: number): boolean {
    return ((this.idr >>> pin) & 1) !== 0;
  }

  pinState(pin: number): PinState {
    const s = this.states[pin];
    return s === FLOAT ? 'float' : (s as 0 | 1);
  }

  /** @internal Pin.drive. */
  driveExternal(pin: number, state: PinState): void {
    this.external[pin] = state === 'float' ? -1 : state;
    this.update();
  }

  // ---- Registers ------------------------------------------------------------------------------

  readRegister(offset: number): number {
    switch (offset) {
      case GPIO_REG.MODER:
        return this.moder;
      case GPIO_REG.OTYPER:
        return this.otyper;
      case GPIO_REG.OSPEEDR:
        return this.ospeedr;
      case GPIO_REG.PUPDR:
        return this.pupdr;
      case GPIO_REG.IDR:
        return this.idr;
      case GPIO_REG.ODR:
        return this.odr;
      case GPIO_REG.LCKR:
        return (this.lckr | (this.lockStep === 3 ? LCKK : 0)) >>> 0;
      case GPIO_REG.AFRL:
        return this.afrl;
      case GPIO_REG.AFRH:
        return this.afrh;
    }
    return 0; // BSRR is write-only; reserved offsets read 0
  }

  writeRegister(offset: number, value: number): void {
    const lock1 = this.locked;
    const lock2 = spread(lock1, 2);
    switch (offset) {
      case GPIO_REG.MODER:
        this.moder = keep(this.moder, value, lock2);
        break;
      case GPIO_REG.OTYPER:
        this.otyper = keep(this.otyper, value & 0xffff, lock1);
        break;
      case GPIO_REG.OSPEEDR:
        this.ospeedr = keep(this.ospeedr, value, lock2);
        return;
      case GPIO_REG.PUPDR:
        this.pupdr = keep(this.pupdr, value, lock2);
        break;
      case GPIO_REG.ODR:
        this.odr = value & 0xffff;
        break;
      case GPIO_REG.BSRR:
        // Set wins when a bit is both set and reset (RM0090 §8.4.7).
        this.odr = ((this.odr & ~(value >>> 16)) | (value & 0xffff)) & 0xffff;
        break;
      case GPIO_REG.LCKR:
        return this.writeLckr(value);
      case GPIO_REG.AFRL:
        this.afrl = keep(this.afrl, value, spread(lock1 & 0xff, 4));
        return;
      case GPIO_REG.AFRH:
        this.afrh = keep(this.afrh, value, spread(lock1 >>> 8, 4));
        return;
      default:
        return; // IDR is read-only
    }
    this.update();
  }

  /**
   * The lock key sequence (RM0090 §8.4.8): write LCKK=1 + LCK, LCKK=0 + LCK, LCKK=1 + LCK, with the same
   * LCK[15:0] each time; LCKK then reads 1 and the LCK pins' configuration is frozen until the next reset.
   * A wrong write aborts the sequence (and may start a new one). LCK[15:0] cannot change once locked.
   */
  private writeLckr(value: number): void {
    if (this.lockStep === 3) return;
    const key = value & 0xffff;
    const lckk = (value & LCKK) !== 0;
    const expected = this.lockStep === 1 ? !lckk : lckk;
    if (this.lockStep > 0 && (!expected || key !== this.lckr)) this.lockStep = 0;
    this.lckr = key;
    if (this.lockStep === 0) {
      if (lckk) this.lockStep = 1;
      return;
    }
    this.lockStep++;
    if (this.lockStep === 3) this.locked = key;
  }

  // ---- Pin resolution -------------------------------------------------------------------------------

  private resolve(pin: number): number {
    const mode = (this.moder >>> (2 * pin)) & 3;
    if (mode === MODE.OUTPUT) {
      const out = (this.odr >>> pin) & 1;
      if (out === 0 || !this.openDrain(pin)) return out;
    }
    const ext = this.external[pin];
    if (ext >= 0) return ext;
    if (mode !== MODE.ANALOG) {
      const pull = (this.pupdr >>> (2 * pin)) & 3;
      if (pull === PULL.UP) return 1;
      if (pull === PULL.DOWN) return 0;
    }
    return FLOAT;
  }

  /** Recomputes every pin and IDR; tells listeners about pins that changed, after the port is consistent. */
  private update(): void {
    const oldIdr = this.idr;
    let idr = 0;
    let changed = 0;
    for (let i = 0; i < 16; i++) {
      const s = this.resolve(i);
      if (s !== this.states[i]) {
        this.states[i] = s;
        changed |= 1 << i;
      }
      if (s === 1 && ((this.moder >>> (2 * i)) & 3) !== MODE.ANALOG) idr |= 1 << i;
    }
    this.idr = idr;
    const inputs = idr ^ oldIdr;
    for (let i = 0; i < 16; i++) {
      if ((changed >>> i) & 1) this.pins[i].notify(this.pinState(i));
      if ((inputs >>> i) & 1) this.onInput(i, ((idr >>> i) & 1) !== 0);
    }
  }

  reset(kind: ResetKind): void {
    if (kind === 'backup-domain') return;
    const r = this.resetValues;
    this.moder = r.moder;
    this.ospeedr = r.ospeedr;
    this.pupdr = r.pupdr;
    this.otyper = this.odr = this.afrl = this.afrh = 0;
    this.lckr = this.locked = this.lockStep = 0;
    this.update();
  }
}

/** Replaces the bits of `old` outside `frozen` with those of `value`. */
function keep(old: number, value: number, frozen: number): number {
  return ((old & frozen) | (value & ~frozen)) >>> 0;
}

/** Widens each bit of a pin mask to a `width`-bit field per pin (MODER: 2, AFR: 4). */
function spread(mask: number, width: number): number {
  let out = 0;
  for (let i = 0; i < 16 && i * width < 32; i++) if ((mask >>> i) & 1) out |= ((1 << width) - 1) << (i * width);
  return out >>> 0;
}

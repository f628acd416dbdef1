/**
 * The STM32F4-Discovery board (MB997, user manual UM1472) around an STM32F407VG:
 * - X2: 8 MHz HSE crystal; X3 (32.768 kHz LSE) is not fitted, so LSERDY never rises;
 * - user LEDs on PD12 (LD4 green), PD13 (LD3 orange), PD14 (LD5 red), PD15 (LD6 blue), lit while the pin
 *   is high (each pin drives its LED through a resistor to ground);
 * - user button B1 on PA0: pressed connects PA0 to VDD (reads 1); released, the board's pull-down
 *   resistor holds it at 0;
 * - VBAT is tied to VDD (no battery): the backup domain does not survive a power-off.
 */
import type { Machine } from '../machine.js';
import type { Pin, PinState } from '../peripherals/gpio.js';
import { pinOf, rccOf } from '../peripherals/index.js';
import { type Board, recordBoard } from './board.js';

export type LedColour = 'green' | 'orange' | 'red' | 'blue';

/** A LED between a pin and ground: on while the pin is high. */
export class Led {
  private lit: boolean;
  private readonly listeners: Array<(on: boolean, led: Led) => void> = [];

  constructor(
    readonly colour: LedColour,
    /** Board reference, e.g. "LD4". */
    readonly label: string,
    readonly pin: Pin,
  ) {
    this.lit = pin.state === 1;
    pin.onChange((state) => this.follow(state));
  }

  get on(): boolean {
    return this.lit;
  }

  /** Calls `listener` when the LED goes on or off; returns a function that unsubscribes. */
  onChange(listener: (on: boolean, led: Led) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private follow(state: PinState): void {
    const lit = state === 1;
    if (lit === this.lit) return;
    this.lit = lit;
    for (const l of [...this.listeners]) l(lit, this);
  }
}

/** A push button from a pin to VDD, with a pull-down resistor on the board. */
export class Button {
  private down = false;

  constructor(
    readonly label: string,
    readonly pin: Pin,
  ) {
    pin.drive(0);
  }

  get pressed(): boolean {
    return this.down;
  }

  press(): void {
    this.down = true;
    this.pin.drive(1);
  }

  release(): void {
    this.down = false;
    this.pin.drive(0);
  }
}

export class DiscoveryBoard implements Board {
  readonly name = 'discovery';
  readonly description = 'STM32F4-Discovery (MB997): 8 MHz HSE, LEDs on PD12-PD15, user button on PA0';
  readonly hseHz = 8_000_000;
  readonly lseHz = 0;
  readonly leds: Readonly<Record<LedColour, Led>>;
  readonly button: Button;

  constructor(machine: Machine) {
    rccOf(machine)?.setExternalClocks({ hseHz: this.hseHz, lseHz: this.lseHz });
    this.leds = {
      green: new Led('green', 'LD4', pinOf(machine, 'PD12')),
      orange: new Led('orange', 'LD3', pinOf(machine, 'PD13')),
      red: new Led('red', 'LD5', pinOf(machine, 'PD14')),
      blue: new Led('blue', 'LD6', pinOf(machine, 'PD15')),
    };
    this.button = new Button('B1', pinOf(machine, 'PA0'));
    recordBoard(machine, this);
  }

  watch(report: (message: string) => void): () => void {
    const stops = Object.values(this.leds).map((led) =>
      led.onChange((on) => report(`LED ${led.colour} (${led.pin.name}) ${on ? 'on' : 'off'}`)),
    );
    const button = this.button;
    stops.push(button.pin.onChange((state) => report(`button ${button.label} (${button.pin.name}) ${state === 1 ? 'pressed' : 'released'}`)));
    return () => stops.forEach((stop) => stop());
  }
}

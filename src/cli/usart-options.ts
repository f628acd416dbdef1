/**
 * The `--usart1 … --usart6` options of `f4emu run` (UART4/UART5 as `--uart4`/`--uart5`, their names in
 * RM0090): which host port each USART's TX/RX goes to. Default: USART2 on stdio, the others
 * unconnected (their characters still take their time and are dropped).
 *
 * `addUsartOptions(cmd)` declares them; `applyUsartOptions(machine, opts)` checks every value (a bad one
 * is a UserError before anything is opened), connects the ports and returns what the run loop needs:
 * - `idle()`: the firmware only polls a connected USART for input that has not come; the run loop may
 *   then sleep until `whenInput()` resolves (or, if the scheduler holds alarms the firmware may be
 *   waiting for too, until the next one is due in wall-clock time). To stop the core as soon as that
 *   starts instead of at the end of its slice, set each port's `usart.onIdle` to a stop request;
 * - `close()` at the end flushes and releases the ports.
 */
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { type SerialHandle, type SerialSpec, connectSerial, parseSerialSpec } from '../host/serial-port.js';
import type { Machine } from '../machine.js';
import { type Usart, usartOf } from '../peripherals/usart.js';

/** Option names, in the order of the USART numbers. */
export const USART_OPTIONS = ['usart1', 'usart2', 'usart3', 'uart4', 'uart5', 'usart6'] as const;
export type UsartOptionName = (typeof USART_OPTIONS)[number];
export type UsartOptions = Partial<Record<UsartOptionName, string>>;

/** What each USART is connected to when its option is absent. */
const DEFAULTS: Readonly<Record<UsartOptionName, string>> = { usart1: 'none', usart2: 'stdio', usart3: 'none', uart4: 'none', uart5: 'none', usart6: 'none' };

export function addUsartOptions(cmd: Command): Command {
  for (const name of USART_OPTIONS) {
    cmd.option(`--${name} <port>`, `connect ${name.toUpperCase()} to stdio, pty, tcp:[HOST:]PORT, file:PATH or none (default ${DEFAULTS[name]})`);
  }
  return cmd;
}

export interface UsartConnections {
  /** The connected USARTs and their host ends (those left on `none` are not listed). */
  readonly ports: ReadonlyArray<{ readonly name: UsartOptionName; readonly usart: Usart; readonly handle: SerialHandle }>;
  /** The firmware is only polling for serial input that has not come (see `Usart.idle`). */
  idle(): boolean;
  /** Resolves when host bytes arrive on any connected USART. */
  whenInput(): Promise<void>;
  /** Flushes and closes every port. */
  close(): Promise<void>;
}

/** Validates every `--usartN` value, then connects them (announcing pty paths and tcp ports on stderr). */
export async function applyUsartOptions(machine: Machine, opts: UsartOptions, announce?: (line: string) => void): Promise<UsartConnections> {
  // The terminal goes to USART2 unless the user gives it to another USART explicitly.
  const stdioTaken = USART_OPTIONS.some((name) => opts[name] !== undefined && opts[name]!.trim() === 'stdio');
  const valueOf = (name: UsartOptionName): string => opts[name] ?? (stdioTaken && DEFAULTS[name] === 'stdio' ? 'none' : DEFAULTS[name]);
  const specs = USART_OPTIONS.map((name) => ({ name, spec: parseSerialSpec(valueOf(name), `--${name}`) }));
  const onStdio = specs.filter((s) => s.spec.kind === 'stdio');
  if (onStdio.length > 1) throw new UserError(`--${onStdio[1].name}: stdio is already used by --${onStdio[0].name} (one USART per terminal)`);
  const ports: Array<{ name: UsartOptionName; usart: Usart; handle: SerialHandle }> = [];
  try {
    for (const { name, spec } of specs) {
      if (spec.kind === 'none') continue;
      const usart = usartOf(machine, name);
      ports.push({ name, usart, handle: await connectSerial(usart, spec as SerialSpec, { name, announce }) });
    }
  } catch (e) {
    await Promise.all(ports.map((p) => p.handle.close()));
    throw e;
  }
  return {
    ports,
    idle: () => ports.some((p) => p.usart.idle),
    whenInput: () => Promise.race(ports.map((p) => p.usart.whenRxQueued())),
    close: async () => {
      await Promise.all(ports.map((p) => p.handle.close()));
    },
  };
}

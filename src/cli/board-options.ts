/**
 * The board options of `f4emu run`:
 *   --board discovery|none       the board around the chip (default discovery)
 *   --button held|released       the Discovery user button's state from power-on (default released)
 *   --press-button-at T[:D],...  press it at emulated time T for D (default 100 ms), e.g. 50ms,120ms:20ms
 *   --log gpio                   (the run command's --log channels) LED and button changes on stderr,
 *                                with emulated time: "[12.000 ms] LED green (PD12) on"
 *
 * Wiring in a command:
 *   addBoardOptions(cmd);
 *   const machine = createMachine({ ..., board: parseBoard(options.board) });
 *   applyBoardOptions(machine, options);   // before machine.reset('power-on')
 */
import type { Command } from 'commander';
import { type Board, BOARD_NAMES, type BoardName, attachBoard, boardOf, DiscoveryBoard } from '../boards/index.js';
import { UserError } from '../errors.js';
import type { Machine } from '../machine.js';

export interface BoardOptions {
  board?: string;
  button?: string;
  pressButtonAt?: string;
  /** The run command's --log channel list. */
  log?: string;
}

/** How long a --press-button-at press lasts without an explicit duration. */
export const DEFAULT_PRESS_NS = 100e6;

export function addBoardOptions(cmd: Command): Command {
  return cmd
    .option('--board <name>', 'board around the chip: discovery (STM32F4-Discovery: 8 MHz HSE, LEDs PD12-PD15, button PA0) or none (bare chip)', 'discovery')
    .option('--button <state>', 'Discovery user button from power-on: held or released (default)')
    .option('--press-button-at <times>', 'press the Discovery user button at these emulated times, e.g. 50ms,1.5s:20ms (TIME[:DURATION], default duration 100ms)');
}

export function parseBoard(text: string | undefined): BoardName {
  const name = (text ?? 'discovery').toLowerCase();
  if (!(BOARD_NAMES as readonly string[]).includes(name)) throw new UserError(`--board: unknown board '${text}' (known: ${BOARD_NAMES.join(', ')})`);
  return name as BoardName;
}

/** An emulated duration: a number with ns, us, ms or s (a bare number is milliseconds). Returns ns. */
export function parseDuration(text: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s)?\s*$/.exec(text);
  if (!m) throw new UserError(`${option}: not a time: '${text}' (write e.g. 50ms, 1.5s, 200us)`);
  const scale: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 };
  return Number(m[1]) * scale[m[2] ?? 'ms'];
}

/** One button press of --press-button-at, in emulated ns since power-on. */
export interface ButtonPress {
  atNs: number;
  durationNs: number;
}

export function parsePresses(text: string): ButtonPress[] {
  const option = '--press-button-at';
  return text.split(',').map((item) => {
    const [at, duration, extra] = item.split(':');
    if (extra !== undefined) throw new UserError(`${option}: '${item}' has more than one ':' (write TIME or TIME:DURATION)`);
    const durationNs = duration === undefined ? DEFAULT_PRESS_NS : parseDuration(duration, option);
    if (durationNs <= 0) throw new UserError(`${option}: the press '${item}' lasts no time`);
    return { atNs: parseDuration(at, option), durationNs };
  });
}

/** The board options, checked: the board to use, whether the button is held from power-on, the presses. */
interface BoardSettings {
  readonly name: BoardName;
  readonly held: boolean;
  readonly presses: readonly ButtonPress[];
}

/**
 * Checks every board option against the machine (and the board it sits on, if any) without changing
 * anything: a bad value or a button option for a board without a button is a UserError. `run` calls
 * it before it touches the state file.
 */
export function checkBoardOptions(machine: Machine, options: BoardOptions): BoardSettings {
  const name = parseBoard(options.board);
  const existing = boardOf(machine);
  if (existing && existing.name !== name) throw new UserError(`--board ${name}: this machine was built for the ${existing.name} board`);
  const button = options.button?.toLowerCase();
  if (button !== undefined && button !== 'held' && button !== 'released') throw new UserError(`--button: must be held or released, not '${options.button}'`);
  const presses = options.pressButtonAt !== undefined ? parsePresses(options.pressButtonAt) : [];
  const hasButton = existing ? existing instanceof DiscoveryBoard : name === 'discovery';
  if ((button !== undefined || options.pressButtonAt !== undefined) && !hasButton) {
    throw new UserError(`--button/--press-button-at: the ${name} board has no user button`);
  }
  return { name, held: button === 'held', presses };
}

/**
 * Puts the machine on the board the options name (unless it already sits on that board), then applies
 * the button options and --log gpio. Call before the power-on reset; times count from power-on.
 */
export function applyBoardOptions(machine: Machine, options: BoardOptions): Board {
  const settings = checkBoardOptions(machine, options);
  const board = boardOf(machine) ?? attachBoard(machine, settings.name);
  if (board instanceof DiscoveryBoard) {
    if (settings.held) board.button.press();
    schedulePresses(machine, board, settings.presses);
  }
  if (logsGpio(options.log)) board.watch((message) => process.stderr.write(`[${emulatedMs(machine)} ms] ${message}\n`));
  return board;
}

function logsGpio(channels: string | undefined): boolean {
  return (channels ?? '').split(',').some((c) => ['gpio', 'all'].includes(c.trim()));
}

/** Emulated time since power-on, as "12.000". */
function emulatedMs(machine: Machine): string {
  return (machine.scheduler.nowNs() / 1e6).toFixed(3);
}

function schedulePresses(machine: Machine, board: DiscoveryBoard, presses: readonly ButtonPress[]): void {
  const s = machine.scheduler;
  presses.forEach((p, i) => {
    const now = s.nowNs();
    s.createAlarm(`button press ${i + 1}`, () => board.button.press()).scheduleNs(Math.max(0, p.atNs - now));
    s.createAlarm(`button release ${i + 1}`, () => board.button.release()).scheduleNs(Math.max(0, p.atNs + p.durationNs - now));
  });
}

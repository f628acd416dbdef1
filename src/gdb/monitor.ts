/**
 * `monitor` commands (qRcmd): what a debug probe's server offers besides the protocol, with the
 * OpenOCD spellings GDB users know.
 *
 *   reset halt     system reset (NRST); the core stays halted at the reset vector
 *   reset run      system reset; the core runs (GDB still believes it stopped: `continue` or Ctrl-C)
 *   reset          same as `reset run`, as in OpenOCD
 *   halt           holds the core where it is (as at attach; IDEs send it when they attach)
 *   boot0 0|1      sets the BOOT0 pin (boot1 likewise); the chip latches it at the next reset
 *   state          read protection, write protection, boot pins and what sits at address 0
 *   help           this list
 *
 * After a reset GDB still shows the registers it read before: `maintenance flush register-cache`
 * (or `flushregs`) makes it read them again.
 */
import type { BootMode } from '../device/stm32f407.js';
import { hex32 } from '../errors.js';
import { protectedSectors } from '../flash/option-bytes.js';
import type { MachineTarget } from './target.js';

const HELP = [
  'f4emu monitor commands:',
  '  reset halt     reset the chip (NRST); the core stays halted at the reset vector',
  '  reset run      reset the chip and let it run (also: reset)',
  '  halt           hold the core where it is',
  '  boot0 0|1      set the BOOT0 pin (boot1 likewise), latched at the next reset',
  '  state          read protection (RDP), write protection (WRP), boot pins and mode',
  '  help           this list',
];

const BOOT_MEMORY: Readonly<Record<BootMode, string>> = { flash: 'main flash', system: 'system memory', sram: 'SRAM1' };

/** Runs one monitor command; returns its output (an error is output too: GDB shows it). */
export function monitorCommand(target: MachineTarget, line: string): string {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const [command, ...args] = words;
  switch (command) {
    case 'reset':
      return reset(target, args);
    case 'halt':
      if (args.length !== 0) return usage('halt');
      target.hold();
      return lines([`halted at ${hex32(target.machine.cpu.npc)}`]);
    case 'boot0':
    case 'boot1':
      return bootPin(target, command, args);
    case 'state':
      return args.length === 0 ? state(target) : usage('state');
    case 'help':
    case undefined:
      return lines(HELP);
    default:
      return lines([`unknown monitor command '${command}'`, ...HELP]);
  }
}

function lines(text: readonly string[]): string {
  return text.join('\n') + '\n';
}

function usage(what: string): string {
  return lines([`usage: monitor ${what}`]);
}

function reset(target: MachineTarget, args: readonly string[]): string {
  const mode = args.length === 0 ? 'run' : args.length === 1 ? args[0] : '';
  if (mode !== 'halt' && mode !== 'run') return usage('reset [halt|run]');
  target.reset(mode === 'halt');
  const pc = hex32(target.machine.cpu.npc);
  return lines([mode === 'halt' ? `reset: core halted at ${pc}` : `reset: core running from ${pc}`]);
}

function bootPin(target: MachineTarget, pin: 'boot0' | 'boot1', args: readonly string[]): string {
  if (args.length !== 1 || (args[0] !== '0' && args[0] !== '1')) return usage(`${pin} 0|1`);
  const machine = target.machine;
  machine[pin] = args[0] === '1' ? 1 : 0;
  return lines([`${pin.toUpperCase()} = ${args[0]}: the chip boots from ${BOOT_MEMORY[machine.bootMode]} at the next reset`]);
}

function state(target: MachineTarget): string {
  const machine = target.machine;
  const flash = target.flash;
  const out: string[] = [];
  if (flash) {
    const ob = flash.optionBytes;
    const level = flash.rdpLevel;
    const locked = flash.accessRestricted ? '; flash, OTP and backup SRAM are locked to the debugger' : '';
    out.push(`RDP: level ${level} (option byte 0x${ob.rdp.toString(16).toUpperCase().padStart(2, '0')})${locked}`);
    const wrp = protectedSectors(ob, machine.device.flashSectors.length);
    const nWrp = `nWRP 0x${ob.nWrp.toString(16).toUpperCase().padStart(3, '0')}`;
    out.push(wrp.length === 0 ? `WRP: no sector write-protected (${nWrp})` : `WRP: sector${wrp.length > 1 ? 's' : ''} ${wrp.join(', ')} write-protected (${nWrp})`);
  } else {
    out.push('RDP, WRP: this machine has no flash interface model');
  }
  out.push(`boot: BOOT0 = ${machine.boot0}, BOOT1 = ${machine.boot1} (${BOOT_MEMORY[machine.bootMode]} at the next reset); at 0x00000000 now: ${BOOT_MEMORY[machine.bus.boot]}`);
  out.push(`core: ${target.halted ? 'halted' : 'running'}, PC ${hex32(machine.cpu.npc)}`);
  return lines(out);
}

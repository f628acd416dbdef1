/**
 * Shared set-up of the GDB stub specs: a Machine with the flash interface, a small hand-assembled
 * program in flash, a MachineTarget attached to an RspSession, and helpers that speak the protocol
 * to it as GDB does (framed packets in, framed replies out) and drive the machine as `f4emu run` does.
 */
import { flashFactory } from '../../src/flash/interface.js';
import { RspSession, frame } from '../../src/gdb/rsp.js';
import { MachineTarget, type MachineTargetOptions } from '../../src/gdb/target.js';
import { Machine, type PeripheralFactory } from '../../src/machine.js';
import { backupSramFactory } from '../../src/peripherals/bkpsram.js';

export const FLASH = 0x0800_0000;
export const STACK_TOP = 0x2000_1000;
/** Where the program keeps its counter (r1 points here): the loop stores r0 here and loads DATA + 4. */
export const DATA = 0x2000_0400;
/** `b .` that every exception vector but reset points at. */
export const HANG = 0x0800_00f0;
export const START = 0x0800_0100;
/** The loop: adds r0,#1 / str r0,[r1] / ldr r2,[r1,#4] / b loop. */
export const LOOP = 0x0800_0104;
export const STORE = 0x0800_0106;
export const LOAD = 0x0800_0108;
export const BRANCH = 0x0800_010a;

/**
 * 0x0800_0100  ldr r1, [pc, #8]    ; r1 = DATA
 * 0x0800_0102  movs r0, #0
 * 0x0800_0104  adds r0, #1         ; LOOP
 * 0x0800_0106  str r0, [r1]        ; STORE
 * 0x0800_0108  ldr r2, [r1, #4]    ; LOAD
 * 0x0800_010a  b.n LOOP            ; BRANCH
 * 0x0800_010c  .word DATA
 */
const PROGRAM = [0x4902, 0x2000, 0x3001, 0x6008, 0x684a, 0xe7fb, DATA & 0xffff, DATA >>> 16];

/** Writes halfwords into main flash directly (a programmer would; no protection applies). */
export function placeInFlash(machine: Machine, address: number, halfwords: readonly number[]): void {
  const flash = machine.bus.view('flash');
  halfwords.forEach((h, i) => {
    flash[address - FLASH + 2 * i] = h & 0xff;
    flash[address - FLASH + 2 * i + 1] = h >> 8;
  });
}

/** A Machine (by default with the flash interface only) with the loop program in flash, reset (not yet attached). */
export function programMachine(factories: PeripheralFactory[] = [flashFactory, backupSramFactory]): Machine {
  const machine = new Machine({}, factories);
  const vectors: number[] = [];
  const word = (w: number) => vectors.push(w & 0xffff, w >>> 16);
  word(STACK_TOP);
  word(START | 1);
  for (let n = 2; n < 16; n++) word(HANG | 1);
  placeInFlash(machine, FLASH, vectors);
  placeInFlash(machine, HANG, [0xe7fe]);
  placeInFlash(machine, START, PROGRAM);
  machine.reset('power-on');
  return machine;
}

/** Splits the stub's output into what GDB would see: '+', '-' and packet payloads. */
export function parseOutput(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === '$') {
      const end = text.indexOf('#', i);
      out.push(text.slice(i + 1, end));
      i = end + 3;
    } else {
      out.push(text[i]);
      i++;
    }
  }
  return out;
}

export class Gdb {
  readonly target: MachineTarget;
  readonly session: RspSession;
  readonly logged: string[] = [];
  private output = '';

  constructor(
    readonly machine: Machine = programMachine(),
    options: MachineTargetOptions = {},
  ) {
    this.target = new MachineTarget(machine, options);
    this.session = new RspSession(this.target, {
      send: (bytes) => (this.output += Buffer.from(bytes).toString('latin1')),
      log: (message) => this.logged.push(message),
    });
    const refusal = this.target.attach();
    if (refusal) throw new Error(refusal);
    this.session.receive(Buffer.from('+$QStartNoAckMode#b0', 'latin1'));
    this.take();
  }

  /** Raw bytes to the stub; returns what it sent back (acks and payloads). */
  raw(bytes: string | Uint8Array): string[] {
    this.session.receive(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    return this.take();
  }

  /** Sends one packet; returns the payloads of the replies (normally one). */
  send(payload: string): string[] {
    return this.raw(frame(payload)).filter((r) => r !== '+' && r !== '-');
  }

  /** Sends one packet that has exactly one reply; returns it. */
  ask(payload: string): string {
    const replies = this.send(payload);
    if (replies.length !== 1) throw new Error(`${payload}: expected one reply, got ${JSON.stringify(replies)}`);
    return replies[0];
  }

  /** Runs the machine as `f4emu run` does until the debugger holds the core again; returns the replies. */
  runUntilStop(maxSlices = 1000, slice = 1000): string[] {
    for (let i = 0; i < maxSlices && !this.target.halted; i++) this.target.afterRun(this.machine.run(slice));
    return this.take();
  }

  /** Lets the program run on its own long enough for its loop to be hot (translated), then attaches again. */
  runHot(instructions = 100_000): void {
    this.ask('D');
    this.machine.run(instructions);
    this.target.attach();
  }

  /** `c`, then run until the stop reply. */
  continue(): string {
    const replies = [...this.send('c'), ...this.runUntilStop()];
    if (replies.length !== 1) throw new Error(`c: expected one stop reply, got ${JSON.stringify(replies)}`);
    return replies[0];
  }

  /** A 32-bit register by remote number. */
  register(n: number): number {
    const hex = this.ask(`p${n.toString(16)}`);
    return Buffer.from(hex, 'hex').readUInt32LE(0);
  }

  setRegister(n: number, value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value >>> 0);
    const r = this.ask(`P${n.toString(16)}=${b.toString('hex')}`);
    if (r !== 'OK') throw new Error(`P${n}: ${r}`);
  }

  private take(): string[] {
    const out = parseOutput(this.output);
    this.output = '';
    return out;
  }
}

/** The remote number of the PC (target-xml.ts). */
export const PC = 15;

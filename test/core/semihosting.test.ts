// ARM semihosting: every operation f4emu serves, called as the BKPT 0xAB op calls it (cpu.onBkpt with
// R0/R1 set), then the same through real Thumb code and a real ELF once the core executes them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ADP_STOPPED_APPLICATION_EXIT,
  ERRNO,
  SYS,
  Semihosting,
  TICK_FREQUENCY,
  type SemihostingHost,
} from '../../src/core/semihosting.js';
import { parseElf } from '../../src/loaders/elf.js';
import { Machine } from '../../src/machine.js';
import { fixture } from '../loaders/fixtures.js';

/** The terminal around the chip: what the firmware wrote, and input the test hands it. */
class Terminal implements SemihostingHost {
  out = '';
  err = '';
  input: number[] = [];
  ended = false;
  write(fd: 1 | 2, bytes: Uint8Array): void {
    const text = new TextDecoder().decode(bytes);
    if (fd === 1) this.out += text;
    else this.err += text;
  }
  read(max: number): Uint8Array | null {
    if (this.input.length === 0) return this.ended ? new Uint8Array(0) : null;
    return new Uint8Array(this.input.splice(0, max));
  }
  time(): number {
    return 1_700_000_000.7;
  }
}

const CODE = 0x2000_1000; // where the BKPT "is"
const BLOCK = 0x2000_2000; // parameter blocks
const BUFFER = 0x2000_3000; // strings and buffers

function setup(symbols = parseElf(fixture('tiny.elf'), 'tiny.elf').symbols) {
  const machine = new Machine();
  const terminal = new Terminal();
  const sh = new Semihosting(machine.cpu, terminal, { symbols, commandLine: 'tiny.elf -v' });
  sh.install();
  const bus = machine.bus;
  const cpu = machine.cpu;
  /** Executes "BKPT 0xAB" with R0 = op, R1 = arg; returns R0 (signed). */
  const call = (op: number, arg: number): number => {
    cpu.r[0] = op;
    cpu.r[1] = arg;
    cpu.pc = CODE;
    cpu.npc = CODE + 2;
    assert.equal(cpu.onBkpt(0xab), true);
    return cpu.r[0];
  };
  const words = (address: number, ...values: number[]): number => {
    values.forEach((v, i) => bus.write32(address + 4 * i, v));
    return address;
  };
  const string = (address: number, text: string): number => {
    const bytes = new TextEncoder().encode(text + '\0');
    bytes.forEach((b, i) => bus.write8(address + i, b));
    return address;
  };
  const open = (name: string, mode: number): number => call(SYS.OPEN, words(BLOCK, string(BUFFER + 0x800, name), mode, name.length));
  const read = (address: number, length: number): string => {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(bus.read8(address + i));
    return s;
  };
  return { machine, terminal, sh, bus, cpu, call, words, string, open, read };
}

describe('Semihosting: console', () => {
  test('SYS_WRITE0 prints a NUL-terminated string on stdout; SYS_WRITEC one character', () => {
    const { terminal, call, string } = setup();
    call(SYS.WRITE0, string(BUFFER, 'hello\n'));
    call(SYS.WRITEC, string(BUFFER, '!'));
    assert.equal(terminal.out, 'hello\n!');
  });

  test('the call continues after the BKPT: the next PC is left alone', () => {
    const { cpu, call, string } = setup();
    call(SYS.WRITE0, string(BUFFER, 'x'));
    assert.equal(cpu.npc, CODE + 2);
    assert.equal(cpu.stopRequest, null);
  });

  test(':tt opened with modes 4-7 is stdout, 8-11 stderr; SYS_WRITE returns the bytes not written (0)', () => {
    const { terminal, call, words, string, open } = setup();
    const out = open(':tt', 4);
    const err = open(':tt', 8);
    assert.ok(out > 0 && err > 0 && out !== err);
    assert.equal(call(SYS.WRITE, words(BLOCK, out, string(BUFFER, 'to out'), 6)), 0);
    assert.equal(call(SYS.WRITE, words(BLOCK, err, string(BUFFER, 'to err'), 6)), 0);
    assert.equal(terminal.out, 'to out');
    assert.equal(terminal.err, 'to err');
  });

  test(':tt opened with modes 0-3 is stdin: SYS_READ stores the bytes and returns how many were NOT read', () => {
    const { terminal, call, words, open, read } = setup();
    const stdin = open(':tt', 0);
    terminal.input = [...new TextEncoder().encode('abc')];
    assert.equal(call(SYS.READ, words(BLOCK, stdin, BUFFER, 8)), 5);
    assert.equal(read(BUFFER, 3), 'abc');
  });

  test('SYS_READ with no input yet re-runs the BKPT later and asks the run loop to stop', () => {
    const { terminal, sh, cpu, call, words, open, read } = setup();
    const stdin = open(':tt', 0);
    cpu.r[0] = 0;
    call(SYS.READ, words(BLOCK, stdin, BUFFER, 4));
    assert.equal(sh.waitingForInput, true);
    assert.equal(cpu.npc, CODE, 'the BKPT runs again');
    assert.equal(cpu.stopRequest, 'stop');
    assert.equal(cpu.r[0], SYS.READ, 'R0 still holds the operation for the retry');
    cpu.stopRequest = null;
    terminal.input = [0x31, 0x32, 0x33, 0x34];
    assert.equal(call(SYS.READ, words(BLOCK, stdin, BUFFER, 4)), 0);
    assert.equal(sh.waitingForInput, false);
    assert.equal(read(BUFFER, 4), '1234');
  });

  test('at end of input SYS_READ reads nothing (returns the length) and SYS_READC returns -1; the program goes on', () => {
    const { terminal, sh, cpu, call, words, open } = setup();
    terminal.ended = true;
    const stdin = open(':tt', 1);
    assert.equal(call(SYS.READ, words(BLOCK, stdin, BUFFER, 16)), 16);
    assert.equal(call(SYS.READC, 0), -1);
    assert.equal(sh.waitingForInput, false);
    assert.equal(cpu.stopRequest, null);
  });

  test('SYS_READC returns the next input byte', () => {
    const { terminal, call } = setup();
    terminal.input = [0x41, 0x42];
    assert.equal(call(SYS.READC, 0), 0x41);
    assert.equal(call(SYS.READC, 0), 0x42);
  });

  test('SYS_ISTTY: 1 for the console, 0 for the features file, -1 and EBADF for a bad handle', () => {
    const { call, words, open } = setup();
    assert.equal(call(SYS.ISTTY, words(BLOCK, open(':tt', 4))), 1);
    assert.equal(call(SYS.ISTTY, words(BLOCK, open(':semihosting-features', 0))), 0);
    assert.equal(call(SYS.ISTTY, words(BLOCK, 999)), -1);
    assert.equal(call(SYS.ERRNO, 0), ERRNO.EBADF);
  });

  test('SYS_CLOSE frees a handle; using it afterwards is EBADF', () => {
    const { call, words, string, open } = setup();
    const h = open(':tt', 4);
    assert.equal(call(SYS.CLOSE, words(BLOCK, h)), 0);
    assert.equal(call(SYS.WRITE, words(BLOCK, h, string(BUFFER, 'x'), 1)), 1);
    assert.equal(call(SYS.ERRNO, 0), ERRNO.EBADF);
    assert.equal(call(SYS.CLOSE, words(BLOCK, h)), -1);
  });

  test('SYS_ISERROR says whether a status is negative', () => {
    const { call, words } = setup();
    assert.equal(call(SYS.ISERROR, words(BLOCK, -1)), 1);
    assert.equal(call(SYS.ISERROR, words(BLOCK, 5)), 0);
  });
});

describe('Semihosting: the features file', () => {
  test('":semihosting-features" reads "SHFB" and a byte with EXIT_EXTENDED and STDOUT_STDERR', () => {
    const { call, words, open, read, bus } = setup();
    const h = open(':semihosting-features', 0);
    assert.equal(call(SYS.FLEN, words(BLOCK, h)), 5);
    assert.equal(call(SYS.READ, words(BLOCK, h, BUFFER, 5)), 0);
    assert.equal(read(BUFFER, 4), 'SHFB');
    assert.equal(bus.read8(BUFFER + 4), 0b11);
    assert.equal(call(SYS.READ, words(BLOCK, h, BUFFER, 5)), 5, 'then end of file');
    assert.equal(call(SYS.SEEK, words(BLOCK, h, 4)), 0);
    assert.equal(call(SYS.READ, words(BLOCK, h, BUFFER, 5)), 4);
  });

  test('it cannot be opened for writing', () => {
    const { call, open } = setup();
    assert.equal(open(':semihosting-features', 4), -1);
    assert.equal(call(SYS.ERRNO, 0), ERRNO.EACCES);
  });
});

describe('Semihosting: files', () => {
  test('without a file root, opening a path fails with EACCES', () => {
    const { call, open } = setup();
    assert.equal(open('data.txt', 0), -1);
    assert.equal(call(SYS.ERRNO, 0), ERRNO.EACCES);
  });

  test('a mode number above 11 is EINVAL', () => {
    const { call, open } = setup();
    assert.equal(open(':tt', 12), -1);
    assert.equal(call(SYS.ERRNO, 0), ERRNO.EINVAL);
  });

  test('files go through the host: write, seek, read back, length', () => {
    const store = new Map<string, number[]>();
    const machine = new Machine();
    const host: SemihostingHost = {
      write() {},
      read: () => null,
      files: {
        open(path, mode) {
          if (mode === 'w' || !store.has(path)) store.set(path, []);
          const data = store.get(path)!;
          return {
            read: (n, at) => new Uint8Array(data.slice(at, at + n)),
            write: (bytes, at) => bytes.forEach((b, i) => (data[at + i] = b)),
            length: () => data.length,
            close() {},
          };
        },
      },
    };
    const sh = new Semihosting(machine.cpu, host);
    sh.install();
    const bus = machine.bus;
    const cpu = machine.cpu;
    const call = (op: number, ...block: number[]): number => {
      block.forEach((v, i) => bus.write32(BLOCK + 4 * i, v));
      cpu.r[0] = op;
      cpu.r[1] = BLOCK;
      cpu.onBkpt(0xab);
      return cpu.r[0];
    };
    [...new TextEncoder().encode('log.txt\0hello')].forEach((b, i) => bus.write8(BUFFER + i, b));
    const h = call(SYS.OPEN, BUFFER, 6, 7); // "w+"
    assert.ok(h > 0);
    assert.equal(call(SYS.WRITE, h, BUFFER + 8, 5), 0);
    assert.equal(call(SYS.FLEN, h), 5);
    assert.equal(call(SYS.SEEK, h, 1), 0);
    assert.equal(call(SYS.READ, h, BUFFER + 0x100, 10), 6);
    assert.equal(String.fromCharCode(...[0, 1, 2, 3].map((i) => bus.read8(BUFFER + 0x100 + i))), 'ello');
    assert.equal(call(SYS.ISTTY, h), 0);
    assert.equal(call(SYS.CLOSE, h), 0);
    assert.deepEqual(store.get('log.txt'), [...new TextEncoder().encode('hello')]);
  });
});

describe('Semihosting: time, command line, heap', () => {
  test('SYS_CLOCK counts centiseconds and SYS_ELAPSED nanoseconds of emulated time', () => {
    const { machine, call, bus } = setup();
    machine.scheduler.cycles = 16_000_000 * 2.5; // 2.5 s at the 16 MHz reset clock
    assert.equal(call(SYS.CLOCK, 0), 250);
    assert.equal(call(SYS.TICKFREQ, 0), TICK_FREQUENCY);
    assert.equal(call(SYS.ELAPSED, BLOCK), 0);
    const ticks = (bus.read32(BLOCK) >>> 0) + (bus.read32(BLOCK + 4) >>> 0) * 2 ** 32;
    assert.equal(ticks, 2_500_000_000);
  });

  test('SYS_TIME is the host clock in whole seconds', () => {
    const { call } = setup();
    assert.equal(call(SYS.TIME, 0), 1_700_000_000);
  });

  test('SYS_GET_CMDLINE writes the command line and its length; a short buffer is an error', () => {
    const { call, words, read, bus } = setup();
    assert.equal(call(SYS.GET_CMDLINE, words(BLOCK, BUFFER, 64)), 0);
    assert.equal(read(BUFFER, 12), 'tiny.elf -v\0');
    assert.equal(bus.read32(BLOCK + 4), 11);
    assert.equal(call(SYS.GET_CMDLINE, words(BLOCK, BUFFER, 5)), -1);
  });

  test('SYS_HEAPINFO takes the heap base from `end` and the stack from `_estack`', () => {
    const { call, words, bus } = setup();
    words(BLOCK, BLOCK + 16);
    assert.equal(call(SYS.HEAPINFO, BLOCK), 0);
    const info = [0, 1, 2, 3].map((i) => bus.read32(BLOCK + 16 + 4 * i) >>> 0);
    assert.deepEqual(info, [0x2000_0018, 0x2002_0000, 0x2002_0000, 0x2000_0000]);
  });

  test('SYS_HEAPINFO without symbols: heap base 0 (the C library uses its own), stack at the top of SRAM', () => {
    const { call, words, bus } = setup([]);
    words(BLOCK, BLOCK + 16);
    call(SYS.HEAPINFO, BLOCK);
    assert.deepEqual([0, 1, 2, 3].map((i) => bus.read32(BLOCK + 16 + 4 * i) >>> 0), [0, 0x2002_0000, 0x2002_0000, 0x2000_0000]);
  });
});

describe('Semihosting: exit', () => {
  test('SYS_EXIT with ADP_Stopped_ApplicationExit is status 0 and stops the run loop', () => {
    const { sh, cpu, call } = setup();
    call(SYS.EXIT, ADP_STOPPED_APPLICATION_EXIT);
    assert.equal(sh.exitCode, 0);
    assert.equal(cpu.stopRequest, 'exit');
  });

  test('SYS_EXIT with any other reason is status 1', () => {
    const { sh, call } = setup();
    call(SYS.EXIT, 0x20023); // ADP_Stopped_RunTimeErrorUnknown
    assert.equal(sh.exitCode, 1);
  });

  test('SYS_EXIT_EXTENDED gives the program\'s own status', () => {
    const { sh, call, words } = setup();
    call(SYS.EXIT_EXTENDED, words(BLOCK, ADP_STOPPED_APPLICATION_EXIT, 42));
    assert.equal(sh.exitCode, 42);
    const other = setup();
    other.call(SYS.EXIT_EXTENDED, other.words(BLOCK, 0x20023, 42));
    assert.equal(other.sh.exitCode, 1);
  });
});

describe('Semihosting: firmware mistakes', () => {
  test('a parameter block in unmapped memory fails the call with EFAULT, no exception escapes', () => {
    const { call } = setup();
    assert.equal(call(SYS.WRITE, 0x3000_0000), -1);
    assert.equal(call(SYS.ERRNO, 0), ERRNO.EFAULT);
  });

  test('an unknown operation fails with ENOSYS', () => {
    const { call } = setup();
    assert.equal(call(0x55, 0), -1);
    assert.equal(call(SYS.ERRNO, 0), ERRNO.ENOSYS);
  });

  test('a BKPT with another immediate is left to the previous handler (escalation on silicon)', () => {
    const { cpu } = setup();
    assert.equal(cpu.onBkpt(0x00), false);
  });
});

// These run real instructions: they need the integer core (MOVS, LDR literal, B, BKPT) and reset.
describe('Semihosting: from running code (needs the integer core)', () => {
  test('hand-assembled Thumb in SRAM prints through SYS_WRITE0 and exits with SYS_EXIT', () => {
    const machine = new Machine();
    const terminal = new Terminal();
    const sh = new Semihosting(machine.cpu, terminal);
    sh.install();
    const base = 0x2000_0100;
    const code = [
      0x2004, // movs r0, #SYS_WRITE0
      0x4903, // ldr r1, [pc, #12] → base+16 (Align(PC,4) = base+4)
      0xbeab, // bkpt 0xab
      0x2018, // movs r0, #SYS_EXIT
      0x4902, // ldr r1, [pc, #8]  → base+20
      0xbeab, // bkpt 0xab
      0xe7fe, // b .
      0xbf00, // nop
    ];
    code.forEach((h, i) => machine.bus.write16(base + 2 * i, h));
    machine.bus.write32(base + 16, base + 0x40);
    machine.bus.write32(base + 20, ADP_STOPPED_APPLICATION_EXIT);
    [...new TextEncoder().encode('hi\n\0')].forEach((b, i) => machine.bus.write8(base + 0x40 + i, b));
    machine.cpu.r[13] = 0x2002_0000;
    machine.cpu.npc = base;
    assert.equal(machine.run(1000), 'exit');
    assert.equal(terminal.out, 'hi\n');
    assert.equal(sh.exitCode, 0);
    assert.equal(machine.cpu.npc, base + 12, 'stopped right after the exit BKPT');
  });

  test('the tiny fixture ELF prints its message and exits with status 3', () => {
    const machine = new Machine();
    const terminal = new Terminal();
    const image = parseElf(fixture('tiny.elf'), 'tiny.elf');
    const sh = new Semihosting(machine.cpu, terminal, { symbols: image.symbols });
    sh.install();
    machine.loadImage(image);
    machine.reset('power-on');
    assert.equal(machine.run(100_000), 'exit');
    assert.equal(terminal.out, 'hello from tiny\n');
    assert.equal(sh.exitCode, 3);
  });
});

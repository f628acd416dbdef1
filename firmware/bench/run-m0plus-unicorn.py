#!/usr/bin/python3
"""Runs build/bench-int-m0plus.bin the way a mailbox runner does, on Unicorn (a QEMU-derived
Thumb core), and prints what bench-int prints on QEMU, so the two builds can be compared:

    /usr/bin/python3 firmware/bench/run-m0plus-unicorn.py [ITERATIONS] [BIN]

Loads the flat binary at 0x2000_0000, writes the iteration count into the mailbox, takes SP and
PC from the vector table, runs until BKPT, then reads the checksum and status from the mailbox.
(Unicorn runs it as Cortex-M Thumb code; the image uses ARMv6-M instructions only.)
"""
import struct
import sys

from unicorn import UC_ARCH_ARM, UC_HOOK_INTR, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn.arm_const import UC_ARM_REG_PC, UC_ARM_REG_SP

SRAM = 0x20000000
SRAM_SIZE = 256 * 1024
MAILBOX = SRAM + 0xC0
MAGIC = 0x4E423446
STATUS = {0: 'loaded', 1: 'running', 2: 'done', 3: 'fault'}


def main() -> int:
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    path = sys.argv[2] if len(sys.argv) > 2 else 'firmware/build/bench-int-m0plus.bin'
    image = open(path, 'rb').read()
    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.mem_map(SRAM, SRAM_SIZE)
    uc.mem_write(SRAM, image)
    magic, = struct.unpack('<I', uc.mem_read(MAILBOX, 4))
    if magic != MAGIC:
        print(f'{path}: no bench mailbox at 0x{MAILBOX:08x}', file=sys.stderr)
        return 2
    uc.mem_write(MAILBOX + 4, struct.pack('<I', iterations))
    sp, reset = struct.unpack('<II', uc.mem_read(SRAM, 8))
    uc.reg_write(UC_ARM_REG_SP, sp)
    uc.hook_add(UC_HOOK_INTR, lambda uc, intno, user: uc.emu_stop())  # BKPT
    uc.emu_start(reset | 1, 0xFFFFFFFF)
    _, n, checksum, status = struct.unpack('<IIII', uc.mem_read(MAILBOX, 16))
    print(f'bench-int-m0plus: iterations={n} checksum=0x{checksum:08x} status={STATUS.get(status, status)}'
          f' pc=0x{uc.reg_read(UC_ARM_REG_PC):08x}')
    return 0 if status == 2 else 1


if __name__ == '__main__':
    sys.exit(main())

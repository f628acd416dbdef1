#!/usr/bin/python3
"""Unicorn oracle for f4emu's differential CPU tester (test/core/differential/oracle.ts speaks to it).

One long-lived process: reads batches of cases on stdin, runs each on Unicorn's Cortex-M4 (QEMU TCG)
and writes the final state on stdout. Binary, little-endian; layouts are mirrored in oracle.ts.

  startup argv:  window_base window_size      (the memory restored before every case)
  batch in:      u32 magic 0xD1FFCA5E, u32 case_count, then per case: u32 code_bytes,
                 u32 stop_offset, u32 flags, u32 reserved, 64 bytes code, u32 r0..r14, u32 apsr,
                 u32 fpscr, u32 s0..s31 [+ window_size bytes: new window contents, when flags & 4]
  per case out:  u32 status (0 reached stop, 1 Unicorn error, 2 stopped elsewhere), u32 error number,
                 u32 pc, u32 r0..r14, u32 xpsr, u32 fpscr, u32 s0..s31, u32 crc32(window)
                 [+ window_size bytes when flags & 1]
  flags:         bit 0 dump the window,
                 bit 2 a new window follows (what the window holds before each case; code goes on top)

Before each case a stub runs `VMSR FPSCR, r0; CLREX`: FPSCR written with uc.reg_write does not reach
QEMU's float_status (rounding mode, FZ, DN), and the first FP instruction of a new FP context would
reload FPSCR's mode bits from FPDSCR (ARMv7-M ExecuteFPCheck) while CONTROL.FPCA = 0. After the stub
FPCA = 1, as f4emu is set up too, and the exclusive monitor is open.
"""
import struct
import sys
import zlib

try:
    from unicorn import Uc, UcError, UC_ARCH_ARM, UC_MODE_THUMB, UC_MODE_MCLASS
    from unicorn import arm_const as A
except ImportError:
    sys.stderr.write('unicorn-missing: the Python module unicorn is not installed (apt install python3-unicorn)\n')
    sys.exit(3)

MAGIC = 0xD1FFCA5E
CASE_IN = struct.Struct('<4I64s15I2I32I')
CASE_OUT = struct.Struct('<3I15I2I32II')
MAP_SIZE = 0x20000  # SRAM1 + SRAM2 of the F407: 128 KB
CODE_AREA = 0x400  # bytes at the window base that may hold code
STUB_AT = 0x1F000  # offset of the VMSR/CLREX stub, outside the window

R_REGS = [A.UC_ARM_REG_R0 + i for i in range(13)] + [A.UC_ARM_REG_SP, A.UC_ARM_REG_LR]
S_REGS = [A.UC_ARM_REG_S0 + i for i in range(32)]


def new_cpu(base):
    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.ctl_set_cpu_model(A.UC_CPU_ARM_CORTEX_M4)
    uc.mem_map(base, MAP_SIZE)
    uc.mem_write(base + STUB_AT, struct.pack('<4H', 0xEEE1, 0x0A10, 0xF3BF, 0x8F2F))
    return uc


def read_exact(stream, n):
    data = stream.read(n)
    if data is None or len(data) != n:
        return None
    return data


def main():
    base = int(sys.argv[1], 0)
    size = int(sys.argv[2], 0)
    inp = sys.stdin.buffer
    out = sys.stdout.buffer
    uc = new_cpu(base)
    window = bytes(size)
    while True:
        head = read_exact(inp, 8)
        if head is None:
            return
        magic, count = struct.unpack('<2I', head)
        if magic != MAGIC:
            sys.stderr.write('oracle: bad batch header\n')
            sys.exit(2)
        results = []
        for _ in range(count):
            f = CASE_IN.unpack(read_exact(inp, CASE_IN.size))
            code_bytes, stop, flags = f[0], f[1], f[2]
            if flags & 4:
                window = read_exact(inp, size)
            code = f[4][:code_bytes]
            regs = f[5:20]
            apsr, fpscr = f[20], f[21]
            sregs = f[22:54]
            uc.mem_write(base, window)
            uc.mem_write(base, code)
            # Unicorn does not always drop translated blocks when memory is rewritten (a block
            # ending in MSR survived into the next case): drop those of the code area explicitly.
            uc.ctl_remove_cache(base, base + CODE_AREA)
            reg_write = uc.reg_write
            reg_write(A.UC_ARM_REG_R0, fpscr)
            uc.emu_start((base + STUB_AT) | 1, base + STUB_AT + 8)
            for r, v in zip(R_REGS, regs):
                reg_write(r, v)
            reg_write(A.UC_ARM_REG_APSR_NZCVQG, apsr)
            for r, v in zip(S_REGS, sregs):
                reg_write(r, v)
            status, err = 0, 0
            try:
                uc.emu_start(base | 1, base + stop)
            except UcError as e:
                status, err = 1, e.errno
            reg_read = uc.reg_read
            pc = reg_read(A.UC_ARM_REG_PC)
            if status == 0 and pc != base + stop:
                status = 2
            state = [reg_read(r) for r in R_REGS]
            xpsr = reg_read(A.UC_ARM_REG_XPSR)
            fp = reg_read(A.UC_ARM_REG_FPSCR)
            s = [reg_read(r) for r in S_REGS]
            mem = uc.mem_read(base, size)
            results.append(CASE_OUT.pack(status, err, pc, *state, xpsr, fp, *s, zlib.crc32(mem)))
            if flags & 1:
                results.append(bytes(mem))
            if status != 0 or (xpsr & 0x1FF) != 0:
                # An exception left the core in an odd state: start the next case on a fresh one.
                uc = new_cpu(base)
        out.write(b''.join(results))
        out.flush()


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Generates test/core/execute/fpu-vectors.json: FPv4-SP test vectors with Unicorn as the oracle.

Run once (and again only when the case list changes) with the system Python that has `unicorn`:

    /usr/bin/python3 test/core/execute/fpu-vectors.py

Every instruction is assembled by arm-none-eabi-as (an encoding oracle independent of our decoder)
and run on Unicorn's Cortex-M4 (QEMU's softfloat) as

    vmsr fpscr, r0 ; <instruction> ; vmrs r1, fpscr

with S3, S4, S5 as operands (S3 is also the destination, and the accumulator of VMLA & co.), so one
vector is six words: FPSCR in, S3, S4, S5 in, S3 out, FPSCR out. Inputs mix edge values (zeros,
infinities, quiet and signalling NaNs with payloads, denormals, FLT_MAX, integer and half-precision
limits) with seeded random operands chosen to land on rounding boundaries, cancellations, ties,
underflow and overflow; FPSCR takes every rounding mode with FZ, DN (and AHP for half precision)
on and off. The JSON stores the vectors of each instruction as base64 of little-endian uint32s.
"""
import base64
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn.arm_const import (UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_S3, UC_ARM_REG_S4,
                               UC_ARM_REG_S5, UC_CPU_ARM_CORTEX_M4)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'fpu-vectors.json')
SEED = 0xF4F4

# Instructions under test, by family (operands fixed: Sd = S3, Sn = S4, Sm = S5).
BINARY = ['vadd.f32 s3, s4, s5', 'vsub.f32 s3, s4, s5', 'vmul.f32 s3, s4, s5', 'vnmul.f32 s3, s4, s5',
          'vdiv.f32 s3, s4, s5']
ACCUMULATE = ['vmla.f32 s3, s4, s5', 'vmls.f32 s3, s4, s5', 'vnmla.f32 s3, s4, s5', 'vnmls.f32 s3, s4, s5',
              'vfma.f32 s3, s4, s5', 'vfms.f32 s3, s4, s5', 'vfnma.f32 s3, s4, s5', 'vfnms.f32 s3, s4, s5']
UNARY = ['vsqrt.f32 s3, s5', 'vabs.f32 s3, s5', 'vneg.f32 s3, s5', 'vmov.f32 s3, s5']
COMPARE = ['vcmp.f32 s3, s5', 'vcmpe.f32 s3, s5', 'vcmp.f32 s3, #0', 'vcmpe.f32 s3, #0']
TO_INT = ['vcvt.s32.f32 s3, s5', 'vcvt.u32.f32 s3, s5', 'vcvtr.s32.f32 s3, s5', 'vcvtr.u32.f32 s3, s5']
FROM_INT = ['vcvt.f32.s32 s3, s5', 'vcvt.f32.u32 s3, s5']
FIXED = ['vcvt.s32.f32 s3, s3, #16', 'vcvt.u32.f32 s3, s3, #1', 'vcvt.s16.f32 s3, s3, #8', 'vcvt.u16.f32 s3, s3, #16',
         'vcvt.s32.f32 s3, s3, #32', 'vcvt.f32.s32 s3, s3, #16', 'vcvt.f32.u32 s3, s3, #32', 'vcvt.f32.s16 s3, s3, #4',
         'vcvt.f32.u16 s3, s3, #16']
HALF_OUT = ['vcvtb.f16.f32 s3, s5', 'vcvtt.f16.f32 s3, s5']
HALF_IN = ['vcvtb.f32.f16 s3, s5', 'vcvtt.f32.f16 s3, s5']

F = lambda x: struct.unpack('<I', struct.pack('<f', x))[0]

SPECIALS = [
    0x00000000, 0x80000000, F(1.0), F(-1.0), F(1.5), F(-3.0), F(0.1), F(-2.5), F(0.5),
    0x7f7fffff, 0xff7fffff,  # ±FLT_MAX
    0x00800000, 0x80800000,  # ±min normal
    0x007fffff, 0x00000001, 0x80000001, 0x80400000,  # denormals
    0x7f800000, 0xff800000,  # ±inf
    0x7fc00000, 0xffc12345,  # quiet NaNs
    0x7f800001, 0xffa00000,  # signalling NaNs
    0x3f800001, 0x4b800000, 0x4f000000, 0xcf000000, 0x4f800000, 0x4effffff,  # 1+ulp, 2^24, ±2^31, 2^32
    0x477fe000, 0x477ff000, 0x33800000, 0x33000000, 0x387fc000,  # half: max, overflow tie, min denormal...
]
MODES = [(rm << 22) | (fz << 24) | (dn << 25) for rm in range(4) for fz in (0, 1) for dn in (0, 1)]


def assemble(lines):
    """Assembles instructions to their (hw1, hw2) with binutils."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'a.s')
        obj = os.path.join(tmp, 'a.o')
        binf = os.path.join(tmp, 'a.bin')
        with open(src, 'w') as f:
            f.write('.syntax unified\n.thumb\n' + '\n'.join(lines) + '\n')
        subprocess.run(['arm-none-eabi-as', '-mcpu=cortex-m4', '-mfpu=fpv4-sp-d16', '-mthumb', src, '-o', obj], check=True)
        subprocess.run(['arm-none-eabi-objcopy', '-O', 'binary', obj, binf], check=True)
        data = open(binf, 'rb').read()
    assert len(data) == 4 * len(lines), 'every FP instruction is 32-bit'
    return [struct.unpack_from('<HH', data, 4 * i) for i in range(len(lines))]


class Oracle:
    BASE = 0x2000_0000

    def __init__(self):
        self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        self.uc.ctl_set_cpu_model(UC_CPU_ARM_CORTEX_M4)
        self.uc.mem_map(self.BASE, 0x1000)
        self.current = None

    def load(self, hw):
        # vmsr fpscr, r0 ; instruction ; vmrs r1, fpscr   (FPSCR writes through VMSR update QEMU's float_status)
        self.uc.mem_write(self.BASE, struct.pack('<6H', 0xEEE1, 0x0A10, hw[0], hw[1], 0xEEF1, 0x1A10))

    def run(self, fpscr, s3, s4, s5):
        uc = self.uc
        uc.reg_write(UC_ARM_REG_R0, fpscr)
        uc.reg_write(UC_ARM_REG_S3, s3)
        uc.reg_write(UC_ARM_REG_S4, s4)
        uc.reg_write(UC_ARM_REG_S5, s5)
        uc.emu_start(self.BASE | 1, self.BASE + 12, count=3)
        return uc.reg_read(UC_ARM_REG_S3) & 0xFFFFFFFF, uc.reg_read(UC_ARM_REG_R1) & 0xFFFFFFFF


def single(rng, exp_lo=1, exp_hi=254, mant_bits=23):
    """A random single with a biased exponent in [exp_lo, exp_hi] and `mant_bits` random top mantissa bits."""
    e = rng.randint(exp_lo, exp_hi)
    m = (rng.getrandbits(mant_bits) << (23 - mant_bits)) if mant_bits else 0
    return (rng.getrandbits(1) << 31) | (e << 23) | m


def operand(rng, family):
    """One operand: edge values, random bits, or values near rounding and range boundaries."""
    r = rng.random()
    if r < 0.2:
        return rng.choice(SPECIALS)
    if r < 0.3:
        return rng.getrandbits(32)
    if family == 'int':
        return rng.choice([rng.getrandbits(32), rng.getrandbits(rng.randint(1, 32)), (rng.getrandbits(25) | 1) << rng.randint(0, 7),
                           (0x7FFFFF80 + rng.randint(-200, 200)) & 0xFFFFFFFF])
    if family == 'toint':
        # around 0, the 32-bit limits and halves (ties)
        choice = rng.random()
        if choice < 0.3:
            return F(rng.randint(-8, 8) / 2 + rng.choice([0, 0.25, -0.25, 1e-3]))
        if choice < 0.6:
            return single(rng, 127 + 29, 127 + 33)
        return single(rng, 100, 160)
    if family == 'half':
        # around the half-precision range: normal 2^-14..65504, denormal down to 2^-24
        return single(rng, 127 - 27, 127 + 17, rng.choice([10, 11, 12, 23]))
    if family == 'halfbits':
        return rng.getrandbits(32)
    if family == 'tiny':
        return single(rng, 1, 60, rng.choice([12, 23]))
    if family == 'huge':
        return single(rng, 190, 254, rng.choice([12, 23]))
    # 'normal': mid-range values with short mantissas (so exact results hit ties) or full ones
    return single(rng, 100, 154, rng.choice([6, 12, 13, 23, 23]))


def related(rng, a):
    """A second operand close to a (cancellation, ties) or far from it (alignment shifts)."""
    r = rng.random()
    if r < 0.3:
        return (a ^ (rng.getrandbits(1) << 31)) + rng.randint(-3, 3) & 0xFFFFFFFF
    if r < 0.6:
        e = ((a >> 23) & 0xFF) + rng.randint(-30, 30)
        e = min(max(e, 1), 254)
        return (rng.getrandbits(1) << 31) | (e << 23) | (rng.getrandbits(23) if rng.random() < 0.5 else rng.getrandbits(10) << 13)
    return None


def family_of(name):
    """Which kind of operands exercise an instruction."""
    if name in TO_INT or (name in FIXED and name.startswith(('vcvt.s', 'vcvt.u'))):
        return 'toint'
    if name in FROM_INT or name in FIXED:
        return 'int'
    if name in HALF_OUT:
        return 'half'
    if name in HALF_IN:
        return 'halfbits'
    return None


def registers(name, x, y, z):
    """Maps the primary, second and third operands to (S3, S4, S5) for the instruction's form."""
    if name in BINARY:
        return z, x, y  # S3 is overwritten
    if name in ACCUMULATE:
        return z, x, y  # S3 is the accumulator
    if name in FIXED or name.endswith('#0'):
        return x, z, y  # in place on S3 / compare S3 with zero
    if name in COMPARE:
        return x, z, y  # compare S3 with S5
    return z, y, x  # one source, S5 (HALF_OUT keeps the other half of S3)


def cases(rng, name, count):
    """(fpscr, s3, s4, s5) inputs for one instruction."""
    half = 'f16' in name
    fam0 = family_of(name)
    out = []

    def mode():
        m = rng.choice(MODES)
        if half and rng.random() < 0.5:
            m |= 1 << 26  # AHP
        if rng.random() < 0.15:
            m |= rng.getrandbits(4) << 28 | rng.choice([0, 0x9F])  # flags already set: must be kept
        return m

    # Edge values against each other, each pair in a different FPSCR mode (all 16 over the set).
    two = name in BINARY + ACCUMULATE or (name in COMPARE and not name.endswith('#0'))
    for i, a in enumerate(SPECIALS):
        for j, b in enumerate(SPECIALS if two else SPECIALS[:4]):
            m = MODES[(i * 5 + j) % 16] | ((i + j) % 2 << 26 if half else 0)
            out.append((m,) + registers(name, a, b, rng.choice(SPECIALS)))
    for _ in range(count):
        fam = fam0 or rng.choice(['normal'] * 6 + ['tiny', 'huge'])
        a = operand(rng, fam)
        b = related(rng, a) if fam0 is None else None
        if b is None:
            b = operand(rng, fam0 or 'normal')
        if name.startswith(('vmul', 'vnmul')) or name in ACCUMULATE:
            if fam == 'tiny' and rng.random() < 0.5:
                b = single(rng, 100, 130)  # products near the denormal range
            if fam == 'huge' and rng.random() < 0.5:
                b = single(rng, 120, 150)  # products near overflow
        c = operand(rng, fam)
        if name in ACCUMULATE and rng.random() < 0.5:
            # an accumulator close to -(a*b) so the sum cancels: where fused and chained differ
            prod = struct.unpack('<f', struct.pack('<I', a))[0] * struct.unpack('<f', struct.pack('<I', b))[0]
            try:
                c = F(-prod) ^ rng.choice([0, 1, 2, 0x80000000])
            except (OverflowError, ValueError):
                pass
        if name.startswith('vsqrt') and rng.random() < 0.5:
            a = (F(float(rng.getrandbits(12) ** 2) * 2.0 ** rng.randint(-60, 60)) + rng.randint(-1, 1)) & 0x7FFFFFFF
        out.append((mode(),) + registers(name, a, b, c))
    return out


def main():
    rng = random.Random(SEED)
    names = BINARY + ACCUMULATE + UNARY + COMPARE + TO_INT + FROM_INT + FIXED + HALF_OUT + HALF_IN
    encodings = assemble(names)
    oracle = Oracle()
    result = {'generator': 'test/core/execute/fpu-vectors.py', 'oracle': 'unicorn (QEMU softfloat), Cortex-M4',
              'layout': 'per vector 6 x uint32 LE: fpscrIn, s3In, s4In, s5In, s3Out, fpscrOut', 'instructions': []}
    total = 0
    for name, hw in zip(names, encodings):
        oracle.load(hw)
        words = []
        count = 700 if name in BINARY + ACCUMULATE else 400
        for fpscr, s3, s4, s5 in cases(rng, name, count):
            s3o, fo = oracle.run(fpscr, s3 & 0xFFFFFFFF, s4 & 0xFFFFFFFF, s5 & 0xFFFFFFFF)
            words += [fpscr & 0xFFFFFFFF, s3 & 0xFFFFFFFF, s4 & 0xFFFFFFFF, s5 & 0xFFFFFFFF, s3o, fo]
        blob = struct.pack('<%dI' % len(words), *words)
        result['instructions'].append({'asm': name, 'hw1': hw[0], 'hw2': hw[1], 'count': len(words) // 6,
                                       'vectors': base64.b64encode(blob).decode()})
        total += len(words) // 6
    with open(OUT, 'w') as f:
        json.dump(result, f, indent=1)
        f.write('\n')
    print(f'{total} vectors for {len(names)} instructions -> {os.path.relpath(OUT)}', file=sys.stderr)


if __name__ == '__main__':
    main()

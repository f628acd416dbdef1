#!/usr/bin/python3
"""Generates test/core/execute/dsp-vectors.json: expected results of every ARMv7E-M DSP instruction on
edge-value operands, computed by Unicorn (QEMU's Cortex-M4 model) as an independent oracle, so that
`npm test` needs no Python.

Run from the repository root with the system Python (the one that has the `unicorn` module):
    /usr/bin/python3 test/core/execute/dsp-vectors.py

The encodings below were produced by `arm-none-eabi-as -mcpu=cortex-m4` from the assembly beside them.
Where Unicorn and the ARMv7-M ARM (DDI 0403E) disagree, the manual wins: `manual_overrides` corrects
those cases (each says why) and the fixture lists them under "overridden".
"""
import json
import os
import random
import struct
import sys

from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn import arm_const as A

# Edge values: zero, one, the halfword and word extremes, all-ones, mixed byte and halfword lanes.
VALUES = [0, 1, 0x7FFF, 0x8000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x80FF7F01, 0x80008000]
ACCUMULATORS = [0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]
# Plus this many seeded random operand sets per instruction (carries between lanes and words).
RANDOM_CASES = 16
LONG_ACCUMULATORS = [(0xFFFFFFFF, 0x7FFFFFFF), (0x00000001, 0x80000000), (0xFFFFFFFF, 0xFFFFFFFF)]

R = [getattr(A, 'UC_ARM_REG_R%d' % i) for i in range(13)]

# (assembly, hw1, hw2, input registers, output registers, operand shape)
#   rr   : Rn = r2, Rm = r3 over VALUES x VALUES
#   r    : the single source over VALUES
#   rra  : rr x Ra = r4 over ACCUMULATORS
#   long : rr x (RdLo = r0, RdHi = r1) over LONG_ACCUMULATORS
INSTRUCTIONS = [
    ('sadd16 r0, r2, r3', 0xFA92, 0xF003, [2, 3], [0], 'rr'),
    ('sasx r0, r2, r3', 0xFAA2, 0xF003, [2, 3], [0], 'rr'),
    ('ssax r0, r2, r3', 0xFAE2, 0xF003, [2, 3], [0], 'rr'),
    ('ssub16 r0, r2, r3', 0xFAD2, 0xF003, [2, 3], [0], 'rr'),
    ('sadd8 r0, r2, r3', 0xFA82, 0xF003, [2, 3], [0], 'rr'),
    ('ssub8 r0, r2, r3', 0xFAC2, 0xF003, [2, 3], [0], 'rr'),
    ('qadd16 r0, r2, r3', 0xFA92, 0xF013, [2, 3], [0], 'rr'),
    ('qasx r0, r2, r3', 0xFAA2, 0xF013, [2, 3], [0], 'rr'),
    ('qsax r0, r2, r3', 0xFAE2, 0xF013, [2, 3], [0], 'rr'),
    ('qsub16 r0, r2, r3', 0xFAD2, 0xF013, [2, 3], [0], 'rr'),
    ('qadd8 r0, r2, r3', 0xFA82, 0xF013, [2, 3], [0], 'rr'),
    ('qsub8 r0, r2, r3', 0xFAC2, 0xF013, [2, 3], [0], 'rr'),
    ('shadd16 r0, r2, r3', 0xFA92, 0xF023, [2, 3], [0], 'rr'),
    ('shasx r0, r2, r3', 0xFAA2, 0xF023, [2, 3], [0], 'rr'),
    ('shsax r0, r2, r3', 0xFAE2, 0xF023, [2, 3], [0], 'rr'),
    ('shsub16 r0, r2, r3', 0xFAD2, 0xF023, [2, 3], [0], 'rr'),
    ('shadd8 r0, r2, r3', 0xFA82, 0xF023, [2, 3], [0], 'rr'),
    ('shsub8 r0, r2, r3', 0xFAC2, 0xF023, [2, 3], [0], 'rr'),
    ('uadd16 r0, r2, r3', 0xFA92, 0xF043, [2, 3], [0], 'rr'),
    ('uasx r0, r2, r3', 0xFAA2, 0xF043, [2, 3], [0], 'rr'),
    ('usax r0, r2, r3', 0xFAE2, 0xF043, [2, 3], [0], 'rr'),
    ('usub16 r0, r2, r3', 0xFAD2, 0xF043, [2, 3], [0], 'rr'),
    ('uadd8 r0, r2, r3', 0xFA82, 0xF043, [2, 3], [0], 'rr'),
    ('usub8 r0, r2, r3', 0xFAC2, 0xF043, [2, 3], [0], 'rr'),
    ('uqadd16 r0, r2, r3', 0xFA92, 0xF053, [2, 3], [0], 'rr'),
    ('uqasx r0, r2, r3', 0xFAA2, 0xF053, [2, 3], [0], 'rr'),
    ('uqsax r0, r2, r3', 0xFAE2, 0xF053, [2, 3], [0], 'rr'),
    ('uqsub16 r0, r2, r3', 0xFAD2, 0xF053, [2, 3], [0], 'rr'),
    ('uqadd8 r0, r2, r3', 0xFA82, 0xF053, [2, 3], [0], 'rr'),
    ('uqsub8 r0, r2, r3', 0xFAC2, 0xF053, [2, 3], [0], 'rr'),
    ('uhadd16 r0, r2, r3', 0xFA92, 0xF063, [2, 3], [0], 'rr'),
    ('uhasx r0, r2, r3', 0xFAA2, 0xF063, [2, 3], [0], 'rr'),
    ('uhsax r0, r2, r3', 0xFAE2, 0xF063, [2, 3], [0], 'rr'),
    ('uhsub16 r0, r2, r3', 0xFAD2, 0xF063, [2, 3], [0], 'rr'),
    ('uhadd8 r0, r2, r3', 0xFA82, 0xF063, [2, 3], [0], 'rr'),
    ('uhsub8 r0, r2, r3', 0xFAC2, 0xF063, [2, 3], [0], 'rr'),
    ('sadd16 r2, r2, r2', 0xFA92, 0xF202, [2], [2], 'r'),
    ('qadd r0, r3, r2', 0xFA82, 0xF083, [2, 3], [0], 'rr'),
    ('qdadd r0, r3, r2', 0xFA82, 0xF093, [2, 3], [0], 'rr'),
    ('qsub r0, r3, r2', 0xFA82, 0xF0A3, [2, 3], [0], 'rr'),
    ('qdsub r0, r3, r2', 0xFA82, 0xF0B3, [2, 3], [0], 'rr'),
    ('qdsub r2, r2, r2', 0xFA82, 0xF2B2, [2], [2], 'r'),
    ('sel r0, r2, r3', 0xFAA2, 0xF083, [2, 3], [0], 'rr'),
    ('sxtb16 r0, r3', 0xFA2F, 0xF083, [3], [0], 'r'),
    ('sxtb16 r0, r3, ror #8', 0xFA2F, 0xF093, [3], [0], 'r'),
    ('sxtb16 r0, r3, ror #16', 0xFA2F, 0xF0A3, [3], [0], 'r'),
    ('sxtb16 r0, r3, ror #24', 0xFA2F, 0xF0B3, [3], [0], 'r'),
    ('uxtb16 r0, r3', 0xFA3F, 0xF083, [3], [0], 'r'),
    ('uxtb16 r0, r3, ror #8', 0xFA3F, 0xF093, [3], [0], 'r'),
    ('uxtb16 r0, r3, ror #16', 0xFA3F, 0xF0A3, [3], [0], 'r'),
    ('uxtb16 r0, r3, ror #24', 0xFA3F, 0xF0B3, [3], [0], 'r'),
    ('sxtab16 r0, r2, r3', 0xFA22, 0xF083, [2, 3], [0], 'rr'),
    ('sxtab16 r0, r2, r3, ror #24', 0xFA22, 0xF0B3, [2, 3], [0], 'rr'),
    ('uxtab16 r0, r2, r3', 0xFA32, 0xF083, [2, 3], [0], 'rr'),
    ('uxtab16 r0, r2, r3, ror #8', 0xFA32, 0xF093, [2, 3], [0], 'rr'),
    ('ssat r0, #1, r2', 0xF302, 0x0000, [2], [0], 'r'),
    ('ssat r0, #8, r2', 0xF302, 0x0007, [2], [0], 'r'),
    ('ssat r0, #16, r2, asr #1', 0xF322, 0x004F, [2], [0], 'r'),
    ('ssat r0, #31, r2, asr #31', 0xF322, 0x70DE, [2], [0], 'r'),
    ('ssat r0, #32, r2, lsl #31', 0xF302, 0x70DF, [2], [0], 'r'),
    ('ssat r0, #24, r2, lsl #4', 0xF302, 0x1017, [2], [0], 'r'),
    ('usat r0, #0, r2', 0xF382, 0x0000, [2], [0], 'r'),
    ('usat r0, #8, r2', 0xF382, 0x0008, [2], [0], 'r'),
    ('usat r0, #16, r2, asr #4', 0xF3A2, 0x1010, [2], [0], 'r'),
    ('usat r0, #31, r2, asr #31', 0xF3A2, 0x70DF, [2], [0], 'r'),
    ('usat r0, #31, r2, lsl #1', 0xF382, 0x005F, [2], [0], 'r'),
    ('ssat16 r0, #1, r2', 0xF322, 0x0000, [2], [0], 'r'),
    ('ssat16 r0, #8, r2', 0xF322, 0x0007, [2], [0], 'r'),
    ('ssat16 r0, #16, r2', 0xF322, 0x000F, [2], [0], 'r'),
    ('usat16 r0, #0, r2', 0xF3A2, 0x0000, [2], [0], 'r'),
    ('usat16 r0, #8, r2', 0xF3A2, 0x0008, [2], [0], 'r'),
    ('usat16 r0, #15, r2', 0xF3A2, 0x000F, [2], [0], 'r'),
    ('pkhbt r0, r2, r3', 0xEAC2, 0x0003, [2, 3], [0], 'rr'),
    ('pkhbt r0, r2, r3, lsl #31', 0xEAC2, 0x70C3, [2, 3], [0], 'rr'),
    ('pkhtb r0, r2, r3, asr #32', 0xEAC2, 0x0023, [2, 3], [0], 'rr'),
    ('pkhtb r0, r2, r3, asr #1', 0xEAC2, 0x0063, [2, 3], [0], 'rr'),
    ('pkhtb r0, r2, r3, asr #16', 0xEAC2, 0x4023, [2, 3], [0], 'rr'),
    ('usad8 r0, r2, r3', 0xFB72, 0xF003, [2, 3], [0], 'rr'),
    ('usada8 r0, r2, r3, r4', 0xFB72, 0x4003, [2, 3, 4], [0], 'rra'),
    ('smulbb r0, r2, r3', 0xFB12, 0xF003, [2, 3], [0], 'rr'),
    ('smulbt r0, r2, r3', 0xFB12, 0xF013, [2, 3], [0], 'rr'),
    ('smultb r0, r2, r3', 0xFB12, 0xF023, [2, 3], [0], 'rr'),
    ('smultt r0, r2, r3', 0xFB12, 0xF033, [2, 3], [0], 'rr'),
    ('smlabb r0, r2, r3, r4', 0xFB12, 0x4003, [2, 3, 4], [0], 'rra'),
    ('smlabt r0, r2, r3, r4', 0xFB12, 0x4013, [2, 3, 4], [0], 'rra'),
    ('smlatb r0, r2, r3, r4', 0xFB12, 0x4023, [2, 3, 4], [0], 'rra'),
    ('smlatt r0, r2, r3, r4', 0xFB12, 0x4033, [2, 3, 4], [0], 'rra'),
    ('smulwb r0, r2, r3', 0xFB32, 0xF003, [2, 3], [0], 'rr'),
    ('smulwt r0, r2, r3', 0xFB32, 0xF013, [2, 3], [0], 'rr'),
    ('smlawb r0, r2, r3, r4', 0xFB32, 0x4003, [2, 3, 4], [0], 'rra'),
    ('smlawt r0, r2, r3, r4', 0xFB32, 0x4013, [2, 3, 4], [0], 'rra'),
    ('smuad r0, r2, r3', 0xFB22, 0xF003, [2, 3], [0], 'rr'),
    ('smuadx r0, r2, r3', 0xFB22, 0xF013, [2, 3], [0], 'rr'),
    ('smusd r0, r2, r3', 0xFB42, 0xF003, [2, 3], [0], 'rr'),
    ('smusdx r0, r2, r3', 0xFB42, 0xF013, [2, 3], [0], 'rr'),
    ('smlad r0, r2, r3, r4', 0xFB22, 0x4003, [2, 3, 4], [0], 'rra'),
    ('smladx r0, r2, r3, r4', 0xFB22, 0x4013, [2, 3, 4], [0], 'rra'),
    ('smlsd r0, r2, r3, r4', 0xFB42, 0x4003, [2, 3, 4], [0], 'rra'),
    ('smlsdx r0, r2, r3, r4', 0xFB42, 0x4013, [2, 3, 4], [0], 'rra'),
    ('smmul r0, r2, r3', 0xFB52, 0xF003, [2, 3], [0], 'rr'),
    ('smmulr r0, r2, r3', 0xFB52, 0xF013, [2, 3], [0], 'rr'),
    ('smmla r0, r2, r3, r4', 0xFB52, 0x4003, [2, 3, 4], [0], 'rra'),
    ('smmlar r0, r2, r3, r4', 0xFB52, 0x4013, [2, 3, 4], [0], 'rra'),
    ('smmls r0, r2, r3, r4', 0xFB62, 0x4003, [2, 3, 4], [0], 'rra'),
    ('smmlsr r0, r2, r3, r4', 0xFB62, 0x4013, [2, 3, 4], [0], 'rra'),
    ('smlalbb r0, r1, r2, r3', 0xFBC2, 0x0183, [2, 3, 0, 1], [0, 1], 'long'),
    ('smlalbt r0, r1, r2, r3', 0xFBC2, 0x0193, [2, 3, 0, 1], [0, 1], 'long'),
    ('smlaltb r0, r1, r2, r3', 0xFBC2, 0x01A3, [2, 3, 0, 1], [0, 1], 'long'),
    ('smlaltt r0, r1, r2, r3', 0xFBC2, 0x01B3, [2, 3, 0, 1], [0, 1], 'long'),
    ('smlald r0, r1, r2, r3', 0xFBC2, 0x01C3, [2, 3, 0, 1], [0, 1], 'long'),
    ('smlaldx r0, r1, r2, r3', 0xFBC2, 0x01D3, [2, 3, 0, 1], [0, 1], 'long'),
    ('smlsld r0, r1, r2, r3', 0xFBD2, 0x01C3, [2, 3, 0, 1], [0, 1], 'long'),
    ('smlsldx r0, r1, r2, r3', 0xFBD2, 0x01D3, [2, 3, 0, 1], [0, 1], 'long'),
    ('umaal r0, r1, r2, r3', 0xFBE2, 0x0163, [2, 3, 0, 1], [0, 1], 'long'),
    ('umaal r2, r3, r2, r3', 0xFBE2, 0x2363, [2, 3], [2, 3], 'rr'),
]

CODE = 0x20000000


def operand_sets(shape, rng, random_cases):
    if shape == 'r':
        edges = [[v] for v in VALUES]
    else:
        pairs = [[a, b] for a in VALUES for b in VALUES]
        if shape == 'rr':
            edges = pairs
        elif shape == 'rra':
            edges = [p + [acc] for p in pairs for acc in ACCUMULATORS]
        elif shape == 'long':
            edges = [p + [lo, hi] for p in pairs for (lo, hi) in LONG_ACCUMULATORS]
        else:
            raise ValueError(shape)
    width = len(edges[0])
    return edges + [[rng.getrandbits(32) for _ in range(width)] for _ in range(random_cases)]


def apsr_in(i):
    """Varied incoming flags: NZCV and GE patterns, Q set in every fourth case (it must stay set)."""
    return (((i * 3) % 16) << 28) | ((1 << 27) if i % 4 == 3 else 0) | ((i % 16) << 16)


def emulate(uc, inputs, values, apsr, outputs):
    for r in R:
        uc.reg_write(r, 0)
    for reg, v in zip(inputs, values):
        uc.reg_write(R[reg], v)
    uc.reg_write(A.UC_ARM_REG_APSR_NZCVQ, apsr)
    uc.reg_write(A.UC_ARM_REG_APSR_G, apsr)
    uc.emu_start(CODE | 1, CODE + 4, count=1)
    return [uc.reg_read(R[r]) for r in outputs], uc.reg_read(A.UC_ARM_REG_XPSR) & 0xF80F0000


def sint(x, bits=32):
    x &= (1 << bits) - 1
    return x - (1 << bits) if x >> (bits - 1) else x


def manual_overrides(asm, values, apsr, results, apsr_out):
    """Corrections where Unicorn (QEMU 5) departs from the ARMv7-M ARM pseudocode; None if it agrees."""
    mnemonic = asm.split()[0]
    if mnemonic in ('smlad', 'smladx', 'smlsd', 'smlsdx'):
        # SMLAD/SMLSD: result = product1 +/- product2 + SInt(R[a]) in unbounded integers, and Q is set
        # only if that final sum does not fit 32 bits. QEMU 5 (Unicorn 2.0) also sets Q when the
        # intermediate product1 + product2 overflows (0x8000*0x8000*2 = 2^31) even if adding Ra brings
        # it back in range. Fixed upstream in QEMU 7.1 ("target/arm: Fix SMLAD incorrect setting of Q bit").
        n, m, a = values
        if mnemonic.endswith('x'):
            m = ((m >> 16) | (m << 16)) & 0xFFFFFFFF
        p1 = sint(n, 16) * sint(m, 16)
        p2 = sint(n >> 16, 16) * sint(m >> 16, 16)
        result = (p1 - p2 if mnemonic.startswith('smlsd') else p1 + p2) + sint(a)
        q = 1 if result != sint(result) else (apsr >> 27) & 1
        expected = (apsr_out & ~(1 << 27)) | (q << 27)
        if expected != apsr_out:
            return results, expected
    return None


def main():
    # Optional: dsp-vectors.py [random cases per instruction] [output path] (for a one-off larger run).
    random_cases = int(sys.argv[1]) if len(sys.argv) > 1 else RANDOM_CASES
    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.ctl_set_cpu_model(A.UC_CPU_ARM_CORTEX_M4)
    uc.mem_map(CODE, 0x1000)
    out = []
    overridden = []
    for asm, hw1, hw2, inputs, outputs, shape in INSTRUCTIONS:
        uc.mem_write(CODE, struct.pack('<HH', hw1, hw2))
        cases = []
        rng = random.Random(asm)
        for i, values in enumerate(operand_sets(shape, rng, random_cases)):
            apsr = apsr_in(i)
            results, apsr_out = emulate(uc, inputs, values, apsr, outputs)
            fixed = manual_overrides(asm, values, apsr, results, apsr_out)
            if fixed is not None:
                overridden.append({'asm': asm, 'case': i, 'unicorn': results + [apsr_out], 'manual': fixed[0] + [fixed[1]]})
                results, apsr_out = fixed
            cases.append(values + [apsr] + results + [apsr_out])
        out.append({'asm': asm, 'hw': [hw1, hw2], 'in': inputs, 'out': outputs, 'cases': cases})
    path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), 'dsp-vectors.json')
    with open(path, 'w') as f:
        f.write('{\n"comment": "Generated by test/core/execute/dsp-vectors.py from Unicorn (Cortex-M4 model). '
                'Each case: input register values (in the order of \\"in\\"), APSR before, output register '
                'values (order of \\"out\\"), APSR after (NZCVQ and GE only).",\n')
        f.write('"overridden": ' + json.dumps(overridden) + ',\n"instructions": [\n')
        for k, ins in enumerate(out):
            head = json.dumps({key: ins[key] for key in ('asm', 'hw', 'in', 'out')})[:-1]
            f.write(head + ', "cases": [\n')
            f.write(',\n'.join(json.dumps(c, separators=(',', ':')) for c in ins['cases']))
            f.write('\n]}' + (',' if k < len(out) - 1 else '') + '\n')
        f.write(']\n}\n')
    print('%d instructions, %d cases, %d overridden' % (len(out), sum(len(i['cases']) for i in out), len(overridden)))


if __name__ == '__main__':
    main()

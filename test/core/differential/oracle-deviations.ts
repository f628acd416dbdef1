/**
 * Known oracle bugs: places where Unicorn (QEMU TCG, the version bundled with python3-unicorn)
 * disagrees with the ARMv7-M Architecture Reference Manual (DDI 0403E). The manual wins: a mismatch
 * matching an entry here is still reported, but does not fail the test. Every entry names the
 * manual's section and says exactly which cases it covers — keep the predicates narrow.
 */
import type { Diff } from './compare.js';
import type { CpuState, TestCase } from './generator.js';
import type { Insn } from './insn.js';

export interface MismatchContext {
  readonly testCase: TestCase;
  /** The first instruction after which the two sides differ. */
  readonly insn: Insn;
  /** The state both sides agreed on just before that instruction. */
  readonly before: CpuState;
  readonly diffs: readonly Diff[];
}

export interface Deviation {
  readonly id: string;
  /** Where the ARM ARM specifies the behaviour f4emu follows. */
  readonly reference: string;
  readonly description: string;
  readonly applies: (m: MismatchContext) => boolean;
}

const Q = 1 << 27;

const sx16 = (v: number, high: boolean): number => ((high ? v >>> 16 : v) << 16) >> 16;

export const ORACLE_DEVIATIONS: readonly Deviation[] = [
  {
    id: 'yield-invalid',
    reference: 'ARM ARM A7.7.263 YIELD (a hint: executes as NOP on ARMv7-M)',
    description: 'Unicorn stops with UC_ERR_INSN_INVALID at YIELD; f4emu treats it as a NOP.',
    applies: (m) => m.insn.form.startsWith('YIELD') && m.diffs.some((d) => d.field === 'status' && /^f4emu ok, unicorn INSN_INVALID/.test(d.text ?? '')),
  },
  {
    id: 'isb-in-it',
    reference: 'ARM ARM A7.3.3 (IT block state), A7.7.37 ISB (allowed inside an IT block)',
    description:
      'After an ISB inside an IT block Unicorn (QEMU 5) forgets ITSTATE and runs the rest of the block unconditionally; ' +
      'f4emu keeps applying the block\'s conditions.',
    applies: (m) => {
      const insns = m.testCase.insns;
      const k = insns.indexOf(m.insn);
      if (!m.insn.inIt) return false;
      for (let i = k - 1; i >= 0 && insns[i].inIt; i--) if (insns[i].form === 'ISB T1') return true;
      return false;
    },
  },
  {
    id: 'smlad-q',
    reference: 'ARM ARM A7.7.120 SMLAD: Q is set only when product1 + product2 + R[a] does not fit 32 bits',
    description:
      'Unicorn (QEMU before 7.1) sets Q when product1 + product2 alone overflows (both products 0x8000 * 0x8000) ' +
      'even though adding Ra brings the final sum back into range.',
    applies: (m) => {
      if (m.insn.form !== 'SMLAD T1' || m.diffs.length !== 1 || m.diffs[0].field !== 'apsr') return false;
      const d = m.diffs[0];
      if ((d.f4emu ^ d.oracle) !== Q || (d.f4emu & Q) !== 0) return false;
      const [hw1, hw2] = m.insn.hw;
      const n = m.before.r[hw1 & 15];
      let y = m.before.r[hw2 & 15];
      if ((hw2 >>> 4) & 1) y = ((y >>> 16) | (y << 16)) >>> 0;
      const products = sx16(n, false) * sx16(y, false) + sx16(n, true) * sx16(y, true);
      const sum = products + (m.before.r[hw2 >>> 12] | 0);
      return products > 0x7fffffff && sum <= 0x7fffffff && sum >= -0x80000000;
    },
  },
];

/** The deviation explaining a mismatch, if any. */
export function knownDeviation(m: MismatchContext): Deviation | undefined {
  return ORACLE_DEVIATIONS.find((d) => d.applies(m));
}

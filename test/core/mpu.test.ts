import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CFSR } from '../../src/core/faults.js';
import { CONTROL_FPCA, CONTROL_NPRIV, CONTROL_SPSEL, EXC, HFSR } from '../../src/core/exceptions.js';
import type { Machine } from '../../src/machine.js';
import { THREAD_CODE, bootMachine, frameAt, handlerAddress, read32 } from './harness.js';

const MPU_TYPE = 0xe000_ed90;
const MPU_CTRL = 0xe000_ed94;
const MPU_RNR = 0xe000_ed98;
const MPU_RBAR = 0xe000_ed9c;
const MPU_RASR = 0xe000_eda0;
const MPU_RBAR_A2 = 0xe000_edac;
const MPU_RASR_A3 = 0xe000_edb8;
const SHCSR = 0xe000_ed24;
const CFSR_ADDR = 0xe000_ed28;
const HFSR_ADDR = 0xe000_ed2c;
const MMFAR = 0xe000_ed34;
const SHPR1 = 0xe000_ed18;
const SHPR2 = 0xe000_ed1c;
const SHPR3 = 0xe000_ed20;
const CPACR = 0xe000_ed88;
const MEMFAULTENA = 1 << 16;
const ENABLE = 1;
const HFNMIENA = 2;
const PRIVDEFENA = 4;

// Thumb encodings used by the programs below.
const LDR_R1_R0 = 0x6801; // ldr r1, [r0]
const STR_R1_R0 = 0x6001; // str r1, [r0]
const BX_R0 = 0x4700;
const BX_LR = 0x4770;
const B_SELF = 0xe7fe;
const NOP = 0xbf00;
const SVC_0 = 0xdf00;
const UDF = 0xde00;
const LDRT_R1_R0 = [0xf850, 0x1e00]; // ldrt r1, [r0]
const STRT_R1_R0 = [0xf840, 0x1e00]; // strt r1, [r0]
const VMOV_S0_R0 = [0xee00, 0x0a10]; // vmov s0, r0

/** SRAM1 holds the harness's vector table, code and stacks; tests put their regions above 0x2001_0000. */
const SRAM_BASE = 0x2000_0000;
const DATA = 0x2001_0000;
const CCM = 0x1000_0000;

interface RegionOptions {
  ap: number;
  xn?: boolean;
  srd?: number;
}

/** Programs region n: base, size 2^log2Size bytes, AP/XN/SRD, enabled. */
function setRegion(m: Machine, n: number, base: number, log2Size: number, o: RegionOptions): void {
  m.bus.write32(MPU_RBAR, base | 0x10 | n);
  m.bus.write32(MPU_RASR, ((o.xn ? 1 : 0) << 28) | (o.ap << 24) | ((o.srd ?? 0) << 8) | ((log2Size - 1) << 1) | 1);
}

/**
 * A machine whose SRAM1 (vector table, code, stacks: 0x2000_0000-0x2000_FFFF) is region 0 with full
 * access, MemManage enabled and the MPU on with `ctrl`, and `code` at THREAD_CODE.
 */
function mpuMachine(code: number[], ctrl = ENABLE): Machine {
  const m = bootMachine();
  code.forEach((hw, i) => m.bus.write16(THREAD_CODE + 2 * i, hw));
  setRegion(m, 0, SRAM_BASE, 16, { ap: 0b011 });
  m.bus.write32(SHCSR, MEMFAULTENA);
  m.bus.write32(MPU_CTRL, ctrl);
  return m;
}

function unprivileged(m: Machine): void {
  m.cpu.control |= CONTROL_NPRIV;
}

function cfsr(m: Machine): number {
  return read32(m, CFSR_ADDR);
}

/** Runs a few instructions; returns the exception the core is in (0: thread mode). */
function runSome(m: Machine, n = 4): number {
  m.run(n);
  return m.cpu.ipsr;
}

describe('MPU registers', () => {
  test('MPU_TYPE reports 8 unified regions', () => {
    assert.equal(read32(bootMachine(), MPU_TYPE), 0x800);
  });

  test('RBAR and RASR read back the region RNR selects', () => {
    const m = bootMachine();
    m.bus.write32(MPU_RNR, 2);
    m.bus.write32(MPU_RBAR, 0x2000_0000);
    m.bus.write32(MPU_RASR, 0xffff_ffff);
    m.bus.write32(MPU_RNR, 3);
    assert.equal(read32(m, MPU_RBAR), 3);
    m.bus.write32(MPU_RNR, 2);
    assert.equal(read32(m, MPU_RBAR), 0x2000_0002, 'ADDR and REGION');
    assert.equal(read32(m, MPU_RASR), 0x173f_ff3f);
  });

  test('an RBAR write with VALID selects the region and updates RNR', () => {
    const m = bootMachine();
    m.bus.write32(MPU_RBAR, 0x0800_0000 | 0x10 | 5);
    assert.equal(read32(m, MPU_RNR), 5);
    assert.equal(read32(m, MPU_RBAR), 0x0800_0005);
  });

  test('the alias registers reach the same RBAR and RASR', () => {
    const m = bootMachine();
    m.bus.write32(MPU_RBAR_A2, 0x2001_0000 | 0x10 | 7);
    m.bus.write32(MPU_RASR_A3, 0x0306_0021);
    assert.equal(read32(m, MPU_RNR), 7);
    assert.equal(read32(m, MPU_RASR), 0x0306_0021);
    assert.equal(read32(m, MPU_RBAR), 0x2001_0007);
  });

  test('MPU_CTRL keeps ENABLE, HFNMIENA, PRIVDEFENA and resets to 0', () => {
    const m = bootMachine();
    m.bus.write32(MPU_CTRL, 0xffff_ffff);
    assert.equal(read32(m, MPU_CTRL), 7);
    m.reset();
    assert.equal(read32(m, MPU_CTRL), 0);
  });
});

describe('MPU access permissions (AP, PM0214 §4.2.9 Table 41)', () => {
  // [AP, privileged read, privileged write, unprivileged read, unprivileged write]; 100 is reserved (no access).
  const TABLE: Array<[number, boolean, boolean, boolean, boolean]> = [
    [0b000, false, false, false, false],
    [0b001, true, true, false, false],
    [0b010, true, true, true, false],
    [0b011, true, true, true, true],
    [0b100, false, false, false, false],
    [0b101, true, false, false, false],
    [0b110, true, false, true, false],
    [0b111, true, false, true, false],
  ];
  // A 4 KB region covers a whole page (its pages leave the fast path or stay on it); a 32-byte one
  // shares its page with region 0 (every access of the page is checked on the slow path).
  for (const log2Size of [12, 5]) {
    for (const [ap, privRead, privWrite, userRead, userWrite] of TABLE) {
      const cases: Array<[string, boolean, boolean, boolean]> = [
        ['privileged read', true, false, privRead],
        ['privileged write', true, true, privWrite],
        ['unprivileged read', false, false, userRead],
        ['unprivileged write', false, true, userWrite],
      ];
      for (const [what, privileged, write, allowed] of cases) {
        test(`AP=${ap.toString(2).padStart(3, '0')}, ${2 ** log2Size}-byte region: a ${what} is ${allowed ? 'allowed' : 'a MemManage DACCVIOL with MMFAR'}`, () => {
          const m = mpuMachine([write ? STR_R1_R0 : LDR_R1_R0, B_SELF]);
          setRegion(m, 1, DATA, log2Size, { ap });
          m.bus.write32(DATA, 0x1234_5678);
          if (!privileged) unprivileged(m);
          m.cpu.r[0] = DATA;
          m.cpu.r[1] = 0x0bad_cafe;
          const ipsr = runSome(m);
          if (allowed) {
            assert.equal(ipsr, 0, 'no fault');
            if (write) assert.equal(read32(m, DATA), 0x0bad_cafe);
            else assert.equal(m.cpu.r[1], 0x1234_5678);
          } else {
            assert.equal(ipsr, EXC.MemManage);
            assert.equal(cfsr(m), CFSR.DACCVIOL | CFSR.MMARVALID);
            assert.equal(read32(m, MMFAR), DATA);
            assert.equal(frameAt(m, m.cpu.r[13])[6], THREAD_CODE, 'the faulting instruction is the return address');
            assert.equal(read32(m, DATA), 0x1234_5678, 'a faulting store writes nothing');
          }
        });
      }
    }
  }
});

describe('MPU regions', () => {
  test('a fetch from an XN region is a MemManage IACCVIOL without MMFAR; the stacked PC is the target', () => {
    const m = mpuMachine([BX_R0, B_SELF]);
    setRegion(m, 1, DATA, 12, { ap: 0b011, xn: true });
    m.bus.write16(DATA, NOP);
    m.cpu.r[0] = DATA | 1;
    assert.equal(runSome(m), EXC.MemManage);
    assert.equal(cfsr(m), CFSR.IACCVIOL);
    assert.equal(frameAt(m, m.cpu.r[13])[6], DATA);
  });

  test('an unprivileged fetch needs read permission: AP=001 code faults for thread code only when unprivileged', () => {
    for (const priv of [true, false]) {
      const m = mpuMachine([BX_R0, B_SELF]);
      setRegion(m, 1, DATA, 5, { ap: 0b001 });
      m.bus.write16(DATA, NOP);
      m.bus.write16(DATA + 2, B_SELF);
      if (!priv) unprivileged(m);
      m.cpu.r[0] = DATA | 1;
      assert.equal(runSome(m), priv ? 0 : EXC.MemManage);
      if (!priv) assert.equal(cfsr(m), CFSR.IACCVIOL);
    }
  });

  test('a disabled subregion (SRD) lets the lower region decide; the enabled ones keep the region', () => {
    // Region 2: 8 KB of no access over 0x2001_0000 with subregion 1 (0x2001_0400-0x2001_07FF) disabled,
    // over region 1: 64 KB of full access.
    const probe = (address: number): number => {
      const m = mpuMachine([LDR_R1_R0, B_SELF]);
      setRegion(m, 1, DATA, 16, { ap: 0b011 }); // fallback: full access over 0x2001_0000-0x2001_FFFF
      setRegion(m, 2, DATA, 13, { ap: 0b000, srd: 0b0000_0010 });
      unprivileged(m);
      m.cpu.r[0] = address;
      return runSome(m);
    };
    assert.equal(probe(DATA + 0x400), 0, 'disabled subregion: region 1 applies');
    assert.equal(probe(DATA + 0x7fc), 0);
    assert.equal(probe(DATA + 0x3fc), EXC.MemManage, 'subregion 0');
    assert.equal(probe(DATA + 0x800), EXC.MemManage, 'subregion 2');
    assert.equal(probe(DATA + 0x2000), 0, 'past region 2');
  });

  test('overlapping regions: the highest-numbered one wins, whichever is larger', () => {
    const store = (lowAp: number, highAp: number, smallIsHigher: boolean): number => {
      const m = mpuMachine([STR_R1_R0, B_SELF]);
      const big = { ap: smallIsHigher ? lowAp : highAp };
      const small = { ap: smallIsHigher ? highAp : lowAp };
      setRegion(m, smallIsHigher ? 1 : 5, DATA, 14, big);
      setRegion(m, smallIsHigher ? 5 : 1, DATA + 0x100, 8, small);
      unprivileged(m);
      m.cpu.r[0] = DATA + 0x100;
      return runSome(m);
    };
    assert.equal(store(0b011, 0b110, true), EXC.MemManage, 'a read-only region 5 inside a read-write region 1');
    assert.equal(store(0b110, 0b011, true), 0, 'a read-write region 5 inside a read-only region 1');
    assert.equal(store(0b011, 0b110, false), EXC.MemManage, 'region 5 read-only around a read-write region 1');
  });

  test('a 4 GB region (SIZE = 31) covers every address', () => {
    const m = mpuMachine([LDR_R1_R0, B_SELF]);
    setRegion(m, 7, 0, 32, { ap: 0b110 }); // read-only for all, over everything (region 0 is lower)
    m.cpu.r[0] = DATA;
    assert.equal(runSome(m), 0);
    const w = mpuMachine([STR_R1_R0, B_SELF]);
    setRegion(w, 7, 0, 32, { ap: 0b110 });
    w.cpu.r[0] = DATA;
    assert.equal(runSome(w), EXC.MemManage);
  });

  test('an unaligned word straddling two regions faults at the first byte of the forbidden one', () => {
    const m = mpuMachine([LDR_R1_R0, B_SELF]);
    setRegion(m, 1, DATA, 5, { ap: 0b011 });
    setRegion(m, 2, DATA + 0x20, 5, { ap: 0b001 });
    unprivileged(m);
    m.cpu.r[0] = DATA + 0x1e;
    assert.equal(runSome(m), EXC.MemManage);
    assert.equal(read32(m, MMFAR), DATA + 0x20);
  });
});

describe('MPU_CTRL: background region, HardFault/NMI, PPB and vectors', () => {
  test('PRIVDEFENA: privileged accesses outside every region use the default map; unprivileged ones fault', () => {
    const probe = (ctrl: number, priv: boolean): number => {
      const m = mpuMachine([LDR_R1_R0, B_SELF], ctrl);
      if (!priv) unprivileged(m);
      m.cpu.r[0] = CCM;
      return runSome(m);
    };
    assert.equal(probe(ENABLE | PRIVDEFENA, true), 0);
    assert.equal(probe(ENABLE, true), EXC.MemManage);
    assert.equal(probe(ENABLE | PRIVDEFENA, false), EXC.MemManage);
  });

  test('HFNMIENA = 0 turns the MPU off in HardFault; HFNMIENA = 1 keeps it, and the fault there locks up', () => {
    for (const hfnmiena of [false, true]) {
      const m = mpuMachine([UDF, B_SELF], ENABLE | (hfnmiena ? HFNMIENA : 0));
      m.bus.write16(handlerAddress(EXC.HardFault), LDR_R1_R0);
      m.bus.write16(handlerAddress(EXC.HardFault) + 2, B_SELF);
      m.bus.write32(CCM, 0x600d_f00d);
      m.cpu.r[0] = CCM; // in no region, PRIVDEFENA clear
      m.run(6);
      if (hfnmiena) {
        assert.equal(m.cpu.exc.lockedUp, true);
      } else {
        assert.equal(m.cpu.ipsr, EXC.HardFault);
        assert.equal(m.cpu.exc.lockedUp, false);
        assert.equal(m.cpu.r[1], 0x600d_f00d);
      }
    }
  });

  test('HFNMIENA = 0: FAULTMASK set by thread code turns the MPU off until it is cleared', () => {
    const m = mpuMachine([LDR_R1_R0, B_SELF]);
    m.cpu.faultmask = 1;
    m.cpu.r[0] = CCM;
    assert.equal(runSome(m), 0);
    const n = mpuMachine([LDR_R1_R0, B_SELF], ENABLE | HFNMIENA);
    n.cpu.faultmask = 1;
    n.cpu.r[0] = CCM;
    n.run(4);
    assert.equal(n.cpu.exc.lockedUp, true, 'a MemManage at priority -1 cannot be taken');
  });

  test('the PPB and the vector table always use the default map', () => {
    // Region 1 forbids everything at the vector table (VTOR = 0: the boot alias); no region covers the
    // PPB; PRIVDEFENA is clear.
    const m = mpuMachine([LDR_R1_R0, SVC_0, B_SELF]);
    setRegion(m, 1, 0, 8, { ap: 0b000 });
    m.cpu.r[0] = 0xe000_ed00; // CPUID
    m.run(4);
    assert.equal(m.cpu.r[1] >>> 0, 0x410f_c241);
    assert.equal(m.cpu.ipsr, EXC.SVCall, 'the SVCall vector was read from the no-access region');
    assert.equal(cfsr(m), 0);
  });

  test('the fetch from the System space is execute-never even in a region that allows execution', () => {
    const m = mpuMachine([BX_R0, B_SELF]);
    setRegion(m, 1, 0xe000_0000, 29, { ap: 0b011 });
    m.cpu.r[0] = 0xe000_ed01;
    assert.equal(runSome(m), EXC.MemManage);
    assert.equal(cfsr(m), CFSR.IACCVIOL);
  });
});

describe('MPU faults of the exception machinery', () => {
  test('stacking into a stack the thread may not write is a MemManage MSTKERR without MMFAR', () => {
    const m = mpuMachine([NOP, B_SELF]);
    setRegion(m, 1, DATA, 12, { ap: 0b010 }); // unprivileged read-only
    m.cpu.control |= CONTROL_NPRIV | CONTROL_SPSEL;
    m.cpu.r[13] = DATA + 0x100; // PSP
    m.cpu.exc.pend(EXC.PendSV);
    m.run(1);
    assert.equal(m.cpu.ipsr, EXC.MemManage);
    assert.equal(cfsr(m), CFSR.MSTKERR);
    assert.equal(m.cpu.exc.pending[EXC.PendSV], 1, 'PendSV waits behind the derived MemManage');
  });

  test('stacking for a privileged thread into the same stack is allowed', () => {
    const m = mpuMachine([NOP, B_SELF]);
    setRegion(m, 1, DATA, 12, { ap: 0b010 });
    m.cpu.control |= CONTROL_SPSEL;
    m.cpu.r[13] = DATA + 0x100;
    m.cpu.exc.pend(EXC.PendSV);
    m.run(1);
    assert.equal(m.cpu.ipsr, EXC.PendSV);
    assert.equal(cfsr(m), 0);
  });

  test('unstacking to unprivileged thread mode from a frame it may not read is a MemManage MUNSTKERR', () => {
    const m = mpuMachine([SVC_0, B_SELF]);
    m.bus.write16(handlerAddress(EXC.SVCall), NOP);
    m.bus.write16(handlerAddress(EXC.SVCall) + 2, BX_LR);
    setRegion(m, 1, DATA, 12, { ap: 0b011 });
    m.cpu.control |= CONTROL_NPRIV | CONTROL_SPSEL;
    m.cpu.r[13] = DATA + 0x100;
    m.run(1);
    assert.equal(m.cpu.ipsr, EXC.SVCall);
    setRegion(m, 1, DATA, 12, { ap: 0b001 }); // the handler makes the thread's stack privileged-only
    m.run(3);
    assert.equal(m.cpu.ipsr, EXC.MemManage);
    assert.equal(cfsr(m), CFSR.MUNSTKERR);
  });

  test('lazy FP stacking into space the interrupted unprivileged thread may not write is a MemManage MLSPERR', () => {
    const m = mpuMachine([NOP, B_SELF]);
    m.bus.write32(CPACR, 0x00f0_0000);
    m.bus.write32(SHPR3, 0xf0 << 16); // PendSV below MemManage
    VMOV_S0_R0.forEach((hw, i) => m.bus.write16(handlerAddress(EXC.PendSV) + 2 * i, hw));
    m.bus.write16(handlerAddress(EXC.PendSV) + 4, B_SELF);
    // The extended frame spans 0x2001_0098-0x2001_00FF; its FP area from 0x2001_00C0 on is read-only unprivileged.
    setRegion(m, 1, DATA, 12, { ap: 0b011 });
    setRegion(m, 2, DATA + 0xc0, 6, { ap: 0b010 });
    m.cpu.control |= CONTROL_NPRIV | CONTROL_SPSEL | CONTROL_FPCA;
    m.cpu.r[13] = DATA + 0x100;
    m.cpu.exc.pend(EXC.PendSV);
    m.run(3);
    assert.equal(m.cpu.ipsr, EXC.MemManage);
    assert.equal(cfsr(m), CFSR.MLSPERR);
  });

  test('with MemManage disabled a violation escalates to HardFault (HFSR.FORCED), CFSR still says why', () => {
    const m = mpuMachine([LDR_R1_R0, B_SELF]);
    m.bus.write32(SHCSR, 0);
    unprivileged(m);
    m.cpu.r[0] = CCM;
    assert.equal(runSome(m), EXC.HardFault);
    assert.equal(read32(m, HFSR_ADDR), HFSR.FORCED);
    assert.equal(cfsr(m), CFSR.DACCVIOL | CFSR.MMARVALID);
    assert.equal(read32(m, MMFAR), CCM);
  });

  test('a violation in a handler that MemManage cannot preempt escalates to HardFault', () => {
    const m = mpuMachine([SVC_0, B_SELF], ENABLE);
    m.bus.write32(SHPR1, 0x80); // MemManage priority 0x80; SVCall stays 0
    m.bus.write16(handlerAddress(EXC.SVCall), LDR_R1_R0);
    m.cpu.r[0] = CCM; // PRIVDEFENA clear: even privileged code faults
    m.run(4);
    assert.equal(m.cpu.ipsr, EXC.HardFault);
    assert.equal(read32(m, HFSR_ADDR), HFSR.FORCED);
  });
});

describe('unprivileged loads and stores (LDRT, STRT)', () => {
  test('LDRT in privileged code is checked as unprivileged; LDR is not', () => {
    for (const [code, fault] of [[[LDR_R1_R0, B_SELF], false], [[...LDRT_R1_R0, B_SELF], true]] as const) {
      const m = mpuMachine([...code]);
      setRegion(m, 1, DATA, 12, { ap: 0b001 });
      m.cpu.r[0] = DATA;
      assert.equal(runSome(m), fault ? EXC.MemManage : 0);
      if (fault) {
        assert.equal(cfsr(m), CFSR.DACCVIOL | CFSR.MMARVALID);
        assert.equal(read32(m, MMFAR), DATA);
      }
    }
  });

  test('STRT in a handler to unprivileged read-only memory faults; the store is not done', () => {
    const m = mpuMachine([SVC_0, B_SELF]);
    m.bus.write32(SHPR2, 0x80 << 24); // SVCall below MemManage
    STRT_R1_R0.forEach((hw, i) => m.bus.write16(handlerAddress(EXC.SVCall) + 2 * i, hw));
    setRegion(m, 1, DATA, 12, { ap: 0b010 });
    m.cpu.r[0] = DATA;
    m.cpu.r[1] = 0x55;
    m.run(4);
    assert.equal(m.cpu.ipsr, EXC.MemManage);
    assert.equal(read32(m, DATA), 0);
  });

  test('with the MPU off, LDRT reads like LDR', () => {
    const m = bootMachine();
    [...LDRT_R1_R0, B_SELF].forEach((hw, i) => m.bus.write16(THREAD_CODE + 2 * i, hw));
    m.bus.write32(DATA, 0x7777);
    m.cpu.r[0] = DATA;
    assert.equal(runSome(m), 0);
    assert.equal(m.cpu.r[1], 0x7777);
  });
});

describe('MPU cost and scope', () => {
  test('with the MPU off the bus fast path reads the map itself and nothing is checked', () => {
    const m = bootMachine();
    m.run(10);
    assert.equal(m.bus.fastRd, m.bus.rd);
    assert.equal(m.bus.fastEx, m.bus.ex);
    assert.equal(m.bus.guard, null);
  });

  test('pages the MPU allows wholly stay on the fast path; restricted pages leave it only while the core runs', () => {
    const m = mpuMachine([NOP, NOP, NOP, B_SELF]);
    setRegion(m, 1, DATA, 12, { ap: 0b001 });
    unprivileged(m);
    let during: { sram: number; data: number } | null = null;
    const page = (a: number): number => a >>> 12;
    // A scheduler alarm looks at the tables from inside the run.
    m.scheduler.createAlarm('probe', () => {
      during = { sram: m.bus.fastRd[page(THREAD_CODE)], data: m.bus.fastRd[page(DATA)] };
    }).scheduleCycles(1);
    m.run(3);
    assert.ok(during !== null);
    const seen = during as { sram: number; data: number };
    assert.equal(seen.sram, m.bus.rd[page(THREAD_CODE)], 'region 0: unprivileged RW, fast');
    assert.equal(seen.data, -1, 'region 1: privileged only, checked');
    assert.equal(m.bus.fastRd, m.bus.rd, 'after the run: the map again');
    assert.equal(m.bus.read32(DATA), 0, 'a tool reads what the thread may not');
  });

  test('an MPU write inside a run takes effect at the next instruction', () => {
    // str r1,[r0] writes RASR of region 1 (RNR = 1) to no access; then ldr r1,[r2] faults.
    const m = mpuMachine([STR_R1_R0, 0x6811 /* ldr r1,[r2] */, B_SELF]);
    setRegion(m, 1, DATA, 12, { ap: 0b011 }); // leaves RNR = 1
    m.cpu.r[0] = MPU_RASR;
    m.cpu.r[1] = (0b000 << 24) | (11 << 1) | 1;
    m.cpu.r[2] = DATA;
    assert.equal(runSome(m), EXC.MemManage);
    assert.equal(read32(m, MMFAR), DATA);
  });

  test('a semihosting call of unprivileged code reads its arguments unchecked (the debugger reads them)', () => {
    const m = mpuMachine([0xbeab /* bkpt 0xab */, B_SELF]);
    let read = -1;
    m.cpu.onBkpt = () => {
      read = m.bus.read32(CCM);
      return true;
    };
    m.bus.write32(CCM, 0x1234);
    unprivileged(m);
    assert.equal(runSome(m), 0);
    assert.equal(read, 0x1234);
  });
});

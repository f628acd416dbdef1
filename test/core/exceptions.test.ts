import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { busError, type BusHandler } from '../../src/bus/bus.js';
import { encodingName } from '../../src/core/decode.js';
import { CCR, CONTROL_FPCA, CONTROL_SPSEL, EXC, FPCCR, HFSR, SCR } from '../../src/core/exceptions.js';
import { CFSR } from '../../src/core/faults.js';
import type { Machine } from '../../src/machine.js';
import { PSP_TOP, SRAM, STACK_TOP, THREAD_CODE, bootMachine, frameAt, handlerAddress, read32, writeVectorTable } from './harness.js';

const SHCSR = 0xe000_ed24;
const SHPR3 = 0xe000_ed20;
const NVIC_ISER0 = 0xe000_e100;
const NVIC_IPR = 0xe000_e400;
const VTOR = 0xe000_ed08;
const SCR_ADDRESS = 0xe000_ed10;
const FPCCR_ADDRESS = 0xe000_ef34;
const FPDSCR_ADDRESS = 0xe000_ef3c;
const AIRCR = 0xe000_ed0c;
const SHCSR_ENABLE = { MEMFAULT: 1 << 16, BUSFAULT: 1 << 17, USGFAULT: 1 << 18 };

/** Pends exception n and lets the core take it. */
function take(m: Machine, n: number): void {
  m.cpu.exc.pend(n);
  m.run(0);
}

/** The handler writes LR (EXC_RETURN) to the PC; the return happens when that instruction completes. */
function returnFromHandler(m: Machine, excReturn = m.cpu.r[14]): void {
  m.cpu.exc.exceptionReturn(excReturn);
  m.run(0);
}

function enableIrq(m: Machine, irq: number, priority: number): void {
  m.bus.write32(NVIC_ISER0 + 4 * (irq >> 5), 1 << (irq & 31));
  m.bus.write8(NVIC_IPR + irq, priority);
}

/** What the loop does before reporting a fault: the return address is the faulting instruction. */
function faultAt(m: Machine, pc: number, kind: number, address = -1): void {
  m.cpu.pc = pc;
  m.cpu.npc = pc;
  m.cpu.exc.takeFault(kind, address);
}

const u32 = (v: number): number => v >>> 0;

describe('exception entry and return', () => {
  test('entry stacks R0-R3, R12, LR, the return address and xPSR, and branches to the vector in handler mode', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    for (let i = 0; i < 4; i++) cpu.r[i] = 0x100 + i;
    cpu.r[12] = 0x112;
    cpu.r[14] = 0x0800_1235;
    cpu.npc = THREAD_CODE + 6;
    cpu.n = 1;
    cpu.c = 1;
    cpu.q = 1;
    cpu.ge = 0x5;
    cpu.exclusiveAddress = SRAM + 0x100;
    cpu.eventRegister = 0;
    take(m, EXC.PendSV);
    assert.equal(cpu.ipsr, EXC.PendSV);
    assert.equal(cpu.npc, handlerAddress(EXC.PendSV));
    assert.equal(cpu.r[13], STACK_TOP - 0x20);
    const xpsr = u32((1 << 31) | (1 << 29) | (1 << 27) | (1 << 24) | (0x5 << 16));
    assert.deepEqual(frameAt(m, STACK_TOP - 0x20), [0x100, 0x101, 0x102, 0x103, 0x112, 0x0800_1235, THREAD_CODE + 6, xpsr]);
    assert.equal(u32(cpu.r[14]), 0xffff_fff9);
    assert.equal(cpu.exc.active[EXC.PendSV], 1);
    assert.equal(cpu.exc.pending[EXC.PendSV], 0);
    assert.equal(cpu.exclusiveAddress, -1, 'exclusive monitor cleared');
    assert.equal(cpu.eventRegister, 1, 'event register set');
  });

  test('return restores the stacked registers, flags and SP and resumes at the return address in thread mode', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    for (let i = 0; i < 4; i++) cpu.r[i] = 0x200 + i;
    cpu.r[12] = 0x212;
    cpu.npc = THREAD_CODE + 8;
    cpu.z = 1;
    cpu.v = 1;
    take(m, EXC.PendSV);
    cpu.r.fill(0x55, 0, 13);
    cpu.z = 0;
    cpu.v = 0;
    cpu.n = 1;
    cpu.exclusiveAddress = SRAM;
    cpu.eventRegister = 0;
    returnFromHandler(m);
    assert.deepEqual([cpu.r[0], cpu.r[1], cpu.r[2], cpu.r[3], cpu.r[12]], [0x200, 0x201, 0x202, 0x203, 0x212]);
    assert.deepEqual([cpu.n, cpu.z, cpu.v], [0, 1, 1]);
    assert.equal(cpu.ipsr, 0);
    assert.equal(cpu.r[13], STACK_TOP);
    assert.equal(cpu.npc, THREAD_CODE + 8);
    assert.equal(cpu.exc.active[EXC.PendSV], 0);
    assert.equal(cpu.exclusiveAddress, -1);
    assert.equal(cpu.eventRegister, 1);
  });

  test('an SP that is 4 mod 8 is realigned on entry, recorded in stacked xPSR bit 9 and restored on return', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    cpu.r[13] = STACK_TOP - 4;
    take(m, EXC.PendSV);
    const frame = STACK_TOP - 0x28;
    assert.equal(cpu.r[13], frame);
    assert.equal((frameAt(m, frame)[7] >>> 9) & 1, 1);
    returnFromHandler(m);
    assert.equal(cpu.r[13], STACK_TOP - 4);
  });

  test('with CCR.STKALIGN clear the frame is only word aligned and xPSR bit 9 stays 0', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    cpu.exc.ccr = 0;
    cpu.r[13] = STACK_TOP - 4;
    take(m, EXC.PendSV);
    assert.equal(cpu.r[13], STACK_TOP - 0x24);
    assert.equal((frameAt(m, STACK_TOP - 0x24)[7] >>> 9) & 1, 0);
    returnFromHandler(m);
    assert.equal(cpu.r[13], STACK_TOP - 4);
  });

  test('from thread mode on PSP the frame goes on PSP, the handler runs on MSP and 0xFFFFFFFD returns to PSP', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    cpu.psp = PSP_TOP;
    cpu.control = CONTROL_SPSEL;
    cpu.swapStack(false);
    cpu.npc = THREAD_CODE + 4;
    take(m, EXC.PendSV);
    assert.equal(u32(cpu.r[14]), 0xffff_fffd);
    assert.equal(cpu.r[13], STACK_TOP, 'handler on MSP');
    assert.equal(cpu.getPsp(), PSP_TOP - 0x20);
    assert.equal(frameAt(m, PSP_TOP - 0x20)[6], THREAD_CODE + 4);
    assert.equal(cpu.control & CONTROL_SPSEL, 0);
    returnFromHandler(m);
    assert.equal(cpu.control & CONTROL_SPSEL, CONTROL_SPSEL);
    assert.equal(cpu.r[13], PSP_TOP);
    assert.equal(cpu.getMsp(), STACK_TOP);
    assert.equal(cpu.npc, THREAD_CODE + 4);
  });

  test('a nested exception stacks on MSP with EXC_RETURN 0xFFFFFFF1 and returns to the preempted handler', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    m.bus.write8(SHPR3 + 2, 0xf0); // PendSV lowest
    take(m, EXC.PendSV);
    take(m, EXC.SysTick);
    assert.equal(cpu.ipsr, EXC.SysTick);
    assert.equal(u32(cpu.r[14]), 0xffff_fff1);
    const inner = frameAt(m, STACK_TOP - 0x40);
    assert.equal(inner[6], handlerAddress(EXC.PendSV));
    assert.equal(inner[7] & 0x1ff, EXC.PendSV, 'stacked IPSR');
    returnFromHandler(m);
    assert.equal(cpu.ipsr, EXC.PendSV);
    assert.equal(cpu.npc, handlerAddress(EXC.PendSV));
    assert.equal(u32(cpu.r[14]), 0xffff_fff9);
    returnFromHandler(m);
    assert.equal(cpu.ipsr, 0);
    assert.equal(cpu.r[13], STACK_TOP);
  });

  test('the IT state is saved in the stacked xPSR, cleared in the handler and restored on return', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    cpu.itstate = 0x1c;
    take(m, EXC.PendSV);
    const xpsr = frameAt(m, STACK_TOP - 0x20)[7];
    assert.equal((xpsr >>> 25) & 3, 0x1c & 3);
    assert.equal((xpsr >>> 10) & 0x3f, 0x1c >> 2);
    assert.equal(cpu.itstate, 0);
    returnFromHandler(m);
    assert.equal(cpu.itstate, 0x1c);
  });

  test('a PC write of EXC_RETURN takes effect when the instruction completes', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    take(m, EXC.PendSV);
    cpu.bxWritePc(0xffff_fff9 | 0);
    assert.equal(cpu.ipsr, EXC.PendSV);
    m.run(0);
    assert.equal(cpu.ipsr, 0);
  });

  test('entry costs 12 cycles, return 10 and a tail-chain 6 (Cortex-M4 TRM)', () => {
    const m = bootMachine();
    const c0 = m.scheduler.cycles;
    take(m, EXC.PendSV);
    assert.equal(m.scheduler.cycles - c0, 12);
    m.cpu.primask = 1; // SysTick stays pending: a plain return, no tail-chain
    m.cpu.exc.pend(EXC.SysTick);
    returnFromHandler(m);
    assert.equal(m.scheduler.cycles - c0, 22);
    m.cpu.primask = 0;
    m.run(0);
    m.cpu.exc.pend(EXC.PendSV);
    const c1 = m.scheduler.cycles;
    returnFromHandler(m);
    assert.equal(m.cpu.ipsr, EXC.PendSV);
    assert.equal(m.scheduler.cycles - c1, 6);
  });
});

describe('EXC_RETURN checks', () => {
  test('an illegal EXC_RETURN is INVPC, escalated to HardFault (FORCED) while UsageFault is disabled, on the same frame', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    take(m, EXC.PendSV);
    returnFromHandler(m, 0xffff_fff5 | 0);
    assert.equal(cpu.ipsr, EXC.HardFault);
    assert.ok(cpu.exc.cfsr & CFSR.INVPC);
    assert.ok(cpu.exc.hfsr & HFSR.FORCED);
    assert.equal(u32(cpu.r[14]), 0xffff_fff5);
    assert.equal(cpu.exc.active[EXC.PendSV], 0);
    assert.equal(cpu.r[13], STACK_TOP - 0x20, 'no second frame');
  });

  test('with UsageFault enabled an illegal EXC_RETURN enters the UsageFault handler', () => {
    const m = bootMachine();
    m.bus.write32(SHCSR, SHCSR_ENABLE.USGFAULT);
    take(m, EXC.PendSV);
    returnFromHandler(m, 0xffff_ff09 | 0);
    assert.equal(m.cpu.ipsr, EXC.UsageFault);
    assert.ok(m.cpu.exc.cfsr & CFSR.INVPC);
  });

  test('returning to thread mode with another exception active is INVPC unless CCR.NONBASETHRDENA', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    m.bus.write8(SHPR3 + 2, 0xf0);
    take(m, EXC.PendSV);
    take(m, EXC.SysTick);
    returnFromHandler(m, 0xffff_fff9 | 0);
    assert.equal(cpu.ipsr, EXC.HardFault);
    assert.ok(cpu.exc.cfsr & CFSR.INVPC);

    const m2 = bootMachine();
    m2.bus.write8(SHPR3 + 2, 0xf0);
    m2.cpu.exc.ccr |= CCR.NONBASETHRDENA;
    take(m2, EXC.PendSV);
    take(m2, EXC.SysTick);
    // The handler builds a thread-mode frame (IPSR 0) for the return.
    m2.bus.write32(m2.cpu.r[13] + 0x1c, 1 << 24);
    returnFromHandler(m2, 0xffff_fff9 | 0);
    assert.equal(m2.cpu.ipsr, 0);
    assert.equal(m2.cpu.exc.active[EXC.PendSV], 1, 'PendSV still active');
    assert.equal(m2.cpu.exc.executionPriority(), 0xf0);
  });

  test('returning to handler mode with a stacked IPSR of 0 is INVPC', () => {
    const m = bootMachine();
    take(m, EXC.PendSV);
    returnFromHandler(m, 0xffff_fff1 | 0);
    assert.equal(m.cpu.ipsr, EXC.HardFault);
    assert.ok(m.cpu.exc.cfsr & CFSR.INVPC);
  });
});

describe('priorities and masking', () => {
  test('pending interrupts are taken by priority, then number, and tail-chained without unstacking', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    enableIrq(m, 3, 0x80);
    enableIrq(m, 5, 0x40);
    enableIrq(m, 7, 0x40);
    cpu.primask = 1;
    for (const irq of [3, 5, 7]) cpu.exc.setPending(irq);
    m.run(0);
    assert.equal(cpu.ipsr, 0, 'PRIMASK holds them');
    cpu.primask = 0;
    m.run(0);
    const order = [cpu.ipsr];
    const sp = cpu.r[13];
    for (let i = 0; i < 2; i++) {
      returnFromHandler(m);
      order.push(cpu.ipsr);
      assert.equal(cpu.r[13], sp, 'tail-chained: same frame');
      assert.equal(u32(cpu.r[14]), 0xffff_fff9);
    }
    assert.deepEqual(order, [16 + 5, 16 + 7, 16 + 3]);
    returnFromHandler(m);
    assert.equal(cpu.ipsr, 0);
    assert.equal(cpu.r[13], STACK_TOP);
  });

  test('with PRIGROUP only the group priority preempts; the subpriority orders pending interrupts', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    m.bus.write32(AIRCR, 0x05fa_0000 | (5 << 8)); // group = bits [7:6], subpriority = bits [5:4]
    enableIrq(m, 0, 0x40);
    enableIrq(m, 1, 0x70);
    enableIrq(m, 2, 0x30);
    cpu.exc.setPending(1);
    m.run(0);
    assert.equal(cpu.ipsr, 17);
    cpu.exc.setPending(0);
    m.run(0);
    assert.equal(cpu.ipsr, 17, '0x40 is in the same group as 0x70: no preemption');
    cpu.exc.setPending(2);
    m.run(0);
    assert.equal(cpu.ipsr, 18, 'group 0 preempts group 1');
    returnFromHandler(m);
    assert.equal(cpu.ipsr, 17, 'IRQ0 still cannot preempt IRQ1');
    returnFromHandler(m);
    assert.equal(cpu.ipsr, 16, 'IRQ0 tail-chains when IRQ1 returns');

    const m2 = bootMachine();
    m2.bus.write32(AIRCR, 0x05fa_0000 | (5 << 8));
    enableIrq(m2, 4, 0x70);
    enableIrq(m2, 5, 0x40);
    m2.cpu.exc.setPending(4);
    m2.cpu.exc.setPending(5);
    m2.run(0);
    assert.equal(m2.cpu.ipsr, 21, 'lower subpriority first, whatever the number');
  });

  test('with PRIGROUP 0 every implemented priority bit is group priority', () => {
    const m = bootMachine();
    enableIrq(m, 1, 0x70);
    enableIrq(m, 0, 0x40);
    m.cpu.exc.setPending(1);
    m.run(0);
    m.cpu.exc.setPending(0);
    m.run(0);
    assert.equal(m.cpu.ipsr, 16);
  });

  test('PRIMASK masks every configurable exception but not NMI', () => {
    const m = bootMachine();
    m.cpu.primask = 1;
    take(m, EXC.SysTick);
    assert.equal(m.cpu.ipsr, 0);
    take(m, EXC.NMI);
    assert.equal(m.cpu.ipsr, EXC.NMI);
  });

  test('BASEPRI masks priorities at or below its value; its unimplemented low bits do nothing', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    enableIrq(m, 0, 0x40);
    enableIrq(m, 1, 0x30);
    cpu.basepri = 0x40;
    cpu.exc.setPending(0);
    m.run(0);
    assert.equal(cpu.ipsr, 0);
    cpu.exc.setPending(1);
    m.run(0);
    assert.equal(cpu.ipsr, 17);

    const m2 = bootMachine();
    enableIrq(m2, 0, 0xf0);
    m2.cpu.basepri = 0x08;
    m2.cpu.exc.setPending(0);
    m2.run(0);
    assert.equal(m2.cpu.ipsr, 16);
  });

  test('FAULTMASK holds even HardFault, lets NMI through, and is cleared by a return from anything but NMI', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    take(m, EXC.PendSV);
    cpu.faultmask = 1;
    take(m, EXC.HardFault);
    assert.equal(cpu.ipsr, EXC.PendSV);
    cpu.exc.unpend(EXC.HardFault);
    take(m, EXC.NMI);
    assert.equal(cpu.ipsr, EXC.NMI);
    returnFromHandler(m);
    assert.equal(cpu.faultmask, 1, 'kept on return from NMI');
    returnFromHandler(m);
    assert.equal(cpu.faultmask, 0, 'cleared on return from PendSV');
  });

  test('an interrupt pending but disabled is not taken until enabled', () => {
    const m = bootMachine();
    m.cpu.exc.setPending(9);
    m.run(0);
    assert.equal(m.cpu.ipsr, 0);
    enableIrq(m, 9, 0);
    m.run(0);
    assert.equal(m.cpu.ipsr, 16 + 9);
  });
});

describe('faults', () => {
  test('an enabled UsageFault is taken with the faulting instruction as return address and its CFSR bit set', () => {
    const m = bootMachine();
    m.bus.write32(SHCSR, SHCSR_ENABLE.USGFAULT);
    faultAt(m, THREAD_CODE + 8, CFSR.UNDEFINSTR);
    assert.equal(m.cpu.ipsr, EXC.UsageFault);
    assert.equal(frameAt(m, m.cpu.r[13])[6], THREAD_CODE + 8);
    assert.ok(m.cpu.exc.cfsr & CFSR.UNDEFINSTR);
    assert.equal(m.cpu.exc.hfsr, 0);
  });

  test('a disabled fault escalates to HardFault with HFSR.FORCED', () => {
    const m = bootMachine();
    faultAt(m, THREAD_CODE, CFSR.DIVBYZERO);
    assert.equal(m.cpu.ipsr, EXC.HardFault);
    assert.ok(m.cpu.exc.hfsr & HFSR.FORCED);
    assert.ok(m.cpu.exc.cfsr & CFSR.DIVBYZERO);
  });

  test('an enabled fault escalates when its priority cannot preempt (or PRIMASK is set)', () => {
    const m = bootMachine();
    m.bus.write32(SHCSR, SHCSR_ENABLE.USGFAULT);
    m.bus.write8(0xe000_ed18 + 2, 0x20); // UsageFault priority 0x20; SysTick stays 0
    take(m, EXC.SysTick);
    faultAt(m, handlerAddress(EXC.SysTick), CFSR.UNDEFINSTR);
    assert.equal(m.cpu.ipsr, EXC.HardFault);

    const m2 = bootMachine();
    m2.bus.write32(SHCSR, SHCSR_ENABLE.USGFAULT);
    m2.cpu.primask = 1;
    faultAt(m2, THREAD_CODE, CFSR.UNDEFINSTR);
    assert.equal(m2.cpu.ipsr, EXC.HardFault);
  });

  test('DACCVIOL and PRECISERR record the address in MMFAR/BFAR with MMARVALID/BFARVALID', () => {
    const m = bootMachine();
    const exc = m.cpu.exc;
    m.bus.write32(SHCSR, SHCSR_ENABLE.MEMFAULT | SHCSR_ENABLE.BUSFAULT);
    faultAt(m, THREAD_CODE, CFSR.DACCVIOL, 0x2000_1234);
    assert.equal(m.cpu.ipsr, EXC.MemManage);
    assert.equal(exc.mmfar, 0x2000_1234);
    assert.ok(exc.cfsr & CFSR.MMARVALID);
    faultAt(m, handlerAddress(EXC.MemManage), CFSR.PRECISERR, 0x6000_0000);
    assert.equal(m.cpu.ipsr, EXC.HardFault, 'BusFault priority 0 cannot preempt MemManage priority 0');
    assert.equal(exc.bfar, 0x6000_0000);
    assert.ok(exc.cfsr & CFSR.BFARVALID);
  });

  test('an imprecise bus error pends BusFault, taken when its priority allows', () => {
    const m = bootMachine();
    m.bus.write32(SHCSR, SHCSR_ENABLE.BUSFAULT);
    m.cpu.primask = 1;
    m.cpu.exc.takeFault(CFSR.IMPRECISERR, -1);
    assert.equal(m.cpu.exc.pending[EXC.BusFault], 1);
    m.run(0);
    assert.equal(m.cpu.ipsr, 0);
    m.cpu.primask = 0;
    m.run(0);
    assert.equal(m.cpu.ipsr, EXC.BusFault);
  });

  test('a handler that fixes the stacked PC returns past the faulting instruction', () => {
    const m = bootMachine();
    m.bus.write32(SHCSR, SHCSR_ENABLE.USGFAULT);
    faultAt(m, THREAD_CODE + 4, CFSR.UNDEFINSTR);
    const frame = m.cpu.r[13];
    m.bus.write32(frame + 0x18, read32(m, frame + 0x18) + 2);
    returnFromHandler(m);
    assert.equal(m.cpu.ipsr, 0);
    assert.equal(m.cpu.npc, THREAD_CODE + 6);
    assert.equal(m.cpu.r[13], STACK_TOP);
  });

  test('a fault in the HardFault handler locks up: halted, PC 0xFFFFFFFE, run returns lockup', () => {
    const m = bootMachine();
    faultAt(m, THREAD_CODE, CFSR.UNDEFINSTR);
    faultAt(m, handlerAddress(EXC.HardFault), CFSR.UNDEFINSTR);
    assert.equal(m.cpu.exc.lockedUp, true);
    assert.equal(m.cpu.halted, true);
    assert.equal(u32(m.cpu.pc), 0xffff_fffe);
    assert.equal(m.run(100), 'lockup');
  });

  test('an NMI ends a lockup at HardFault priority and stacks the lockup address', () => {
    const m = bootMachine();
    faultAt(m, THREAD_CODE, CFSR.UNDEFINSTR);
    faultAt(m, handlerAddress(EXC.HardFault), CFSR.UNDEFINSTR);
    m.cpu.exc.pend(EXC.NMI);
    assert.equal(m.run(0), 'budget');
    assert.equal(m.cpu.ipsr, EXC.NMI);
    assert.equal(frameAt(m, m.cpu.r[13])[6], 0xffff_fffe);
  });

  test('SVC takes SVCall with the next instruction as return address', () => {
    const m = bootMachine();
    m.cpu.pc = THREAD_CODE;
    m.cpu.npc = THREAD_CODE + 2;
    m.cpu.exc.svc();
    assert.equal(m.cpu.ipsr, EXC.SVCall);
    assert.equal(frameAt(m, m.cpu.r[13])[6], THREAD_CODE + 2);
  });

  test('SVC at a priority that cannot preempt escalates to HardFault (FORCED); in HardFault it locks up', () => {
    const m = bootMachine();
    m.bus.write8(0xe000_ed1c + 3, 0x40); // SVCall priority 0x40
    take(m, EXC.PendSV); // priority 0
    m.cpu.exc.svc();
    assert.equal(m.cpu.ipsr, EXC.HardFault);
    assert.ok(m.cpu.exc.hfsr & HFSR.FORCED);
    m.cpu.exc.svc();
    assert.equal(m.cpu.exc.lockedUp, true);
  });

  test('BKPT with no debugger is a HardFault with HFSR.DEBUGEVT that returns to the BKPT', () => {
    const m = bootMachine();
    m.cpu.pc = THREAD_CODE + 2;
    m.cpu.npc = THREAD_CODE + 4;
    m.cpu.exc.bkpt(0);
    assert.equal(m.cpu.ipsr, EXC.HardFault);
    assert.ok(m.cpu.exc.hfsr & HFSR.DEBUGEVT);
    assert.equal(m.cpu.exc.hfsr & HFSR.FORCED, 0);
    assert.equal(frameAt(m, m.cpu.r[13])[6], THREAD_CODE + 2);
  });

  test('BKPT with DEMCR.MON_EN enters the DebugMonitor handler', () => {
    const m = bootMachine();
    m.bus.write32(0xe000_edfc, 1 << 16);
    m.cpu.pc = THREAD_CODE;
    m.cpu.exc.bkpt(1);
    assert.equal(m.cpu.ipsr, EXC.DebugMonitor);
  });

  test('a bus error stacking the frame sets STKERR; the escalated HardFault runs first and the exception stays pending', () => {
    const m = bootMachine();
    m.cpu.r[13] = 0x3000_0000; // nothing there
    take(m, EXC.PendSV);
    assert.equal(m.cpu.ipsr, EXC.HardFault);
    assert.ok(m.cpu.exc.cfsr & CFSR.STKERR);
    assert.ok(m.cpu.exc.hfsr & HFSR.FORCED);
    assert.equal(m.cpu.exc.pending[EXC.PendSV], 1);

    const m2 = bootMachine();
    m2.bus.write32(SHCSR, SHCSR_ENABLE.BUSFAULT);
    m2.cpu.r[13] = 0x3000_0000;
    take(m2, EXC.PendSV);
    assert.equal(m2.cpu.ipsr, EXC.BusFault, 'same priority: the lower number first');
  });

  test('a bus error unstacking is UNSTKERR, taken on return with LR keeping EXC_RETURN', () => {
    const m = bootMachine();
    take(m, EXC.PendSV);
    m.cpu.r[13] = 0x3000_0000;
    returnFromHandler(m);
    assert.equal(m.cpu.ipsr, EXC.HardFault);
    assert.ok(m.cpu.exc.cfsr & CFSR.UNSTKERR);
    assert.equal(u32(m.cpu.r[14]), 0xffff_fff9);
  });

  test('a vector that cannot be read is a HardFault with HFSR.VECTTBL', () => {
    const m = bootMachine();
    const table = 0x2001_fe00;
    // A memory whose first 16 words exist and the rest does not.
    const partial: BusHandler = {
      read: (address) => (address < table + 0x40 ? handlerAddress((address - table) >> 2) | 1 : busError(address, false)),
      write: (address) => busError(address, true),
    };
    m.bus.mapHandler(0x2001_f000, 0x1000, partial);
    m.bus.write32(VTOR, table);
    enableIrq(m, 0, 0);
    m.cpu.exc.setPending(0);
    m.run(0);
    assert.equal(m.cpu.ipsr, EXC.HardFault);
    assert.ok(m.cpu.exc.hfsr & HFSR.VECTTBL);
    assert.equal(m.cpu.exc.active[16], 0);
  });

  test('when the HardFault vector cannot be read either, the core locks up', () => {
    const m = bootMachine();
    m.bus.write32(VTOR, 0x0010_0000); // nothing mapped there
    take(m, EXC.PendSV);
    assert.ok(m.cpu.exc.hfsr & HFSR.VECTTBL);
    assert.equal(m.run(1), 'lockup');
  });

  test('a vector with bit 0 clear enters the handler with EPSR.T = 0: its first instruction is an INVSTATE UsageFault', () => {
    const m = bootMachine();
    m.bus.write32(SRAM + 4 * EXC.PendSV, handlerAddress(EXC.PendSV));
    take(m, EXC.PendSV);
    assert.equal(m.cpu.pendingInvState, true);
    m.run(0);
    assert.equal(m.cpu.ipsr, EXC.HardFault);
    assert.ok(m.cpu.exc.cfsr & CFSR.INVSTATE);
  });
});

describe('vector table and interrupt lines', () => {
  test('VTOR relocates the vector table: exception n is fetched from VTOR + 4n', () => {
    const m = bootMachine();
    const table = 0x2000_4000;
    writeVectorTable(m, table, (n) => 0x2000_5000 + 0x10 * n);
    m.bus.write32(VTOR, table);
    take(m, EXC.PendSV);
    assert.equal(m.cpu.npc, 0x2000_5000 + 0x10 * EXC.PendSV);
    returnFromHandler(m);
    enableIrq(m, 81, 0);
    m.cpu.exc.setPending(81);
    m.run(0);
    assert.equal(m.cpu.npc, 0x2000_5000 + 0x10 * (16 + 81));
  });

  test('a level-sensitive line still high when the handler returns pends the interrupt again', () => {
    const m = bootMachine();
    const exc = m.cpu.exc;
    enableIrq(m, 6, 0);
    exc.setIrqLevel(6, true);
    m.run(0);
    assert.equal(m.cpu.ipsr, 22);
    assert.equal(exc.pending[22], 0, 'entry clears pending');
    returnFromHandler(m);
    assert.equal(m.cpu.ipsr, 22, 'held high: taken again');
    exc.setIrqLevel(6, false);
    returnFromHandler(m);
    assert.equal(m.cpu.ipsr, 0);
  });

  test('a pulse on an interrupt line pends it once', () => {
    const m = bootMachine();
    enableIrq(m, 7, 0);
    m.cpu.exc.setIrqLevel(7, true);
    m.cpu.exc.setIrqLevel(7, false);
    m.run(0);
    assert.equal(m.cpu.ipsr, 23);
    returnFromHandler(m);
    assert.equal(m.cpu.ipsr, 0);
    assert.equal(m.cpu.exc.pending[23], 0);
  });

  test('peripherals drive interrupt lines through the machine context', () => {
    const m = bootMachine();
    enableIrq(m, 38, 0);
    m.context.setIrq(38, true);
    m.run(0);
    assert.equal(m.cpu.ipsr, 16 + 38);
  });
});

describe('sleep', () => {
  test('SLEEPONEXIT: returning to thread mode from the last handler sleeps until the next interrupt', () => {
    const m = bootMachine();
    m.bus.write32(SCR_ADDRESS, SCR.SLEEPONEXIT);
    m.cpu.npc = THREAD_CODE + 2;
    take(m, EXC.PendSV);
    returnFromHandler(m);
    assert.equal(m.cpu.ipsr, 0);
    assert.equal(m.cpu.sleeping, true);
    assert.equal(m.run(10), 'sleep');
    enableIrq(m, 4, 0);
    m.cpu.exc.setPending(4);
    m.run(0);
    assert.equal(m.cpu.ipsr, 20);
    assert.equal(m.cpu.sleeping, false);
    assert.equal(frameAt(m, m.cpu.r[13])[6], THREAD_CODE + 2);
  });

  test('WFI wakes on an interrupt that PRIMASK masks (without taking it), not on a disabled one', () => {
    const m = bootMachine();
    m.cpu.primask = 1;
    m.cpu.sleeping = true;
    m.cpu.exc.setPending(2); // disabled
    assert.equal(m.run(10), 'sleep');
    enableIrq(m, 2, 0);
    m.run(0);
    assert.equal(m.cpu.sleeping, false);
    assert.equal(m.cpu.ipsr, 0);
  });

  test('WFE wakes on a pend of a disabled interrupt when SCR.SEVONPEND is set, consuming the event; WFI does not', () => {
    for (const [instruction, wakes] of [[0xbf20, true], [0xbf30, false]] as const) {
      const m = bootMachine();
      m.bus.write16(THREAD_CODE, instruction);
      m.cpu.pc = THREAD_CODE;
      m.cpu.eventRegister = 0;
      m.cpu.sleeping = true;
      m.bus.write32(SCR_ADDRESS, SCR.SEVONPEND);
      m.cpu.exc.setPending(9);
      m.run(0);
      assert.equal(m.cpu.sleeping, !wakes, instruction.toString(16));
      if (wakes) assert.equal(m.cpu.eventRegister, 0);
    }
  });
});

describe('lazy FP stacking', () => {
  function fpThread(m: Machine): void {
    const cpu = m.cpu;
    cpu.control = CONTROL_FPCA;
    for (let i = 0; i < 32; i++) cpu.s[i] = i + 0.5;
    cpu.fpscr = 0x0040_0000;
  }

  test('with CONTROL.FPCA the 26-word frame is reserved, FPCAR points at its FP area and LR is 0xFFFFFFE9', () => {
    const m = bootMachine();
    const exc = m.cpu.exc;
    fpThread(m);
    take(m, EXC.PendSV);
    const frame = STACK_TOP - 0x68;
    assert.equal(m.cpu.r[13], frame);
    assert.equal(u32(m.cpu.r[14]), 0xffff_ffe9);
    assert.equal(exc.fpcar, frame + 0x20);
    assert.equal(exc.fpccr & (FPCCR.LSPACT | FPCCR.THREAD | FPCCR.HFRDY | FPCCR.USER), FPCCR.LSPACT | FPCCR.THREAD | FPCCR.HFRDY);
    assert.equal(read32(m, frame + 0x20), 0, 'S0 not written yet (lazy)');
    assert.equal(m.cpu.control & CONTROL_FPCA, 0, 'no FP context in the handler yet');
    assert.equal(exc.fpPending, 1);
  });

  test('the first FP instruction of the handler writes S0-S15 and FPSCR into the reserved area and starts a new context', () => {
    const m = bootMachine();
    const cpu = m.cpu;
    const exc = cpu.exc;
    fpThread(m);
    take(m, EXC.PendSV);
    const saved = Array.from(cpu.sw.subarray(0, 16), (w) => w >>> 0);
    exc.preserveFpState();
    assert.deepEqual(Array.from({ length: 16 }, (_, i) => read32(m, exc.fpcar + 4 * i)), saved);
    assert.equal(read32(m, exc.fpcar + 0x40), 0x0040_0000);
    assert.equal(exc.fpccr & FPCCR.LSPACT, 0);
    assert.equal(cpu.control & CONTROL_FPCA, CONTROL_FPCA);
    assert.equal(exc.fpPending, 0);
    cpu.s.fill(-1);
    cpu.fpscr = 0;
    returnFromHandler(m);
    assert.deepEqual(Array.from(cpu.sw.subarray(0, 16), (w) => w >>> 0), saved);
    assert.equal(cpu.fpscr, 0x0040_0000);
    assert.equal(cpu.control & CONTROL_FPCA, CONTROL_FPCA);
    assert.equal(cpu.r[13], STACK_TOP);
  });

  test('a handler that never used the FPU returns with LSPACT still set: the registers are kept, nothing is read back', () => {
    const m = bootMachine();
    fpThread(m);
    take(m, EXC.PendSV);
    m.bus.write32(m.cpu.exc.fpcar, 0x1234); // garbage in the reserved area must not be loaded
    returnFromHandler(m);
    assert.equal(m.cpu.s[0], 0.5);
    assert.equal(m.cpu.exc.fpccr & FPCCR.LSPACT, 0);
  });

  test('with FPCCR.LSPEN clear the FP registers are stacked at entry', () => {
    const m = bootMachine();
    m.bus.write32(FPCCR_ADDRESS, FPCCR.ASPEN);
    fpThread(m);
    take(m, EXC.PendSV);
    const frame = STACK_TOP - 0x68;
    assert.equal(read32(m, frame + 0x20), m.cpu.sw[0] >>> 0);
    assert.equal(read32(m, frame + 0x20 + 4 * 15), m.cpu.sw[15] >>> 0);
    assert.equal(read32(m, frame + 0x60), 0x0040_0000);
    assert.equal(m.cpu.exc.fpccr & FPCCR.LSPACT, 0);
  });

  test('an exception taken in a handler with an FP context gets EXC_RETURN 0xFFFFFFE1', () => {
    const m = bootMachine();
    m.bus.write8(SHPR3 + 2, 0xf0);
    take(m, EXC.PendSV);
    m.cpu.control |= CONTROL_FPCA;
    take(m, EXC.SysTick);
    assert.equal(u32(m.cpu.r[14]), 0xffff_ffe1);
  });

  test('a new FP context takes its FPSCR mode bits from FPDSCR', () => {
    const m = bootMachine();
    m.bus.write32(FPDSCR_ADDRESS, 0x0340_0000);
    take(m, EXC.PendSV);
    m.cpu.fpscr = 0xf000_0000 | 0;
    assert.equal(m.cpu.exc.fpPending, 1);
    m.cpu.exc.preserveFpState();
    assert.equal(u32(m.cpu.fpscr), 0xf340_0000);
  });
});

const decodes = (...hws: number[]): boolean => hws.every((hw) => encodingName(hw, 0) !== undefined);

describe('with instructions', () => {
  test('SVC #0 enters SVCall and BX LR in the handler returns after the SVC', { skip: !decodes(0xdf00, 0x4770, 0xe7fe) && 'the 16-bit decoder does not decode SVC/BX/B yet' }, () => {
    const m = bootMachine();
    m.bus.write16(THREAD_CODE, 0xdf00);
    m.bus.write16(THREAD_CODE + 2, 0xe7fe);
    m.bus.write16(handlerAddress(EXC.SVCall), 0x4770);
    m.run(2);
    assert.equal(m.cpu.ipsr, 0);
    assert.equal(m.cpu.npc, THREAD_CODE + 2);
    assert.equal(m.cpu.exc.active[EXC.SVCall], 0);
    assert.equal(m.cpu.r[13], STACK_TOP);
  });

  test('WFI sleeps until the SysTick interrupt, whose handler returns to the next instruction', { skip: !decodes(0xbf30, 0x4770, 0xe7fe) && 'the 16-bit decoder does not decode WFI/BX/B yet' }, () => {
    const m = bootMachine();
    m.bus.write16(THREAD_CODE, 0xbf30);
    m.bus.write16(THREAD_CODE + 2, 0xe7fe);
    m.bus.write16(handlerAddress(EXC.SysTick), 0x4770);
    m.bus.write32(0xe000_e014, 999);
    m.bus.write32(0xe000_e010, 7);
    m.run(2);
    assert.ok(m.scheduler.cycles >= 1000);
    assert.equal(m.cpu.ipsr, 0);
    assert.equal(m.cpu.npc, THREAD_CODE + 2);
  });
});

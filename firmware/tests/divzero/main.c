/*
 * tests/divzero: SDIV/UDIV by zero (ARMv7-M ARM §A7.7.127, §A7.7.195; PM0214 §4.4.7 CCR).
 *
 * - CCR.DIV_0_TRP = 0 (reset): the quotient is 0, no exception.
 * - CCR.DIV_0_TRP = 1, UsageFault enabled: UsageFault with CFSR.DIVBYZERO; the handler records it,
 *   clears the flag and steps over the divide, whose destination register keeps its old value.
 * - CCR.DIV_0_TRP = 1, UsageFault disabled: the fault escalates to HardFault (HFSR.FORCED) and
 *   CFSR.DIVBYZERO is still set; the HardFault handler recovers the same way.
 */
#include <stdint.h>
#include "check.h"
#include "fault.h"
#include "stm32f407-regs.h"

static volatile uint32_t usage_faults, hard_faults;
static volatile uint32_t seen_cfsr, seen_hfsr, seen_ipsr;

static void record_and_skip(ExceptionFrame *frame, volatile uint32_t *counter)
{
  *counter += 1;
  seen_cfsr = SCB_CFSR;
  seen_hfsr = SCB_HFSR;
  seen_ipsr = get_ipsr();
  SCB_CFSR = seen_cfsr; /* write 1 to clear what we saw */
  SCB_HFSR = seen_hfsr;
  frame_skip_instruction(frame);
}

void usage_fault(ExceptionFrame *frame) { record_and_skip(frame, &usage_faults); }
void hard_fault(ExceptionFrame *frame) { record_and_skip(frame, &hard_faults); }
FRAME_HANDLER(UsageFault_Handler, usage_fault)
FRAME_HANDLER(HardFault_Handler, hard_fault)

/* The divides run as single instructions with a known destination, preset to a marker. */
static uint32_t sdiv_marked(int32_t n, int32_t d)
{
  uint32_t q = 0xA5A5A5A5u;
  __asm__ volatile("sdiv %0, %1, %2" : "+r"(q) : "r"(n), "r"(d) : "memory");
  return q;
}

static uint32_t udiv_marked(uint32_t n, uint32_t d)
{
  uint32_t q = 0xA5A5A5A5u;
  __asm__ volatile("udiv %0, %1, %2" : "+r"(q) : "r"(n), "r"(d) : "memory");
  return q;
}

static void without_trap(void)
{
  check_u32("CCR.DIV_0_TRP after reset", SCB_CCR & CCR_DIV_0_TRP, 0u);
  check_u32("sdiv 7 / 0 without trap", sdiv_marked(OPAQUE(7), OPAQUE(0)), 0u);
  check_u32("sdiv INT32_MIN / 0 without trap", sdiv_marked(OPAQUE(INT32_MIN), OPAQUE(0)), 0u);
  check_u32("udiv 0xFFFFFFFF / 0 without trap", udiv_marked(OPAQUE(0xFFFFFFFFu), OPAQUE(0u)), 0u);
  check_u32("no fault taken", usage_faults + hard_faults, 0u);
}

static void with_usage_fault(void)
{
  SCB_SHCSR |= SHCSR_USGFAULTENA;
  SCB_CCR |= CCR_DIV_0_TRP;
  dsb();
  isb();
  check_u32("sdiv 7 / 0 with trap leaves Rd", sdiv_marked(OPAQUE(7), OPAQUE(0)), 0xA5A5A5A5u);
  check_u32("UsageFault taken", usage_faults, 1u);
  check_u32("CFSR in UsageFault", seen_cfsr, CFSR_DIVBYZERO);
  check_u32("IPSR in UsageFault", seen_ipsr, 6u);
  check_u32("udiv 1 / 0 with trap leaves Rd", udiv_marked(OPAQUE(1u), OPAQUE(0u)), 0xA5A5A5A5u);
  check_u32("UsageFault taken again", usage_faults, 2u);
  check_u32("sdiv -9 / 2 with trap still divides", sdiv_marked(OPAQUE(-9), OPAQUE(2)), (uint32_t)-4);
  check_u32("no more faults", usage_faults, 2u);
  check_u32("CFSR cleared by the handler", SCB_CFSR, 0u);
}

static void escalated_to_hard_fault(void)
{
  SCB_SHCSR &= ~SHCSR_USGFAULTENA;
  dsb();
  isb();
  check_u32("udiv 5 / 0 with UsageFault disabled leaves Rd", udiv_marked(OPAQUE(5u), OPAQUE(0u)), 0xA5A5A5A5u);
  check_u32("HardFault taken", hard_faults, 1u);
  check_u32("HFSR in HardFault", seen_hfsr, HFSR_FORCED);
  check_u32("CFSR in HardFault", seen_cfsr, CFSR_DIVBYZERO);
  check_u32("IPSR in HardFault", seen_ipsr, 3u);
  SCB_CCR &= ~CCR_DIV_0_TRP;
  dsb();
  isb();
  check_u32("sdiv 3 / 0 after clearing DIV_0_TRP", sdiv_marked(OPAQUE(3), OPAQUE(0)), 0u);
  check_u32("UsageFaults in total", usage_faults, 2u);
  check_u32("HardFaults in total", hard_faults, 1u);
}

int main(void)
{
  without_trap();
  with_usage_fault();
  escalated_to_hard_fault();
  return check_summary("divzero");
}

/*
 * BusFault-guarded reads (PM0214 §4.4.9 SHCSR.BUSFAULTENA, §4.4.15 BFSR). With the BusFault
 * exception enabled, a precise data bus error enters BusFault_Handler with the load's address as
 * the stacked PC; the handler steps over it and the probe returns 0.
 */
#include "probe.h"
#include "fault.h"
#include "stm32f407-regs.h"

static volatile int probing;
static volatile int probe_faulted;

void probe_bus_fault(ExceptionFrame *frame)
{
  if (!probing) {
    for (;;) {
    } /* a real bus fault outside a probe: stay here */
  }
  probe_faulted = 1;
  SCB_CFSR = SCB_CFSR & 0xFF00u; /* clear the BFSR bits we saw (write 1 to clear) */
  frame_skip_instruction(frame);
}

FRAME_HANDLER(BusFault_Handler, probe_bus_fault)

static int probe(uint32_t address, uint32_t *value, int halfword)
{
  uint32_t shcsr = SCB_SHCSR;
  uint32_t v = 0;
  SCB_SHCSR = shcsr | SHCSR_BUSFAULTENA;
  dsb();
  isb();
  probe_faulted = 0;
  probing = 1;
  if (halfword)
    __asm__ volatile("ldrh %0, [%1]" : "=r"(v) : "r"(address) : "memory");
  else
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(address) : "memory");
  probing = 0;
  SCB_SHCSR = shcsr;
  dsb();
  isb();
  *value = v;
  return !probe_faulted;
}

int probe_read32(uint32_t address, uint32_t *value) { return probe(address, value, 0); }
int probe_read16(uint32_t address, uint32_t *value) { return probe(address, value, 1); }

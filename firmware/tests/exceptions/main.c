/*
 * tests/exceptions: the NVIC, system exceptions and faults as firmware uses them (PM0214 §2.3,
 * §4.3 NVIC, §4.4 SCB, §4.5 SysTick).
 *
 * 1. Nested priorities: a low-priority IRQ (pended through STIR) is preempted by a high one
 *    (pended through ISPR); a middle one pended inside the high handler waits for it, then
 *    preempts the low one; an equal-priority one waits until the low handler returns.
 * 2. Pending order and masking: equal priorities run lowest IRQ number first; PRIMASK holds
 *    everything back; BASEPRI holds back only priorities at or below its level.
 * 3. SVC with an immediate read back from the instruction.
 * 4. BusFaults from reading reserved addresses (the first byte past SRAM, past CCM), caught with
 *    BusFault enabled: the handler records CFSR/BFAR, steps over the load and returns.
 * 5. Threads: main, task A and task B run on the process stack; PendSV switches them
 *    (switch.S). First cooperatively (yield = pend PendSV), then task A spins without yielding
 *    until task B has run, which only a SysTick-driven preemption can bring about. Task A holds
 *    values in s0 and s16 across that preemption while task B overwrites both: s0 comes back
 *    from the core's extended exception frame, s16 from PendSV.
 *
 * Output is independent of timing: only the order of events and their outcomes are printed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "fault.h"
#include "stm32f407-regs.h"

/* ---- 1 and 2: nested interrupts ---------------------------------------------------------- */

#define IRQ_LOW EXTI0_IRQn
#define IRQ_MID EXTI1_IRQn
#define IRQ_HIGH EXTI2_IRQn
#define IRQ_EQUAL EXTI3_IRQn /* same priority as IRQ_LOW */
#define IRQ_FIRST EXTI4_IRQn /* two of equal priority, for the pending-order test */
#define IRQ_SECOND EXTI9_5_IRQn

static char event_log[32];
static volatile unsigned event_count;
static volatile uint32_t high_saw_ipsr, high_saw_low_active, high_saw_mid_pending, low_saw_equal_pending;

static void log_event(char c)
{
  if (event_count < sizeof event_log - 1) event_log[event_count++] = c;
}

static void clear_log(void)
{
  event_count = 0;
  for (unsigned i = 0; i < sizeof event_log; i++) event_log[i] = 0;
}

void EXTI0_IRQHandler(void) /* low */
{
  log_event('L');
  nvic_set_pending(IRQ_EQUAL);
  low_saw_equal_pending = (uint32_t)nvic_is_pending(IRQ_EQUAL);
  NVIC_STIR = IRQ_HIGH;
  dsb();
  isb();
  log_event('l');
}

void EXTI2_IRQHandler(void) /* high */
{
  log_event('H');
  high_saw_ipsr = get_ipsr();
  high_saw_low_active = (uint32_t)nvic_is_active(IRQ_LOW);
  nvic_set_pending(IRQ_MID);
  high_saw_mid_pending = (uint32_t)nvic_is_pending(IRQ_MID);
  log_event('h');
}

void EXTI1_IRQHandler(void) { log_event('M'); }
void EXTI3_IRQHandler(void) { log_event('E'); }
void EXTI4_IRQHandler(void) { log_event('4'); }
void EXTI9_5_IRQHandler(void) { log_event('9'); }

static void set_priority(uint32_t irq, uint8_t priority)
{
  NVIC_IPR(irq) = priority;
  nvic_enable(irq);
}

static void nested_priorities(void)
{
  set_priority(IRQ_LOW, 0xC0);
  set_priority(IRQ_EQUAL, 0xC0);
  set_priority(IRQ_MID, 0x80);
  set_priority(IRQ_HIGH, 0x40);
  clear_log();
  NVIC_STIR = IRQ_LOW;
  dsb();
  isb();
  printf("nested interrupts: %s\n", event_log);
  /* L: low enters; H/h: high preempts and leaves, pending mid; M: mid preempts low; l: low
   * leaves; E: the equal-priority one, pended in low, runs last. */
  check_true("order LHhMlE", strcmp(event_log, "LHhMlE") == 0);
  check_u32("IPSR in the high handler", high_saw_ipsr, 16u + IRQ_HIGH);
  check_u32("low handler active under the high one", high_saw_low_active, 1u);
  check_u32("mid pending inside the high handler", high_saw_mid_pending, 1u);
  check_u32("equal priority stays pending inside the low handler", low_saw_equal_pending, 1u);
}

static void pending_order_and_masks(void)
{
  set_priority(IRQ_FIRST, 0xA0);
  set_priority(IRQ_SECOND, 0xA0);

  clear_log();
  __asm__ volatile("cpsid i" ::: "memory");
  nvic_set_pending(IRQ_SECOND);
  nvic_set_pending(IRQ_FIRST);
  check_u32("PRIMASK holds both back", event_count, 0u);
  __asm__ volatile("cpsie i" ::: "memory");
  isb();
  printf("equal priorities, pended 9 then 4: %s\n", event_log);
  check_true("lowest IRQ number first", strcmp(event_log, "49") == 0);

  clear_log();
  __asm__ volatile("msr basepri, %0" ::"r"(0x80u) : "memory");
  isb();
  nvic_set_pending(IRQ_LOW);  /* 0xC0: masked */
  nvic_set_pending(IRQ_MID);  /* 0x80: masked (BASEPRI masks priority values >= its own) */
  nvic_set_pending(IRQ_HIGH); /* 0x40: taken */
  check_true("BASEPRI 0x80 lets only the high IRQ through", strcmp(event_log, "Hh") == 0);
  __asm__ volatile("msr basepri, %0" ::"r"(0u) : "memory");
  isb();
  printf("BASEPRI 0x80, pend low, mid, high; then BASEPRI 0: %s\n", event_log);
  /* Unmasked: mid (pended twice, runs once), then low, which nests high and mid as in test 1. */
  check_true("then mid, then low with its nested ones", strcmp(event_log, "HhMLHhMlE") == 0);
}

/* ---- 3: SVC ------------------------------------------------------------------------------ */

/* SVC #imm returns r0 + imm: the immediate is the low byte of the SVC instruction before the
 * stacked PC (PM0214 §2.3.2). */
void svc_handler(ExceptionFrame *frame)
{
  uint8_t imm = *(const uint8_t *)(frame->pc - 2u);
  frame->r0 += imm;
}
FRAME_HANDLER(SVC_Handler, svc_handler)

static uint32_t svc_add_5(uint32_t x)
{
  register uint32_t r0 __asm__("r0") = x;
  __asm__ volatile("svc #5" : "+r"(r0) : : "memory");
  return r0;
}

/* ---- 4: BusFault --------------------------------------------------------------------------- */

static volatile uint32_t bus_faults, bus_cfsr, bus_bfar;

void bus_fault(ExceptionFrame *frame)
{
  bus_faults++;
  bus_cfsr = SCB_CFSR;
  bus_bfar = SCB_BFAR;
  SCB_CFSR = bus_cfsr;
  frame_skip_instruction(frame);
}
FRAME_HANDLER(BusFault_Handler, bus_fault)

/* Reads a reserved address with BusFault enabled; the handler steps over the load. */
static void bus_fault_recovery(const char *where, uint32_t address)
{
  char what[96];
  uint32_t value = 0x5A5A5A5Au;
  uint32_t faults_before = bus_faults;
  bus_cfsr = bus_bfar = 0;
  SCB_SHCSR |= SHCSR_BUSFAULTENA;
  dsb();
  isb();
  __asm__ volatile("ldr %0, [%1]" : "+r"(value) : "r"(address) : "memory");
  snprintf(what, sizeof what, "read of %s (0x%08lx) raised a BusFault", where, (unsigned long)address);
  check_u32(what, bus_faults - faults_before, 1u);
  check_u32("  CFSR: PRECISERR | BFARVALID", bus_cfsr, CFSR_PRECISERR | CFSR_BFARVALID);
  check_u32("  BFAR", bus_bfar, address);
  check_u32("  the skipped load left its register", value, 0x5A5A5A5Au);
  check_u32("  CFSR cleared by the handler", SCB_CFSR, 0u);
}

/* ---- 5: threads ---------------------------------------------------------------------------- */

void call_on_psp(void (*function)(void), uint32_t *process_stack_top);

enum { TASK_MAIN, TASK_A, TASK_B, TASKS };
#define STACK_WORDS 512

static uint32_t stacks[TASKS][STACK_WORDS] __attribute__((aligned(8)));
static uint32_t saved_sp[TASKS];
static uint32_t saved_exc_return[TASKS];
static volatile unsigned current;
static volatile uint32_t switches, ticks;
static char trail[32];
static volatile unsigned trail_length;
static volatile uint32_t b_runs;
static volatile int a_done, b_done;
static volatile uint32_t a_s0, a_s16, a_preempted_exc_return;

/* Called by PendSV_Handler with the running task's saved context; returns the next task's. */
uint32_t scheduler_switch(uint32_t context)
{
  saved_sp[current] = context;
  saved_exc_return[current] = ((const uint32_t *)context)[8];
  current = (current + 1u) % TASKS;
  switches++;
  return saved_sp[current];
}

void SysTick_Handler(void)
{
  ticks++;
  SCB_ICSR = ICSR_PENDSVSET;
}

static void yield(void)
{
  SCB_ICSR = ICSR_PENDSVSET;
  dsb();
  isb();
}

static void mark(char c)
{
  if (trail_length < sizeof trail - 1) trail[trail_length++] = c;
}

static void task_exit(void)
{
  for (;;) yield();
}

/* Holds two FP values in s0 and s16 until task B has run, then reads them back. */
static void task_a(void)
{
  for (int i = 0; i < 3; i++) {
    mark('a');
    yield();
  }
  uint32_t s0 = 0x3F8CCCCDu /* 1.1f */, s16 = 0x40066666u /* 2.1f */;
  uint32_t snapshot = b_runs;
  __asm__ volatile("vmov s0, %[s0]\n\t"
                   "vmov s16, %[s16]\n\t"
                   "1: ldr r12, [%[runs]]\n\t"
                   "cmp r12, %[snapshot]\n\t"
                   "beq 1b\n\t"
                   "vmov %[s0], s0\n\t"
                   "vmov %[s16], s16"
                   : [s0] "+r"(s0), [s16] "+r"(s16)
                   : [runs] "r"(&b_runs), [snapshot] "r"(snapshot)
                   : "r12", "s0", "s16", "cc", "memory");
  a_s0 = s0;
  a_s16 = s16;
  a_preempted_exc_return = saved_exc_return[TASK_A];
  a_done = 1;
}

/* Overwrites s0 and s16 every time it runs. */
static void task_b(void)
{
  for (int i = 0; i < 3; i++) {
    mark('b');
    yield();
  }
  while (!a_done) {
    __asm__ volatile("vmov s0, %0\n\tvmov s16, %0" : : "r"(0xDEADBEEFu) : "s0", "s16");
    b_runs++;
    yield();
  }
  b_done = 1;
}

/* An exception frame as if the task had been interrupted just before its first instruction. */
static void create_task(unsigned task, void (*entry)(void))
{
  uint32_t *sp = &stacks[task][STACK_WORDS];
  *--sp = 0x01000000u;                             /* xPSR: Thumb */
  *--sp = (uint32_t)(uintptr_t)entry & ~1u;        /* PC (bit 0 clear on exception return) */
  *--sp = (uint32_t)(uintptr_t)task_exit;          /* LR */
  for (int i = 0; i < 5; i++) *--sp = 0;           /* R12, R3-R0 */
  *--sp = 0xFFFFFFFDu;                             /* EXC_RETURN: thread mode, PSP, basic frame */
  for (int i = 0; i < 8; i++) *--sp = 0;           /* R11-R4 */
  saved_sp[task] = (uint32_t)(uintptr_t)sp;
}

static void threads_main(void)
{
  check_u32("CONTROL.SPSEL in the main task", get_control() & 2u, 2u);
  for (int i = 0; i < 3; i++) {
    mark('m');
    yield();
  }
  /* Now the tasks need preemption: task A spins until task B has run. */
  SYST_RVR = 20000u - 1u;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
  while (!(a_done && b_done)) yield();
  SYST_CSR = 0;
}

static void threads(void)
{
  SCB_SHPR(EXC_PENDSV) = 0xF0;  /* lowest: switches happen when no handler runs */
  SCB_SHPR(EXC_SYSTICK) = 0xE0;
  create_task(TASK_A, task_a);
  create_task(TASK_B, task_b);
  current = TASK_MAIN;
  call_on_psp(threads_main, &stacks[TASK_MAIN][STACK_WORDS]);

  check_u32("back on MSP after the threads", get_control() & 2u, 0u);
  printf("cooperative order: %s\n", trail);
  check_true("round robin m a b, three times", trail_length == 9 && trail[0] == 'm' && trail[1] == 'a' &&
             trail[2] == 'b' && trail[6] == 'm' && trail[7] == 'a' && trail[8] == 'b');
  check_true("SysTick ran", ticks > 0);
  check_true("task B ran while task A never yielded", b_runs > 0 && a_done && b_done);
  check_u32("task A's EXC_RETURN when preempted (thread, PSP, FP frame)", a_preempted_exc_return, 0xFFFFFFEDu);
  check_u32("s0 kept across preemption (extended frame)", a_s0, 0x3F8CCCCDu);
  check_u32("s16 kept across preemption (PendSV)", a_s16, 0x40066666u);
}

int main(void)
{
  nested_priorities();
  pending_order_and_masks();
  check_u32("svc #5 adds 5", svc_add_5(OPAQUE(37u)), 42u);
  bus_fault_recovery("the first byte past SRAM2", F4_MEM_SRAM_BASE + F4_MEM_SRAM_SIZE);
  bus_fault_recovery("the first byte past CCM", F4_MEM_CCM_BASE + F4_MEM_CCM_SIZE);
  threads();
  return check_summary("exceptions");
}

/*
 * Context switching for tests/exceptions (PM0214 §2.3.7 exception entry and return, §2.1.3
 * CONTROL; ARMv7-M ARM §B1.5.7 extended frames and lazy FP state preservation).
 *
 * A task's saved context, at its saved PSP, is {r4-r11, EXC_RETURN}, then s16-s31 if EXC_RETURN
 * bit 4 is 0 (the task had an FP context), then the frame the core pushed on exception entry.
 */
  .syntax unified
  .thumb
  .text

/* void call_on_psp(void (*function)(void), uint32_t *process_stack_top)
 * Calls function in thread mode on the process stack, then returns on the main stack. */
  .global call_on_psp
  .type call_on_psp, %function
  .thumb_func
call_on_psp:
  push {r4, lr}
  msr psp, r1
  mrs r4, control
  orr r2, r4, #2            /* CONTROL.SPSEL = 1: thread mode uses PSP */
  msr control, r2
  isb
  blx r0
  mrs r2, control
  bic r2, r2, #2            /* back to MSP (keeps CONTROL.FPCA as it is now) */
  msr control, r2
  isb
  pop {r4, pc}
  .size call_on_psp, . - call_on_psp

/* PendSV: save the running task, ask scheduler_switch (C) for the next one, restore it. */
  .global PendSV_Handler
  .type PendSV_Handler, %function
  .thumb_func
PendSV_Handler:
  mrs r0, psp
  isb
  tst lr, #0x10             /* EXC_RETURN bit 4 = 0: extended frame, the task used the FPU */
  it eq
  vstmdbeq r0!, {s16-s31}   /* first FP instruction here: lazy stacking writes s0-s15 + FPSCR */
  stmdb r0!, {r4-r11, lr}
  bl scheduler_switch       /* r0 = the saved context's address in, the next one's out */
  ldmia r0!, {r4-r11, lr}
  tst lr, #0x10
  it eq
  vldmiaeq r0!, {s16-s31}
  msr psp, r0
  isb
  bx lr
  .size PendSV_Handler, . - PendSV_Handler

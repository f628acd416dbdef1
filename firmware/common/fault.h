/*
 * Writing fault handlers that recover: the stacked exception frame and how to step over the
 * instruction that faulted (PM0214 §2.3.7 exception entry, Figure 12 stack frame).
 */
#ifndef FAULT_H
#define FAULT_H

#include <stdint.h>

/** The 8 words the core pushes on exception entry (the FP part of an extended frame follows). */
typedef struct {
  uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
} ExceptionFrame;

/*
 * Defines exception handler `name` that calls `void c_function(ExceptionFrame *)` with the frame
 * the core pushed: on PSP when EXC_RETURN bit 2 is set, else on MSP. c_function returns straight
 * to the interrupted code (LR still holds EXC_RETURN).
 */
#define FRAME_HANDLER(name, c_function)                                                        \
  __attribute__((naked)) void name(void)                                                      \
  {                                                                                            \
    __asm__ volatile("tst lr, #4\n\t"                                                          \
                     "ite eq\n\t"                                                              \
                     "mrseq r0, msp\n\t"                                                       \
                     "mrsne r0, psp\n\t"                                                       \
                     "b " #c_function);                                                        \
  }

/** A Thumb instruction is 32 bits wide when its first halfword is 0b11101/0b11110/0b11111 in [15:11]
 * (ARMv7-M ARM §A5.1). */
static inline uint32_t thumb_instruction_size(uint32_t address)
{
  uint16_t first = *(volatile const uint16_t *)address;
  return (first & 0xF800u) >= 0xE800u ? 4u : 2u;
}

/** Makes the handler return to the instruction after the one that faulted (not inside an IT block). */
static inline void frame_skip_instruction(ExceptionFrame *frame)
{
  frame->pc += thumb_instruction_size(frame->pc);
}

#endif

# NVIC priorities and masking, SVC, BusFault recovery, PendSV/SysTick context switch on PSP with
# FP context (hard-float, so the tasks' extended frames and lazy stacking are exercised).
SOURCES := main.c switch.S
COMMON_SOURCES += check.c
OPT_LEVELS := O0 O2 Os
FLOAT_ABI := hard

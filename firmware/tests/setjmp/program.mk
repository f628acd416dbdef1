# setjmp/longjmp across frames (hard-float: jmp_buf includes d8-d15).
SOURCES := main.c
COMMON_SOURCES += check.c
OPT_LEVELS := O0 O2 Os
FLOAT_ABI := hard

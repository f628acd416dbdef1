# FPv4-SP arithmetic, rounding modes and flags, libm, printf of floats (hard-float ABI).
SOURCES := main.c
COMMON_SOURCES += check.c
OPT_LEVELS := O0 O2 Os
FLOAT_ABI := hard
LDFLAGS_EXTRA := -u _printf_float
LDLIBS := -lm

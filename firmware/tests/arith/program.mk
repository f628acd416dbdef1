# Integer and 64-bit arithmetic, checked against the compiler's constant folding.
SOURCES := main.c
COMMON_SOURCES += check.c
OPT_LEVELS := O0 O2 Os

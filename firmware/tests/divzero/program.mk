# Division by zero with and without CCR.DIV_0_TRP; UsageFault and HardFault handlers that recover.
SOURCES := main.c
COMMON_SOURCES += check.c
OPT_LEVELS := O0 O2 Os

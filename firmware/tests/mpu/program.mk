# The MPU (PMSAv7): regions, AP and XN from unprivileged thread mode, LDRT in a handler, escalation.
SOURCES := main.c
COMMON_SOURCES += check.c
OPT_LEVELS := O0 O2 Os

# The integer workload for a Cortex-M0+ (RP2040 SRAM, flat binary, mailbox + BKPT); ../README.md.
SOURCES := startup.c ../int/workload.c
COMMON_SOURCES :=
CPU := cortex-m0plus
SPECS :=
LDSCRIPT := rp2040-sram.ld
CFLAGS_EXTRA := -ffreestanding -fno-tree-loop-distribute-patterns
LDFLAGS_EXTRA := -nostdlib
LDLIBS := -lgcc
OUTPUTS := elf bin

# sysboot: f4emu's system-memory bootloader (ST's USART protocol AN3155 v3.1, bootloader V3.1 of
# AN2606), linked at 0x1FFF_0000. Bare metal: its own startup, no C library calls, no semihosting.
# src/generated/sysboot-image.ts embeds build/sysboot.elf (tools/gen-sysboot-image.ts).
SOURCES := startup.c main.c link.c flash.c memory.c watchdog.c
COMMON_SOURCES :=
SPECS := nano.specs
OPT_LEVELS := Os
LDSCRIPT := sysboot.ld
CFLAGS_EXTRA := -ffreestanding

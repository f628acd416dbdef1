# demo linked at flash sector 2 (the application slot after a 32 KB bootloader); see app.ld.
# It only runs when something jumps to its Reset_Handler (a bootloader, a debugger).
SOURCES := ../demo/main.c
COMMON_SOURCES += probe.c
LDSCRIPT := app.ld
OUTPUTS := elf bin

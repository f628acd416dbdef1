# f4emu's sample bootloader: sectors 0-1, starts the application in sector 2 or answers the
# update protocol on USART2 (main.c, protocol.h). No semihosting: it talks only through USART2.
SOURCES := main.c uart.c flash.c app-check.c protocol.c jump.c
LDSCRIPT := bootloader.ld
OPT_LEVELS := Os
SPECS := nano.specs nosys.specs
OUTPUTS := elf bin

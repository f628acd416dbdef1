# An application that jumps into the system-memory bootloader (MSP from 0x1FFF_0000, PC from
# 0x1FFF_0004) after leaving the chip at 168 MHz with SysTick interrupts on (main.c).
SOURCES := main.c

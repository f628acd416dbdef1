# flashtest: the flash interface, OTP, option bytes, RDP/WRP and backup SRAM from firmware (main.c).
# Runs only on f4emu (QEMU's STM32 models have no flash interface); test/e2e/flashtest.test.ts runs it.
SOURCES := main.c
COMMON_SOURCES += check.c

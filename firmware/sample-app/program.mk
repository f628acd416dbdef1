# f4emu's sample application, started by the sample bootloader from flash sector 2 (app.ld): PLL at
# 168 MHz from HSE, SysTick LED chase on PD12-PD15, banner and ticks on USART2, EXTI0 on the button.
# The startup comes first so that the header in app-header.c follows its vector table.
SOURCES := ../common/startup_stm32f407.c app-header.c main.c clock.c ../sample-bootloader/uart.c
COMMON_SOURCES :=
LDSCRIPT := app.ld
OPT_LEVELS := Os
SPECS := nano.specs nosys.specs
CFLAGS_EXTRA := -Isample-bootloader
OUTPUTS := elf bin

# DMA2 memory-to-memory copies (sizes, packing, flags, interrupt, bus error) and USART2 TX by DMA1
# stream 6, through the registers (RM0090 §10). QEMU has no STM32 DMA: .expected is by reasoning.
SOURCES := main.c
COMMON_SOURCES += check.c
OPT_LEVELS := O0 O2 Os

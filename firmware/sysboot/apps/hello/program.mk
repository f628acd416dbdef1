# The application the sysboot tests write with stm32flash / the AN3155 client and start with Go:
# prints "hello from flash" on USART1 and USART2 (main.c). Linked at 0x0800_0000; .bin for stm32flash.
SOURCES := main.c
OUTPUTS := elf bin

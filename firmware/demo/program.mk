# The demo: prints the memory organization it sees (see main.c). Also built as .bin and .hex for
# the loader tests; `npm start` runs build/demo.elf.
SOURCES := main.c
COMMON_SOURCES += probe.c
OUTPUTS := elf bin hex

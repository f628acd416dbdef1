# Integer benchmark (CRC-32, heap sort, matrix multiply, divisions); see ../README.md.
SOURCES := main.c workload.c
COMMON_SOURCES += semihost.c
CFLAGS_EXTRA := -fno-tree-loop-distribute-patterns

# Float benchmark (Mandelbrot, n-body, polynomials) on FPv4-SP; see ../README.md.
SOURCES := main.c workload.c
COMMON_SOURCES += semihost.c
FLOAT_ABI := hard
CFLAGS_EXTRA := -fno-math-errno

# C++ (g++, libstdc++): static constructors, exceptions across frames, RTTI, containers.
# Full newlib/libstdc++ (no nano.specs): Debian's libstdc++_nano is built without exception
# support, so a throw there ends in std::terminate.
SOURCES := main.cpp
COMMON_SOURCES += check.c
OPT_LEVELS := O0 O2 Os
FLOAT_ABI := hard
SPECS := rdimon.specs

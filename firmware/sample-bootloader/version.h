/* The sample bootloader's version, reported by GET_VERSION and in its banner. */
#ifndef BOOT_VERSION_H
#define BOOT_VERSION_H

#define BOOT_VERSION_MAJOR 1
#define BOOT_VERSION_MINOR 0
#define BOOT_VERSION_TEXT "1.0"

#endif

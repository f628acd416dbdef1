/*
 * Direct ARM semihosting calls (BKPT 0xAB; ARM "Semihosting for AArch32 and AArch64" v2), for
 * what newlib's rdimon does not offer: the command line without rdimon's crt0.
 */
#ifndef SEMIHOST_H
#define SEMIHOST_H

/** SYS_GET_CMDLINE into buffer (NUL-terminated); returns its length, or -1. */
int semihost_get_cmdline(char *buffer, unsigned size);

/** The last word of the command line as a decimal number, or fallback when there is none. */
unsigned long semihost_number_argument(unsigned long fallback);

#endif

#include "semihost.h"

#define SYS_GET_CMDLINE 0x15

static int semihost_call(int operation, void *argument)
{
  register int r0 __asm__("r0") = operation;
  register void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

int semihost_get_cmdline(char *buffer, unsigned size)
{
  struct {
    char *buffer;
    unsigned size; /* in: capacity; out: length without the NUL */
  } block = {buffer, size};
  if (size == 0 || semihost_call(SYS_GET_CMDLINE, &block) != 0) return -1;
  return (int)block.size;
}

unsigned long semihost_number_argument(unsigned long fallback)
{
  char line[128];
  int length = semihost_get_cmdline(line, sizeof line);
  if (length <= 0) return fallback;
  int start = length;
  while (start > 0 && line[start - 1] != ' ') start--;
  if (start == length || start == 0) return fallback; /* no argument after the program name */
  unsigned long value = 0;
  for (int i = start; i < length; i++) {
    if (line[i] < '0' || line[i] > '9') return fallback;
    value = value * 10u + (unsigned long)(line[i] - '0');
  }
  return value;
}

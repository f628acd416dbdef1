/*
 * The independent watchdog while the bootloader runs (AN2606, STM32F40xxx/41xxx: "the IWDG prescaler
 * is configured to maximum and is periodically refreshed to prevent watchdog reset, in case the
 * hardware IWDG option was previously enabled by the user").
 */
#ifndef SYSBOOT_WATCHDOG_H
#define SYSBOOT_WATCHDOG_H

#include <stdbool.h>

#include "regs.h"

/** The option bytes start the IWDG by hardware at reset (WDG_SW = 0): it must be refreshed. */
extern bool watchdog_by_hardware;

/** Reads WDG_SW; if the IWDG runs, slows it to its longest period (about 32 s on the 32 kHz LSI). */
void watchdog_start(void);

static inline void watchdog_refresh(void)
{
  if (watchdog_by_hardware) IWDG_KR = IWDG_KEY_RELOAD;
}

#endif

/* See watchdog.h. Registers: RM0090 §19.4 (IWDG_KR, PR, RLR, SR). */
#include "watchdog.h"

bool watchdog_by_hardware;

void watchdog_start(void)
{
  watchdog_by_hardware = (FLASH_OPTCR & FLASH_OPTCR_WDG_SW) == 0;
  if (!watchdog_by_hardware) return;
  IWDG_KR = IWDG_KEY_RELOAD;
  IWDG_KR = IWDG_KEY_ACCESS;
  IWDG_PR = IWDG_PR_DIV256;
  IWDG_RLR = IWDG_RLR_MAX;
  /* PR and RLR reach the LSI domain a few LSI cycles later (SR.PVU/RVU); keep it fed meanwhile. */
  while (IWDG_SR & (IWDG_SR_PVU | IWDG_SR_RVU)) IWDG_KR = IWDG_KEY_RELOAD;
  IWDG_KR = IWDG_KEY_RELOAD;
}

/**
 * The three kinds of reset, kept apart as on silicon (RM0090 §6.1):
 * - 'power-on': everything to reset values; SRAM/CCM contents undefined; NV memories come from the store.
 * - 'system': NRST pin, AIRCR.SYSRESETREQ, IWDG, WWDG, low-power: registers to reset values, RCC_CSR
 *   flags record the cause; SRAM, CCM, the backup domain and all NV memories keep their contents.
 * - 'backup-domain': RCC_BDCR.BDRST or loss of both VDD and VBAT: RTC, backup registers, backup SRAM.
 * No reset ever touches flash, OTP or option bytes.
 */
export type ResetKind = 'power-on' | 'system' | 'backup-domain';

/** Why a system reset happened; RCC_CSR records it. */
export type ResetCause = 'power-on' | 'pin' | 'software' | 'iwdg' | 'wwdg' | 'low-power' | 'brown-out';

export interface Resettable {
  reset(kind: ResetKind): void;
}

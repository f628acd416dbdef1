/**
 * How long flash operations take in emulated time, how a core waiting for them is treated, and the
 * wait states the flash needs at a given HCLK.
 *
 * Durations: the STM32F405/407 datasheet (DS8626, "Flash memory programming" table, typical values at
 * 2.7–3.6 V), by parallelism PSIZE (x8, x16, x32; x64 needs VPP and uses the x32 figures here, which is
 * unverified). Programming takes tprog = 16 µs per access whatever its width. Option-byte programming
 * is not in the datasheet: f4emu charges it like erasing a 16 KB sector (the interface erases and
 * reprograms the user configuration sector), plus a mass erase when RDP goes from level 1 to 0.
 *
 * While BSY is set (RM0090 §3.6, §3.9.5):
 * - A flash read, an instruction fetch from flash, a store to flash/OTP or a write to FLASH_CR /
 *   FLASH_OPTCR stalls the bus until the operation ends. f4emu models a stall as the access completing
 *   at the end of the operation: it moves `scheduler.cycles` to the operation's alarm, completes the
 *   operation (memory, NV commit, BSY clear, EOP, interrupt) and then performs the access. Other alarms
 *   that fell due during the stall fire right after that access, in time order.
 * - Polling FLASH_SR costs no wall time. Every read of FLASH_SR that sees BSY = 1 is treated as one turn
 *   of a polling loop: the read returns the status as it was (BSY = 1), then emulated time moves forward
 *   by one "poll quantum" (1 ms), or less if the operation ends sooner or another alarm (SysTick, UART,
 *   IWDG...) is due sooner; if the operation's end is reached it completes at once. So a 16 µs word
 *   program is seen busy by exactly one read, a 1 s sector erase by about a thousand, and a loop that
 *   refreshes the IWDG or watches HAL_GetTick() between reads still sees time pass in steps smaller
 *   than its period. Everything depends only on emulated state: the same program gives the same cycle
 *   counts run after run.
 */
export type Psize = 0 | 1 | 2 | 3;

/** PSIZE → access width in bytes (RM0090 §3.9.7: 00 x8, 01 x16, 10 x32, 11 x64). */
export const PSIZE_BYTES: readonly number[] = [1, 2, 4, 8];

const NS_PER_US = 1_000;
const NS_PER_MS = 1_000_000;

/** tprog, typical (DS8626): one program access of any width. */
export const PROGRAM_NS = 16 * NS_PER_US;

/** Sector erase time by sector size (KB) and PSIZE x8/x16/x32 (DS8626 typical). */
const SECTOR_ERASE_MS: Readonly<Record<number, readonly [number, number, number]>> = {
  16: [400, 300, 250],
  64: [1200, 700, 550],
  128: [2000, 1300, 1000],
};

/** Mass erase time by PSIZE x8/x16/x32 (DS8626 typical, 1 MB parts). */
const MASS_ERASE_MS: readonly [number, number, number] = [16_000, 11_000, 8_000];

/** One poll of FLASH_SR while BSY advances emulated time by at most this much (see the header). */
export const POLL_QUANTUM_NS = 1 * NS_PER_MS;

function parallelismIndex(psize: Psize): 0 | 1 | 2 {
  return psize >= 2 ? 2 : (psize as 0 | 1);
}

export function sectorEraseNs(sectorSize: number, psize: Psize): number {
  const row = SECTOR_ERASE_MS[sectorSize / 1024];
  if (!row) throw new Error(`no erase time for a ${sectorSize}-byte sector`);
  return row[parallelismIndex(psize)] * NS_PER_MS;
}

export function massEraseNs(psize: Psize): number {
  return MASS_ERASE_MS[parallelismIndex(psize)] * NS_PER_MS;
}

/** Option-byte programming (OPTSTRT): not in the datasheet; see the header. */
export function optionProgramNs(psize: Psize, rdpRegression: boolean): number {
  return sectorEraseNs(16 * 1024, psize) + (rdpRegression ? massEraseNs(psize) : 0);
}

/**
 * FLASH_ACR.LATENCY needed at `hz` with a 2.7–3.6 V supply (RM0090 §3.5.1 Table 10): 0 WS up to 30 MHz,
 * one more per 30 MHz. The supply range is not modelled; the Discovery board's 3 V is assumed.
 */
export function requiredWaitStates(hz: number): number {
  return Math.max(0, Math.ceil(hz / 30_000_000) - 1);
}

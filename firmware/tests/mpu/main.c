/*
 * tests/mpu: the memory protection unit (ARMv7-M ARM §B3.5, PM0214 §4.2) seen by firmware.
 *
 * Regions: 0 = main flash, read-only for all; 1 = SRAM, read-write for all, execute-never;
 * 2, 3, 4 = three 32-byte blocks in SRAM: privileged read-write only, unprivileged read-only, no
 * access. PRIVDEFENA lets privileged code use the default map elsewhere (peripherals, CCM). The
 * program drops to unprivileged thread mode and provokes MemManage faults; the handler records
 * MMFSR and MMFAR and steps over the faulting instruction (or, for a fetch, returns to the caller).
 * SVC 1 makes the thread privileged again; SVC 2 tries LDRT in the handler. With MemManage
 * disabled, the last violation escalates to HardFault.
 *
 * The unprivileged part only records what it saw: it prints nothing (QEMU, unlike a debugger, refuses
 * semihosting calls from unprivileged code), and the checks are printed once privileged again.
 * Block addresses depend on the link, so MMFAR is printed as an offset from its block.
 */
#include <stdint.h>
#include "check.h"
#include "fault.h"
#include "stm32f407-regs.h"

#define MPU_TYPE REG32(F4_MPU_BASE + 0x00u)
#define MPU_CTRL REG32(F4_MPU_BASE + 0x04u)
#define MPU_RBAR REG32(F4_MPU_BASE + 0x0Cu)
#define MPU_RASR REG32(F4_MPU_BASE + 0x10u)
#define MPU_CTRL_ENABLE (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)
#define RBAR_VALID (1u << 4)
#define RASR_ENABLE 1u
#define RASR_SIZE(log2) (((uint32_t)(log2) - 1u) << 1)
#define RASR_AP(ap) ((uint32_t)(ap) << 24)
#define RASR_XN (1u << 28)
#define EXC_MEMMANAGE 4u

#define CFSR_IACCVIOL (1u << 0)
#define CFSR_DACCVIOL (1u << 1)
#define CFSR_MMARVALID (1u << 7)

/* Regions 2, 3, 4: AP = 001, 010, 000. */
static volatile uint32_t blocks[3][8] __attribute__((aligned(32)));
#define PRIVILEGED_ONLY ((uint32_t)(uintptr_t)blocks[0])
#define USER_READ_ONLY ((uint32_t)(uintptr_t)blocks[1])
#define NO_ACCESS ((uint32_t)(uintptr_t)blocks[2])

static volatile uint32_t mem_faults, hard_faults;
static volatile uint32_t seen_cfsr, seen_mmfar, seen_hfsr, seen_ipsr;

/* BX LR, in SRAM (execute-never in region 1). */
static volatile uint16_t ram_code[2] = {0x4770u, 0x4770u};

static void record(volatile uint32_t *counter)
{
  *counter += 1;
  seen_cfsr = SCB_CFSR;
  seen_mmfar = SCB_MMFAR;
  seen_hfsr = SCB_HFSR;
  seen_ipsr = get_ipsr();
  SCB_CFSR = seen_cfsr; /* write 1 to clear */
  SCB_HFSR = seen_hfsr;
}

/* A data fault steps over the access; a fetch fault (IACCVIOL: the stacked PC is the target) returns to the caller. */
static void recover(ExceptionFrame *frame)
{
  if (seen_cfsr & CFSR_IACCVIOL)
    frame->pc = frame->lr & ~1u;
  else
    frame_skip_instruction(frame);
}

void mem_manage(ExceptionFrame *frame)
{
  record(&mem_faults);
  recover(frame);
}

void hard_fault(ExceptionFrame *frame)
{
  record(&hard_faults);
  recover(frame);
}

static volatile uint32_t svc_plain, svc_unprivileged;

void svc(ExceptionFrame *frame)
{
  uint8_t number = ((const uint8_t *)frame->pc)[-2];
  if (number == 1) {
    __asm__ volatile("mrs r0, control\n\tbic r0, r0, #1\n\tmsr control, r0\n\tisb" ::: "r0", "memory");
  } else if (number == 2) {
    uint32_t value = 0xA5A5A5A5u;
    svc_plain = REG32(PRIVILEGED_ONLY);
    __asm__ volatile("ldrt %0, [%1]" : "+r"(value) : "r"(PRIVILEGED_ONLY) : "memory");
    svc_unprivileged = value;
  }
}

FRAME_HANDLER(MemManage_Handler, mem_manage)
FRAME_HANDLER(HardFault_Handler, hard_fault)
FRAME_HANDLER(SVC_Handler, svc)

static void set_region(uint32_t n, uint32_t base, uint32_t attributes)
{
  MPU_RBAR = base | RBAR_VALID | n;
  MPU_RASR = attributes | RASR_ENABLE;
}

static void set_up(void)
{
  check_u32("MPU_TYPE (8 unified regions)", MPU_TYPE, 0x800u);
  REG32(PRIVILEGED_ONLY) = 0x5EC2E7u;
  REG32(USER_READ_ONLY) = 0x5A2EDu;
  set_region(0, F4_MEM_FLASH_BASE, RASR_SIZE(20) | RASR_AP(6));
  set_region(1, F4_MEM_SRAM_BASE, RASR_SIZE(17) | RASR_AP(3) | RASR_XN);
  set_region(2, PRIVILEGED_ONLY, RASR_SIZE(5) | RASR_AP(1) | RASR_XN);
  set_region(3, USER_READ_ONLY, RASR_SIZE(5) | RASR_AP(2) | RASR_XN);
  set_region(4, NO_ACCESS, RASR_SIZE(5) | RASR_AP(0) | RASR_XN);
  SCB_SHPR(EXC_SVCALL) = 0x80u; /* below MemManage (0): LDRT in the SVC handler can fault */
  SCB_SHCSR |= SHCSR_MEMFAULTENA;
  MPU_CTRL = MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA;
  dsb();
  isb();
  check_u32("privileged read of the privileged-only block", REG32(PRIVILEGED_ONLY), 0x5EC2E7u);
  check_u32("no fault while privileged", mem_faults, 0u);
}

/** What one provoked fault left: MemManage count after it, MMFSR, MMFAR, IPSR in the handler. */
typedef struct {
  uint32_t faults, cfsr, mmfar, ipsr;
} Seen;

static void saw(Seen *seen)
{
  seen->faults = mem_faults;
  seen->cfsr = seen_cfsr;
  seen->mmfar = seen_mmfar;
  seen->ipsr = seen_ipsr;
}

static struct {
  uint32_t control, read_only_value, faults_before;
  Seen write_read_only, read_privileged, read_peripheral, fetch_sram, ldrt;
  uint32_t read_only_after;
} u;

/* Runs in unprivileged thread mode: touches nothing but SRAM (region 1) and what it tests. */
static void unprivileged_part(void)
{
  u.control = get_control();
  u.read_only_value = REG32(USER_READ_ONLY);
  u.faults_before = mem_faults;
  REG32(USER_READ_ONLY) = 0xBADu;
  saw(&u.write_read_only);
  u.read_only_after = REG32(USER_READ_ONLY);
  (void)REG32(PRIVILEGED_ONLY + 4u);
  saw(&u.read_privileged);
  (void)REG32(F4_SYSCFG_BASE);
  saw(&u.read_peripheral);
  ((void (*)(void))((uintptr_t)ram_code | 1u))();
  saw(&u.fetch_sram);
  __asm__ volatile("svc #2" ::: "memory");
  saw(&u.ldrt);
}

static void expect_data_fault(const char *what, const Seen *seen, uint32_t count, uint32_t block, uint32_t address)
{
  check_u32(what, seen->faults, count);
  check_u32("  MMFSR", seen->cfsr, CFSR_DACCVIOL | CFSR_MMARVALID);
  check_u32("  MMFAR - block", seen->mmfar - block, address - block);
  check_u32("  IPSR in the handler", seen->ipsr, EXC_MEMMANAGE);
}

static void unprivileged(void)
{
  __asm__ volatile("mrs r0, control\n\torr r0, r0, #1\n\tmsr control, r0\n\tisb" ::: "r0", "memory");
  unprivileged_part();
  __asm__ volatile("svc #1" ::: "memory");
  check_u32("CONTROL.nPRIV in the unprivileged part", u.control & 1u, 1u);
  check_u32("CONTROL.nPRIV after SVC 1", get_control() & 1u, 0u);
  check_u32("unprivileged read of the read-only block", u.read_only_value, 0x5A2EDu);
  check_u32("no fault for a permitted read", u.faults_before, 0u);
  expect_data_fault("unprivileged write to the read-only block faults", &u.write_read_only, 1u, USER_READ_ONLY, USER_READ_ONLY);
  check_u32("  the block is unchanged", u.read_only_after, 0x5A2EDu);
  expect_data_fault("unprivileged read of the privileged-only block faults", &u.read_privileged, 2u, PRIVILEGED_ONLY,
                    PRIVILEGED_ONLY + 4u);
  expect_data_fault("unprivileged read of a peripheral (no region) faults", &u.read_peripheral, 3u, 0u, F4_SYSCFG_BASE);
  check_u32("unprivileged call into execute-never SRAM faults", u.fetch_sram.faults, 4u);
  check_u32("  MMFSR (IACCVIOL, MMFAR not valid)", u.fetch_sram.cfsr, CFSR_IACCVIOL);
  check_u32("the SVC handler reads the privileged-only block", svc_plain, 0x5EC2E7u);
  expect_data_fault("LDRT in the SVC handler is unprivileged and faults", &u.ldrt, 5u, PRIVILEGED_ONLY, PRIVILEGED_ONLY);
  check_u32("  LDRT left its register alone", svc_unprivileged, 0xA5A5A5A5u);
}

static void escalation(void)
{
  SCB_SHCSR &= ~SHCSR_MEMFAULTENA;
  dsb();
  isb();
  (void)REG32(NO_ACCESS);
  check_u32("with MemManage disabled a violation is a HardFault", hard_faults, 1u);
  check_u32("  HFSR", seen_hfsr, HFSR_FORCED);
  check_u32("  MMFSR", seen_cfsr, CFSR_DACCVIOL | CFSR_MMARVALID);
  check_u32("  MMFAR - block", seen_mmfar - NO_ACCESS, 0u);
  check_u32("MemManage faults in total", mem_faults, 5u);
  MPU_CTRL = 0;
  dsb();
  isb();
  check_u32("with the MPU off the no-access block reads", REG32(NO_ACCESS), 0u);
}

int main(void)
{
  set_up();
  unprivileged();
  escalation();
  return check_summary("mpu");
}

/*
 * tests/dma: the DMA controllers through their registers (RM0090 §10.5).
 * - DMA2 stream 0 memory-to-memory: 32-bit copy (NDTR, EN, TCIF/HTIF, LIFCR), 8-bit → 32-bit packing
 *   in FIFO mode, the stream interrupt (TCIE → DMA2_Stream0 handler), a transfer error on the
 *   reserved 0x2002_0000 (TEIF, EN cleared).
 * - USART2 TX by DMA1 stream 6 channel 4 (RM0090 Table 42): CR3.DMAT, then TCIF and USART SR.TC.
 * Only end states are printed, never timing. QEMU's netduinoplus2 has no STM32 DMA: the expected
 * output is written from the RM (README.md).
 */
#include <stdint.h>
#include <string.h>
#include "check.h"
#include "stm32f407-regs.h"

/* RCC (RM0090 §7.3.10, §7.3.13). */
#define RCC_AHB1ENR REG32(F4_RCC_BASE + 0x30u)
#define RCC_APB1ENR REG32(F4_RCC_BASE + 0x40u)
#define RCC_AHB1ENR_DMA1EN (1u << 21)
#define RCC_AHB1ENR_DMA2EN (1u << 22)
#define RCC_APB1ENR_USART2EN (1u << 17)

/* DMA (RM0090 §10.5). */
#define DMA_LISR(base) REG32((base) + 0x00u)
#define DMA_HISR(base) REG32((base) + 0x04u)
#define DMA_LIFCR(base) REG32((base) + 0x08u)
#define DMA_HIFCR(base) REG32((base) + 0x0Cu)
#define DMA_S(base, x, off) REG32((base) + 0x10u + 0x18u * (x) + (off))
#define SxCR(b, x) DMA_S(b, x, 0x00u)
#define SxNDTR(b, x) DMA_S(b, x, 0x04u)
#define SxPAR(b, x) DMA_S(b, x, 0x08u)
#define SxM0AR(b, x) DMA_S(b, x, 0x0Cu)
#define SxFCR(b, x) DMA_S(b, x, 0x14u)
#define CR_EN (1u << 0)
#define CR_TEIE (1u << 2)
#define CR_TCIE (1u << 4)
#define CR_DIR_M2P (1u << 6)
#define CR_DIR_M2M (2u << 6)
#define CR_PINC (1u << 9)
#define CR_MINC (1u << 10)
#define CR_PSIZE_32 (2u << 11)
#define CR_MSIZE_32 (2u << 13)
#define CR_CHSEL(n) ((uint32_t)(n) << 25)
#define FCR_DMDIS (1u << 2)
#define FCR_FTH_FULL 3u
/* Stream flags at bit 0 (stream 0/4) or 16 (stream 2/6) of LISR/HISR. */
#define TEIF (1u << 3)
#define HTIF (1u << 4)
#define TCIF (1u << 5)
#define STREAM0_FLAGS 0x3Du
#define STREAM6_FLAGS (0x3Du << 16)

/* USART2 (RM0090 §30.6). */
#define USART2_SR REG32(F4_USART2_BASE + 0x00u)
#define USART2_DR_ADDR (F4_USART2_BASE + 0x04u)
#define USART2_BRR REG32(F4_USART2_BASE + 0x08u)
#define USART2_CR1 REG32(F4_USART2_BASE + 0x0Cu)
#define USART2_CR3 REG32(F4_USART2_BASE + 0x14u)
#define SR_TC (1u << 6)
#define SR_TXE (1u << 7)
#define CR1_TE (1u << 3)
#define CR1_UE (1u << 13)
#define CR3_DMAT (1u << 7)

#define TIMEOUT 1000000u

static uint32_t src[64];
static uint32_t dst[64];
static volatile uint32_t stream0_irqs;
static volatile uint32_t stream0_flags_in_irq;

void DMA2_Stream0_IRQHandler(void)
{
  stream0_flags_in_irq = DMA_LISR(F4_DMA2_BASE) & STREAM0_FLAGS;
  DMA_LIFCR(F4_DMA2_BASE) = STREAM0_FLAGS;
  stream0_irqs++;
}

/* Waits until the stream's EN bit reads 0 (end of transfer or error); 1 when it did. */
static int wait_disabled(uint32_t base, unsigned stream)
{
  for (uint32_t n = 0; n < TIMEOUT; n++)
    if ((SxCR(base, stream) & CR_EN) == 0) return 1;
  return 0;
}

static void start_m2m(uint32_t cr, const void *from, void *to, uint32_t items)
{
  SxPAR(F4_DMA2_BASE, 0) = (uint32_t)(uintptr_t)from;
  SxM0AR(F4_DMA2_BASE, 0) = (uint32_t)(uintptr_t)to;
  SxNDTR(F4_DMA2_BASE, 0) = items;
  SxFCR(F4_DMA2_BASE, 0) = FCR_DMDIS | FCR_FTH_FULL;
  SxCR(F4_DMA2_BASE, 0) = cr | CR_DIR_M2M | CR_PINC | CR_MINC | CR_EN;
}

static void copy_words(void)
{
  for (unsigned i = 0; i < 64; i++) src[i] = 0x01020304u * (i + 1u);
  memset(dst, 0, sizeof dst);
  start_m2m(CR_PSIZE_32 | CR_MSIZE_32, src, dst, 64);
  check_true("m2m 32-bit: stream disables itself", wait_disabled(F4_DMA2_BASE, 0));
  check_true("m2m 32-bit: destination equals source", memcmp(src, dst, sizeof dst) == 0);
  check_u32("m2m 32-bit: NDTR", SxNDTR(F4_DMA2_BASE, 0), 0);
  check_u32("m2m 32-bit: LISR stream 0 flags", DMA_LISR(F4_DMA2_BASE) & STREAM0_FLAGS, TCIF | HTIF);
  DMA_LIFCR(F4_DMA2_BASE) = STREAM0_FLAGS;
  check_u32("m2m: LIFCR clears the flags", DMA_LISR(F4_DMA2_BASE) & STREAM0_FLAGS, 0);
}

static void pack_bytes(void)
{
  static const uint8_t bytes[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
  memset(dst, 0, sizeof dst);
  start_m2m(CR_MSIZE_32, bytes, dst, 8); /* PSIZE 8, MSIZE 32: NDTR counts bytes */
  check_true("m2m 8->32: stream disables itself", wait_disabled(F4_DMA2_BASE, 0));
  check_u32("m2m 8->32: word 0", dst[0], 0x44332211u);
  check_u32("m2m 8->32: word 1", dst[1], 0x88776655u);
  check_u32("m2m 8->32: word 2 untouched", dst[2], 0);
  DMA_LIFCR(F4_DMA2_BASE) = STREAM0_FLAGS;
}

static void interrupt(void)
{
  nvic_enable(DMA2_Stream0_IRQn);
  start_m2m(CR_TCIE | CR_PSIZE_32 | CR_MSIZE_32, src, dst, 4);
  wait_disabled(F4_DMA2_BASE, 0);
  dsb();
  isb();
  check_u32("TCIE: DMA2_Stream0 interrupts taken", stream0_irqs, 1);
  check_u32("TCIE: flags seen by the handler", stream0_flags_in_irq, TCIF | HTIF);
}

static void transfer_error(void)
{
  /* The source is reserved space just past SRAM2 (0x2002_0000): the first read is a bus error. */
  start_m2m(CR_PSIZE_32 | CR_MSIZE_32, (const void *)(uintptr_t)0x20020000u, dst, 4);
  check_true("bus error: stream disables itself", wait_disabled(F4_DMA2_BASE, 0));
  check_u32("bus error: LISR stream 0 flags", DMA_LISR(F4_DMA2_BASE) & STREAM0_FLAGS, TEIF);
  DMA_LIFCR(F4_DMA2_BASE) = STREAM0_FLAGS;
}

static void usart2_tx(void)
{
  static const char msg[] = "DMA to USART2\r\n";
  const uint32_t len = sizeof msg - 1u;
  RCC_APB1ENR |= RCC_APB1ENR_USART2EN;
  USART2_BRR = 0x8Bu; /* 16 MHz HSI / 139 ≈ 115200 baud */
  USART2_CR3 = CR3_DMAT;
  USART2_CR1 = CR1_UE | CR1_TE;
  USART2_SR = ~SR_TC; /* TC cleared before the transfer, as HAL does */
  SxPAR(F4_DMA1_BASE, 6) = USART2_DR_ADDR;
  SxM0AR(F4_DMA1_BASE, 6) = (uint32_t)(uintptr_t)msg;
  SxNDTR(F4_DMA1_BASE, 6) = len;
  SxCR(F4_DMA1_BASE, 6) = CR_CHSEL(4) | CR_DIR_M2P | CR_MINC | CR_EN;
  check_true("USART2 TX: stream 6 disables itself", wait_disabled(F4_DMA1_BASE, 6));
  check_u32("USART2 TX: NDTR", SxNDTR(F4_DMA1_BASE, 6), 0);
  check_u32("USART2 TX: HISR stream 6 flags", DMA_HISR(F4_DMA1_BASE) & STREAM6_FLAGS, (TCIF | HTIF) << 16);
  uint32_t n = 0;
  while ((USART2_SR & SR_TC) == 0 && n < TIMEOUT) n++;
  check_u32("USART2 TX: SR.TC and TXE once the last character left", USART2_SR & (SR_TC | SR_TXE), SR_TC | SR_TXE);
  DMA_HIFCR(F4_DMA1_BASE) = STREAM6_FLAGS;
}

int main(void)
{
  RCC_AHB1ENR |= RCC_AHB1ENR_DMA1EN | RCC_AHB1ENR_DMA2EN;
  copy_words();
  pack_bytes();
  interrupt();
  transfer_error();
  usart2_tx();
  return check_summary("dma");
}

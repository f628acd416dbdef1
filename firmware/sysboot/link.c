/*
 * The serial link (AN3155 §2, AN2606 §"STM32F40xxx/41xxx devices bootloader").
 *
 * Both interfaces are armed at once: USART1 (TX PA9, RX PA10) and USART3, whose pins are set up on
 * both of its pairs (TX PB10 / RX PB11 and TX PC10 / RX PC11), all in alternate function 7 with a
 * pull-up on RX. The first 0x7F on either USART picks it; the other one is switched off.
 *
 * Frame: M = 1 with PCE = 1, i.e. 8 data bits + even parity, 1 stop bit (AN3155 §2).
 *
 * Baud rate. ST's ROM times the bits of the host's 0x7F and programs BRR to match (auto-baud,
 * 1200-115200 baud on silicon). An emulated line has no bit timing: a host's bytes reach the
 * emulated USART whatever rate either side chose, so there is nothing to measure. sysboot therefore
 * programs the fastest rate the USART has, fPCLK / 8 (OVER8 = 1, USARTDIV = 1): every host rate
 * "matches", and a character costs the fewest emulated cycles (11 bit times = 88 PCLK cycles),
 * which is what makes `stm32flash -w` of a whole flash quick.
 *
 * Inactivity timeout. Inside a command (after its code and complement) the host must send the next
 * byte within TIMEOUT_TICKS SysTick periods of 500 ms, i.e. 2 s of emulated time; otherwise the
 * command is dropped without an answer and the bootloader waits for a new one. The timer only runs
 * inside commands, so an idle bootloader schedules nothing. The timeout is f4emu's (AN3155 gives
 * none): it makes a host that vanished mid-frame harmless.
 *
 * Every wait refreshes the independent watchdog when the option bytes start it by hardware
 * (watchdog.c), as ST's bootloader does (AN2606).
 */
#include "link.h"

#include "regs.h"
#include "watchdog.h"

/** Inactivity timeout inside a command: 4 SysTick periods of 500 ms (LOAD fits SysTick's 24 bits). */
#define TICK_HZ 2u
#define TIMEOUT_TICKS 4u

/** BRR for fPCLK / 8 with OVER8 = 1: DIV_Mantissa = 1, DIV_Fraction = 0 (RM0090 §30.3.4). */
#define USART_BRR_FASTEST 0x10u
#define SYNC_BYTE 0x7Fu

static uint32_t active;

/** Puts one pin in alternate function 7, optionally with its pull-up (RM0090 §8.4.1, §8.4.4, §8.4.9-10). */
static void pin_usart(uint32_t port, unsigned pin, bool pull_up)
{
  unsigned shift = 4u * (pin % 8u);
  GPIO_AFR(port, pin) = (GPIO_AFR(port, pin) & ~(0xFu << shift)) | (GPIO_AF_USART << shift);
  GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << (2u * pin))) | (GPIO_MODE_ALTERNATE << (2u * pin));
  if (pull_up) GPIO_PUPDR(port) = (GPIO_PUPDR(port) & ~(3u << (2u * pin))) | (GPIO_PULL_UP << (2u * pin));
}

static void usart_start(uint32_t u)
{
  USART_CR1(u) = 0;
  USART_CR2(u) = 0; /* 1 stop bit */
  USART_CR3(u) = 0;
  USART_BRR(u) = USART_BRR_FASTEST;
  USART_CR1(u) = USART_CR1_UE | USART_CR1_OVER8 | USART_CR1_M | USART_CR1_PCE | USART_CR1_TE | USART_CR1_RE;
}

/** Pulses a peripheral's reset bit: its registers go back to their reset values (RM0090 §7.3.5-7.3.8). */
static void pulse_reset(volatile uint32_t *rstr, uint32_t bit)
{
  *rstr |= bit;
  *rstr &= ~bit;
}

/** A received 0x7F on this USART (any other byte before synchronisation is ignored). */
static bool synchronised(uint32_t u)
{
  if ((USART_SR(u) & USART_SR_RXNE) == 0) return false;
  return (uint8_t)USART_DR(u) == SYNC_BYTE;
}

void link_connect(void)
{
  RCC_AHB1ENR |= RCC_AHB1_GPIOA | RCC_AHB1_GPIOB | RCC_AHB1_GPIOC;
  RCC_APB2ENR |= RCC_APB2_USART1;
  RCC_APB1ENR |= RCC_APB1_USART3;
  /* Entered from an application, the USARTs may hold its settings: start from reset values. */
  pulse_reset(&RCC_APB2RSTR, RCC_APB2_USART1);
  pulse_reset(&RCC_APB1RSTR, RCC_APB1_USART3);

  pin_usart(F4_GPIOA_BASE, 9, false);
  pin_usart(F4_GPIOA_BASE, 10, true);
  pin_usart(F4_GPIOB_BASE, 10, false);
  pin_usart(F4_GPIOB_BASE, 11, true);
  pin_usart(F4_GPIOC_BASE, 10, false);
  pin_usart(F4_GPIOC_BASE, 11, true);
  usart_start(F4_USART1_BASE);
  usart_start(F4_USART3_BASE);

  for (;;) {
    watchdog_refresh();
    if (synchronised(F4_USART1_BASE)) {
      active = F4_USART1_BASE;
      USART_CR1(F4_USART3_BASE) = 0;
      RCC_APB1ENR &= ~RCC_APB1_USART3;
      return;
    }
    if (synchronised(F4_USART3_BASE)) {
      active = F4_USART3_BASE;
      USART_CR1(F4_USART1_BASE) = 0;
      RCC_APB2ENR &= ~RCC_APB2_USART1;
      return;
    }
  }
}

uint8_t link_get(void)
{
  while ((USART_SR(active) & USART_SR_RXNE) == 0) watchdog_refresh();
  return (uint8_t)USART_DR(active);
}

bool link_get_timed(uint8_t *byte)
{
  uint32_t ticks = 0;
  SYST_CVR = 0; /* the timeout counts from the last byte: restart the period, clear COUNTFLAG */
  for (;;) {
    /* Several status polls per look at SysTick: a character lasts about 88 cycles. */
    for (unsigned i = 0; i < 8u; i++) {
      if (USART_SR(active) & USART_SR_RXNE) {
        *byte = (uint8_t)USART_DR(active);
        return true;
      }
    }
    watchdog_refresh();
    if ((SYST_CSR & SYST_CSR_COUNTFLAG) != 0 && ++ticks >= TIMEOUT_TICKS) return false;
  }
}

void link_put(uint8_t byte)
{
  while ((USART_SR(active) & USART_SR_TXE) == 0) {
  }
  USART_DR(active) = byte;
}

void link_flush(void)
{
  while ((USART_SR(active) & USART_SR_TC) == 0) {
  }
}

void link_timeout_start(void)
{
  SYST_RVR = HSI_HZ / TICK_HZ - 1u;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_CLKSOURCE;
}

void link_timeout_stop(void)
{
  SYST_CSR = 0;
}

void link_release(void)
{
  link_flush();
  SYST_CSR = 0;
  SYST_RVR = 0;
  SYST_CVR = 0;
  pulse_reset(&RCC_APB2RSTR, RCC_APB2_USART1);
  pulse_reset(&RCC_APB1RSTR, RCC_APB1_USART3);
  pulse_reset(&RCC_AHB1RSTR, RCC_AHB1_GPIOA | RCC_AHB1_GPIOB | RCC_AHB1_GPIOC);
  RCC_APB2ENR &= ~RCC_APB2_USART1;
  RCC_APB1ENR &= ~RCC_APB1_USART3;
}

/*
 * f4emu's sample application, started by the sample bootloader (firmware/sample-bootloader):
 * - SYSCLK 168 MHz from the 8 MHz HSE through the PLL (clock.c);
 * - SysTick every millisecond; every 250 ms the next user LED lights, one at a time, going round the
 *   board: green PD12, orange PD13, red PD14, blue PD15 (a full turn per second);
 * - USART2 (PA2/PA3, 115200 8N1): a banner, then "tick N" after every turn;
 * - EXTI0 on the user button (PA0, rising edge): "button" for every press.
 * The core sleeps (WFI) between interrupts.
 */
#include "app-version.h"
#include "clock.h"
#include "stm32f4-mini.h"
#include "uart.h"

#define LED_FIRST_PIN 12u /* PD12..PD15 */
#define LED_COUNT 4u
#define STEP_MS 250u

static volatile uint32_t ms_ticks;
static volatile uint32_t button_presses;

void SysTick_Handler(void) { ms_ticks++; }

/** EXTI line 0 = PA0 (SYSCFG_EXTICR1), rising edge: the button went down. */
void EXTI0_IRQHandler(void)
{
  EXTI->PR = 1u << 0; /* write 1 to clear the pending bit (RM0090 §12.3.6) */
  button_presses++;
}

static void leds_init(void)
{
  RCC->AHB1ENR |= RCC_AHB1ENR_GPIODEN;
  (void)RCC->AHB1ENR;
  for (uint32_t i = 0; i < LED_COUNT; i++) {
    uint32_t pin = LED_FIRST_PIN + i;
    GPIOD->MODER = (GPIOD->MODER & ~GPIO_FIELD2(3u, pin)) | GPIO_FIELD2(GPIO_MODE_OUTPUT, pin);
  }
}

/** Lights LED `index` (0-3) alone: one BSRR write sets its pin and resets the other three. */
static void leds_show(uint32_t index)
{
  uint32_t all = ((1u << LED_COUNT) - 1u) << LED_FIRST_PIN;
  uint32_t on = 1u << (LED_FIRST_PIN + index);
  GPIOD->BSRR = on | ((all & ~on) << 16);
}

static void button_init(void)
{
  RCC->AHB1ENR |= RCC_AHB1ENR_GPIOAEN;
  RCC->APB2ENR |= RCC_APB2ENR_SYSCFGEN;
  (void)RCC->APB2ENR;
  GPIOA->MODER &= ~GPIO_FIELD2(3u, 0u);   /* PA0 input; the board pulls it down */
  SYSCFG->EXTICR[0] &= ~0xFu;              /* EXTI0 <- port A */
  EXTI->RTSR |= 1u << 0;
  EXTI->IMR |= 1u << 0;
  nvic_enable(EXTI0_IRQn);
}

static void systick_init(void)
{
  SYST_RVR = SYSCLK_HZ / 1000u - 1u;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

int main(void)
{
  clock_init();
  uart_init(APB1_HZ);
  leds_init();
  button_init();
  systick_init();

  uart_puts("\r\nsample-app " APP_VERSION_TEXT ": SYSCLK ");
  uart_putdec(clock_sysclk_hz() / 1000000u);
  uart_puts(" MHz from HSE, LEDs PD12-PD15, button PA0\r\n");

  uint32_t step = 0, reported_presses = 0;
  leds_show(0);
  uint32_t next_step_ms = ms_ticks; /* steps count from the first LED, not from SysTick's start */
  for (;;) {
    if (ms_ticks >= next_step_ms + STEP_MS) {
      next_step_ms += STEP_MS;
      step++;
      leds_show(step % LED_COUNT);
      if (step % LED_COUNT == 0) {
        uart_puts("tick ");
        uart_putdec(step / LED_COUNT);
        uart_puts("\r\n");
      }
    }
    while (reported_presses != button_presses) {
      reported_presses++;
      uart_puts("button\r\n");
    }
    __WFI();
  }
}

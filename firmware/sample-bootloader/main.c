/*
 * f4emu's sample bootloader, in flash sectors 0-1 (0x0800_0000-0x0800_7FFF), as the F407 bootloader
 * tutorials build one:
 *
 *   reset -> USART2 up (HSI 16 MHz, 115200 8N1)
 *         -> user button B1 (PA0, pressed = high on the Discovery board) held?  -> command loop
 *         -> application in sector 2 valid (header, vectors, CRC trailer)?      -> jump to it
 *         -> otherwise                                                          -> command loop
 *
 * It prints one line saying which way it went, then either starts the application or answers the
 * framed commands of protocol.h (tools/update-app.ts speaks them). See app-image.h for what a valid
 * application is and docs/bootloader-walkthrough.md for the whole story.
 */
#include "app-check.h"
#include "app-image.h"
#include "jump.h"
#include "protocol.h"
#include "stm32f4-mini.h"
#include "uart.h"
#include "version.h"

/** The HSI oscillator the chip runs on after reset (RM0090 §6.2.2). */
#define HSI_HZ 16000000u

#define BUTTON_PIN 0u /* PA0 */

/** PA0 is an input after reset; the board's pull-down holds it low unless B1 is pressed. */
static int button_held(void)
{
  RCC->AHB1ENR |= RCC_AHB1ENR_GPIOAEN;
  (void)RCC->AHB1ENR;
  return (GPIOA->IDR >> BUTTON_PIN) & 1u;
}

static void say(const char *text)
{
  uart_puts("f4boot " BOOT_VERSION_TEXT ": ");
  uart_puts(text);
}

int main(void)
{
  uart_init(HSI_HZ);
  int held = button_held();
  app_check_t app = app_check();

  if (!held && app.status == APP_VALID) {
    say("starting the application, version ");
    uart_puthex(app.app_version);
    uart_puts("\r\n");
    jump_to_application();
  }

  if (held) {
    say("button held");
  } else {
    say(app_status_text(app.status));
    if (app.status == APP_BAD_CRC) {
      uart_puts(" (computed ");
      uart_puthex(app.crc_computed);
      uart_puts(", stored ");
      uart_puthex(app.crc_stored);
      uart_puts(")");
    }
  }
  uart_puts("; waiting for commands on USART2\r\n");
  protocol_loop();
}

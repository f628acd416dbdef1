/* The sample application's version: 0xMMmmpppp in its header, and the text of its banner. */
#ifndef APP_VERSION_H
#define APP_VERSION_H

#define APP_VERSION 0x01000000u
#define APP_VERSION_TEXT "1.0.0"

#endif

#!/bin/sh
# Runs one firmware ELF on QEMU's netduinoplus2 (an STM32F405: the F407's die without Ethernet/DCMI)
# with semihosting on stdout, and exits with the program's exit status (124 on timeout).
# Usage: ./qemu-run.sh ELF [ARG...]    ARGs form the semihosting command line, after the ELF's name.
# Environment: QEMU_TIMEOUT (seconds, default 30), QEMU (default qemu-system-arm).
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 ELF [ARG...]" >&2
  exit 2
fi
elf=$1
shift
config="enable=on,target=native,arg=$(basename "$elf" .elf)"
for arg in "$@"; do
  config="$config,arg=$arg"
done
exec timeout "${QEMU_TIMEOUT:-30}" "${QEMU:-qemu-system-arm}" -M netduinoplus2 -nographic -monitor none -serial null \
  -semihosting-config "$config" -kernel "$elf"

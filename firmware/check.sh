#!/bin/sh
# CI's check of the committed firmware (`make -C firmware check`):
#  1. common/stm32f407-memory.ld and common/stm32f407-device.h match src/device/stm32f407.ts;
#  2. a fresh build of every program, in a temporary folder, is byte-identical to build/.
# Prints one line per file that is stale, differs, is missing or is left over; exit 1 if any.
set -eu
cd "$(dirname "$0")"
status=0

if ! (cd .. && node --import tsx tools/gen-memory-ld.ts --check); then
  status=1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! make --no-print-directory OUT="$tmp/build" OBJ="$tmp/obj" all >"$tmp/log" 2>&1; then
  cat "$tmp/log" >&2
  echo "firmware: the build failed" >&2
  exit 1
fi

for fresh in "$tmp"/build/*; do
  name=$(basename "$fresh")
  if [ ! -f "build/$name" ]; then
    echo "firmware/build/$name: missing (build it with \`make -C firmware\` and commit it)"
    status=1
  elif ! cmp -s "build/$name" "$fresh"; then
    echo "firmware/build/$name: differs from a fresh build (sources changed without rebuilding, or another toolchain)"
    status=1
  fi
done
for committed in build/*; do
  [ -e "$committed" ] || continue
  name=$(basename "$committed")
  if [ ! -f "$tmp/build/$name" ]; then
    echo "firmware/build/$name: no program builds it any more"
    status=1
  fi
done

if [ "$status" -ne 0 ]; then
  echo "firmware check failed; toolchain here: $(arm-none-eabi-gcc --version | head -n 1)" >&2
fi
exit "$status"

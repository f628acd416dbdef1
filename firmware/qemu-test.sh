#!/bin/sh
# Runs every tests/ program (each optimisation level) on QEMU and compares its stdout with
# tests/<name>.expected; the exit status must be 0 exactly when the output ends "0 failed".
# Where QEMU is known to diverge from the architecture, tests/qemu-divergent/<elf name>.stdout
# holds what QEMU prints instead (tests/README.md says why), and the run is compared with that.
#
# Usage: ./qemu-test.sh [--update]
#   --update  rewrite tests/<name>.expected from QEMU (only for tests QEMU runs faithfully at every
#             level) and every tests/qemu-divergent/*.stdout; review the diff before committing.
set -u
cd "$(dirname "$0")"
update=0
[ "${1:-}" = "--update" ] && update=1
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for dir in tests/*/; do
  name=$(basename "$dir")
  [ -f "$dir/program.mk" ] || continue
  expected="tests/$name.expected"
  for elf in build/tests-"$name".elf build/tests-"$name"-*.elf; do
    [ -f "$elf" ] || continue
    variant=$(basename "$elf" .elf)
    divergent="tests/qemu-divergent/$variant.stdout"
    ./qemu-run.sh "$elf" >"$tmp/$variant.stdout" 2>"$tmp/$variant.stderr"
    status=$?
    reference=$expected
    [ -f "$divergent" ] && reference=$divergent
    if [ "$update" -eq 1 ]; then
      cp "$tmp/$variant.stdout" "$reference.new"
    fi
    want_status=1
    tail -n 1 "$reference" 2>/dev/null | grep -q ', 0 failed$' && want_status=0
    if [ ! -f "$reference" ]; then
      echo "FAIL $variant: no $reference"
      failures=$((failures + 1))
    elif ! cmp -s "$reference" "$tmp/$variant.stdout"; then
      echo "FAIL $variant: stdout differs from $reference:"
      diff "$reference" "$tmp/$variant.stdout" | sed 's/^/    /'
      failures=$((failures + 1))
    elif [ "$status" -ne "$want_status" ]; then
      echo "FAIL $variant: exit status $status, want $want_status"
      sed 's/^/    /' "$tmp/$variant.stderr"
      failures=$((failures + 1))
    elif [ "$reference" = "$divergent" ]; then
      echo "ok   $variant (QEMU's known divergence, $divergent)"
    else
      echo "ok   $variant"
    fi
  done
done

if [ "$update" -eq 1 ]; then
  for new in tests/*.expected.new tests/qemu-divergent/*.stdout.new; do
    [ -f "$new" ] || continue
    target=${new%.new}
    case "$target" in
      tests/qemu-divergent/*) mv "$new" "$target" ;;
      *)
        # A .expected is QEMU's output only when no level of that test diverges.
        name=$(basename "$target" .expected)
        if ls tests/qemu-divergent/tests-"$name"*.stdout >/dev/null 2>&1; then
          echo "not updating $target: written by hand (see tests/README.md)"
          rm -f "$new"
        else
          mv "$new" "$target"
        fi
        ;;
    esac
  done
  rm -f tests/*.expected.new tests/qemu-divergent/*.stdout.new
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures QEMU run(s) failed"
  exit 1
fi
echo "all QEMU runs match"

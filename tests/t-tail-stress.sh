#!/bin/sh
# tail under fire: a writer at full speed, 1,000 rotations alternating
# rename+create and copytruncate (see tests/tools/tailstress.c for how the
# count is kept meaningful); nothing lost, repeated or reordered.
set -u
tool=$B/tools/tailstress
[ -x "$tool" ] || tool=build/tools/tailstress
[ -x "$tool" ] || { echo "SKIP: $tool not built"; exit 77; }
n=1000
[ "${SFTPTOP_SAN:-0}" = 1 ] && n=200
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
"$tool" "$dir" "$n"

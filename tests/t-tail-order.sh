#!/bin/sh
# The follower keeps writing order when rsyslog switches from the renamed
# file to the new one between the follower's look at the new file's size and
# its read of it (tests/tools/tailorder.c forces that moment).
set -u
tool=$B/tools/tailorder
[ -x "$tool" ] || tool=build/tools/tailorder
[ -x "$tool" ] || { echo "SKIP: $tool not built"; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
"$tool" "$dir"

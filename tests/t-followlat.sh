#!/bin/sh
# tests/tools/followlat with tiny sizes: only that the harness works and its
# figures are sane (every event seen, latency under a second); the real
# figures come from `make bench`. Timing means nothing under the sanitizers.
set -u
[ "${SFTPTOP_SAN:-0}" = 1 ] && { echo "SKIP: timing harness, not run under the sanitizers"; exit 77; }
fl=${B:-build}/tools/followlat
[ -x "$fl" ] || fl=build/tools/followlat
[ -x "$fl" ] || { echo "SKIP: $fl not built"; exit 77; }
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT INT TERM
fail() { echo "FAIL: $*"; cat "$out"; exit 1; }
"$fl" -n 200 -L 20 -i 2 -m 20000 "$SFTPTOP" > "$out" 2>&1 || fail "followlat exited $?"
cat "$out"
val() { awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print "missing" }' "$out"; }
for k in follow_latency_median_ms follow_latency_p99_ms follow_latency_lone_median_ms follow_latency_lone_p99_ms; do
	v=$(val "$k")
	awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v > 0 && v < 1000) }' || fail "$k = $v (want 0 < ms < 1000)"
done
v=$(val idle_cpu_ms_per_60s)
awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v < 1000) }' || fail "idle_cpu_ms_per_60s = $v"
for k in follow_lines_per_s batch_lines_per_s; do
	v=$(val "$k")
	awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9]+$/ && v > 0) }' || fail "$k = $v"
done
grep -Eq '^follow_events ([0-9]+) +# of \1 expected' "$out" || fail "not every event seen"
[ "$(grep -c '^follow_events' "$out")" = 1 ] || fail "no follow_events line"
echo ok

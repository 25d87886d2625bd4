#!/bin/sh
# Soak: a simulated month of a server goes through the follower at full speed
# (sftptop --report=json -f --keep 2d), in ten parts; after each part, once
# sftptop has read every byte written (/proc/PID/io rchar), its resident
# memory is sampled. With the retention window it must stay flat once the
# window is full; a control run with --keep 0 shows it would otherwise grow.
set -u
: "${SFTPTOP:=build/sftptop}"
: "${B:=build}"
GENLOG=$B/tools/genlog
[ -x "$GENLOG" ] || GENLOG=build/tools/genlog
[ -x "$GENLOG" ] || { echo "SKIP: genlog not built (make)"; exit 77; }
LINES=1500000
if [ "${SFTPTOP_SAN:-0}" = 1 ]; then
	# ASan keeps freed memory in quarantine: resident size says nothing there
	echo "SKIP: memory is not measurable under ASan (run in the normal pass)"
	exit 77
fi
tmp=$(mktemp -d /tmp/sftptop-soak.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# a month: 2026-10-01 to about 2026-11-03 with RFC 3339 headers (no year guessing)
"$GENLOG" -n $LINES -f rfc3339 -t 2026-10-01 -x $((90 * 1500000 / LINES)) -o "$tmp/month.log" || exit 1
echo "month: $(head -c 10 "$tmp/month.log") to $(tail -n 1 "$tmp/month.log" | cut -c1-10), $LINES lines"
split -n l/10 -d "$tmp/month.log" "$tmp/part."

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
rchar() { awk '/^rchar/ { print $2 }' "/proc/$1/io"; }

# run KEEP: feed the parts, print the RSS (kB) after each
run() {
	: > "$tmp/live.log"
	"$SFTPTOP" --report=json -f --keep "$1" "$tmp/live.log" > /dev/null 2> "$tmp/err" &
	pid=$!
	sleep 0.5
	base=$(rchar $pid)
	written=0
	out=
	for p in "$tmp"/part.*; do
		cat "$p" >> "$tmp/live.log"
		written=$((written + $(stat -c %s "$p")))
		n=0
		while [ $(( $(rchar $pid) - base )) -lt $written ]; do
			kill -0 $pid 2>/dev/null || { echo "sftptop died:"; cat "$tmp/err"; exit 1; }
			n=$((n + 1))
			[ $n -gt 6000 ] && { echo "sftptop did not catch up"; exit 1; }
			sleep 0.05
		done
		sleep 0.2
		out="$out $(rss $pid)"
	done
	kill $pid
	wait $pid
	rc=$?
	pid=
	[ $rc = 0 ] || { echo "sftptop --follow ended with $rc on SIGTERM"; cat "$tmp/err"; exit 1; }
	echo "$out"
}

kept=$(run 2d) || { echo "$kept"; exit 1; }
echo "RSS kB after each tenth of the month, --keep 2d:$kept"
set -- $kept
third=$3
last=$(eval echo \${$#})
max=$third
for r in "$@"; do [ "$r" -gt "$max" ] && max=$r; done
# flat: nothing after the window filled grows more than 25% over the third tenth
# (allocator slack; without a window it grows sixfold)
limit=$((third * 125 / 100))
if [ "$max" -gt "$limit" ]; then
	echo "FAIL: RSS grew from $third kB to $max kB with a 2-day window"
	exit 1
fi
if [ "${SFTPTOP_SAN:-0}" != 1 ]; then
	all=$(run 0) || { echo "$all"; exit 1; }
	echo "RSS kB after each tenth, --keep 0 (control):$all"
	set -- $all
	eval "cl=\${$#}"
	[ "$cl" -gt "$last" ] || { echo "FAIL: the control run kept no more than the window (the test measures nothing)"; exit 1; }
fi
echo "flat: third tenth $third kB, largest $max kB, last $last kB"

#!/bin/sh
# The benchmark, as `make bench` runs it (env B = build dir with sftptop and tools/).
#
# Generates deterministic logs with tests/tools/genlog into $B/bench (kept, and
# made again only when missing or when genlog.c changed): 1M and 10M lines in
# the traditional format, 1M in RFC 3339. Then, in one run on the same files
# so that ratios hold on a noisy machine, each measurement pinned to one core
# (taskset -c 0) and repeated in rounds, every tool once a round (median of
# BENCH_RUNS rounds; by default 7 on the 1M-line files, where one burst of the
# shared machine can move a median of 3, and 3 on the 10M-line file):
#   sftptop to a complete model: --report=json --deletions > /dev/null, and the
#     same with no report (--report=none / --count / --report=summary, whichever exists);
#   wc -l, grep -c 'internal-sftp\[', tests/bench/sessions.awk with mawk,
#     lnav headless (when installed) counting the lines of its syslog index;
#   peak RSS, and bytes of peak RSS per stored event;
#   follow latency and idle CPU (tests/tools/followlat, when built);
#   UI draw times (the UI's own headless timing, SFTPTOP_BENCH_UI=1);
#   the UI opening the 10M-line log in tmux: first screen, keys while loading
#     (tests/bench/uiload.sh).
# Prints one markdown table and writes it to $B/bench/table.md.
#
# Environment: BENCH_RUNS (7 and 3), BENCH_SIZES ("1m 10m"; "1m" for a quick run),
# BENCH_INSTALL=1 installs mawk and lnav with apt-get when missing.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${B:-build}
BIN=$B/sftptop
T=$B/tools
D=$B/bench
RUNS=${BENCH_RUNS:-}
SIZES=${BENCH_SIZES:-"1m 10m"}
mkdir -p "$D"

for x in "$BIN" "$T/genlog" "$T/benchrun"; do
	[ -x "$x" ] || { echo "bench: $x is missing: run make first" >&2; exit 1; }
done
if [ "${BENCH_INSTALL:-0}" = 1 ]; then
	for p in mawk lnav; do
		command -v "$p" >/dev/null 2>&1 || apt-get install -y --no-install-recommends "$p" >/dev/null
	done
fi
NCPU=$(nproc 2>/dev/null || echo 1)
PIN=
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"
have() { command -v "$1" >/dev/null 2>&1; }

# ---- the logs ----
sum=$(cksum < tests/tools/genlog.c)
if [ "$(cat "$D/genlog.sum" 2>/dev/null)" != "$sum" ]; then
	rm -f "$D"/*.log
	echo "$sum" > "$D/genlog.sum"
fi
lines_of() { case $1 in 1m) echo 1000000 ;; 10m) echo 10000000 ;; 200k) echo 200000 ;; esac; }
gen() { # format size
	f=$D/$1-$2.log
	if [ ! -s "$f" ]; then
		echo "bench: generating $f" >&2
		"$T/genlog" -n "$(lines_of "$2")" -f "$1" -s 1 -o "$f.tmp" && mv "$f.tmp" "$f" || exit 1
	fi
}
FILES=
for s in $SIZES; do gen traditional "$s"; FILES="$FILES traditional-$s"; done
gen rfc3339 1m
FILES="$FILES rfc3339-1m"

# ---- how to get a model with no report ----
head -n 2000 "$D/traditional-1m.log" > "$D/probe.log"
QUIET=
for opt in --report=none --count --report=summary; do
	if "$BIN" $opt "$D/probe.log" > /dev/null 2>&1; then QUIET=$opt; break; fi
done

# ---- measuring ----
# The tools take turns: each round runs every command once, and each median is
# over the same rounds, so a slow spell of the shared machine weighs on every
# tool of a file alike and the ratios between them hold (one tool measured
# after another could land on two different spells).
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "" }'; }
# once K NAME PIN CMD...: one run of job K, appended to runs.K.txt (PIN: taskset words or "")
once() {
	k=$1; name=$2; p=$3; shift 3
	# grep stops at the first match when its output is /dev/null: give the
	# small-output tools a real file
	case $name in grep|wc) out=$D/out.txt ;; *) out=/dev/null ;; esac
	if ! "$T/benchrun" -r "$D/one.txt" -o "$out" -- $p "$@" 2> "$D/err.$k.txt"; then
		# grep -c exits 1 when it counts 0; everything else must succeed
		case $name in grep*) ;; *) echo "$name" >> "$D/failed.$k" ;; esac
	fi
	cat "$D/one.txt" >> "$D/runs.$k.txt"
}
# measured K: sets M_WALL M_CPU M_RSS (medians over the rounds; RSS in kB), M_OK
measured() {
	M_OK=1
	[ -e "$D/failed.$1" ] && { M_OK=0; echo "bench: $(head -n 1 "$D/failed.$1") failed:" >&2; cat "$D/err.$1.txt" >&2; }
	M_WALL=$(sed 's/.*wall=\([^ ]*\).*/\1/' "$D/runs.$1.txt" | median)
	M_CPU=$(sed 's/.*cpu=\([^ ]*\).*/\1/' "$D/runs.$1.txt" | median)
	M_RSS=$(sed 's/.*maxrss_kb=\([^ ]*\).*/\1/' "$D/runs.$1.txt" | median)
}
# One round on $log. sftptop on one core with one thread (a parser thread
# pinned to the same core only adds switching), then with its default threads
# on every core, not pinned (all parse, one builds the model); then the others.
round() {
	[ -n "$QUIET" ] && once 1 sftptop "$PIN" env SFTPTOP_THREADS=1 "$BIN" "$QUIET" "$log"
	once 2 sftptop "$PIN" env SFTPTOP_THREADS=1 "$BIN" --report=json --deletions "$log"
	[ -n "$QUIET" ] && once 3 sftptop "" "$BIN" "$QUIET" "$log"
	once 4 sftptop "" "$BIN" --report=json --deletions "$log"
	once 5 wc "$PIN" wc -l "$log"
	once 6 grep "$PIN" grep -c 'internal-sftp\[' "$log"
	have mawk && once 7 awk "$PIN" mawk -f tests/bench/sessions.awk "$log"
	have lnav && once 8 lnav "$PIN" env HOME="$PWD/$D/lnav-home" lnav -n -c ';SELECT count(*) FROM syslog_log' "$log"
	return 0
}

TABLE=$D/table.md
{
	echo "| file | tool | wall s | CPU s | M lines/s | MB/s | peak RSS MB | time / sftptop's |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|"
} > "$D/rows.md"
: > "$D/extra.md"
: > "$D/vals.txt"

row() { # file lines bytes tool ref_wall (also notes "$F tool cpu rss ok" in vals.txt)
	echo "$F|$4|$M_CPU|$M_RSS|$M_OK|$M_WALL" >> "$D/vals.txt"
	awk -v f="$1" -v n="$2" -v b="$3" -v t="$4" -v w="$M_WALL" -v c="$M_CPU" -v r="$M_RSS" -v ref="$5" -v ok="$M_OK" 'BEGIN {
		if (!ok) { printf "| %s | %s | failed | | | | | |\n", f, t; exit }
		x = (ref > 0 && t !~ /^sftptop/) ? sprintf("%.2f", w / ref) : ""
		printf "| %s | %s | %.3f | %.3f | %.2f | %.0f | %.1f | %s |\n", f, t, w, c, n / w / 1e6, b / w / 1e6, r * 1024 / 1e6, x
	}' >> "$D/rows.md"
}

mkdir -p "$D/lnav-home"
for f in $FILES; do
	F=$f
	case $f in
	*-10m) runs=${RUNS:-3} ;;
	*) runs=${RUNS:-7} ;;
	esac
	log=$D/$f.log
	n=$(lines_of "${f#*-}")
	bytes=$(wc -c < "$log")
	cat "$log" > /dev/null                   # page cache: every tool reads it hot
	label="$f ($(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }'))"
	echo "bench: $label" >&2
	rm -f "$D"/runs.*.txt "$D"/failed.* "$D"/err.*.txt
	i=0
	while [ $i -lt "$runs" ]; do
		round
		i=$((i + 1))
	done

	ref=0
	if [ -n "$QUIET" ]; then
		measured 1
		row "$label" "$n" "$bytes" "sftptop $QUIET" 0
		ref=$M_WALL
		rss_quiet=$M_RSS
	fi
	measured 2
	row "$label" "$n" "$bytes" "sftptop --report=json --deletions" 0
	[ "$ref" = 0 ] && ref=$M_WALL
	[ -n "$QUIET" ] || rss_quiet=$M_RSS
	if [ -n "$QUIET" ]; then
		measured 3
		row "$label" "$n" "$bytes" "sftptop $QUIET, all $NCPU cores" 0
	fi
	measured 4
	row "$label" "$n" "$bytes" "sftptop --report=json --deletions, all $NCPU cores" 0
	measured 5
	row "$label" "$n" "$bytes" "wc -l" "$ref"
	measured 6
	row "$label" "$n" "$bytes" "grep -c 'internal-sftp\\['" "$ref"
	if have mawk; then
		measured 7
		row "$label" "$n" "$bytes" "mawk -f sessions.awk" "$ref"
	else
		echo "| $label | mawk -f sessions.awk | not installed | | | | | |" >> "$D/rows.md"
	fi
	if have lnav; then
		measured 8
		row "$label" "$n" "$bytes" "lnav -n (count syslog_log)" "$ref"
	else
		echo "| $label | lnav | not installed | | | | | |" >> "$D/rows.md"
	fi

	# bytes per stored event: peak RSS of the model run / events in the JSON summary
	events=$("$BIN" --report=json "$log" 2>/dev/null | tail -n 1 | sed -n 's/.*"events": *\([0-9]*\).*/\1/p')
	if [ -n "$events" ] && [ "$events" -gt 0 ] 2>/dev/null; then
		echo "| $label | peak RSS per stored event ($events events) | $(awk -v r="$rss_quiet" -v e="$events" 'BEGIN { printf "%.0f bytes", r * 1024 / e }') |" >> "$D/extra.md"
	else
		echo "| $label | peak RSS per stored event | n/a (no \"events\" in the JSON summary) |" >> "$D/extra.md"
	fi
done

# ---- the follower and the UI, from their own harnesses ----
if [ -x "$T/followlat" ]; then
	"$T/followlat" "$BIN" > "$D/followlat.txt" 2>&1 || echo "(followlat failed)" >> "$D/followlat.txt"
	while IFS= read -r l; do echo "| follow | $l | |" >> "$D/extra.md"; done < "$D/followlat.txt"
else
	echo "| follow | latency (write to event out), idle CPU | n/a (no tests/tools/followlat) |" >> "$D/extra.md"
fi
# The UI times itself headless (ui_run with SFTPTOP_BENCH_UI=1): a 3M-line log
# has over 100,000 sessions, and its busiest file over 10,000 events.
UILOG=$D/traditional-3m.log
[ -f "$UILOG" ] || "$T/genlog" -n 3000000 -o "$UILOG"
if SFTPTOP_BENCH_UI=1 "$BIN" "$UILOG" < /dev/null > "$D/uibench.txt" 2>&1; then
	while IFS= read -r l; do echo "| UI | $l | |" >> "$D/extra.md"; done < "$D/uibench.txt"
else
	echo "| UI | sessions view, file timeline | failed: $(head -c 200 "$D/uibench.txt") |" >> "$D/extra.md"
fi
# The UI opening the biggest log in a real terminal (tmux): first screen, keys while loading.
UIBIG=$D/traditional-1m.log
case " $SIZES " in *" 10m "*) UIBIG=$D/traditional-10m.log ;; esac
sh tests/bench/uiload.sh "$BIN" "$UIBIG" > "$D/uiload.txt" 2>&1 || echo "(uiload failed)" >> "$D/uiload.txt"
UIFIRST=$(sed -n 's/^ui_load_first_screen_ms \([0-9]*\)$/\1/p' "$D/uiload.txt")
while IFS= read -r l; do echo "| UI, $(basename "$UIBIG" .log) in tmux | $l | |" >> "$D/extra.md"; done < "$D/uiload.txt"

# The targets (traditional, 1M lines), from vals.txt: on one core by CPU
# time (user + sys: on a shared machine the wall time of a pinned process
# also counts whatever else ran on that core), and with the default threads
# on all cores by wall time. RSS targets are in MB of 10^6 bytes.
targets() {
	awk -F'|' -v quiet="sftptop ${QUIET:-none}" -v ncpu="$NCPU" '
	$5 == 1 { c[$1, $2] = $3; r[$1, $2] = $4; w[$1, $2] = $6 }
	function sft(f) { return ((f, quiet) in c) ? quiet : "sftptop --report=json --deletions" }
	function mark(ok) { return ok ? "met" : "**not met**" }
	function line(what, v1, v2, ok1, ok2) { printf "| %s | %s | %s | %s | %s |\n", what, v1, mark(ok1), v2, mark(ok2) }
	function ratio(what, other, t1, t2) {
		a = c[f, other]
		if (a != "") line(what, sprintf("%.1fx", a / t1), sprintf("%.1fx", a / t2), a / t1 >= 5, a / t2 >= 5)
	}
	END {
		f = "traditional-1m"; s = sft(f); t1 = c[f, s]; s2 = s ", all " ncpu " cores"; t2 = w[f, s2]
		printf "| target (traditional, 1M lines) | one core, one thread (CPU s) | | all %d cores, default threads (wall s) | |\n", ncpu
		print "|---|---|---|---|---|"
		if (t1 == "" || t2 == "") { print "| sftptop | failed | | | |"; exit }
		line("complete model in < 0.2 s", sprintf("%.3f s", t1), sprintf("%.3f s", t2), t1 < 0.2, t2 < 0.2)
		line(">= 5M lines/s", sprintf("%.2fM", 1 / t1), sprintf("%.2fM", 1 / t2), 1 / t1 >= 5, 1 / t2 >= 5)
		ratio(">= 5x faster than the awk script", "mawk -f sessions.awk", t1, t2)
		ratio(">= 5x faster than lnav", "lnav -n (count syslog_log)", t1, t2)
		g = c[f, "grep -c \x27internal-sftp\\[\x27"]
		if (g != "") line("within 5x of grep -c", sprintf("%.1fx grep", t1 / g), sprintf("%.1fx grep", t2 / g), t1 / g <= 5, t2 / g <= 5)
		m1 = r[f, s] * 1024 / 1e6; m2 = r[f, s2] * 1024 / 1e6
		line("peak RSS < 48 MB (1M lines)", sprintf("%.1f MB", m1), sprintf("%.1f MB", m2), m1 < 48, m2 < 48)
		f = "traditional-10m"; s = sft(f); s2 = s ", all " ncpu " cores"
		if ((f, s) in r) {
			m1 = r[f, s] * 1024 / 1e6; m2 = r[f, s2] * 1024 / 1e6
			line("peak RSS < 400 MB (10M lines)", sprintf("%.1f MB", m1), sprintf("%.1f MB", m2), m1 < 400, m2 < 400)
		}
	}' "$D/vals.txt"
}

{
	echo "Machine: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) CPUs;" \
		"$(uname -sr); sftptop $(git rev-parse --short HEAD 2>/dev/null || echo '?');" \
		"one core (${PIN:-not pinned}) unless said, median of ${RUNS:-7 rounds (3 for 10M lines)}${RUNS:+ rounds} (every tool once a round), files in the page cache;" \
		"MB = 10^6 bytes."
	echo
	cat "$D/rows.md"
	echo
	echo "| file | measure | value |"
	echo "|---|---|---|"
	cat "$D/extra.md"
	echo
	targets
	if [ -n "$UIFIRST" ]; then
		ok="**not met**"
		[ "$UIFIRST" -lt 1000 ] && ok=met
		echo "| UI: $(basename "$UIBIG" .log) shows its first screen in < 1 s | | | ${UIFIRST} ms | $ok |"
	fi
} > "$TABLE"
rm -f "$D/uiload.txt" "$D/rows.md" "$D/extra.md" "$D/vals.txt" "$D/out.txt" "$D/one.txt" "$D"/runs.*.txt "$D"/err.*.txt "$D"/failed.*
cat "$TABLE"

#!/bin/sh
# --follow of a backlog (a big file on stdin) attaches every "sent status"
# as the batch reader does: the 3 ms hold must not expire while input is
# still being read, and a session closing must not release the held events
# of other sessions early (both made a failed remove print as a deletion,
# depending on the machine's speed). Every event printed by
# `--report=json -f - < LOG` must equal the batch report's event of the
# same session, time, op and path, status included.
set -u
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
gen=${B:-build}/tools/genlog
[ -x "$gen" ] || gen=build/tools/genlog
[ -x "$gen" ] || { echo "SKIP: genlog not built"; exit 77; }
n=200000
[ "${SFTPTOP_SAN:-0}" = 1 ] && n=50000
"$gen" -n $n -s 7 -o "$dir/log" || fail "genlog"
"$SFTPTOP" --report=json -f - < "$dir/log" > "$dir/follow" || fail "follow of stdin exited $?"
"$SFTPTOP" --report=json "$dir/log" > "$dir/batch" || fail "batch report exited $?"
# one record per event: host pid time op path status
rec='
function f(re,   s) { if (match($0, re)) { s = substr($0, RSTART, RLENGTH); sub(/^"[a-z]*":/, "", s); return s } return "-" }
/^\{"type":"session"/ { host = f("\"host\":\"[^\"]*\""); pid = f("\"pid\":[0-9]*"); next }
/^\{"type":"event"/ { host = f("\"host\":\"[^\"]*\""); pid = f("\"pid\":[0-9]*") }
/^\{"(type":"event"|time")/ {
	print host, pid, f("\"time\":\"[^\"]*\""), f("\"op\":\"[^\"]*\""), f("\"path\":(null|\"([^\"\\\\]|\\\\.)*\")"), f("\"status\":\"[^\"]*\"")
}'
sed 's/,{"time":/\n{"time":/g; s/"events":\[{"time":/\n{"time":/g' "$dir/batch" | awk "$rec" | LC_ALL=C sort > "$dir/b.rec"
awk "$rec" "$dir/follow" | LC_ALL=C sort > "$dir/f.rec"
nf=$(wc -l < "$dir/f.rec")
[ "$nf" -gt 1000 ] || fail "only $nf events followed"
failed=$(grep -vc '"ok"$' "$dir/f.rec")
LC_ALL=C comm -23 "$dir/f.rec" "$dir/b.rec" > "$dir/diff"
echo "$nf events followed ($failed failed), $(wc -l < "$dir/b.rec") in the batch report, $(wc -l < "$dir/diff") differ"
[ -s "$dir/diff" ] && { head -n 5 "$dir/diff"; fail "events printed by --follow differ from the batch report"; }
echo ok
